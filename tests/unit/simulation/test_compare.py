"""What-if statistics: intervals of the mean, and differences paired by seed."""

from __future__ import annotations

import math

import pytest

from terugkeer.simulation.compare import compare, interval, numeric_figures


def test_interval_of_the_mean_uses_students_t() -> None:
    result = interval([1.0, 2.0, 3.0])
    half = 4.303 * 1.0 / math.sqrt(3)
    assert (result.mean, result.low, result.high) == pytest.approx((2, 2 - half, 2 + half))


def test_one_value_is_a_point() -> None:
    assert interval([5.0]) == interval([5.0, 5.0])


def test_numeric_figures_flattens_and_skips_lists_and_text() -> None:
    figures = {"period": {"from": "2023-01-01"}, "inflow": 10, "rate": None,
               "dublin": {"expired": 3}, "top_nationalities": [{"count": 1}]}  # fmt: skip
    assert dict(numeric_figures(figures)) == {"inflow": 10.0, "dublin.expired": 3.0}


def test_differences_are_paired_by_seed() -> None:
    """Common random numbers: seeds vary a lot, the scenario adds 10 to each; the paired
    difference is exactly 10 with no spread, although both means are uncertain."""
    base = [{"inflow": n} for n in (100, 300, 200)]
    scenario = [{"inflow": n + 10} for n in (100, 300, 200)]
    (row,) = compare(base, scenario)
    assert row.difference.mean == 10
    assert row.difference.low == row.difference.high == 10
    assert row.base.high - row.base.low > 100
