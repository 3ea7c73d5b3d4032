"""The Dublin track: claim, answer, then transfer, absconding, or expiry of the deadline."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from terugkeer.simulation.person import MINUTE, Person, pick, wait

if TYPE_CHECKING:
    from terugkeer.simulation.model import World

#: Six calendar months last 181 to 184 days; the model keeps clear of both ends so that the
#: deadline the domain computes (RULES.md §2) falls where the model meant it to.
TRANSFER_LATEST_DAY = 170
DEADLINE_SAFE_DAY = 185


def dublin_path(world: World, person: Person) -> Generator[simpy.Event, Any, None]:
    p, rng, env = world.params.dublin, person.rng, world.env
    state = pick(rng, p.member_state)
    yield env.timeout(wait(rng, p.claim_after_days_mean.value) + MINUTE)
    kind = "take_back" if rng.random() < 0.7 else "take_charge"
    world.emit("dublin_claim", person, {"member_state": state, "kind": kind})
    yield from world.interview(person, first=True, after=MINUTE)
    yield env.timeout(wait(rng, p.answer_days_mean.value) + MINUTE)
    if rng.random() >= p.acceptance_share.value:
        world.emit("dublin_refused", person, {"member_state": state})
        yield env.timeout(wait(rng, 30) + MINUTE)
        world.close(person, "exit_without_departure", {"reason": "asylum_procedure"})
        return
    implicit = rng.random() < p.implicit_acceptance_share.value
    world.emit("dublin_accepted", person, {"member_state": state, "implicit": implicit})
    accepted = env.now
    outcome = rng.random()
    if outcome < p.transfer_within_deadline_share.value:
        transfer = accepted + rng.uniform(14, TRANSFER_LATEST_DAY)
        yield env.timeout(max(transfer - 7 - env.now, MINUTE))
        world.book_flight(person, state, days_ahead=7, escort="kmar")
        yield env.timeout(max(transfer - env.now, MINUTE))
        forced = rng.random() < world.params.removal.dublin_forced_share.value
        world.close(person, "departed", {
            "mode": "forced" if forced else "independent", "destination": state,
            "dublin_transfer": True, "evidence": "escorted" if forced else "kmar_exit_check",
        })  # fmt: skip
    elif (
        outcome < p.transfer_within_deadline_share.value + p.absconding_before_transfer_share.value
    ):
        yield env.timeout(rng.uniform(10, TRANSFER_LATEST_DAY))
        world.close(person, "absconded", {})
    else:
        # The deadline passes: the Netherlands becomes responsible (asylum procedure).
        yield env.timeout(DEADLINE_SAFE_DAY + wait(rng, p.exit_after_deadline_days_mean.value))
        world.close(person, "exit_without_departure", {"reason": "asylum_procedure"})
