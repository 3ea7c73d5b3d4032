"""Strict JSON for one line: no duplicate keys, no NaN or Infinity, an object at the top."""

from __future__ import annotations

import json
from typing import Any


class JsonLineError(ValueError):
    """The line is not a strict JSON object; `message` is one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                # A key with a lone surrogate (not printable) stays \u-escaped in the message.
                shown = json.dumps(key, ensure_ascii=not key.isprintable())
                raise JsonLineError(f"line has the key {shown} twice")
            seen.add(key)
    return obj


def _constant(name: str) -> Any:
    raise JsonLineError(f"line is not valid JSON: {name} is not a JSON number")


# Built once: json.loads with keyword arguments builds a new decoder on every call.
_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)

_JSON_KIND = {
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
}


def load_object(text: str) -> dict[str, Any]:
    """Parse `text` as one JSON object, or raise `JsonLineError`."""
    try:
        value = _DECODER.decode(text)
    except JsonLineError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonLineError(f"line is not valid JSON: {exc.msg} at column {exc.colno}") from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise JsonLineError("line is not valid JSON: a number has too many digits") from None
    except RecursionError:
        raise JsonLineError("line is not valid JSON: nested too deeply") from None
    if not isinstance(value, dict):
        kind = _JSON_KIND.get(type(value), "null")
        raise JsonLineError(f"line must be a JSON object, not {kind}")
    return value


def load_array(text: str) -> list[Any]:
    """Parse `text` as one strict JSON array (an API request body), or raise `JsonLineError`."""
    try:
        value = _DECODER.decode(text)
    except JsonLineError as exc:
        raise JsonLineError(exc.message.replace("line", "body", 1)) from None
    except json.JSONDecodeError as exc:
        raise JsonLineError(
            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError:
        raise JsonLineError("body is not valid JSON: a number has too many digits") from None
    except RecursionError:
        raise JsonLineError("body is not valid JSON: nested too deeply") from None
    if not isinstance(value, list):
        kind = "an object" if isinstance(value, dict) else _JSON_KIND.get(type(value), "null")
        raise JsonLineError(f"body must be a JSON array of events, not {kind}")
    return value


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_MAKE_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)  # None without the C module
_C_ENCODER: Any = _MAKE_C_ENCODER and _MAKE_C_ENCODER(
    None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", True, False, False
)


_COMPACT = json.JSONEncoder(separators=(",", ":"))
_C_COMPACT: Any = _MAKE_C_ENCODER and _MAKE_C_ENCODER(
    None, _COMPACT.default, json.encoder.encode_basestring_ascii, None, ":", ",", False, False,
    True,
)  # fmt: skip


def compact(obj: dict[str, Any]) -> str:
    """= json.dumps(obj, separators=(",", ":")) for what `terugkeer simulate` writes (no
    cycles), with the encoder built once, as `canonical` does: the simulator writes a line per
    event, and building the encoder was half of writing it."""
    if _C_COMPACT is None:
        return _COMPACT.encode(obj)
    return "".join(_C_COMPACT(obj, 0))


def canonical(obj: dict[str, Any]) -> str:
    """= json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for
    everything the parser accepts (NaN and Infinity, which it refuses, raise here): the form
    a line is stored in, and the pseudonymous form the hash chain covers.

    The encoder is built once (json.dumps builds one per call: a third of its time) and called
    without its Python wrapper. Marker-free (no cycle check): what is encoded is parsed JSON,
    or built from it, and cannot contain a cycle.
    """
    if _C_ENCODER is None:
        return _ENCODER.encode(obj)
    return "".join(_C_ENCODER(obj, 0))
