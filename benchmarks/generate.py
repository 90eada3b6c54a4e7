"""Generate a synthetic alliance repository with realistic records, for benchmarks and tests.

    python benchmarks/generate.py OUT --members N --agreements M [--claims-per-member K] [--seed S]

or, from Python, ``generate(Path(OUT), members=N, agreements=M, claims_per_member=K, seed=S)``.

What it writes (docs/design/repository.md-§3), all of it fictional:

- ``charter/alliance.yaml`` (private repository, two recognised counsel) and the taxonomies copied
  from this project's ``charter/taxonomy/``;
- ``members/``: a hub and N members with bilingual names, legal names, a USCC (or LEI) with a
  correct check character, 1-3 representatives (some closed with ``until`` and succeeded), and about
  K market claims each over the real taxonomy paths and real ISO 3166 codes (mostly provinces of
  China, some other countries and their subdivisions);
- ``agreements/``: M agreements of all five types with a realistic status mix (most executed, every
  party signed by a representative with authority on the day, each signature pinning the
  ``content_sha256`` that ``qtgov hash`` computes), amendments, ancillary non-solicits, legal
  reviews, and a few documents pinned by hash under ``documents/``.

The output is a pure function of the arguments: the same seed gives byte-identical files.
The records are meant to be valid: ``qtgov validate`` finds no schema, reference, signature,
lifecycle, date or arithmetic errors in them (overlap and antitrust findings are expected; the
claims of competitors overlap by design).

The YAML is written by a small emitter below (block style, flow style for short lists and
bilingual texts, dates unquoted, strings quoted only when needed), then every signed agreement is
read back with ``qtgov.records.yamlload.parse_text`` and hashed with ``qtgov.records.hashing.content_sha256``, so a
signature pins exactly what qtgov will load.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import struct
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:  # running as a script from a checkout without an installed qtgov
    sys.path.insert(0, str(PROJECT))

from qtgov.records.hashing import content_sha256  # noqa: E402
from qtgov.records.yamlload import parse_text  # noqa: E402

TAXONOMY_SOURCE = PROJECT / "charter" / "taxonomy"
HUB_ID = "alliance-hub"
TODAY = dt.date(2026, 3, 31)  # the generated history ends before this day (fixed for determinism)
FIRST_JOIN, LAST_JOIN = dt.date(2018, 3, 1), dt.date(2025, 9, 30)

# --------------------------------------------------------------------------------------------
# YAML emitter


_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@` \t")
_FLOW_BAD = set(",[]{}")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_NUMBERISH = re.compile(
    r"[-+]?[0-9][0-9_.:eExXoObB]*\Z|[-+]?0x[0-9a-f_]+\Z|[-+]?\.[0-9].*\Z|[-+]?\.(inf|nan)\Z", re.IGNORECASE
)
_NEEDS_QUOTES = re.compile(r": |\s#|[\x00-\x1f\x7f\u0085\u2028\u2029\\]|:\Z|\s\Z")


_STR_CACHE: dict[tuple[str, bool], str] = {}


def _scalar(value: Any, flow: bool = False) -> str:
    if type(value) is str:
        cached = _STR_CACHE.get((value, flow))
        if cached is None:
            cached = _STR_CACHE[(value, flow)] = _scalar_text(value, flow)
            if len(_STR_CACHE) > 200_000:
                _STR_CACHE.clear()
        return cached
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if not re.fullmatch(r"-?[0-9]+\.[0-9]+", text):
            raise ValueError(f"cannot write {value!r} as a qtgov decimal")
        return text
    return _scalar_text(str(value), flow)


def _scalar_text(text: str, flow: bool) -> str:
    if (
        not text
        or text[0] in _PLAIN_FIRST_BAD
        or text.lower() in _YAML11_WORDS
        or _NUMBERISH.match(text)
        or _NEEDS_QUOTES.search(text)
        or (flow and _FLOW_BAD.intersection(text))
    ):
        return json.dumps(text, ensure_ascii=False)
    return text


def _is_scalar(value: Any) -> bool:
    return type(value) not in (dict, list)


def _flow(value: Any) -> str | None:
    """A one-line flow form for short lists of scalars and small maps of scalars (texts), or None."""
    if isinstance(value, list) and value and all(_is_scalar(v) for v in value):
        text = "[" + ", ".join(_scalar(v, flow=True) for v in value) + "]"
    elif isinstance(value, dict) and value and len(value) <= 3 and all(_is_scalar(v) for v in value.values()):
        text = "{" + ", ".join(f"{_scalar(k, True)}: {_scalar(v, True)}" for k, v in value.items()) + "}"
    else:
        return None
    return text if len(text) <= 100 else None


def _emit_map(data: dict[str, Any], indent: str, out: list[str], first_prefix: str | None = None) -> None:
    for n, (key, value) in enumerate(data.items()):
        prefix = first_prefix if (n == 0 and first_prefix is not None) else indent
        head = f"{prefix}{_scalar(key)}:"
        if _is_scalar(value):
            out.append(f"{head} {_scalar(value)}")
            continue
        flow = _flow(value)
        if flow is not None:
            out.append(f"{head} {flow}")
        elif isinstance(value, dict):
            out.append(head)
            _emit_map(value, indent + "  ", out)
        else:
            out.append(head)
            _emit_seq(value, indent + "  ", out)


def _emit_seq(items: list[Any], indent: str, out: list[str]) -> None:
    for item in items:
        if isinstance(item, dict) and item:
            _emit_map(item, indent + "  ", out, first_prefix=indent + "- ")
        elif _is_scalar(item):
            out.append(f"{indent}- {_scalar(item)}")
        else:
            flow = _flow(item)
            if flow is None:
                raise ValueError("nested lists are not used in qtgov records")
            out.append(f"{indent}- {flow}")


def dump_yaml(data: dict[str, Any], schema: str | None = None) -> str:
    """Block-style YAML for one record (a `yaml-language-server` modeline when `schema` is given)."""
    out: list[str] = []
    if schema:
        out.append(f"# yaml-language-server: $schema={schema}")
    _emit_map(data, "", out)
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Vocabularies (fictional companies and people; real taxonomy paths and ISO 3166 codes)

SYLLABLES = [
    ("云", "yun"), ("帆", "fan"), ("数", "shu"), ("智", "zhi"), ("星", "xing"), ("辰", "chen"),
    ("海", "hai"), ("川", "chuan"), ("量", "liang"), ("启", "qi"), ("明", "ming"), ("蓝", "lan"),
    ("图", "tu"), ("信", "xin"), ("达", "da"), ("微", "wei"), ("光", "guang"), ("极", "ji"),
    ("易", "yi"), ("联", "lian"), ("创", "chuang"), ("华", "hua"), ("博", "bo"), ("远", "yuan"),
    ("深", "shen"), ("度", "du"), ("算", "suan"), ("知", "zhi"), ("领", "ling"), ("航", "hang"),
    ("睿", "rui"), ("思", "si"), ("源", "yuan"), ("码", "ma"), ("格", "ge"), ("峰", "feng"),
    ("弈", "yi"), ("合", "he"), ("泰", "tai"), ("舟", "zhou"), ("澜", "lan"), ("衡", "heng"),
]  # fmt: skip

# Company kinds by top-level sector: (zh, en, id slug).
KINDS_BY_SECTOR = {
    "cloud": [("云计算", "Cloud", "cloud"), ("科技", "Technology", "tech"), ("网络", "Networks", "net")],
    "edu": [("教育科技", "EdTech", "edu"), ("教育", "Education", "edu")],
    "consulting": [("咨询", "Consulting", "consulting"), ("管理咨询", "Advisory", "advisory")],
    "open-source": [("软件", "Software", "software"), ("开源技术", "Open Source", "oss")],
    "data": [("数据", "Data", "data"), ("智能", "AI", "ai"), ("信息技术", "Information Technology", "it")],
    "fintech": [("金融科技", "Fintech", "fintech"), ("量化", "Quant", "quant")],
    "software": [("软件", "Software", "software"), ("信息技术", "Information Technology", "it")],
}
DESCRIPTIONS = {
    "cloud": ("面向中小企业的云计算与算力服务。", "Cloud and compute services for small and medium businesses."),
    "edu": ("在线课程与定向技能培训。", "Online courses and targeted skills training."),
    "consulting": ("经济、战略与管理咨询。", "Economic, strategy and management consulting."),
    "open-source": ("开源软件的社区版、文档与商业支持。", "Community editions, docs and support for open source."),
    "data": ("数据工程、数据分析与人工智能应用。", "Data engineering, analytics and applied AI."),
    "fintech": ("量化投资研究与金融数据服务。", "Quantitative research and financial data services."),
    "software": ("定制开发与系统集成。", "Custom development and systems integration."),
}
SECTOR_WEIGHTS = {"cloud": 4, "data": 4, "software": 3, "edu": 3, "open-source": 2, "consulting": 2, "fintech": 2}

# Where members are registered: (region code, zh city, en city, administrative division code, weight).
CN_CITIES = [
    ("CN-BJ", "北京", "Beijing", "110108", 14), ("CN-SH", "上海", "Shanghai", "310115", 12),
    ("CN-ZJ", "杭州", "Hangzhou", "330106", 12), ("CN-GD", "深圳", "Shenzhen", "440305", 12),
    ("CN-GD", "广州", "Guangzhou", "440106", 5), ("CN-JS", "南京", "Nanjing", "320106", 5),
    ("CN-JS", "苏州", "Suzhou", "320505", 4), ("CN-SC", "成都", "Chengdu", "510107", 6),
    ("CN-HB", "武汉", "Wuhan", "420111", 5), ("CN-SN", "西安", "Xi'an", "610131", 4),
    ("CN-FJ", "厦门", "Xiamen", "350203", 3), ("CN-SD", "青岛", "Qingdao", "370212", 3),
    ("CN-AH", "合肥", "Hefei", "340104", 3), ("CN-HN", "长沙", "Changsha", "430104", 3),
    ("CN-CQ", "重庆", "Chongqing", "500112", 3), ("CN-TJ", "天津", "Tianjin", "120116", 2),
    ("CN-LN", "大连", "Dalian", "210204", 2), ("CN-HA", "郑州", "Zhengzhou", "410105", 2),
    ("CN-YN", "昆明", "Kunming", "530102", 1), ("CN-GZ", "贵阳", "Guiyang", "520115", 2),
]  # fmt: skip
FOREIGN = [  # (jurisdiction, zh place, en place, weight)
    ("SG", "新加坡", "Singapore", 3), ("HK", "香港", "Hong Kong", 3), ("JP-13", "东京", "Tokyo", 1),
    ("US-CA", "加州", "California", 1), ("DE-BE", "柏林", "Berlin", 1), ("GB", "伦敦", "London", 1),
    ("FR-75C", "巴黎", "Paris", 1), ("MY", "吉隆坡", "Kuala Lumpur", 1),
]  # fmt: skip
OTHER_MARKETS = ["SG", "HK", "MO", "JP", "KR", "US", "DE", "GB", "FR", "MY", "TH", "VN", "ID", "AE", "AU"]
OTHER_SUBDIVISIONS = ["JP-13", "JP-27", "US-CA", "US-NY", "DE-BE", "DE-BY", "FR-75C", "GB-LND", "KR-11", "AU-NSW"]
# Regional groupings used for claims (real ISO 3166-2 codes of China).
CN_REGIONS = {
    "east": ["CN-SH", "CN-ZJ", "CN-JS", "CN-AH", "CN-FJ", "CN-SD", "CN-JX"],
    "north": ["CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-NM"],
    "south": ["CN-GD", "CN-GX", "CN-HI"],
    "central": ["CN-HB", "CN-HN", "CN-HA"],
    "southwest": ["CN-SC", "CN-CQ", "CN-GZ", "CN-YN", "CN-XZ"],
    "northwest": ["CN-SN", "CN-GS", "CN-QH", "CN-NX", "CN-XJ"],
    "northeast": ["CN-LN", "CN-JL", "CN-HL"],
}

CN_PROVINCES = sorted({code for group in CN_REGIONS.values() for code in group})
# Regions for allocations once the provinces of China are taken (real ISO 3166-2 codes, none nested).
SPARE_REGIONS = [f"JP-{n:02d}" for n in range(1, 48)] + [
    "DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
    "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH",
]  # fmt: skip

SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"),
    ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"), ("林", "Lin"), ("何", "He"), ("郭", "Guo"),
    ("马", "Ma"), ("罗", "Luo"), ("梁", "Liang"), ("宋", "Song"), ("郑", "Zheng"), ("韩", "Han"),
]  # fmt: skip
GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("敏", "Min"), ("静", "Jing"), ("磊", "Lei"), ("洋", "Yang"),
    ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("欣怡", "Xinyi"),
    ("子轩", "Zixuan"), ("浩然", "Haoran"), ("思远", "Siyuan"), ("雨桐", "Yutong"), ("嘉怡", "Jiayi"),
    ("俊杰", "Junjie"), ("晓东", "Xiaodong"), ("佳琪", "Jiaqi"), ("一鸣", "Yiming"), ("若曦", "Ruoxi"),
]  # fmt: skip
TITLES = [
    ({"zh": "首席执行官", "en": "Chief Executive Officer"}, True),
    ({"zh": "总经理", "en": "General Manager"}, True),
    ({"zh": "法务负责人", "en": "Head of Legal"}, True),
    ({"zh": "商务总监", "en": "Business Development Director"}, False),
    ({"zh": "首席技术官", "en": "Chief Technology Officer"}, False),
]
COURSES = [
    ("Python 数据分析入门", "Introduction to data analysis with Python"),
    ("机器学习实战", "Practical machine learning"),
    ("云原生架构", "Cloud-native architecture"),
    ("量化投资基础", "Foundations of quantitative investing"),
    ("经济学研究方法", "Research methods in economics"),
    ("开源项目协作", "Collaborating on open-source projects"),
    ("数据库系统原理", "Principles of database systems"),
    ("大模型应用开发", "Building applications with large language models"),
    ("企业数字化转型", "Digital transformation for enterprises"),
    ("金融风险管理", "Financial risk management"),
    ("GPU 编程", "GPU programming"),
    ("技术写作", "Technical writing"),
]  # fmt: skip
PROJECT_WORDS = ["toolkit", "sdk", "docs", "pipeline", "scheduler", "connector", "notebook", "gateway", "engine"]
LICENSES = ["Apache-2.0", "MIT", "MPL-2.0", "BSD-3-Clause", "GPL-3.0-only", "Apache-2.0 OR MIT"]
DISPUTE = {
    "zh": "协商不成的，提交上海国际仲裁中心仲裁。",
    "en": "Failing negotiation, arbitration at the Shanghai International Arbitration Center.",
}
COUNSEL = [
    ("counsel-zhou", ("周律", "Zhou Lü"), ("明衡律师事务所", "Mingheng Law Offices"), "zhou-lv-law"),
    ("counsel-han", ("韩清", "Han Qing"), ("澄远律师事务所", "Chengyuan Law Firm"), "han-qing-counsel"),
]
TYPE_WEIGHTS = {"market-boundary": 25, "revenue-share": 25, "talent": 20, "contribution": 15, "shareholding": 15}
STATUS_WEIGHTS = {"executed": 70, "terminated": 7, "proposed": 9, "draft": 7, "cancelled": 4, "rejected": 3}
VISIBILITY_WEIGHTS = {
    "market-boundary": {"public": 70, "alliance": 26, "restricted": 4},
    "shareholding": {"public": 70, "alliance": 26, "restricted": 4},
    "revenue-share": {"public": 5, "alliance": 70, "restricted": 25},
    "contribution": {"public": 5, "alliance": 70, "restricted": 25},
    "talent": {"public": 2, "alliance": 70, "restricted": 28},
}
TYPE_PREFIX = {
    "market-boundary": "boundary",
    "revenue-share": "courses",
    "talent": "talent",
    "contribution": "oss",
    "shareholding": "equity",
}
TYPE_NAMES = {
    "market-boundary": ("市场边界协议", "market boundary agreement"),
    "revenue-share": ("课程联合上架与收入分成协议", "course co-listing and revenue share"),
    "talent": ("人才合作协议", "talent agreement"),
    "contribution": ("开源项目共建协议", "open-source contribution agreement"),
    "shareholding": ("股权协议", "shareholding"),
}

# USCC (GB 32100-2015) and organisation code (GB 11714) check characters.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc(rng: random.Random, division: str) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(8))
    c = 11 - sum(int(d) * w for d, w in zip(digits, _ORG_WEIGHTS, strict=True)) % 11
    org = digits + ("X" if c == 10 else "0" if c == 11 else str(c))
    body = "91" + division + org
    check = (31 - sum(_USCC_CHARS.index(ch) * w for ch, w in zip(body, _USCC_WEIGHTS, strict=True)) % 31) % 31
    return body + _USCC_CHARS[check]


def lei(rng: random.Random) -> str:
    body = "5493" + "00" + "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(12))
    number = int("".join(str(int(ch, 36)) for ch in body) + "00")
    return body + f"{98 - number % 97:02d}"


def ssh_key(rng: random.Random, comment: str) -> str:
    blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + rng.randbytes(32)
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"


def iso(day: dt.date) -> str:
    return day.isoformat()


def rand_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


# --------------------------------------------------------------------------------------------
# Model


@dataclass
class Rep:
    id: str
    can_sign: bool
    since: dt.date
    until: dt.date | None


@dataclass
class Member:
    id: str
    zh: str
    en: str
    status: str
    joined: dt.date | None
    left: dt.date | None
    sector: str
    home: str | None = None  # the province of China it is registered in
    reps: list[Rep] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)

    def signatory(self, day: dt.date) -> str | None:
        for rep in self.reps:
            if rep.can_sign and rep.since <= day and (rep.until is None or day <= rep.until):
                return rep.id
        return None


@dataclass
class Taxonomies:
    sector_scheme: str
    segment_scheme: str
    sectors: list[str]
    segments: list[str]

    @classmethod
    def load(cls, directory: Path) -> Taxonomies:
        found: dict[str, list[str]] = {}
        for path in sorted(directory.glob("*.yaml")):
            result = parse_text(path.name, path.read_text("utf-8"))
            assert result.document is not None and not result.findings, path
            data = result.document.data
            found[data["scheme"]] = list(data["nodes"])
        sector = "qt-markets" if "qt-markets" in found else sorted(found)[0]
        segment = "qt-segments" if "qt-segments" in found else sorted(found)[-1]
        return cls(sector, segment, found[sector], found[segment])


def _leaves(paths: list[str]) -> list[str]:
    """Tree paths with no child in `paths`."""
    parents = {p.rsplit("/", 1)[0] for p in paths if "/" in p}
    return [p for p in paths if p not in parents]


def _under(path: str, paths: list[str]) -> list[str]:
    return [p for p in paths if p == path or p.startswith(path + "/")]


def _provinces(regions: list[str]) -> set[str]:
    """The mainland provinces of China a claim's regions cover."""
    out: set[str] = set()
    for code in regions:
        if code in ("*", "CN"):
            out.update(CN_PROVINCES)
        elif code in CN_PROVINCES:
            out.add(code)
    return out


def _check_regions() -> None:
    """Every region code written is a real ISO 3166 code (pycountry, as qtgov uses)."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency of qtgov
        return
    codes = {c for g in CN_REGIONS.values() for c in g} | {c[0] for c in CN_CITIES}
    codes |= set(OTHER_SUBDIVISIONS) | set(SPARE_REGIONS) | {f[0] for f in FOREIGN if "-" in f[0]}
    subdivision: Any = pycountry.subdivisions.get
    country: Any = pycountry.countries.get
    countries = set(OTHER_MARKETS) | {f[0] for f in FOREIGN if "-" not in f[0]}
    missing = sorted(c for c in codes if subdivision(code=c) is None)
    missing += sorted(c for c in countries if country(alpha_2=c) is None)
    if missing:
        raise RuntimeError(f"not ISO 3166 codes in this pycountry: {missing}")


# --------------------------------------------------------------------------------------------
# Generator


class Generator:
    def __init__(self, out: Path, members: int, agreements: int, claims_per_member: int, seed: int) -> None:
        self.out = out
        self.n_members = members
        self.n_agreements = agreements
        self.k = claims_per_member
        self.seed = seed
        self.rng = random.Random(f"qtgov-bench:{seed}")
        self.tax = Taxonomies.load(TAXONOMY_SOURCE)
        self.top_sectors = [p for p in self.tax.sectors if "/" not in p]
        self.by_top: dict[str, list[str]] = defaultdict(list)
        for p in self.tax.sectors:
            self.by_top[p.split("/")[0]].append(p)
        self.members: list[Member] = []
        self.member_by_id: dict[str, Member] = {}
        self.members_by_sector: dict[str, list[Member]] = defaultdict(list)
        self.eligible_by_sector: dict[str, list[Member]] = defaultdict(list)
        self.eligible_members: list[Member] = []  # active or suspended, the hub excepted
        self.counsel_ids = [c[0] for c in COUNSEL]
        self.sector_leaves = _leaves(self.tax.sectors)
        self.segment_leaves = _leaves(self.tax.segments)
        self.sector_leaf_set = set(self.sector_leaves)
        # Boxes (leaf sector, region, leaf segment) allocated by executed agreements, with their
        # periods and holders, so that no two agreements in force allocate a box differently.
        self.allocated: dict[tuple[str, str, str], list[tuple[dt.date, dt.date, str, str]]] = defaultdict(list)
        self.files = 0
        self.claims = 0
        self.stats: dict[str, int] = defaultdict(int)

    # -- files

    def write(self, relpath: str, content: str | bytes) -> None:
        path = self.out / relpath
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        self.files += 1

    def run(self) -> dict[str, Any]:
        _check_regions()
        for sub in ("charter/taxonomy", "members", "agreements", "documents"):
            (self.out / sub).mkdir(parents=True, exist_ok=True)
        for path in sorted(TAXONOMY_SOURCE.glob("*.yaml")):
            shutil.copyfile(path, self.out / "charter" / "taxonomy" / path.name)
            self.files += 1
        self.write_alliance()
        self.make_hub()
        for i in range(self.n_members):
            self.make_member(i)
        eligible = [m for m in self.members if m.status in ("active", "suspended")]
        for m in eligible:
            self.eligible_by_sector[m.sector].append(m)
        self.eligible_members = [m for m in eligible if m.id != HUB_ID]
        self.write_agreements(eligible)
        return {
            "members": len(self.members),
            "agreements": self.n_agreements,
            "claims": self.claims,
            "files": self.files,
            **{f"status:{k}": v for k, v in sorted(self.stats.items())},
        }

    def write_alliance(self) -> None:
        rng = self.rng
        counsel = []
        for n, (cid, (zh, en), (fzh, fen), gh) in enumerate(COUNSEL):
            email = f"{40000000 + n}+{gh}@users.noreply.github.com"
            counsel.append(
                {
                    "id": cid,
                    "name": text(zh, en),
                    "firm": text(fzh, fen),
                    "github": gh,
                    "commit_emails": [email],
                    "signing_keys": [ssh_key(rng, email)],
                    "since": "2018-01-01",
                }
            )
        data = {
            "id": "bench-alliance",
            "name": text("基准测试创业联盟（虚构）", "Benchmark Startup Alliance (fictional)"),
            "hub": HUB_ID,
            "languages": ["zh", "en"],
            "schemes": {"sector": self.tax.sector_scheme, "segment": self.tax.segment_scheme},
            "region": {"aliases": "nested"},
            "competitor_depth": 1,
            "legal": {"strict": False, "counsel": counsel},
            "overlaps": {"severity": "warning"},
            "approvals": {"quorum": {"members": 2}},
            "publish": {"repository": "private", "audience": "public"},
        }
        self.write("charter/alliance.yaml", dump_yaml(data, "../schemas/alliance.schema.json"))
        self.write(
            "charter/index.md",
            "# 基准测试创业联盟（虚构）\n\n由 `benchmarks/generate.py` 生成的虚构联盟，仅用于测试与性能基准。\n",
        )

    # -- members

    def _register(self, member: Member) -> None:
        self.members.append(member)
        self.member_by_id[member.id] = member
        self.members_by_sector[member.sector].append(member)

    def make_hub(self) -> None:
        rng = self.rng
        hub = Member(HUB_ID, "联盟枢纽科技", "Alliance Hub Technology", "active", dt.date(2018, 1, 1), None, "edu")
        hub.home = CN_CITIES[0][0]
        record = self.member_record(hub, rng, city=CN_CITIES[0], foreign=None)
        record["kind"] = "hub"
        self._register(hub)
        self.write(f"members/{hub.id}.yaml", dump_yaml(record, "../schemas/member.schema.json"))

    def make_member(self, i: int) -> None:
        rng = self.rng
        sector = pick(rng, SECTOR_WEIGHTS)
        kind_zh, kind_en, kind_slug = rng.choice(KINDS_BY_SECTOR[sector])
        (a_zh, a_py), (b_zh, b_py) = rng.sample(SYLLABLES, 2)
        zh = f"{a_zh}{b_zh}{kind_zh}"
        en = f"{(a_py + b_py).capitalize()} {kind_en}"
        base = f"{a_py}{b_py}-{kind_slug}"
        ident, n = base, 1
        while ident in self.member_by_id or ident == HUB_ID:
            n += 1
            ident = f"{base}-{n}"
        status = pick(rng, {"active": 85, "prospective": 5, "suspended": 4, "withdrawn": 6})
        joined = None if status == "prospective" else rand_day(rng, FIRST_JOIN, LAST_JOIN)
        left = None
        if status == "withdrawn":
            assert joined is not None
            left = rand_day(rng, min(joined + dt.timedelta(days=180), TODAY), TODAY)
        member = Member(ident, zh, en, status, joined, left, sector)
        foreign = rng.choices(FOREIGN, weights=[f[3] for f in FOREIGN])[0] if rng.random() < 0.08 else None
        city = rng.choices(CN_CITIES, weights=[c[4] for c in CN_CITIES])[0]
        member.home = None if foreign else city[0]
        record = self.member_record(member, rng, city=city, foreign=foreign)
        self._register(member)
        self.write(f"members/{ident}.yaml", dump_yaml(record, "../schemas/member.schema.json"))

    def member_record(
        self,
        m: Member,
        rng: random.Random,
        city: tuple[str, str, str, str, int],
        foreign: tuple[str, str, str, int] | None,
    ) -> dict[str, Any]:
        if foreign is not None:
            jurisdiction, place_zh, place_en = foreign[0], foreign[1], foreign[2]
            legal = text(f"{m.zh}（{place_zh}）有限公司", f"{m.en} ({place_en}) Pte. Ltd.")
            identifiers: dict[str, Any] = {"lei": lei(rng)}
        else:
            jurisdiction, place_zh, place_en = city[0], city[1], city[2]
            legal = text(f"{place_zh}{m.zh}有限公司", f"{place_en} {m.en} Co., Ltd.")
            identifiers = {"uscc": uscc(rng, city[3])}
        record: dict[str, Any] = {
            "id": m.id,
            "kind": "member",
            "name": text(m.zh, m.en),
            "legal_name": legal,
            "identifiers": identifiers,
            "jurisdiction": jurisdiction,
            "status": m.status,
        }
        if m.joined:
            record["joined"] = iso(m.joined)
        if m.left:
            record["left"] = iso(m.left)
        website = f"https://www.{m.id}.example.com"
        record["website"] = website
        record["visibility"] = "public" if rng.random() < 0.92 else "alliance"
        record["sources"] = [
            {"url": f"{website}/about", "fact": text("公司简介与注册信息", "Company profile and registration")}
        ]
        if m.joined:
            record["antitrust_policy_acknowledged"] = iso(m.joined)
        record["description"] = text(*DESCRIPTIONS[m.sector])
        m.reps = []
        reps = self.representatives(m, rng, published=record["visibility"] == "public")
        if reps:
            record["representatives"] = reps
        spread = min(2, self.k // 4)  # about K each: K-2..K+2 for K >= 8, exactly K below 4
        claims = self.claims_for(m, rng, self.k + rng.randint(-spread, spread))
        if claims:
            record["claims"] = claims
        self.claims += len(claims)
        return record

    def representatives(self, m: Member, rng: random.Random, published: bool) -> list[dict[str, Any]]:
        """1-3 people; a published record carries email addresses only with public_contact."""
        since0 = m.joined or rand_day(rng, dt.date(2024, 1, 1), TODAY)
        plan: list[tuple[int, bool, dt.date, dt.date | None]] = []  # (title index, can_sign, since, until)
        if rng.random() < 0.2 and since0 < TODAY - dt.timedelta(days=400):
            handover = rand_day(rng, since0 + dt.timedelta(days=180), TODAY - dt.timedelta(days=30))
            plan.append((0, True, since0, handover))
            plan.append((rng.choice([0, 1]), True, handover + dt.timedelta(days=1), None))
        else:
            plan.append((rng.choice([0, 0, 1]), True, since0, None))
        extra = rng.random()
        if extra < 0.25:
            plan.append((2, True, rand_day(rng, since0, TODAY), None))
        elif extra < 0.6:
            plan.append((rng.choice([3, 4]), False, rand_day(rng, since0, TODAY), None))
        out = []
        used: set[str] = set()
        for title_i, can_sign, since, until in plan:
            (s_zh, s_en), (g_zh, g_en) = rng.choice(SURNAMES), rng.choice(GIVEN)
            rid = slug(f"{s_en} {g_en}")
            while rid in used:
                rid = f"{slug(s_en + ' ' + g_en)}-{len(used) + 1}"
            used.add(rid)
            login = f"{slug(g_en + s_en)}{rng.randint(1, 999)}"
            email = f"{slug(g_en)}.{slug(s_en)}@{m.id}.example.com"
            noreply = f"{rng.randint(10**6, 10**8)}+{login}@users.noreply.github.com"
            public_contact = rng.random() < 0.15
            rep: dict[str, Any] = {
                "id": rid,
                "name": text(f"{s_zh}{g_zh}", f"{s_en} {g_en}"),
                "title": TITLES[title_i][0],
            }
            if public_contact or not published:
                rep["email"] = email
            rep["commit_emails"] = [email, noreply] if public_contact or not published else [noreply]
            rep["github"] = login
            if rng.random() < 0.5:
                rep["signing_keys"] = [ssh_key(rng, login)]
            rep["can_sign"] = can_sign
            rep["since"] = iso(since)
            if until:
                rep["until"] = iso(until)
            if public_contact:
                rep["public_contact"] = True
            m.reps.append(Rep(rid, can_sign, since, until))
            out.append(rep)
        return out

    def pick_regions(self, rng: random.Random, home: str | None) -> list[str]:
        """Mostly the member's home province and its neighbours; some of China, abroad, everywhere."""
        r = rng.random()
        group = next((g for g in CN_REGIONS.values() if home in g), None)
        if group is None or home is None:  # registered abroad: its own market first
            group = rng.choice(list(CN_REGIONS.values()))
            if r < 0.5:
                return [rng.choice(OTHER_MARKETS)]
            return [rng.choice(group)]
        if r < 0.62:
            return [home]
        if r < 0.72:
            others = [c for c in group if c != home]
            return sorted([home, rng.choice(others)])
        if r < 0.86:
            return [rng.choice(rng.choice(list(CN_REGIONS.values())))]
        if r < 0.875:
            return ["CN"]
        if r < 0.89:
            return sorted({home, rng.choice(["HK", "MO", "SG"])})
        if r < 0.94:
            return [rng.choice(OTHER_MARKETS)]
        if r < 0.995:
            return [rng.choice(OTHER_SUBDIVISIONS)]
        return ["*"]

    def pick_sectors(self, rng: random.Random, top: str) -> list[str]:
        """Mostly leaf nodes (a specific market), some middle nodes, rarely a whole sector."""
        paths = self.by_top[top]
        leaves = [p for p in paths if p in self.sector_leaf_set]
        middles = [p for p in paths if p not in self.sector_leaf_set and p != top]
        r = rng.random()
        if r < 0.8 or not middles:
            return sorted(rng.sample(leaves, min(len(leaves), 1 if rng.random() < 0.9 else 2)))
        if r < 0.98:
            return [rng.choice(middles)]
        return [top]

    def claims_for(self, m: Member, rng: random.Random, count: int) -> list[dict[str, Any]]:
        out = []
        used: set[str] = set()
        for _ in range(count):
            top = m.sector if rng.random() < 0.85 else rng.choice(self.top_sectors)
            sectors = self.pick_sectors(rng, top)
            regions = self.pick_regions(rng, m.home)
            base = slug(f"{sectors[0].split('/')[-1]} {regions[0] if regions[0] != '*' else 'global'}")
            cid, n = base, 1
            while cid in used:
                n += 1
                cid = f"{base}-{n}"
            used.add(cid)
            claim: dict[str, Any] = {"id": cid, "sector": sectors, "region": regions}
            if rng.random() < 0.95:
                claim["segment"] = sorted(rng.sample(self.segment_leaves, 1 if rng.random() < 0.85 else 2))
            if m.left is not None:  # a withdrawn member's focus areas ended when it left
                start = m.joined or FIRST_JOIN
                claim["period"] = {"start": iso(start), "end": iso(m.left)}
            elif rng.random() < 0.4:
                start = rand_day(rng, m.joined or FIRST_JOIN, TODAY)
                claim["period"] = {"start": iso(start)}
                if rng.random() < 0.5:
                    claim["period"]["end"] = iso(start + dt.timedelta(days=rng.choice([364, 729, 1095])))
            if rng.random() < 0.1:
                claim["note"] = text("重点投入方向", "A focus of current investment")
            out.append(claim)
        return out

    # -- agreements

    def write_agreements(self, eligible: list[Member]) -> None:
        rng = self.rng
        if len(eligible) < 2 and self.n_agreements:
            raise ValueError("at least two active members are needed to generate agreements")
        hub = self.member_by_id[HUB_ID]
        executed: list[tuple[str, str, list[str], dt.date, dict[str, Any]]] = []  # id, type, parties, effective, rec
        equity_left: dict[str, float] = defaultdict(lambda: 100.0)
        by_pair: dict[tuple[str, str], tuple[str, str, list[str], dt.date, dict[str, Any]]] = {}
        amended: set[str] = set()
        width = max(4, len(str(self.n_agreements)))
        for i in range(self.n_agreements):
            kind = pick(rng, TYPE_WEIGHTS)
            status = pick(rng, STATUS_WEIGHTS)
            amend = None
            if kind != "shareholding" and executed and rng.random() < 0.05:
                late = TODAY - dt.timedelta(days=90)
                candidates = [e for e in executed[-200:] if e[1] == kind and e[3] < late and e[0] not in amended]
                if candidates:
                    amend = rng.choice(candidates)
                    amended.add(amend[0])
            ctx = AgreementContext(self, rng, kind, status, hub, eligible, equity_left, executed, by_pair)
            record = ctx.build(f"{TYPE_PREFIX[kind]}-{{year}}-{i + 1:0{width}d}", amend)
            self.stats[record["status"]] += 1
            if record["status"] == "executed" and record["type"] != "shareholding":
                entry = (record["id"], record["type"], ctx.party_ids, ctx.effective_day, record)
                executed.append(entry)
                if record["type"] != "market-boundary":
                    for a in ctx.party_ids:
                        for b in ctx.party_ids:
                            if a < b:
                                by_pair[(a, b)] = entry
            self.write(f"agreements/{record['id']}.yaml", ctx.final_text)


class AgreementContext:
    """Builds one agreement: parties, dates, terms, then the signed text."""

    def __init__(
        self,
        gen: Generator,
        rng: random.Random,
        kind: str,
        status: str,
        hub: Member,
        eligible: list[Member],
        equity_left: dict[str, float],
        executed: list[tuple[str, str, list[str], dt.date, dict[str, Any]]],
        by_pair: dict[tuple[str, str], tuple[str, str, list[str], dt.date, dict[str, Any]]],
    ) -> None:
        self.gen, self.rng, self.kind, self.status, self.hub = gen, rng, kind, status, hub
        self.eligible, self.equity_left, self.executed, self.by_pair = eligible, equity_left, executed, by_pair
        self.party_ids: list[str] = []
        self.title_kind: str | None = None
        self.effective_day = TODAY
        self.final_text = ""

    # parties

    def choose_parties(self) -> list[Member]:
        rng, kind = self.rng, self.kind
        if kind in ("revenue-share", "contribution") and rng.random() < 0.7:
            pool = self.gen.eligible_members or self.eligible
            others = rng.sample(pool, min(len(pool), rng.choice([1, 1, 2])))
            return [self.hub, *others]
        if kind == "shareholding" and rng.random() < 0.6:
            issuer = rng.choice(self.gen.eligible_members or self.eligible)
            return [self.hub, issuer]
        first = rng.choice(self.eligible)
        if kind == "market-boundary":
            pool = self.gen.eligible_by_sector[first.sector]
            if len(pool) > 1:
                second = rng.choice(pool)
                while second.id == first.id:
                    second = rng.choice(pool)
                return [first, second]
        second = rng.choice(self.eligible)
        while second.id == first.id:
            second = rng.choice(self.eligible)
        if kind == "contribution" and rng.random() < 0.3:
            third = rng.choice(self.eligible)
            if third.id not in (first.id, second.id):
                return [first, second, third]
        return [first, second]

    def build(
        self, id_template: str, amend: tuple[str, str, list[str], dt.date, dict[str, Any]] | None
    ) -> dict[str, Any]:
        rng = self.rng
        if self.kind == "talent":
            ancillary = self._ancillary_base()
            talent_kind = "non-solicit" if ancillary and rng.random() < 0.5 else None
        else:
            ancillary, talent_kind = None, None
        if amend is not None:
            parties = [self.gen.member_by_id[p] for p in amend[2]]
        elif talent_kind == "non-solicit" and ancillary is not None:
            parties = [self.gen.member_by_id[p] for p in ancillary[2][:2]]
        else:
            parties = self.choose_parties()
        self.party_ids = [p.id for p in parties]
        self.title_kind = talent_kind
        # Dates: the parties sign after all of them joined (and after what is amended took effect).
        earliest = max(p.joined or TODAY for p in parties)
        for rep_member in parties:
            earliest = max(earliest, min(r.since for r in rep_member.reps if r.can_sign))
        if amend is not None:
            earliest = max(earliest, amend[3] + dt.timedelta(days=30))
        if ancillary is not None and talent_kind == "non-solicit":
            earliest = max(earliest, ancillary[3])
        earliest = min(earliest, TODAY - dt.timedelta(days=20))
        base = rand_day(rng, earliest, TODAY - dt.timedelta(days=20))
        sig_days = sorted(base + dt.timedelta(days=rng.randint(0, 14)) for _ in parties)
        last_sig = sig_days[-1]
        ident = id_template.format(year=base.year)

        record: dict[str, Any] = {"id": ident, "type": self.kind}
        record["title"] = self.title(parties, talent_kind)
        record["version"] = int(amend[4]["version"]) + 1 if amend is not None else 1
        record["status"] = self.status
        record["parties"] = self.parties_block(parties)
        record["signatures"] = None  # placeholder keeps the key order; filled in below
        on_execution = rng.random() < 0.4
        if on_execution:
            record["effective"] = "on-execution"
            self.effective_day = last_sig
        else:
            self.effective_day = last_sig + dt.timedelta(days=rng.randint(0, 31))
            record["effective"] = iso(self.effective_day)
        r = rng.random()
        if r < 0.45:
            record["term"] = {"duration": rng.choice(["P12M", "P24M", "P36M"])}
            if rng.random() < 0.6:
                record["renewal"] = {"auto": True, "period": "P12M", "notice": rng.choice(["P1M", "P3M"])}
        elif r < 0.75:
            record["term"] = {"end": iso(self.effective_day + dt.timedelta(days=rng.choice([364, 729, 1094])))}
            if rng.random() < 0.2:
                record["renewal"] = {"auto": False}
        record["termination"] = None
        # Competitively sensitive terms (splits, costs, amounts) and personal references stay
        # alliance-only; a few public ones exercise the R5 and personal-data checks.
        record["visibility"] = pick(rng, VISIBILITY_WEIGHTS[self.kind])
        restricted = record["visibility"] == "restricted"
        if amend is not None:
            record["amends"] = amend[0]
        if restricted:
            # Only parties, type, status, dates and document hashes (docs/design/visibility.md); the text lives
            # outside the repository, pinned by hash.
            record["title"] = text("合作协议", "Cooperation agreement")
            record["documents"] = [{"path": f"documents/{ident}.pdf", "sha256": rng.randbytes(32).hex()}]
        else:
            record["governing_law"] = "CN" if rng.random() < 0.95 else "SG"
            record["dispute"] = DISPUTE
            record["summary"] = self.summary(parties, talent_kind)
            record["terms"] = self.terms(parties, talent_kind, ancillary, amend, record)
            if rng.random() < 0.06:
                doc_rel = f"documents/{ident}.md"
                doc_text = f"# {record['title']['en']}\n\nSigned copy held by the parties. ({ident})\n".encode()
                self.gen.write(doc_rel, doc_text)
                record["documents"] = [
                    {
                        "path": doc_rel,
                        "sha256": hashlib.sha256(doc_text).hexdigest(),
                        "title": text("正式文本", "Signed text"),
                    }
                ]
        if self.kind == "market-boundary" and not restricted:
            held = [a for a in record["terms"]["allocations"] if a["holder"] != "shared"]
            if held:
                anc = self._ancillary_base(same_parties=self.party_ids)
                record["antitrust"] = {
                    **({"ancillary_to": anc[0]} if anc else {}),
                    "rationale": text(
                        "划分仅限于双方共同投入的项目，期满重新评估。",
                        "The division covers only jointly funded work and is reviewed at the end of the term.",
                    ),
                }

        # Status-dependent parts.
        if self.status == "terminated":
            start = self.effective_day + dt.timedelta(days=30)
            latest = TODAY
            if "end" in record.get("term", {}):
                latest = min(latest, dt.date.fromisoformat(record["term"]["end"]))
            end_day = rand_day(rng, start, max(start, latest))
            record["termination"] = {
                "date": iso(end_day),
                "reason": text("双方协商一致提前终止。", "Ended early by mutual agreement."),
            }
        signers = len(parties)
        if self.status in ("proposed", "cancelled", "rejected"):
            signers = rng.randint(0, len(parties) - 1)
        elif self.status == "draft":
            signers = 0
        review_status = None
        if self.status in ("executed", "terminated"):
            review_status = pick(rng, {"none": 55, "approved": 30, "approved_with_conditions": 8, "not_reviewed": 7})
        elif self.status == "proposed":
            review_status = pick(rng, {"none": 60, "requested": 40})
        record = {k: v for k, v in record.items() if v is not None}
        needs_hash = signers > 0 or review_status in ("approved", "approved_with_conditions")
        digest = ""
        if needs_hash:
            unsigned = {k: v for k, v in record.items() if k not in ("signatures", "legal_review")}
            loaded = parse_text(f"agreements/{ident}.yaml", dump_yaml(unsigned))
            assert loaded.document is not None and not loaded.findings, loaded.findings
            digest = content_sha256(loaded.document.data)
        signatures = []
        for party, day in zip(parties[:signers], sig_days[:signers], strict=True):
            signatory = party.signatory(day)
            assert signatory is not None, (party.id, day)
            signatures.append(
                {
                    "member": party.id,
                    "signatory": signatory,
                    "date": iso(day),
                    "method": pick(rng, {"git-commit": 55, "ssh-signature": 20, "e-signature": 20, "wet-ink": 5}),
                    "content_sha256": digest,
                }
            )
        review: dict[str, Any] | None = None
        if review_status == "requested":
            review = {"status": "requested"}
        elif review_status == "not_reviewed":
            review = {"status": "not_reviewed"}
        elif review_status in ("approved", "approved_with_conditions"):
            review = {
                "status": review_status,
                "reviewer": rng.choice(self.gen.counsel_ids),
                "date": iso(last_sig - dt.timedelta(days=rng.randint(0, 10))),
            }
            if not restricted:
                review["scope"] = text("反垄断与合同条款审查", "Antitrust and contract terms review")
            if review_status == "approved_with_conditions":
                review["conditions"] = [
                    text("不得交换价格与客户信息。", "No exchange of prices or customer information."),
                ]
            review["content_sha256"] = digest
        ordered: dict[str, Any] = {}
        for key in (
            "id", "type", "title", "version", "status", "parties", "signatures", "effective", "term", "renewal",
            "termination", "governing_law", "dispute", "amends", "supersedes", "documents", "legal_review",
            "antitrust", "visibility", "summary", "terms",
        ):  # fmt: skip
            if key == "signatures":
                if signatures:
                    ordered[key] = signatures
            elif key == "legal_review":
                if review:
                    ordered[key] = review
            elif key in record:
                ordered[key] = record[key]
        self.final_text = dump_yaml(ordered, "../schemas/agreement.schema.json")
        return ordered

    def _ancillary_base(self, same_parties: list[str] | None = None) -> tuple[str, str, list[str], dt.date, Any] | None:
        """An earlier executed agreement a restraint can be ancillary to."""
        if not self.executed:
            return None
        if same_parties is None:
            pool = [e for e in self.executed[-300:] if e[1] in ("revenue-share", "contribution", "talent")]
            return self.rng.choice(pool) if pool else None
        if len(same_parties) != 2:
            return None
        a, b = sorted(same_parties)
        return self.by_pair.get((a, b))

    def parties_block(self, parties: list[Member]) -> list[dict[str, Any]]:
        roles = {
            "revenue-share": ["platform", "course-owner", "course-owner"],
            "shareholding": ["holder", "issuer"],
            "talent": ["home", "host"],
            "contribution": ["maintainer", "contributor", "contributor"],
        }.get(self.kind)
        if self.title_kind == "non-solicit":
            roles = None
        out = []
        for i, party in enumerate(parties):
            entry: dict[str, Any] = {"member": party.id}
            if roles:
                role = roles[min(i, len(roles) - 1)]
                if self.kind == "revenue-share" and parties[0].id != HUB_ID:
                    role = "course-owner"
                entry["role"] = role
            out.append(entry)
        return out

    def title(self, parties: list[Member], talent_kind: str | None) -> dict[str, str]:
        zh_kind, en_kind = TYPE_NAMES[self.kind]
        names_zh = "、".join(p.zh for p in parties)
        names_en = ", ".join(p.en for p in parties)
        if self.kind == "talent" and talent_kind == "non-solicit":
            zh_kind, en_kind = "互不招揽协议", "non-solicitation agreement"
        return {"zh": f"{names_zh}{zh_kind}", "en": f"{names_en}: {en_kind}"}

    def summary(self, parties: list[Member], talent_kind: str | None) -> dict[str, str]:
        texts = {
            "market-boundary": (
                "双方就重叠市场划定各自的重点范围。",
                "The parties settle who focuses where they overlap.",
            ),
            "revenue-share": ("在联盟课程平台联合上架课程并分成。", "Courses co-listed on the alliance platform."),
            "talent": ("成员间的人才借调与兼职安排。", "Secondment and part-time work between members."),
            "contribution": ("共同投入开源项目并定期再平衡。", "Joint funding of an open-source project."),
            "shareholding": ("枢纽或成员的持股安排。", "A shareholding between alliance companies."),
        }
        if talent_kind == "non-solicit":
            return text(
                "合作期间互不主动招揽对方项目核心人员。", "Neither party solicits the other's core project staff."
            )
        return text(*texts[self.kind])

    # terms by type

    def terms(
        self,
        parties: list[Member],
        talent_kind: str | None,
        ancillary: tuple[str, str, list[str], dt.date, Any] | None,
        amend: tuple[str, str, list[str], dt.date, dict[str, Any]] | None,
        record: dict[str, Any],
    ) -> dict[str, Any]:
        rng = self.rng
        if amend is not None and "terms" in amend[4] and rng.random() < 0.5:
            terms: dict[str, Any] = json.loads(json.dumps(amend[4]["terms"]))  # restated with a small change
            if self.kind == "contribution":
                for c in terms["commitments"]:
                    c["amount"] = int(c["amount"] * 1.5) if isinstance(c["amount"], int) else c["amount"]
                return terms
            if self.kind == "market-boundary":
                terms["allocations"][0]["holder"] = "shared"
                terms["allocations"][0]["cooperation"] = text("共同服务，互相转介客户。", "Served jointly.")
                return terms
        if self.kind == "market-boundary":
            return self.market_boundary(parties)
        if self.kind == "revenue-share":
            return self.revenue_share(parties)
        if self.kind == "talent":
            return self.talent(parties, talent_kind, ancillary)
        if self.kind == "contribution":
            return self.contribution(parties)
        return self.shareholding(parties)

    def _shared_area(self, a: Member, b: Member) -> tuple[list[str], list[str], list[str]] | None:
        """Leaf sectors, provinces and leaf segments where a claim of `a` meets a claim of `b`."""
        rng = self.rng
        gen = self.gen
        ca = [c for c in a.claims if "period" not in c]
        cb = [c for c in b.claims if "period" not in c]
        if not ca or not cb:
            return None
        for _ in range(24):
            x, y = rng.choice(ca), rng.choice(cb)
            provinces = _provinces(x["region"]) & _provinces(y["region"])
            if not provinces:
                continue
            sectors: set[str] = set()
            for p in x["sector"]:
                for q in y["sector"]:
                    if p == q or q.startswith(p + "/"):
                        sectors.update(_under(q, gen.sector_leaves))
                    elif p.startswith(q + "/"):
                        sectors.update(_under(p, gen.sector_leaves))
            if not sectors:
                continue
            seg_x = {
                s
                for p in x.get("segment", ["*"])
                for s in (gen.segment_leaves if p == "*" else _under(p, gen.segment_leaves))
            }
            seg_y = {
                s
                for p in y.get("segment", ["*"])
                for s in (gen.segment_leaves if p == "*" else _under(p, gen.segment_leaves))
            }
            segments = seg_x & seg_y
            if segments:
                return sorted(sectors), sorted(provinces), sorted(segments)
        return None

    def _free(
        self, boxes: list[tuple[str, str, str]], start: dt.date, end: dt.date, holder: str, mine: list[Any]
    ) -> bool:
        """Whether the boxes can be allocated to `holder` for [start, end] without a contradiction."""
        for box in boxes:
            for s0, e0, h0, _ in self.gen.allocated.get(box, ()):
                if s0 <= end and start <= e0 and not (h0 == holder == "shared"):
                    return False
        return not any(box in mine for box in boxes)

    def market_boundary(self, parties: list[Member]) -> dict[str, Any]:
        """Disjoint allocations over where the parties' declared focus areas overlap.

        Every allocation is a leaf sector x provinces x leaf segments for a bounded period, and no
        box goes to two holders while both agreements may be in force (the generator keeps a
        register), so the alliance has no allocation contradictions, only the overlaps it settles.
        """
        rng, gen = self.rng, self.gen
        a, b = parties[0], parties[1]
        area = self._shared_area(a, b)
        start = self.effective_day
        end = start + dt.timedelta(days=rng.choice([364, 729]))
        allocations: list[dict[str, Any]] = []
        mine: list[tuple[str, str, str]] = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            holder = pick(rng, {"shared": 55, a.id: 25, b.id: 20})
            chosen = None
            for attempt in range(16):
                if area is not None and attempt < 10:
                    sectors, provinces, segments = area
                    regions = rng.sample(provinces, min(len(provinces), rng.choice([1, 1, 2])))
                else:  # pre-emptive: nowhere the parties overlap, or the overlap is allocated already
                    sectors = _under(a.sector, gen.sector_leaves)
                    segments = gen.segment_leaves
                    pool = CN_PROVINCES if attempt < 13 else SPARE_REGIONS
                    regions = [rng.choice(pool)]
                sector = rng.choice(sectors)
                segs = rng.sample(segments, min(len(segments), rng.choice([1, 2])))
                boxes = [(sector, r, g) for r in regions for g in segs]
                if self._free(boxes, start, end, holder, mine):
                    chosen = (sector, sorted(regions), sorted(segs), boxes)
                    break
            if chosen is None:
                continue
            sector, regions, segs, boxes = chosen
            mine.extend(boxes)
            scope = {
                "sector": [sector],
                "region": regions,
                "segment": segs,
                "period": {"start": iso(start), "end": iso(end)},
            }
            alloc: dict[str, Any] = {"scope": scope, "holder": holder}
            if holder == "shared" or rng.random() < 0.3:
                alloc["cooperation"] = text("共同服务客户，互相转介商机。", "Serve customers jointly and refer leads.")
            allocations.append(alloc)
            if self.status in ("executed", "terminated"):
                for box in boxes:
                    gen.allocated[box].append((start, end, holder, ""))
        if not allocations:  # everything nearby is allocated: a shared box far away
            region = SPARE_REGIONS[len(gen.allocated) % len(SPARE_REGIONS)]
            sector = rng.choice(gen.sector_leaves)
            box = (sector, region, gen.segment_leaves[0])
            while not self._free([box], start, end, "shared", []):
                box = (rng.choice(gen.sector_leaves), rng.choice(SPARE_REGIONS), rng.choice(gen.segment_leaves))
            scope = {
                "sector": [box[0]],
                "region": [box[1]],
                "segment": [box[2]],
                "period": {"start": iso(start), "end": iso(end)},
            }
            allocations.append(
                {"scope": scope, "holder": "shared", "cooperation": text("共同开拓。", "Developed jointly.")}
            )
            if self.status in ("executed", "terminated"):
                gen.allocated[box].append((start, end, "shared", ""))
        return {"allocations": allocations}

    def revenue_share(self, parties: list[Member]) -> dict[str, Any]:
        rng = self.rng
        owners = [p for p in parties if p.id != HUB_ID] or parties
        items = []
        for zh, en in rng.sample(COURSES, rng.randint(1, 3)):
            items.append({"course": text(zh, en), "owner": rng.choice(owners).id})
        if len(parties) == 2:
            first = rng.choice([20, 25, 30, 35, 40])
            shares = [first, 100 - first]
        else:
            first = rng.choice([10, 15, 20])
            second = rng.randint(30, 100 - first - 30)
            shares = [first, second, 100 - first - second]
        return {
            "items": items,
            "pricing_authority": "owner" if rng.random() < 0.85 else "platform",
            "revenue_basis": rng.choice(["gross", "net"]),
            "split": [{"member": p.id, "pct": s} for p, s in zip(parties, shares, strict=True)],
            "settlement": text(
                "按季度结算，次月十五日前付款。", "Settled quarterly, paid by the 15th of the next month."
            ),
        }

    def talent(
        self, parties: list[Member], talent_kind: str | None, ancillary: tuple[str, str, list[str], dt.date, Any] | None
    ) -> dict[str, Any]:
        rng = self.rng
        home, host = parties[0], parties[1]
        if talent_kind == "non-solicit" and ancillary is not None:
            start = self.effective_day
            return {
                "kind": "non-solicit",
                "ancillary_to": ancillary[0],
                "covered": [text("项目核心工程师", "Core engineers of the joint project")],
                "period": {"start": iso(start), "end": iso(start + dt.timedelta(days=364))},
                "excludes": [text("公开招聘的主动应聘者", "Applicants who answer a public job posting")],
            }
        kind = pick(rng, {"secondment": 45, "part-time": 35, "training": 20})
        start = self.effective_day
        terms: dict[str, Any] = {
            "kind": kind,
            "person_ref": f"p-{rng.getrandbits(32):08x}",
            "home": home.id,
            "host": host.id,
            "employee_consent": True,
        }
        if kind == "secondment":
            terms["time_share_pct"] = 100
        elif kind == "part-time":
            terms["time_share_pct"] = rng.choice([20, 30, 40, 50])
        terms["cost_share"] = text("借入方承担期间薪酬的全部成本。", "The host bears the salary cost for the period.")
        terms["period"] = {"start": iso(start), "end": iso(start + dt.timedelta(days=rng.choice([89, 179, 364])))}
        return terms

    def contribution(self, parties: list[Member]) -> dict[str, Any]:
        rng = self.rng
        word = rng.choice(PROJECT_WORDS)
        owner = parties[0]
        name = f"{slug(owner.en.split()[0])}-{word}"
        commitments = []
        for p in parties:
            if rng.random() < 0.5:
                kind, amount, unit, per = "engineering", rng.choice([5, 10, 20, 40]), "engineer-days", "P1M"
            else:
                kind, amount, unit, per = "funding", rng.choice([10000, 20000, 50000]), "CNY", "P3M"
            commitments.append({"member": p.id, "kind": kind, "amount": amount, "unit": unit, "per": per})
            if rng.random() < 0.15:
                commitments.append(
                    {"member": p.id, "kind": "infrastructure", "amount": 2.5, "unit": "GPU-nodes", "per": "P1M"}
                )
        return {
            "project": {
                "name": name,
                "repo": f"https://github.com/bench-alliance/{name}",
                "license": rng.choice(LICENSES),
            },
            "commitments": commitments,
            "measurement": {
                "window": "P3M",
                "metrics": ["commits", "reviews", "issues-closed"],
                "exclude_paths": ["docs/**", "vendor/**"],
            },
            "rebalancing": {
                "tolerance_pct": rng.choice([10, 15, 20]),
                "remedy": text("偏差超出容差时重新协商投入。", "Renegotiate commitments when out of tolerance."),
                "cadence": "P6M",
            },
        }

    def shareholding(self, parties: list[Member]) -> dict[str, Any]:
        rng = self.rng
        holder, issuer = parties[0], parties[1]
        room = self.equity_left[issuer.id]
        equity = min(room, rng.choice([1, 2, 3, 5, 5, 8, 10, 12.5, 15, 20]))
        equity = round(max(equity, 0.0), 1)
        self.equity_left[issuer.id] = room - equity
        terms: dict[str, Any] = {
            "holder": holder.id,
            "issuer": issuer.id,
            "instrument": rng.choice(
                ["registered-capital", "registered-capital", "ordinary-shares", "preferred-shares"]
            ),
            "equity_pct": int(equity) if float(equity).is_integer() else equity,
        }
        seats = 1 if equity >= 10 and rng.random() < 0.5 else 0
        if seats:
            terms["board_seats"] = seats
        terms["control"] = "none"
        if seats:
            terms["information_firewall"] = True
        return terms


def generate(
    out: Path,
    members: int,
    agreements: int,
    claims_per_member: int = 10,
    seed: int = 0,
    *,
    force: bool = False,
) -> dict[str, Any]:
    """Write a synthetic alliance into `out`; returns counts (members, agreements, claims, files, seconds).

    `out` must not hold an alliance already, unless `force`, which first deletes the directories
    the generator writes (charter/, members/, agreements/, documents/) and nothing else.
    """
    out = Path(out)
    started = time.perf_counter()
    generated = ("charter", "members", "agreements", "documents")
    if any((out / d).exists() for d in generated):
        if not force:
            raise FileExistsError(f"{out} already holds an alliance; pass force=True (--force) to replace it")
        for d in generated:
            if (out / d).is_dir() and not (out / d).is_symlink():
                shutil.rmtree(out / d)
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(out, members, agreements, claims_per_member, seed)
    stats = gen.run()
    stats["seconds"] = round(time.perf_counter() - started, 2)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the alliance into")
    parser.add_argument("--members", type=int, required=True, help="number of members besides the hub")
    parser.add_argument("--agreements", type=int, required=True, help="number of agreements")
    parser.add_argument("--claims-per-member", type=int, default=10, help="about this many claims each (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="replace an alliance already generated in OUT")
    args = parser.parse_args(argv)
    if args.members < 2 or args.agreements < 0 or args.claims_per_member < 0:
        parser.error("need --members >= 2, --agreements >= 0, --claims-per-member >= 0")
    try:
        stats = generate(args.out, args.members, args.agreements, args.claims_per_member, args.seed, force=args.force)
    except FileExistsError as exc:
        parser.error(str(exc))
    print(
        f"{args.out}: {stats['members']} members (hub included), {stats['agreements']} agreements, "
        f"{stats['claims']} claims, {stats['files']} files in {stats['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
