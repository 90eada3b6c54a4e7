"""Commands that write records: init."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--id", "alliance_id", required=True, metavar="ALLIANCE_ID", help="The alliance's id (a slug).")
@click.option("--name", required=True, help="The alliance's name, in the default language.")
@click.option("--name-en", "name_en", metavar="NAME", help="The alliance's English name (the en handbook's title).")
@click.option("--hub", required=True, metavar="HUB_ID", help="The member id of the hub (a slug).")
@click.option("--hub-name", "hub_name", required=True, metavar="HUB_NAME", help="The hub company's name.")
@click.option("--hub-name-en", "hub_name_en", metavar="NAME", help="The hub company's English name.")
@click.option("--rep", "rep_id", required=True, metavar="REP_ID", help="The id of the hub's first representative.")
@click.option("--rep-name", "rep_name", required=True, metavar="NAME", help="Their name.")
@click.option(
    "--rep-github", "rep_github", required=True, metavar="HANDLE", help="Their GitHub user name (for approvals)."
)
@click.option("--rep-email", "rep_email", metavar="EMAIL", help="Their contact address (personal data).")
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
    directory: Path,
    alliance_id: str,
    name: str,
    name_en: str | None,
    hub: str,
    hub_name: str,
    hub_name_en: str | None,
    rep_id: str,
    rep_name: str,
    rep_github: str,
    rep_email: str | None,
    languages: str,
    repository: str,
) -> None:
    """Scaffold a new alliance repository in DIR.

    Writes charter/alliance.yaml, starting sector and segment taxonomies, a placeholder home page,
    the hub's member record with its first representative (who may sign for the hub from today and
    approves the first pull requests), an empty agreements/, the GitHub governance workflow and
    .gitignore. No schemas: they ship with qtgov. Refuses (exit 2, nothing written) when any of
    these files is already there.
    """
    from qtgov.authoring.scaffold import InitOptions, parse_languages
    from qtgov.authoring.scaffold import init as run

    options = InitOptions(
        directory,
        alliance_id=alliance_id,
        name=name,
        hub=hub,
        hub_name=hub_name,
        rep_id=rep_id,
        rep_name=rep_name,
        rep_github=rep_github,
        rep_email=rep_email,
        name_en=name_en,
        hub_name_en=hub_name_en,
        languages=parse_languages(languages),
        repository=repository,
    )
    written = run(options)
    for relpath in written:
        click.echo(f"wrote {directory / relpath}")
    click.echo(f"Next: cd {directory} && git init && qtgov validate (the hub's missing facts are info findings).")
    click.echo(
        "Then commit these files straight to main as the starting point; every later change is a pull "
        f"request, and the first ones need the approval of {rep_id} (GitHub @{rep_github})."
    )


COMMANDS: tuple[click.Command, ...] = (init,)
