"""The handbook's words in Chinese and English: UI strings, labels for record values, dates, and
the choice of language for bilingual record text (`{zh: …, en: …}` or a plain string).

Sentences that code composes (finding messages, rule titles, deadline notes) are not here: they
are marked with `qtgov.messages.msg` and translated by the catalogue in `qtgov/locale/`
(docs/design/i18n.md)."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from collections.abc import Iterable, Mapping
from typing import Any

#: Languages the handbook has UI strings for; a record may carry others (shown as fallback text).
UI_LANGUAGES = ("zh", "en")

_STRINGS: dict[str, tuple[str, str]] = {
    # (zh, en)
    "handbook": ("联盟手册", "Alliance handbook"),
    "home": ("首页", "Home"),
    "charter": ("章程", "Charter"),
    "members": ("成员", "Members"),
    "member": ("成员", "Member"),
    "agreements": ("协议", "Agreements"),
    "agreement": ("协议", "Agreement"),
    "deadlines": ("即将到来的期限", "Upcoming deadlines"),
    "market_map": ("市场地图", "Market map"),
    "flags": ("反垄断风险标记", "Antitrust flags"),
    "validation": ("检查报告", "Validation report"),
    "changelog": ("治理变更记录", "Changelog of governance events"),
    "rules": ("检查规则", "Rules"),
    "data": ("数据下载", "Data downloads"),
    "figures": ("概况", "Figures"),
    "as_of": ("截至 {date}", "As of {date}"),
    "fig_members": ("成员", "members"),
    "fig_in_force": ("生效中的协议", "agreements in force"),
    "fig_overlaps": ("待协调的重叠", "open overlaps"),
    "fig_flags": ("风险标记", "antitrust flags"),
    "id": ("标识", "ID"),
    "name": ("名称", "Name"),
    "legal_name": ("法定名称", "Legal name"),
    "kind": ("类别", "Kind"),
    "status": ("状态", "Status"),
    "joined": ("加入日期", "Joined"),
    "left": ("退出日期", "Left"),
    "jurisdiction": ("注册地", "Jurisdiction"),
    "website": ("网站", "Website"),
    "identifiers": ("登记号码", "Identifiers"),
    "description": ("简介", "Description"),
    "sources": ("事实来源", "Sources"),
    "visibility": ("公开范围", "Visibility"),
    "antitrust_ack": ("确认反垄断政策", "Antitrust policy acknowledged"),
    "profile": ("基本信息", "Profile"),
    "representatives": ("代表", "Representatives"),
    "title_role": ("职务", "Title"),
    "email": ("电子邮件", "Email"),
    "can_sign": ("可签署", "May sign"),
    "since": ("起", "Since"),
    "until": ("止", "Until"),
    "rep_hidden": (
        "公开版只显示本人同意公开（public_contact）的代表的电子邮箱；其余代表的邮箱，以及所有人的提交邮箱、"
        "GitHub 账号和签名密钥，都不在公开版中发布。",
        "The public edition shows a representative's e-mail only where they agreed to publish it "
        "(public_contact); other representatives' e-mails, and everyone's commit e-mails, GitHub handles "
        "and signing keys, are not published.",
    ),
    "obliges": ("协议约定", "What it obliges"),
    "ob_unstated": ("未写明", "not stated"),
    "ob_in_force": ("有效期自 {start} 至 {end}（含首尾两日）。", "In force from {start} to {end}, both days included."),
    "ob_in_force_open": ("自 {start} 起生效，未约定结束日期。", "In force from {start}, with no end date."),
    "ob_not_in_force": ("本协议不在生效期内（状态：{status}）。", "This agreement is not in force (status: {status})."),
    "ob_renewal": (
        "期满后自动续期 {period}；任何一方可在期满前 {notice} 通知不再续期。",
        "It renews automatically for {period}; a party that does not want it to must give notice "
        "{notice} before it ends.",
    ),
    "ob_mb_shared": (
        "在 {scope} 范围内，各方都可以经营，没有任何一方受到限制。",
        "In {scope}, every party may operate; none is restrained.",
    ),
    "ob_mb_holder": (
        "在 {scope} 范围内，由 {holder} 集中经营；其他当事方（{others}）在协议有效期内不在此范围内开展业务。",
        "In {scope}, {holder} concentrates on the market; the other parties ({others}) do not pursue business there "
        "while the agreement is in force.",
    ),
    "ob_mb_review": (
        "这是限制性安排：在律师的法律审查批准之前，它不能解决任何重叠，并带有反垄断风险标记。",
        "This is a restrictive arrangement: until counsel's review approves it, it resolves no overlap, and it "
        "carries antitrust risk flags.",
    ),
    "ob_rs_items": ("在平台上联合上架的课程：{items}。", "Courses listed together on the platform: {items}."),
    "ob_rs_split": ("收入（{basis}）按以下比例分配：{split}。", "Revenue ({basis}) is shared: {split}."),
    "ob_rs_pricing_owner": ("每门课程的价格由其所有方自行决定。", "Each course's owner sets its price."),
    "ob_rs_pricing_other": (
        "价格由{who}决定——这是价格协调，存在反垄断风险。",
        "Prices are set by the {who} — price coordination, an antitrust risk.",
    ),
    "ob_rs_settlement": ("结算方式：{settlement}", "Settlement: {settlement}"),
    "ob_tl_secondment": (
        "{home} 的一名员工借调到 {host} 工作，占其工作时间的 {share}。",
        "A person employed by {home} works for {host} on secondment, {share} of their time.",
    ),
    "ob_tl_parttime": (
        "{home} 的一名员工在 {host} 兼职，占其工作时间的 {share}。",
        "A person employed by {home} works part-time for {host}, {share} of their time.",
    ),
    "ob_tl_consent_yes": ("已记录员工本人的同意。", "The employee's own consent is recorded."),
    "ob_tl_consent_no": ("没有记录员工本人的同意。", "No consent of the employee is recorded."),
    "ob_tl_nonsolicit": (
        "各方同意在 {period} 期间不招揽彼此的员工（范围：{covered}）。",
        "The parties agree not to solicit each other's staff (covered: {covered}) during {period}.",
    ),
    "ob_tl_training": ("{parties} 之间的定向培养安排。", "A targeted training arrangement between {parties}."),
    "ob_tl_cost": ("费用分担：{cost}", "Costs: {cost}"),
    "ob_ct_project": (
        "各方共同投入开源项目 {project}（许可证 {license}）。",
        "The parties put resources into the open-source project {project} together (licence {license}).",
    ),
    "ob_ct_commit": (
        "{member} 承诺每 {per} 投入 {amount} {unit}（{kind}）。",
        "{member} commits {amount} {unit} ({kind}) every {per}.",
    ),
    "ob_ct_rebalance": (
        "如果实际投入与承诺的偏差超过 {tolerance}，各方每 {cadence} 重新协商一次：{remedy}",
        "When delivery departs from commitment by more than {tolerance}, the parties renegotiate every "
        "{cadence}: {remedy}",
    ),
    "ob_sh": (
        "{holder} 持有 {issuer} {equity} 的股权（表决权 {voting}）。",
        "{holder} holds {equity} of {issuer}'s equity ({voting} of the votes).",
    ),
    "ob_sh_board": ("持股方占有的董事席位：{seats}。", "Board seats held: {seats}."),
    "ob_sh_control_sole": (
        "{holder} 单独控制 {issuer}：两家公司属于同一控制集团。",
        "{holder} controls {issuer} alone: the two form one control group.",
    ),
    "ob_sh_control_joint": ("{holder} 与他方共同控制 {issuer}。", "{holder} controls {issuer} jointly with others."),
    "ob_sh_control_none": (
        "这笔持股不构成控制：两家公司仍是相互独立的企业。",
        "The stake carries no control: the two remain independent companies.",
    ),
    "ob_sh_firewall_yes": ("约定了信息隔离墙。", "An information firewall is agreed."),
    "ob_sh_firewall_no": ("没有约定信息隔离墙。", "No information firewall is agreed."),
    "card_does": ("业务：{items}", "Works in: {items}"),
    "card_where": ("地区：{items}", "Where: {items}"),
    "card_since": ("{date} 加入", "Member since {date}"),
    "members_table": ("全部成员（表格）", "All members (table)"),
    "changelog_public_note": (
        "公开版只列出公开记录的事件；联盟内和受限记录的事件不在此列。",
        "This public edition lists events of public records only; events of alliance-only and restricted "
        "records are left out.",
    ),
    "atom_feed": ("订阅更新（Atom）", "Subscribe to updates (Atom)"),
    "map_state_open": ("重叠待协调", "overlap to coordinate"),
    "map_state_coordinated": ("重叠已协调", "overlap coordinated"),
    "map_state_several": ("多家成员的重点领域，互不重叠", "several members, no overlap"),
    "map_state_one": ("一家成员的重点领域", "one member's focus area"),
    "map_truncated": (
        "图中只画出声明最多的行业和地区；其余见下表和 api/overlaps.json。",
        "The drawing shows the sectors and regions most members claim; the table below and api/overlaps.json "
        "hold the rest.",
    ),
    "feed_entry": ("{record}：{event}", "{record}: {event}"),
    "relations": ("成员关系", "Relations"),
    "relations_intro": (
        "哪些成员之间签有协议、谁持有谁的股份：每条线是一类协议，箭头从持股方指向被持股方。图下的列表列出同样的内容。",
        "Who has agreements with whom, and who holds shares in whom: each line is one kind of agreement, each "
        "arrow points from holder to issuer. The list below the drawing says the same.",
    ),
    "relations_holding": ("持股（持股方 → 被持股方）", "shareholding (holder → issuer)"),
    "relations_holds": ("持有 {issuer} 的股份（{agreement}）", "holds shares in {issuer} ({agreement})"),
    "relations_truncated": (
        "图中只画出关系最多的成员；列表包含全部成员。",
        "The drawing shows the members with the most relations; the list holds them all.",
    ),
    "relations_none": ("成员之间还没有协议。", "No agreements between members yet."),
    "who_to_ask": ("联系谁：", "Who to ask:"),
    "kv_item": ("事项", "Item"),
    "kv_details": ("内容", "Details"),
    "prose_withheld": (
        "*（此处一段涉及未公开记录的内容未收入公开版。）*",
        "*(A passage about records that are not public is left out of the public edition.)*",
    ),
    "claims": ("声明的重点领域", "Declared focus areas"),
    "claim": ("重点领域声明", "Claim"),
    "sector": ("行业", "Sector"),
    "region": ("地区", "Region"),
    "segment": ("客户群", "Segment"),
    "period": ("期间", "Period"),
    "note": ("备注", "Note"),
    "no_claims": ("没有声明重点领域。", "No declared focus areas."),
    "party_to": ("参与的协议", "Agreements it is party to"),
    "none": ("无。", "None."),
    "shareholdings": ("持股", "Shareholdings"),
    "holder": ("持有方", "Holder"),
    "issuer": ("发行方", "Issuer"),
    "instrument": ("工具", "Instrument"),
    "equity_pct": ("股权比例", "Equity"),
    "voting_pct": ("表决权比例", "Voting"),
    "board_seats": ("董事席位", "Board seats"),
    "control": ("控制", "Control"),
    "firewall": ("信息防火墙", "Information firewall"),
    "overlaps": ("重叠", "Overlaps"),
    "overlaps_with": ("与其他成员的重叠", "Overlaps with other members"),
    "with": ("对方", "With"),
    "label": ("标签", "Label"),
    "piece": ("区块", "Piece"),
    "history": ("历史", "History"),
    "no_history": (
        "没有 Git 历史（仓库不是 Git 仓库，或历史不可用）。",
        "No git history (the repository is not a git repository, or its history is unavailable).",
    ),
    "last_updated": ("最后更新 {date}", "Last updated {date}"),
    "generated_from": ("本页由 {path} 生成——如需修改，请编辑该文件。", "Generated from {path} — edit that file."),
    "type": ("类型", "Type"),
    "title": ("标题", "Title"),
    "version": ("版本", "Version"),
    "parties": ("当事方", "Parties"),
    "role": ("角色", "Role"),
    "effective": ("生效日期", "Effective"),
    "on_execution": ("签署完成之日", "on execution"),
    "term": ("期限", "Term"),
    "term_end": ("截止日期", "End"),
    "duration": ("期限长度", "Duration"),
    "renewal": ("续期", "Renewal"),
    "renewal_auto": ("自动续期 {period}，提前 {notice} 通知", "renews automatically for {period}, notice {notice}"),
    "renewal_none": ("不自动续期", "no automatic renewal"),
    "in_force": ("生效中", "In force"),
    "in_force_interval": ("生效期间", "In force"),
    "never_in_force": ("未生效", "never in force"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "open_ended": ("无固定期限", "open-ended"),
    # An end date is the last day in force (term.end and termination.date alike): say it in words.
    "in_force_until": ("自 {start} 起生效，至 {end}（含当日）止", "from {start} until and including {end}"),
    "in_force_from": ("自 {start} 起生效，无固定期限", "from {start}, open-ended"),
    "termination_last_day": ("终止：生效至 {date}（含当日）", "terminated: in force until and including {date}"),
    "termination": ("终止", "Termination"),
    "reason": ("原因", "Reason"),
    "governing_law": ("适用法律", "Governing law"),
    "dispute": ("争议解决", "Dispute resolution"),
    "summary": ("摘要", "Summary"),
    "terms": ("条款", "Terms"),
    "no_terms": ("本记录不含条款文本。", "This record carries no terms."),
    "allocations": ("划分", "Allocations"),
    "scope": ("范围", "Scope"),
    "cooperation": ("合作安排", "Cooperation"),
    "shared": ("共享（各方均可经营）", "shared (every party may operate)"),
    "items": ("课程", "Courses"),
    "course": ("课程", "Course"),
    "owner": ("所有方", "Owner"),
    "pricing_authority": ("定价权", "Pricing authority"),
    "revenue_basis": ("收入口径", "Revenue basis"),
    "split": ("分成", "Split"),
    "settlement": ("结算", "Settlement"),
    "talent_kind": ("安排", "Arrangement"),
    "person_ref": ("人员编号", "Person reference"),
    "person_hidden": ("（公开版不发布）", "(not published in the public edition)"),
    "home_member": ("派出方", "Home"),
    "host_member": ("接收方", "Host"),
    "employee_consent": ("员工同意", "Employee consent"),
    "time_share_pct": ("时间占比", "Time share"),
    "cost_share": ("费用分担", "Cost share"),
    "ancillary_to": ("附属于", "Ancillary to"),
    "ancillary_here": ("附属于本协议的协议", "Agreements ancillary to this one"),
    "findings_of_rule": ("本规则的检查结果", "Findings of this rule"),
    "count": ("数量", "Count"),
    "covered": ("涵盖", "Covered"),
    "covered_all": ("全体员工", "all employees"),
    "excludes": ("除外", "Excludes"),
    "project": ("项目", "Project"),
    "license": ("许可证", "License"),
    "repository": ("代码仓库", "Repository"),
    "commitments": ("承诺", "Commitments"),
    "amount": ("数量", "Amount"),
    "unit": ("单位", "Unit"),
    "per": ("周期", "Per"),
    "measurement": ("计量", "Measurement"),
    "window": ("窗口", "Window"),
    "metrics": ("指标", "Metrics"),
    "exclude_paths": ("排除路径", "Excluded paths"),
    "rebalancing": ("再平衡", "Rebalancing"),
    "tolerance_pct": ("容差", "Tolerance"),
    "remedy": ("补救", "Remedy"),
    "cadence": ("频率", "Cadence"),
    "signatures": ("签名", "Signatures"),
    "signatory": ("签署人", "Signatory"),
    "date": ("日期", "Date"),
    "method": ("方式", "Method"),
    "hash_check": ("内容哈希", "Content hash"),
    "hash_ok": ("一致", "matches"),
    "hash_bad": ("不一致（内容已改动）", "differs (content changed)"),
    "provenance": ("Git 来源", "Git provenance"),
    "prov_unknown": ("不可用", "not available"),
    "prov_vouched": ("Git 可证实（{commit}）", "vouched for by git ({commit})"),
    "prov_not_vouched": ("Git 无法证实（{commit}）", "not vouched for by git ({commit})"),
    "content_sha256": ("当前内容哈希", "Current content hash"),
    "no_signatures": ("尚无签名。", "No signatures yet."),
    "legal_review": ("法律审查", "Legal review"),
    "reviewer": ("审查律师", "Reviewer"),
    "conditions": ("条件", "Conditions"),
    "review_pins": ("审查时的内容哈希", "Reviewed content hash"),
    "antitrust": ("反垄断说明", "Antitrust notes"),
    "exemption_basis": ("豁免依据", "Exemption basis"),
    "rationale": ("理由", "Rationale"),
    "documents": ("文件", "Documents"),
    "lineage": ("修订沿革", "Amendment lineage"),
    "amends": ("修订", "Amends"),
    "amended_by": ("被以下协议修订或取代", "Amended or superseded by"),
    "supersedes": ("取代", "Supersedes"),
    "diff_with": ("与 {id} 的差异", "Changes from {id}"),
    "not_public": ("（未公开）", "(not public)"),
    "member_not_public": ("一名成员（未公开）", "a member (not public)"),
    "agreement_not_public": ("一份协议（未公开）", "an agreement (not public)"),
    "person_not_public": ("一名代表（未公开）", "a representative (not public)"),
    # contribution pages (docs/design/economics.md)
    "contributions": ("贡献度量", "Contributions measured"),
    "contributions_title": ("{name}：贡献度量", "{name}: contributions measured"),
    "contributions_intro": (
        "根据共建项目的 Git 历史（截至 {date}，共读取 {commits} 个提交）计算，每个度量窗口显示各成员的份额与承诺份额。",
        "Computed from the shared project's git history as of {date} ({commits} commits read): each member's "
        "share in every measurement window, next to its committed share.",
    ),
    "contributions_coordinates": (
        "这些数字是各方重新协商的事实依据，不是裁决：偏差超出容差时，各方可考虑按协议的节奏会面并重新协商。",
        "These figures are facts for the parties' own negotiation, not a verdict: when delivery drifts beyond "
        "the tolerance, the parties may wish to meet at the agreement's cadence and renegotiate.",
    ),
    "contributions_legend": (
        "实线为各成员每个窗口的{measure}份额（空心点表示窗口尚未结束），同色虚线为其承诺份额。",
        "solid lines give each member's share of {measure} per window (a hollow dot: the window is not over "
        "yet); the dashed line of the same colour gives its committed share.",
    ),
    "contributions_windows": ("各窗口的份额", "Shares per window"),
    "contributions_unmatched": (
        "另有 {count} 个提交身份未能对应到任何成员（未作猜测；身份本身不公开）。",
        "{count} commit identities matched no member (none was guessed; the identities are not published).",
    ),
    "committed_share": ("承诺份额", "Committed share"),
    "window_partial": ("（未完整）", "(partial)"),
    "elephant_factor": ("大象因子", "Elephant factor"),
    "rebalancing_due": ("建议重新协商", "Rebalancing due"),
    "rebalancing_meet_by": ("各方可考虑在 {date} 前会面", "the parties may wish to meet by {date}"),
    "findings_here": ("本记录的检查结果", "Findings on this record"),
    "no_findings": ("没有检查结果。", "No findings."),
    "all_types": ("全部类型", "All types"),
    "all_statuses": ("全部状态", "All statuses"),
    "all": ("全部", "All"),
    "filter": ("筛选", "Filter"),
    "registry_intro": (
        "每份协议一个文件。下表可按类型、状态和是否生效筛选。",
        "One file per agreement. Filter the table by type, status and whether it is in force.",
    ),
    "directory_intro": ("每家成员一个文件，枢纽也在其中。", "One file per member company, the hub included."),
    "kind_deadline": ("事项", "Kind"),
    "deadline_window": (
        "{start} 至 {end} 之间的到期、续期和通知期限。",
        "Expiries, renewals and notice deadlines from {start} to {end}.",
    ),
    "no_deadlines": ("这段时间内没有期限。", "No deadlines in this window."),
    "map_intro": (
        "行业 × 地区：每个格子列出在 {date} 仍然存在的重叠及其标签。重叠是需要协调的事项，不是侵权。",
        "Sector × region: each cell lists the overlaps that exist on {date} and their labels. "
        "Overlaps are to be coordinated, not infringements.",
    ),
    "map_all": ("全部重叠（所有时间）", "Every overlap (all time)"),
    "no_overlaps": ("声明的重点领域之间没有重叠。", "No declared focus areas overlap."),
    "legend": ("标签说明", "Labels"),
    "members_pair": ("成员", "Members"),
    "claims_pair": ("重点领域声明", "Claims"),
    "flags_intro": (
        "标记是启发式提示：有标记不等于违法，没有标记也不等于合规。",
        "Flags are heuristics: a flag is not a finding of illegality, and no flag is not clearance.",
    ),
    "no_flags": ("没有反垄断风险标记。", "No antitrust flags."),
    # the ownership page (docs/design/ownership.md)
    "ownership": ("持股与控制", "Ownership and control"),
    "ownership_intro": (
        "根据 {date} 生效的已签署持股协议绘制：箭头从持有方指向发行方，数字为持有的股权比例。"
        "同一控制组（单独控制）的公司视为一个经济单位：它们之间的重叠标记为集团内部，"
        "R1 不标记组内的分配，审批法定人数中整个控制组只算一票。控制只在生效期间算数。",
        "Drawn from the executed shareholding agreements in force on {date}: arrows run from holder to "
        "issuer, labelled with the equity held. Companies in one control group (sole control) are one "
        "economic unit: overlaps between them are intra-group, R1 does not flag allocations inside one, "
        "and a whole group counts once toward the approval quorum. Control counts only while it is in force.",
    ),
    "ownership_key": ("图例", "Key"),
    "ownership_legend": (
        "实线箭头：单独控制；虚线：共同控制；点线：无控制。同色方框属于同一控制组。",
        "solid arrow: sole control; dashed: joint control; dotted: no control. Boxes of one colour are "
        "one control group.",
    ),
    "no_holdings": ("这一天没有生效的持股。", "No shareholding is in force on this day."),
    "holdings_in_force": ("生效中的持股", "Holdings in force"),
    "stakes": ("直接与间接持股", "Direct and indirect stakes"),
    "stakes_intro": (
        "间接持股沿持股链逐级相乘（A 持有 B 的 50%，B 持有 C 的 40%：A 经由 B 持有 C 的 20%）；"
        "一条链不会两次经过同一家公司。",
        "Indirect stakes multiply along chains of holdings (A holds 50% of B, B holds 40% of C: A holds 20% "
        "of C through B); a chain never passes one company twice.",
    ),
    "stakes_partial": (
        "持股链过多，未能全部计算：间接持股为下限。",
        "Too many chains to follow them all: indirect stakes are a lower bound.",
    ),
    "direct_pct": ("直接", "Direct"),
    "indirect_pct": ("间接", "Indirect"),
    "total_pct": ("合计", "Total"),
    "through": ("经由", "Through"),
    "control_groups": ("控制组", "Control groups"),
    "control_groups_intro": (
        "由生效中的单独控制持股相连的公司：母公司、子公司和兄弟公司。",
        "Companies linked by holdings with sole control in force: parents, subsidiaries and sister companies.",
    ),
    "controlled_by": ("控制方：", "controlled by"),
    "cross_holdings": ("交叉持股（相互持有的公司）", "Cross-holdings (companies that hold each other)"),
    "over_100": (
        "持股合计超过 100%（可能漏记了终止，或持股比例有误）",
        "Holdings over 100% in total (a termination not recorded, or a stake overstated)",
    ),
    "other_holdings": ("其他日期生效的持股", "Holdings in force on other days"),
    "ownership_see": ("持股与控制关系图：", "The ownership and control graph:"),
    "member_group": ("{date} 所在的控制组：", "Control group on {date}:"),
    "rule": ("规则", "Rule"),
    "severity": ("级别", "Severity"),
    "location": ("位置", "Location"),
    "message": ("说明", "Message"),
    "validation_intro": (
        "qtgov validate 在 {date} 的全部检查结果：错误 {error} 条，警告 {warning} 条，提示 {info} 条。",
        "Every finding of qtgov validate as of {date}: {error} errors, {warning} warnings, {info} notes.",
    ),
    "map_more_pairs": ("另有 {n} 对", "+{n} more"),
    "map_more_rows": (
        "另有 {n} 个区块未在此列出（见各成员页面）；全部重叠见",
        "{n} more pieces are not listed here (see each member's page); every overlap is in",
    ),
    "validation_more": (
        "另有 {n} 条未在此列出；完整结果见",
        "{n} more are not listed here; every finding is in",
    ),
    "validation_public": (
        "公开版只列出涉及公开记录的检查结果。",
        "The public edition lists only findings whose files are all public.",
    ),
    "changelog_intro": (
        "由记录中的日期和 Git 历史整理出的治理事件，最新的在前。",
        "Governance events from the records' dates and the git history, newest first.",
    ),
    "event": ("事件", "Event"),
    "record": ("记录", "Record"),
    "no_events": ("没有事件。", "No events."),
    "ev_joined": ("加入联盟", "joined the alliance"),
    "ev_left": ("退出联盟", "left the alliance"),
    "ev_signed": ("{member} 签署", "signed by {member}"),
    "ev_effective": ("生效", "took effect"),
    "ev_terminated": ("终止", "terminated"),
    "ev_reviewed": ("法律审查：{status}", "legal review: {status}"),
    "ev_commit": ("{summary}", "{summary}"),
    "rules_intro": (
        "每条检查结果都带有规则编号，链接到下面对应的说明页。",
        "Every finding carries a rule id that links to its page below.",
    ),
    "category": ("类别", "Category"),
    "default_severity": ("默认级别", "Default severity"),
    "data_intro": (
        "手册中的数据可供下载（JSON）；公开版只包含公开记录。",
        "The handbook's data for download (JSON); the public edition holds public records only.",
    ),
    "file": ("文件", "File"),
    "contents": ("内容", "Contents"),
    "api_members": ("成员", "Members"),
    "api_agreements": ("协议", "Agreements"),
    "api_overlaps": ("重叠（每对重叠的重点领域声明一条）", "Overlaps (one entry per overlapping pair of claims)"),
    "api_findings": ("检查结果（qtgov validate 格式）", "Findings (qtgov validate shape)"),
    "schemas": ("JSON Schema", "JSON Schemas"),
    "not_available": ("不可用", "not available"),
    "coordinated_not_public": ("已协调（未公开）", "coordinated (not public)"),
    "other_language": ("English", "中文"),
    "edition_public": ("公开版", "public edition"),
    "edition_alliance": ("联盟内部版", "alliance edition"),
    "author": ("作者", "Author"),
    "commit": ("提交", "Commit"),
    "change": ("变更", "Change"),
    # -- how-to pages and the field reference (qtgov/site/howto.py, qtgov/site/fieldref.py) --
    "howto": ("操作指南", "How-to guides"),
    "howto_index_intro": (
        "以下指南按一份协议从起草到终止的顺序排列，写给负责提交记录的成员秘书。每一步都是可以直接复制运行的命令；"
        "qtgov 从不替你提交，每条命令都会打印下一步要执行的 git 操作。示例中的联盟由 qtgov init 创建，"
        "枢纽成员为 hub（代表 wang），申请加入的公司为 acme（代表 li）。每篇指南都从最新的主分支开始。",
        "These guides follow one agreement from its draft to its end, for the member's secretary who files the "
        "records. Every step is a command to copy and run; qtgov never commits for you, and every command prints "
        "the git step that comes next. The example alliance was made by qtgov init: the hub is hub (its "
        "representative wang) and the company joining is acme (its representative li). Each guide starts from "
        "the up-to-date main branch.",
    ),
    "howto_commands": ("命令", "Commands"),
    "howto_push": (
        "把分支推送到联盟仓库并发起拉取请求；命令打印的审批人批准后才能合并。",
        "Push the branch to the alliance repository and open a pull request; it is merged once the approvers "
        "the command printed have approved it.",
    ),
    "howto_join": ("加入联盟", "Join the alliance"),
    "howto_join_intro": (
        "新成员先写一份成员记录（状态为申请中），经枢纽批准后由枢纽秘书接纳。",
        "A new member first writes its member record (status prospective); once the hub approves, the hub's "
        "secretary admits it.",
    ),
    "howto_join_new": (
        "申请方写出成员记录：公司名称和第一位代表。代表的 GitHub 账号用于审批拉取请求。",
        "The applicant writes its member record: the company's name and its first representative, whose GitHub "
        "account approves pull requests.",
    ),
    "howto_join_commit": (
        "在新分支上提交这份记录，提交说明和附注照抄命令打印的内容。",
        "Commit the record on a new branch, with the message and trailers the command printed.",
    ),
    "howto_join_admit": (
        "枢纽同意后，枢纽秘书在同一个拉取请求中接纳该成员：状态改为正式成员，"
        "加入日期为今天（用 --date 指定其他日期）。",
        "Once the hub agrees, the hub's secretary admits the member in the same pull request: status active, "
        "joined today (--date gives another day).",
    ),
    "howto_propose": ("起草并提出协议", "Draft and propose an agreement"),
    "howto_propose_intro": (
        "协议先以草稿写入，各方对文本达成一致后改为待签署。本例是双方共同经营中国市场、互不限制的市场边界协议。",
        "An agreement is written as a draft first, and proposed for signature once the parties agree on its "
        "text. The example is a market-boundary agreement in which both parties serve China and neither is "
        "restrained.",
    ),
    "howto_propose_terms": (
        "把约定条款写进一个文件。不提供条款文件时，命令会按协议类型填入占位内容，检查会一直报告这些占位内容，直到被替换。",
        "Write the terms into a file. Without a terms file the command fills in the type's placeholders, which "
        "validation reports until they are replaced.",
    ),
    "howto_propose_new": (
        "写出协议草稿，删除临时的条款文件，然后检查整个仓库：应为 0 个错误、0 个警告。",
        "Write the draft, delete the temporary terms file, and check the whole repository: it should report 0 "
        "errors and 0 warnings.",
    ),
    "howto_propose_draft_commit": (
        "在新分支上提交草稿。",
        "Commit the draft on a new branch.",
    ),
    "howto_propose_propose": (
        "各方同意文本后，把草稿改为待签署。此后文本的内容哈希就是各方签署的对象。",
        "Once the parties agree on the text, propose it. From now on the text's content hash is what the parties sign.",
    ),
    "howto_sign": ("签署协议", "Sign an agreement"),
    "howto_sign_intro": (
        "每一方由有权签署的代表签署。签名记录的是协议当前内容的哈希；签署后如果内容改动，签名即失效。",
        "Each party signs through a representative who may sign for it. A signature records the hash of the "
        "agreement's current content; a change to the content afterwards voids it.",
    ),
    "howto_sign_hub": (
        "枢纽的代表签署，并用自己的提交单独提交：这次提交就是签名的来源证明。",
        "The hub's representative signs and commits it in a commit of their own: that commit is the "
        "signature's provenance.",
    ),
    "howto_sign_acme": (
        "另一方的代表同样签署并提交。注意先用 git add 加入文件再提交。",
        "The other party's representative signs and commits in the same way. Add the file with git add before "
        "committing.",
    ),
    "howto_sign_provenance": (
        "签名提交的作者邮箱应当登记在代表的提交邮箱中（或使用 SSH 签名提交）；"
        "登记之后，qtgov provenance 会列出每个签名是否得到 git 历史的证明。",
        "The signing commit's author address should be listed in the representative's commit e-mails (or the "
        "commit SSH-signed); once they are, qtgov provenance lists which signatures git vouches for.",
    ),
    "howto_execute": ("使协议生效", "Execute an agreement"),
    "howto_execute_intro": (
        "所有当事方都签署了当前内容后，协议才能标记为已签署生效；生效日为最后一个签名的日期。",
        "An agreement can be marked executed only when every party has signed its current content; it is "
        "executed on the day of the last signature.",
    ),
    "howto_execute_run": (
        "标记生效并提交。缺少任何一方的签名时，命令会拒绝并说明缺少谁。",
        "Mark it executed and commit. While a party's signature is missing, the command refuses and says whose.",
    ),
    "howto_execute_status": (
        "查看今天生效的协议和即将到来的期限。",
        "See what is in force today and which deadlines are coming.",
    ),
    "howto_review": ("记录法律审查", "Record a legal review"),
    "howto_review_intro": (
        "划分市场、互不招揽、协调价格等安排会被标记为反垄断风险，应当请律师审查。"
        "法律审查是律师的行为，不是当事方的行为：审查人必须是章程中登记的律师，审查结果写在协议的法律审查部分，"
        "不影响各方签名的内容哈希。",
        "Arrangements that allocate markets, restrain hiring or coordinate prices are flagged as antitrust "
        "risks and should go to counsel. A legal review is counsel's act, not the parties': the reviewer must be "
        "counsel recognised in the charter, and the outcome is written in the agreement's legal review section, "
        "outside the content the parties signed.",
    ),
    "howto_review_counsel": (
        "只需一次：在章程中登记律师（编号、姓名、GitHub 账号、提交邮箱）。章程的改动需要枢纽批准。",
        "Once only: recognise the counsel in the charter (id, name, GitHub account, commit e-mails). A change to "
        "the charter needs the hub's approval.",
    ),
    "howto_review_record": (
        "律师写下审查结果，并记下所审查内容的哈希；之后内容一旦改动，这次审查即失效。然后检查并提交，拉取请求需要该律师批准。",
        "The counsel writes the outcome with the hash of the content reviewed; if the content changes later, the "
        "review no longer applies. Then check and commit; the pull request needs that counsel's approval.",
    ),
    "howto_amend": ("修订协议", "Amend an agreement"),
    "howto_amend_intro": (
        "已生效的协议不再改动。修订是一份新的协议记录：它注明修订的是哪一份协议，版本号加一，状态为草稿，条款从原协议复制。",
        "An executed agreement is not edited. An amendment is a new agreement record: it names the agreement it "
        "amends, its version is one higher, it is a draft, and its terms are copied from the original.",
    ),
    "howto_amend_run": (
        "写出修订草稿并提交（用 --terms 可以直接给出修订后的条款文件）。",
        "Write the amendment's draft and commit it (--terms gives a file with the amended terms).",
    ),
    "howto_amend_next": (
        "之后修订稿和原协议一样经过提出、签署和生效三个步骤；在修订生效之前，原协议继续有效。",
        "The amendment then goes through proposing, signing and executing like the original; the original stays "
        "in force until the amendment takes effect.",
    ),
    "howto_terminate": ("终止协议", "Terminate an agreement"),
    "howto_terminate_intro": (
        "终止协议时写明最后一个有效日（当天仍有效）和终止原因。协议约定了通知期的，通知期未满时命令会拒绝。",
        "To terminate an agreement, give its last day in force (that day included) and the reason. Where the "
        "agreement has a notice period, the command refuses while it has not run.",
    ),
    "howto_terminate_run": (
        "终止并提交；拉取请求需要每个当事方批准。",
        "Terminate it and commit; the pull request needs every party's approval.",
    ),
    "howto_leave": ("退出联盟", "Leave the alliance"),
    "howto_leave_intro": (
        "成员退出时写明最后一个成员日。随成员资格一起结束的协议需要同时终止，尚未生效的草稿需要取消。",
        "A member that leaves gives its last day of membership. The agreements that end with its membership "
        "must be terminated at the same time, and its drafts cancelled.",
    ),
    "howto_leave_list": (
        "不加 --terminate 时，命令只改成员记录并列出哪些协议必须随之结束；加上 --terminate，会同时写好这些终止和取消。",
        "Without --terminate the command changes the member record and lists what must end with it; with "
        "--terminate it writes those terminations and cancellations too.",
    ),
    "howto_leave_terminate": (
        "写出退出记录和随之而来的终止，提交，再检查一次。",
        "Write the withdrawal and what ends with it, commit, and check once more.",
    ),
    "fieldref": ("字段参考", "Field reference"),
    "fieldref_intro": (
        "每类记录的每个字段，直接取自 qtgov 自带的 JSON Schema：类型、含义、示例，以及哪个版本的手册会发布它。"
        "带 [] 的路径表示列表中的每一项。",
        "Every field of every record kind, read from the JSON Schemas qtgov ships: its type, meaning and an "
        "example, and which edition of the handbook publishes it. A path with [] stands for each item of a list.",
    ),
    "fieldref_kind_member": ("成员记录", "Member records"),
    "fieldref_kind_agreement": ("协议记录", "Agreement records"),
    "fieldref_kind_alliance": ("联盟设置", "Alliance settings"),
    "fieldref_kind_taxonomy": ("分类树", "Taxonomies"),
    "fieldref_schema": ("格式文件", "Schema"),
    "fieldref_terms": ("条款（{type} 类型的协议）", "Terms of a {type} agreement"),
    "fieldref_field": ("字段", "Field"),
    "fieldref_type": ("类型", "Type"),
    "fieldref_meaning": ("含义", "Meaning"),
    "fieldref_example": ("示例", "Example"),
    "fieldref_published": ("发布范围", "Published in"),
    "fieldref_required": ("（必填）", "(required)"),
    "fieldref_no_zh": ("（暂无中文说明）", "(no description)"),
    "fieldref_list_of": ("{type} 的列表", "list of {type}"),
    "fieldref_type_string": ("文字", "text"),
    "fieldref_type_object": ("对象", "object"),
    "fieldref_type_array": ("列表", "list"),
    "fieldref_type_boolean": ("是或否", "true or false"),
    "fieldref_type_integer": ("整数", "integer"),
    "fieldref_type_number": ("数字", "number"),
    "fieldref_type_null": ("空值", "null"),
    "fieldref_type_any": ("任意", "any"),
    "vis_always": (
        "随记录发布：公开记录在两个版本中发布，仅限联盟的记录只在内部版中发布；受限记录也保留此字段。",
        "With the record: both editions for a public record, the alliance edition for an alliance record; a "
        "restricted record keeps it too.",
    ),
    "vis_record": (
        "随记录发布：公开记录在两个版本中发布，仅限联盟的记录只在内部版中发布；受限记录不得包含此字段。",
        "With the record: both editions for a public record, the alliance edition for an alliance record; a "
        "restricted record may not carry it.",
    ),
    "vis_personal": (
        "个人信息：公开版从不发布，只有联盟内部版（的数据下载）提供。",
        "Personal data: never in the public edition; only the alliance edition (its data downloads) carries it.",
    ),
    "vis_personal_consent": (
        "个人信息：只有本人同意（public_contact）时才在公开版中发布，否则只在联盟内部版中显示。",
        "Personal data: in the public edition only with the person's consent (public_contact), otherwise only "
        "in the alliance edition.",
    ),
    "vis_sensitive": (
        "竞争敏感信息：在公开或联盟记录中会被标记风险，应放在受限文件中并以哈希固定。",
        "Competitively sensitive: flagged in a public or alliance record; keep it in a restricted document "
        "pinned by hash.",
    ),
    "vis_charter": (
        "章程的一部分：两个版本都发布。",
        "Part of the charter: published in both editions.",
    ),
    # Root page and footer (pipeline._redirect, theme/main.html via extra.qtgov.footer).
    "edition_in_language": ("中文版", "English edition"),
    "redirect_note": (
        "正在打开手册；如未自动跳转，请选择版本：",
        "Opening the handbook; if nothing happens, choose an edition:",
    ),
    "footer_built": ("构建于 {date}", "Built on {date}"),
    "footer_commit": ("提交 {sha}", "from commit {sha}"),
    "footer_no_commit": ("非 git 版本", "not from a git commit"),
    # --- projsite --- (projects and retrospectives: pages.py project_* and retrospective_* pages)
    "projects": ("项目", "Projects"),
    "retrospectives": ("复盘", "Retrospectives"),
    "retrospective": ("复盘", "Retrospective"),
    "projects_intro": (
        "联盟成员共同承接的大项目。分包：总包方（通常是枢纽）中标后把工作分给成员；拆包：成员独自无法交付，"
        "把项目带到枢纽拆分成工作包。",
        "The big projects members work on together. A subcontract: the prime (usually the hub) won the "
        "contract and hands parts to members. A breakdown: a member that cannot deliver it alone brought it "
        "to the hub to cut it into packages.",
    ),
    "no_projects": ("本版手册中没有项目。", "No projects in this edition."),
    "origin": ("来源", "Origin"),
    "prime": ("总包方", "Prime"),
    "client": ("客户", "Client"),
    "market": ("市场", "Market"),
    "dates": ("工期", "Dates"),
    "brought_by": ("带来项目的成员", "Brought by"),
    "bidders": ("联合投标方", "Joint bidders"),
    "proj_scope": ("工作范围", "Scope"),
    "governing_agreements": ("适用的协议", "Governing agreements"),
    "project_value": ("合同金额", "Contract value"),
    "packages": ("工作包", "Packages"),
    "package": ("工作包", "Package"),
    "assignee": ("承接成员", "Assignee"),
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "depends_on": ("前置工作包", "Depends on"),
    "value_or_share": ("金额或份额", "Value or share"),
    "no_packages": ("没有工作包。", "No packages."),
    "timeline": ("时间线", "Timeline"),
    "timeline_hint": (
        "每个工作包一条横条，从第一天到最后一天，标有承接成员；在窄屏上可左右滑动查看。",
        "One bar per package from its first to its last day, labelled with its assignee; on a narrow screen "
        "it scrolls sideways.",
    ),
    "timeline_none": ("工作包没有日期，无法画出时间线。", "The packages have no dates to draw."),
    "client_anonymised": ("（匿名）", "(anonymised)"),
    "client_unstated": ("未写明", "not stated"),
    "values_withheld": (
        "金额和份额属于竞争敏感信息，公开版不发布。",
        "Values and shares are competitively sensitive and are not published in the public edition.",
    ),
    "values_sensitive": (
        "金额和份额属于竞争敏感信息：这里只对联盟成员显示，检查会把它们标记为风险（R5）。",
        "Values and shares are competitively sensitive: shown to the members only, and flagged by the checks (R5).",
    ),
    "proj_summary": (
        "{prime} 为{client}承接“{title}”（{origin}），工期 {start} 至 {end}；{count} 个工作包由 {assignees} 交付。",
        "{prime} delivers {title} for {client} ({origin}), from {start} until {end}; {count} packages are "
        "delivered by {assignees}.",
    ),
    "proj_summary_undated": (
        "{prime} 为{client}承接“{title}”（{origin}）；{count} 个工作包由 {assignees} 交付。",
        "{prime} delivers {title} for {client} ({origin}); {count} packages are delivered by {assignees}.",
    ),
    "proj_works_on": ("参与的项目", "Projects we work on"),
    "proj_roles": ("角色", "Role"),
    "proj_our_packages": ("承接的工作包", "Our packages"),
    "proj_governed": ("适用本协议的项目", "Projects it governs"),
    "proj_not_public": ("另有 {n} 项未公开", "{n} more not public"),
    "concerns_not_public": ("{n} 项未公开的记录", "{n} record(s) not public"),
    "agreements_not_public": ("{n} 项未公开的协议", "{n} agreement(s) not public"),
    "proj_details": ("项目概况", "About the project"),
    "retro_details": ("复盘概况", "About the retrospective"),
    "retro_intro": (
        "项目和协议的复盘，最新的在前：发生了什么，学到了什么。",
        "Retrospectives of projects and agreements, newest first: what happened and what was learned.",
    ),
    "no_retrospectives": ("本版手册中没有复盘。", "No retrospectives in this edition."),
    "authors": ("作者", "Authors"),
    "concerns": ("涉及", "Concerns"),
    "happened": ("发生了什么", "What happened"),
    "learned": ("学到了什么", "What we learned"),
    "retro_body": ("复盘全文", "The retrospective"),
    "retro_here": ("相关复盘", "Retrospectives"),
    "api_projects": ("项目", "Projects"),
    "api_retrospectives": ("复盘", "Retrospectives"),
    "fieldref_kind_project": ("项目记录", "Project records"),
    "fieldref_kind_retrospective": ("复盘记录", "Retrospective records"),
    "vis_sensitive_project": (
        "竞争敏感信息：公开版从不发布；联盟内部版显示，检查会把它标记为风险（R5）。",
        "Competitively sensitive: never in the public edition; the alliance edition shows it and the checks "
        "flag it (R5).",
    ),
    # --- zensical ---
    # Zensical 0.0.73's search dialog writes these into its JavaScript in English; qtgov's
    # zensical-search.js puts them in the page's language (qtgov.site.mkdocs_run).
    "zs_search": ("搜索", "Search"),
    "zs_close": ("关闭搜索", "Close search"),
    "zs_filters": ("筛选", "Filters"),
    "zs_results": ("搜索结果", "Search results"),
    "zs_tags": ("标签", "Tags"),
    "zs_tags_hint": (
        "用上下方向键在标签间移动，按空格或回车键选中或取消标签。",
        "Use Up and Down arrow keys to move between tags. Press Space or Enter to toggle a tag.",
    ),
    "zs_no_results": ("没有找到结果", "No results"),
    "zs_one_result": ("1 个结果", "1 result"),
    "zs_n_results": ("{n} 个结果", "{n} results"),
}

_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "prospective": ("候选", "prospective"),
        "active": ("正式", "active"),
        "suspended": ("暂停", "suspended"),
        "withdrawn": ("已退出", "withdrawn"),
        "draft": ("草稿", "draft"),
        "proposed": ("已提议", "proposed"),
        "executed": ("已签署", "executed"),
        "terminated": ("已终止", "terminated"),
        "cancelled": ("已撤销", "cancelled"),
        "rejected": ("已否决", "rejected"),
    },
    "kind": {"hub": ("枢纽", "hub"), "member": ("成员", "member")},
    "type": {
        "market-boundary": ("市场边界", "market boundary"),
        "revenue-share": ("收入分成", "revenue share"),
        "talent": ("人才", "talent"),
        "contribution": ("共建开源", "contribution"),
        "shareholding": ("持股", "shareholding"),
    },
    "visibility": {
        "public": ("公开", "public"),
        "alliance": ("联盟内", "alliance"),
        "restricted": ("受限", "restricted"),
    },
    "label": {
        "conflict": ("冲突", "conflict"),
        "pending": ("待定", "pending"),
        "blocked-review": ("待审查", "blocked (review)"),
        "resolved": ("已协调", "resolved"),
        "shared": ("共享", "shared"),
        "intra-group": ("集团内", "intra-group"),
        "unknown": ("无法比较", "unknown"),
        "coordinated-not-public": ("已协调（未公开）", "coordinated (not public)"),
    },
    "severity": {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")},
    "method": {
        "git-commit": ("Git 提交", "git commit"),
        "ssh-signature": ("SSH 签名", "SSH signature"),
        "e-signature": ("电子签名", "e-signature"),
        "wet-ink": ("手写签名", "wet ink"),
    },
    "review": {
        "not_reviewed": ("未审查", "not reviewed"),
        "requested": ("已申请", "requested"),
        "approved": ("已批准", "approved"),
        "approved_with_conditions": ("附条件批准", "approved with conditions"),
        "rejected": ("未通过", "rejected"),
    },
    "control": {"none": ("无", "none"), "joint": ("共同控制", "joint"), "sole": ("单独控制", "sole")},
    "talent": {
        "secondment": ("借调", "secondment"),
        "part-time": ("兼职", "part-time"),
        "training": ("培训", "training"),
        "non-solicit": ("互不招揽", "non-solicit"),
    },
    "pricing": {"owner": ("所有方", "owner"), "platform": ("平台", "platform")},
    "basis": {"gross": ("总收入", "gross"), "net": ("净收入", "net")},
    "measure": {
        "commits": ("提交", "commits"),
        "lines": ("改动行数", "changed lines"),
        "reviews": ("评审", "reviews"),
    },
    "deadline": {
        "expiry": ("到期", "expiry"),
        "renewal": ("续期", "renewal"),
        "notice": ("通知期限", "notice"),
    },
}


# --- projsite --- (project and package statuses, origins, the roles of a member in a project)
_VALUES["status"].update(
    {
        "bid": ("投标中", "bid"),
        "won": ("已中标", "won"),
        "in-progress": ("进行中", "in progress"),
        "delivered": ("已交付", "delivered"),
        "closed": ("已结项", "closed"),
        "lost": ("未中标", "lost"),
        "planned": ("计划中", "planned"),
    }
)
_VALUES["origin"] = {"subcontract": ("分包", "subcontract"), "breakdown": ("拆包", "breakdown")}
_VALUES["project_role"] = {
    "prime": ("总包方", "prime"),
    "brought_by": ("带来项目", "brought it"),
    "bidder": ("联合投标", "joint bidder"),
    "assignee": ("承接工作包", "assignee"),
    "client": ("客户", "client"),
}


def ui_lang(lang: str) -> int:
    return 0 if lang.split("-")[0] == "zh" else 1


def t(key: str, lang: str) -> str:
    """A UI string (trusted text, may hold `{placeholders}`)."""
    return _STRINGS[key][ui_lang(lang)]


def value_label(group: str, value: object, lang: str) -> str:
    """The label of an enumerated record value, or the value itself when it has none."""
    entry = _VALUES.get(group, {}).get(str(value))
    return entry[ui_lang(lang)] if entry else str(value)


def pick(text: Any, lang: str, order: Iterable[str] = UI_LANGUAGES) -> str:
    """Bilingual record text in `lang`, falling back to the other languages in `order`, then to
    any language the record has. A plain string is the same in every language."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, Mapping):
        for code in (lang, *order):
            value = text.get(code)
            if isinstance(value, str) and value:
                return value
        for key in sorted(text):
            value = text[key]
            if isinstance(value, str) and value:
                return value
        return ""
    return str(text)


def other_names(text: Any, lang: str) -> list[str]:
    """The other languages' versions of bilingual text that differ from the one shown."""
    if not isinstance(text, Mapping):
        return []
    shown = pick(text, lang)
    return [v for k, v in sorted(text.items()) if isinstance(v, str) and v and v != shown and k != lang]


_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: dt.date | str | None, lang: str) -> str:
    """zh: 2025年1月1日; en: 1 January 2025. Strings that are not dates are returned as they are."""
    if day is None:
        return ""
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            return str(day)
    if ui_lang(lang) == 0:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


def format_month(day: dt.date, lang: str, *, year: bool = True) -> str:
    """zh: 2025年1月 (1月 without the year); en: Jan 2025 (Jan): a date axis's labels."""
    if ui_lang(lang) == 0:
        return f"{day.year}年{day.month}月" if year else f"{day.month}月"
    short = _EN_MONTHS[day.month - 1][:3]
    return f"{short} {day.year}" if year else short


_DURATION_UNITS = {"Y": ("年", "year"), "M": ("个月", "month"), "W": ("周", "week"), "D": ("天", "day")}


def format_duration(text: object, lang: str) -> str:
    """`P1Y6M` as 1年6个月 / 1 year 6 months; anything else as it is."""
    import re

    if not isinstance(text, str):
        return "" if text is None else str(text)
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", text)
    if not m or text == "P":
        return text
    parts = []
    for amount, unit in zip(m.groups(), "YMWD", strict=True):
        if amount is None:
            continue
        zh, en = _DURATION_UNITS[unit]
        n = int(amount)
        parts.append(f"{n}{zh}" if ui_lang(lang) == 0 else f"{n} {en}{'' if n == 1 else 's'}")
    return ("" if ui_lang(lang) == 0 else " ").join(parts)


@functools.lru_cache(maxsize=4096)
def region_name(code: str, lang: str) -> str:
    """`CN-ZJ` as 浙江省 / Zhejiang Sheng (pycountry's data and translations), `*` as everywhere."""
    if code == "*":
        return "全部地区" if ui_lang(lang) == 0 else "everywhere"
    try:
        import pycountry
    except ImportError:  # pragma: no cover - a dependency
        return code
    name: str | None = None
    common: str | None = None
    domain = "iso3166-1"
    try:
        if "-" in code:
            sub = pycountry.subdivisions.get(code=code)
            name = sub.name if sub is not None else None
            domain = "iso3166-2"
        else:
            country = pycountry.countries.get(alpha_2=code)
            if country is not None:
                name = country.name
                common = getattr(country, "common_name", None)
    except (KeyError, LookupError):
        name = None
    if name is None:
        return code
    if ui_lang(lang) == 0:
        return str(_translator(domain).gettext(name))  # gettext's msgid is the official name
    return common or name


@functools.lru_cache(maxsize=4)
def _translator(domain: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
