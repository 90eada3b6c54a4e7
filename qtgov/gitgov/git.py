"""The one door to git. Everything qtgov knows about history comes through here, as plain values.

Design rules, each learnt the hard way by tools like this one:

- **One pass.** Per-file history queries cost 20–150 ms each; one `git log --raw` over the whole
  history, parsed once, covers tens of thousands of files in about a second. `read_log()` is that
  pass; everything else (timelines, provenance) is computed from it in Python.
- **Never search parent directories.** A directory that is not the top level of a repository is
  an error that says so, not a silent walk up to some enclosing repository.
- **Never wrong dates.** A shallow clone has no real history; it is refused with the fix
  (`fetch-depth: 0`) instead of reporting the graft point as everyone's first commit.
- **Record data never becomes a git argument.** Paths passed to git are constants or come from
  git's own output; commits are hex ids from git's own output; refs come only from the command
  line, are checked not to look like options, and follow `--end-of-options`. Blobs are read by id
  through `git cat-file --batch`, never by `rev:path` built from a record.

GitPython runs the commands (imported lazily: `qtgov --help` must stay fast). Nothing here
prints or exits; problems raise `GitError` with an actionable message (exit 2 at the CLI).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.errors import GitError

#: Directories holding governance files, as passed to git pathspecs (constants, never data).
RECORD_DIRS = ("charter", "members", "agreements", "projects", "retrospectives")
REVIEW_DIRS = ("charter", "members", "agreements", "projects", "retrospectives", "schemas", ".github")

_HEX = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")
_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%s"
# Options that make our parsing independent of the user's configuration.
_SAFE_CONFIG = ("-c", "log.showSignature=false", "-c", "core.quotePath=false", "-c", "color.ui=never")


@dataclass(frozen=True)
class Commit:
    """One commit. Dates are ISO 8601 strings with the committer's offset, as git prints them."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: str
    committer_name: str
    committer_email: str
    committer_date: str
    subject: str = ""

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True)
class Change:
    """One file changed by a commit: status A (added), M (modified), D (deleted) or T (type
    changed), with the blob ids before and after (None when absent)."""

    path: str
    status: str
    old_blob: str | None
    new_blob: str | None
    new_mode: str = "100644"


@dataclass
class Log:
    """All commits reachable from HEAD, parsed from one `git log` pass.

    `order` is topological, newest first. Non-merge commits carry their own changes; merge
    commits carry their change against the first parent (what the merge brought into the line).
    `first_parent` is HEAD's first-parent line (the main branch, newest first) and `merged_by`
    maps every commit to the commit of that line that brought it in (itself when on the line).
    """

    head: str
    commits: dict[str, Commit]
    order: list[str]
    changes: dict[str, tuple[Change, ...]]
    first_parent: list[str]
    merged_by: dict[str, str] = field(default_factory=dict)

    def position(self) -> dict[str, int]:
        """Commit -> its index in `order` (0 = newest)."""
        return {sha: i for i, sha in enumerate(self.order)}

    def by_path(self, prefixes: Sequence[str] = RECORD_DIRS) -> dict[str, list[tuple[str, Change]]]:
        """Path -> [(commit, change)] of every commit that changed it, newest first.

        Merge commits are included with their first-parent change; callers that attribute a
        change to its author skip them."""
        out: dict[str, list[tuple[str, Change]]] = {}
        wanted = tuple(p.rstrip("/") + "/" for p in prefixes)
        for sha in self.order:
            for change in self.changes.get(sha, ()):
                if change.path.startswith(wanted):
                    out.setdefault(change.path, []).append((sha, change))
        return out


@dataclass(frozen=True)
class SignatureCheck:
    """What `git log --format=%G?` says about one commit's signature: `status` is git's letter
    (G good, U good but not trusted for its date or unknown, B bad, N none, E cannot check, X/Y
    expired, R revoked) and `principal` the allowed-signers principal git matched."""

    commit: str
    status: str
    principal: str
    fingerprint: str


def _import_git() -> Any:
    try:
        import git
    except ImportError as exc:  # pragma: no cover - GitPython is a dependency
        raise GitError(f"GitPython is not installed ({exc}); install qtgov with its dependencies") from exc
    return git


def _check_ref(ref: str) -> str:
    """A ref typed by the user on the command line: refuse anything that could read as an option."""
    if not ref or ref.startswith("-") or any(c.isspace() or c == "\0" for c in ref):
        raise GitError(f"{ref!r} is not a valid revision")
    return ref


def _stderr(exc: Any) -> str:
    text = getattr(exc, "stderr", "") or ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = text.strip()
    if text.startswith("stderr: "):
        text = text[len("stderr: ") :].strip().strip("'").strip()
    return text


def _dubious(root: Path, message: str) -> GitError:
    return GitError(
        f"git refuses to work in {root}: the repository is owned by another user ('dubious ownership'). "
        f"If you trust it, run: git config --global --add safe.directory {root.resolve()} "
        f"(actions/checkout does this for you in GitHub Actions). git said: {message.splitlines()[0]}"
    )


class GitRepo:
    """A git repository whose top level is an alliance repository's root."""

    def __init__(self, root: Path, repo: Any) -> None:
        self.root = root
        self._repo = repo
        self._git = repo.git

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path) -> GitRepo:
        """Open the repository whose top level is `root`, or raise GitError saying why not:
        not a repository (parent directories are never searched), refused by git (dubious
        ownership), no commits yet, or a shallow clone. A detached HEAD is fine."""
        git = _import_git()
        root = Path(root)
        if not root.is_dir():
            raise GitError(f"{root}: not a directory")
        try:
            repo = git.Repo(root, search_parent_directories=False)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise cls._not_a_repository(root) from None
        if repo.bare:
            raise GitError(f"{root} is a bare repository; run qtgov in a clone with a working tree")
        self = cls(root, repo)
        out = self._run("rev-parse", "--is-shallow-repository", "--show-toplevel")
        lines = out.splitlines()
        shallow = bool(lines) and lines[0].strip() == "true"
        toplevel = Path(lines[1]).resolve() if len(lines) > 1 else None
        if toplevel is not None and toplevel != root.resolve():
            raise cls._not_top_level(root, toplevel)
        if not self._ok("rev-parse", "--verify", "--quiet", "HEAD^{commit}"):
            raise GitError(
                f"{root} is a git repository with no commits yet: history, provenance and review need "
                "at least one commit (git add … && git commit)"
            )
        if shallow:
            raise GitError(
                f"{root} is a shallow clone: its history is cut off, so dates, authors and provenance would "
                "be wrong. Fetch the whole history (git fetch --unshallow), or in GitHub Actions give "
                "actions/checkout `fetch-depth: 0` (GitLab: GIT_DEPTH: 0)"
            )
        return self

    @staticmethod
    def _not_a_repository(root: Path) -> GitError:
        git = _import_git()
        hint = ""
        try:
            # Only to word the message: we never use an enclosing repository silently.
            enclosing = git.Git(str(root)).execute(["git", "rev-parse", "--show-toplevel"], with_exceptions=True)
            if enclosing:
                hint = (
                    f" (it is inside the repository {enclosing}, but qtgov needs the alliance repository's own "
                    "top level; run qtgov there or make the alliance its own repository)"
                )
        except git.GitCommandError as exc:
            if "dubious ownership" in _stderr(exc):
                return _dubious(root, _stderr(exc))
        except Exception:  # only a hint
            pass
        return GitError(
            f"{root} is not a git repository{hint}; this command needs the alliance's git history "
            "(validate without --base, overlaps and status work without git)"
        )

    @staticmethod
    def _not_top_level(root: Path, toplevel: Path) -> GitError:
        return GitError(
            f"{root} is not the top level of its git repository ({toplevel}); qtgov needs the alliance "
            "repository's own top level"
        )

    # -- running git ----------------------------------------------------------------------------

    def _argv(self, args: Sequence[str], config: Sequence[str] = ()) -> list[str]:
        return ["git", *_SAFE_CONFIG, *config, *args]

    def _env(self) -> dict[str, str]:
        return {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "LANGUAGE": "C"}

    def _run_bytes(self, *args: str, config: Sequence[str] = (), stdin: Any = None) -> bytes:
        git = _import_git()
        try:
            out = self._git.execute(
                self._argv(args, config),
                istream=stdin,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
                env=self._env(),
            )
        except git.GitCommandError as exc:
            message = _stderr(exc)
            if "dubious ownership" in message:
                raise _dubious(self.root, message) from None
            raise GitError(f"git {args[0]} failed: {message or f'exit status {exc.status}'}") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc}") from None
        assert isinstance(out, bytes)
        return out

    def _run(self, *args: str, config: Sequence[str] = ()) -> str:
        return self._run_bytes(*args, config=config).decode("utf-8", "surrogateescape")

    def _ok(self, *args: str) -> bool:
        try:
            self._run_bytes(*args)
        except GitError as exc:
            if "dubious ownership" in str(exc):
                raise
            return False
        return True

    def remote_url(self, name: str = "origin") -> str | None:
        """The fetch URL of remote `name` as configured, or None when there is no such remote."""
        try:
            url = self._run("config", "--get", f"remote.{name}.url").strip()
        except GitError as exc:
            if "dubious ownership" in str(exc):
                raise
            return None
        return url or None

    # -- revisions ------------------------------------------------------------------------------

    def head(self) -> str:
        return self._run("rev-parse", "--verify", "HEAD^{commit}").strip()

    def resolve(self, ref: str) -> str:
        """The commit id of a revision the user named (a branch, tag, `origin/main`, an id)."""
        _check_ref(ref)
        try:
            return self._run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
        except GitError as exc:
            if "dubious ownership" in str(exc):
                raise
            raise GitError(
                f"{ref!r} is not a commit in {self.root}; in CI fetch the base branch first "
                "(actions/checkout with fetch-depth: 0, then use origin/<base branch>)"
            ) from None

    def merge_base(self, a: str, b: str) -> str:
        """The best common ancestor of two commits (diffs of a change are taken from it)."""
        try:
            return self._run("merge-base", "--end-of-options", a, b).strip()
        except GitError:
            raise GitError(f"{a[:12]} and {b[:12]} have no common history; is the base branch fetched?") from None

    def commit(self, sha: str) -> Commit:
        out = self._run("log", "-1", "--no-walk", f"--format={_FORMAT}", "--end-of-options", self._hex(sha), "--")
        commits = _parse_log(out.encode("utf-8", "surrogateescape"))
        return commits[0][0]

    @staticmethod
    def _hex(sha: str) -> str:
        if not _HEX.match(sha):
            raise GitError(f"internal error: {sha!r} is not a commit id")
        return sha

    # -- trees, diffs, blobs ----------------------------------------------------------------------

    def diff(self, base: str, head: str | None = None, dirs: Sequence[str] = REVIEW_DIRS) -> list[Change]:
        """Files changed from commit `base` to commit `head`, or to the working tree when `head`
        is None (untracked files under `dirs` included, as additions)."""
        args = ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff", "--no-textconv"]
        args += [self._hex(base)] + ([self._hex(head)] if head else []) + ["--", *dirs]
        changes = _parse_raw(self._run_bytes(*args).split(b"\0"))
        if head is None:
            out = self._run_bytes("ls-files", "-z", "--others", "--exclude-standard", "--", *dirs)
            for raw in out.split(b"\0"):
                if raw:
                    changes.append(Change(raw.decode("utf-8", "surrogateescape"), "A", None, None))
        return sorted(changes, key=lambda c: c.path)

    def tree(self, rev: str, dirs: Sequence[str] = RECORD_DIRS) -> dict[str, tuple[str, str]]:
        """Path -> (mode, blob id) of every file under `dirs` at commit `rev`."""
        out = self._run_bytes("ls-tree", "-r", "-z", "--full-tree", self._hex(rev), "--", *dirs)
        files: dict[str, tuple[str, str]] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            if kind == "blob":
                files[path.decode("utf-8", "surrogateescape")] = (mode, sha)
        return files

    def read_blobs(self, blobs: Iterable[str]) -> dict[str, bytes]:
        """Blob id -> content, for many blobs through one `git cat-file --batch` process."""
        wanted = sorted({self._hex(b) for b in blobs if b})
        if not wanted:
            return {}
        with tempfile.TemporaryFile() as request:
            request.write(("\n".join(wanted) + "\n").encode())
            request.seek(0)
            out = self._run_bytes("cat-file", "--batch", stdin=request)
        blobs_out: dict[str, bytes] = {}
        pos = 0
        while pos < len(out):
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
            pos = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            blobs_out[header[0]] = out[pos : pos + size]
            pos += size + 1
        return blobs_out

    # -- the one pass -----------------------------------------------------------------------------

    def read_log(self) -> Log:
        """Every commit reachable from HEAD with its file changes, in one `git log` pass."""
        head = self.head()
        out = self._run_bytes(
            "log",
            "-z",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--root",
            "--diff-merges=first-parent",
            "--topo-order",
            "--no-ext-diff",
            "--no-textconv",
            f"--format={_FORMAT}",
            self._hex(head),
            "--",
        )
        parsed = _parse_log(out)
        commits = {c.sha: c for c, _ in parsed}
        order = [c.sha for c, _ in parsed]
        changes = {c.sha: tuple(ch) for c, ch in parsed if ch}
        first_parent: list[str] = []
        sha: str | None = head
        while sha is not None and sha in commits:
            first_parent.append(sha)
            parents = commits[sha].parents
            sha = parents[0] if parents else None
        return Log(head, commits, order, changes, first_parent, _merged_by(commits, first_parent))

    def stream_numstat(self, fmt: str) -> Iterator[bytes]:
        """HEAD's whole history with added/deleted lines per file (`git log -z --numstat`), raw,
        in blocks as git writes them, from one process: the caller parses while git still
        diffs, so the two use both cores. `fmt` is a constant format of the caller. Merge
        commits carry no counts, so the lines a merge brings in are counted once, on the commits
        that wrote them (docs/design/economics.md)."""
        import subprocess

        argv = self._argv(
            ["log", "-z", "--numstat", "-M", "--no-ext-diff", "--no-textconv", f"--format={fmt}",
             self._hex(self.head()), "--"]
        )  # fmt: skip
        env = {**os.environ, **self._env()}
        with tempfile.TemporaryFile() as errors:
            try:
                proc = subprocess.Popen(argv, cwd=self.root, stdout=subprocess.PIPE, stderr=errors, env=env)
            except OSError as exc:
                raise GitError(f"cannot run git: {exc}") from None
            assert proc.stdout is not None
            try:
                import fcntl

                # A 1 MiB pipe instead of 64 KiB: git blocks far less often on a slow reader.
                fcntl.fcntl(proc.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
            except (ImportError, OSError):  # not Linux, or a lower pipe-max-size: the default is fine
                pass
            try:
                while block := proc.stdout.read(1 << 20):
                    yield block
            finally:
                proc.stdout.close()
                status = proc.wait()
            if status != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()
                if "dubious ownership" in message:
                    raise _dubious(self.root, message)
                raise GitError(f"git log failed: {message or f'exit status {status}'}")

    # -- signatures -------------------------------------------------------------------------------

    def check_signatures(self, commits: Iterable[str], allowed_signers: Path) -> dict[str, SignatureCheck]:
        """Verify the SSH signatures of `commits` against an allowed-signers file (validity windows
        are checked at each commit's committer date, as git does)."""
        wanted = sorted({self._hex(c) for c in commits})
        if not wanted:
            return {}
        config = ("-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}")
        out = self._run(
            "log", "--no-walk=unsorted", "--format=%H%x1f%G?%x1f%GS%x1f%GF%x1e", "--end-of-options", *wanted, "--",
            config=config,
        )  # fmt: skip
        checks: dict[str, SignatureCheck] = {}
        for chunk in out.split("\x1e"):
            parts = chunk.strip("\n").split("\x1f")
            if len(parts) == 4:
                checks[parts[0]] = SignatureCheck(parts[0], parts[1], parts[2], parts[3])
        return checks


def open_repository(root: Path) -> GitRepo:
    """`GitRepo.open(root)`: the checks every history-reading command starts with."""
    return GitRepo.open(root)


def _parse_raw(tokens: list[bytes]) -> list[Change]:
    """Parse `--raw -z` entries: `:old_mode new_mode old new STATUS\\0path\\0`."""
    changes: list[Change] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if not token.startswith(b":"):
            i += 1
            continue
        fields = token[1:].decode().split()
        path = tokens[i + 1].decode("utf-8", "surrogateescape") if i + 1 < len(tokens) else ""
        i += 2
        if len(fields) < 5:
            continue
        _old_mode, new_mode, old, new, status = fields[:5]
        changes.append(
            Change(
                path,
                status[0],
                None if set(old) == {"0"} else old,
                None if set(new) == {"0"} else new,
                new_mode,
            )
        )
    return changes


def _parse_log(out: bytes) -> list[tuple[Commit, list[Change]]]:
    parsed: list[tuple[Commit, list[Change]]] = []
    for chunk in out.split(b"\x1e"):
        if not chunk.strip():
            continue
        header, _, rest = chunk.partition(b"\0")
        fields = header.decode("utf-8", "replace").rstrip("\n").split("\x1f")
        if len(fields) < 9:
            continue
        sha, parents, an, ae, ad, cn, ce, cd = fields[:8]
        subject = "\x1f".join(fields[8:])
        commit = Commit(sha, tuple(parents.split()), an, ae, ad, cn, ce, cd, subject)
        parsed.append((commit, _parse_raw(rest.split(b"\0"))))
    return parsed


def _merged_by(commits: dict[str, Commit], first_parent: list[str]) -> dict[str, str]:
    """Every commit -> the first-parent commit that brought it into the line (oldest first, so
    everything reachable from an earlier line commit is already assigned)."""
    merged: dict[str, str] = {}
    for line_commit in reversed(first_parent):
        merged[line_commit] = line_commit
        stack = list(commits[line_commit].parents[1:])
        while stack:
            sha = stack.pop()
            if sha in merged or sha not in commits:
                continue
            merged[sha] = line_commit
            stack.extend(commits[sha].parents)
    return merged


def is_git_checkout(root: Path) -> bool:
    """Whether `root` looks like the top level of a git work tree (no git command is run)."""
    return os.path.exists(Path(root) / ".git")
