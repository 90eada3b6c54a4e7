"""What every command shares: qtgov's click group (errors to exit codes, never a traceback),
the repository option, output helpers and the exit codes. Only `qtgov.cli` and the modules of
`qtgov.commands` import click; everything below them returns values."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from qtgov import __version__, disclaimer
from qtgov.errors import QtgovError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

repo_option = click.option(
    "--repo",
    "-C",
    "repo",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="The alliance repository (default: the current directory).",
)
repo_argument = click.argument("repo", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))


def fail(message: str) -> NoReturn:
    click.echo(f"qtgov: {message}", err=True)
    sys.exit(EXIT_USAGE)


def color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def write(text: str, output: Path | None) -> None:
    if output is None:
        emit(text)
        return
    from qtgov.fsutil import atomic_write_text

    atomic_write_text(output, text)


def json_text(payload: dict[str, Any]) -> str:
    body = {"qtgov": __version__, "disclaimer": disclaimer.TEXT, **payload}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


class QtgovGroup(click.Group):
    """Maps qtgov's errors to exit 2 with a one-line message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QtgovError as exc:
            fail(str(exc))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted")
        except Exception as exc:  # a bug in qtgov: say so plainly; QTGOV_DEBUG=1 shows the traceback
            if os.environ.get("QTGOV_DEBUG"):
                raise
            fail(f"internal error ({type(exc).__name__}: {exc}); rerun with QTGOV_DEBUG=1 and report it")
