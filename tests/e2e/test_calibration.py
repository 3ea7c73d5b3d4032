"""Calibration: one simulated 2023, through simulate → import → report key-figures, reproduces
the published figures within ±5% on average over 10 seeds. The outputs are the model's: the
targets are read here, by the test, and nowhere by the product."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from terugkeer.simulation.calibration import lookup
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.replications import replicate

pytestmark = pytest.mark.slow
PUBLISHED = Path(__file__).resolve().parents[3] / "shared" / "domain" / "figures-2023.json"
EXITS = "closed_procedures.exit_without_departure"

#: (figure in the key figures, figure in figures-2023.json)
HEADLINES = [
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
]  # fmt: skip


@pytest.fixture(scope="module")
def runs() -> list[dict[str, object]]:
    if not PUBLISHED.is_file():
        pytest.fail(f"the published figures are missing: {PUBLISHED}")
    return replicate(load_parameters(), range(1, 11), 2023)


@pytest.mark.parametrize(("figure", "published"), HEADLINES)
def test_headline_within_five_percent(
    runs: list[dict[str, object]], figure: str, published: str
) -> None:
    target = float(lookup(json.loads(PUBLISHED.read_text()), published))
    simulated = statistics.fmean(float(lookup(run, figure)) for run in runs)  # type: ignore[arg-type]
    assert simulated == pytest.approx(target, rel=0.05), f"{figure}: {simulated:.0f} vs {target}"
