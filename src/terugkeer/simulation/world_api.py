"""What a track (return_path, dublin_path) and the seeding of a caseload need of the world.

`model.World` satisfies this protocol structurally; the tracks depend on it, not on `model`, so
that `model` can import the tracks without an import cycle.
"""

from __future__ import annotations

import random
from collections.abc import Generator
from datetime import datetime
from typing import Any, Protocol

import simpy

from terugkeer.simulation.emit import Emitter
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.person import Person


class WorldApi(Protocol):
    """The SimPy world as the tracks see it: the clock, the parameters, the shared detention
    places, the legal terms of the rules table, and the actions every track uses."""

    @property
    def params(self) -> Parameters: ...

    @property
    def env(self) -> simpy.Environment: ...

    @property
    def emitter(self) -> Emitter: ...

    @property
    def detention(self) -> simpy.Resource: ...

    # -- the clock and identities ------------------------------------------------------------
    def day(self, moment: datetime) -> float: ...

    def date(self, day: float) -> str: ...

    def start_of_day_after(self, day: float, days: int) -> float: ...

    def identity(self) -> tuple[random.Random, str]: ...

    def family_id(self) -> str: ...

    def v_number(self, rng: random.Random) -> str: ...

    # -- legal terms (the rules table) -------------------------------------------------------
    def departure_term_days(self, person: Person) -> int: ...

    def detention_max_days(self, since: float) -> float: ...

    # -- facts and actions -------------------------------------------------------------------
    def emit(self, kind: str, person: Person, data: dict[str, Any], source: str = "") -> None: ...

    def close(self, person: Person, kind: str, data: dict[str, Any]) -> None: ...

    def queue_return(self, person: Person, ready: float) -> None: ...

    def interview(
        self, person: Person, *, first: bool, after: float
    ) -> Generator[simpy.Event, Any, None]: ...

    def destination(self, person: Person) -> str: ...

    def book_flight(
        self, person: Person, destination: str, *, days_ahead: float, escort: str
    ) -> None: ...

    def detain(self, person: Person) -> None: ...

    def release(self, person: Person, reason: str) -> None: ...

    def cancel_flight(self, person: Person, reason: str) -> None: ...

    def fly(self, person: Person) -> Generator[simpy.Event, Any, bool]: ...

    def leave_independently(self, person: Person) -> Generator[simpy.Event, Any, None]: ...

    def departed_independently(self, person: Person) -> None: ...
