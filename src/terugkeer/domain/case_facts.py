"""What is known about a case at a moment: `CaseState` and its parts, values only (no events),
so that it serialises as it is. `domain/evolve.py` says what each event changes in it,
`domain/state.py` folds a case's events into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, NamedTuple

from terugkeer.domain.calendar import local_date
from terugkeer.domain.events import Event
from terugkeer.domain.procedures import Procedure

__all__ = [
    "CaseState", "DocumentRequest", "Draft", "Flight", "Pairs", "PendingProcedure", "changed",
    "initial",
]  # fmt: skip

#: `decision_pairs` of the events folded: each start and decision with its procedure, by seq.
Pairs = Mapping[int, Procedure]


class PendingProcedure(NamedTuple):
    reference: str
    kind: str
    suspensive: bool  # the sender's flag
    started_on: date
    seq: int  # receipt seq of the start: what a decision is paired with


class DocumentRequest(NamedTuple):
    reference: str
    kind: str
    requested_on: date


class Flight(NamedTuple):
    reference: str
    on: date
    escort: str


@dataclass(frozen=True)
class CaseState:
    """What was known about a case at `at` (events with occurred_at ≤ `at`, in history order).

    Values only (no events), so that it serialises as it is. Dates are Europe/Amsterdam days.
    """

    v_number: str
    opened_at: datetime
    at: datetime  # the instant asked about (`evolve` leaves it as it is)
    nationality: str
    track: str
    unaccompanied_minor: bool = False
    family: str | None = None
    closed_by: str | None = None  # departed / absconded / exit_without_departure
    closing_category: str | None = None  # mode or reason of the closing event
    closed_at: datetime | None = None
    dublin_transfer: bool = False  # of a departure
    destination: str | None = None  # of a departure
    stance: str | None = None  # cooperating / not_cooperating (latest interview)
    interviews: int = 0
    location: str | None = None  # latest location_changed kind
    location_since: date | None = None  # day of the latest location_changed
    in_detention: bool = False
    detained_since: date | None = None  # while in detention: day of its detention_started
    detention_ground: str | None = None
    released_on: date | None = None  # after a detention: day of its detention_ended
    release_reason: str | None = None
    return_decision_on: date | None = None  # of the latest return decision
    departure_term_days: int | None = None
    pending: tuple[PendingProcedure, ...] = ()  # started and not decided, in history order
    pending_procedures: tuple[str, ...] = ()  # references of `pending`
    suspensive_pending: tuple[str, ...] = ()  # references of `pending` flagged suspensive
    decisions: int = 0
    document_requests: int = 0  # filed in this case
    requests: tuple[DocumentRequest, ...] = ()  # filed and not answered
    open_document_requests: tuple[str, ...] = ()  # references of `requests`
    nationality_confirmed: bool = False
    travel_document_kind: str | None = None  # of the latest travel_document_valid
    travel_document_valid_until: date | None = None
    travel_document_reported_on: date | None = None
    dublin_stage: str | None = None  # claimed / accepted / refused: the latest claim event
    dublin_stage_member_state: str | None = None
    dublin_stage_on: date | None = None
    dublin_member_state: str | None = None  # of the latest accepted claim
    flights: tuple[Flight, ...] = ()  # booked and not cancelled
    booked_flights: tuple[str, ...] = ()  # references of `flights`
    support: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed_by is None

    @property
    def closed_on(self) -> date | None:
        return local_date(self.closed_at) if self.closed_at else None

    @property
    def whereabouts(self) -> str | None:
        """Where the person is now, as a page shows it: in detention while a detention runs
        that began on or after the latest location_changed (a detention_started says where the
        person is, though no location_changed may follow it), else that latest kind. A person
        detained since 3 December is not shown at the azc they left then. (`location` stays the
        latest location_changed: RULES.md §1 and the key figures are defined by it.)"""
        return "detention" if self._detention_is_latest else self.location

    @property
    def whereabouts_since(self) -> date | None:
        """The day from which `whereabouts` holds."""
        return self.detained_since if self._detention_is_latest else self.location_since

    @property
    def _detention_is_latest(self) -> bool:
        if not self.in_detention or self.detained_since is None:
            return False
        return self.location_since is None or self.location_since <= self.detained_since

    @property
    def available(self) -> bool:
        """Whereabouts known (beschikbaar): a location is recorded and it is not `unknown`."""
        return self.location is not None and self.location != "unknown"


if TYPE_CHECKING:  # mypy checks every change against CaseState's fields and their types
    from dataclasses import replace as changed
else:

    def changed(state, /, **changes):
        """`dataclasses.replace` without running `__init__` again (CaseState has no
        `__post_init__`, so it is the same value): a copy of the attributes with the changes,
        at a fraction of the cost. A `Draft` takes the changes in place."""
        if type(state) is Draft:
            state.__dict__.update(changes)
            return state
        attributes = state.__dict__.copy()
        attributes.update(changes)
        new = object.__new__(CaseState)
        object.__setattr__(new, "__dict__", attributes)
        return new


class Draft(CaseState):
    """A CaseState that only a running fold holds (`evolve.fold`): `changed` changes it in
    place, so that folding n events copies the state once instead of n times — the projections
    fold every touched case on every import batch. `done` makes it a CaseState again."""

    @staticmethod
    def of(state: CaseState) -> CaseState:
        draft = object.__new__(Draft)
        object.__setattr__(draft, "__dict__", state.__dict__.copy())
        return draft

    @staticmethod
    def done(draft: CaseState) -> CaseState:
        assert type(draft) is Draft
        object.__setattr__(draft, "__class__", CaseState)  # from here on, frozen as any other
        return draft


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: No case: what `initial` fills in with an intake (faster than CaseState's 45-field __init__).
_BLANK = CaseState(v_number="", opened_at=_EPOCH, at=_EPOCH, nationality="", track="")


def initial(intake: Event, at: datetime | None = None) -> CaseState:
    """The state of the case `intake` opens, as known at `at` (default: when it opened) before
    any other event of the case is folded in."""
    data = intake.data
    return changed(
        _BLANK,
        v_number=intake.v_number,
        opened_at=intake.occurred_at,
        at=intake.occurred_at if at is None else at,
        nationality=data["nationality"],
        track=data["track"],
        unaccompanied_minor=bool(data.get("unaccompanied_minor", False)),
        family=data.get("family"),
    )
