"""A small simulated world for tests: the model's structure at a fraction of the cost."""

from __future__ import annotations

from terugkeer.simulation.params import Parameters


def small_world(params: Parameters, per_year: float, warm_up_years: int = 1) -> Parameters:
    """`per_year` intakes in every year (no published history) and a short warm-up."""
    inflow = params.inflow.model_copy(update={
        "per_year": params.inflow.per_year.model_copy(update={"value": per_year}),
        "history_per_year": {},
    })  # fmt: skip
    return params.model_copy(update={"warm_up_years": warm_up_years, "inflow": inflow})
