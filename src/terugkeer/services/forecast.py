"""Forecasting the key figures of the months ahead from the store's caseload.

Works on aggregate cohorts only (forecast/caseload.py lets nothing but counts out): it
forecasts flows and stocks, never anything about a person.

Before the store's complete-from day (services/completeness.py) it holds only part of the
caseload: the inflow observed there is not used, and recorded months there are not compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import add_months
from terugkeer.forecast.caseload import Caseload, default_as_of, read_caseload, recorded_through
from terugkeer.forecast.run import MonthForecast, as_json, months_after, run_forecast
from terugkeer.reports.key_figures import key_figures
from terugkeer.services.completeness import completeness
from terugkeer.services.errors import ServiceError
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters

__all__ = ["Caseload", "ForecastStart", "MonthForecast", "as_json", "forecast", "forecast_start"]


@dataclass(frozen=True, slots=True)
class ForecastStart:
    as_of: date
    caseload: Caseload
    #: Key figures (JSON form) of the forecast months the store already holds, by first day.
    recorded: dict[str, dict[str, Any]]
    #: Why the start holds only part of the caseload ("" when it is whole), in English.
    note: str = ""


def forecast_start(system: System, *, at: date | None, months: int) -> ForecastStart:
    """The caseload at the end of `at` (default: the last recorded day), and what the store
    already holds of the months ahead (a built-in back-test)."""
    whole = completeness(system)
    with system.engine.connect() as connection:
        try:
            as_of = at or default_as_of(connection)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        caseload = read_caseload(connection, as_of)
        latest = recorded_through(connection)
        recorded = {
            period.start.isoformat(): key_figures(connection, period, today=latest).model_dump(
                mode="json"
            )
            for period in months_after(as_of, months)
            if latest is not None and period.end <= latest and whole.covers(period.start)
        }
    if whole.covers(add_months(as_of, -12) + timedelta(days=1)):
        return ForecastStart(as_of, caseload, recorded)
    # The twelve months before the start reach before the day: their intakes are a part.
    partial = caseload.model_copy(update={"inflow_last_year": None})
    return ForecastStart(as_of, partial, recorded, whole.note("en"))


def forecast_parameters(scenario: Path | None, caseload: Caseload | None) -> Parameters:
    """The model's parameters with the inflow of the last twelve months, when the store has
    them; a scenario comes on top (its `factor` scales the observed inflow). Raises
    ParameterError for a bad scenario file."""
    observed = None
    if caseload is not None and caseload.inflow_last_year is not None:
        source = f"observed: intakes in the 12 months up to {caseload.as_of} in the store"
        observed = {"inflow": {"per_year": {"value": caseload.inflow_last_year, "source": source}}}
    return load_parameters(scenario, observed=observed)


def forecast(
    params: Parameters,
    start: ForecastStart,
    *,
    months: int,
    seeds: list[int],
    progress: Callable[[int], None] | None = None,
) -> list[MonthForecast]:
    """Per month, every key figure's mean and 95% prediction interval over the replications."""
    return run_forecast(params, start.caseload, months, seeds, progress=progress)
