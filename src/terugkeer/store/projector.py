"""The projector: the projections brought up to the chain's head by following it in seq order
(issue 30, point 2).

The event store judges and appends; keeping the projections is a second job, and it need not
be done inside the append's transaction. How far the projections reach is the last *mark*
(`projection_marks`, store/versions.py): every commit that writes projections marks the seq it
brought them to, so the marks are also what "as known on" reads between.

Whoever writes projections — the event store inline (the web server's small batches) or a
projector following a bulk import on the other core — takes the projection lock first and
checks that the mark is still where it derived from: on SQLite the write lock, on PostgreSQL a
transaction-scoped advisory lock (the event writer's row lock on `chain_head` stays its own,
so a projector never waits for a whole import batch). A projector that finds the mark moved by
someone else drops what it derived and reads on from the new mark.

The projector derives outside any write lock: it reads the events after the mark (a committed
prefix of the chain, seen in one snapshot) and writes only the changed rows, as the event
store would have (store/projection_cache.py), so the projections are the same whoever wrote
them (tests/integration/store/test_projector.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, select, text

from terugkeer.domain.events import Event, EventType
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.store.bulk import one_of
from terugkeer.store.codec import event_from_body
from terugkeer.store.engine import writing
from terugkeer.store.projection_cache import Changes, ProjectionCache
from terugkeer.store.tables import chain_head, events, projection_marks, retention_runs

#: The events the `procedures` projection is derived from.
PROCEDURE_TYPES = frozenset({EventType.PROCEDURE_STARTED, EventType.PROCEDURE_DECIDED})

#: The key of PostgreSQL's transaction-scoped advisory lock that projection writers take
#: ("tk" "pr" in ASCII: any constant no other lock of this database uses).
_LOCK_KEY = 0x746B7072

#: Events a projector derives per commit at most: everything after the mark up to this. A
#: case touched by several events of a step is derived once, so a projector that fell behind
#: catches up faster the more it takes at once (alone, on the first 200,000 lines of a
#: simulated year: 11,600 events/s in steps of 20,000, 13,700 in steps of 50,000, 23,600 in
#: one step); the cap bounds its memory and how long the projections stand still.
STEP_EVENTS = 250_000

#: Events in the projector's memory beyond which the people with only closed cases are
#: forgotten (they are read back if an event of theirs comes).
CACHE_EVENTS = 400_000


def projected_seq(connection: Connection) -> int:
    """The seq the projections reflect: the last mark (0 for a store without one)."""
    return int(connection.execute(select(func.max(projection_marks.c.seq))).scalar() or 0)


def head_seq(connection: Connection) -> int:
    return int(connection.execute(select(chain_head.c.last_seq)).scalar() or 0)


def lock_projections(connection: Connection) -> None:
    """Take the projection lock for the rest of `connection`'s transaction (a SQLite writer
    holds the database's write lock already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def retention_state(connection: Connection) -> tuple[int, ...]:
    """What changes when retention rewrote histories: then every cached history is stale."""
    found = connection.execute(
        select(func.count(), func.coalesce(func.sum(retention_runs.c.events), 0))
    ).one()
    return tuple(found)


def persons_after(connection: Connection, seq: int) -> list[str]:
    """The V-numbers of the events after `seq` (what projections at `seq` lack)."""
    query = select(events.c.v_number).where(events.c.seq > seq).distinct()
    return list(connection.execute(query).scalars())


def project_behind(connection: Connection, rules: RulesTable) -> int:
    """Within the caller's writing transaction: bring the projections up to the head, the
    persons of every event after the mark rewritten whole from their histories (retention
    and the like, which must not act on projections that lag behind). The seq reached."""
    lock_projections(connection)
    start, head = projected_seq(connection), head_seq(connection)
    if start >= head:
        return start
    behind = persons_after(connection, start)
    person = (
        select(events.c.seq, events.c.v_number, events.c.body)
        .where(one_of(connection, events.c.v_number, "vs"), events.c.seq <= head)
        .order_by(events.c.seq)
    )
    histories: dict[str, list[Event]] = {v_number: [] for v_number in behind}
    for row in connection.execute(person, {"vs": behind}):
        histories[row.v_number].append(event_from_body(row.seq, row.body))
    whole = Touched({v_number: set() for v_number in behind})
    loaded = {v: PersonHistory(v, person_events) for v, person_events in histories.items()}
    whole.derive(ProjectionCache(rules), loaded).write(connection, head)
    return head


@dataclass(slots=True)
class Touched:
    """What a run of accepted events touched, per person: the case keys, and whether the
    person's procedures or withdrawals must be derived again."""

    cases: dict[str, set[int]] = field(default_factory=dict)
    procedures: set[str] = field(default_factory=set)
    withdrawals: set[str] = field(default_factory=set)

    def add(self, event: Event, case_key: int, withdrawn: Event | None) -> None:
        self.cases.setdefault(event.v_number, set()).add(case_key)
        if event.type in PROCEDURE_TYPES:
            self.procedures.add(event.v_number)
        if withdrawn is not None:
            self.withdrawals.add(event.v_number)
            if withdrawn.type in PROCEDURE_TYPES:
                self.procedures.add(event.v_number)

    def derive(self, cache: ProjectionCache, histories: dict[str, PersonHistory]) -> Changes:
        return cache.derive(histories, self.cases, self.procedures, self.withdrawals)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a projector: the projections went from `start` to `reached`; `head` was
    the chain's head when it read."""

    start: int
    reached: int
    head: int
    events: int

    @property
    def behind(self) -> int:
        return self.head - self.reached


class Projector:
    """Follows the chain from the last mark and writes the projections it implies."""

    def __init__(self, engine: Engine, rules: RulesTable, *, step_events: int = STEP_EVENTS):
        self.engine = engine
        self.rules = rules
        self.step_events = step_events
        self._histories: dict[str, PersonHistory] = {}
        self._projected = ProjectionCache(rules)
        self._seq = -1  # the mark the cache reflects; -1: nothing cached
        self._retention: tuple[int, ...] = ()
        self._cached_events = 0

    def step(self) -> Step:
        """Derive and write the projections of up to `step_events` events after the mark."""
        with self.engine.connect() as connection, connection.begin():
            start = projected_seq(connection)
            head = head_seq(connection)
            if start >= head:
                return Step(start, start, head, 0)
            retention = retention_state(connection)
            if start != self._seq or retention != self._retention:
                self._forget()
            self._retention = retention
            end = min(head, start + self.step_events)
            changes, count = self._derive(connection, start, end)
        with writing(self.engine) as connection:
            lock_projections(connection)
            if projected_seq(connection) != start:  # another writer projected meanwhile
                self._forget()
                return Step(start, start, head, 0)
            changes.write(connection, end)
        self._seq = end
        if self._cached_events > CACHE_EVENTS:
            self._evict()
        return Step(start, end, head, count)

    def catch_up(self) -> int:
        """Step until the projections reach the head as it stands when they get there."""
        while True:
            step = self.step()
            if step.reached >= step.head:
                return step.reached

    def _derive(self, connection: Connection, start: int, end: int) -> tuple[Changes, int]:
        query = (
            select(events.c.seq, events.c.v_number, events.c.body)
            .where(events.c.seq > start, events.c.seq <= end)
            .order_by(events.c.seq)
        )
        chunk = [event_from_body(row.seq, row.body) for row in connection.execute(query)]
        self._load(connection, {event.v_number for event in chunk}, start)
        touched = Touched()
        for event in chunk:
            history = self._histories[event.v_number]
            case = history.accept(event, stored=True)
            withdrawn = history.withdrawals[-1].event if event.is_retraction else None
            touched.add(event, case.key, withdrawn)
        self._cached_events += len(chunk)
        return touched.derive(self._projected, self._histories), len(chunk)

    def _load(self, connection: Connection, v_numbers: Iterable[str], upto: int) -> None:
        """The histories, up to seq `upto`, of the persons not in memory."""
        missing = set(v_numbers) - self._histories.keys()
        if not missing:
            return
        loaded: dict[str, list[Event]] = {v: [] for v in missing}
        query = (
            select(events.c.seq, events.c.v_number, events.c.body)
            .where(one_of(connection, events.c.v_number, "vs"), events.c.seq <= upto)
            .order_by(events.c.seq)
        )
        for row in connection.execute(query, {"vs": list(missing)}):
            loaded[row.v_number].append(event_from_body(row.seq, row.body))
        for v_number, person in loaded.items():
            self._histories[v_number] = PersonHistory(v_number, person)
            if not person:  # nothing of theirs is in any projection yet
                self._projected.new_person(v_number)
            self._cached_events += len(person)

    def _evict(self) -> None:
        """Forget the people whose every case is closed (as the event store does)."""
        closed = [v for v, h in self._histories.items() if not any(c.is_open for c in h.cases)]
        for v_number in closed:
            del self._histories[v_number]
        self._projected.drop(closed)
        self._cached_events = sum(len(c.events) for h in self._histories.values() for c in h.cases)
        if self._cached_events > CACHE_EVENTS // 2:
            self._forget()

    def _forget(self) -> None:
        self._histories.clear()
        self._projected.forget()
        self._seq, self._cached_events = -1, 0
