"""Taking in chain events: every channel (file, stdin, later HTTP) goes through here to the
one event store of the system, with the configured maximum size of one event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import BinaryIO

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.importing.parsing import Line, LineResult, parse_chunk
from terugkeer.importing.service import ImportSummary, Progress, import_lines, split_lines
from terugkeer.services.errors import ServiceError
from terugkeer.store.access_log import Access, record
from terugkeer.store.collector import collector_paused
from terugkeer.store.engine import writing
from terugkeer.store.event_store import Appended, Outcome
from terugkeer.store.queries import named_types

__all__ = [
    "ImportSummary", "LineResult", "NotPermittedError", "Progress", "ingest_batch",
    "ingest_lines", "ingest_stream",
]  # fmt: skip

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
    return import_lines(
        lines,
        system.store,
        clock=system.clock,
        progress=progress,
        max_line_bytes=system.settings.max_event_bytes,
        batch_size=system.settings.import_batch_lines,
    )


def ingest_stream(
    system: System, stream: BinaryIO, *, progress: Progress | None = None
) -> ImportSummary:
    """A JSON Lines byte stream (a file, stdin): lines are split without ever holding an
    oversized one whole."""
    lines = split_lines(stream, system.settings.max_event_bytes)
    return ingest_lines(system, lines, progress=progress)


def ingest_batch(
    system: System, lines: Sequence[Line], *, permits: Permits, access: Access
) -> list[LineResult]:
    """One batch from a partner (the API): the same parser and store append as a file
    import, one result per event in request order (position from 1; blank lines have none).
    An event outside the sender's permission refuses the whole batch before anything is
    stored. The call is in the access log with its counts, never the events' contents."""
    received_at = system.clock()
    numbered = list(enumerate(lines, start=1))
    with collector_paused():  # as the append does (store/collector.py)
        parsed, results = parse_chunk(numbered, received_at, system.settings.max_event_bytes)
    refused = _refused(system, parsed, permits)
    if refused:
        _log(system, access, f"403 refused={len(refused)}")
        raise NotPermittedError(refused)
    if not parsed:
        _log(system, access, _counts(results))
        return results

    def log(connection: Connection, appended: list[Appended]) -> None:
        """The call's access-log row, committed with its events (one commit, not two)."""
        outcomes = [*(r.outcome for r in results), *(done.outcome for done in appended)]
        record(connection, replace(access, detail=_counts(outcomes)), system.clock())

    appended = system.store.append([line for _, line in parsed], also=log)
    results += [
        LineResult(number, done.event_id, done.outcome, done.error)
        for (number, _), done in zip(parsed, appended, strict=True)
    ]
    results.sort(key=lambda r: r.line)
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


def _counts(outcomes: Iterable[LineResult | Outcome]) -> str:
    """ "200 accepted=A known=K rejected=R": the access log's detail of an intake call."""
    kinds = [o.outcome if isinstance(o, LineResult) else o for o in outcomes]
    return "200 " + " ".join(
        f"{kind.value}={kinds.count(kind)}"
        for kind in (Outcome.ACCEPTED, Outcome.KNOWN, Outcome.REJECTED)
    )


def _log(system: System, access: Access, detail: str) -> None:
    with writing(system.engine) as connection:
        record(connection, replace(access, detail=detail), system.clock())
