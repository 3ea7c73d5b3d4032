"""Removal readiness of a Dublin claimant (RULES.md §1, "A Dublin transfer is not a return"):
given the case's events, then what "legally removable" says on a day, and on what ground."""

from __future__ import annotations

from datetime import date

import pytest

from terugkeer.domain.removal import UNACCOMPANIED_MINOR, Readiness, removal_readiness
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.transfer import ClaimStatus, Ground
from terugkeer.rules import load_rules
from tests.unit.domain.builders import Case

ON = date(2023, 3, 10)
#: The deadline of an acceptance on 1 February 2023: six months later (Dublin III art. 29).
DEADLINE = "2023-08-01"


@pytest.fixture(scope="module")
def rules() -> RulesTable:
    return load_rules()


def claimant(*, accepted: bool = True, implicit: bool = False, **intake: object) -> Case:
    """A Dublin claimant held for a transfer to Germany: in detention, available, with a
    laissez-passer and a KMar flight booked; the claim accepted on 1 February unless not."""
    case = Case("2023-01-02", track="dublin", **intake)
    case.add("location_changed", "2023-01-02", kind="detention")
    case.add("detention_started", "2023-01-02", ground="vw59a")
    case.add("travel_document_valid", "2023-01-20", kind="laissez_passer", valid_until="2024-12-31")
    case.add("dublin_claim", "2023-01-10", member_state="DEU", kind="take_back")
    if accepted:
        case.add("dublin_accepted", "2023-02-01", member_state="DEU", implicit=implicit)
    case.add("flight_booked", "2023-03-01", reference="F-1", date="2023-03-20",
             destination="DEU", escort="kmar")  # fmt: skip
    return case


def readiness(case: Case, rules: RulesTable, on: date = ON) -> Readiness:
    return removal_readiness(case.events, on, rules)


def test_a_running_claim_makes_the_claimant_legally_removable(rules: RulesTable) -> None:
    """No return decision and no departure term: the accepted claim is the ground."""
    result = readiness(claimant(), rules)
    condition = result.legally_removable
    assert condition.holds
    assert condition.reason == (
        f"Dublin transfer to DEU: claim accepted 2023-02-01, transfer deadline {DEADLINE}; "
        "no suspensive procedure pending"
    )
    assert (result.ground.kind, result.ground.member_state) == (Ground.DUBLIN_TRANSFER, "DEU")
    assert "art. 26 and 29" in condition.source and "59a" in condition.source
    assert result.ready  # the other three hold as for a return


def test_a_pending_suspensive_procedure_blocks_the_transfer(rules: RulesTable) -> None:
    case = claimant()
    case.add("procedure_started", "2023-03-01", reference="B-1", kind="appeal", suspensive=True)
    condition = readiness(case, rules).legally_removable
    assert not condition.holds
    assert condition.reason == "procedure B-1 (appeal, suspensive) started 2023-03-01 is pending"
    case.add("procedure_decided", "2023-03-09", reference="B-1", outcome="rejected")
    result = readiness(case, rules)
    assert result.legally_removable.holds
    # The deadline runs again from the decision on the appeal (RULES.md §2 step 1).
    assert "transfer deadline 2023-09-09" in result.legally_removable.reason


def test_a_medical_postponement_blocks_the_transfer_whatever_its_flag(rules: RulesTable) -> None:
    """The deadline follows the flag alone, so it keeps running; removal is barred anyway."""
    case = claimant()
    case.add("procedure_started", "2023-03-01", reference="M-1", kind="medical_postponement",
             suspensive=False)  # fmt: skip
    result = readiness(case, rules)
    assert not result.legally_removable.holds
    assert result.legally_removable.reason == (
        "procedure M-1 (medical_postponement, suspensive) started 2023-03-01 is pending"
    )
    assert [c.status for c in result.ground.claims] == [ClaimStatus.RUNNING]


def test_a_suspensive_procedure_from_an_earlier_case_blocks_the_transfer(
    rules: RulesTable,
) -> None:
    earlier = Case("2022-01-02", track="asylum")
    earlier.add("procedure_started", "2022-02-01", reference="OLD", kind="asylum_repeat",
                suspensive=True)  # fmt: skip
    earlier.add("absconded", "2022-05-01")
    current = claimant()
    person = earlier.events + current.events
    condition = removal_readiness(current.events, ON, rules, person_events=person)
    assert not condition.legally_removable.holds
    assert condition.legally_removable.reason == (
        "procedure OLD (asylum_repeat, suspensive) started 2022-02-01 is pending"
    )


def test_the_claim_holds_until_its_deadline_day(rules: RulesTable) -> None:
    assert readiness(claimant(), rules, date(2023, 8, 1)).legally_removable.holds


def test_a_passed_deadline_gives_no_ground(rules: RulesTable) -> None:
    result = readiness(claimant(), rules, date(2023, 8, 2))
    condition = result.legally_removable
    assert not condition.holds
    assert condition.reason == (
        f"transfer deadline to DEU passed on {DEADLINE}: the Netherlands became responsible; "
        "no return_decision on or before 2023-08-02"
    )
    assert result.ground.kind == Ground.RETURN_DECISION
    assert [c.status for c in result.ground.claims] == [ClaimStatus.EXPIRED]


def test_after_the_deadline_a_return_decision_is_the_ground(rules: RulesTable) -> None:
    case = claimant()
    case.add("return_decision", "2023-08-03", departure_term_days=0)
    result = readiness(case, rules, date(2023, 8, 4))
    assert result.legally_removable.holds
    assert result.ground.kind == Ground.RETURN_DECISION
    assert result.legally_removable.reason == (
        f"transfer deadline to DEU passed on {DEADLINE}: the Netherlands became responsible; "
        "departure term ended 2023-08-03, no suspensive procedure pending"
    )
    assert "art. 62-63" in result.legally_removable.source


def test_the_dublin_track_without_a_claim_is_not_legally_removable(rules: RulesTable) -> None:
    """Not even with a return decision whose term has passed: the claim comes first."""
    case = Case("2023-01-02", track="dublin")
    case.add("return_decision", "2023-01-05", departure_term_days=0)
    result = readiness(case, rules)
    assert not result.legally_removable.holds
    assert result.legally_removable.reason == "no accepted Dublin claim on or before 2023-03-10"
    assert (result.ground.kind, result.ground.member_state) == (Ground.DUBLIN_TRANSFER, None)
    assert "Dublin III" in result.legally_removable.source


def test_an_unanswered_claim_is_no_accepted_claim(rules: RulesTable) -> None:
    condition = readiness(claimant(accepted=False), rules).legally_removable
    assert not condition.holds
    assert condition.reason == (
        "no accepted Dublin claim on or before 2023-03-10; "
        "Dublin claim to DEU of 2023-01-10 not yet answered"
    )


def test_an_acceptance_after_the_day_is_not_known_on_it(rules: RulesTable) -> None:
    condition = readiness(claimant(), rules, date(2023, 1, 31)).legally_removable
    assert not condition.holds
    assert condition.reason.startswith("no accepted Dublin claim on or before 2023-01-31; ")


def test_a_refused_claim_follows_the_return_rule(rules: RulesTable) -> None:
    case = claimant(accepted=False)
    case.add("dublin_refused", "2023-02-01", member_state="DEU")
    condition = readiness(case, rules).legally_removable
    assert not condition.holds
    assert condition.reason == (
        "Dublin claim to DEU refused 2023-02-01; no return_decision on or before 2023-03-10"
    )
    case.add("return_decision", "2023-02-05", departure_term_days=28)
    result = readiness(case, rules)
    assert result.legally_removable.holds
    assert result.ground.kind == Ground.RETURN_DECISION


def test_a_refusal_after_an_acceptance_ends_the_claim(rules: RulesTable) -> None:
    case = claimant()
    case.add("dublin_refused", "2023-03-01", member_state="DEU")
    result = readiness(case, rules)
    assert not result.legally_removable.holds
    assert result.ground.kind == Ground.RETURN_DECISION
    assert result.legally_removable.reason.startswith("Dublin claim to DEU refused 2023-03-01; ")


def test_a_return_decision_beside_a_running_claim_gives_no_ground(rules: RulesTable) -> None:
    """The departure term still runs, yet the transfer may be prepared: the claim is the
    ground while it runs, the return decision only once no claim runs."""
    case = claimant()
    case.add("return_decision", "2023-03-05", departure_term_days=28)
    result = readiness(case, rules)
    assert result.legally_removable.holds
    assert result.ground.kind == Ground.DUBLIN_TRANSFER
    assert result.legally_removable.reason.startswith("Dublin transfer to DEU: ")


def test_one_claim_refused_and_another_running(rules: RulesTable) -> None:
    case = claimant(accepted=False)
    case.add("dublin_refused", "2023-01-25", member_state="DEU")
    case.add("dublin_claim", "2023-01-26", member_state="BEL", kind="take_charge")
    case.add("dublin_accepted", "2023-02-10", member_state="BEL", implicit=False)
    result = readiness(case, rules)
    assert result.legally_removable.holds
    assert result.ground.member_state == "BEL"
    assert [(c.member_state, c.status) for c in result.ground.claims] == [
        ("DEU", ClaimStatus.REFUSED),
        ("BEL", ClaimStatus.RUNNING),
    ]
    # A refusal from one member state does not end another's claim.
    case.add("dublin_refused", "2023-03-01", member_state="DEU")
    assert readiness(case, rules).ground.member_state == "BEL"


def test_an_implicit_acceptance_is_an_acceptance(rules: RulesTable) -> None:
    """Silence past the reply deadline is acceptance (Dublin III art. 22(7), 25(2))."""
    result = readiness(claimant(implicit=True), rules)
    assert result.legally_removable.holds
    assert result.ground.transfer is not None and result.ground.transfer.implicit


def test_a_deadline_held_by_a_pending_procedure_keeps_the_claim(rules: RulesTable) -> None:
    """An appeal started after the acceptance holds the deadline: on a day past the six
    months the claim still runs (blocked by the appeal), and after the decision a new
    deadline runs from it."""
    case = claimant()
    case.add("procedure_started", "2023-02-15", reference="B-2", kind="appeal", suspensive=True)
    later = date(2023, 9, 1)
    result = readiness(case, rules, later)
    claim = result.ground.transfer
    assert claim is not None and claim.status == ClaimStatus.HELD and claim.deadline is None
    assert result.legally_removable.reason == (
        "procedure B-2 (appeal, suspensive) started 2023-02-15 is pending"
    )
    case.add("procedure_decided", "2023-09-05", reference="B-2", outcome="rejected")
    after = readiness(case, rules, date(2023, 9, 6))
    assert after.legally_removable.holds
    assert "transfer deadline 2024-03-05" in after.legally_removable.reason


def test_an_unanswered_claim_outside_the_dublin_track_follows_the_return_rule(
    rules: RulesTable,
) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("return_decision", "2023-01-05", departure_term_days=0)
    case.add("dublin_claim", "2023-01-10", member_state="DEU", kind="take_back")
    result = readiness(case, rules)
    assert result.legally_removable.holds
    assert result.ground.kind == Ground.RETURN_DECISION
    assert result.legally_removable.reason.startswith(
        "Dublin claim to DEU of 2023-01-10 not yet answered; departure term ended"
    )


def test_an_unaccompanied_minor_is_never_reported_ready_for_a_transfer(
    rules: RulesTable,
) -> None:
    result = readiness(claimant(unaccompanied_minor=True), rules)
    assert all(c.holds for c in result.conditions)
    assert not result.ready
    assert result.safeguard_notes == (UNACCOMPANIED_MINOR,)


def test_the_other_three_conditions_are_the_same_for_a_transfer(rules: RulesTable) -> None:
    case = claimant()
    case.add("detention_ended", "2023-03-05", reason="released_by_court")
    result = readiness(case, rules)
    assert result.legally_removable.holds
    assert not result.in_detention.holds
    assert not result.ready


def test_a_claim_older_than_every_dublin_rule_gives_no_ground(rules: RulesTable) -> None:
    """No deadline can be computed before Dublin II (the rules table's first regime): the
    claim is named and the return rule applies."""
    case = Case("2002-01-02", track="dublin")
    case.add("dublin_accepted", "2002-02-01", member_state="DEU", implicit=False)
    result = readiness(case, rules, date(2002, 3, 1))
    assert result.ground.kind == Ground.RETURN_DECISION
    assert result.legally_removable.reason == (
        "Dublin claim to DEU accepted 2002-02-01: no rule of the rules table gives its "
        "transfer deadline; no return_decision on or before 2002-03-01"
    )
