"""`terugkeer demo`: one simulated year in an embedded store, and its key figures.

The caseload comes from the return-process simulator (`terugkeer simulate`): it contains no
real person, and travels the same path as a partner feed (a JSONL file, then `import`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.options import DEFAULT_DATA_DIR


def demo(
    folder: Annotated[Path, typer.Option("--dir", help="where the sample and store go")] = (
        DEFAULT_DATA_DIR
    ),
    year: Annotated[int, typer.Option("--year", min=2019, max=2025)] = 2023,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    lang: Annotated[str, typer.Option("--lang", help="nl or en")] = "nl",
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve the workplace afterwards")
    ] = True,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
) -> None:
    """Simulate a year (with its warm-up) into var/demo.db, or reuse it when its inputs are
    unchanged, print its key figures, create demo accounts for every role and serve the
    workplace on http://127.0.0.1:PORT (the pages take the year's last day as today)."""
    # Imported here, not at the top: the services bring SQLAlchemy, simpy, pydantic and rich
    # (`--help` must start fast).
    from rich.console import Console

    from terugkeer.cli.render_key_figures import key_figures_tables
    from terugkeer.services.demo import demo_store
    from terugkeer.services.key_figures import Period, key_figures_of

    built = demo_store(
        folder, year=year, seed=seed, progress=lambda text: typer.echo(text, err=True)
    )
    first, last = date(year, 1, 1), date(year, 12, 31)
    state = "reused" if built.reused else "built"
    typer.echo(f"demo store {state}: {built.store_file} ({built.lines:,} events, no real person)")
    figures = key_figures_of(built.system, Period(first, last))
    console = Console()
    for table in key_figures_tables(figures, "en" if lang == "en" else "nl"):
        console.print(table)
    url = f"sqlite:///{built.store_file}"
    typer.echo(
        f"try: terugkeer report key-figures --from {first} --to {last} --database-url {url}; "
        f"terugkeer forecast --months 12 --database-url {url}"
    )
    if not serve:
        return
    from terugkeer.services.demo_accounts import demo_accounts
    from terugkeer.services.demo_partners import demo_partners
    from terugkeer.web.serve import run_web

    system = built.system
    system.settings = system.settings.model_copy(update={"work_date": last})
    typer.echo("demo accounts (one-time passwords, new on every run):")
    accounts = demo_accounts(system)
    for account in accounts:
        user = account.user
        team = f", team {user.team}" if user.team else ""
        typer.echo(f"  {user.name:<14} {account.password}  ({user.role.value}{team})")
    typer.echo("demo chain partners (API tokens, new on every run; their reach: shares, rules):")
    directors = [a.user for a in accounts if a.user.role.value == "case_director"]
    for partner in demo_partners(system, directors):
        typer.echo(f"  {partner.name:<6} {partner.token}  ({partner.rules} reach rules, "
                   f"{partner.shares} shares)")  # fmt: skip
    typer.echo(f"the workplace: http://127.0.0.1:{port}/login  (stop with Ctrl-C)")
    run_web(system, "127.0.0.1", port)
