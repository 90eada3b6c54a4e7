"""Jinja2 → Markdown: the one template environment of the handbook and the helpers templates use.

Every `{{ … }}` is finalised through `escaping.finalize`, so record text is escaped for Markdown
and HTML unless a helper below built it as safe markup (a link whose target it validated, a
label it chose). Templates never see record text as template source: records are only ever
*values* in a context, and `StrictUndefined` turns a typo in a template into an error instead of
an empty cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from qtgov import messages
from qtgov.site import i18n
from qtgov.site.escaping import Md, front_matter_title, html_attr, md, md_block, md_cell, md_inline, safe_url
from qtgov.site.escaping import finalize as _finalize

TEMPLATES = Path(__file__).resolve().parent / "templates"

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\Z")
_DOC_PATH = re.compile(r"[a-z0-9][a-z0-9._/-]*\.(md|json|xml)\Z")


class LinkError(ValueError):
    """A link target that is not a path qtgov generated (a bug, never record data)."""


def slug(value: object) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise LinkError(f"not a record id: {value!r}")
    return value


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        tr=_tr,
        say=_say,
        named=_named,
        others=_others,
        label=_label,
        date=_date,
        duration=_duration,
        region=_region,
        sector=_sector,
        segment=_segment,
        cell=_cell,
        block=_block,
        url=_url,
        pct=_pct,
        yesno=_yesno,
        fm_title=_title,
    )
    env.globals.update(
        _=_ui,
        href=_href,
        member_link=_member_link,
        agreement_link=_agreement_link,
        project_link=_project_link,
        retrospective_link=_retrospective_link,
        rule_link=_rule_link,
        record_link=_record_link,
        findings_table=_findings_table,
        anchor=lambda value: Md(slug(value)),
        overlap_table=_overlap_table,
        badge=_badge,
        status_badge=_status_badge,
        event_text=_event_text,
        join=_join,
    )
    return env


def render(template: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(template).render(context)


def render_to(path: Path, template: str, context: Mapping[str, Any]) -> None:
    """Render straight into a file, chunk by chunk (a validation page can be megabytes)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for chunk in environment().get_template(template).generate(context):
            fh.write(chunk)


# -- filters and globals (language and page come from the template context) -----------------------


def _lang(ctx: Any) -> str:
    return str(ctx["lang"])


@jinja2.pass_context
def _tr(ctx: Any, text: Any) -> str:
    return i18n.pick(text, _lang(ctx), ctx["languages"])


@jinja2.pass_context
def _say(ctx: Any, text: str) -> str:
    """Text qtgov generated (a finding message, a rule title) in the page's language, through
    the message catalogue; never for record-provided text."""
    return messages.translate(text, _lang(ctx))


@jinja2.pass_context
def _named(ctx: Any, text: str) -> str:
    """Generated text that mentions records (a history event, a provenance note) in the page's
    language, as this edition may say it (`edition_text`)."""
    members, agreements = ctx["members_by_id"], ctx["agreements_by_id"]
    return edition_text(text, members, agreements, ctx.get("hidden_ids", ()), _lang(ctx), ctx["languages"])


_HIDDEN_KEYS = {
    "member": "member_not_public",
    "agreement": "agreement_not_public",
    "project": "not_public",
    "retrospective": "not_public",
}


def edition_text(text: Any, members: Any, agreements: Any, hidden: Any, lang: str, languages: Any) -> str:
    """`text` (a catalogue message) rendered in `lang`, naming the members, agreements and
    representatives the edition shows (`members`, `agreements`); a record it leaves out (`hidden`)
    becomes "a member (not public)" (never its id), and so does a representative of such a
    member. The pages and the Atom feed say it the same way."""
    from qtgov.gitgov.history import named, record_names

    name_of = record_names(members, agreements, lang, languages)

    def named_here(ref: Any) -> str | None:
        found = name_of(ref)
        if found is not None:
            return str(found)
        if ref.kind in _HIDDEN_KEYS and str(ref) in hidden:
            return i18n.t(_HIDDEN_KEYS[ref.kind], lang)
        if ref.kind == "person" and (ref.owner or "") in hidden:
            return i18n.t("person_not_public", lang)
        return None

    return messages.render(named(text, named_here), lang)


@jinja2.pass_context
def _others(ctx: Any, text: Any) -> list[Md]:
    """The other languages' versions of bilingual text, each marked with its `lang` so that
    browsers and screen readers read it in its own language."""
    lang = _lang(ctx)
    if not isinstance(text, dict):
        return []
    out = []
    for other in i18n.other_names(text, lang):
        code = next((k for k, v in sorted(text.items()) if v == other and k != lang), "")
        tag = re.sub(r"[^A-Za-z0-9-]", "", str(code))[:35]
        out.append(Md(f'<span lang="{tag}">{md_inline(other)}</span>' if tag else md_inline(other)))
    return out


@jinja2.pass_context
def _label(ctx: Any, value: Any, group: str) -> str:
    return i18n.value_label(group, value, _lang(ctx))


@jinja2.pass_context
def _date(ctx: Any, value: dt.date | str | None) -> str:
    return i18n.format_date(value, _lang(ctx))


@jinja2.pass_context
def _duration(ctx: Any, value: Any) -> str:
    return i18n.format_duration(value, _lang(ctx))


@jinja2.pass_context
def _region(ctx: Any, code: Any) -> str:
    code = str(code)
    name = i18n.region_name(code, _lang(ctx))
    return code if name == code else f"{name} ({code})"


def _taxonomy_label(ctx: Any, scheme: str | None, path: Any) -> str:
    path = str(path)
    if path == "*":
        return "全部" if i18n.ui_lang(_lang(ctx)) == 0 else "all"
    labels: Callable[[str | None, str], Any] = ctx["taxonomy_name"]
    name = labels(scheme, path)
    if not name:
        return path
    return f"{i18n.pick(name, _lang(ctx), ctx['languages'])} ({path})"


@jinja2.pass_context
def _sector(ctx: Any, path: Any, scheme: str | None = None) -> str:
    return _taxonomy_label(ctx, scheme or ctx["sector_scheme"], path)


@jinja2.pass_context
def _segment(ctx: Any, path: Any) -> str:
    return _taxonomy_label(ctx, ctx["segment_scheme"], path)


def _cell(value: Any) -> Md:
    if hasattr(value, "__html__"):
        text = str(value.__html__()).replace("\n", " ").strip()
        return Md(text or "—")
    return Md(md_cell(value))


def _block(value: Any) -> Md:
    if value is None:
        return Md("")
    return Md(md_block(value))


def _url(value: Any, text: Any = None) -> Md:
    """An external link when `value` is a plain http(s) URL; otherwise the text, inert."""
    url = safe_url(value)
    shown = md(text if text is not None else value)
    if url is None:
        return shown
    return Md(f'<a href="{html_attr(url)}" rel="nofollow noopener">{shown}</a>')


def _pct(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    text = f"{value:g}"
    return f"{text} %"


@jinja2.pass_context
def _yesno(ctx: Any, value: Any) -> str:
    if value is None:
        return ""
    return i18n.t("yes" if value else "no", _lang(ctx))


def _title(value: Any) -> Md:
    return Md(front_matter_title(value))


_PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")


@functools.lru_cache(maxsize=1024)
def _ui_plain(key: str, lang: str) -> Md:
    return Md(md_inline(i18n.t(key, lang)))


def ui_text(key: str, lang: str, **kwargs: Any) -> Md:
    """A UI string in `lang`, escaped like record text; `{placeholders}` take the values given
    (escaped unless already safe markup, such as a link)."""
    if not kwargs:
        return _ui_plain(key, lang)
    out = Md("")
    for part in _PLACEHOLDER.split(i18n.t(key, lang)):
        if _PLACEHOLDER.fullmatch(part):
            out += md(kwargs[part[1:-1]])
        elif part:
            out += Md(md_inline(part, strip=False))
    return out


@jinja2.pass_context
def _ui(ctx: Any, key: str, **kwargs: Any) -> Md:
    return ui_text(key, _lang(ctx), **kwargs)


@functools.lru_cache(maxsize=1 << 16)
def _checked(target: str) -> str:
    if not _DOC_PATH.match(target) or ".." in target.split("/"):
        raise LinkError(f"not a generated page: {target!r}")
    return target


def relative(page: str, target: str) -> str:
    """The link from one generated page to another (both docs-relative paths)."""
    target = _checked(target)
    here = page.rpartition("/")[0]
    there = target.rpartition("/")[0]
    if here == there:
        return target.rpartition("/")[2]
    a = here.split("/") if here else []
    b = target.split("/")
    common = 0
    while common < len(a) and common < len(b) - 1 and a[common] == b[common]:
        common += 1
    return "/".join([".."] * (len(a) - common) + b[common:])


@jinja2.pass_context
def _href(ctx: Any, target: str) -> Md:
    return Md(relative(str(ctx["page_path"]), target))


def _text(value: Any) -> str:
    """Escaped text as a plain str (safe markup stays as it is)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return md_inline(value if isinstance(value, str) else str(value))


def _hidden(ctx: Any, record_id: Any, key: str) -> str:
    """A record this edition has no page for: one it leaves out is neither named nor identified
    ("a member (not public)": its id would say who is in the alliance); an id no record has (a
    mistake the validation page reports) is shown as written."""
    if str(record_id) in ctx.get("hidden_ids", ()):
        return _text(i18n.t(key, _lang(ctx)))
    return f"{_text(record_id)} {_text(i18n.t('not_public', _lang(ctx)))}"


def member_link_str(ctx: Any, member_id: Any, text: Any = None) -> str:
    """`[name](members/<id>.md)`; a member this edition leaves out is "a member (not public)"."""
    lang = _lang(ctx)
    member = ctx["members_by_id"].get(member_id)
    if member is None:
        return _hidden(ctx, member_id, "member_not_public")
    label = text if text is not None else i18n.pick(member.get("name"), lang, ctx["languages"]) or member_id
    return f"[{_text(label)}]({relative(str(ctx['page_path']), f'members/{slug(member_id)}.md')})"


def agreement_link_str(ctx: Any, agreement_id: Any, text: Any = None) -> str:
    if agreement_id not in ctx["agreements_by_id"]:
        return _hidden(ctx, agreement_id, "agreement_not_public")
    if text is not None:
        label = text
    else:  # the title people know it by, in the page's language; the id only when it has none
        agreement = ctx["agreements_by_id"][agreement_id]
        label = i18n.pick(agreement.get("title"), _lang(ctx), ctx["languages"]) or agreement_id
    return f"[{_text(label)}]({relative(str(ctx['page_path']), f'agreements/{slug(agreement_id)}.md')})"


def _titled_link(ctx: Any, records: Any, folder: str, record_id: Any, text: Any) -> str | None:
    """`[title](<folder>/<id>.md)` for a record this edition has a page for, else None."""
    record = records.get(record_id)
    if record is None:
        return None
    label = text if text is not None else i18n.pick(record.get("title"), _lang(ctx), ctx["languages"]) or record_id
    return f"[{_text(label)}]({relative(str(ctx['page_path']), f'{folder}/{slug(record_id)}.md')})"


def project_link_str(ctx: Any, project_id: Any, text: Any = None) -> str:
    """A project by its title, linked; a project this edition does not show is neither named nor
    linked (its id could say what the alliance works on): just "(not public)"."""
    link = _titled_link(ctx, ctx["projects_by_id"], "projects", project_id, text)
    return link if link is not None else _text(i18n.t("not_public", _lang(ctx)))


def retrospective_link_str(ctx: Any, retro_id: Any, text: Any = None) -> str:
    link = _titled_link(ctx, ctx["retrospectives_by_id"], "retrospectives", retro_id, text)
    return link if link is not None else _text(i18n.t("not_public", _lang(ctx)))


def rule_link_str(ctx: Any, rule_id: Any) -> str:
    if rule_id not in ctx["rule_ids"]:
        return _text(rule_id)
    return f"[{_text(rule_id)}]({relative(str(ctx['page_path']), f'rules/{slug(rule_id)}.md')})"


def record_link_str(ctx: Any, path: str, text: Any = None) -> str:
    """A link to the page of the record at a repository path, or the path as text."""
    label = _text(text if text is not None else path)
    page = ctx["page_for_path"].get(path)
    if page is None:
        return label
    return f"[{label}]({relative(str(ctx['page_path']), page)})"


@jinja2.pass_context
def _member_link(ctx: Any, member_id: Any, text: Any = None) -> Md:
    return Md(member_link_str(ctx, member_id, text))


@jinja2.pass_context
def _agreement_link(ctx: Any, agreement_id: Any, text: Any = None) -> Md:
    return Md(agreement_link_str(ctx, agreement_id, text))


@jinja2.pass_context
def _project_link(ctx: Any, project_id: Any, text: Any = None) -> Md:
    return Md(project_link_str(ctx, project_id, text))


@jinja2.pass_context
def _retrospective_link(ctx: Any, retro_id: Any, text: Any = None) -> Md:
    return Md(retrospective_link_str(ctx, retro_id, text))


@jinja2.pass_context
def _rule_link(ctx: Any, rule_id: Any) -> Md:
    return Md(rule_link_str(ctx, rule_id))


@jinja2.pass_context
def _record_link(ctx: Any, path: str, text: Any = None) -> Md:
    return Md(record_link_str(ctx, path, text))


@jinja2.pass_context
def _findings_table(ctx: Any, findings: Any) -> Md:
    """The table of findings (severity, rule, location, message) every page uses; built here
    rather than in a macro because the validation page can hold tens of thousands of rows."""
    lang = _lang(ctx)
    head = " | ".join(str(ui_text(k, lang)) for k in ("severity", "rule", "location", "message"))
    rows = [f"| {head} |\n|---|---|---|---|\n"]
    severity = {s: md_cell(i18n.value_label("severity", s, lang)) for s in ("error", "warning", "info")}
    for f in findings:
        location = record_link_str(ctx, f.path, f"{f.path}:{f.line}:{f.column}")
        rule = rule_link_str(ctx, f.rule)
        message = md_cell(messages.render(f.message, lang))
        rows.append(f"| {severity[str(f.severity)]} | {rule} | {location} | {message} |\n")
    return Md("".join(rows))


@jinja2.pass_context
def _event_text(ctx: Any, event: dict[str, Any]) -> Md:
    """A changelog event in the page's language: members by name (linked), values by label."""
    lang = _lang(ctx)
    args: dict[str, Any] = dict(event.get("args") or {})
    if isinstance(args.get("summary"), messages.Message):  # a history event (qtgov.gitgov.history)
        args["summary"] = _named(ctx, args["summary"])
    if "member" in args:
        args["member"] = Md(member_link_str(ctx, args["member"]))
    if "status" in args:
        args["status"] = i18n.value_label("review", args["status"], lang)
    return ui_text(event["key"], lang, **args)


@jinja2.pass_context
def _status_badge(ctx: Any, status: Any) -> Md:
    """A record's status as a small coloured badge (the colour is a class per status)."""
    cls = re.sub(r"[^a-z-]", "", str(status))
    return Md(
        f'<span class="qt-status qt-status--{cls}">{md_inline(i18n.value_label("status", status, _lang(ctx)))}</span>'
    )


@functools.lru_cache(maxsize=256)
def badge_str(label: str, lang: str) -> str:
    """An overlap label as a coloured badge."""
    cls = re.sub(r"[^a-z-]", "", str(label))
    return f'<span class="qt-label qt-label--{cls}">{md_inline(i18n.value_label("label", label, lang))}</span>'


@jinja2.pass_context
def _badge(ctx: Any, label: str) -> Md:
    return Md(badge_str(label, _lang(ctx)))


@jinja2.pass_context
def _overlap_table(ctx: Any, rows: Any, pairs: bool = False) -> Md:
    """Overlap pieces as a table: on a member page (the other member) or the market map (both
    members and the holder). Built here for the same reason as the findings table: size."""
    lang = _lang(ctx)
    keys = (
        ("members_pair", "claims_pair", "label", "holder", "piece", "agreement")
        if pairs
        else ("with", "claims_pair", "label", "piece", "agreement")
    )
    head = " | ".join(str(ui_text(k, lang)) for k in keys)
    out = [f"| {head} |\n|{'---|' * len(keys)}\n"]
    for r in rows:
        agreement = agreement_link_str(ctx, r["agreement"]) if r.get("agreement") else "—"
        label = badge_str(r["label"], lang)
        if pairs:
            a, b = r["members"]
            holder = member_link_str(ctx, r["holder"]) if r.get("holder") else "—"
            who = f"{member_link_str(ctx, a)} ↔ {member_link_str(ctx, b)}"
            out.append(
                f"| {who} | {md_cell(r['claims'])} | {label} | {holder} | {md_cell(r['text'])} | {agreement} |\n"
            )
        else:
            other = member_link_str(ctx, r["other"])
            out.append(f"| {other} | {md_cell(r['claims'])} | {label} | {md_cell(r['text'])} | {agreement} |\n")
    return Md("".join(out))


def _join(items: Any, sep: str = ", ") -> Md:
    """Join values, escaping each (Jinja's own `join` would escape plain strings for HTML only)."""
    out = Md("")
    for i, item in enumerate(items):
        if i:
            out += Md(md_inline(sep, strip=False))
        out += md(item)
    return out
