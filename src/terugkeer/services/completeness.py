"""The store's complete-from day: read it, set it (attributably), and ask whether a period is
comparable. Reports, the dashboard, the open data, `report key-figures` and the API ask here
before they compare with an earlier period or publish a series that reaches back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from terugkeer.bootstrap import System
from terugkeer.domain.completeness import comparable
from terugkeer.store import completeness as rows

__all__ = ["Completeness", "comparable", "completeness", "set_complete_from"]

#: Why a comparison is left out, for every surface (the report, pages, CSV notes, JSON).
NOT_COMPARABLE = {
    "nl": "Niet vergelijkbaar: de gegevens zijn pas vanaf {day} volledig ({why}).",
    "en": "Not comparable: the data are complete only from {day} ({why}).",
}


@dataclass(frozen=True, slots=True)
class Completeness:
    complete_from: date | None  # None: never set, the store is taken as whole
    set_at: str | None = None
    set_by: str | None = None
    why: str | None = None

    def covers(self, start: date) -> bool:
        """Whether a period starting on `start` can be compared or published as a whole."""
        return comparable(self.complete_from, start)


def completeness(system: System) -> Completeness:
    """The latest setting. A store "as known on" a moment (services/known.py) holds only the
    settings made by then, so a publication made before a later setting is reproduced as it was."""
    with system.engine.connect() as connection:
        found = rows.latest(connection)
    if found is None:
        return Completeness(None)
    return Completeness(found.complete_from, found.set_at, found.set_by, found.why)


def set_complete_from(system: System, day: date, *, by: str, why: str) -> Completeness:
    """Record that the store holds the caseload whole from `day` on (appended: the earlier
    settings stay as the record of what was believed when)."""
    if not why.strip():
        raise ValueError("say why the store is complete from that day (e.g. the migration)")
    if len(why) > 500:
        raise ValueError("the reason is at most 500 characters")
    set_at = system.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with system.engine.begin() as connection:
        rows.append(connection, day, set_at=set_at, set_by=by[:64], why=why.strip())
    return completeness(system)
