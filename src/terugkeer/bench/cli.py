"""`terugkeer bench ...`: measured speed, printed against a baseline from the same run."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from terugkeer.bench.load_cmd import load_command

#: Where the benchmarks keep their stores: the CLI's data folder (cli/options.py), named here so
#: that this room imports nothing of the CLI that mounts it (no two packages import each other).
DEFAULT_DATA_DIR = Path("var")


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


if TYPE_CHECKING:
    from terugkeer.bench.imports import BackendBench

bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)
bench_app.command("load")(load_command)


#: `--feed` of `bench import` and `bench api`.
FeedOption = Annotated[
    Path | None,
    typer.Option(
        "--feed",
        exists=True,
        dir_okay=False,
        help="a JSONL file of chain events instead (e.g. from `terugkeer simulate`)",
    ),
]


@bench_app.command("import")
def bench_import_command(
    events: Annotated[
        int | None,
        typer.Option("--events", "-n", min=1, help="synthetic events  [default: 200000]"),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="of the synthetic events")] = 1,
    feed: FeedOption = None,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            "--postgres-url",
            help="an admin URL of a PostgreSQL server: the bench creates and drops its own "
            "databases terugkeer_bench_* there (default: $TERUGKEER_TEST_POSTGRES_URL)",
            show_default=False,
        ),
    ] = None,
    output: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.TABLE,
) -> None:
    """Import N synthetic events (or a feed) into temporary stores on SQLite and PostgreSQL;
    compare each with a raw insert of the same rows into the same schema (sqlite3
    executemany, COPY), measured in the same run. Never the configured store."""
    # Imported here, not at the top: the services bring SQLAlchemy (`--help` must start fast).
    from terugkeer.bench.imports import BenchInputError, import_benchmark
    from terugkeer.settings import Settings

    def progress(doing: str) -> None:
        typer.echo(f"{doing} ...", err=True)

    try:
        result = import_benchmark(
            Settings(),
            events=events,
            seed=seed,
            feed=feed,
            postgres_url=postgres_url,
            progress=progress if sys.stderr.isatty() else lambda _: None,
        )
    except BenchInputError as error:
        raise typer.BadParameter(str(error)) from None
    if output is ReportFormat.JSON:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    typer.echo(f"input: {result.source.name}, {result.lines:,} lines")
    for title, backend in (("SQLite", result.sqlite), ("PostgreSQL", result.postgresql)):
        typer.echo("")
        if backend is None:
            typer.echo(f"{title}: skipped ({result.postgresql_skipped})")
        else:
            _print_backend(backend, windows=result.source.windows)


def _print_backend(result: BackendBench, *, windows: bool) -> None:
    from terugkeer.bench.imports import WINDOW

    def row(name: str, count: int, rate: float, seconds: float) -> None:
        typer.echo(f"  {name:<28} {count:>11,} {rate:>11,.0f} {seconds:>10.2f}")

    typer.echo(result.server)
    typer.echo(f"  {'':<28} {'events':>11} {'events/s':>11} {'seconds':>10}")
    row("terugkeer import", result.events, result.import_rate, result.import_seconds)
    row("  of which appended", result.events, result.appended_rate, result.appended_seconds)
    row(result.baseline, result.events, result.baseline_rate, result.baseline_seconds)
    typer.echo(f"  {'import time / baseline time':<28} {result.ratio:>33.1f} x")
    appended = result.appended_seconds / result.baseline_seconds
    typer.echo(f"  {'appended time / baseline':<28} {appended:>33.1f} x")
    behind = max(result.behind, default=0)
    catch_up = result.import_seconds - result.appended_seconds
    typer.echo(f"  {'projector: most behind':<28} {behind:>11,} events, caught up "
               f"{catch_up:.2f} s after the last batch")  # fmt: skip
    if windows:
        typer.echo(f"  {'':<28} {'lines':>11} {'lines/s':>11} {'seconds':>10}")
        for name, window in (("first", result.first), ("last", result.last)):
            row(f"{name} {WINDOW:,} lines", window.lines, window.rate, window.seconds)
        typer.echo(f"  {'last / first speed':<28} {result.speed_kept:>33.2f}")
    _print_stages(result, windows=windows)
    if result.lines != result.events:
        typer.echo(f"  {result.lines - result.events:,} of {result.lines:,} lines not stored")
    same = "yes" if result.rows_identical else "NO"
    typer.echo(f"  {'same rows in both stores':<28} {same:>11}  ({result.events:,} rows)")


def _print_stages(result: BackendBench, *, windows: bool) -> None:
    """Microseconds per event of each stage of the import: where its time went."""
    head = f"  {'import stage':<28} {'us/event':>11} {'share':>11}"
    typer.echo(head + (f" {'first us':>10} {'last us':>10}" if windows else ""))
    for stage in result.stages:
        line = (
            f"  {stage.name:<28} {stage.seconds / result.events * 1e6:>11.1f}"
            f" {stage.seconds / result.import_seconds:>11.0%}"
        )
        if windows:
            line += f" {stage.first_seconds / result.first.lines * 1e6:>10.1f}"
            line += f" {stage.last_seconds / result.last.lines * 1e6:>10.1f}"
        typer.echo(line)


@bench_app.command("report")
def bench_report_command(
    years: Annotated[int, typer.Option("--years", min=1, max=30, help="simulated years")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="of the simulation")] = 1,
    feed: Annotated[
        Path | None,
        typer.Option("--feed", exists=True, dir_okay=False, help="these lines, not a simulation"),
    ] = None,
    repeats: Annotated[int, typer.Option("--repeats", min=2)] = 5,
    folder: Annotated[
        Path, typer.Option("--folder", help="where the feed and its SQLite store are kept")
    ] = DEFAULT_DATA_DIR / "bench" / "report",
) -> None:
    """Time the key figures of a year, a month's publication and the dashboard over a store of
    simulated years, against the same key-figure aggregation in DuckDB in the same run.

    Never the configured store: the simulated people live in a SQLite file of their own under
    --folder, built once (simulating and importing ten years takes about half an hour) and
    reused."""
    from terugkeer.bench.imports import ReportBenchInputError, report_benchmark

    try:
        result = report_benchmark(folder, years=years, seed=seed, feed=feed, repeats=repeats,
                                  progress=lambda step: typer.echo(step, err=True))  # fmt: skip
    except ReportBenchInputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    period = result.period
    typer.echo(f"stored events                {result.stored_events:>12,}  (in {folder})")
    typer.echo(f"measured period              {period.start} to {period.end}")
    for name, values in (
        (f"key figures {period.start.year}", result.key_figures_ms),
        ("DuckDB, same aggregation", result.duck_ms),
        (f"publication {period.end:%Y-%m}", result.publication_ms),
        (f"dashboard {period.start.year}", result.dashboard_ms),
    ):
        typer.echo(f"{name:<28} median {result.median(values) / 1000:>8.3f} s   "
                   f"max {max(values) / 1000:>8.3f} s   (n={len(values)})")  # fmt: skip
    if result.as_of is not None:
        typer.echo(f"as known at {result.as_of} (the middle event's recording):")
        for name, values in (
            (f"key figures {period.start.year}", result.key_figures_as_of_ms),
            (f"publication {period.end:%Y-%m}", result.publication_as_of_ms),
            ("publish verify", result.verify_ms),
        ):
            typer.echo(f"  {name:<26} median {result.median(values) / 1000:>8.3f} s   "
                       f"max {max(values) / 1000:>8.3f} s   (n={len(values)})")  # fmt: skip
        ratio = result.median(result.key_figures_as_of_ms) / result.median(result.key_figures_ms)
        same = "yes" if result.as_of_reproduced else "NO"
        typer.echo(f"  as of / now, key figures {ratio:>8.1f}x   same as a replay: {same}")
    else:
        typer.echo("as known on: not timed (every event was recorded at one moment; a store "
                   "imported before the bench's clock advanced per commit: remove it)")  # fmt: skip
    copy = f"(tables copied into DuckDB in {result.copy_seconds:.1f} s, not counted)"
    typer.echo(f"key figures / DuckDB         {result.ratio:>8.1f}x   {copy}")
    same = "yes" if not result.differences else "NO: " + ", ".join(sorted(result.differences))
    typer.echo(f"same figures in both         {same}")


@bench_app.command("web")
def bench_web_command(
    cases: Annotated[int, typer.Option("--cases", "-n", min=10, help="people in the store")] = (
        100_000
    ),
    requests: Annotated[int, typer.Option("--requests", min=20, help="per page")] = 200,
    directors: Annotated[
        int | None,
        typer.Option(
            "--directors",
            min=1,
            help="default: one per 40 open cases, as the demo",
            show_default=False,
        ),
    ] = None,
    teams: Annotated[int, typer.Option("--teams", min=1)] = 6,
    seed: Annotated[int, typer.Option("--seed", help="of the simulation")] = 1,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            "--postgres-url",
            help="an admin URL of a PostgreSQL server: the bench creates and drops its own "
            "database terugkeer_bench_web_* there (default: $TERUGKEER_TEST_POSTGRES_URL)",
            show_default=False,
        ),
    ] = None,
    folder: Annotated[
        Path,
        typer.Option("--folder", help="where the simulated people and the SQLite store are kept"),
    ] = DEFAULT_DATA_DIR / "bench" / "web",
    output: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.TABLE,
) -> None:
    """p50/p95 of the worklist, the case page and the family page over real HTTP, with the
    last N people of a simulated caseload in the store (SQLite, and PostgreSQL when a server
    is given), the open cases spread over the case directors; against the login page of the
    same server as the baseline. Synthetic people only, never the configured store."""
    import os

    from terugkeer.bench.imports import POSTGRES_URL_VARIABLE
    from terugkeer.bench.pages import bench_pages
    from terugkeer.bench.web_store import (
        WebBenchInputError,
        WebBenchStore,
        drop_database,
        feed,
        postgres_database,
        web_bench_store,
    )

    def progress(doing: str) -> None:
        if sys.stderr.isatty():
            typer.echo(f"{doing} ...", err=True)

    try:
        lines = feed(folder, cases, seed=seed, progress=progress)
    except WebBenchInputError as error:
        raise typer.BadParameter(str(error)) from None

    def build(url: str) -> WebBenchStore:
        return web_bench_store(lines, url, directors=directors, teams=teams, progress=progress)

    results = []
    sqlite = build(f"sqlite:///{lines.with_suffix('.db')}")
    try:
        results.append(bench_pages(sqlite, requests=requests, seed=seed, progress=progress))
    finally:
        sqlite.system.close()
    admin = postgres_url or os.environ.get(POSTGRES_URL_VARIABLE)
    if admin:
        url = postgres_database(admin)
        try:
            store = build(url)
            try:
                results.append(bench_pages(store, requests=requests, seed=seed, progress=progress))
            finally:
                store.system.close()
        finally:
            drop_database(admin, url)
    if output is ReportFormat.JSON:
        typer.echo(json.dumps([r.as_json() for r in results]))
        return
    for result in results:
        s = result.store
        typer.echo(
            f"{s.backend}: {s.cases:,} cases ({s.open_cases:,} open) over {s.directors} case "
            f"directors; worklist items shown: director {result.worklist_items['case_director']}, "
            f"team lead {result.worklist_items['team_lead']}"
        )
        typer.echo(f"  {'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'n':>6}")
        for page in [result.baseline, *result.pages]:
            typer.echo(
                f"  {page.page:<36} {page.p50:>8.1f} {page.p95:>8.1f} {max(page.ms):>8.1f} "
                f"{len(page.ms):>6}"
            )
    if not admin:
        typer.echo(f"PostgreSQL: skipped (no --postgres-url and ${POSTGRES_URL_VARIABLE} unset)")


@bench_app.command("api")
def bench_api_command(
    events: Annotated[
        int | None,
        typer.Option("--events", "-n", min=100, help="synthetic events  [default: 100000]"),
    ] = None,
    feed: FeedOption = None,
    clients: Annotated[int, typer.Option("--clients", min=1, help="concurrent clients")] = 8,
    batch: Annotated[int, typer.Option("--batch", min=1, help="events per request")] = 500,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    output: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.TABLE,
) -> None:
    """Events/s of partner intake over HTTP (N concurrent clients on loopback posting each
    batch with its source's partner token, against `terugkeer serve` in its own process) next to
    `terugkeer import` of the same events (synthetic, or a feed), in the same run, on fresh
    SQLite stores."""
    from terugkeer.bench.api import ApiBenchError, api_benchmark

    def progress(doing: str) -> None:
        if sys.stderr.isatty():
            typer.echo(f"{doing} ...", err=True)

    try:
        result = api_benchmark(events, clients=clients, batch=batch, seed=seed,
                               progress=progress, feed=feed)  # fmt: skip
    except ApiBenchError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    if output is ReportFormat.JSON:
        typer.echo(json.dumps(result.as_json()))
        return
    typer.echo(f"{result.events:,} events ({result.input}); API: {result.clients} concurrent "
               f"clients, {result.requests:,} requests of up to {result.batch} events")  # fmt: skip
    typer.echo(f"  {'import, file order':<32} {result.file_order_rate:>10,.0f} events/s "
               f"{result.file_order_seconds:>8.1f} s")  # fmt: skip
    typer.echo(f"  {'import, the API order (baseline)':<32} {result.import_rate:>10,.0f} "
               f"events/s {result.import_seconds:>8.1f} s")  # fmt: skip
    typer.echo(f"  {'POST /api/v1/events':<32} {result.api_rate:>10,.0f} events/s "
               f"{result.api_seconds:>8.1f} s (until projected)")  # fmt: skip
    answered = result.events / result.answered_seconds
    typer.echo(f"  {'  of which until the last answer':<32} {answered:>10,.0f} events/s "
               f"{result.answered_seconds:>8.1f} s")  # fmt: skip
    typer.echo(
        f"  {'  projector: most behind':<32} {result.behind_max:>10,} events, caught up "
        f"{result.api_seconds - result.answered_seconds:.1f} s after the last answer"
    )
    typer.echo(f"  import / API: {result.import_rate / result.api_rate:.2f}x")


@bench_app.command("calibration")
def bench_calibration_command(
    targets: Annotated[
        Path,
        typer.Option(
            "--targets",
            exists=True,
            dir_okay=False,
            help="published figures (JSON), e.g. ../shared/domain/figures-2023.json",
        ),
    ],
    year: Annotated[int, typer.Option("--year")] = 2023,
    seeds: Annotated[int, typer.Option("--seeds", min=1)] = 10,
    scale: Annotated[
        float, typer.Option("--scale", min=0.01, max=1.0, help="of the inflow (counts scaled back)")
    ] = 1.0,
    tolerance: Annotated[float, typer.Option("--tolerance", min=0.0)] = 0.05,
) -> None:
    """The calibrated model against a year's published figures: each headline figure's mean
    over --seeds simulated years (simulate → import → key figures) next to the published one.
    Full scale and ten seeds take about ten minutes on two cores."""
    import time

    from terugkeer.bench.calibration import headlines
    from terugkeer.simulation.loader import load_parameters

    published = json.loads(targets.read_text(encoding="utf-8"))
    started = time.perf_counter()

    def done(count: int) -> None:
        typer.echo(f"  {count} of {seeds} seeds", err=True)

    rows = headlines(load_parameters(), published, year=year, seeds=seeds, scale=scale,
                     progress=done)  # fmt: skip
    typer.echo(f"{'figure':<58} {'published':>10} {'simulated':>10} {'deviation':>9}")
    for row in rows:
        mark = "" if abs(row.deviation) <= tolerance else "  outside"
        typer.echo(f"{row.figure:<58} {row.published:>10,.2f} {row.simulated:>10,.2f} "
                   f"{row.deviation:>+9.1%}{mark}")  # fmt: skip
    inside = sum(abs(row.deviation) <= tolerance for row in rows)
    typer.echo(f"{inside} of {len(rows)} within ±{tolerance:.0%} ({seeds} seeds, {scale:g} of the "
               f"inflow, {time.perf_counter() - started:.0f} s)")  # fmt: skip
