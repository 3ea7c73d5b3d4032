"""`terugkeer bench load`: the command and its table (the run itself: bench/load.py)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from terugkeer.bench.load import LoadResult, Tally


def load_command(
    seconds: Annotated[float, typer.Option("--duration", min=10, max=3600,
                                           help="seconds of load")] = 120,
    users: Annotated[int, typer.Option("--users", min=1, max=200,
                                       help="page users (case directors)")] = 50,
    partners: Annotated[int, typer.Option("--partners", min=0, max=5,
                                          help="partners posting events")] = 4,
    host: Annotated[str, typer.Option("--host", help="loopback address the servers listen on")
                    ] = "127.0.0.1",
    restart: Annotated[bool, typer.Option("--restart/--no-restart",
                                          help="stop and start PostgreSQL in the middle")] = True,
    people: Annotated[int, typer.Option("--people", min=100, max=100_000,
                                        help="synthetic people in the store, about")] = 6_000,
    as_json: Annotated[bool, typer.Option("--json", help="the figures as JSON")] = False,
) -> None:  # fmt: skip
    """Two `terugkeer serve` processes on loopback, on a throwaway PostgreSQL cluster of its
    own, restarted once in the middle; page users (sign-in, worklist, case pages, recording an
    interview) and partners posting events. Prints p50/p95/p99 per route, the 5xx inside and
    outside the restart window, and events acknowledged against what the store holds."""
    from terugkeer.bench.cluster import ClusterError, installed
    from terugkeer.bench.load import load_run
    from terugkeer.bench.servers import ServerError

    if not installed():
        typer.echo("terugkeer: PostgreSQL is not installed (scripts/system-packages.sh)", err=True)
        raise typer.Exit(1)

    def progress(doing: str) -> None:
        typer.echo(f"{doing} ...", err=True)

    try:
        result = load_run(seconds=seconds, users=users, partners=partners, host=host,
                          restart=restart, progress=progress, people=people)  # fmt: skip
    except (ClusterError, ServerError, ValueError) as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(asdict(result)))
    else:
        _print(result)
    goal = (result.errors_outside == 0 and result.events.lost == 0
            and result.events.duplicates == 0 and result.recordings.lost == 0
            and result.recordings.duplicates == 0 and result.audit_verify[0] == 0)  # fmt: skip
    if not goal:
        sys.exit(1)


def _print(r: LoadResult) -> None:
    echo = typer.echo
    echo(f"{r.users} page users, {r.partners} partners, {r.seconds:.0f} s, two servers on "
         "one PostgreSQL")  # fmt: skip
    if r.restart:
        echo(f"PostgreSQL stopped at {r.restart[0]:.1f} s, answering again at "
             f"{r.restart[1]:.1f} s")  # fmt: skip
    echo(f"\n  {'route':<34} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
         f"{'5xx':>5} {'no answer':>9}")  # fmt: skip
    for f in r.routes:
        echo(f"  {f.route:<34} {f.count:>6,} {f.p50:>8.1f} {f.p95:>8.1f} {f.p99:>8.1f} "
             f"{f.server_errors:>5} {f.unanswered:>9}")  # fmt: skip
    statuses = ", ".join(f"{'no answer' if s == 0 else s}: {n:,}" for s, n in r.statuses.items())
    echo(f"\n  answers: {statuses}")
    echo(f"  5xx or no answer: {r.errors_inside:,} within the restart window, "
         f"{r.errors_outside:,} outside it")  # fmt: skip
    echo(
        f"  503 without Retry-After or the outage page: {r.unretryable_503}; tracebacks shown: "
        f"{r.tracebacks}; unhandled errors in the servers' logs: {r.server_errors_logged}"
    )
    _tally("events (API)", r.events)
    echo(f"    rejected {r.rejected}, batches given up {r.batches_given_up}")
    _tally("interviews (pages)", r.recordings)
    echo(f"    forms given up {r.forms_given_up}")
    status, line = r.audit_verify
    echo(f"  audit verify: exit {status}: {line}")


def _tally(what: str, t: Tally) -> None:
    typer.echo(f"  {what}: acknowledged {t.acknowledged:,}, stored {t.stored:,}, "
               f"duplicates {t.duplicates}, lost {t.lost}")  # fmt: skip
