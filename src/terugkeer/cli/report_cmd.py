"""`terugkeer report`: the key figures of a period, the infographic, the annual report."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system
from terugkeer.cli.options import AsOf, Language, ReportFormat, as_of_moment

if TYPE_CHECKING:
    from terugkeer.services.key_figures import KeyFigures, PublishedKeyFigures

report_app = typer.Typer(help="Reports computed from the event store.", no_args_is_help=True)


@report_app.command("key-figures")
def key_figures_command(
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")],
    output: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.TABLE,
    lang: Annotated[Language, typer.Option("--lang", help="table labels")] = Language.NL,
    publish: Annotated[
        bool, typer.Option("--rounded", help="published form: tens, <5 hidden")
    ] = False,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Every figure of the period (days in Europe/Amsterdam, both inclusive); exact counts."""
    # Imported here, not at the top: the report brings SQLAlchemy, pydantic, Babel and rich
    # (`--help` must start fast).
    from terugkeer.services.completeness import completeness
    from terugkeer.services.key_figures import Period, key_figures_of, published

    try:
        period = Period(start.date(), end.date())
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    known_by = None
    if as_of is not None:  # the publication service brings Jinja2: only when it is needed
        from terugkeer.services.publication import recorded_by

        known_by = recorded_by(as_of_moment(as_of))
    store = system(database_url, migrate=False)
    exact = key_figures_of(store, period, known_by=known_by)
    figures: KeyFigures | PublishedKeyFigures = published(exact) if publish else exact
    whole = completeness(store, known_by=known_by)  # as known then, as the figures are
    if output is ReportFormat.JSON:
        shown = figures.model_dump(mode="json")
        # Beside the figures, after them; a store without the day prints what it always did.
        if whole.complete_from is not None:
            shown["complete_from"] = whole.complete_from.isoformat()
            shown["comparable"] = whole.covers(period.start)
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    from rich.console import Console

    from terugkeer.cli.render_key_figures import key_figures_tables

    console = Console()
    for table in key_figures_tables(figures, lang.value):
        console.print(table)
    if not whole.covers(period.start):
        typer.echo(whole.note(lang.value))


@report_app.command("infographic")
def infographic_command(
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")],
    out: Annotated[Path, typer.Option("--out", help="a folder for the files")],
    lang: Annotated[Language, typer.Option("--lang")] = Language.NL,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The return roundabout of the period as the agency draws it: SVG, HTML with the text
    alternative (works offline), PNG and a text version; published numbers (tens, <5)."""
    from terugkeer.services.infographic import NothingToDrawError, PngError, infographic
    from terugkeer.services.key_figures import Period
    from terugkeer.services.known import as_known
    from terugkeer.services.publication import recorded_by

    try:
        period = Period(start.date(), end.date())
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    known_by = None if as_of is None else recorded_by(as_of_moment(as_of))
    with as_known(system(database_url, migrate=False), known_by) as viewed:
        try:
            made = infographic(viewed, period, out, lang.value)
        except (NothingToDrawError, PngError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
    for path in made.files:
        typer.echo(path)


@report_app.command("annual")
def annual_command(
    year: Annotated[
        int, typer.Option("--year", min=1991, max=2199, help="compared with the year before")
    ],
    out: Annotated[Path, typer.Option("--out", help="FILE.html or FILE.pdf (tagged, A4)")],
    lang: Annotated[Language, typer.Option("--lang")] = Language.NL,
    editorial: Annotated[
        Path | None,
        typer.Option(
            "--editorial",
            exists=True,
            dir_okay=False,
            help="the challenges chapter (Markdown), instead of the one in the editorial folder",
        ),
    ] = None,
    editorial_dir: Annotated[
        Path | None,
        typer.Option(
            "--editorial-dir",
            exists=True,
            file_okay=False,
            help="the agency's texts: YYYY/SECTION.md (Dutch), YYYY/SECTION.en.md; "
            "default TERUGKEER_EDITORIAL_DIR",
        ),
    ] = None,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The year's report in the agency's own structure ("Stand van de uitvoering"): foreword,
    the return process, results at a glance, challenges, international cooperation, more to
    know, colophon. Sections: voorwoord, medewerkers, uitdagingen, internationaal,
    meer-weten, colofon."""
    from terugkeer.services.annual_report import AnnualReportError, annual_report, editorial_texts
    from terugkeer.services.known import as_known
    from terugkeer.services.publication import recorded_by

    found = system(database_url, migrate=False)
    folder = editorial_dir or found.settings.editorial_dir
    texts = editorial_texts(folder, year, lang.value, challenges=editorial)
    known_by = None if as_of is None else recorded_by(as_of_moment(as_of))
    try:
        with as_known(found, known_by) as viewed:
            made = annual_report(viewed, year, out, lang=lang.value, editorial=texts)
    except AnnualReportError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    if made.editorial.missing:
        typer.echo(f"note: no editorial text for {year} ({lang.value}) in {folder}: "
                   f"{', '.join(made.editorial.missing)} show a placeholder", err=True)  # fmt: skip
    typer.echo(made.out)
