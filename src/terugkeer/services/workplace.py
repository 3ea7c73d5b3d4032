"""The case director's workplace (the worklist: services/worklist.py): a case file the user may
see (every view logged, refusals too), assignments, and the team's directors."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import cycle

from terugkeer.bootstrap import System
from terugkeer.domain.case_facts import CaseState, Flight
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.messages import Message
from terugkeer.domain.narrative import assignment, describe, late_by
from terugkeer.domain.permissions import Action, Resource, Role, Scope, scope_of
from terugkeer.domain.readiness_gaps import Gap, gaps
from terugkeer.domain.worklist import ItemKind, work_items
from terugkeer.services.cases import Access, CaseFile, case_file
from terugkeer.services.corrections import may_withdraw
from terugkeer.services.errors import ServiceError
from terugkeer.services.known import Reflected, awaited
from terugkeer.services.refusals import family_detail
from terugkeer.services.users import User
from terugkeer.store import workplace as reads
from terugkeer.store.access_log import record
from terugkeer.store.engine import writing
from terugkeer.store.queries import person_events
from terugkeer.store.users import all_users, assign, utc_text

__all__ = ["ItemRow", "NotGrantedError", "NotYoursError", "TimelineEntry"]
ItemRow = reads.ItemRow


class NotYoursError(ServiceError):
    """The case is not in the user's scope. The refusal is in the access log, unless not
    `logged`: a role check that the pages make first, and log, in their permission check
    (web/permissions.py)."""

    def __init__(self, message: str, *, logged: bool = True) -> None:
        super().__init__(message)
        self.logged = logged


class NotGrantedError(NotYoursError):
    """The user's role has no grant for the resource at all (GRANTS, docs/permissions.md)."""


def in_scope(
    system: System, user: User, v_number: str, resource: Resource, action: Action = Action.READ
) -> bool:
    scope = scope_of(user.role, resource, action)
    if scope is None:
        return False
    with system.engine.connect() as connection:
        directors = reads.directors_of(connection, v_number)
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN:
        return any(director == user.name for director, _ in directors)
    return user.team is not None and any(team == user.team for _, team in directors)


def admit(
    system: System, user: User, resource: Resource, access: Access, action: Action = Action.READ
) -> None:
    """Refuse unless `user` may do `action` on `resource` for the person `access.v_number`
    (without a person: unless the role has the grant at all). A refusal is logged first, as
    `access` with `.refused` after its action; the case itself reads nothing and logs nothing.

    A V-number nobody knows is outside every OWN or TEAM scope (no case of it is assigned), so
    it is refused with the same sentence as a colleague's case: nothing leaks."""
    refusal: NotYoursError | None = None
    if scope_of(user.role, resource, action) is None:
        refusal = NotGrantedError(f"the role {user.role.value} has no '{resource.value} "
                                  f"{action.value}' permission (docs/permissions.md)")  # fmt: skip
    elif access.v_number is not None and not in_scope(
        system, user, access.v_number, resource, action
    ):
        refusal = NotYoursError("this case is not assigned to you or your team")
    if refusal is not None:
        with writing(system.engine) as connection:
            record(connection, replace(access, action=f"{access.action}.refused"), system.clock())
        raise refusal


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    seq: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    source: str
    actor: str | None
    data: dict[str, object]
    late: bool  # recorded more than a day after it occurred
    #: A withdrawn event: the retraction that withdrew it (EVENTS.md v1.1), shown beside it.
    withdrawn_by: TimelineEntry | None = None
    #: A retraction: the event it withdrew (type, when it occurred).
    withdraws: tuple[str, datetime] | None = None
    #: Whether the reader may withdraw it (services/corrections.may_withdraw).
    may_withdraw: bool = False

    @property
    def sentences(self) -> tuple[Message, ...]:
        """What happened, as sentences in the reader's language (domain/narrative.py)."""
        if self.type == "assignment":
            return (assignment(self.actor, str(self.data.get("director", ""))),)
        return describe(self.type, self.source, self.data)

    @property
    def late_by(self) -> Message | None:
        """How late it was recorded ("recorded 3 days after it happened"), when late."""
        return late_by(self.occurred_at, self.recorded_at) if self.late else None


@dataclass(frozen=True, slots=True)
class CasePage:
    file: CaseFile
    timeline: list[TimelineEntry]  # newest first
    #: Why the case is on the reader's list: its worklist items showing on the page's day.
    items: list[ItemRow] = field(default_factory=list)
    #: The case director now (the latest assignment of an assigned case), None: unassigned.
    director: str | None = None
    #: What is missing for removal readiness and what open work addresses it.
    gaps: tuple[Gap, ...] = ()
    #: The country each document request was made to, by its reference.
    request_countries: dict[str, str] = field(default_factory=dict)
    #: How far the projections the page read (items, scope) reach; the page says so when they
    #: could not catch up with the events recorded before it within a second.
    reflected: Reflected | None = None

    @property
    def state(self) -> CaseState | None:
        """The state of the latest case on the page's day (the one readiness is judged on)."""
        return self.file.cases[-1].state if self.file.cases else None

    @property
    def next_flight(self) -> Flight | None:
        """The first booked flight on or after the page's day."""
        state = self.state
        coming = [f for f in state.flights if f.on >= self.file.on] if state else []
        return min(coming, key=lambda f: f.on, default=None)


def case_page(system: System, user: User, v_number: str, on: date, origin: str) -> CasePage:
    """The case file and timeline of `v_number`, logged as read by `user`; a case outside the
    user's scope raises NotYoursError after logging the refused attempt."""
    reflected = awaited(system)  # a partner's event of a moment ago is on the page
    reading = Access(user.name, "web", "case.read", origin, v_number)
    admit(system, user, Resource.CASE, reading)
    found = case_file(system, v_number=v_number, on=on, reader=reading)
    with system.engine.connect() as connection:
        receipts = reads.receipts(connection, v_number)
        known = person_events(connection, v_number)
    timeline = []
    withdrawn = {w.event.seq: w for w in PersonHistory(v_number, known).withdrawals}
    named = {w.retraction.seq: w.event for w in withdrawn.values()}
    entries: dict[int, TimelineEntry] = {}
    for event in known:
        recorded_text, actor = receipts[event.seq]
        recorded = datetime.strptime(recorded_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        gone = named.get(event.seq)
        entries[event.seq] = TimelineEntry(
            event.seq, event.type, event.occurred_at, recorded, event.source, actor,
            dict(event.data), recorded - event.occurred_at > timedelta(days=1),
            withdraws=None if gone is None else (gone.type, gone.occurred_at),
            may_withdraw=(
                event.type != "retracted" and event.seq not in withdrawn
                and may_withdraw(user, event.source, actor)
            ),
        )  # fmt: skip
    for seq, entry in entries.items():
        withdrawal = withdrawn.get(seq)
        beside = None if withdrawal is None else entries[withdrawal.retraction.seq]
        timeline.append(entry if beside is None else replace(entry, withdrawn_by=beside))
    with system.engine.connect() as connection:
        assigned = reads.assignments_of(connection, v_number)
    for at_text, director, by in assigned:
        at = datetime.strptime(at_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        timeline.append(
            TimelineEntry(0, "assignment", at, at, "DTENV", by, {"director": director}, False)
        )
    timeline.sort(key=lambda e: (e.occurred_at, e.seq), reverse=True)
    with system.engine.connect() as connection:
        items = legal_first(reads.items_of(connection, [v_number], on))
        assigned_now = {director for director, _ in reads.directors_of(connection, v_number)}
    current = next((d for _, d, _ in reversed(assigned) if d in assigned_now), None)
    countries = {
        str(e.data["reference"]): str(e.data["country"])
        for e in known if e.type == "document_requested"
    }  # fmt: skip
    page = CasePage(found, timeline, items, current, (), countries, reflected)
    if not found.ready:
        history = PersonHistory(v_number, known)
        judged = next((c for c in history.cases if c.key == found.judged), None)
        state = page.state
        open_items = work_items(judged.events, system.rules) if judged else []
        page = replace(page, gaps=gaps(found.readiness, state, open_items, countries))
    return page


def assign_cases(system: System, by: User, director: User, cases: list[tuple[int, str]]) -> None:
    """Make `director` the case director of `cases` ((case seq, V-number)); recorded."""
    if director.role is not Role.CASE_DIRECTOR:
        raise ServiceError("cases are assigned to case directors")
    at = utc_text(system.clock())
    with writing(system.engine) as connection:
        for case_seq, v_number in cases:
            assign(connection, case_seq=case_seq, v_number=v_number, director=director.name,
                   team=director.team, by=by.name, at=at)  # fmt: skip


def spread_open_cases(system: System, by: User, directors: list[User]) -> int:
    """Assign every open case to the directors in turn (the demo's caseload); how many."""
    with system.engine.connect() as connection:
        found = reads.open_cases(connection)
    turns = cycle(directors)
    batches: dict[str, list[tuple[int, str]]] = {d.name: [] for d in directors}
    by_name = {d.name: d for d in directors}
    previous: str | None = None
    director = next(turns).name
    for case_seq, v_number, family in found:
        if family is None or family != previous:  # a family stays with one director
            director = next(turns).name
        previous = family
        batches[director].append((case_seq, v_number))
    for name, batch in batches.items():
        assign_cases(system, by, by_name[name], batch)
    return len(found)


def log_view(
    system: System, user: User, action: str, origin: str, v_number: str | None = None
) -> None:
    """Log a page view that shows no single case (a worklist, the access log), or a refused
    action on one (`v_number`: the person it was asked for, so the auditor finds it)."""
    with writing(system.engine) as connection:
        record(connection, Access(user.name, "web", action, origin, v_number), system.clock())


@dataclass(frozen=True, slots=True)
class FamilyPage:
    family: str
    members: list[CaseFile]  # side by side
    items: list[ItemRow]  # the members' worklist items: the family's shared deadlines
    reflected: Reflected | None = None  # as on the case page


def family_page(system: System, user: User, family: str, on: date, origin: str) -> FamilyPage:
    """Every member's case file (each read logged) and their items; a family with a member
    outside the user's scope is refused as a whole (and the attempt logged)."""
    reflected = awaited(system)
    with system.engine.connect() as connection:
        members = reads.family_members(connection, family)
    if not members:
        raise UnknownFamilyError("no case names this family")
    if not all(in_scope(system, user, v, Resource.FAMILY) for v in members):
        with writing(system.engine) as connection:
            refusal = Access(
                user.name, "web", "family.read.refused", origin, detail=family_detail(family)
            )  # the target, for the auditor
            record(connection, refusal, system.clock())
        raise NotYoursError("this family is not assigned to you or your team")
    files = [
        case_file(system, v_number=v, on=on,
                  reader=Access(user.name, "web", "family.read", origin, v))
        for v in members
    ]  # fmt: skip
    with system.engine.connect() as connection:
        items = legal_first(reads.items_of(connection, members, on))
    return FamilyPage(family, files, items, reflected)


def legal_first(items: list[ItemRow]) -> list[ItemRow]:
    """Legal deadlines before practice items, each soonest first, as on the worklist."""
    return sorted(items, key=lambda item: (not ItemKind(item.kind).is_legal, item.due))


class UnknownFamilyError(ServiceError):
    """No case names the family."""


def team_directors(system: System, team: str | None) -> list[str]:
    with system.engine.connect() as connection:
        return [
            u.name for u in all_users(connection)
            if u.role == Role.CASE_DIRECTOR.value and u.team == team and u.active
        ]  # fmt: skip
