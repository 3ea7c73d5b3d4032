"""The return track: interviews, procedures, documents, detention and the outcomes.

Competing clocks: yearly hazards (starting a procedure, leaving independently, absconding,
exits) race against scheduled moments (the next interview, a decision, a document answer, a
flight). The earliest wins, the state changes, the race starts again. The departure term and
the detention maximum are the rules table's (`WorldApi.departure_term_days`,
`WorldApi.detention_max_days`); every other number is a parameter (`base.toml`).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import simpy

from terugkeer.simulation.person import MINUTE, YEAR, Person, pick, wait
from terugkeer.simulation.world_api import WorldApi

LONG_STAY_LOCATIONS = ("family_location", "vbl")  # PROCESS.md, bottleneck 2


def return_path(world: WorldApi, person: Person) -> Generator[simpy.Event, Any, None]:
    p, rng, env = world.params, person.rng, world.env
    yield env.timeout(return_decision_after(world, person))
    decide_return(world, person)
    if rng.random() < p.documents.valid_document_at_intake_share.value:
        person.document_until = env.now + p.documents.passport_valid_years.value * YEAR
        valid_until = world.date(person.document_until)
        world.emit(
            "travel_document_valid", person, {"kind": "passport", "valid_until": valid_until}
        )
    next_interview = env.now + wait(rng, p.interviews.first_after_days_mean.value)
    request_at = math.inf
    if not person.cooperating and rng.random() < p.documents.request_share.value:
        request_at = env.now + wait(rng, p.documents.request_after_days_mean.value)
    if rng.random() < p.procedures.appeal_at_intake_share.value:
        # against the rejection that led here
        _start_procedure(world, person, kind="appeal", appeals=1)
    yield from return_loop(world, person, next_interview, request_at, first=True)


def return_decision_after(world: WorldApi, person: Person) -> float:
    """The days from the intake to the return decision."""
    decisions = world.params.return_decisions
    low, high = decisions.after_intake_days_min.value, decisions.after_intake_days_max.value
    return person.rng.uniform(low, high)


def decide_return(world: WorldApi, person: Person) -> None:
    """The return decision, now, with the departure term of the rules table; the person is
    removable once it has passed (or once a pause that runs longer has)."""
    term = world.departure_term_days(person)
    world.emit("return_decision", person, {"departure_term_days": term})
    # RULES.md §1: removable from the day after decision date + term (dates, not instants).
    ends = world.start_of_day_after(world.env.now, term + 1)
    person.return_term_ends = max(person.return_term_ends, ends)


def return_loop(
    world: WorldApi, person: Person, next_interview: float, request_at: float, *, first: bool
) -> Generator[simpy.Event, Any, None]:
    """The race of clocks until the case closes; also where a caseload taken over from the
    store (simulation/seeding.py) continues."""
    p, rng, env = world.params, person.rng, world.env
    notice = p.removal.flight_notice_days.value
    while True:
        hazards = _hazards(world, person)
        total = sum(hazards.values())
        race = {"hazard": env.now + (rng.expovariate(total) if total else math.inf)}
        race["interview"] = next_interview
        race["request"] = request_at
        race["emergency_move"] = person.leaves_emergency
        if person.pending:
            race["decision"] = person.pending["until"]
        if person.request:
            race["answer"] = person.request["answer_at"]
        if person.detained_since is not None:
            race["release"] = person.detained_since + world.detention_max_days(
                person.detained_since
            )
            blocked = _blocked(person, env.now, notice)
            if person.flight and blocked:
                race["cancel"] = env.now + MINUTE  # a suspensive procedure, or no document
            elif person.flight:
                race["flight"] = person.flight["date"]
            elif not blocked:
                race["book"] = person.book_at
        elif _removable(person, env.now, notice):
            race["detain"] = env.now + MINUTE
        elif person.return_term_ends > env.now:
            # The end of the departure term (or of a pause) is a moment of its own: the
            # conditions are looked at again then, not only at the next other event.
            race["term_ends"] = person.return_term_ends
        step, when = min(race.items(), key=lambda item: item[1])
        if when == math.inf:
            return
        yield env.timeout(max(when - env.now, MINUTE))
        if step == "hazard":
            outcome = rng.choices(list(hazards), weights=list(hazards.values()))[0]
            if (yield from _exit(world, person, outcome)):
                return
        elif step == "interview":
            yield from world.interview(person, first=first, after=0)
            first = False
            next_interview = env.now + wait(rng, p.interviews.follow_up_every_days_mean.value)
        elif step == "request":
            request_at = math.inf
            _request(world, person)
        elif step == "answer":
            _answer(world, person)
        elif step == "emergency_move":
            person.leaves_emergency = math.inf
            person.location = "azc"
            world.emit("location_changed", person, {"kind": "azc"})
        elif step == "decision":
            # An appeal, then at most one further appeal (to the Council of State): a chain of
            # a procedure and its appeals ends there.
            assert person.pending is not None  # a decision is on the pending procedure
            appeals = person.pending["appeals"]
            if _decide(world, person):
                yield env.timeout(p.procedures.permit_exit_after_days.value)
                world.close(person, "exit_without_departure", {"reason": "residence_permit"})
                return
            appealed = rng.random() < p.procedures.appeal_after_rejection_share.value
            if appeals < p.procedures.max_appeals.value and appealed:
                yield env.timeout(MINUTE)
                _start_procedure(world, person, kind="appeal", appeals=appeals + 1)
        elif step == "detain":
            world.detain(person)
        elif step == "release":
            world.release(person, "maximum_term")
            # No new detention without new prospects.
            person.return_term_ends = env.now + p.removal.release_pause_days.value
        elif step == "cancel":
            world.cancel_flight(person, "procedure" if person.pending else "document")
        elif step == "book":
            world.book_flight(person, world.destination(person), days_ahead=notice, escort="kmar")
        elif step == "flight" and (yield from world.fly(person)):
            return


def _blocked(person: Person, now: float, notice: float) -> bool:
    """What stops a removal once detained: a pending suspensive procedure, or no document
    valid through a flight booked now, `notice` days ahead (RULES.md §1)."""
    suspended = person.pending is not None and person.pending["suspensive"]
    return suspended or not person.has_document(now + notice)


def _removable(person: Person, now: float, notice: float) -> bool:
    """The model's reading of the four conditions of RULES.md §1 (not the domain's check);
    never an unaccompanied minor (Return Directive art. 10: reception must be confirmed)."""
    return (
        not person.cooperating
        and not person.unaccompanied_minor
        and not _blocked(person, now, notice)
        and now >= person.return_term_ends
        and person.location != "emergency_reception"
    )


def _hazards(world: WorldApi, person: Person) -> dict[str, float]:
    o, proc = world.params.outcomes, world.params.procedures
    detained = person.detained_since is not None
    waiting = o.in_procedure_exit_factor.value if person.pending else 1.0
    staying = o.asylum_absconding_factor.value if person.track == "asylum" else 1.0
    if person.location in LONG_STAY_LOCATIONS:
        staying *= o.long_stay_absconding_factor.value
    hazards = {
        "asylum_procedure": o.exit_asylum_procedure_per_year.value,
        "other": o.exit_other_per_year.value,
        "absconded": 0.0 if detained else waiting * staying * (
            o.absconding_per_year_cooperating.value if person.cooperating
            else o.absconding_per_year_not_cooperating.value
        ),
        "independent": waiting * o.independent_departure_per_year.value
        if person.cooperating else 0.0,
        "procedure": 0.0 if person.pending or detained else (
            proc.start_per_year.value * proc.repeat_dampening_share.value ** person.decisions
        ),
    }  # fmt: skip
    return {name: rate / YEAR for name, rate in hazards.items() if rate > 0}


def _exit(world: WorldApi, person: Person, outcome: str) -> Generator[simpy.Event, Any, bool]:
    """Apply a hazard outcome; True when the case closed."""
    if outcome == "procedure":
        _start_procedure(world, person)
        return False
    if person.detained_since is not None:
        world.release(person, "released_by_court" if outcome == "other" else "other")
    if outcome == "independent":
        yield from world.leave_independently(person)
    elif outcome == "absconded":
        world.close(person, "absconded", {})
    else:
        world.close(person, "exit_without_departure", {"reason": outcome})
    return True


def _start_procedure(world: WorldApi, person: Person, kind: str = "", appeals: int = 0) -> None:
    """A new procedure (of a kind drawn from the mix), or an appeal: `appeals` counts the
    appeals in its chain (1: an appeal, 2: a further appeal)."""
    p, rng = world.params.procedures, person.rng
    kind = kind or pick(rng, p.kind)
    suspensive = kind == "medical_postponement" or rng.random() < p.suspensive_share.value
    reference = person.reference("P")
    days = wait(rng, p.decision_days_mean[kind].value) + MINUTE
    person.pending = {"reference": reference, "appeals": appeals, "suspensive": suspensive,
                      "until": world.env.now + days}  # fmt: skip
    world.emit("procedure_started", person,
               {"reference": reference, "kind": kind, "suspensive": suspensive})  # fmt: skip


def _decide(world: WorldApi, person: Person) -> bool:
    """Decide the pending procedure; True when a permit was granted."""
    assert person.pending is not None
    granted = person.rng.random() < world.params.procedures.granted_share.value
    world.emit("procedure_decided", person, {
        "reference": person.pending["reference"], "outcome": "granted" if granted else "rejected",
    })  # fmt: skip
    person.pending = None
    person.decisions += 1
    return granted


def _request(world: WorldApi, person: Person) -> None:
    d, rng, now = world.params.documents, person.rng, world.env.now
    if person.has_document(now) or person.nationality in ("XXA", "XXX"):
        return
    reference = person.reference("D")
    kind = (
        "laissez_passer" if rng.random() < d.laissez_passer_share.value else "readmission_request"
    )
    world.emit("document_requested", person,
               {"reference": reference, "kind": kind, "country": person.nationality})  # fmt: skip
    share = d.confirmation_share.get(person.nationality) or d.confirmation_share["default"]
    if rng.random() < share.value:
        person.request = {
            "reference": reference,
            "result": "confirmed",
            "answer_at": now + wait(rng, d.answer_days_mean.value) + MINUTE,
        }
    elif rng.random() < d.not_national_share.value:
        person.request = {
            "reference": reference,
            "result": "not_national",
            "answer_at": now + wait(rng, d.answer_days_mean.value) + MINUTE,
        }
    else:  # no answer: withdrawn at the end of the term (RULES.md §6)
        person.request = {"reference": reference, "result": "withdrawn",
                          "answer_at": now + d.withdrawal_after_days.value}  # fmt: skip


def _answer(world: WorldApi, person: Person) -> None:
    assert person.request is not None
    request, person.request = person.request, None
    world.emit("document_answered", person,
               {"reference": request["reference"], "result": request["result"]})  # fmt: skip
    if request["result"] == "confirmed":
        valid = world.params.documents.laissez_passer_valid_years.value * YEAR
        person.document_until = world.env.now + valid
        valid_until = world.date(person.document_until)
        world.emit("travel_document_valid", person,
                   {"kind": "laissez_passer", "valid_until": valid_until})  # fmt: skip
