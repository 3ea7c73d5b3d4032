"""Taking in chain events: every channel (file, stdin, later HTTP) goes through here to the
one event store of the system, with the configured maximum size of one event."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from typing import BinaryIO

from sqlalchemy import Connection, select

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.importing.parsing import Line, LineResult, Oversized, parse_chunk
from terugkeer.importing.service import ImportSummary, Progress, import_lines, split_lines
from terugkeer.monitoring.metrics import count_intake
from terugkeer.services.errors import ServiceError
from terugkeer.services.intake_group import append_together, coming, not_coming
from terugkeer.store.access_log import Access, record_all
from terugkeer.store.collector import collector_paused
from terugkeer.store.engine import writing
from terugkeer.store.event_store import Appended, Outcome
from terugkeer.store.group_commit import Coming
from terugkeer.store.projector import project_behind
from terugkeer.store.queries import named_types
from terugkeer.store.tables import events

__all__ = [
    "NOT_ACCEPTED", "ImportSummary", "LineResult", "NotPermittedError", "Progress", "ingest_batch",
    "ingest_lines", "ingest_stream",
]  # fmt: skip

#: A V-number as the format writes it (the log keeps only a well-formed one).
V_NUMBER = re.compile(r"[0-9]{10}")

#: Why a sender may not send an event of (source, type); None when it may.
Permits = Callable[[str, str], str | None]


class NotPermittedError(ServiceError):
    """Some events of a batch are outside the sender's permission: nothing was stored.
    `refused` holds (position from 1, why) for each of them."""

    def __init__(self, refused: list[tuple[int, str]]) -> None:
        super().__init__(refused[0][1])
        self.refused = refused


def ingest_lines(
    system: System, lines: Iterable[Line], *, progress: Progress | None = None
) -> ImportSummary:
    """Store every valid line, report every invalid one (line numbers from 1)."""
    summary = import_lines(
        lines,
        system.store,
        clock=system.clock,
        progress=progress,
        max_line_bytes=system.settings.max_event_bytes,
        batch_size=system.settings.import_batch_lines,
        projector_after=system.settings.import_projector_after,
    )
    count_intake("import", ["accepted"] * summary.accepted + ["known"] * summary.known
                 + ["rejected"] * len(summary.rejected))  # fmt: skip
    return summary


def ingest_stream(
    system: System, stream: BinaryIO, *, progress: Progress | None = None
) -> ImportSummary:
    """A JSON Lines byte stream (a file, stdin): lines are split without ever holding an
    oversized one whole."""
    lines = split_lines(stream, system.settings.max_event_bytes)
    return ingest_lines(system, lines, progress=progress)


#: Whether the sender may read a person (services/reach.py), asked in the appending
#: transaction; None: the agency's own channel, with full reach.
Reaches = Callable[[Connection, str], bool]

#: What a partner is told of any rejection the store judged for a person outside its reach:
#: the same whether or not the person or the event exists (EVENTS.md, Corrections, "Reach").
#: The real reason is in the access log, for the auditor.
NOT_ACCEPTED = ("not accepted: this person or event is unknown to you, or outside what you "
                "may report on")  # fmt: skip


def ingest_batch(
    system: System,
    lines: Sequence[Line],
    *,
    permits: Permits,
    access: Access,
    reaches: Reaches | None = None,
    announced: Coming | None = None,
) -> list[LineResult]:
    """One batch from a partner (the API): the same parser and store append as a file
    import, one result per event in request order (position from 1; blank lines have none).
    An event outside the sender's permission refuses the whole batch before anything is
    stored. The call is in the access log with its counts, never the events' contents; so is
    each person it touched (with their counts) and each rejection (with the real reason).

    With `reaches`, a rejection the store judged for a person outside the sender's reach
    answers NOT_ACCEPTED instead of its reason — unless the sender itself stored an event
    with that id (a conflict with its own earlier message tells it nothing new).

    `announced`: the token `intake_group.coming` gave the caller for this batch (the API says
    a request is coming as soon as its body is read); without it, the batch is said to be
    coming from here on."""
    hidden: set[int] = set()  # positions answered NOT_ACCEPTED
    parsed: list[tuple[int, ParsedLine]] = []
    results: list[LineResult] = []
    unparsed: list[Access] = []

    def log(connection: Connection, appended: list[Appended]) -> None:
        """The call's access-log rows, committed with its events (one commit, not two); which
        rejections the sender is told nothing about, judged in the same transaction."""
        outcomes = [*(r.outcome for r in results), *(done.outcome for done in appended)]
        rows = [replace(access, detail=_counts(outcomes)), *unparsed]
        persons: dict[str, list[Outcome]] = {}
        current = False  # the projections brought up to this batch (reach reads open cases)
        for (number, line), done in zip(parsed, appended, strict=True):
            event = line.event
            persons.setdefault(event.v_number, []).append(done.outcome)
            if done.outcome is not Outcome.REJECTED:
                continue
            rows.append(_rejection(access, number, event.id, event.v_number, done.error))
            if (
                reaches is not None
                and not done.sender_only  # e.g. its own event to withdraw first: no oracle
                and not _own_id(connection, event.source, event.id)
            ):
                if not current:  # a projector beside the server may not have them yet
                    project_behind(connection, system.rules)
                    current = True
                if not reaches(connection, event.v_number):
                    hidden.add(number)
        per_person = f"{access.action}.person"
        rows += [Access(access.actor, access.channel, per_person, access.origin, v, _tally(found))
                 for v, found in persons.items()]  # fmt: skip
        record_all(connection, rows, system.clock())

    received_at = system.clock()
    numbered = list(enumerate(lines, start=1))
    appended: list[Appended] = []
    # Said to be coming while it is parsed: requests posted together are appended together
    # (services/intake_group.py). Left before anything else is written.
    with coming(system) if announced is None else nullcontext(announced) as token:
        with collector_paused():  # as the append does (store/collector.py)
            parsed, results = parse_chunk(numbered, received_at,
                                          system.settings.max_event_bytes)  # fmt: skip
        unparsed = [_rejection(access, r.line, r.event_id, _v_number(lines[r.line - 1]), r.error)
                    for r in results if r.outcome is Outcome.REJECTED]  # fmt: skip
        refused = _refused(system, parsed, permits)
        if parsed and not refused:
            appended = append_together(system.store, [line for _, line in parsed], log, token)
        else:
            not_coming(system, token)
    if refused:
        by_number = dict(parsed)
        logged = [_rejection(access, n, by_number[n].event.id, by_number[n].event.v_number,
                             f"403 {why}") for n, why in refused]  # fmt: skip
        _log(system, [replace(access, detail=f"403 refused={len(refused)}"), *logged])
        raise NotPermittedError(refused)
    if not parsed:
        _log(system, [replace(access, detail=_counts(results)), *unparsed])
        count_intake("api", (r.outcome.value for r in results))
        return results
    results += [
        LineResult(number, done.event_id, done.outcome,
                   NOT_ACCEPTED if number in hidden else done.error)
        for (number, _), done in zip(parsed, appended, strict=True)
    ]  # fmt: skip
    results.sort(key=lambda r: r.line)
    count_intake("api", (r.outcome.value for r in results))
    return results


def _refused(
    system: System, parsed: list[tuple[int, ParsedLine]], permits: Permits
) -> list[tuple[int, str]]:
    """The events outside the sender's agreement. A retraction is judged by the type of the
    event it names, as the agreement stands now (EVENTS.md v1.1); one naming nothing stored
    passes here and is rejected by the store with its reason."""
    retracting = [
        (e.source, e.v_number, e.named_id or "")
        for _, line in parsed if (e := line.event).is_retraction
    ]  # fmt: skip
    named: dict[tuple[str, str, str], str] = {}
    if retracting:
        with system.engine.connect() as connection:
            named = named_types(connection, retracting)
    refused = []
    for number, line in parsed:
        event = line.event
        why = permits(event.source, event.type)
        kind = named.get((event.source, event.v_number, event.named_id or ""))
        if why is None and event.is_retraction and kind is not None:
            why = permits(event.source, kind)
        if why is not None:
            refused.append((number, why))
    return refused


def _own_id(connection: Connection, source: str, event_id: str) -> bool:
    """Whether the sender's own stored event has this id (its conflict is no oracle)."""
    query = select(events.c.seq).where(events.c.id == event_id, events.c.source == source)
    return connection.execute(query.limit(1)).first() is not None


def _rejection(access: Access, number: int, event_id: str | None, v_number: str | None,
               reason: str | None) -> Access:  # fmt: skip
    """An access-log row of one rejected event: the V-number it touched and the real reason
    (for the auditor; the detail column holds 120 characters)."""
    detail = f"#{number} {event_id or '-'}: {reason or '-'}"
    return replace(access, action=f"{access.action}.rejected", v_number=v_number,
                   detail=detail[:120])  # fmt: skip


def _v_number(line: Line) -> str | None:
    """The V-number of a line that did not parse, if it can be read: the log keeps whom a
    rejected line was about."""
    if isinstance(line, Oversized):
        return None
    try:
        found = json.loads(line)
    except ValueError:
        return None
    value = found.get("v_number") if isinstance(found, dict) else None
    return value if isinstance(value, str) and V_NUMBER.fullmatch(value) else None


def _counts(outcomes: Iterable[LineResult | Outcome]) -> str:
    """ "200 accepted=A known=K rejected=R": the access log's detail of an intake call."""
    kinds = [o.outcome if isinstance(o, LineResult) else o for o in outcomes]
    return "200 " + " ".join(
        f"{kind.value}={kinds.count(kind)}"
        for kind in (Outcome.ACCEPTED, Outcome.KNOWN, Outcome.REJECTED)
    )


def _tally(outcomes: list[Outcome]) -> str:
    """ "accepted=A known=K rejected=R": a person's row of an intake call (one per person)."""
    return (f"accepted={outcomes.count(Outcome.ACCEPTED)} known={outcomes.count(Outcome.KNOWN)} "
            f"rejected={outcomes.count(Outcome.REJECTED)}")  # fmt: skip


def _log(system: System, accesses: list[Access]) -> None:
    with writing(system.engine) as connection:
        record_all(connection, accesses, system.clock())
