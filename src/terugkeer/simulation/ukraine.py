"""The agency's Ukraine support (RULES.md §7; PROCESS.md, "Ukrainians"): `support_granted` of
kind `ukraine_return` and `ukraine_third_country`, at the published rates.

A `support_granted` needs an open case (EVENTS.md), and every case's intake counts in the inflow
and its closing in the closed procedures. The two schemes are placed so that the calibrated
figures stay (docs/simulation.md, "The Ukraine support"):

- *Ukrainians helped home* hold temporary protection: they are not in the return caseload until
  they ask the agency for help. Each is a case of their own (intake of nationality `UKR` on the
  regular track, registered by the agency; the support within days; an independent departure
  home within weeks), converted from one of the model's own intakes from an "other" sender, so
  that the inflow and its split by source stay as they were. How many intakes are converted
  follows `ukraine.returner_share_by_year`, a share of the inflow (so that a run at a fraction
  of the inflow has that fraction of returners), placed as a quota over the arrivals
  (`UkraineSupport.converts`).
- *Third-country nationals from Ukraine* get their support with independent departures the
  model already makes, chosen from a random stream of its own, with ids of their own
  (`Emitter.emit_aside`).

The windows come from the rules table (`ukraine_support`): the remigration support for
third-country nationals ended on 4 March 2024, help for Ukrainians to go home goes on.
"""

from __future__ import annotations

import random
from collections.abc import Generator
from typing import Any

import simpy

from terugkeer.domain.rules import RulesTable
from terugkeer.simulation.emit import Emitter
from terugkeer.simulation.params import Ukraine
from terugkeer.simulation.person import MINUTE, Person
from terugkeer.simulation.world_api import WorldApi

UKRAINE = "UKR"
#: The intake senders the published inflow names; every other sender counts as "other".
NAMED_SENDERS = frozenset({"IND", "POLITIE", "KMAR"})


class UkraineSupport:
    def __init__(self, params: Ukraine, rules: RulesTable, emitter: Emitter, seed: int) -> None:
        self.params, self.rules, self.emitter = params, rules, emitter
        self.rng = random.Random(f"{seed}:ukraine")  # the third-country draws
        #: Returners (persons) due and not yet given an intake: it grows by the expected number
        #: at each arrival and falls by the persons of each returner's case.
        self.due = 0.0

    # -- Ukrainians helped home --------------------------------------------------------------
    def returner_share(self, year: int) -> float:
        """`returner_share_by_year` for `year`: the latest named year up to it, else none."""
        named = [int(y) for y in self.params.returner_share_by_year if int(y) <= year]
        return self.params.returner_share_by_year[str(max(named))].value if named else 0.0

    def at_arrival(self, day: float, persons: float) -> None:
        """An arrival of the inflow on model day `day`, which is on average `persons`
        returners: while the help is open, so many more are due."""
        if persons and self.rules.ukraine_support_on(self.emitter.at(day).date()).return_home:
            self.due += persons

    def converts(self, person: Person) -> bool:
        """Whether the new `person` about to come in is, instead, a Ukrainian asking to be
        helped home: when returners are due, the next intake from an "other" sender (so the
        inflow by source stays) that is not an unaccompanied minor. A family returns together
        and counts for its persons. A quota, not a draw per arrival: the count of a year is
        then the parameter's share of the year's inflow within a family, where a draw would
        scatter the 90 of a year by about ±15% (families); the arrivals stay random."""
        if self.due <= 0 or person.intake_source in NAMED_SENDERS or person.unaccompanied_minor:
            return False
        self.due -= len(person.v_numbers)
        return True

    def returner(self, world: WorldApi, person: Person) -> Generator[simpy.Event, Any, None]:
        """The returner's case: an intake registered by the agency, the support within days,
        and an independent departure home within weeks, confirmed by IOM (no flights to
        Ukraine: not a KMar check at Schiphol). Drawn from the person's own stream."""
        p, rng, env = self.params, person.rng, world.env
        person.nationality, person.track, person.intake_source = UKRAINE, "regular", "DTENV"
        data: dict[str, Any] = {"nationality": UKRAINE, "track": "regular"}
        if person.family:
            data["family"] = person.family
        world.emit("intake", person, data)
        yield env.timeout(MINUTE + rng.uniform(0, p.returner_support_days_max.value))
        world.emit("support_granted", person,
                   {"kind": "ukraine_return", "provider": "DTenV"}, "DTENV")  # fmt: skip
        days = rng.uniform(p.returner_departure_days_min.value, p.returner_departure_days_max.value)
        yield env.timeout(days)
        world.emit("departed", person,
                   {"mode": "independent", "destination": UKRAINE, "evidence": "iom_confirmation"},
                   "IOM")  # fmt: skip

    # -- third-country nationals from Ukraine ------------------------------------------------
    def at_departure(self, day: float, person: Person) -> None:
        """An independent departure begins on model day `day`: while the remigration support
        for third-country nationals from Ukraine is open, a non-Ukrainian gets it with the
        parameter's share. Granted by the agency itself (DTENV), for each member of a family
        as for every fact of their case. (Ukrainians helped home are cases of their own.)"""
        if person.nationality == UKRAINE:
            return
        scheme = self.rules.ukraine_support_on(self.emitter.at(day).date())
        # Drawn only while the scheme is open, so its draws follow the departures it can take.
        if not scheme.third_country or self.rng.random() >= self.params.third_country_share.value:
            return
        data = {"kind": "ukraine_third_country", "provider": "DTenV"}
        for v_number in person.v_numbers:
            self.emitter.emit_aside(day, "support_granted", v_number, data, "DTENV")
