"""The forecast against what happened: a simulated store (an eighth of the inflow, so that it
takes seconds) is forecast from its caseload of 30 June 2023, and the months July-December it
already holds must fall inside the forecast's intervals. The store's own continuation is the
truth the aggregate cohorts have to reproduce."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from terugkeer.bench.calibration import scaled
from terugkeer.forecast.caseload import read_caseload
from terugkeer.forecast.run import MonthForecast, months_after, run_forecast
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.compare import numeric_figures
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema

pytestmark = pytest.mark.slow

AS_OF = date(2023, 6, 30)
SCALE = 0.125
MONTHS = 6
FLOWS = (
    "inflow",
    "departure_interviews",
    "closed_procedures.independent_departure",
    "closed_procedures.forced_departure",
    "closed_procedures.absconded",
    "closed_procedures.exit_without_departure.total",
    "flights_booked",
    "travel_document_requests",
    "nationality_confirmations",
    "dublin.transferred",
    "dublin.expired",
)
STOCKS = (
    "caseload",
    "at_emergency_reception",
    "repeated_procedures.with_decision",
)


@pytest.fixture(scope="module")
def forecast_and_truth(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[MonthForecast], list[dict[str, float]]]:
    folder = tmp_path_factory.mktemp("truth")
    scenario = folder / "warm-up.toml"
    scenario.write_text("warm_up_years = 1\n", encoding="utf-8")
    # An eighth of the inflow: the same model and path at a size that takes seconds.
    params = scaled(load_parameters(scenario), SCALE)
    feed = folder / "truth.jsonl"
    simulate(params, date(2023, 1, 1), date(2023, 12, 31), seed=21, out=feed)
    engine = make_engine(f"sqlite:///{folder / 'truth.db'}")
    ensure_schema(engine)
    with feed.open("rb") as stream:
        import_lines(stream, EventStore(engine, load_rules()),
                     clock=lambda: datetime(2024, 1, 1, 12, tzinfo=UTC))  # fmt: skip
    with engine.connect() as connection:
        caseload = read_caseload(connection, AS_OF)
        truth = [
            dict(numeric_figures(key_figures(connection, period, today=date(2024, 1, 1))))
            for period in months_after(AS_OF, MONTHS)
        ]
    engine.dispose()
    # The parameters' inflow is the truth's: what is tested is the caseload's continuation.
    months = run_forecast(params, caseload, MONTHS, seeds=list(range(1, 9)))
    _print(months, truth)
    return months, truth


def _print(months: list[MonthForecast], truth: list[dict[str, float]]) -> None:
    for name in (*FLOWS, *STOCKS):
        cells = [
            f"{m.figures[name].mean:6.0f} [{m.figures[name].low:5.0f},{m.figures[name].high:5.0f}]"
            f" {t[name]:5.0f}"
            for m, t in zip(months, truth, strict=True)
        ]
        print(f"{name:48s}", " | ".join(cells))


@pytest.mark.parametrize("name", FLOWS)
def test_each_month_of_a_flow_falls_inside_the_interval(
    forecast_and_truth: tuple[list[MonthForecast], list[dict[str, float]]], name: str
) -> None:
    """95% intervals: one month of six outside is chance; two would be a biased forecast."""
    months, truth = forecast_and_truth
    outside = [
        (m.period.start.isoformat(), t[name], m.figures[name])
        for m, t in zip(months, truth, strict=True)
        if not m.figures[name].low <= t[name] <= m.figures[name].high
    ]
    assert len(outside) <= 1, outside


@pytest.mark.parametrize("name", STOCKS)
def test_the_stocks_continue_from_the_caseload(
    forecast_and_truth: tuple[list[MonthForecast], list[dict[str, float]]], name: str
) -> None:
    months, truth = forecast_and_truth
    first = months[0].figures[name]
    assert first.low <= truth[0][name] <= first.high
    # 5% at full scale; a count's relative noise grows as 1/sqrt(size): 14% at an eighth.
    tolerance = 0.05 / SCALE**0.5
    for month, actual in zip(months, truth, strict=True):
        assert month.figures[name].mean == pytest.approx(actual[name], rel=tolerance), month.period
