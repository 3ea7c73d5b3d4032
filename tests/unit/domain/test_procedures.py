"""Pairing a decision with the start it refers to: the latest start of its reference received
before it (EVENTS.md, "References"), across the person's cases."""

from __future__ import annotations

from datetime import date

from terugkeer.domain.calendar import end_of_day_micros
from terugkeer.domain.procedures import procedures
from tests.unit.domain.builders import Case


def test_a_decision_decides_the_latest_start_received_before_it() -> None:
    case = Case("2023-01-02")
    first = case.add("procedure_started", "2023-01-05", reference="A", kind="asylum",
                     suspensive=True)  # fmt: skip
    decided = case.add("procedure_decided", "2023-01-20", reference="A", outcome="rejected")
    again = case.add("procedure_started", "2023-02-01", reference="A", kind="appeal",
                     suspensive=True)  # fmt: skip
    found = procedures(case.events)
    assert [(p.start, p.decision) for p in found] == [(first, decided), (again, None)]
    on = end_of_day_micros(date(2023, 3, 1))
    assert (found[0].pending_before(on), found[1].pending_before(on)) == (False, True)


def test_medical_postponement_blocks_removal_whatever_its_flag() -> None:
    case = Case("2023-01-02")
    case.add("procedure_started", "2023-01-05", reference="M", kind="medical_postponement",
             suspensive=False)  # fmt: skip
    case.add("procedure_started", "2023-01-06", reference="R", kind="regular", suspensive=False)
    medical, regular = procedures(case.events)
    assert (medical.blocks_removal, medical.flagged_suspensive) == (True, False)
    assert not regular.blocks_removal
