"""The chain event exchange format v1 (EVENTS.md), validated at the edge."""

from terugkeer.chain_events.parse import EventFormatError, ParsedLine, parse_line

__all__ = ["EventFormatError", "ParsedLine", "parse_line"]
