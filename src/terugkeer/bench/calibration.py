"""`terugkeer bench calibration`: how close the calibrated model comes to a year's published
figures, over several seeds at full scale (ten seeds take about ten minutes on two cores).

It was a test; it is a benchmark so that the test suite stays fast. Its smaller sibling in the
tests runs the same path at a quarter of the inflow. The targets are read from the file given,
never by the product: the outputs are the model's.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from terugkeer.simulation.calibration import lookup
from terugkeer.simulation.params import Parameters, Value
from terugkeer.simulation.replications import Figures, replicate

EXITS = "closed_procedures.exit_without_departure"

#: (figure in the key figures, figure in the published file, e.g. figures-2023.json)
HEADLINES = (
    ("inflow", "inflow"),
    ("departure_interviews", "departure_interviews"),
    ("closed_procedures.independent_departure", "closed_procedures.independent_departure"),
    ("closed_procedures.forced_departure", "closed_procedures.forced_departure"),
    ("closed_procedures.absconded", "closed_procedures.absconded"),
    (f"{EXITS}.total", f"{EXITS}.total"),
    (f"{EXITS}.asylum_procedure", f"{EXITS}.asylum_procedure"),
    (f"{EXITS}.residence_permit", f"{EXITS}.residence_permit"),
    (f"{EXITS}.other", f"{EXITS}.other"),
    ("flights_booked", "flights_booked"),
    ("travel_document_requests", "travel_document_requests"),
    ("nationality_confirmations", "nationality_confirmations"),
    ("dublin.transferred", "dublin.transferred"),
    ("dublin.expired", "dublin.expired"),
    ("at_emergency_reception", "at_emergency_reception_end_of_year"),
    ("repeated_procedures.four_or_more", "repeated_procedures_end_of_year.four_or_more"),
    ("repeated_procedures.two_or_more_or_pending_share",
     "repeated_procedures_end_of_year.two_or_more_or_pending_share_min"),
    ("repeated_procedures.with_decision", "repeated_procedures_end_of_year.with_decision"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Headline:
    figure: str
    published: float
    simulated: float  # the mean over the seeds, divided by the scale for counts

    @property
    def deviation(self) -> float:
        return self.simulated / self.published - 1 if self.published else 0.0


def scaled(params: Parameters, scale: float) -> Parameters:
    """The parameters with `scale` of the inflow (every year's), everything else as it is:
    counts then come out at about `scale` of the full model's, shares the same."""
    inflow = params.inflow

    def times(value: Value) -> Value:
        return Value(value=value.value * scale, source=value.source)

    smaller = inflow.model_copy(update={
        "per_year": times(inflow.per_year),
        "history_per_year": {y: times(v) for y, v in inflow.history_per_year.items()},
    })  # fmt: skip
    return params.model_copy(update={"inflow": smaller})


def headlines(
    params: Parameters,
    published: Mapping[str, Any],
    *,
    year: int,
    seeds: int,
    scale: float = 1.0,
    progress: Callable[[int], None] | None = None,
) -> list[Headline]:
    """Each headline figure, published next to simulated (simulate → import → key figures per
    seed), counts divided by `scale` so that they read against the published ones."""
    runs = replicate(scaled(params, scale), range(1, seeds + 1), year, progress=progress)
    return [_headline(runs, figure, float(lookup(published, key)), scale)
            for figure, key in HEADLINES]  # fmt: skip


def _headline(runs: list[Figures], figure: str, published: float, scale: float) -> Headline:
    mean = statistics.fmean(float(lookup(run, figure) or 0.0) for run in runs)
    share = figure.endswith("_share")
    return Headline(figure, published, mean if share else mean / scale)
