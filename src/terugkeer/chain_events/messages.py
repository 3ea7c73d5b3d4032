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
from terugkeer.domain.messages import Code, FieldPath, Message, say

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]{1,40}")
_MAX_SHOWN = 60


def first_problem(exc: ValidationError, schema: type, *, type_name: str | None = None) -> Message:
    """The sentence for `exc`, raised validating `schema` (the envelope, or the data of
    `type_name`, whose field paths then start with `data.`)."""
    hints = _field_hints(schema)
    order = {name: index for index, name in enumerate(hints)}
    errors = exc.errors(include_url=False)
    error = min(errors, key=lambda e: order.get(str(e["loc"][0]), len(order)) if e["loc"] else -1)
    kind = error["type"]
    if not error["loc"]:  # a problem with the object itself: only a key can have one
        where = FieldPath("data" if type_name else "line")
        return say(
            "%(field)s has a key that is not valid Unicode text (got %(got)s)", field=where,
            got=show(error["input"]),
        )  # fmt: skip
    prefix = "data." if type_name else ""
    path = FieldPath(prefix + ".".join(_key(part) for part in error["loc"]))
    if kind == "missing":
        return say("%(field)s is required", field=path)
    if kind == "extra_forbidden":
        if type_name:
            return say(
                "%(field)s is not a known field for type %(type)s", field=path,
                type=Code(type_name),
            )  # fmt: skip
        return say("%(field)s is not a known field", field=path)
    got = show(error["input"])
    if kind == PROBLEM:
        ctx = error.get("ctx") or {}
        if ctx.get("note"):
            return say(
                "%(field)s %(problem)s (got %(got)s; %(note)s)", field=path,
                problem=ctx["problem"], got=got, note=ctx["note"],
            )  # fmt: skip
        return say("%(field)s %(problem)s (got %(got)s)", field=path, problem=ctx["problem"],
                   got=got)  # fmt: skip
    if kind == "string_type":
        return say("%(field)s must be a string (got %(got)s)", field=path, got=got)
    if kind == "string_unicode":
        return say("%(field)s must be valid Unicode text (got %(got)s)", field=path, got=got)
    hint = hints.get(str(error["loc"][0]))
    return say("%(field)s %(problem)s (got %(got)s)", field=path,
               problem=_describe(hint, error), got=got)  # fmt: skip


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


def _describe(hint: Any, error: ErrorDetails) -> Message:
    if get_origin(hint) is Annotated:
        for meta in hint.__metadata__:
            if isinstance(meta, Rule):
                return meta.text
        hint = get_args(hint)[0]
    if get_origin(hint) is Literal:
        values = ", ".join(str(value) for value in get_args(hint))
        return say("must be one of %(values)s", values=values)
    return say("is not valid: %(detail)s", detail=str(error["msg"]))
