from __future__ import annotations

from datetime import date

import pytest

from terugkeer.domain.dublin import DublinDeadline, dublin_deadlines
from terugkeer.domain.rules import RulesTable, with_ammr_from
from terugkeer.rules import load_rules
from tests.unit.domain.builders import Case


@pytest.fixture(scope="module")
def rules() -> RulesTable:
    return load_rules()


def accepted_case(accepted: str = "2023-02-15", claim: str | None = "2023-01-10") -> Case:
    case = Case("2022-12-01" if accepted < "2023-01-02" else "2023-01-02")
    if claim is not None:
        case.add("dublin_claim", claim, member_state="ITA", kind="take_charge")
    case.add("dublin_accepted", accepted, member_state="ITA", implicit=False)
    return case


def only(case: Case, rules: RulesTable) -> DublinDeadline:
    (deadline,) = dublin_deadlines(case.events, rules)
    return deadline


def test_plain_six_months(rules: RulesTable) -> None:
    case = accepted_case()
    result = only(case, rules)
    [accepted] = [e for e in case.events if e.type == "dublin_accepted"]
    assert result.accepted_seq == accepted.seq
    assert (result.member_state, result.regime) == ("ITA", "dublin_iii")
    assert (result.base_date, result.deadline) == (date(2023, 2, 15), date(2023, 8, 15))
    assert not result.extended_for_imprisonment
    assert (result.transferred, result.expired) == (False, True)


@pytest.mark.parametrize(
    ("accepted", "deadline"), [("2022-12-31", date(2023, 6, 30)), ("2023-08-31", date(2024, 2, 29))]
)
def test_month_end_becomes_last_day(rules: RulesTable, accepted: str, deadline: date) -> None:
    assert only(accepted_case(accepted, claim=None), rules).deadline == deadline


def test_decided_suspensive_appeal_moves_the_base_date(rules: RulesTable) -> None:
    case = accepted_case()
    case.add("procedure_started", "2023-02-20", reference="A-1", kind="appeal", suspensive=True)
    case.add("procedure_started", "2023-03-01", reference="A-2", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-04-03", reference="A-2", outcome="rejected")
    case.add("procedure_decided", "2023-04-20", reference="A-1", outcome="rejected")
    result = only(case, rules)
    assert (result.base_date, result.deadline) == (date(2023, 4, 20), date(2023, 10, 20))


@pytest.mark.parametrize(("started", "suspensive"), [("2023-02-10", True), ("2023-02-20", False)])
def test_procedure_before_acceptance_or_non_suspensive_does_not_move_it(
    rules: RulesTable, started: str, suspensive: bool
) -> None:
    case = accepted_case()
    case.add("procedure_started", started, reference="A-1", kind="appeal", suspensive=suspensive)
    case.add("procedure_decided", "2023-04-03", reference="A-1", outcome="rejected")
    assert only(case, rules).deadline == date(2023, 8, 15)


def test_pending_appeal_holds_the_deadline(rules: RulesTable) -> None:
    case = accepted_case()
    case.add("procedure_started", "2023-02-20", reference="A-1", kind="appeal", suspensive=True)
    result = only(case, rules)
    assert (result.deadline, result.suspended_by) == (None, "A-1")
    assert (result.expired, result.transferred, result.extended_for_imprisonment) == (
        False,
        False,
        False,
    )


def test_procedure_started_after_the_deadline_does_not_revive(rules: RulesTable) -> None:
    case = accepted_case()
    case.add(
        "procedure_started",
        "2023-08-16T00:30:00+02:00",
        reference="A-1",
        kind="asylum_repeat",
        suspensive=True,
    )
    case.add("procedure_decided", "2023-09-01", reference="A-1", outcome="rejected")
    result = only(case, rules)
    assert (result.base_date, result.deadline, result.expired) == (
        date(2023, 2, 15),
        date(2023, 8, 15),
        True,
    )


def test_procedure_started_on_the_deadline_day_still_holds_it(rules: RulesTable) -> None:
    case = accepted_case()
    case.add(
        "procedure_started",
        "2023-08-15T23:30:00+02:00",
        reference="A-1",
        kind="appeal",
        suspensive=True,
    )
    assert only(case, rules).deadline is None
    case.add("procedure_decided", "2023-09-01", reference="A-1", outcome="rejected")
    assert only(case, rules).deadline == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("moves", "extended"),
    [
        ([("2023-05-01", "prison"), ("2023-06-01", "azc")], True),  # within the window
        ([("2023-01-20", "prison")], True),  # began before the base date, still held
        ([("2023-01-20", "prison"), ("2023-02-14", "azc")], False),  # ended before the base date
        ([("2023-08-15T23:30:00+02:00", "prison")], True),  # last moment of the 6-month day
        ([("2023-08-16T00:30:00+02:00", "prison")], False),  # after the 6-month deadline passed
    ],
)
def test_prison_extends_to_twelve_months(
    rules: RulesTable, moves: list[tuple[str, str]], extended: bool
) -> None:
    case = accepted_case()
    for moment, kind in moves:
        case.add("location_changed", moment, kind=kind)
    result = only(case, rules)
    assert result.extended_for_imprisonment is extended
    assert result.deadline == (date(2024, 2, 15) if extended else date(2023, 8, 15))


def test_prison_window_starts_at_the_moved_base_date(rules: RulesTable) -> None:
    case = accepted_case()
    case.add("location_changed", "2023-02-16", kind="prison")
    case.add("procedure_started", "2023-02-20", reference="A-1", kind="appeal", suspensive=True)
    case.add("location_changed", "2023-03-01", kind="azc")
    case.add("procedure_decided", "2023-04-03", reference="A-1", outcome="rejected")
    assert only(case, rules).deadline == date(2023, 10, 3)


def test_transfer_before_the_deadline_is_not_expired(rules: RulesTable) -> None:
    case = accepted_case()
    case.add(
        "departed",
        "2023-06-01",
        mode="forced",
        destination="ITA",
        dublin_transfer=True,
        evidence="escorted",
    )
    result = only(case, rules)
    assert (result.transferred, result.expired) == (True, False)


@pytest.mark.parametrize("closing", ["absconded", "exit_without_departure"])
def test_case_closed_before_the_deadline_is_not_expired(rules: RulesTable, closing: str) -> None:
    case = accepted_case()
    data = {"reason": "asylum_procedure"} if closing == "exit_without_departure" else {}
    case.add(closing, "2023-06-01", **data)
    result = only(case, rules)
    assert (result.transferred, result.expired) == (False, False)


@pytest.mark.parametrize(
    ("claim", "accepted", "regime"),
    [
        ("2026-06-11", "2026-06-20", "dublin_iii"),
        ("2026-06-12", "2026-06-20", "ammr"),
        (None, "2026-06-12", "ammr"),  # no claim: the acceptance date decides
    ],
)
def test_regime_is_chosen_by_the_claim_date(
    rules: RulesTable, claim: str | None, accepted: str, regime: str
) -> None:
    assert only(accepted_case(accepted, claim), rules).regime == regime


def test_ammr_start_date_is_configurable(rules: RulesTable) -> None:
    case = accepted_case("2026-06-25", "2026-06-20")
    assert only(case, with_ammr_from(rules, date(2026, 7, 1))).regime == "dublin_iii"
    assert only(case, rules).regime == "ammr"


def test_latest_claim_for_the_same_member_state_decides(rules: RulesTable) -> None:
    case = accepted_case("2026-06-25", claim="2026-06-01")
    case.add("dublin_claim", "2026-06-15", member_state="DEU", kind="take_back")
    assert only(case, rules).regime == "dublin_iii"


def test_ammr_imprisonment_is_one_year(rules: RulesTable) -> None:
    case = accepted_case("2026-08-31", "2026-07-01")
    case.add("location_changed", "2026-09-01", kind="prison")
    result = only(case, rules)
    assert (result.regime, result.deadline) == ("ammr", date(2027, 8, 31))


@pytest.mark.parametrize(
    ("departed_at", "transferred"),
    [
        ("2023-08-15T23:30:00+02:00", True),  # local 23:30 on the deadline day
        ("2023-08-16T00:30:00+02:00", False),  # local 00:30 the next day
        ("2023-03-25T22:30:00Z", True),  # winter time: local 23:30 on 2023-03-25
        ("2023-03-25T23:30:00Z", False),  # local 00:30 on 2023-03-26 (DST night)
    ],
)
def test_transfer_at_the_edge_of_the_deadline_day(
    rules: RulesTable, departed_at: str, transferred: bool
) -> None:
    accepted = "2023-02-15" if departed_at.startswith("2023-08") else "2022-09-25"
    case = accepted_case(accepted, claim=None)
    case.add(
        "departed",
        departed_at,
        mode="forced",
        destination="ITA",
        dublin_transfer=True,
        evidence="escorted",
    )
    result = only(case, rules)
    assert (result.transferred, result.expired) == (transferred, not transferred)


def test_acceptance_date_is_the_amsterdam_date(rules: RulesTable) -> None:
    case = accepted_case("2022-09-24T23:30:00Z", claim=None)  # local 2022-09-25 01:30
    assert only(case, rules).base_date == date(2022, 9, 25)


def test_one_deadline_per_acceptance_in_order(rules: RulesTable) -> None:
    case = accepted_case()
    case.add("dublin_claim", "2023-03-01", member_state="DEU", kind="take_back")
    case.add("dublin_accepted", "2023-03-10", member_state="DEU", implicit=True)
    results = dublin_deadlines(case.events, rules)
    assert [(r.member_state, r.deadline) for r in results] == [
        ("ITA", date(2023, 8, 15)),
        ("DEU", date(2023, 9, 10)),
    ]


def test_a_claim_older_than_every_regime_has_no_deadline_and_does_not_fail(
    rules: RulesTable,
) -> None:
    case = Case("2002-05-01")
    case.add("dublin_accepted", "2002-06-01", member_state="ITA", implicit=True)
    result = only(case, rules)
    assert (result.regime, result.deadline, result.expired) == ("none", None, False)


def test_a_decision_dated_before_its_start_does_not_freeze_the_deadline(
    rules: RulesTable,
) -> None:
    """The format lets a decision be dated before its start; the procedure then holds nothing
    and the base date becomes the start date (the later of the two)."""
    case = accepted_case("2023-02-15")  # received in this order: the decision refers to the start
    case.add("procedure_started", "2023-03-10", reference="A", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-03-01", reference="A", outcome="rejected")
    result = only(case, rules)
    assert (result.base_date, result.deadline) == (date(2023, 3, 10), date(2023, 9, 10))


def test_a_reference_started_again_holds_the_deadline_again(rules: RulesTable) -> None:
    """Once decided, a reference may be started again (EVENTS.md): the new start is pending
    until its own decision, which becomes the base date."""
    case = accepted_case("2023-02-15")
    case.add("procedure_started", "2023-03-01", reference="A", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-03-20", reference="A", outcome="rejected")
    case.add("procedure_started", "2023-04-01", reference="A", kind="appeal", suspensive=True)
    held = only(case, rules)
    assert (held.deadline, held.suspended_by) == (None, "A")
    case.add("procedure_decided", "2023-05-02", reference="A", outcome="rejected")
    result = only(case, rules)
    assert (result.base_date, result.deadline) == (date(2023, 5, 2), date(2023, 11, 2))
