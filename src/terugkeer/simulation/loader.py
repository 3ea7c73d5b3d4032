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


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key; any other value replaces the base value."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key != "shares":
            merged[key] = merge(base[key], value)
        else:
            merged[key] = value
    return merged


def load_parameters(scenario: Path | None = None) -> Parameters:
    data = _read(None)
    if scenario is not None:
        overrides = _read(scenario)
        overrides.pop("scenario", None)  # name and description of the scenario
        data = merge(data, overrides)
    try:
        return Parameters.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ParameterError(f"{scenario or 'base parameters'}: {where}: {first['msg']}") from None
