"""`qtgov sign`: add a party's signature to an agreement as text, keeping the file's comments and
layout (the YAML is never re-dumped).

The signature pins the agreement's current `content_sha256`. qtgov refuses when the
representative cannot sign for the member on that day (not a representative, `can_sign` false,
outside `since`/`until`), when the member is not a party, when the agreement is past signing, or
when the member already signed this content; a signature of the same member for other content is
replaced (the content changed since, so it was void). Committing the result in a commit of one's
own is what gives the signature its provenance (docs/design/git.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qtgov.errors import QtgovError, UsageError
from qtgov.records.hashing import content_sha256
from qtgov.records.yamlload import Document, parse_text, typed_scalar

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}\Z")
SIGNABLE = ("draft", "proposed")
METHODS = ("git-commit", "ssh-signature", "e-signature", "wet-ink")


@dataclass(frozen=True)
class SignResult:
    path: Path
    content_sha256: str
    line: int  # where the new entry starts
    replaced: bool  # a stale signature of the member was replaced


def resolve_agreement(root: Path, agreement: str) -> Path:
    """An agreement given as a path to its file or as its id (looked up under `root`)."""
    if agreement.endswith(".yaml") or "/" in agreement or "\\" in agreement:
        path = Path(agreement)
        if not path.is_file():
            raise UsageError(f"{agreement}: no such file")
        return path
    if not ID_RE.match(agreement):
        raise UsageError(f"{agreement!r} is neither an agreement id nor a path to its file")
    path = Path(root) / "agreements" / f"{agreement}.yaml"
    if not path.is_file():
        raise UsageError(f"no agreement {agreement!r} ({path} does not exist)")
    return path


def _load(path: Path) -> tuple[str, Document, bool]:
    from qtgov.records.yamlload import read_raw

    raw, findings = read_raw(path.parent, path.name)
    if raw is None:
        raise UsageError(f"{path}: {findings[0].message if findings else 'cannot read'}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not valid UTF-8") from None
    bom = text.startswith("\ufeff")
    text = text[1:] if bom else text
    result = parse_text(str(path), text)
    if result.document is None or result.findings or not isinstance(result.document.data, dict):
        problem = result.findings[0] if result.findings else None
        where = f" at line {problem.line}: {problem.message}" if problem else ""
        raise UsageError(f"{path} does not load{where}; run qtgov validate")
    return text, result.document, bom


def _representative(root: Path, member: str, rep_id: str) -> dict[str, Any]:
    if not ID_RE.match(member):
        raise UsageError(f"{member!r} is not a member id")
    path = Path(root) / "members" / f"{member}.yaml"
    if not path.is_file():
        raise UsageError(f"no member {member!r} ({path} does not exist)")
    _, doc, _ = _load(path)
    for rep in doc.data.get("representatives") or []:
        if isinstance(rep, dict) and rep.get("id") == rep_id:
            return rep
    raise UsageError(f"{rep_id!r} is not a representative of {member!r} (see {path})")


def _scalar(value: str) -> str:
    """`value` as a YAML scalar that qtgov's loader reads back as this same string."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@+/-]*", value) and typed_scalar(value, True) == value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sign(
    root: Path,
    agreement: str,
    member: str,
    representative: str,
    *,
    day: dt.date | None = None,
    method: str = "git-commit",
) -> SignResult:
    """Append `member`'s signature by `representative` to the agreement, or raise UsageError."""
    from qtgov.fsutil import atomic_write_text
    from qtgov.rules.records import can_sign_on

    day = day or dt.date.today()
    if method not in METHODS:
        raise UsageError(f"--method must be one of {', '.join(METHODS)}")
    path = resolve_agreement(root, agreement)
    text, doc, bom = _load(path)
    data = doc.data
    ident = data.get("id", path.stem)
    status = data.get("status")
    if status not in SIGNABLE:
        raise UsageError(f"{ident} is {status}: only a draft or proposed agreement is signed")
    parties = [p.get("member") for p in data.get("parties") or [] if isinstance(p, dict)]
    if member not in parties:
        raise UsageError(f"{member!r} is not a party to {ident} (parties: {', '.join(map(str, parties)) or 'none'})")
    rep = _representative(root, member, representative)
    if not rep.get("can_sign"):
        raise UsageError(f"{representative!r} of {member!r} has no signing authority (can_sign is not true)")
    if not can_sign_on(rep, day):
        window = f"{rep.get('since', '…')} to {rep.get('until', 'now')}"
        raise UsageError(f"{representative!r} can sign for {member!r} only from {window}, not on {day}")
    digest = content_sha256(data)
    signatures = data.get("signatures")
    if signatures is not None and not isinstance(signatures, list):
        raise UsageError(f"{path}: signatures is not a list")
    stale = None
    for i, sig in enumerate(signatures or []):
        if isinstance(sig, dict) and sig.get("member") == member:
            if sig.get("content_sha256") == digest:
                raise UsageError(f"{member} already signed this content of {ident} ({sig.get('signatory')})")
            stale = i
    entry = {
        "member": member,
        "signatory": representative,
        "date": day.isoformat(),
        "method": method,
        "content_sha256": digest,
    }
    new_text, line = _insert(text, doc, entry, stale)
    expected = [s for i, s in enumerate(signatures or []) if i != stale]
    expected.insert(stale if stale is not None else len(expected), entry)
    check = parse_text(str(path), new_text)
    ok = (
        check.document is not None
        and not check.findings
        and isinstance(check.document.data, dict)
        and check.document.data.get("signatures") == expected
        and {k: v for k, v in check.document.data.items() if k != "signatures"}
        == {k: v for k, v in data.items() if k != "signatures"}
    )
    if not ok:
        lines = "\n".join(f"  {k}: {_scalar(v)}" for k, v in entry.items())
        raise QtgovError(f"could not add the signature to {path} automatically; add this entry by hand:\n{lines}")
    atomic_write_text(path, ("\ufeff" if bom else "") + new_text)
    return SignResult(path, digest, line, stale is not None)


def commit_advice(root: Path, member: str, agreement: str, path: Path) -> str:
    """How to commit a signature just added to `path`: stage the file (as seen from the working
    directory, or after a `cd` into the repository when the command ran outside it), then
    `git commit -S` only for someone whose git has a signing key configured (`user.signingkey`);
    for anyone else -S would only fail, and what vouches for the signature is the commit's author
    address (one of their commit_emails)."""
    import os
    import shlex
    import subprocess

    top = path.resolve().parent.parent
    here = Path.cwd().resolve()
    if here == top or top in here.parents:
        stage = f"git add {shlex.quote(os.path.relpath(path.resolve(), here))}"
    else:
        stage = f"cd {shlex.quote(str(top))} && git add {shlex.quote(str(path.resolve().relative_to(top)))}"

    message = f"Sign {agreement} for {member}"
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "config", "--get", "user.signingkey"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        key = out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        key = ""
    if key:
        return (
            f"Now commit it yourself: {stage} && git commit -S -m '{message}' "
            "(the commit is the signature's provenance)."
        )
    return (
        f"Now commit it yourself: {stage} && git commit -m '{message}', "
        "as the author address listed in your commit_emails (the commit is the signature's provenance; "
        "configure user.signingkey to SSH-sign it)."
    )


def _entry_lines(entry: dict[str, str], dash_col: int, key_col: int) -> list[str]:
    """The entry as block-sequence lines; columns are 0-based."""
    items = list(entry.items())
    first = " " * dash_col + "-" + " " * (key_col - dash_col - 1) + f"{items[0][0]}: {_scalar(items[0][1])}"
    return [first] + [" " * key_col + f"{k}: {_scalar(v)}" for k, v in items[1:]]


def _block_end(lines: list[str], last_line: int, indent: int) -> int:
    """The last line (0-based) of a block whose last known value starts on `last_line`:
    continuation lines are the non-blank, non-comment lines indented deeper than `indent`."""
    end = last_line
    while end + 1 < len(lines):
        nxt = lines[end + 1]
        stripped = nxt.strip()
        if not stripped or stripped.startswith("#") or len(nxt) - len(nxt.lstrip(" ")) <= indent:
            break
        end += 1
    return end


def _last_line(doc: Document, prefix: tuple[str | int, ...]) -> int:
    """The last line (1-based) on which a value or key under `prefix` starts."""
    n = len(prefix)
    lines = [m.line for p, m in doc.marks.items() if p[:n] == prefix]
    lines += [m.line for p, m in doc.key_marks.items() if p[:n] == prefix]
    return max(lines)


def _insert(text: str, doc: Document, entry: dict[str, str], stale: int | None) -> tuple[str, int]:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    data = doc.data
    signatures = data.get("signatures")
    if signatures:
        seq = doc.mark(("signatures",))
        if lines[seq.line - 1][seq.column - 1 : seq.column] == "[":
            raise UsageError("signatures is written as a flow list ([...]); write it as a block list to sign")
        first = doc.mark(("signatures", 0))
        dash_col = lines[first.line - 1].rfind("-", 0, first.column - 1)
        key_col = first.column - 1
        if dash_col < 0:
            raise UsageError("cannot find the signatures list's layout; add the signature by hand")
        new = _entry_lines(entry, dash_col, key_col)
        if stale is not None:
            start = doc.mark(("signatures", stale)).line - 1
            if lines[start][dash_col : dash_col + 1] != "-" and start > 0:
                start -= 1
            end = _block_end(lines, _last_line(doc, ("signatures", stale)) - 1, dash_col)
            lines[start : end + 1] = new
            return newline.join(lines), start + 1
        end = _block_end(lines, _last_line(doc, ("signatures",)) - 1, dash_col)
        lines[end + 1 : end + 1] = new
        return newline.join(lines), end + 2
    # No entries yet: `signatures: []`, `signatures:` or no key at all.
    parties_key = doc.key_mark(("parties",))
    offset = 2
    if data.get("parties"):
        first_party = doc.mark(("parties", 0))
        dash = lines[first_party.line - 1].rfind("-", 0, first_party.column - 1)
        if dash >= 0:
            offset = dash - (parties_key.column - 1)
    if "signatures" in data:
        key = doc.key_mark(("signatures",))
        key_col = key.column - 1
        line = lines[key.line - 1]
        comment = re.search(r"\s+#.*\Z", line)
        lines[key.line - 1] = line[:key_col] + "signatures:" + (comment.group(0) if comment else "")
        at = key.line
    else:
        if "parties" in data:
            key_col = parties_key.column - 1
            at = _block_end(lines, _last_line(doc, ("parties",)) - 1, key_col) + 1
        else:
            key_col = 0
            at = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
        lines[at:at] = [" " * key_col + "signatures:"]
        at += 1
    dash_col = key_col + max(offset, 0)
    lines[at:at] = _entry_lines(entry, dash_col, dash_col + 2)
    return newline.join(lines), at + 1
