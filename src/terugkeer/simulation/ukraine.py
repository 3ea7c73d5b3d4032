"""The agency's Ukraine support (RULES.md §7; PROCESS.md, "Ukrainians"): `support_granted` of
kind `ukraine_return` and `ukraine_third_country`, at the published rates.

A `support_granted` needs an open case (EVENTS.md), and every case's intake counts in the inflow
and its closing in the closed procedures. A stream of people of its own would therefore move
the calibrated inflow and departures. So the support is given with independent departures the
model already makes, chosen from a random stream of its own, with ids of their own
(`Emitter.emit_aside`): every other line of the feed, id included, and so every other figure,
is what it was without it (docs/simulation.md, "The Ukraine support").

The windows come from the rules table (`ukraine_support`): the remigration support for
third-country nationals ended on 4 March 2024, help for Ukrainians to go home goes on.
"""

from __future__ import annotations

import random

from terugkeer.domain.rules import RulesTable
from terugkeer.simulation.emit import Emitter
from terugkeer.simulation.params import Ukraine
from terugkeer.simulation.person import Person

UKRAINE = "UKR"


class UkraineSupport:
    def __init__(self, params: Ukraine, rules: RulesTable, emitter: Emitter, seed: int) -> None:
        self.params, self.rules, self.emitter = params, rules, emitter
        self.rng = random.Random(f"{seed}:ukraine")

    def at_departure(self, day: float, person: Person) -> None:
        """An independent departure begins on model day `day`: the support of the scheme open
        to this person then, for the share of them the parameters say. Granted by the agency
        itself (DTENV), for each member of a family as for every fact of their case."""
        scheme = self.rules.ukraine_support_on(self.emitter.at(day).date())
        if person.nationality == UKRAINE:
            kind, open_, share = "ukraine_return", scheme.return_home, self.params.return_share
        else:
            kind, open_, share = (
                "ukraine_third_country", scheme.third_country, self.params.third_country_share
            )  # fmt: skip
        # Drawn only where a scheme is open, so its draws follow the departures it can take.
        if not open_ or self.rng.random() >= share.value:
            return
        data = {"kind": kind, "provider": "DTenV"}
        for v_number in person.v_numbers:
            self.emitter.emit_aside(day, "support_granted", v_number, data, "DTENV")
