"""Each example scenario moves its figure in the expected direction (common random numbers)."""

from __future__ import annotations

import statistics
from importlib.resources import files
from pathlib import Path

import pytest

from terugkeer.simulation.calibration import lookup
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.replications import replicate
from tests.integration.simulation.worlds import small_world

pytestmark = pytest.mark.slow
SEEDS = [1, 2]
EXITS = "closed_procedures.exit_without_departure"
SCENARIOS = Path(str(files("terugkeer.simulation") / "scenarios"))


def small(params: Parameters) -> Parameters:
    """A quarter of the 2023 inflow and one warm-up year: the directions, not the sizes."""
    return small_world(params, per_year=4000)


@pytest.fixture(scope="module")
def base() -> list[dict[str, object]]:
    return replicate(small(load_parameters()), SEEDS, 2023)


@pytest.fixture(scope="module")
def scenario_runs() -> dict[str, list[dict[str, object]]]:
    """Each scenario's replications, run once for all the figures it is expected to move."""
    return {}


def mean(runs: list[dict[str, object]], figure: str) -> float:
    return statistics.fmean(float(lookup(run, figure) or 0) for run in runs)


@pytest.mark.parametrize(
    ("scenario", "figure", "rises"),
    [
        ("faster-repeat-decisions", f"{EXITS}.residence_permit", True),
        ("more-nationality-confirmations", "nationality_confirmations", True),
        ("more-nationality-confirmations", "closed_procedures.forced_departure", True),
        ("fewer-dublin-expiries", "dublin.transferred", True),
        ("fewer-dublin-expiries", "dublin.expired", False),
        ("half-emergency-reception", "at_emergency_reception", False),
    ],
)  # fmt: skip
def test_scenario_moves_its_figure(
    base: list[dict[str, object]],
    scenario_runs: dict[str, list[dict[str, object]]],
    scenario: str,
    figure: str,
    rises: bool,
) -> None:
    if scenario not in scenario_runs:
        params = small(load_parameters(SCENARIOS / f"{scenario}.toml"))
        scenario_runs[scenario] = replicate(params, SEEDS, 2023)
    changed = scenario_runs[scenario]
    before, after = mean(base, figure), mean(changed, figure)
    assert (after > before) if rises else (after < before), (figure, before, after)


def test_every_shipped_scenario_loads_and_changes_something() -> None:
    base = load_parameters()
    for path in sorted(SCENARIOS.glob("*.toml")):
        assert load_parameters(path) != base, path.name
