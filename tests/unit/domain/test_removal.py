from __future__ import annotations

from datetime import date

import pytest

from terugkeer.domain.removal import UNACCOMPANIED_MINOR, Readiness, removal_readiness
from terugkeer.domain.rules import RulesTable
from terugkeer.rules import load_rules
from tests.unit.domain.builders import Case

ON = date(2023, 3, 10)
PARTS = ("decision", "location", "detention", "document")


@pytest.fixture(scope="module")
def rules() -> RulesTable:
    return load_rules()


def ready_case(*, without: str = "", **intake: object) -> Case:
    """A case in which all four conditions hold on ON, minus the part named in `without`. On the
    asylum track: a Dublin claimant's return decision gives no ground (test_transfer.py)."""
    case = Case("2023-01-02", **{"track": "asylum", **intake})
    if without != "decision":
        case.add("return_decision", "2023-02-01", departure_term_days=28)
    if without != "document":
        case.add("travel_document_valid", "2023-02-15", kind="passport", valid_until="2023-06-30")
    if without != "location":
        case.add("location_changed", "2023-03-02", kind="detention")
    if without != "detention":
        case.add("detention_started", "2023-03-02", ground="vw59")
    return case


def readiness(case: Case, rules: RulesTable, on: date = ON) -> Readiness:
    return removal_readiness(case.events, on, rules)


def test_all_four_hold_then_ready(rules: RulesTable) -> None:
    result = readiness(ready_case(), rules)
    assert result.ready
    assert [c.holds for c in result.conditions] == [True] * 4
    assert result.legally_removable.reason == (
        "departure term ended 2023-03-01, no suspensive procedure pending"
    )
    assert result.travel_document.reason == "passport valid until 2023-06-30"


def test_conditions_carry_dutch_labels(rules: RulesTable) -> None:
    labels = [c.label_nl for c in readiness(ready_case(), rules).conditions]
    assert labels == ["juridisch uitzetbaar", "beschikbaar", "in bewaring", "geldig reisdocument"]


@pytest.mark.parametrize(
    ("without", "key", "reason"),
    [
        ("decision", "legally_removable", "no return_decision on or before 2023-03-10"),
        (
            "location",
            "available",
            "no location_changed on or before 2023-03-10; in detention since 2023-03-02",
        ),
        ("detention", "in_detention", "no detention_started on or before 2023-03-10"),
        ("document", "travel_document", "no travel_document_valid on or before 2023-03-10"),
    ],
)
def test_each_condition_failing_alone(
    rules: RulesTable, without: str, key: str, reason: str
) -> None:
    result = readiness(ready_case(without=without), rules)
    assert not result.ready
    failing = [c for c in result.conditions if not c.holds]
    assert [(c.key, c.reason) for c in failing] == [(key, reason)]


@pytest.mark.parametrize(("on", "holds"), [(date(2023, 3, 1), False), (date(2023, 3, 2), True)])
def test_departure_term_must_have_passed(rules: RulesTable, on: date, holds: bool) -> None:
    condition = readiness(ready_case(), rules, on).legally_removable
    assert condition.holds is holds
    if not holds:
        assert condition.reason == "departure term runs until 2023-03-01"


def test_departure_term_zero_passes_the_next_day(rules: RulesTable) -> None:
    case = ready_case(without="decision")
    case.add("return_decision", "2023-03-09", departure_term_days=0)
    assert not readiness(case, rules, date(2023, 3, 9)).legally_removable.holds
    assert readiness(case, rules, date(2023, 3, 10)).legally_removable.holds


def test_pending_suspensive_procedure_blocks(rules: RulesTable) -> None:
    case = ready_case()
    case.add(
        "procedure_started", "2023-03-01", reference="P-12", kind="asylum_repeat", suspensive=True
    )
    condition = readiness(case, rules).legally_removable
    assert not condition.holds
    assert (
        condition.reason
        == "procedure P-12 (asylum_repeat, suspensive) started 2023-03-01 is pending"
    )


def test_decided_suspensive_procedure_no_longer_blocks(rules: RulesTable) -> None:
    case = ready_case()
    case.add("procedure_started", "2023-03-01", reference="P-12", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-03-12", reference="P-12", outcome="rejected")
    assert not readiness(case, rules, date(2023, 3, 11)).legally_removable.holds  # not decided yet
    assert readiness(case, rules, date(2023, 3, 12)).legally_removable.holds


def test_non_suspensive_procedure_does_not_block(rules: RulesTable) -> None:
    case = ready_case()
    case.add("procedure_started", "2023-03-01", reference="P-13", kind="regular", suspensive=False)
    assert readiness(case, rules).ready


@pytest.mark.parametrize("flag", [True, False])
def test_pending_medical_postponement_blocks_whatever_its_flag(
    rules: RulesTable, flag: bool
) -> None:
    """RULES.md §1: a medical postponement (Vw art. 64) bars removal even when a sender marked
    it `suspensive: false`."""
    case = ready_case()
    case.add(
        "procedure_started",
        "2023-03-03",
        reference="M-1",
        kind="medical_postponement",
        suspensive=flag,
    )
    result = readiness(case, rules)
    assert not result.ready
    assert "M-1 (medical_postponement, suspensive)" in result.legally_removable.reason
    case.add("procedure_decided", "2023-03-09", reference="M-1", outcome="rejected")
    assert readiness(case, rules).ready


def test_a_suspensive_procedure_pending_from_an_earlier_case_blocks(rules: RulesTable) -> None:
    """RULES.md §1: no suspensive procedure of the person, in any of their cases."""
    earlier = Case("2022-01-02")
    earlier.add("procedure_started", "2022-02-01", reference="OLD", kind="asylum_repeat",
                suspensive=True)  # fmt: skip
    earlier.add("absconded", "2022-05-01")
    current = ready_case()
    person = earlier.events + current.events
    result = removal_readiness(current.events, ON, rules, person_events=person)
    assert not result.legally_removable.holds
    assert result.legally_removable.reason == (
        "procedure OLD (asylum_repeat, suspensive) started 2022-02-01 is pending"
    )
    assert readiness(current, rules).ready  # the case alone would look ready


def test_each_condition_names_its_legal_source(rules: RulesTable) -> None:
    result = readiness(ready_case(), rules)
    sources = {c.key: c.source for c in result.conditions}
    assert "art. 64" in sources["legally_removable"]
    assert "art. 59" in sources["in_detention"]
    assert all(sources.values())


def test_missing_decision_and_pending_procedure_are_both_named(rules: RulesTable) -> None:
    case = ready_case(without="decision")
    case.add("procedure_started", "2023-03-01", reference="P-1", kind="asylum", suspensive=True)
    reason = readiness(case, rules).legally_removable.reason
    assert reason.startswith("no return_decision on or before 2023-03-10; procedure P-1 ")


def test_location_unknown_makes_unavailable(rules: RulesTable) -> None:
    case = ready_case()
    case.add("location_changed", "2023-03-05", kind="unknown")
    case.add("location_changed", "2023-03-11", kind="vbl")  # after D: not known on D
    condition = readiness(case, rules).available
    assert (condition.holds, condition.reason) == (False, "location unknown since 2023-03-05")
    assert readiness(case, rules, date(2023, 3, 11)).available.holds


def test_detention_ended(rules: RulesTable) -> None:
    case = ready_case()
    case.add("detention_ended", "2023-03-08", reason="released_by_court")
    condition = readiness(case, rules).in_detention
    assert (condition.holds, condition.reason) == (
        False,
        "detention ended 2023-03-08 (released_by_court)",
    )
    case.add("detention_started", "2023-03-09", ground="vw59")
    assert readiness(case, rules).in_detention.holds


@pytest.mark.parametrize(("on", "holds"), [(date(2023, 6, 30), True), (date(2023, 7, 1), False)])
def test_travel_document_valid_until_d(rules: RulesTable, on: date, holds: bool) -> None:
    case = ready_case()
    condition = readiness(case, rules, on).travel_document
    assert condition.holds is holds
    if not holds:
        assert condition.reason == "travel document valid until 2023-06-30, before 2023-07-01"


def test_latest_travel_document_counts(rules: RulesTable) -> None:
    case = ready_case()
    case.add("travel_document_valid", "2023-03-05", kind="laissez_passer", valid_until="2023-03-09")
    assert not readiness(case, rules).travel_document.holds


def test_unaccompanied_minor_is_never_ready(rules: RulesTable) -> None:
    result = readiness(ready_case(unaccompanied_minor=True), rules)
    assert all(c.holds for c in result.conditions)
    assert not result.ready
    assert result.safeguard_notes == (UNACCOMPANIED_MINOR,)
    assert "Return Directive art. 10" in result.safeguards[0]


def test_closed_case_is_not_ready(rules: RulesTable) -> None:
    case = ready_case()
    case.add("exit_without_departure", "2023-03-09", reason="residence_permit")
    assert readiness(case, rules).safeguards == (
        "the case was closed by exit_without_departure on 2023-03-09",
    )


@pytest.mark.parametrize(
    ("moment", "in_detention_on_d"),
    [
        ("2023-03-10T23:30:00+01:00", False),  # local 23:30 on D: on or before D
        ("2023-03-11T00:30:00+01:00", True),  # local 00:30 the next day: not yet
    ],
)
def test_on_or_before_d_is_the_amsterdam_date(
    rules: RulesTable, moment: str, in_detention_on_d: bool
) -> None:
    case = ready_case()
    case.add("detention_ended", moment, reason="other")
    assert readiness(case, rules).in_detention.holds is in_detention_on_d


def test_daylight_saving_night_counts_by_local_date(rules: RulesTable) -> None:
    case = ready_case()
    case.add("detention_ended", "2023-03-25T23:30:00Z", reason="other")  # local 2023-03-26
    assert readiness(case, rules, date(2023, 3, 25)).in_detention.holds
    assert not readiness(case, rules, date(2023, 3, 26)).in_detention.holds
