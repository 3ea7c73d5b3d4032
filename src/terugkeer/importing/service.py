"""Importing a chain-event file: parse each line at the edge, append in batches, summarise."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from terugkeer.chain_events import EventFormatError, parse_line
from terugkeer.store.event_store import Candidate, EventStore, LineResult, Outcome

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
    lines: Iterable[str | bytes],
    store: EventStore,
    *,
    clock: Clock = lambda: datetime.now(UTC),
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> ImportSummary:
    """Store every valid line, report every invalid one. Each batch commits as a whole, so an
    interrupted import leaves whole lines only; re-running it skips what was stored (known)."""
    summary = ImportSummary()
    numbered = enumerate(lines, start=1)
    while chunk := list(islice(numbered, batch_size)):
        now = clock()
        candidates: list[Candidate] = []
        results: list[LineResult] = []
        for number, raw in chunk:
            try:
                text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if not text.strip():
                    continue  # blank lines are ignored (EVENTS.md, Encoding)
                candidates.append(Candidate(number, parse_line(text, received_at=now)))
            except UnicodeDecodeError as error:
                message = f"line is not valid UTF-8 (byte {error.start + 1})"
                results.append(LineResult(number, None, Outcome.REJECTED, message))
            except EventFormatError as error:
                results.append(LineResult(number, error.event_id, Outcome.REJECTED, error.message))
        if candidates:
            results += store.append(candidates, recorded_at=_utc_text(now))
        for result in sorted(results, key=lambda r: r.line):
            summary.add(result)
        if progress is not None:
            progress(chunk[-1][0])
    return summary


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def split_lines(stream: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a binary stream without their line ending; decoding happens per line, so one
    line of bad UTF-8 is rejected on its own instead of aborting the import."""
    for number, raw in enumerate(stream):
        if number == 0 and raw.startswith(BOM):
            raw = raw[len(BOM) :]  # editors on Windows start UTF-8 files with a byte-order mark
        yield raw.rstrip(b"\r\n")
