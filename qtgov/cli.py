"""The `qtgov` command: the group and its commands, which live by domain in `qtgov.commands`.

Only this module and `qtgov.commands` import click, print or choose exit codes; everything below
them returns values. Heavy libraries are imported inside commands so `qtgov --help` is fast."""

from __future__ import annotations

import click

from qtgov import __version__, disclaimer
from qtgov.commands import authoring, economics, gitgov, records, site
from qtgov.commands.base import QtgovGroup

HELP = f"""qtgov — Git-native governance for the QuantTide alliance.

Records (members, agreements) are YAML files validated against JSON Schemas; changes are pull
requests; `qtgov validate` runs in CI; `qtgov build` renders the alliance handbook.

\b
{disclaimer.ZH}
{disclaimer.EN}
"""


@click.group(
    cls=QtgovGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="qtgov")
def main() -> None:
    pass


for _module in (records, gitgov, authoring, economics, site):
    for _command in _module.COMMANDS:
        main.add_command(_command)
