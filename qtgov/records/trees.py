"""The trees market claims live in (docs/design/records.md): sector/segment taxonomies and ISO 3166 regions.

Every tree has the root `*`. Nodes compare by their ancestor chain (`*`, `cloud`,
`cloud/compute`), never by string prefix: `cloud/compute` is not an ancestor of `cloud/computer`.
A chain is a tuple from the root down to the node itself; `a` is an ancestor-or-self of `b` iff
`chain(b)[len(chain(a)) - 1] == a`. The overlap engine works on chains only, so any tree (a
taxonomy, a scheme without a taxonomy file, the regions) plugs in through `chain()`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ROOT = "*"

_PATH = re.compile(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*\Z")


def path_chain(path: str) -> tuple[str, ...]:
    """`a/b/c` -> (`*`, `a`, `a/b`, `a/b/c`); `*` -> (`*`,)."""
    if path == ROOT:
        return (ROOT,)
    parts = path.split("/")
    return (ROOT, *("/".join(parts[: i + 1]) for i in range(len(parts))))


def path_parent(path: str) -> str | None:
    """The parent of a tree path (`*` for a top-level node, None for `*` itself)."""
    if path == ROOT:
        return None
    head, sep, _ = path.rpartition("/")
    return head if sep else ROOT


def path_is_ancestor_or_self(a: str, b: str) -> bool:
    """Whether path `a` is `b` or one of its ancestors, comparing whole segments."""
    return a in (ROOT, b) or b.startswith(a + "/")


def is_path(text: object) -> bool:
    """Whether `text` has the form of a tree path (`*` or `a/b-c/d`)."""
    return isinstance(text, str) and (text == ROOT or _PATH.match(text) is not None)


def text_in(value: Any, lang: str | None, default: str) -> str:
    """A human text field (a string or a language map) in `lang`, else its first language."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and value:
        if lang and isinstance(value.get(lang), str):
            return str(value[lang])
        for text in value.values():
            if isinstance(text, str):
                return text
    return default


@dataclass(frozen=True)
class TreeProblem:
    """Something wrong inside a taxonomy file (for the `taxonomy-tree` rule)."""

    section: str  # nodes | retired | maps_to
    key: str  # the node path or retired path concerned
    message: str
    item: int | None = None  # index into maps_to


@dataclass
class Taxonomy:
    """One taxonomy (a scheme's tree) built from its record's data."""

    scheme: str
    version: str = ""
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Taxonomy:
        nodes_raw = data.get("nodes") or {}
        retired_raw = data.get("retired") or {}
        nodes = {
            str(path): (node if isinstance(node, dict) else {})
            for path, node in (nodes_raw.items() if isinstance(nodes_raw, Mapping) else ())
        }
        retired = {
            str(old): str(new)
            for old, new in (retired_raw.items() if isinstance(retired_raw, Mapping) else ())
            if isinstance(new, str)
        }
        return cls(str(data.get("scheme", "")), str(data.get("version", "")), nodes, retired)

    # -- lookups -------------------------------------------------------------------------

    def exists(self, path: str) -> bool:
        return path == ROOT or path in self.nodes

    def follow_retired(self, path: str) -> str | None:
        """Where a retired path (or a path under a retired one) lives now, following chains of
        renames; None when `path` is not retired or the renames loop."""
        seen: set[str] = set()
        current = path
        moved = False
        while current not in self.nodes and current != ROOT:
            if current in seen:
                return None
            seen.add(current)
            if current in self.retired:
                current = self.retired[current]
                moved = True
                continue
            # A path under a retired node moves with it: cloud/old/x -> cloud/new/x.
            for ancestor in reversed(path_chain(current)[1:-1]):
                if ancestor in self.retired:
                    current = self.retired[ancestor] + current[len(ancestor) :]
                    moved = True
                    break
            else:
                return None
        return current if moved else None

    def resolve(self, path: str) -> str | None:
        """The canonical (live) path for `path`, following retired renames; None if unknown."""
        if path == ROOT or path in self.nodes:
            return path
        return self.follow_retired(path)

    @staticmethod
    def chain(path: str) -> tuple[str, ...]:
        return path_chain(path)

    @staticmethod
    def is_ancestor_or_self(a: str, b: str) -> bool:
        return path_is_ancestor_or_self(a, b)

    @staticmethod
    def depth(path: str) -> int:
        """0 for `*`, 1 for a top-level node, and so on."""
        return 0 if path == ROOT else path.count("/") + 1

    @staticmethod
    def meet(a: str, b: str) -> str | None:
        """The deeper of two related nodes (their intersection), or None when unrelated."""
        if path_is_ancestor_or_self(a, b):
            return b
        if path_is_ancestor_or_self(b, a):
            return a
        return None

    def name(self, path: str, lang: str | None = None) -> str:
        if path == ROOT:
            return ROOT
        node = self.nodes.get(path) or {}
        return text_in(node.get("name"), lang, path)

    def maps_to(self, path: str) -> list[tuple[str, str]]:
        """The crosswalk targets of a node: [(scheme, path)]."""
        node = self.nodes.get(path) or {}
        out = []
        for item in node.get("maps_to") or []:
            if isinstance(item, Mapping) and isinstance(item.get("scheme"), str) and isinstance(item.get("path"), str):
                out.append((item["scheme"], item["path"]))
        return out

    def children(self, path: str) -> list[str]:
        return sorted(p for p in self.nodes if path_parent(p) == path)

    # -- consistency of the tree itself -----------------------------------------------------

    def problems(self, schemes: Mapping[str, Taxonomy] | None = None) -> list[TreeProblem]:
        """Missing parents, dangling or looping renames, crosswalks to nowhere."""
        out: list[TreeProblem] = []
        for path in self.nodes:
            if not is_path(path) or path == ROOT:
                out.append(TreeProblem("nodes", path, f"{path!r} is not a tree path (a/b/c)"))
                continue
            parent = path_parent(path)
            if parent is not None and not self.exists(parent):
                out.append(TreeProblem("nodes", path, f"node {path!r} has no parent node {parent!r}"))
            if path in self.retired:
                out.append(TreeProblem("retired", path, f"{path!r} is both a live node and retired"))
            for i, (scheme, target) in enumerate(self.maps_to(path)):
                if schemes is None:
                    continue
                other = schemes.get(scheme)
                if other is None:
                    out.append(TreeProblem("maps_to", path, f"{path!r} maps to unknown scheme {scheme!r}", i))
                elif other.resolve(target) is None:
                    out.append(
                        TreeProblem("maps_to", path, f"{path!r} maps to {target!r}, which is not in {scheme!r}", i)
                    )
        for old, new in self.retired.items():
            if old in self.nodes:
                continue
            if self.resolve(new) is None:
                out.append(TreeProblem("retired", old, f"retired {old!r} points to {new!r}, which does not exist"))
            elif self.follow_retired(old) is None:
                out.append(TreeProblem("retired", old, f"retired {old!r} is part of a loop of renames"))
        return out


# ---------------------------------------------------------------------------------------------
# Regions

#: GB/T 2260 province codes, used by ISO 3166-2:CN (and pycountry) before the 2017 change to
#: letter codes. Old claims keep resolving; `region-code` suggests the current spelling.
OLD_CN_CODES: dict[str, str] = {
    "CN-11": "CN-BJ",
    "CN-12": "CN-TJ",
    "CN-13": "CN-HE",
    "CN-14": "CN-SX",
    "CN-15": "CN-NM",
    "CN-21": "CN-LN",
    "CN-22": "CN-JL",
    "CN-23": "CN-HL",
    "CN-31": "CN-SH",
    "CN-32": "CN-JS",
    "CN-33": "CN-ZJ",
    "CN-34": "CN-AH",
    "CN-35": "CN-FJ",
    "CN-36": "CN-JX",
    "CN-37": "CN-SD",
    "CN-41": "CN-HA",
    "CN-42": "CN-HB",
    "CN-43": "CN-HN",
    "CN-44": "CN-GD",
    "CN-45": "CN-GX",
    "CN-46": "CN-HI",
    "CN-50": "CN-CQ",
    "CN-51": "CN-SC",
    "CN-52": "CN-GZ",
    "CN-53": "CN-YN",
    "CN-54": "CN-XZ",
    "CN-61": "CN-SN",
    "CN-62": "CN-GS",
    "CN-63": "CN-QH",
    "CN-64": "CN-NX",
    "CN-65": "CN-XJ",
    "CN-71": "TW",
    "CN-91": "HK",
    "CN-92": "MO",
}

#: The regions that are both an ISO 3166-1 country and an ISO 3166-2:CN subdivision. qtgov
#: spells them with the ISO 3166-1 code; `region.aliases` decides whether CN is their parent.
CN_ALIASES: dict[str, str] = {"CN-HK": "HK", "CN-MO": "MO", "CN-TW": "TW"}


class Regions:
    """ISO 3166 regions as a tree: `*` > countries > subdivisions (nested by parent_code).

    Built from pycountry on first use (importing it costs time `qtgov --help` cannot spend).
    """

    def __init__(self, aliases_nested: bool = True) -> None:
        self.aliases_nested = aliases_nested
        self._parent: dict[str, str] | None = None
        self._names: dict[str, str] = {}
        self._chains: dict[str, tuple[str, ...]] = {ROOT: (ROOT,)}
        self._children: dict[str, list[str]] | None = None

    def _load(self) -> dict[str, str]:
        if self._parent is not None:
            return self._parent
        import pycountry

        parent: dict[str, str] = {}
        for country in pycountry.countries:
            code = country.alpha_2
            parent[code] = ROOT
            self._names[code] = country.name
        for sub in pycountry.subdivisions:
            code = sub.code
            if code in CN_ALIASES:
                continue
            up = getattr(sub, "parent_code", None)
            if up:
                # Older pycountry releases give the parent without its country prefix.
                up = up if "-" in up else f"{sub.country_code}-{up}"
                up = CN_ALIASES.get(up, up)
            parent[code] = up or sub.country_code
            self._names[code] = sub.name
        for alias in CN_ALIASES.values():
            parent[alias] = "CN" if self.aliases_nested else ROOT
        self._parent = parent
        return parent

    def resolve(self, code: object) -> str | None:
        """The canonical spelling of an ISO 3166 code (`CN-33` -> `CN-ZJ`, `CN-HK` -> `HK`)."""
        if not isinstance(code, str):
            return None
        if code == ROOT:
            return ROOT
        code = OLD_CN_CODES.get(code, code)
        code = CN_ALIASES.get(code, code)
        return code if code in self._load() else None

    def is_old_code(self, code: str) -> bool:
        return code in OLD_CN_CODES

    def parent(self, code: str) -> str | None:
        """The parent of a canonical code (`*` for a country, None for `*` or unknown codes)."""
        if code == ROOT:
            return None
        return self._load().get(code)

    def chain(self, code: str) -> tuple[str, ...]:
        """Root-to-node chain of a region. Unknown codes still get a plausible chain (their
        country when the prefix is one) so a typo never hides an overlap; `region-code` reports
        the typo itself."""
        cached = self._chains.get(code)
        if cached is not None:
            return cached
        parents = self._load()
        up = parents.get(code)
        if up is None:
            country = code.split("-", 1)[0]
            up = country if "-" in code and country in parents else ROOT
        result = (*self.chain(up), code)
        self._chains[code] = result
        return result

    def depth(self, code: str) -> int:
        return len(self.chain(code)) - 1

    def is_ancestor_or_self(self, a: str, b: str) -> bool:
        ca, cb = self.chain(a), self.chain(b)
        return len(ca) <= len(cb) and cb[len(ca) - 1] == a

    def meet(self, a: str, b: str) -> str | None:
        if self.is_ancestor_or_self(a, b):
            return b
        if self.is_ancestor_or_self(b, a):
            return a
        return None

    def children(self, code: str) -> list[str]:
        """Direct children of a region (countries of `*`, subdivisions of a country, ...)."""
        if self._children is None:
            kids: dict[str, list[str]] = {}
            for child, up in self._load().items():
                kids.setdefault(up, []).append(child)
            for lst in kids.values():
                lst.sort()
            self._children = kids
        return list(self._children.get(code, []))

    def name(self, code: str, lang: str | None = None) -> str:
        """The ISO name of a region, translated into `lang` where pycountry's iso-codes
        translations have it (`zh` -> 浙江省), else English; the code itself when unknown."""
        if code == ROOT:
            return ROOT
        self._load()
        english = self._names.get(code)
        if english is None:
            return code
        if not lang or lang == "en":
            return english
        domain = "iso3166-2" if "-" in code else "iso3166-1"
        return _translation(domain, lang).gettext(english)


@functools.cache
def _translation(domain: str, lang: str) -> Any:
    import gettext

    import pycountry

    languages = {"zh": ["zh_CN"], "zh-hant": ["zh_TW"]}.get(lang.lower(), [lang.replace("-", "_")])
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=languages, fallback=True)


@functools.cache
def regions(aliases_nested: bool = True) -> Regions:
    """The shared region tree for one `region.aliases` setting."""
    return Regions(aliases_nested)


def minimal_nodes(nodes: Iterable[str], chain: Any) -> list[str]:
    """Drop duplicates and nodes below another node of the list (`[cloud, cloud/gpu]` is `cloud`)."""
    distinct = set(nodes)
    if len(distinct) < 2:
        return list(distinct)
    unique = sorted(distinct, key=lambda n: (len(chain(n)), n))
    kept: list[str] = []
    for node in unique:
        c = chain(node)
        if not any(len(chain(k)) <= len(c) and c[len(chain(k)) - 1] == k for k in kept):
            kept.append(node)
    return sorted(kept)
