"""`qtgov init`: scaffold a new alliance repository (docs/design/repository.md).

Everything is rendered and checked first (ids, languages, names, the rendered YAML against the
schemas, no file already present); only then is anything written: into a fresh directory beside
the target, which either becomes the target (when it does not exist yet) or whose files are moved
in, with what was moved taken back out again if a move fails. No schemas are written: they ship
with qtgov, and each YAML file's modeline points at their published URL.

The starting taxonomies and the GitHub workflow are copies kept in `qtgov/scaffold_data/` (the
repository's `charter/taxonomy/` and `examples/ci/` are not in the wheel); a test keeps them equal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qtgov.errors import UsageError
from qtgov.records.repo import ID_RE
from qtgov.records.schemas import BASE_ID, handbook_languages

DATA_DIR = Path(__file__).resolve().parent / "scaffold_data"
#: The shipped starting taxonomies: (role in `schemes`, file in DATA_DIR); the stem is the scheme id.
TAXONOMIES = (("sector", "qt-markets.yaml"), ("segment", "qt-segments.yaml"))
WORKFLOW = "governance.yml"
WORKFLOW_PATH = ".github/workflows/qtgov.yml"
RESERVED_IDS = frozenset({"shared"})
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)?\Z")
_BAD_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Plain scalars: words of letters, digits, `.` and `-` separated by single spaces, starting with a
# letter; anything else (and YAML 1.1's booleans) is double-quoted.
_PLAIN = re.compile(r"[^\W\d_][\w.-]*(?: [\w.-]+)*\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_MODELINE = "# yaml-language-server: $schema="
GITIGNORE = "site/\n.site.build-*/\n"
_GITHUB_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\Z")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


@dataclass(frozen=True)
class InitOptions:
    root: Path
    alliance_id: str
    name: str
    hub: str
    hub_name: str
    rep_id: str
    rep_name: str
    rep_github: str
    rep_email: str | None = None
    name_en: str | None = None
    hub_name_en: str | None = None
    languages: tuple[str, ...] = ("zh", "en")
    repository: str = "public"
    #: The first day of the representative's authority (default: today).
    since: dt.date | None = None


def parse_languages(value: str) -> tuple[str, ...]:
    """`zh,en` -> ("zh", "en"); the first is the default language."""
    langs = tuple(part.strip() for part in value.split(","))
    if any(not lang for lang in langs):
        raise UsageError(f"--languages {value!r}: give language codes separated by commas, e.g. zh,en")
    _check_languages(langs)
    return langs


def _check_languages(langs: Sequence[str]) -> None:
    if not langs:
        raise UsageError("--languages: give at least one language")
    for lang in langs:
        if not LANGUAGE_RE.match(lang):
            raise UsageError(f"--languages: {lang!r} is not a language code such as zh, en or zh-Hant")
        if lang not in handbook_languages():
            raise UsageError(
                f"--languages: the handbook is written in {' and '.join(handbook_languages())}, not {lang!r}"
            )
    if len(set(langs)) != len(langs):
        raise UsageError("--languages: a language is listed twice")


def _check_id(option: str, value: str) -> None:
    if not ID_RE.match(value):
        raise UsageError(
            f"{option} {value!r}: an id is 2-63 lower-case letters, digits and hyphens, not starting with a hyphen"
        )
    if value in RESERVED_IDS:
        raise UsageError(f"{option} {value!r}: {value!r} is reserved")


def _check_text(option: str, value: str) -> None:
    if not value.strip():
        raise UsageError(f"{option}: must not be empty")
    if value != value.strip() or _BAD_TEXT.search(value):
        raise UsageError(f"{option} {value!r}: no line breaks, control characters or surrounding spaces")


def _scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when unambiguous, else double-quoted (JSON is valid YAML)."""
    if _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _text_value(value: str, english: str | None, default_language: str) -> str | dict[str, str]:
    """A text field: one string, or `{default: …, en: …}` when an English name is given too."""
    if english is None or english == value:
        return value
    return {default_language: value, "en": english}


def _text(value: str, english: str | None, default_language: str) -> str:
    text = _text_value(value, english, default_language)
    if isinstance(text, str):
        return _scalar(text)
    return "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in text.items()) + "}"


def _modeline(kind: str) -> str:
    return f"{_MODELINE}{BASE_ID}{kind}.schema.json\n"


def _with_modeline(kind: str, text: str) -> str:
    first, _, rest = text.partition("\n")
    if first.startswith(_MODELINE):
        return _modeline(kind) + rest
    return _modeline(kind) + text


def _alliance(opts: InitOptions, schemes: dict[str, str]) -> str:
    languages = ", ".join(_scalar(lang) for lang in opts.languages)
    return _modeline("alliance") + (
        "# The alliance's settings (every field: schemas/alliance.schema.json). Written by `qtgov init`; edit freely.\n"
        f"id: {_scalar(opts.alliance_id)}\n"
        f"name: {_text(opts.name, opts.name_en, opts.languages[0])}\n"
        f"hub: {_scalar(opts.hub)}\n"
        "# The handbook's languages; the first is the default (charter/index.md is in it).\n"
        f"languages: [{languages}]\n"
        "schemes:\n"
        f"  sector: {_scalar(schemes['sector'])}\n"
        f"  segment: {_scalar(schemes['segment'])}\n"
        "region:\n"
        "  aliases: nested\n"
        "competitor_depth: 1\n"
        "legal:\n"
        "  strict: false\n"
        "  # Recognised counsel: [{id, name, github, commit_emails, signing_keys}].\n"
        "  counsel: []\n"
        "overlaps:\n"
        "  severity: warning\n"
        "approvals:\n"
        "  # How many members besides the hub approve membership and charter changes.\n"
        "  quorum:\n"
        "    members: 0\n"
        "publish:\n"
        f"  repository: {opts.repository}\n"
        "  audience: public\n"
    )


def _hub(opts: InitOptions) -> str:
    since = (opts.since or dt.date.today()).isoformat()
    email = ""
    if opts.rep_email:
        email = (
            "    # Personal data: reported in published records unless public_contact: true, which\n"
            "    # only the person's consent allows.\n"
            f"    email: {_scalar(opts.rep_email)}\n"
        )
    return _modeline("member") + (
        "# The hub. Only verifiable public facts: add the legal name, identifiers, jurisdiction,\n"
        "# website and sources once they can be sourced (qtgov validate reports each missing fact\n"
        "# as info).\n"
        f"id: {_scalar(opts.hub)}\n"
        "kind: hub\n"
        f"name: {_text(opts.hub_name, opts.hub_name_en, opts.languages[0])}\n"
        "status: active\n"
        "visibility: public\n"
        "# The first representative: signs for the hub and approves the pull requests that need\n"
        "# the hub, starting with the one that adds the alliance's other people.\n"
        "representatives:\n"
        f"  - id: {_scalar(opts.rep_id)}\n"
        f"    name: {_scalar(opts.rep_name)}\n"
        f"    github: {_scalar(opts.rep_github)}\n"
        f"{email}"
        "    can_sign: true\n"
        f"    since: {_scalar(since)}\n"
    )


_HOME = {
    "zh": (
        "这里是联盟手册的首页。手册由本仓库的记录经 `qtgov build` 生成：章程、成员名录、"
        "协议登记簿和每次检查的结果。\n\n"
        "这是 `qtgov init` 写下的占位文字：请在 `charter/index.md` 中改写成联盟自己的介绍，"
        "并把章程写成 `charter/` 下的其他 Markdown 页面。\n"
    ),
    "en": (
        "This is the home page of the alliance handbook. `qtgov build` generates the handbook from "
        "this repository's records: the charter, the member directory, the register of agreements "
        "and the results of every check.\n\n"
        "This is placeholder text written by `qtgov init`: replace it in `charter/index{suffix}.md` "
        "with the alliance's own introduction, and write the charter as further Markdown pages in "
        "`charter/`.\n"
    ),
}


def _home(lang: str, suffix: str) -> str:
    if lang == "zh" or lang.startswith("zh-"):
        return _HOME["zh"].replace("charter/index.md", f"charter/index{suffix}.md")
    return _HOME["en"].replace("{suffix}", suffix)


def _workflow(text: str) -> str:
    """The example workflow, minus its "copy me to …" first line."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("# Copy to "):
        lines = lines[2:] if len(lines) > 1 and lines[1].strip() == "#" else lines[1:]
        lines.insert(0, "# The governance workflow, written by `qtgov init` (see qtgov's examples/ci/).\n#\n")
    return "".join(lines)


def render(opts: InitOptions) -> dict[str, str]:
    """Relative path -> text of every file `qtgov init` writes (checked, but nothing written)."""
    _check_id("--id", opts.alliance_id)
    _check_id("--hub", opts.hub)
    _check_text("--name", opts.name)
    _check_text("--hub-name", opts.hub_name)
    for option, value in (("--name-en", opts.name_en), ("--hub-name-en", opts.hub_name_en)):
        if value is not None:
            _check_text(option, value)
    _check_languages(opts.languages)
    if opts.languages[0] == "en" and (opts.name_en or opts.hub_name_en):
        raise UsageError("--name-en/--hub-name-en: the default language is already en; give --name/--hub-name only")
    _check_id("--rep", opts.rep_id)
    _check_text("--rep-name", opts.rep_name)
    if not _GITHUB_RE.match(opts.rep_github):
        raise UsageError(
            f"--rep-github {opts.rep_github!r}: a GitHub user name (letters, digits and single hyphens, "
            "at most 39 characters), without @"
        )
    if opts.rep_email is not None and not _EMAIL_RE.match(opts.rep_email):
        raise UsageError(f"--rep-email {opts.rep_email!r}: an email address such as name@example.com")
    if opts.repository not in ("public", "private"):
        raise UsageError(f"--repository {opts.repository!r}: public or private")

    files: dict[str, str] = {}
    schemes: dict[str, str] = {}
    for role, name in TAXONOMIES:
        schemes[role] = name.removesuffix(".yaml")
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        files[f"charter/taxonomy/{name}"] = _with_modeline("taxonomy", text)
    files["charter/alliance.yaml"] = _alliance(opts, schemes)
    for i, lang in enumerate(opts.languages):
        suffix = "" if i == 0 else f".{lang}"
        files[f"charter/index{suffix}.md"] = _home(lang, suffix)
    files[f"members/{opts.hub}.yaml"] = _hub(opts)
    files["agreements/.gitkeep"] = ""
    files[WORKFLOW_PATH] = _workflow((DATA_DIR / WORKFLOW).read_text(encoding="utf-8"))
    # The handbook `qtgov build` writes, and the working directories a killed build leaves beside it.
    files[".gitignore"] = GITIGNORE
    _self_check(
        files,
        {
            "charter/alliance.yaml": {
                "id": opts.alliance_id,
                "name": _text_value(opts.name, opts.name_en, opts.languages[0]),
                "hub": opts.hub,
            },
            f"members/{opts.hub}.yaml": {
                "id": opts.hub,
                "name": _text_value(opts.hub_name, opts.hub_name_en, opts.languages[0]),
                "representatives": [
                    {
                        "id": opts.rep_id,
                        "name": opts.rep_name,
                        "github": opts.rep_github,
                        **({"email": opts.rep_email} if opts.rep_email else {}),
                        "can_sign": True,
                        "since": (opts.since or dt.date.today()).isoformat(),
                    }
                ],
            },
        },
    )
    return dict(sorted(files.items()))


def _self_check(files: dict[str, str], expected: dict[str, dict[str, object]]) -> None:
    """The rendered records parse cleanly and match their schemas (a bug in qtgov otherwise)."""
    from qtgov.records.schemas import schema_findings
    from qtgov.records.yamlload import parse_text

    for relpath, text in files.items():
        if relpath == "charter/alliance.yaml":
            kind = "alliance"
        elif relpath.startswith("charter/taxonomy/"):
            kind = "taxonomy"
        elif relpath.startswith("members/"):
            kind = "member"
        else:
            continue
        result = parse_text(relpath, text)
        findings = list(result.findings)
        if result.document is not None and not findings:
            findings = schema_findings(kind, result.document)
        data = result.document.data if result.document is not None else None
        wrong = {k: v for k, v in expected.get(relpath, {}).items() if not isinstance(data, dict) or data.get(k) != v}
        if findings or result.document is None or wrong:
            raise RuntimeError(f"qtgov init rendered an invalid {relpath}: {findings or wrong}")


def _conflicts(root: Path, relpaths: Sequence[str]) -> list[str]:
    """Paths that are in the way: an existing target file, or a non-directory where a directory goes."""
    if os.path.lexists(root) and not root.is_dir():
        return [str(root)]
    found: list[str] = []
    for relpath in relpaths:
        if os.path.lexists(root / relpath):
            found.append(relpath)
            continue
        parts = relpath.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            parent = root.joinpath(*parts[:depth])
            if os.path.lexists(parent) and (parent.is_symlink() or not parent.is_dir()):
                found.append("/".join(parts[:depth]))
                break
    return sorted(set(found))


def _staging_dir(root: Path) -> Path:
    root.parent.mkdir(parents=True, exist_ok=True)
    while True:
        path = root.parent / f".{root.name}.qtgov-init-{secrets.token_hex(4)}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path


def init(opts: InitOptions) -> list[str]:
    """Scaffold the repository at `opts.root`; returns the relative paths written (sorted).

    UsageError, with nothing written, when an id, name or language is invalid or any of the
    files (or a directory they go in) is already there.
    """
    root = Path(os.path.abspath(opts.root))
    files = render(opts)
    conflicts = _conflicts(root, list(files))
    if conflicts:
        raise UsageError(f"{opts.root}: already there, nothing written: {', '.join(conflicts)}")
    staging = _staging_dir(root)
    try:
        for relpath, text in files.items():
            path = staging / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        if not os.path.lexists(root):
            os.rename(staging, root)
            return list(files)
        _move_in(staging, root, list(files))
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return list(files)


def _move_in(staging: Path, root: Path, relpaths: list[str]) -> None:
    """Move every file from `staging` into the existing `root`; on failure, take it all back."""
    made_dirs: list[Path] = []
    moved: list[Path] = []
    try:
        for relpath in relpaths:
            target = root / relpath
            for parent in reversed(target.relative_to(root).parents[:-1]):
                directory = root / parent
                if not directory.is_dir():
                    directory.mkdir()
                    made_dirs.append(directory)
            if os.path.lexists(target):  # appeared since the check: never overwrite
                raise UsageError(f"{root}: {relpath} appeared while writing; nothing written")
            os.rename(staging / relpath, target)
            moved.append(target)
    except BaseException:
        for path in reversed(moved):
            path.unlink(missing_ok=True)
        for directory in reversed(made_dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise
