"""Importing a chain-event file: parse each line at the edge, append in batches, summarise."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from typing import BinaryIO

from terugkeer.importing.parsing import (
    MAX_LINE_BYTES,
    Line,
    LineResult,
    Oversized,
    parse_chunk,
)
from terugkeer.store.collector import collector_paused
from terugkeer.store.event_store import EventStore, Outcome
from terugkeer.store.projector_process import projector_beside, shareable
from terugkeer.store.stopwatch import PARSE

Clock = Callable[[], datetime]
BOM = b"\xef\xbb\xbf"
Progress = Callable[[int], None]  # called with the number of lines handled so far


@dataclass
class ImportSummary:
    accepted: int = 0
    known: int = 0
    rejected: list[LineResult] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.accepted + self.known + len(self.rejected)

    def add(self, result: LineResult) -> None:
        if result.outcome is Outcome.ACCEPTED:
            self.accepted += 1
        elif result.outcome is Outcome.KNOWN:
            self.known += 1
        else:
            self.rejected.append(result)

    def as_json(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "known": self.known,
            "rejected": [
                {"line": r.line, "id": r.event_id, "error": r.error} for r in self.rejected
            ],
        }


def import_lines(
    lines: Iterable[Line],
    store: EventStore,
    *,
    clock: Clock = lambda: datetime.now(UTC),
    batch_size: int = 50_000,  # = Settings.import_batch_lines' default (why there)
    progress: Progress | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
    projector_after: int | None = None,
) -> ImportSummary:
    """Store every valid line, report every invalid one. Each batch commits as a whole, so an
    interrupted import leaves whole lines only; re-running it skips what was stored (known).

    `projector_after`: once this many lines are handled, if more follow, a projector process
    on the other core keeps the projections meanwhile (store/projector_process.py); they are
    up to date when this returns. None: the store keeps them inline throughout (the process
    costs a second to start, worth it for a bulk import only)."""
    summary = ImportSummary()
    numbered = enumerate(lines, start=1)
    chunks = _Chunks(store, summary, clock, batch_size, progress, max_line_bytes)
    with collector_paused():  # parsing too: its events go into the store's caches
        if projector_after is None or not shareable(store.engine.url):
            chunks.run(numbered)
            return summary
        chunks.run(numbered, until=projector_after)
        following = next(numbered, None)
        if following is not None:
            with projector_beside(store):
                chunks.run(chain([following], numbered))
    return summary


class _Chunks:
    """Parsing and appending an import batch by batch."""

    def __init__(
        self,
        store: EventStore,
        summary: ImportSummary,
        clock: Clock,
        batch_size: int,
        progress: Progress | None,
        max_line_bytes: int,
    ) -> None:
        self.store, self.summary, self.clock = store, summary, clock
        self.batch_size, self.progress, self.max_line_bytes = batch_size, progress, max_line_bytes

    def run(self, numbered: Iterator[tuple[int, Line]], *, until: int | None = None) -> None:
        """Whole batches of `numbered` until it ends, or until `until` lines are handled."""
        store = self.store
        while (until is None or self.summary.lines < until) and (
            chunk := list(islice(numbered, self.batch_size))
        ):
            received_at = self.clock()
            store.stopwatch.start()
            parsed, results = parse_chunk(chunk, received_at, self.max_line_bytes)
            store.stopwatch.lap(PARSE)
            if parsed:
                appended = store.append([event for _, event in parsed])
                results += [
                    LineResult(number, done.event_id, done.outcome, done.error)
                    for (number, _), done in zip(parsed, appended, strict=True)
                ]
            for result in sorted(results, key=lambda r: r.line):
                self.summary.add(result)
            if self.progress is not None:
                self.progress(chunk[-1][0])


def split_lines(stream: BinaryIO, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Lines of a binary stream without their line ending; decoding happens per line, so one
    line of bad UTF-8 is rejected on its own instead of aborting the import. A line longer
    than the maximum is never held in memory whole: it is skipped and reported."""
    first = True
    while raw := stream.readline(max_line_bytes + 5):  # room for a BOM and CR LF
        if first and raw.startswith(BOM):
            raw = raw[len(BOM) :]  # editors on Windows start UTF-8 files with a byte-order mark
        first = False
        if not raw.endswith(b"\n") and len(raw) > max_line_bytes:
            yield Oversized(len(raw) + _skip_line(stream))
            continue
        line = raw.rstrip(b"\r\n")
        yield Oversized(len(line)) if len(line) > max_line_bytes else line


def _skip_line(stream: BinaryIO) -> int:
    skipped = 0
    while chunk := stream.readline(1 << 16):
        skipped += len(chunk.rstrip(b"\r\n"))
        if chunk.endswith(b"\n"):
            break
    return skipped
