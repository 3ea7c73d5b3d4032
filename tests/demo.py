"""The demo store as `make demo` builds it (services/demo.py, the same code path), at a
fiftieth of the inflow with a one-year warm-up, so that tests can build it in seconds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from terugkeer.services.demo import DemoStore, demo_store
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters, Value


def small(scale: float) -> Parameters:
    """The calibrated parameters at `scale` of the inflow, with a one-year warm-up."""
    params = load_parameters()
    inflow = params.inflow

    def scaled(value: Value) -> Value:
        return Value(value=value.value * scale, source=value.source)

    smaller = inflow.model_copy(update={
        "per_year": scaled(inflow.per_year),
        "history_per_year": {y: scaled(v) for y, v in inflow.history_per_year.items()},
    })  # fmt: skip
    return params.model_copy(update={"inflow": smaller, "warm_up_years": 1})


def small_demo(folder: Path, *, until: date, now: datetime, seed: int = 3) -> DemoStore:
    return demo_store(folder, until=until, seed=seed, progress=lambda _: None, now=now,
                      params=small(0.02))  # fmt: skip
