"""Taking over a caseload: cohort counts from the store become people in the model.

For a forecast the model does not warm up: it starts at the beginning of the day after the
caseload's date (model day 0) with one new, anonymous person per counted case of each cohort.
Each writes a short history dated before day 0 — intake, location, decisions, the pending
procedure, document, detention, Dublin claim — so that the imported store has the caseload's
state (the figures "at the end of a month" count it), and then continues where the cohort
stands: the model's waits are memoryless, and where they are not (the 12-month withdrawal, the
detention maximum, the Dublin deadline) the month kept in the cohort dates them.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import simpy

from terugkeer.chain_events.countries import NATIONALITY_ONLY
from terugkeer.domain.calendar import AMSTERDAM, add_months
from terugkeer.domain.cohorts import MAX_MONTHS_OPEN, AwayCohort, Cohort
from terugkeer.simulation.dublin_path import (
    after_acceptance,
    dublin_claim,
    dublin_path,
    transferred,
)
from terugkeer.simulation.dublin_path import dublin_refused as refused_path
from terugkeer.simulation.person import MINUTE, YEAR, Person, pick, wait
from terugkeer.simulation.return_path import decide_return, return_decision_after, return_loop
from terugkeer.simulation.world_api import WorldApi

MONTH = YEAR / 12
#: A date kept only to its month stands for the middle of that month.
MID_MONTH = 15


def seed_caseload(world: WorldApi, cohorts: Iterable[tuple[Cohort, int]]) -> int:
    """Add one person (or family) per counted unit; their histories are written at once.
    Returns the persons added."""
    added = 0
    for cohort, count in cohorts:
        for _ in range(count):
            person = _person(world, cohort)
            _history(world, person, cohort)
            world.env.process(_continue(world, person, cohort))
            added += cohort.persons
    return added


def seed_away(world: WorldApi, away: Iterable[tuple[AwayCohort, int]]) -> int:
    """People in a new asylum procedure who may come back: each gets their closed case as
    history (decisions, the asylum application, the exit) and, if their application will be
    rejected, a place in the queue of people coming back. Returns how many will."""
    reentry, back = world.params.reentry, 0
    as_of = world.emitter.at(-1 / 24).date()
    for cohort, count in away:
        left = _day(world, add_months(as_of, -cohort.months_away))
        for _ in range(count):
            rng, v_number = world.identity()
            cooperating = rng.random() < world.params.interviews.cooperating_share_at_intake.value
            person = Person(
                v_number=v_number, nationality=cohort.nationality, track="asylum", rng=rng,
                cooperating=cooperating, decisions=cohort.decisions,
            )  # fmt: skip
            day = left - 60
            intake = {"nationality": cohort.nationality, "track": "asylum"}
            world.emitter.emit(day, "intake", v_number, intake, "IND")
            for _ in range(cohort.decisions):
                reference = person.reference("P")
                started = {"reference": reference, "kind": "appeal", "suspensive": False}
                world.emitter.emit(day := day + MINUTE, "procedure_started", v_number, started)
                decided = {"reference": reference, "outcome": "rejected"}
                world.emitter.emit(day := day + MINUTE, "procedure_decided", v_number, decided)
            reference = person.reference("P")
            world.emitter.emit(
                left,
                "procedure_started",
                v_number,
                {"reference": reference, "kind": "asylum", "suspensive": True},
            )
            world.emitter.emit(left, "exit_without_departure", v_number,
                               {"reason": "asylum_procedure"})  # fmt: skip
            # Coming back is decided when leaving; after months away without it, less likely.
            share, mean = reentry.after_asylum_procedure_share.value, reentry.after_days_mean.value
            still = share * math.exp(left / mean) if mean else 0.0  # left < 0
            if rng.random() >= still / (1 - share + still):
                continue
            person.pending = {"reference": reference, "appeals": 0, "suspensive": True,
                              "until": math.inf}  # fmt: skip
            world.queue_return(person, ready=wait(rng, mean))
            back += 1
    return back


def _person(world: WorldApi, cohort: Cohort) -> Person:
    rng, v_number = world.identity()
    stance = cohort.stance
    cooperating = (
        stance == "cooperating"
        if stance
        else rng.random() < world.params.interviews.cooperating_share_at_intake.value
    )
    return Person(
        v_number=v_number,
        nationality=cohort.nationality,
        track=cohort.track,
        rng=rng,
        cooperating=cooperating,
        decisions=cohort.decisions,
        unaccompanied_minor=cohort.unaccompanied_minor,
        family=world.family_id() if cohort.persons > 1 else None,
        members=tuple(world.v_number(rng) for _ in range(cohort.persons - 1)),
        location=cohort.location or "azc",
    )


def _day(world: WorldApi, month: date, latest: float = -1 / 24) -> float:
    """The model day of the middle of `month`, but before day 0 (at most `latest`)."""
    moment = datetime.combine(month.replace(day=MID_MONTH), time(12), AMSTERDAM)
    return min(world.day(moment), latest)


def _history(world: WorldApi, person: Person, cohort: Cohort) -> None:
    """The caseload's state as events dated before day 0, in time order per person. Each fact
    is (day, type, data, tag); the person's state is set from the tagged facts' final days."""
    facts: list[tuple[float, str, dict[str, Any], str]] = []
    as_of = world.emitter.at(-1 / 24).date()  # the caseload's day; model day 0 is the next
    if cohort.location:
        facts.append((-2.0, "location_changed", {"kind": cohort.location}, ""))
    for _ in range(cohort.decisions):
        reference = person.reference("P")
        started = {"reference": reference, "kind": "appeal", "suspensive": False}
        facts.append((-3.0, "procedure_started", started, ""))
        facts.append(
            (-3.0, "procedure_decided", {"reference": reference, "outcome": "rejected"}, "")
        )
    if cohort.pending:
        reference = person.reference("P")
        facts.append((-2.0, "procedure_started", {
            "reference": reference, "kind": cohort.pending, "suspensive": cohort.pending_suspensive,
        }, ""))  # fmt: skip
        if cohort.track != "dublin":  # the Dublin track has no procedures of its own
            means = world.params.procedures.decision_days_mean
            days = wait(person.rng, means.get(cohort.pending, means["other"]).value)
            appeals = 1 if cohort.pending == "appeal" else 0  # which appeal is not recorded
            person.pending = {"reference": reference, "appeals": appeals, "until": days + MINUTE,
                              "suspensive": cohort.pending_suspensive}  # fmt: skip
    if cohort.return_decision_month and cohort.track != "dublin":
        term = cohort.departure_term_days or 0
        decided = _day(world, cohort.return_decision_month, latest=-3.5)
        facts.append((decided, "return_decision", {"departure_term_days": term}, "decision"))
    if cohort.document_valid_until_month:
        until = max(cohort.document_valid_until_month.replace(day=MID_MONTH),
                    as_of + timedelta(days=2))  # fmt: skip
        person.document_until = world.day(datetime.combine(until, time(), AMSTERDAM))
        facts.append((-2.0, "travel_document_valid",
                      {"kind": "passport", "valid_until": until.isoformat()}, ""))  # fmt: skip
    request = ""
    if cohort.open_request_month and cohort.nationality not in NATIONALITY_ONLY:
        request = person.reference("D")
        facts.append((_day(world, cohort.open_request_month), "document_requested", {
            "reference": request, "kind": "laissez_passer", "country": cohort.nationality,
        }, "request"))  # fmt: skip
    elif cohort.document_requested and cohort.nationality not in NATIONALITY_ONLY:
        # An earlier request, withdrawn unanswered: the model files no second one.
        reference = person.reference("D")
        facts.append((-5.0, "document_requested", {
            "reference": reference, "kind": "laissez_passer", "country": cohort.nationality,
        }, ""))  # fmt: skip
        facts.append((-4.0, "document_answered",
                      {"reference": reference, "result": "withdrawn"}, ""))  # fmt: skip
    if cohort.released_month:
        released = _day(world, cohort.released_month)
        facts.append((released - 30, "detention_started", {"ground": "vw59"}, ""))
        facts.append((released, "detention_ended", {"reason": "maximum_term"}, "released"))
    if cohort.detained_since_month:
        since = _day(world, cohort.detained_since_month)
        facts.append((since, "detention_started", {"ground": "vw59"}, "detained"))
    facts += _dublin_history(world, cohort)
    if cohort.flight_escort and cohort.flight_in_weeks is not None:
        # Only the week is known: the day within it is drawn (days 1-7 of that week ahead).
        ahead = 7 * cohort.flight_in_weeks + person.rng.randint(1, 7)
        destination = cohort.dublin_member_state if cohort.track == "dublin" else None
        reference = person.reference("F")
        facts.append((-1.0, "flight_booked", {
            "reference": reference, "date": (as_of + timedelta(days=ahead)).isoformat(),
            "destination": destination or world.destination(person),
            "escort": cohort.flight_escort,
        }, ""))  # fmt: skip
        # On the flight's day, at a time of day of its own (the model books whole days ahead).
        departs = ahead - 1 + person.rng.random()
        if cohort.detained_since_month and cohort.track != "dublin":
            person.flight = {"reference": reference, "date": departs}
        else:
            person.flight = {"reference": reference, "date": departs, "ahead": True}
    if cohort.stance:
        facts.append((-1.0, "interview", {"kind": "first", "stance": cohort.stance}, ""))
    facts.sort(key=lambda fact: fact[0])
    # The intake opens the month `months_open` before the caseload's day; a case open longer
    # than the cohorts tell apart starts before its oldest dated fact. Facts placed relative to
    # another (a claim before its acceptance) move up behind the intake, keeping their order.
    first_month = add_months(as_of, -cohort.months_open).replace(day=1)
    opened = world.day(datetime.combine(first_month, time(hour=12), AMSTERDAM))
    if cohort.months_open == MAX_MONTHS_OPEN and facts:
        opened = min(opened, facts[0][0] - 1)
    previous = opened
    for index, (day, kind, data, tag) in enumerate(facts):
        previous = max(day, previous + MINUTE)
        facts[index] = (previous, kind, data, tag)
    _state_from(world, person, cohort, {tag: day for day, _, _, tag in facts if tag}, request)
    intake: dict[str, Any] = {"nationality": cohort.nationality, "track": cohort.track}
    if cohort.unaccompanied_minor:
        intake["unaccompanied_minor"] = True
    if person.family:
        intake["family"] = person.family
    for v_number in person.v_numbers:
        world.emitter.emit(opened, "intake", v_number, intake, "IND")
        for day, kind, data, _ in facts:
            world.emitter.emit(day, kind, v_number, data)
    if person.location == "emergency_reception":
        person.leaves_emergency = wait(
            person.rng, world.params.locations.emergency_reception_stay_days_mean.value
        )


def _state_from(
    world: WorldApi, person: Person, cohort: Cohort, days: dict[str, float], request: str
) -> None:
    """The person's state from the days the tagged facts were written at."""
    if "decision" in days:  # RULES.md §1: removable from the day after decision date + term
        term = cohort.departure_term_days or 0
        person.return_term_ends = world.start_of_day_after(days["decision"], term + 1)
    if "released" in days:  # as return_path does after a release: no new detention soon
        pause = days["released"] + world.params.removal.release_pause_days.value
        person.return_term_ends = max(person.return_term_ends, pause)
    if "request" in days:
        person.request = _open_request(world, person, request, days["request"])
    if "detained" in days:
        person.detained_since = days["detained"]
        if world.detention.count < world.detention.capacity:
            person.detention_request = world.detention.request()
        person.book_at = wait(person.rng, world.params.removal.detention_to_flight_days_mean.value)


def _dublin_history(
    world: WorldApi, cohort: Cohort
) -> list[tuple[float, str, dict[str, Any], str]]:
    state = cohort.dublin_member_state
    if cohort.track != "dublin" or not cohort.dublin_stage or not state:
        return []
    claim = {"member_state": state, "kind": "take_back"}
    if cohort.dublin_stage == "claimed":
        return [(-30.0, "dublin_claim", claim, "")]
    if cohort.dublin_stage == "refused":
        refused = {"member_state": state}
        return [(-40.0, "dublin_claim", claim, ""), (-10.0, "dublin_refused", refused, "")]
    assert cohort.dublin_accepted_month is not None
    accepted = _day(world, cohort.dublin_accepted_month)
    return [
        (accepted - 30, "dublin_claim", claim, ""),
        (accepted, "dublin_accepted", {"member_state": state, "implicit": False}, ""),
    ]


def _open_request(world: WorldApi, person: Person, reference: str, filed: float) -> dict[str, Any]:
    """An unanswered request, filed on model day `filed`. The model draws the answer at filing
    (`return_path._request`); here each answer is weighted by the chance that it had not come
    yet: answers arrive after an exponential wait, withdrawals twelve months after filing."""
    d, rng = world.params.documents, person.rng
    share = d.confirmation_share.get(person.nationality) or d.confirmation_share["default"]
    withdrawn = max(filed + d.withdrawal_after_days.value, MINUTE)
    mean = d.answer_days_mean.value
    waiting = math.exp(filed / mean) if mean else 0.0  # filed ≤ 0: the chance of no answer yet
    not_national = d.not_national_share.value
    weights = (
        share.value * waiting,
        (1 - share.value) * not_national * waiting,
        (1 - share.value) * (1 - not_national),
    )
    draw = rng.random() * sum(weights)
    if draw >= weights[0] + weights[1]:
        return {"reference": reference, "result": "withdrawn", "answer_at": withdrawn}
    result = "confirmed" if draw < weights[0] else "not_national"
    answer = min(wait(rng, mean) + MINUTE, withdrawn)
    return {"reference": reference, "result": result, "answer_at": answer}


def _continue(world: WorldApi, person: Person, cohort: Cohort) -> Generator[simpy.Event, Any, None]:
    """The rest of the case, from day 0, on the path of the person's track."""
    if person.flight and person.flight.get("ahead"):
        yield from _depart_on_booked_flight(world, person, cohort)
        return
    if cohort.track == "dublin":
        state = _member_state(world, person, cohort)
        if cohort.dublin_stage == "claimed":
            yield from dublin_claim(world, person, state, claimed=True)
        elif cohort.dublin_stage == "refused":
            yield from refused_path(world, person)
        elif cohort.dublin_stage == "accepted":
            assert cohort.dublin_accepted_month is not None
            accepted = _day(world, cohort.dublin_accepted_month)
            yield from after_acceptance(world, person, state, accepted=accepted)
        else:
            yield from dublin_path(world, person)
        return
    p, rng, env = world.params, person.rng, world.env
    if not cohort.return_decision_month:  # the model's return decision follows the intake
        yield env.timeout(return_decision_after(world, person))
        decide_return(world, person)  # a pause after a release may run longer than its term
    interviewed = cohort.stance is not None
    mean = (
        p.interviews.follow_up_every_days_mean
        if interviewed
        else p.interviews.first_after_days_mean
    )
    next_interview = env.now + wait(rng, mean.value)
    yield from return_loop(
        world, person, next_interview, _request_at(world, person, cohort), first=not interviewed
    )


def _depart_on_booked_flight(
    world: WorldApi, person: Person, cohort: Cohort
) -> Generator[simpy.Event, Any, None]:
    """A departure under way on the caseload's day — an independent departure on a flight
    DTenV booked, or a Dublin transfer — leaves on its flight, as the model's own would."""
    assert person.flight is not None
    yield world.env.timeout(person.flight["date"])
    person.flight = None
    if cohort.track == "dublin":
        transferred(world, person, _member_state(world, person, cohort))
    else:
        world.departed_independently(person)


def _member_state(world: WorldApi, person: Person, cohort: Cohort) -> str:
    return cohort.dublin_member_state or pick(person.rng, world.params.dublin.member_state)


def _request_at(world: WorldApi, person: Person, cohort: Cohort) -> float:
    """When a first document request is filed, if ever: the model decides at intake with the
    request share and an exponential wait; for a case open for some months without one, the
    share is what is left of it given that none came yet."""
    d, env = world.params.documents, world.env
    if person.cooperating or cohort.document_requested or person.has_document(env.now):
        return math.inf
    share, mean = d.request_share.value, d.request_after_days_mean.value
    still = share * math.exp(-cohort.months_open * MONTH / mean) if mean else 0.0
    if person.rng.random() >= still / (1 - share + still):
        return math.inf
    return env.now + wait(person.rng, mean)
