"""Back-test: the calibrated model driven by another year's inflow, next to that year's figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from terugkeer.simulation.calibration import mean_figure
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.replications import replicate

#: (column, figure in the key figures, key in the published year)
COLUMNS = (
    ("inflow", "inflow", "inflow"),
    ("independent", "closed_procedures.independent_departure", "independent_departure"),
    ("forced", "closed_procedures.forced_departure", "forced_departure"),
    ("absconded", "closed_procedures.absconded", "absconded"),
)


def backtest(
    params: Parameters, published: Mapping[str, Mapping[str, Any]], years: list[int], seeds: int
) -> str:
    """A Markdown table: per year, simulated (mean over seeds) / published for each column."""
    header = "| year | " + " | ".join(f"{name} sim / pub" for name, _, _ in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 1)]
    for year in years:
        # The simulated year's inflow is the published one; the warm-up takes the history.
        inflow = params.inflow.model_copy(
            update={
                "per_year": params.inflow.per_year.model_copy(
                    update={"value": published[str(year)]["inflow"], "source": f"published {year}"}
                )
            }
        )
        runs = replicate(params.model_copy(update={"inflow": inflow}), range(1, seeds + 1), year)
        cells = []
        for _, figure, key in COLUMNS:
            simulated, actual = mean_figure(runs, figure), published[str(year)].get(key)
            cells.append(f"{simulated:,.0f} / {actual:,}" if actual else f"{simulated:,.0f} / -")
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
