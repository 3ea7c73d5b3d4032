"""The Dublin track: claim, answer, then transfer, absconding, or expiry of the deadline.

Six calendar months last 181 to 184 days; the model keeps clear of both ends
(`dublin.transfer_latest_day`, `dublin.deadline_safe_day`) so that the deadline the domain
computes (RULES.md §2) falls where the model meant it to.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from terugkeer.simulation.person import MINUTE, Person, pick, wait
from terugkeer.simulation.world_api import WorldApi


def dublin_path(world: WorldApi, person: Person) -> Generator[simpy.Event, Any, None]:
    p, rng, env = world.params.dublin, person.rng, world.env
    state = pick(rng, p.member_state)
    yield env.timeout(wait(rng, p.claim_after_days_mean.value) + MINUTE)
    yield from dublin_claim(world, person, state, claimed=False)


def dublin_claim(
    world: WorldApi, person: Person, state: str, *, claimed: bool
) -> Generator[simpy.Event, Any, None]:
    """From the claim (made now, or already `claimed` earlier) to its answer and after."""
    p, rng, env = world.params.dublin, person.rng, world.env
    if not claimed:
        kind = "take_back" if rng.random() < p.take_back_share.value else "take_charge"
        world.emit("dublin_claim", person, {"member_state": state, "kind": kind})
        yield from world.interview(person, first=True, after=MINUTE)
    yield env.timeout(wait(rng, p.answer_days_mean.value) + MINUTE)
    if rng.random() >= p.acceptance_share.value:
        world.emit("dublin_refused", person, {"member_state": state})
        yield from dublin_refused(world, person)
        return
    implicit = rng.random() < p.implicit_acceptance_share.value
    world.emit("dublin_accepted", person, {"member_state": state, "implicit": implicit})
    yield from after_acceptance(world, person, state, accepted=env.now)


def dublin_refused(world: WorldApi, person: Person) -> Generator[simpy.Event, Any, None]:
    """A refused claim: the asylum procedure here follows within weeks."""
    days = wait(person.rng, world.params.dublin.exit_after_refusal_days_mean.value)
    yield world.env.timeout(days + MINUTE)
    world.close(person, "exit_without_departure", {"reason": "asylum_procedure"})


def after_acceptance(
    world: WorldApi, person: Person, state: str, accepted: float
) -> Generator[simpy.Event, Any, None]:
    """Transfer, absconding or expiry of the deadline, given that the case is still open now.

    For a claim accepted just now the three outcomes have their parameter shares; for one
    accepted earlier (a caseload taken over from the store) each share is weighted by the chance
    that the outcome had not happened yet, and its moment is drawn from what is left of its
    window (by default transfers day 14-170 after acceptance, absconding day 10-170, expiry
    after day 185: the `dublin` parameters).
    A transfer's flight is booked a week ahead, so one with no flight booked yet is at least a
    week away.
    """
    p, rng, env = world.params.dublin, person.rng, world.env
    notice = world.params.removal.flight_notice_days.value
    first, absconding = p.transfer_earliest_day.value, p.absconding_earliest_day.value
    last = p.transfer_latest_day.value
    elapsed = env.now - accepted
    unbooked = elapsed + notice  # the earliest transfer without a booked flight
    shares = (
        p.transfer_within_deadline_share.value * _still_ahead(unbooked, first, last),
        p.absconding_before_transfer_share.value * _still_ahead(elapsed, absconding, last),
        (1 - p.transfer_within_deadline_share.value - p.absconding_before_transfer_share.value),
    )
    draw = rng.random() * sum(shares)
    if draw < shares[0]:
        transfer = accepted + rng.uniform(max(first, unbooked), last)
        yield env.timeout(max(transfer - notice - env.now, MINUTE))
        # A week ahead, or less when the window is nearly over: the flight is the transfer's.
        world.book_flight(person, state, days_ahead=max(transfer - env.now, 0), escort="kmar")
        yield env.timeout(max(transfer - env.now, MINUTE))
        transferred(world, person, state)
    elif draw < shares[0] + shares[1]:
        absconds = accepted + rng.uniform(max(absconding, elapsed), last)
        yield env.timeout(max(absconds - env.now, MINUTE))
        world.close(person, "absconded", {})
    else:
        # The deadline passes: the Netherlands becomes responsible (asylum procedure).
        exit_wait = wait(rng, p.exit_after_deadline_days_mean.value)
        yield env.timeout(max(accepted + p.deadline_safe_day.value - env.now, 0) + exit_wait)
        world.close(person, "exit_without_departure", {"reason": "asylum_procedure"})


def transferred(world: WorldApi, person: Person, state: str) -> None:
    """The transfer to `state` takes place: escorted (forced) or under KMar's exit check."""
    forced = person.rng.random() < world.params.removal.dublin_forced_share.value
    world.close(person, "departed", {
        "mode": "forced" if forced else "independent", "destination": state,
        "dublin_transfer": True, "evidence": "escorted" if forced else "kmar_exit_check",
    })  # fmt: skip


def _still_ahead(elapsed: float, first: float, last: float) -> float:
    """The chance that a moment drawn uniformly from [first, last] days is still to come."""
    if elapsed <= first:
        return 1.0
    return max(last - elapsed, 0.0) / (last - first)
