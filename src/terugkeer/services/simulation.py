"""The simulator's use cases: a synthetic feed, replications, scenario comparison, calibration
and the back-test. None reads or writes the configured store: simulated people never mix with
real histories (domain/provenance.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from terugkeer.bootstrap import rules_of
from terugkeer.domain.rules import RulesTable
from terugkeer.settings import Settings
from terugkeer.simulation.backtest import backtest
from terugkeer.simulation.calibration import Iteration, calibrate, overrides_toml
from terugkeer.simulation.compare import Comparison, compare
from terugkeer.simulation.loader import ParameterError, load_parameters
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.replications import Figures, replicate
from terugkeer.simulation.runner import SimulationRun, simulate

__all__ = [
    "Comparison",
    "Iteration",
    "ParameterError",
    "Parameters",
    "SimulationRun",
    "back_test",
    "compare_scenarios",
    "first_possible_start",
    "fit_rates",
    "parameters",
    "simulate_feed",
]

DayProgress = Callable[[float, float], None]
Done = Callable[[int], None]  # sees the number of replications done


def parameters(scenario: Path | None = None) -> Parameters:
    """The base parameters, with a scenario file on top; raises ParameterError (one sentence
    naming the file and the parameter)."""
    return load_parameters(scenario)


def simulate_feed(
    settings: Settings,
    params: Parameters,
    *,
    start: date,
    end: date,
    seed: int,
    out: Path,
    progress: DayProgress | None = None,
) -> SimulationRun:
    """A synthetic caseload as v1 chain events in `out`, under the configured rules table.
    ParameterError when the warm-up before `start` reaches back before the rules table."""
    rules = rules_of(settings)
    origin = date(start.year - params.warm_up_years, 1, 1)
    covered, section = rules.first_covered_day()
    if origin < covered:
        earliest = date(
            covered.year + params.warm_up_years + (covered > date(covered.year, 1, 1)), 1, 1
        )
        raise ParameterError(
            f"--from {start} with its {params.warm_up_years}-year warm-up begins on {origin}, "
            f"before the rules table has {section} rules (from {covered}): choose --from "
            f"{earliest} or later"
        )
    return simulate(params, start, end, seed, out, progress, rules=rules)


def first_possible_start(params: Parameters, rules: RulesTable) -> date:
    """The first 1 January from which a simulation's warm-up stays within the rules table."""
    covered, _ = rules.first_covered_day()
    return date(covered.year + params.warm_up_years + (covered > date(covered.year, 1, 1)), 1, 1)


def compare_scenarios(
    base: Parameters,
    scenario: Parameters,
    *,
    seeds: list[int],
    year: int,
    progress: Callable[[str], Done | None] = lambda name: None,
) -> list[Comparison]:
    """Both with the same seeds (common random numbers); every figure's paired difference."""
    runs: list[list[Figures]] = [
        replicate(params, seeds, year, progress=progress(name))
        for name, params in (("base", base), ("scenario", scenario))
    ]
    return compare(runs[0], runs[1])


def fit_rates(
    start: Parameters,
    published: Mapping[str, Any],
    *,
    year: int,
    seeds: list[int],
    iterations: int,
    report: Callable[[Iteration], None],
    progress: Callable[[int], Done],
) -> str:
    """Scale every free rate towards its published figure; the fitted rates as TOML."""
    fitted = calibrate(
        start, published, year=year, seeds=seeds, iterations=iterations,
        report=report, progress=progress,
    )  # fmt: skip
    return overrides_toml(fitted)


def back_test(years: Mapping[str, Mapping[str, Any]], first: int, last: int, seeds: int) -> str:
    """The calibrated model with each year's published inflow: a Markdown table of simulated
    next to published outcomes (information, not a pass or fail)."""
    return backtest(load_parameters(), years, list(range(first, last + 1)), seeds)
