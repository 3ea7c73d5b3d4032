"""Loading parameters: the packaged base file, overridden by a scenario file."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from terugkeer.simulation.params import Parameters


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
    source = change.get("source", f"scenario {label}")
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
    was observed."""
    data = _read(None)
    if observed:
        data = merge(data, observed, "observed")
    if scenario is not None:
        overrides = _read(scenario)
        overrides.pop("scenario", None)  # name and description of the scenario
        data = merge(data, overrides, scenario.stem)
    try:
        return Parameters.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ParameterError(f"{scenario or 'base parameters'}: {where}: {first['msg']}") from None
