"""The event store: the one place that commits.

A batch of parsed events (from a file, an HTTP body, a page's form: the store does not know) is
judged and appended in one transaction, one outcome per event by position. Writers are
serialised (a row lock on chain_head, BEGIN IMMEDIATE on SQLite), each event is judged against
everything accepted before it, accepted rows get their seq and hash-chain link, and the
projections of the persons touched are rebuilt — all committed together or not at all.

A bulk import may leave the projections to a projector on the other core (`project=False`,
store/projector.py), and so may the web server's partner intake while a projector runs beside
the server (`beside`): reads then wait for the projections to reach what they read
(services/known.py). A store that projects inline first brings the projections up to the head
it found (whatever a projector left undone), so a read after its write always sees the write.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import Connection, Engine, select, update

from terugkeer.chain_events import ParsedLine
from terugkeer.domain.calendar import to_micros
from terugkeer.domain.errors import EventRejectedError
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.messages import Message, say
from terugkeer.domain.provenance import is_synthetic, mixing_error
from terugkeer.domain.rules import RulesTable
from terugkeer.store.bulk import insert_rows, one_of
from terugkeer.store.codec import EventRow, event_from_body, event_row, same_content
from terugkeer.store.collector import collector_paused
from terugkeer.store.engine import WRITER
from terugkeer.store.errors import guarded, unavailable
from terugkeer.store.group_commit import GroupCommit, Waiting
from terugkeer.store.hashchain import row_hash
from terugkeer.store.identities import Identities
from terugkeer.store.projection_cache import ProjectionCache
from terugkeer.store.projector import (
    Touched,
    lock_projections,
    persons_after,
    projected_seq,
    retention_state,
)
from terugkeer.store.pseudonyms import DEVELOPMENT_KEY, Pseudonyms
from terugkeer.store.stopwatch import (
    COMMIT,
    DERIVE,
    JUDGE,
    LOOK_UP,
    WRITE_EVENTS,
    WRITE_PROJECTIONS,
    Stopwatch,
)
from terugkeer.store.tables import chain_head, events, recorded_by
from terugkeer.store.webhooks import Accepted, enqueue

#: The stored "body" of an event whose original was removed by retention.
RETAINED = "\x00retained"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    KNOWN = "known"
    REJECTED = "rejected"


class Appended(NamedTuple):  # built per event: a tuple is made in half the time
    """What became of one event of a batch: accepted, known (a repeat) or rejected (why)."""

    event_id: str
    outcome: Outcome
    #: Why it was rejected, for a page to translate; `error` is the same sentence in English.
    why: Message | None = None
    #: The reason depends only on the sender's own stored events (a partner may hear it even
    #: about a person outside its reach).
    sender_only: bool = False

    @property
    def error(self) -> str | None:
        return None if self.why is None else str(self.why)


#: What a caller writes in the appending transaction, given the outcomes.
Also = Callable[[Connection, list[Appended]], None]


def _in_context(also: Also | None) -> Also | None:
    """`also` run in its caller's context wherever it runs: another caller's thread may write
    it with its own group (store/group_commit.py), and what `also` writes must still be the
    caller's — the request id of its access-log rows (monitoring/context.py)."""
    if also is None:
        return None
    context = contextvars.copy_context()
    return lambda connection, results: context.run(also, connection, results)


_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"

#: Events in memory from which a pause of the collector freezes them (store/collector.py).
_LARGE_CACHE = 20_000

#: Events appended by other writers since our last batch up to which only the persons they
#: touched are forgotten (beyond it, say after another process's import, the whole cache).
_CATCH_UP_EVENTS = 10_000

#: How far the projections may be behind the head before a store whose projector runs beside
#: it projects inline again: a projector that died, or cannot keep up, holds back the reads
#: (they wait for it) but never more than this.
BESIDE_MAX_LAG = 50_000


class EventStore:
    """Appends chain events; keeps recently used person histories in memory between batches."""

    def __init__(
        self,
        engine: Engine,
        rules: RulesTable,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache_events: int = 400_000,
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        self.engine = engine
        # The development key unless configured: fine for synthetic data and tests, no
        # protection at all for real people (docs/architecture.md, retention).
        self.pseudonyms = pseudonyms or Pseudonyms(DEVELOPMENT_KEY)
        self._identities = Identities(self.pseudonyms)
        self.rules = rules
        self.clock = clock  # for recorded_at, read once the writer lock is held
        #: A simulated import's clock (simulation/arrival.py): an event whose id is here is
        #: recorded when it arrived, never before the event stored ahead of it.
        self.arrivals: Mapping[str, datetime] | None = None
        self._histories: dict[str, PersonHistory] = {}
        self._projected = ProjectionCache(rules)  # the projection rows written per person
        self._cached_seq = -1  # the chain head the cache reflects; -1 = cache unusable
        self._cached_retention: tuple[int, ...] = ()  # retention runs the cache reflects
        self._cache_events = cache_events
        self._cached_count = 0
        self._synthetic: bool | None = None  # what the store holds; None: not known yet
        # The web server appends from several threads (pages, API): the in-memory histories
        # are this process's, so one transaction at a time here, and batches that wait meanwhile
        # go together into the next (group commit); the chain head's row lock serialises
        # writers across processes.
        self._group: GroupCommit[ParsedLine, Also | None, Appended] = GroupCommit()
        self.stopwatch = Stopwatch(on=False)  # `bench import` turns it on (one thread only)
        self._project = True
        #: A projector runs beside this process (the web server's, store/projector_process.py):
        #: appends without an actor (the API's) leave the projections to it while it is less
        #: than BESIDE_MAX_LAG events behind; a page's action still projects inline.
        self.beside = False
        #: The mark this store's own last projecting commit left (-1: none). Another writer
        #: of projections moved it since when it is not the mark found: what `_projected`
        #: remembers writing may then be stale.
        self._marked = -1

    @property
    def project(self) -> bool:
        """Whether appending keeps the projections (inline), or leaves them to a projector
        following the chain (a bulk import's, store/projector.py)."""
        return self._project

    @project.setter
    def project(self, inline: bool) -> None:
        with self._group.lock:
            if inline and not self._project:
                # A projector wrote rows meanwhile: what this store remembers writing is stale.
                self._projected.forget()
            self._project = inline

    def append(
        self,
        batch: Sequence[ParsedLine],
        *,
        actor: str | None = None,
        whole: bool = False,
        also: Also | None = None,
    ) -> list[Appended]:
        """Judge and store `batch` in one transaction; one outcome per event, in batch order.
        `actor`: the user who recorded the events (a page), kept with them. `whole`: store
        all of the batch or none of it (a family's action): when any event is rejected,
        nothing is stored and the outcomes say which and why. `also`: written in the same
        transaction, given the outcomes (the API's access-log row: one commit, not two)."""
        if not batch:
            return []
        if actor is not None or whole:  # a page's action: alone, as it is judged whole
            with self._group.lock:
                return self._append_locked(batch, actor, whole, also, beside=False)
        return self._group.run(batch, _in_context(also), self._append_group)

    def holds_synthetic(self) -> bool:
        """Whether the store holds synthetic events (its first event says; a store never mixes
        them with real ones). An empty store holds real ones until its first event says not."""
        if self._synthetic is None:
            with self.engine.connect() as connection:
                first = connection.execute(
                    select(events.c.id).where(events.c.seq == 1)
                ).scalar_one_or_none()
            if first is None:
                return False
            self._synthetic = is_synthetic(first)
        return self._synthetic

    def _append_group(self, group: list[Waiting[ParsedLine, Also | None, Appended]]) -> None:
        """The batches of `group` in one transaction, in their order (store/group_commit.py)."""
        beside = self.beside
        if len(group) == 1:
            only = group[0]
            only.results = self._append_locked(only.batch, None, False, only.extra, beside=beside)
            return

        def each(connection: Connection, results: list[Appended]) -> None:
            start = 0
            for waiting in group:
                end = start + len(waiting.batch)
                waiting.results, start = results[start:end], end
                if waiting.extra is not None:
                    waiting.extra(connection, waiting.results)

        lines = [line for w in group for line in w.batch]
        self._append_locked(lines, None, False, each, beside=beside)

    def _append_locked(
        self,
        batch: Sequence[ParsedLine],
        actor: str | None,
        whole: bool,
        also: Also | None,
        *,
        beside: bool,
    ) -> list[Appended]:
        try:
            with (
                collector_paused(keep=self._cached_count >= _LARGE_CACHE),
                guarded(self.engine.url, "written"),
                self.engine.connect() as plain,
            ):
                connection = plain.execution_options(**{WRITER: True})
                self.stopwatch.start()
                transaction = connection.begin()
                try:
                    results, last_seq, projected = self._append(connection, batch, actor, beside)
                    if whole and any(r.outcome is Outcome.REJECTED for r in results):
                        transaction.rollback()
                        self._forget()
                        return results
                    if also is not None:
                        also(connection, results)
                    transaction.commit()
                    self.stopwatch.lap(COMMIT)
                finally:
                    if transaction.is_active:
                        transaction.rollback()
        except BaseException:
            self._forget()  # in-memory histories may hold events that were not committed
            raise
        self._cached_seq = last_seq
        if projected:
            self._marked = last_seq
        if self._cached_count > self._cache_events:
            self._evict()
        return results

    def _evict(self) -> None:
        """Over the cache's size: forget the people whose every case is closed (few events
        still come for them), keep those with an open case — the ones the next batches bring.
        Forgetting everyone instead makes each person of the next batches be read back and all
        their rows rewritten. When the open cases alone fill half the cache, everything goes.
        (On a simulated year's feed the import's speed did not measurably change: 8,582 and
        8,667 events/s; its slowdown towards the end has other causes, docs/architecture.md.)"""
        closed = [v for v, h in self._histories.items() if not any(c.is_open for c in h.cases)]
        for v_number in closed:
            del self._histories[v_number]
        self._projected.drop(closed)
        self._identities.drop(closed)
        self._cached_count = sum(len(c.events) for h in self._histories.values() for c in h.cases)
        if self._cached_count > self._cache_events // 2:
            self._forget()

    def _catch_up(self, connection: Connection, seq: int) -> None:
        """Others appended seqs after ours up to `seq`: the persons of those events have stale
        histories, projection rows and identities here, so they are forgotten and read back
        when a batch needs them; everyone else stays (with several server processes, nearly
        every batch finds the head moved). When more came than is worth sorting, all go."""
        since = self._cached_seq
        if since < 0 or not 0 < seq - since <= _CATCH_UP_EVENTS:
            self._forget()
            return
        query = select(events.c.v_number).where(events.c.seq > since).distinct()
        stale = [v for v in connection.execute(query).scalars() if v in self._histories]
        for v_number in stale:
            self._cached_count -= sum(len(c.events) for c in self._histories.pop(v_number).cases)
        self._projected.drop(stale)
        self._identities.drop(stale)

    def _forget(self) -> None:
        self._histories.clear()
        self._projected.forget()
        self._identities.forget()
        self._cached_seq, self._cached_count = -1, 0
        self._synthetic = None
        self._marked = -1

    def _append(
        self, connection: Connection, batch: Sequence[ParsedLine], actor: str | None, beside: bool
    ) -> tuple[list[Appended], int, bool]:
        """The outcomes, the seq reached, and whether the projections reach it (written here)."""
        head = connection.execute(
            select(chain_head).where(chain_head.c.id == 1).with_for_update()
        ).one()
        seq, chain, pseudonymous = head.last_seq, head.last_hash, head.scheme == 2
        if pseudonymous:
            self._check_key(connection, head.key_check)
        # Under the lock, and never before the chain head's: recorded_at never runs backwards
        # against seq, whichever writer (thread, process, host with its own clock) came first.
        now = self.clock().astimezone(UTC)
        latest = self._latest_stamp(connection, seq)
        recorded_at = now_text = max(now.strftime(_STAMP), latest)  # one format: text order
        # Retention rewrote histories, or another writer (a thread of another process, another
        # host) appended, since our last batch?
        retained = retention_state(connection)
        if retained != self._cached_retention:
            self._forget()
        elif seq != self._cached_seq:
            self._catch_up(connection, seq)
        self._cached_retention = retained
        project = self._project and not (
            beside and seq - projected_seq(connection) <= BESIDE_MAX_LAG
        )
        if project:
            self._project_behind(connection, seq)
        stored = self._stored_bodies(connection, [parsed.event for parsed in batch])
        loaded = self._load_histories(connection, {parsed.event.v_number for parsed in batch})
        if pseudonymous:
            self._identities.load(connection, loaded)
        if self._synthetic is None and seq > 0:
            first = connection.execute(select(events.c.id).where(events.c.seq == 1)).scalar_one()
            self._synthetic = is_synthetic(first)
        self.stopwatch.lap(LOOK_UP)
        results: list[Appended] = []
        rows: list[EventRow] = []
        accepted: list[Accepted] = []
        touched = Touched()
        for parsed in batch:
            event, body = parsed.event, parsed.canonical
            key = (event.source, event.id)  # the idempotency key (EVENTS.md v1.1)
            prior = stored.get(key)
            if prior is not None:
                results.append(_repeat(event.id, prior, body))
                continue
            if self._synthetic is not None and is_synthetic(event.id) != self._synthetic:
                error = mixing_error(event.id, self._synthetic)
                results.append(Appended(event.id, Outcome.REJECTED, error))
                continue
            history = self._histories[event.v_number]
            # Placed where it is, not copied: the parsed event is the batch's alone.
            placed, event.seq = event, seq + 1
            try:
                case = history.accept(placed)
            except EventRejectedError as rejection:
                event.seq = 0  # not stored after all
                results.append(Appended(
                    event.id, Outcome.REJECTED, rejection.sentence, rejection.sender_only
                ))  # fmt: skip
                continue
            seq += 1
            if self.arrivals is not None:
                arrived = self.arrivals.get(event.id)
                stamp = now_text if arrived is None else arrived.astimezone(UTC).strftime(_STAMP)
                latest = recorded_at = max(stamp, latest)  # one format: text order is time order
            if self._synthetic is None:  # the store's first event decides what it holds
                self._synthetic = is_synthetic(event.id)
            withdrawn = None
            if event.type == EventType.RETRACTED:
                withdrawn = history.withdrawals[-1].event
            if pseudonymous:
                row, chain = self._identities.row(
                    placed,
                    case_seq=case.key,
                    body=body,
                    recorded_at=recorded_at,
                    previous=chain,
                    named_seq=None if withdrawn is None else withdrawn.seq,
                    data_json=parsed.data_json,
                )
            else:  # a store begun before chain scheme 2 keeps hashing every column
                row = event_row(placed, case_seq=case.key, body=body, recorded_at=recorded_at)
                chain = row_hash(chain, row)
                row += [chain, None, None]
            rows.append(row)
            accepted.append(Accepted(
                seq, event.id, event.type, event.v_number, event.source,
                None if withdrawn is None else withdrawn.seq,
            ))  # fmt: skip
            stored[key] = body
            touched.add(event, case.key, withdrawn)
            results.append(Appended(event.id, Outcome.ACCEPTED))
        self.stopwatch.lap(JUDGE)
        if rows:
            insert_rows(connection, events, rows)
            if actor is not None:
                insert_rows(connection, recorded_by, [[row[0], actor] for row in rows])
            self._identities.flush(connection, touched.cases)
            self.stopwatch.lap(WRITE_EVENTS)
            if project:
                changes = touched.derive(self._projected, self._histories)
                self.stopwatch.lap(DERIVE)
                changes.write(connection, seq)
                self.stopwatch.lap(WRITE_PROJECTIONS)
            # Webhook deliveries due, in this transaction: committed with the events or not at
            # all, so none is lost in a crash and none is sent for an event not stored.
            enqueue(connection, accepted, to_micros(now))
            connection.execute(
                update(chain_head).where(chain_head.c.id == 1).values(last_seq=seq, last_hash=chain)
            )
            self._cached_count += len(rows)
            self.stopwatch.lap(WRITE_EVENTS)
        return results, seq, project

    def _project_behind(self, connection: Connection, seq: int) -> None:
        """Bring the projections up to `seq`, the head this batch found, before its own events
        are projected: a projector (a bulk import's) may have left some undone, or died. The
        persons of those events are rewritten whole, from their histories as of `seq`."""
        lock_projections(connection)
        start = projected_seq(connection)
        if start != self._marked:  # another writer projected since (a projector beside us)
            self._projected.forget()
        if start >= seq:
            return
        behind = persons_after(connection, start)
        self._projected.drop(behind)
        self._load_histories(connection, behind)
        touched = Touched({v_number: set() for v_number in behind})
        touched.derive(self._projected, self._histories).write(connection, seq)

    @staticmethod
    def _latest_stamp(connection: Connection, seq: int) -> str:
        found = connection.execute(select(events.c.recorded_at).where(events.c.seq == seq))
        return found.scalar() or ""

    def _check_key(self, connection: Connection, stored: str | None) -> None:
        check = self.pseudonyms.key_check
        if stored is None:
            connection.execute(update(chain_head).values(key_check=check))
        elif stored != check:
            raise unavailable(
                self.engine.url,
                "was written with another pseudonym key: set the same TERUGKEER_PSEUDONYM_KEY",
            )

    def _stored_bodies(
        self, connection: Connection, batch: list[Event]
    ) -> dict[tuple[str, str], str]:
        """Stored bodies by (source, id) — the idempotency key —, RETAINED for an id whose
        event was pseudonymised since. Looked up by id (the key's leading column); another
        sender's event with the same id is not this one."""
        query = select(events.c.source, events.c.id, events.c.body).where(
            one_of(connection, events.c.id, "ids")
        )
        wanted = {(event.source, event.id) for event in batch}
        ids = list({event_id for _, event_id in wanted})
        found = {
            key: row.body
            for row in connection.execute(query, {"ids": ids})
            if (key := (row.source, row.id)) in wanted
        }
        if self._cached_retention[0] == 0:  # no retention has run: no id was pseudonymised
            return found
        retained = {
            (source, self.pseudonyms.retained_id(i)): (source, i)
            for source, i in wanted
            if (source, i) not in found
        }
        if retained:
            again = connection.execute(query, {"ids": list({i for _, i in retained})})
            for row in again:
                if (key := (row.source, row.id)) in retained:
                    found[retained[key]] = RETAINED
        return found

    def _load_histories(
        self, connection: Connection, v_numbers: Iterable[str]
    ) -> dict[str, list[Event]]:
        missing = set(v_numbers) - self._histories.keys()
        if not missing:
            return {}
        loaded: dict[str, list[Event]] = {v: [] for v in missing}
        query = (
            select(events.c.seq, events.c.v_number, events.c.body)
            .where(one_of(connection, events.c.v_number, "vs"))
            .order_by(events.c.seq)
        )
        for row in connection.execute(query, {"vs": list(missing)}):
            loaded[row.v_number].append(event_from_body(row.seq, row.body))
        for v_number, person_events in loaded.items():
            self._histories[v_number] = PersonHistory(v_number, person_events)
            if not person_events:
                self._projected.new_person(v_number)
            self._cached_count += len(person_events)
        return loaded


def _repeat(event_id: str, prior: str, body: str) -> Appended:
    if prior is RETAINED or same_content(prior, body):  # a retained body cannot be compared
        return Appended(event_id, Outcome.KNOWN)
    return Appended(
        event_id,
        Outcome.REJECTED,
        say("id %(id)s was already received with different content (conflict)", id=event_id),
    )
