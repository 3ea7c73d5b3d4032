"""Loading parameters: the packaged base file, overridden by a scenario file."""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from importlib.resources import files
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from terugkeer.simulation.params import Mix, Parameters, Share, Value

_BASE = "base parameters"


class ParameterError(ValueError):
    """A parameter or scenario file that cannot be used; says which file and what is wrong."""


def _read(path: Path | None) -> dict[str, Any]:
    source = path or files("terugkeer.simulation") / "base.toml"
    try:
        with source.open("rb") as stream:
            return tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ParameterError(f"{source}: {error}") from None


def merge(base: dict[str, Any], override: dict[str, Any], label: str) -> dict[str, Any]:
    """Deep merge of a scenario into the parameters. Tables merge key by key; a parameter may be
    replaced (`{value, source}`), scaled (`{factor, source}`), or, for a mix, scaled per share
    (`{factors = {...}, source}`, the shares renormalised). A changed value without a source of
    its own is attributed to the scenario, never left with the base value's source."""
    merged = dict(base)
    for key, value in override.items():
        current = base.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = _change(current, value, label) or merge(current, value, label)
        else:
            merged[key] = value
    return merged


def _change(base: dict[str, Any], change: dict[str, Any], label: str) -> dict[str, Any] | None:
    source = change.get("source", f"scenario file {label}")
    if "factor" in change and "value" in base:
        return {"value": base["value"] * change["factor"], "source": source}
    if "value" in change:
        return {"value": change["value"], "source": source}
    if "factors" in change and "shares" in base:
        shares = {k: v * change["factors"].get(k, 1.0) for k, v in base["shares"].items()}
        total = sum(shares.values())
        return {"shares": {k: v / total for k, v in shares.items()}, "source": source}
    if "shares" in change:
        return {"shares": change["shares"], "source": source}
    return None


def load_parameters(
    scenario: Path | None = None, *, observed: dict[str, Any] | None = None
) -> Parameters:
    """The base parameters, then `observed` values (a forecast's inflow measured in the store,
    each with its own source), then the scenario file — so a scenario's `factor` scales what
    was observed. A scenario may give a parameter as a bare number, its source then the file."""
    base = _read(None)
    # The base's own tables serve as the examples' keys (a mix's shares, a table's names).
    data = _Shapes(_BASE, bare_source=None).section(base, Parameters, base, ())
    params = _validated(data, _BASE)  # an error in the base is the base's, scenario or not
    if scenario is None and observed is None:
        return params
    if observed:
        data = merge(data, observed, "observed")
    if scenario is not None:
        overrides = _read(scenario)
        overrides.pop("scenario", None)  # name and description of the scenario
        shapes = _Shapes(str(scenario), bare_source=f"scenario file {scenario.name}")
        data = merge(data, shapes.section(overrides, Parameters, data, ()), scenario.name)
    return _validated(data, str(scenario) if scenario is not None else _BASE)


def _validated(data: dict[str, Any], name: str) -> Parameters:
    try:
        return Parameters.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ParameterError(f"{name}: {where}: {first['msg']}") from None


@dataclass(frozen=True)
class _Shapes:
    """Checks that every parameter in a file has a form the loader understands, guided by the
    `Parameters` model, so that a wrong one gets a sentence naming the file, the parameter and
    the form expected (not pydantic's view of it). In a scenario (`bare_source` set) a bare
    number stands for `{ value = N, source = bare_source }`, and changes (`factor`, `factors`)
    are allowed; the base file gives every value in full, with its source."""

    name: str  # the file as the messages name it
    bare_source: str | None

    def section(
        self, data: dict[str, Any], model: type[BaseModel], base: Any, path: tuple[str, ...]
    ) -> dict[str, Any]:
        known = model.model_fields
        base = base if isinstance(base, dict) else {}
        checked = {}
        for key, raw in data.items():
            here = (*path, key)
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
                raise self._error(here, f"not a parameter; {hint}")
            checked[key] = self._node(raw, known[key].annotation, base.get(key), here)
        return checked

    def _node(self, raw: Any, annotation: Any, base: Any, path: tuple[str, ...]) -> Any:
        if annotation in (Value, Share):
            return self._value(raw, annotation, base, path)
        if annotation is Mix:
            return self._mix(raw, base, path)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not isinstance(raw, dict):
                names = ", ".join(annotation.model_fields)
                raise self._wrong(path, f"a table of parameters ({names})", raw)
            return self.section(raw, annotation, base, path)
        if get_origin(annotation) is dict:  # a table of values by name (kind, year, country)
            item = get_args(annotation)[1]
            base = base if isinstance(base, dict) else {}
            if not isinstance(raw, dict):
                key = _key(next(iter(base), "name"))
                example = _number(item) if self.bare_source else _value_table(item)
                raise self._wrong(path, f"a table such as {{ {key} = {example} }}", raw)
            return {k: self._node(v, item, base.get(k), (*path, k)) for k, v in raw.items()}
        return raw  # a plain setting (warm_up_years): the model checks it

    def _value(self, raw: Any, kind: Any, base: Any, path: tuple[str, ...]) -> Any:
        table = _value_table(kind)
        if self.bare_source is None:
            expected, changes = f"a table such as {table}", {"value"}
        elif _is_number(raw):
            return {"value": raw, "source": self.bare_source}
        else:
            factor = '{ factor = 1.1, source = "…" }'
            expected = f"a number or a table such as {table} or {factor}"
            changes = {"value", "factor"}
        if not _is_change(raw, changes, _is_number):
            raise self._wrong(path, expected, raw)
        if "factor" in raw and not (isinstance(base, dict) and "value" in base):
            raise self._error(path, f"a factor needs a base value to scale; give {table}")
        return raw

    def _mix(self, raw: Any, base: Any, path: tuple[str, ...]) -> Any:
        shares = base.get("shares") if isinstance(base, dict) else None
        names = list(shares) if isinstance(shares, dict) else []
        first, second = [*names, "other"][:2] if names else ["a", "b"]
        table = f'{{ shares = {{ {_key(first)} = 0.6, {_key(second)} = 0.4 }}, source = "…" }}'
        if self.bare_source is None:
            expected, changes = f"a table such as {table}", {"shares"}
        else:
            factors = f'{{ factors = {{ {_key(first)} = 1.1 }}, source = "…" }}'
            expected, changes = f"a table such as {table} or {factors}", {"shares", "factors"}
        if not _is_change(raw, changes, _are_numbers):
            raise self._wrong(path, expected, raw)
        unknown = [name for name in raw.get("factors", {}) if names and name not in names]
        if unknown:
            shares_are = f"the shares: {', '.join(names)}"
            raise self._error(
                (*path, "factors"), f"no share named {', '.join(unknown)} ({shares_are})"
            )
        return raw

    def _wrong(self, path: tuple[str, ...], expected: str, raw: Any) -> ParameterError:
        return self._error(path, f"expected {expected}, not {_toml(raw)}")

    def _error(self, path: tuple[str, ...], what: str) -> ParameterError:
        return ParameterError(f"{self.name}: {'.'.join(path)}: {what}")


def _is_change(raw: Any, changes: set[str], valid: Callable[[Any], bool]) -> bool:
    """A table with exactly one of `changes`, of a valid kind, and at most a source besides."""
    if not isinstance(raw, dict):
        return False
    given = changes & raw.keys()
    return len(given) == 1 and raw.keys() <= given | {"source"} and valid(raw[given.pop()])


def _is_number(raw: Any) -> bool:
    """A finite int or float; TOML's true and false are no numbers here."""
    return isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)


def _are_numbers(raw: Any) -> bool:
    return isinstance(raw, dict) and bool(raw) and all(_is_number(v) for v in raw.values())


def _number(kind: Any) -> str:
    return "0.5" if kind is Share else "17400"


def _value_table(kind: Any) -> str:
    return f'{{ value = {_number(kind)}, source = "…" }}'


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml(raw: Any, limit: int = 80) -> str:
    """A value as the file spells it, shortened when long."""
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, str):
        text = json.dumps(raw, ensure_ascii=False)
    elif isinstance(raw, list):
        text = "[" + ", ".join(_toml(item, limit) for item in raw) + "]"
    elif isinstance(raw, dict):
        items = ", ".join(f"{_key(str(k))} = {_toml(v, limit)}" for k, v in raw.items())
        text = f"{{ {items} }}" if items else "{}"
    elif isinstance(raw, date | time):
        text = raw.isoformat()
    else:
        text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"
