"""One English sentence for the first thing wrong with a line, e.g.
`data.mode must be one of independent, forced (got "voluntary")`.

"First" is by field order (id, type, v_number, occurred_at, source, data; then the fields of `data`
in the order of the Types table), unknown fields after the known ones.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import (
    Annotated,
    Any,
    Literal,
    NotRequired,
    Required,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from terugkeer.chain_events.schema import PROBLEM, Rule

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]{1,40}")
_MAX_SHOWN = 60


def first_problem(exc: ValidationError, schema: type, *, type_name: str | None = None) -> str:
    """The sentence for `exc`, raised validating `schema` (the envelope, or the data of
    `type_name`, whose field paths then start with `data.`)."""
    hints = _field_hints(schema)
    order = {name: index for index, name in enumerate(hints)}
    errors = exc.errors(include_url=False)
    error = min(errors, key=lambda e: order.get(str(e["loc"][0]), len(order)) if e["loc"] else -1)
    kind = error["type"]
    if not error["loc"]:  # a problem with the object itself: only a key can have one
        where = "data" if type_name else "line"
        return f"{where} has a key that is not valid Unicode text (got {show(error['input'])})"
    prefix = "data." if type_name else ""
    path = prefix + ".".join(_key(part) for part in error["loc"])
    if kind == "missing":
        return f"{path} is required"
    if kind == "extra_forbidden":
        return f"{path} is not a known field" + (f" for type {type_name}" if type_name else "")
    got = show(error["input"])
    if kind == PROBLEM:
        ctx = error.get("ctx") or {}
        note = f"; {ctx['note']}" if ctx.get("note") else ""
        return f"{path} {ctx['problem']} (got {got}{note})"
    if kind == "string_type":
        return f"{path} must be a string (got {got})"
    if kind == "string_unicode":
        return f"{path} must be valid Unicode text (got {got})"
    hint = hints.get(str(error["loc"][0]))
    return f"{path} {_describe(hint, error)} (got {got})"


def show(value: Any) -> str:
    """A JSON value as the sender wrote it, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") stays escaped
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _key(part: str | int) -> str:
    text = str(part)
    return text if _PLAIN_KEY.fullmatch(text) else show(text)


@cache
def _field_hints(schema: type) -> dict[str, Any]:
    """Field name -> annotation without Required/NotRequired, in declaration order."""
    hints = get_type_hints(schema, include_extras=True)
    return {
        name: get_args(hint)[0] if get_origin(hint) in (Required, NotRequired) else hint
        for name, hint in hints.items()
    }


def _describe(hint: Any, error: ErrorDetails) -> str:
    if get_origin(hint) is Annotated:
        for meta in hint.__metadata__:
            if isinstance(meta, Rule):
                return meta.text
        hint = get_args(hint)[0]
    if get_origin(hint) is Literal:
        return "must be one of " + ", ".join(str(value) for value in get_args(hint))
    return f"is not valid: {error['msg']}"
