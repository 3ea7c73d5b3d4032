"""Running one replication: from parameters and a seed to a file of v1 chain events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.rules import RulesTable
from terugkeer.simulation.model import World
from terugkeer.simulation.params import Parameters


@dataclass(frozen=True)
class SimulationRun:
    events: int
    persons: int
    origin: date


def simulate(
    params: Parameters,
    start: date,
    end: date,
    seed: int,
    out: Path,
    progress: Callable[[float, float], None] | None = None,
    *,
    rules: RulesTable | None = None,
) -> SimulationRun:
    """Events from the warm-up origin (1 January, `warm_up_years` before `start`) up to the end
    of `end` (Europe/Amsterdam), in time order; the same seed gives the same file. The legal
    terms are those of `rules` (default: the packaged rules table)."""
    origin = datetime.combine(date(start.year - params.warm_up_years, 1, 1), time(), AMSTERDAM)
    until = datetime.combine(end + timedelta(days=1), time(), AMSTERDAM)
    with out.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as stream:
        world = World(params, origin, seed, stream.write, rules=rules)
        world.run(until, start.year, progress)
    return SimulationRun(world.emitter.count, world.persons + world.members, origin.date())
