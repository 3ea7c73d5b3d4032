"""What-if: a scenario next to the base, replication by replication with the same seeds.

Both runs of a seed share their random numbers wherever the scenario does not change a person's
path (common random numbers), so the difference is taken per seed (paired) and its interval is
much narrower than the two runs' own intervals would suggest.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

#: Two-sided 95% quantiles of Student's t by degrees of freedom (1-30); the normal beyond.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042)  # fmt: skip


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float


def interval(values: list[float]) -> Interval:
    """Mean and 95% confidence interval of the mean (Student's t); a point for one value."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Interval(mean, mean, mean)
    half = _t95(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return Interval(mean, mean - half, mean + half)


def prediction_interval(values: list[float]) -> Interval:
    """Mean and the 95% interval in which one more replication would fall (Student's t times
    sqrt(1 + 1/n)): the spread of outcomes a forecast shows, not the precision of its mean.
    Counts cannot fall below zero, so neither does the interval."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Interval(mean, mean, mean)
    n = len(values)
    half = _t95(n - 1) * statistics.stdev(values) * math.sqrt(1 + 1 / n)
    return Interval(mean, max(mean - half, 0.0), mean + half)


def _t95(df: int) -> float:
    # Beyond the table, the first-order expansion of t around the normal (error < 0.003).
    return _T95[df - 1] if df <= len(_T95) else 1.96 + 2.372 / df


def numeric_figures(
    figures: Mapping[str, Any] | BaseModel, prefix: str = ""
) -> Iterator[tuple[str, float]]:
    """Every number of the key figures by dotted name (the top-nationality list left out); a
    model of them (reports/model.py) by the names of its JSON."""
    if isinstance(figures, BaseModel):
        figures = figures.model_dump(mode="json")
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from numeric_figures(value, f"{name}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield name, float(value)


@dataclass(frozen=True)
class Comparison:
    figure: str
    base: Interval
    scenario: Interval
    difference: Interval  # scenario minus base, paired by seed


def compare(
    base_runs: list[dict[str, Any]], scenario_runs: list[dict[str, Any]]
) -> list[Comparison]:
    """Per figure: both means with their intervals, and the paired difference."""
    base = [dict(numeric_figures(run)) for run in base_runs]
    scenario = [dict(numeric_figures(run)) for run in scenario_runs]
    return [
        Comparison(
            name,
            interval([run[name] for run in base]),
            interval([run[name] for run in scenario]),
            interval([s[name] - b[name] for b, s in zip(base, scenario, strict=True)]),
        )
        for name in base[0]
        if all(name in run for run in (*base, *scenario))
    ]
