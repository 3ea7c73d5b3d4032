"""The demo store: a simulated history up to today (no real person) in an embedded SQLite
store, built once a day and reused while its inputs are unchanged.

It holds two full years after the simulator's warm-up and this year so far, so that every
comparison with a previous year compares like with like. Only the people who can count from
the first of those years on are imported (`persons_of_the_year`): their whole history is kept,
while people whose cases all closed during the warm-up are left out — they cannot appear in
any figure, case list or forecast of the years shown.

Each event is imported when the simulation says it reached the agency (its sender's usual
delay, simulation/arrival.py), in arrival order on a simulated clock: "recorded" on a
timeline is a plausible moment, "late" means late, and `recorded_at` never runs backwards.

The simulator runs in a second process and hands each event over as soon as its place in
that order is certain, while this one imports (services/demo_feed.py): both cores work, and
the store is the one that simulating first and importing afterwards gives (`_in_order`,
which is also the way when the handed-over events could not be exactly those).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from terugkeer import __version__
from terugkeer.bootstrap import System, bootstrap, rules_of
from terugkeer.settings import Settings
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters
from terugkeer.store.schema import HEAD_REVISION

if TYPE_CHECKING:
    from terugkeer.services.demo_feed import FeedJob
    from terugkeer.services.ingest import ImportSummary

Progress = Callable[[str], None]

#: Full calendar years before this one: "this year against last year" and "last year against
#: the year before" both compare two years the store holds whole.
FULL_YEARS = 2


@dataclass(frozen=True, slots=True)
class DemoStore:
    system: System
    store_file: Path
    lines: int
    first: date  # the first day of the first full year (the warm-up ends the day before)
    until: date  # the last simulated day: the day it was built
    reused: bool
    overlapped: bool = False  # built while simulating (services/demo_feed.py)


def demo_store(
    folder: Path,
    *,
    until: date,
    seed: int,
    progress: Progress,
    now: datetime | None = None,
    params: Parameters | None = None,
    overlap: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> DemoStore:
    """The demo store up to `until` (today) for `seed` in `folder`: reused when it was built
    from the same inputs on the same day, else built anew. `now`: the moment it is built
    (what had not arrived by then is not in it); `params`: the simulator's (default: its
    calibrated parameters; tests use a smaller inflow). `overlap`: import while simulating,
    on a second core (False: one after the other, the reference it equals). `meanwhile`: what
    the caller needs next, run in a thread beside a build (not when the store is reused): for
    most of a build this process only waits for the simulator."""
    folder.mkdir(parents=True, exist_ok=True)
    store_file, stamp = folder / "demo.db", folder / "demo.json"
    parameters = params or load_parameters()
    first = date(until.year - FULL_YEARS, 1, 1)
    wanted = wanted_inputs(until, seed, parameters)
    url = f"sqlite:///{store_file}"
    found = _read(stamp)
    lines = found.get("lines")
    if store_file.exists() and found.get("built") == wanted and isinstance(lines, int):
        system = bootstrap(Settings(database_url=url), migrate=False)
        return DemoStore(system, store_file, lines, first, until, reused=True)
    # Imported only to build: a reused store's start (the demo's second) needs none of the
    # simulator (SimPy) nor the import, and the first page waits for every import.
    from terugkeer.services.completeness import set_complete_from
    from terugkeer.services.demo_feed import FeedJob

    for stale in [stamp, *folder.glob("demo.db*"), *folder.glob("simulated-*.jsonl"),
                  *(folder / name for name in _SCRATCH)]:  # fmt: skip
        stale.unlink(missing_ok=True)
    settings = Settings(database_url=url)
    origin = first.year - parameters.warm_up_years
    progress(f"simulating {origin} to {until} (warm-up until {first.year}, seed {seed}) ...")
    moment = now or datetime.now(UTC)
    job = FeedJob(folder, parameters.model_dump_json(), rules_of(settings), seed, first, until,
                  moment.timestamp())  # fmt: skip
    built = _overlapped(job, settings, progress, meanwhile) if overlap else None
    # In order: the reference the overlapped build equals, and the way when it could not.
    system, summary = built or _in_order(job, settings, progress, simulated=overlap,
                                         meanwhile=None if overlap else meanwhile)  # fmt: skip
    for scratch in _SCRATCH:
        (folder / scratch).unlink(missing_ok=True)
    set_complete_from(
        system, first, by="demo", why=f"the simulator's warm-up ends on {first - timedelta(days=1)}"
    )
    if summary.rejected:  # the model writes only valid lines; a rejection is a bug to see
        raise RuntimeError(f"{len(summary.rejected)} simulated events were rejected, the first: "
                           f"{summary.rejected[0].error}")  # fmt: skip
    stamp.write_text(json.dumps({"built": wanted, "lines": summary.lines}), encoding="utf-8")
    return DemoStore(system, store_file, summary.lines, first, until, reused=False,
                     overlapped=built is not None)  # fmt: skip


def wanted_inputs(until: date, seed: int, parameters: Parameters) -> dict[str, object]:
    """What a store built from these inputs is stamped with (`demo.json`): reused only when
    this is what the stamp says."""
    return {
        "until": until.isoformat(), "seed": seed, "inputs": inputs_digest(),
        "params": hashlib.sha256(parameters.model_dump_json().encode()).hexdigest(),
    }  # fmt: skip


#: What a build writes beside the store, removed when it is done.
_SCRATCH = ("simulated.jsonl", "kept.jsonl", "arrived.jsonl", "arrived.times")


def _overlapped(
    job: FeedJob, settings: Settings, progress: Progress, meanwhile: Callable[[], object] | None
) -> tuple[System, ImportSummary] | None:
    """Simulate in a second process and import each event as it arrives, the store's own
    set-up meanwhile. None when the streamed lines were not exactly the in-order ones: the
    store then holds some of them, so it is removed. `meanwhile` starts once this thread has
    made its own imports and waits for the first events (two threads importing at once could
    meet in an import cycle)."""
    from terugkeer.services.demo_feed import ArrivingFeed
    from terugkeer.services.ingest import ingest_lines

    feed = ArrivingFeed(job, progress)
    try:
        system = bootstrap(settings)
        system.store.arrivals = feed.arrivals
        progress("importing each event as it reaches the agency, while simulating ...")
        _beside(meanwhile)
        summary = ingest_lines(system, feed.lines(), progress=_imported(progress))
        system.store.arrivals = None
    finally:
        feed.close()
    outcome = feed.outcome
    if outcome is not None and outcome.exact:
        progress(f"  {outcome.arrived:,} events imported (of {outcome.simulated:,} simulated)")
        return system, summary
    progress("the streamed events differ from the ordered ones: building in order ...")
    system.close()
    for stale in job.folder.glob("demo.db*"):
        stale.unlink()
    return None


def _in_order(
    job: FeedJob,
    settings: Settings,
    progress: Progress,
    *,
    simulated: bool,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[System, ImportSummary]:
    """Simulate to the end (unless `simulated`), keep the people who count, order their
    events as they reached the agency, and import them into an empty store."""
    from terugkeer.services.ingest import ingest_lines
    from terugkeer.simulation.arrival import in_arrival_order
    from terugkeer.simulation.replications import persons_of_the_year
    from terugkeer.simulation.runner import simulate

    _beside(meanwhile)

    params = Parameters.model_validate_json(job.params_json)
    if not simulated:
        simulate(params, job.first, job.until, job.seed, job.simulated,
                 _percent(progress, "simulated"), rules=job.rules)  # fmt: skip
    progress("keeping the people who count from the first full year on ...")
    kept = job.folder / "kept.jsonl"
    persons_of_the_year(job.simulated, kept, job.first)
    job.simulated.unlink()
    progress("ordering the events as they reached the agency (each sender's usual delay) ...")
    moment = datetime.fromtimestamp(job.cutoff, UTC)
    arrivals = in_arrival_order(kept, job.arrived, params.reporting, job.seed, now=moment)
    kept.unlink()
    system = bootstrap(settings)
    system.store.arrivals = arrivals
    progress(f"importing {len(arrivals):,} events in arrival order ...")
    try:
        with job.arrived.open("rb") as stream:
            summary = ingest_lines(system, stream, progress=_imported(progress))
    finally:
        system.store.arrivals = None
    return system, summary


def _beside(meanwhile: Callable[[], object] | None) -> None:
    if meanwhile is not None:
        threading.Thread(target=meanwhile, name="demo-meanwhile", daemon=True).start()


def _imported(progress: Progress) -> Callable[[int], None]:
    """An import progress callback that says every 100,000 events."""
    said = [0]

    def imported(done: int) -> None:
        if done // 100_000 > said[0]:
            said[0] = done // 100_000
            progress(f"  {done:,} events imported")

    return imported


def _percent(progress: Progress, what: str) -> Callable[[float, float], None]:
    """A simulator progress callback (days done, days in all) that says every tenth."""
    said = [-1]

    def report(done: float, total: float) -> None:
        tenth = int(10 * done / total) if total else 10
        if tenth > said[0]:
            said[0] = tenth
            progress(f"  {10 * tenth}% {what}")

    return report


def _read(stamp: Path) -> dict[str, object]:
    try:
        found = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def inputs_digest() -> str:
    """What the demo store is made of: the simulator's code and parameters, the rules table,
    the schema revision and the version. Any change builds the store anew."""
    digest = hashlib.sha256(f"{__version__} {HEAD_REVISION}".encode())
    for package in (
        "terugkeer.simulation",
        "terugkeer.rules",
        "terugkeer.store.migrations.versions",
    ):
        for item in sorted(resources.files(package).iterdir(), key=lambda i: i.name):
            if item.is_file() and item.name.endswith((".py", ".toml")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()
