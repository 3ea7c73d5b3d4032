"""One person's departure procedure as a SimPy process: competing clocks, one event at a time.

Each person draws from their own random stream (seeded by run seed and person number), so two
scenarios run with the same seed differ only where the scenario changes a person's path
(common random numbers). Rates are yearly hazards; all times are in days.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import simpy

from terugkeer.simulation.params import Mix

YEAR = 365.25
MINUTE = 1 / 1440


def pick(rng: random.Random, mix: Mix) -> str:
    names = list(mix.shares)
    return rng.choices(names, weights=[mix.shares[n] for n in names])[0]


def wait(rng: random.Random, mean_days: float) -> float:
    return rng.expovariate(1 / mean_days) if mean_days > 0 else 0.0


@dataclass
class Person:
    v_number: str
    nationality: str
    track: str
    rng: random.Random
    cooperating: bool
    decisions: int = 0
    pending: dict[str, Any] | None = (
        None  # the pending procedure: reference, appeals (in its chain), suspensive, until
    )
    unaccompanied_minor: bool = False
    family: str | None = None
    #: The V-numbers of the other members of the family; they share every fact of the case.
    members: tuple[str, ...] = ()
    intake_source: str = "IND"
    document_until: float = -math.inf  # model day until which a valid travel document holds
    request: dict[str, Any] | None = (
        None  # the open document request: reference, answer day, result
    )
    detained_since: float | None = None
    detention_request: simpy.resources.resource.Request | None = None  # the held place
    book_at: float = math.inf  # when a flight will be booked for a detained person
    flight: dict[str, Any] | None = None
    return_term_ends: float = 0.0
    location: str = "azc"
    leaves_emergency: float = math.inf
    counters: dict[str, int] = field(default_factory=dict)
    return_country: str | None = None  # for XXA/XXX nationalities (World.destination)

    def reentering(self) -> Person:
        """The same person at a new intake, after a rejected asylum procedure: their V-number,
        random stream, references, decisions and stance go on; the case's own state (its
        documents too: the new case has none recorded) starts afresh."""
        return Person(
            v_number=self.v_number, nationality=self.nationality, track="asylum", rng=self.rng,
            cooperating=self.cooperating, decisions=self.decisions, pending=self.pending,
            unaccompanied_minor=False, family=self.family, members=self.members,
            intake_source="IND",
            counters=self.counters, return_country=self.return_country,
        )  # fmt: skip

    @property
    def v_numbers(self) -> tuple[str, ...]:
        """The person's V-number and their family members': every fact is written for each."""
        return (self.v_number, *self.members)

    def has_document(self, on: float) -> bool:
        return self.document_until >= on

    def reference(self, prefix: str) -> str:
        """Unique within the person (v1 references are per person); carries no V-number."""
        n = self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{n}"
