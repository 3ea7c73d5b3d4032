"""Taking in chain events: every channel (file, stdin, later HTTP) goes through here to the
one event store of the system, with the configured maximum size of one event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from terugkeer.bootstrap import System
from terugkeer.importing.parsing import Line
from terugkeer.importing.service import ImportSummary, Progress, import_lines, split_lines

__all__ = ["ImportSummary", "Progress", "ingest_lines", "ingest_stream"]


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
    )


def ingest_stream(
    system: System, stream: BinaryIO, *, progress: Progress | None = None
) -> ImportSummary:
    """A JSON Lines byte stream (a file, stdin): lines are split without ever holding an
    oversized one whole."""
    lines = split_lines(stream, system.settings.max_event_bytes)
    return ingest_lines(system, lines, progress=progress)
