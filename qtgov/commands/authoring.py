"""Commands that write records: init."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--id", "alliance_id", required=True, metavar="ALLIANCE_ID", help="The alliance's id (a slug).")
@click.option("--name", required=True, help="The alliance's name.")
@click.option("--hub", required=True, metavar="HUB_ID", help="The member id of the hub (a slug).")
@click.option("--hub-name", "hub_name", required=True, metavar="HUB_NAME", help="The hub company's name.")
@click.option(
    "--languages", default="zh,en", show_default=True, metavar="LANGS", help="Handbook languages; the first is default."
)
@click.option(
    "--repository",
    type=click.Choice(["public", "private"]),
    default="public",
    show_default=True,
    help="Whether the governance repository itself is public.",
)
def init(
    directory: Path, alliance_id: str, name: str, hub: str, hub_name: str, languages: str, repository: str
) -> None:
    """Scaffold a new alliance repository in DIR.

    Writes charter/alliance.yaml, starting sector and segment taxonomies, a placeholder home page,
    the hub's member record, an empty agreements/, the GitHub governance workflow and .gitignore.
    No schemas: they ship with qtgov. Refuses (exit 2, nothing written) when any of these files
    is already there.
    """
    from qtgov.authoring.scaffold import InitOptions, parse_languages
    from qtgov.authoring.scaffold import init as run

    options = InitOptions(
        directory,
        alliance_id=alliance_id,
        name=name,
        hub=hub,
        hub_name=hub_name,
        languages=parse_languages(languages),
        repository=repository,
    )
    written = run(options)
    for relpath in written:
        click.echo(f"wrote {directory / relpath}")
    click.echo(f"Next: cd {directory} && git init && qtgov validate (the hub's missing facts are info findings).")


COMMANDS: tuple[click.Command, ...] = (init,)
