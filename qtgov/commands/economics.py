"""Commands that measure the alliance's economics: contributions, settle, ownership."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
