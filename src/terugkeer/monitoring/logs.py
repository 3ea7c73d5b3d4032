"""The server's log on stderr: one JSON object a line for the log collector (python-json-logger),
or plain lines for a developer's terminal.

Every record gets the request id of the work in hand (monitoring/context.py), so a line can be
followed to the access-log rows of the same request. What goes in is the logger's business:
the request log (web/signals.py) writes the route's template, never the path, and no query
string, user name or body; errors are logged by their kind and frames (web/crash.py).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from terugkeer.monitoring.context import current_request_id

TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
#: The JSON keys of the standard attributes (the rest — request_id, route, method, status,
#: duration_ms — keep their names).
_RENAMED = {"levelname": "level", "name": "logger"}
#: Libraries that log every outgoing request's URL at INFO (the webhook deliverer's, the
#: identity provider's): their warnings only. What was sent is in the delivery log.
_QUIET = ("httpx", "httpcore")


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


def wants_json(log_format: str, stream: TextIO) -> bool:
    """`auto`: JSON unless a person is watching (the stream is a terminal)."""
    if log_format == "auto":
        return not stream.isatty()
    return log_format == "json"


def handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    out = stream or sys.stderr
    made = logging.StreamHandler(out)
    made.addFilter(_WithRequestId())
    if wants_json(log_format, out):
        json = JsonFormatter("{levelname}{name}{message}{request_id}", style="{",
                             rename_fields=_RENAMED, timestamp=True)  # fmt: skip
        made.setFormatter(json)
    else:
        made.setFormatter(logging.Formatter(TEXT))
    return made


def configure(log_format: str, level: str, stream: TextIO | None = None) -> None:
    """The root logger writes through one handler of `log_format` at `level` (uvicorn's own
    loggers propagate to it: `serve` gives uvicorn no logging configuration of its own)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(log_format, stream))
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
