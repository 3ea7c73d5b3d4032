"""Parsing a chunk of lines at the edge: candidates for the store, or rejections.

A worker process that parsed ahead was measured slower on 2 cores than parsing here: moving
parsed events between processes cost more than parsing them (see docs/architecture.md).
"""

from __future__ import annotations

from datetime import datetime

from terugkeer.chain_events import EventFormatError, parse_line
from terugkeer.store.event_store import Candidate, LineResult, Outcome

#: A line holding only these is blank (RFC 8259 whitespace); other invisible characters are not
#: blank and get rejected as invalid JSON, so that no line disappears silently.
JSON_WHITESPACE = " \t\r\n"
Chunk = list[tuple[int, str | bytes]]
Parsed = tuple[list[Candidate], list[LineResult]]


def parse_chunk(chunk: Chunk, received_at: datetime) -> Parsed:
    """Blank lines are skipped; bad UTF-8 and invalid events become rejections."""
    candidates: list[Candidate] = []
    rejected: list[LineResult] = []
    for number, raw in chunk:
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not text.strip(JSON_WHITESPACE):
                continue  # blank lines are ignored (EVENTS.md, Encoding)
            candidates.append(Candidate(number, parse_line(text, received_at=received_at)))
        except UnicodeDecodeError as error:
            message = f"line is not valid UTF-8 (byte {error.start + 1})"
            rejected.append(LineResult(number, None, Outcome.REJECTED, message))
        except EventFormatError as error:
            rejected.append(LineResult(number, error.event_id, Outcome.REJECTED, error.message))
    return candidates, rejected
