"""Calibration: fit the model's free rates so that a simulated year reproduces published figures.

Each published figure is tied to the one parameter that moves it most. An iteration runs a few
replications through the real path (simulate → import → report), then multiplies each
parameter by (target / simulated) ** (damping / direction); shares stay below 1.
The fitted values come out as a parameter file with each source saying what it was fitted to:
the outputs are the model's, never the targets copied.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from terugkeer.simulation.params import Parameters
from terugkeer.simulation.replications import Figures, replicate


@dataclass(frozen=True)
class Fit:
    figure: str  # dotted path in the key figures (report key-figures --format json)
    target: str  # dotted path in the published figures file (figures-2023.json)
    parameter: str  # dotted path of a {value, source} in the parameters
    direction: float = 1.0  # +1: the figure rises with the parameter; -1: it falls


FITS = (
    Fit("departure_interviews", "departure_interviews",
        "interviews.follow_up_every_days_mean", -1.5),
    Fit("closed_procedures.independent_departure", "closed_procedures.independent_departure",
        "outcomes.independent_departure_per_year"),
    Fit("closed_procedures.forced_departure", "closed_procedures.forced_departure",
        "documents.valid_document_at_intake_share"),
    Fit("closed_procedures.absconded", "closed_procedures.absconded",
        "outcomes.absconding_per_year_not_cooperating"),
    Fit("closed_procedures.exit_without_departure.asylum_procedure",
        "closed_procedures.exit_without_departure.asylum_procedure",
        "outcomes.exit_asylum_procedure_per_year"),
    Fit("closed_procedures.exit_without_departure.residence_permit",
        "closed_procedures.exit_without_departure.residence_permit", "procedures.granted_share"),
    Fit("closed_procedures.exit_without_departure.other",
        "closed_procedures.exit_without_departure.other", "outcomes.exit_other_per_year"),
    Fit("flights_booked", "flights_booked", "removal.independent_flight_share"),
    Fit("travel_document_requests", "travel_document_requests", "documents.request_share"),
    Fit("nationality_confirmations", "nationality_confirmations",
        "documents.confirmation_share.default"),
    Fit("dublin.transferred", "dublin.transferred", "dublin.transfer_within_deadline_share"),
    Fit("dublin.expired", "dublin.expired", "dublin.absconding_before_transfer_share", -1),
    Fit("at_emergency_reception", "at_emergency_reception_end_of_year",
        "locations.emergency_reception_stay_days_mean"),
    # The repeated-procedure stocks: how much each decision dampens yet another procedure
    # (four decisions need more procedures than two), and how often a rejection is appealed
    # at once (pending again right after a decision).
    Fit("repeated_procedures.four_or_more", "repeated_procedures_end_of_year.four_or_more",
        "procedures.repeat_dampening_share", 1),
    Fit("repeated_procedures.two_or_more_or_pending_share",
        "repeated_procedures_end_of_year.two_or_more_or_pending_share_min",
        "procedures.appeal_after_rejection_share", 0.5),
    # The people with a decision are mostly the long stayers: families at the family locations
    # and people at the VBL, whose stay ends when they abscond rarely (a weak lever: the
    # figure moves little with the factor, so the steps are large).
    Fit("repeated_procedures.with_decision", "repeated_procedures_end_of_year.with_decision",
        "outcomes.long_stay_absconding_factor", -0.3),
)  # fmt: skip


def lookup(tree: Mapping[str, Any], dotted: str) -> Any:
    value: Any = tree
    for part in dotted.split("."):
        value = value[part]
    return value


def mean_figure(runs: list[Figures], dotted: str) -> float:
    return statistics.fmean(float(lookup(run, dotted) or 0.0) for run in runs)


@dataclass(frozen=True)
class Iteration:
    number: int
    deviations: dict[str, float]  # figure: simulated / target - 1


def calibrate(
    params: Parameters,
    targets: Mapping[str, Any],
    *,
    year: int,
    seeds: list[int],
    iterations: int,
    damping: float = 0.8,
    report: Callable[[Iteration], None] | None = None,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> Parameters:
    """`progress(iteration)` gives the callback that sees each iteration's replications done."""
    for number in range(1, iterations + 1):
        runs = replicate(params, seeds, year, progress=progress(number) if progress else None)
        deviations, data = {}, params.model_dump()
        for fit in FITS:
            simulated, target = mean_figure(runs, fit.figure), float(lookup(targets, fit.target))
            deviations[fit.figure] = simulated / target - 1 if target else 0.0
            if simulated > 0 and target > 0:
                _scale(data, fit, (target / simulated) ** (damping / fit.direction))
        if report:
            report(Iteration(number, deviations))
        params = Parameters.model_validate(data)
    return params


def _scale(data: dict[str, Any], fit: Fit, factor: float) -> None:
    entry = lookup(data, fit.parameter)
    value = entry["value"] * factor
    if fit.parameter.endswith(("_share", "_factor")) or ".confirmation_share." in fit.parameter:
        value = min(value, 0.98)
    entry["value"] = round(value, 4)
    if not entry["source"].startswith("calibrated"):
        entry["source"] = f"calibrated to {fit.target} ({entry['source']})"


def overrides_toml(params: Parameters) -> str:
    """The fitted parameters as a parameter file (TOML) that overrides the base values."""
    data = params.model_dump()
    tables: dict[str, list[str]] = {}
    for fit in FITS:
        *table, key = fit.parameter.split(".")
        entry = lookup(data, fit.parameter)
        source = entry["source"].replace("\\", "\\\\").replace('"', '\\"')
        line = f'{key} = {{ value = {entry["value"]}, source = "{source}" }}'
        tables.setdefault(".".join(table), []).append(line)
    lines = ["# Written by `terugkeer calibrate`: fitted values of the free rates."]
    for name, entries in tables.items():
        lines += ["", f"[{name}]", *entries]
    return "\n".join(lines) + "\n"
