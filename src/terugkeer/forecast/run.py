"""A forecast: the caseload's cohorts continued by the model, month by month, many times over.

Each replication seeds the model with the caseload (simulation/seeding.py), simulates the
months ahead with the inflow of the parameters, and takes the partner path — a JSONL feed,
`import` into a fresh SQLite store, `report key-figures` for every month — so a forecast figure
has exactly the definition of the published one. Replications differ only in their seed; the
spread between them is the interval the forecast shows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from terugkeer.domain.calendar import AMSTERDAM, add_months
from terugkeer.forecast.caseload import Caseload
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.compare import Interval, numeric_figures, prediction_interval
from terugkeer.simulation.model import World
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.replications import Figures, import_feed, in_parallel
from terugkeer.simulation.seeding import seed_away, seed_caseload


def months_after(as_of: date, months: int) -> list[Period]:
    """The `months` whole calendar months after the month of `as_of` (the month in progress is
    simulated but not reported: its first days are already in the store)."""
    first = add_months(as_of.replace(day=1), 1)
    return [
        Period(add_months(first, n), add_months(first, n + 1) - timedelta(days=1))
        for n in range(months)
    ]


def forecast_replication(
    params_json: str, caseload_json: str, seed: int, months: int
) -> list[Figures]:
    """One replication: the key figures of each month ahead (arguments as JSON so that they
    cross processes)."""
    params = Parameters.model_validate_json(params_json)
    caseload = Caseload.model_validate_json(caseload_json)
    rules = load_rules()  # the model and the store apply the same legal terms
    periods = months_after(caseload.as_of, months)
    start = datetime.combine(caseload.as_of + timedelta(days=1), time(), AMSTERDAM)
    until = datetime.combine(periods[-1].end + timedelta(days=1), time(), AMSTERDAM)
    with tempfile.TemporaryDirectory(prefix="terugkeer-forecast-") as folder:
        feed = Path(folder) / "events.jsonl"
        with feed.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as stream:
            world = World(params, start, seed, stream.write, rules=rules)
            seed_caseload(world, caseload.cohorts)
            seed_away(world, caseload.away)
            world.run(until, first_year=start.year)
        received = datetime.combine(until.date(), time(12), UTC)
        engine = import_feed(feed, Path(folder), received=received, rules=rules)
        with engine.connect() as connection:
            figures = [
                key_figures(connection, p, today=until.date()).model_dump(mode="json")
                for p in periods
            ]
        engine.dispose()
    return figures


@dataclass(frozen=True)
class MonthForecast:
    period: Period
    figures: dict[str, Interval]  # dotted figure name → mean and 95% prediction interval


def summarise(runs: list[list[Figures]]) -> list[MonthForecast]:
    """Per month and figure: the mean over the replications and their 95% prediction interval."""
    months = []
    for per_seed in zip(*runs, strict=True):
        values = [dict(numeric_figures(figures)) for figures in per_seed]
        names = [name for name in values[0] if all(name in v for v in values)]
        period = per_seed[0]["period"]
        months.append(
            MonthForecast(
                Period(date.fromisoformat(period["from"]), date.fromisoformat(period["to"])),
                {name: prediction_interval([v[name] for v in values]) for name in names},
            )
        )
    return months


def run_forecast(
    params: Parameters,
    caseload: Caseload,
    months: int,
    seeds: list[int],
    *,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[MonthForecast]:
    payload = (params.model_dump_json(), caseload.model_dump_json())
    calls = [(*payload, seed, months) for seed in seeds]
    runs = in_parallel(forecast_replication, calls, workers=workers, progress=progress)
    return summarise(runs)


def as_json(months: list[MonthForecast], caseload: Caseload, seeds: list[int]) -> dict[str, Any]:
    """The forecast in the JSON of `terugkeer forecast --format json`."""
    return {
        "caseload_at": caseload.as_of.isoformat(),
        "caseload": caseload.size,
        "away_in_asylum_procedure": sum(count for _, count in caseload.away),
        "replications": len(seeds),
        "interval": "95% prediction interval over the replications",
        "months": [
            {
                "from": month.period.start.isoformat(),
                "to": month.period.end.isoformat(),
                "figures": {
                    name: {"mean": i.mean, "low": i.low, "high": i.high}
                    for name, i in month.figures.items()
                },
            }
            for month in months
        ],
    }
