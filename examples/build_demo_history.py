#!/usr/bin/env python3
"""Build the demo alliance (examples/demo-alliance) as a git repository with a history.

    python examples/build_demo_history.py TARGET [--source DIR] [--keys DIR] [--no-sign] [--force]

The history is replayed from the records themselves, in date order, as an alliance repository
would have lived it: the hub founds the alliance; members apply and are admitted; representatives
come and go (a closed one keeps its entry with `until`); agreements are proposed, reviewed by
counsel, signed by each party's representative in a commit of their own (with `qtgov sign`),
executed, amended by new files, terminated, cancelled or rejected. Every change is a pull request:
a branch with the commits of the people concerned, merged into main by the hub with a merge commit.

Authors and dates are pinned (fictional people, their `commit_emails`, the dates in the records),
so the history is the same on every run. Commits are SSH-signed with throwaway keys (ssh-keygen):
one per representative and counsel, generated into `--keys` (default `TARGET/.git/demo-keys`,
never committed) and registered as their `signing_keys` in the committed copy, so that
`qtgov provenance --require-signed-commits` can vouch for every signature. With the same keys
directory the commit ids are stable too (Ed25519 signatures are deterministic); `--no-sign` makes
them stable without keys.

The tree of the last commit equals the source directory, apart from the `signing_keys` added.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from qtgov.gitgov.signing import sign  # noqa: E402

TZ = dt.timezone(dt.timedelta(hours=8))
ONE_DAY = dt.timedelta(days=1)


def load(path: Path) -> dict[str, Any]:
    # The records are written by us and already validated; PyYAML's dates become strings below.
    data = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader: strings only
    return data if isinstance(data, dict) else {}


def day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("en") or next(iter(value.values()), ""))
    return str(value or "")


@dataclasses.dataclass(frozen=True)
class Person:
    key: str  # principal-like id: member/rep or counsel/id
    name: str
    email: str


# -- text surgery on record files (comments and layout kept) --------------------------------------


def set_top(text: str, key: str, value: str) -> str:
    return re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1)


def drop_top_line(text: str, key: str) -> str:
    return re.sub(rf"(?m)^{key}: .*\n", "", text, count=1)


def drop_top_block(text: str, key: str) -> str:
    """Remove a top-level key with everything indented under it."""
    lines = text.split("\n")
    out, skipping = [], False
    for line in lines:
        if re.match(rf"{key}:(\s|$)", line):
            skipping = True
            continue
        if skipping and line and not line[0].isspace():
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out)


def rep_blocks(text: str) -> list[tuple[str, int, int]]:
    """(rep id, first line, end line exclusive) of each representative item."""
    lines = text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("representatives:"))
    except StopIteration:
        return []
    blocks: list[tuple[str, int, int]] = []
    i = start + 1
    current: tuple[str, int] | None = None
    dash = None
    while i < len(lines):
        line = lines[i]
        if line and not line[0].isspace() and not line.startswith("#"):
            break
        m = re.match(r"(\s*)- id: (\S+)", line)
        if m and (dash is None or len(m.group(1)) == dash):
            dash = len(m.group(1))
            if current:
                blocks.append((current[0], current[1], i))
            current = (m.group(2), i)
        i += 1
    if current:
        end = i
        while end > current[1] and not lines[end - 1].strip():
            end -= 1
        blocks.append((current[0], current[1], end))
    return blocks


def edit_rep(text: str, rep_id: str, edit: Callable[[list[str]], list[str]]) -> str:
    lines = text.split("\n")
    for ident, start, end in rep_blocks(text):
        if ident == rep_id:
            lines[start:end] = edit(lines[start:end])
            break
    return "\n".join(lines)


def add_key_to(block: list[str], key: str) -> list[str]:
    indent = len(block[0]) - len(block[0].lstrip()) + 2
    line = " " * indent + f"signing_keys: ['{key}']"
    at = next((i + 1 for i, b in enumerate(block) if b.strip().startswith("commit_emails:")), 1)
    return [*block[:at], line, *block[at:]]


def drop_until(block: list[str]) -> list[str]:
    return [b for b in block if not b.strip().startswith("until:")]


# -- the story -------------------------------------------------------------------------------------


class Builder:
    def __init__(self, source: Path, target: Path, keys: Path | None) -> None:
        self.source = source
        self.target = target
        self.keys_dir = keys
        self.members = {p.stem: load(p) for p in sorted((source / "members").glob("*.yaml"))}
        self.member_text = {p.stem: p.read_text("utf-8") for p in sorted((source / "members").glob("*.yaml"))}
        self.agreements = {p.stem: load(p) for p in sorted((source / "agreements").glob("*.yaml"))}
        self.agreement_text = {p.stem: p.read_text("utf-8") for p in sorted((source / "agreements").glob("*.yaml"))}
        self.alliance = load(source / "charter/alliance.yaml")
        self.hub = self.alliance.get("hub", "")
        self.public_keys: dict[str, str] = {}
        self.private_keys: dict[str, Path] = {}
        self.people: dict[str, Person] = {}
        self.events: list[tuple[dt.date, int, str, list[tuple[str, str, Callable[[], None]]]]] = []
        self.seq = 0
        self._applied: dict[str, dt.date] = {}
        self.clock: dict[dt.date, int] = {}
        self.founding = dt.date.min
        self._people()

    # people and keys

    def _people(self) -> None:
        for mid, data in self.members.items():
            for rep in data.get("representatives") or []:
                emails = rep.get("commit_emails") or [rep.get("email") or f"{rep['id']}@{mid}.example.org"]
                self.people[f"{mid}/{rep['id']}"] = Person(f"{mid}/{rep['id']}", text_of(rep.get("name")), emails[0])
        for counsel in (self.alliance.get("legal") or {}).get("counsel") or []:
            emails = counsel.get("commit_emails") or [f"{counsel['id']}@counsel.example.org"]
            self.people[f"counsel/{counsel['id']}"] = Person(
                f"counsel/{counsel['id']}", text_of(counsel.get("name")), emails[0]
            )

    def make_keys(self) -> None:
        if self.keys_dir is None:
            return
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        for key in sorted(self.people):
            path = self.keys_dir / key.replace("/", "__")
            if not path.exists():
                subprocess.run(
                    ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{key} (demo)", "-f", str(path)], check=True
                )
            self.private_keys[key] = path
            public = path.with_name(path.name + ".pub").read_text("utf-8").split()
            self.public_keys[key] = f"{public[0]} {public[1]}"

    # file versions

    def member_version(self, mid: str, when: dt.date) -> str:
        data, text = self.members[mid], self.member_text[mid]
        joined, left = day(data.get("joined")), day(data.get("left"))
        if data.get("kind") != "hub":
            if left and left <= when:
                pass
            elif joined and joined <= when:
                text = set_top(drop_top_line(text, "left"), "status", "active")
            else:
                text = set_top(drop_top_line(drop_top_line(text, "left"), "joined"), "status", "prospective")
        for rep in data.get("representatives") or []:
            since, until = day(rep.get("since")), day(rep.get("until"))
            if since and since > when and (joined is None or since > joined):
                text = edit_rep(text, rep["id"], lambda block: [])
                continue
            if until and until > when:
                text = edit_rep(text, rep["id"], drop_until)
            key = self.public_keys.get(f"{mid}/{rep['id']}")
            if key and "signing_keys:" not in "\n".join(self._rep_lines(text, rep["id"])):
                text = edit_rep(text, rep["id"], lambda block, key=key: add_key_to(block, key))
        return text

    def _rep_lines(self, text: str, rep_id: str) -> list[str]:
        lines = text.split("\n")
        return next((lines[s:e] for i, s, e in rep_blocks(text) if i == rep_id), [])

    def alliance_text(self) -> str:
        text = (self.source / "charter/alliance.yaml").read_text("utf-8")
        for counsel in (self.alliance.get("legal") or {}).get("counsel") or []:
            key = self.public_keys.get(f"counsel/{counsel['id']}")
            if key:
                pattern = rf"(- id: {re.escape(counsel['id'])}\n(?:\s+.*\n)*?\s+)signing_keys: \[\]"
                text = re.sub(pattern, rf"\1signing_keys: ['{key}']", text, count=1)
        return text

    def apply_date(self, mid: str) -> dt.date:
        """The day a member's file first appears: its application."""
        if mid not in self._applied:
            self._applied[mid] = self._apply_date(mid)
        return self._applied[mid]

    def _apply_date(self, mid: str) -> dt.date:
        data = self.members[mid]
        if data.get("kind") == "hub":
            return self.founding
        candidates = []
        joined = day(data.get("joined"))
        if joined:
            candidates.append(joined - dt.timedelta(days=30))
        reps = [day(r.get("since")) for r in data.get("representatives") or []]
        founding_reps = [s for s in reps if s and (joined is None or s <= joined)]
        candidates += founding_reps
        candidates += [self.proposal_date(a) - ONE_DAY for a, d in self.agreements.items() if mid in self.parties(d)]
        return max(min(candidates), self.founding + ONE_DAY) if candidates else self.founding + ONE_DAY

    # agreements

    @staticmethod
    def parties(data: dict[str, Any]) -> list[str]:
        return [p.get("member") for p in data.get("parties") or []]

    def proposal_date(self, aid: str) -> dt.date:
        data = self.agreements[aid]
        dates = [day(s.get("date")) for s in data.get("signatures") or []]
        dates.append(day((data.get("legal_review") or {}).get("date")))
        effective = day(data.get("effective"))
        firsts = [d for d in dates if d]
        if firsts:
            return min(firsts) - dt.timedelta(days=7)
        return (effective or dt.date(2025, 1, 1)) - dt.timedelta(days=60)

    def first_rep(self, mid: str, when: dt.date) -> str:
        for rep in self.members.get(mid, {}).get("representatives") or []:
            since, until = day(rep.get("since")), day(rep.get("until"))
            if rep.get("can_sign") == "true" and (since is None or since <= when) and (until is None or when <= until):
                return f"{mid}/{rep['id']}"
        return self.hub_person(when)

    def hub_person(self, when: dt.date) -> str:
        return self.first_rep_strict(self.hub, when) or self.founding_rep(self.hub)

    def founding_rep(self, mid: str) -> str:
        """The member's first representative with signing authority, whatever the dates."""
        for rep in self.members.get(mid, {}).get("representatives") or []:
            if rep.get("can_sign") == "true":
                return f"{mid}/{rep['id']}"
        return next(iter(sorted(self.people)))

    def first_rep_strict(self, mid: str, when: dt.date) -> str | None:
        for rep in self.members.get(mid, {}).get("representatives") or []:
            since = day(rep.get("since"))
            if rep.get("can_sign") == "true" and (since is None or since <= when):
                return f"{mid}/{rep['id']}"
        return None

    # git

    def git(self, *args: str, person: str | None = None, when: dt.datetime | None = None, sign_commit: bool = False) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(self.target)})
        if person is not None and when is not None:
            who = self.people[person]
            stamp = when.isoformat()
            env.update(
                GIT_AUTHOR_NAME=who.name, GIT_AUTHOR_EMAIL=who.email, GIT_AUTHOR_DATE=stamp,
                GIT_COMMITTER_NAME=who.name, GIT_COMMITTER_EMAIL=who.email, GIT_COMMITTER_DATE=stamp,
            )  # fmt: skip
        config = ["-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false"]
        if sign_commit and person in self.private_keys:
            config = ["-c", "gpg.format=ssh", "-c", f"user.signingKey={self.private_keys[person]}"]
            args = (args[0], "-S", *args[1:])
        result = subprocess.run(["git", *config, *args], cwd=self.target, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def write(self, rel: str, text: str | None) -> None:
        path = self.target / rel
        if text is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def tick(self, when: dt.date) -> dt.datetime:
        """The next minute of the day from 09:00: commits of one day stay in order."""
        minute = self.clock.get(when, 0)
        self.clock[when] = minute + 1
        return dt.datetime.combine(when, dt.time(9 + minute // 60, minute % 60), TZ)

    def commit(self, message: str, person: str, when: dt.datetime) -> bool:
        self.git("add", "-A")
        if not self.git("status", "--porcelain"):
            return False
        self.git("commit", "-q", "-m", message, person=person, when=when, sign_commit=True)
        return True

    def pull_request(self, branch: str, when: dt.date, steps: list[tuple[str, str, Callable[[], None]]]) -> None:
        """One pull request: each step (person, message, change) is a commit on the branch; the
        hub merges it with a merge commit at the end of the day."""
        self.git("checkout", "-q", "-b", branch, "main")
        made = False
        for person, message, change in steps:
            change()
            made |= self.commit(message, person, self.tick(when))
        self.git("checkout", "-q", "main")
        if made:
            merger = self.hub_person(when)
            self.git(
                "merge", "-q", "--no-ff", branch, "-m", f"Merge pull request: {branch}",
                person=merger, when=self.tick(when), sign_commit=True,
            )  # fmt: skip
        self.git("branch", "-q", "-D", branch)

    def schedule(
        self, when: dt.date, priority: int, branch: str, steps: list[tuple[str, str, Callable[[], None]]]
    ) -> None:
        self.seq += 1
        self.events.append((when, priority * 10000 + self.seq, branch, steps))

    # the plan

    def plan(self) -> None:
        for mid, data in self.members.items():
            if data.get("kind") == "hub":
                continue
            self._plan_member(mid, data)
        for aid in self.agreements:
            self._plan_agreement(aid)

    def _plan_member(self, mid: str, data: dict[str, Any]) -> None:
        apply = self.apply_date(mid)
        applicant = self.founding_rep(mid)
        path = f"members/{mid}.yaml"
        self.schedule(apply, 0, f"{mid}-applies", [(applicant, f"{mid} applies to join", lambda: self.write(path, self.member_version(mid, apply)))])
        dates = set()
        for key in ("joined", "left"):
            if day(data.get(key)) and day(data.get(key)) > apply:
                dates.add(day(data.get(key)))
        for rep in data.get("representatives") or []:
            for key in ("since", "until"):
                d = day(rep.get(key))
                if d and d > apply:
                    dates.add(d)
        for when in sorted(dates):
            hub = self.hub_person(when)
            actor = hub if when in (day(data.get("joined")), day(data.get("left"))) else self.first_rep(mid, when)
            label = "is admitted" if when == day(data.get("joined")) else "withdraws" if when == day(data.get("left")) else "updates its representatives"
            self.schedule(when, 0, f"{mid}-{when:%Y%m%d}", [(actor, f"{mid} {label}", lambda when=when: self.write(path, self.member_version(mid, when)))])

    def _plan_agreement(self, aid: str) -> None:
        data, final = self.agreements[aid], self.agreement_text[aid]
        path = f"agreements/{aid}.yaml"
        status = data.get("status")
        parties = self.parties(data)
        propose = self.proposal_date(aid)
        proposer = self.first_rep(parties[0], propose) if parties else self.hub_person(propose)
        base = drop_top_block(drop_top_block(drop_top_block(final, "signatures"), "termination"), "legal_review")
        review = data.get("legal_review") or {}
        review_date = day(review.get("date"))
        with_review = drop_top_block(drop_top_block(final, "signatures"), "termination")
        initial_status = "draft" if status == "draft" else "proposed"
        verb = "drafts" if status == "draft" else "proposes"

        def proposal() -> None:
            self.write(path, set_top(base, "status", initial_status))

        self.schedule(propose, 1, f"propose-{aid}", [(proposer, f"{parties[0] if parties else 'hub'} {verb} {aid}", proposal)])
        if review and review_date:
            reviewer = review.get("reviewer")
            actor = f"counsel/{reviewer}" if f"counsel/{reviewer}" in self.people else proposer
            if review.get("status") == "requested":
                actor = proposer

            def record_review() -> None:
                current = (self.target / path).read_text("utf-8")
                now = re.search(r"(?m)^status: (\S+)", current)
                text = set_top(with_review, "status", now.group(1) if now else initial_status)
                self.write(path, self._put_signatures(text, self._signatures_block(current)))

            what = "requests legal review of" if review.get("status") == "requested" else "records the legal review of"
            self.schedule(review_date, 2, f"review-{aid}", [(actor, f"{actor.split('/')[-1]} {what} {aid}", record_review)])
        signatures = sorted(data.get("signatures") or [], key=lambda s: (str(s.get("date")), s.get("member")))
        for i, sig in enumerate(signatures):
            when = day(sig.get("date"))
            signer = f"{sig.get('member')}/{sig.get('signatory')}"
            steps = [(signer, f"{sig.get('member')} signs {aid}", lambda sig=sig, when=when: self._sign(aid, sig, when))]
            last = i == len(signatures) - 1
            if last and status in ("executed", "terminated"):
                steps.append((self.hub_person(when), f"{aid} is executed", lambda: self._execute(aid)))
            self.schedule(when, 3, f"sign-{aid}-{sig.get('member')}", steps)
        if status == "terminated":
            end = day((data.get("termination") or {}).get("date")) or propose
            self.schedule(end, 4, f"terminate-{aid}", [(self.first_rep(parties[-1], end), f"terminate {aid}", lambda: self.write(path, final))])
        elif status in ("cancelled", "rejected"):
            end = (review_date or propose) + dt.timedelta(days=5)
            self.schedule(end, 4, f"{status}-{aid}", [(proposer, f"{aid} is {status}", lambda: self.write(path, final))])
        elif status == "proposed" and signatures:
            pass  # still collecting signatures
        self.schedule(dt.date.max - ONE_DAY, 9, f"final-{aid}", [(self.hub_person(dt.date.max), f"tidy {aid}", lambda: self.write(path, final))])

    def _signatures_block(self, text: str) -> list[str]:
        lines = text.split("\n")
        try:
            start = next(i for i, line in enumerate(lines) if line.startswith("signatures:"))
        except StopIteration:
            return []
        end = start + 1
        while end < len(lines) and (not lines[end] or lines[end][0].isspace()):
            end += 1
        return lines[start:end]

    def _put_signatures(self, text: str, block: list[str]) -> str:
        if not block:
            return text
        lines = text.split("\n")
        at = next((i for i, line in enumerate(lines) if line.startswith(("effective:", "term:", "governing_law:"))), len(lines))
        lines[at:at] = block
        return "\n".join(lines)

    def _sign(self, aid: str, sig: dict[str, Any], when: dt.date) -> None:
        sign(self.target, aid, sig["member"], sig["signatory"], day=when, method=sig.get("method") or "git-commit")

    def _execute(self, aid: str) -> None:
        final_data = self.agreements[aid]
        if final_data.get("status") == "executed":
            self.write(f"agreements/{aid}.yaml", self.agreement_text[aid])
        else:  # terminated later: executed now, with everything but the termination
            text = drop_top_block(self.agreement_text[aid], "termination")
            self.write(f"agreements/{aid}.yaml", set_top(text, "status", "executed"))

    # run

    def build(self) -> None:
        dates = [day(r.get("since")) for m in self.members.values() for r in m.get("representatives") or []]
        dates += [self.proposal_date(a) for a in self.agreements]
        self.founding = min(d for d in dates if d) - dt.timedelta(days=7)
        self.target.mkdir(parents=True)
        self.git("-c", "init.defaultBranch=main", "init", "-q")
        self.make_keys()
        founder = self.founding_rep(self.hub)
        for src in sorted((self.source / "charter").rglob("*")):
            if src.is_file():
                rel = src.relative_to(self.source).as_posix()
                self.write(rel, self.alliance_text() if rel == "charter/alliance.yaml" else src.read_text("utf-8"))
        self.write(f"members/{self.hub}.yaml", self.member_version(self.hub, self.founding))
        self.commit(f"Found the alliance: charter, taxonomies and the hub {self.hub}", founder, self.tick(self.founding))
        self.plan()
        hub_dates = set()
        for rep in self.members[self.hub].get("representatives") or []:
            for key in ("since", "until"):
                d = day(rep.get(key))
                if d and d > self.founding:
                    hub_dates.add(d)
        for when in sorted(hub_dates):
            path = f"members/{self.hub}.yaml"
            self.schedule(when, 0, f"{self.hub}-{when:%Y%m%d}", [(self.hub_person(when), f"{self.hub} updates its representatives", lambda when=when, path=path: self.write(path, self.member_version(self.hub, when)))])
        last = max(e[0] for e in self.events if e[0] < dt.date.max - ONE_DAY)
        # Projects and retrospectives are recorded on the last day, before that day's other pull requests, so that the
        # last merge stays the last signature (tests/test_new_user.py reviews it).
        for folder, what in (("projects", "project"), ("retrospectives", "retrospective")):
            for src in sorted(p for p in (self.source / folder).glob("*.*") if p.suffix in (".yaml", ".md")):
                rel, text = f"{folder}/{src.name}", src.read_text("utf-8")
                step = (self.hub_person(last), f"Record {what} {src.stem}", lambda rel=rel, text=text: self.write(rel, text))
                self.schedule(last, -1, f"{what}/{src.stem}", [step])
        for when, _, branch, steps in sorted(self.events, key=lambda e: (e[0], e[1])):
            self.pull_request(branch, when if when < dt.date.max - ONE_DAY else last + ONE_DAY, steps)
        # The final state is exactly the source (plus keys): members last, as they are.
        final_day = last + ONE_DAY
        for mid in self.members:
            self.write(f"members/{mid}.yaml", self.member_version(mid, dt.date.max))
        self.pull_request("tidy", final_day, [(self.hub_person(final_day), "Bring the records up to date", lambda: None)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="Directory to create the repository in (must not exist).")
    parser.add_argument("--source", type=Path, default=HERE / "demo-alliance", help="The demo alliance's records.")
    parser.add_argument("--keys", type=Path, help="Where the throwaway SSH keys live (default: TARGET/.git/demo-keys).")
    parser.add_argument("--no-sign", action="store_true", help="Do not sign commits (no keys at all).")
    parser.add_argument("--force", action="store_true", help="Replace TARGET if it exists.")
    args = parser.parse_args(argv)
    target = args.target.resolve()
    if target.exists():
        if not args.force:
            parser.error(f"{target} exists; pass --force to replace it")
        shutil.rmtree(target)
    if not args.no_sign and shutil.which("ssh-keygen") is None:
        parser.error("ssh-keygen is needed to sign commits (Debian: openssh-client); or pass --no-sign")
    keys = None if args.no_sign else (args.keys.resolve() if args.keys else target / ".git" / "demo-keys")
    builder = Builder(args.source.resolve(), target, keys)
    builder.build()
    count = builder.git("rev-list", "--count", "HEAD")
    print(f"{target}: {count} commits on main")
    return 0


if __name__ == "__main__":
    sys.exit(main())
