"""Parsing a chunk of lines at the edge: events for the store, or rejections.

A worker process that parsed ahead was measured slower on 2 cores than parsing here: moving
parsed events between processes cost more than parsing them (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from terugkeer.chain_events import EventFormatError, ParsedLine, parse_line
from terugkeer.store.event_store import Outcome

#: A line holding only these is blank (RFC 8259 whitespace); other invisible characters are not
#: blank and get rejected as invalid JSON, so that no line disappears silently.
JSON_WHITESPACE = " \t\r\n"
#: The default maximum size of one line (one event), in bytes.
MAX_LINE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Oversized:
    """A line longer than the maximum, read no further than needed to skip it."""

    size: int  # bytes, at least


class LineResult(NamedTuple):  # built per event: a tuple is made in half the time
    line: int
    event_id: str | None
    outcome: Outcome
    error: str | None = None


Line = str | bytes | Oversized
Chunk = list[tuple[int, Line]]
Parsed = tuple[list[tuple[int, ParsedLine]], list[LineResult]]


def too_long(size: int, limit: int) -> str:
    return (
        f"line is {size:,} bytes or more, longer than the maximum of {limit:,} bytes for one "
        "event (TERUGKEER_MAX_EVENT_BYTES)"
    )


def parse_chunk(chunk: Chunk, received_at: datetime, limit: int = MAX_LINE_BYTES) -> Parsed:
    """Blank lines are skipped; oversized lines, bad UTF-8 and invalid events become
    rejections. Parsed events keep their line number."""
    parsed: list[tuple[int, ParsedLine]] = []
    rejected: list[LineResult] = []
    for number, raw in chunk:
        try:
            if isinstance(raw, Oversized) or _longer(raw, limit):
                size = raw.size if isinstance(raw, Oversized) else len(_bytes(raw))
                rejected.append(LineResult(number, None, Outcome.REJECTED, too_long(size, limit)))
                continue
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not text.strip(JSON_WHITESPACE):
                continue  # blank lines are ignored (EVENTS.md, Encoding)
            parsed.append((number, parse_line(text, received_at=received_at)))
        except UnicodeDecodeError as error:
            message = f"line is not valid UTF-8 (byte {error.start + 1})"
            rejected.append(LineResult(number, None, Outcome.REJECTED, message))
        except EventFormatError as error:
            rejected.append(LineResult(number, error.event_id, Outcome.REJECTED, error.message))
    return parsed, rejected


def _longer(raw: str | bytes, limit: int) -> bool:
    if isinstance(raw, bytes):
        return len(raw) > limit
    # A character is at most 4 bytes in UTF-8: encode only lines that could be too long.
    return len(raw) * 4 > limit and len(_bytes(raw)) > limit


def _bytes(raw: str | bytes) -> bytes:
    return raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
