"""What a warm run knows about each record file without reading it: the file's size, mtime,
inode and ctime when its sha256 was last computed, as git's index does.

`repo.input_digest` needs the sha256 of every record file's bytes. When a file's `lstat` still
gives the recorded (size, mtime_ns, inode, ctime_ns), the recorded sha256 is used and the file
is not opened. A write changes mtime and ctime; a rename or copy over the file changes the inode
or ctime; chmod and chown change ctime. The one hole is a change within the timestamp's
granularity right after the recording ("racily clean", in git's words): so a file whose mtime or
ctime lies within `RACY_NS` of the moment it was hashed is not recorded at all, and is hashed
again on every run until it has been left alone that long.

Stored as JSON beside the other caches (`stat/<repo>.json`); a missing, unreadable or corrupt
file only means hashing everything again. `QTGOV_NO_CACHE` keeps it in memory only.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from qtgov.findings import Finding
from qtgov.records.cache import cache_dir, write_atomically
from qtgov.records.yamlload import MAX_BYTES, read_raw

# Generous against coarse file-system clocks (a jiffy, FAT's two seconds are not a concern for
# record folders) and against the gap between this process's clock and the file system's.
RACY_NS = 2_000_000_000
_FORMAT = 1


class StatIndex:
    """Recorded (size, mtime_ns, inode, ctime_ns, sha256) per repository-relative path."""

    def __init__(self, path: Path | None, entries: dict[str, Any]) -> None:
        self.path = path
        self.entries = entries
        self.seen: set[str] = set()
        self.dirty = False
        self.trusted = 0  # files whose recorded digest was used without reading them
        self.hashed = 0  # files read and hashed

    @classmethod
    def open(cls, root: Path) -> StatIndex:
        if os.environ.get("QTGOV_NO_CACHE"):
            return cls(None, {})
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        path = cache_dir() / "stat" / f"{key}.json"
        try:
            stored = json.loads(path.read_text("utf-8"))
            entries = stored["files"] if isinstance(stored, dict) and stored.get("format") == _FORMAT else {}
            if not isinstance(entries, dict):
                entries = {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(path, entries)

    def digest(self, root: Path, relpath: str) -> tuple[tuple[int, bytes] | None, list[Finding]]:
        """(length, sha256) of a record file's bytes, or the findings of why it cannot be read
        (exactly those of `yamlload.read_raw`)."""
        self.seen.add(relpath)
        try:
            st = os.lstat(os.path.join(root, relpath))  # not Path's `/`: a fifth of a warm run at 3k
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode) and st.st_size <= MAX_BYTES:
            entry = self.entries.get(relpath)
            if (
                isinstance(entry, list)
                and len(entry) == 5
                and entry[:4] == [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
                and isinstance(entry[4], str)
            ):
                try:
                    sha = bytes.fromhex(entry[4])
                except ValueError:
                    sha = b""
                if len(sha) == 32:
                    self.trusted += 1
                    return (st.st_size, sha), []
        raw, findings = read_raw(root, relpath)
        if raw is None:
            if self.entries.pop(relpath, None) is not None:
                self.dirty = True
            return None, findings
        sha = hashlib.sha256(raw).digest()
        self.hashed += 1
        # The stat taken before reading: a change after it has a later mtime or ctime. Only a
        # file left alone for RACY_NS is recorded (see the module's docstring).
        if st is not None and st.st_size == len(raw) and max(st.st_mtime_ns, st.st_ctime_ns) < time.time_ns() - RACY_NS:
            entry = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns, sha.hex()]
            if self.entries.get(relpath) != entry:
                self.entries[relpath] = entry
                self.dirty = True
        elif self.entries.pop(relpath, None) is not None:
            self.dirty = True
        return (len(raw), sha), []

    def save(self) -> None:
        """Write the index, dropping paths this run did not see (deleted or renamed files)."""
        stale = set(self.entries) - self.seen
        if self.path is None or not (self.dirty or stale):
            return
        files = {k: v for k, v in self.entries.items() if k in self.seen}
        write_atomically(self.path, json.dumps({"format": _FORMAT, "files": files}, separators=(",", ":")))
