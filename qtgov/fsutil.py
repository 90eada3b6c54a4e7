"""Writing files without partial results: write beside the target, then rename over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qtgov.errors import UsageError


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` all or nothing; UsageError naming `path` when it cannot be written
    (a read-only repository, no permission, a full disk)."""
    path = Path(path)
    try:
        _atomic_write_text(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _atomic_write_text(path: Path, text: str) -> None:
    if path.exists() and not path.is_file():
        # A device or a pipe (`--output /dev/null`, `/dev/stdout`, a FIFO): write into it.
        # Renaming a temporary file over it would replace the device with a regular file.
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
