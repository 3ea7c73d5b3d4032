"""The demo store as `make demo` builds it (services/demo.py, the same code path), at a
fiftieth of the inflow with a one-year warm-up, so that tests can build it in seconds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from terugkeer.bench.calibration import scaled
from terugkeer.services.demo import DemoStore, demo_store
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters


def small(scale: float) -> Parameters:
    """The calibrated parameters at `scale` of the inflow, with a one-year warm-up."""
    return scaled(load_parameters(), scale).model_copy(update={"warm_up_years": 1})


def small_demo(folder: Path, *, until: date, now: datetime, seed: int = 3) -> DemoStore:
    return demo_store(folder, until=until, seed=seed, progress=lambda _: None, now=now,
                      params=small(0.02))  # fmt: skip
