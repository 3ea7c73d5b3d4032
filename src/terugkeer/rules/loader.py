"""Read the rules table from TOML: the packaged `rules.toml` unless another file is given."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

from terugkeer.domain.rules import RulesTable, with_ammr_from

PACKAGED = "rules.toml"


class RulesFileError(ValueError):
    """The rules file is not valid TOML or does not describe a valid rules table."""


def load_rules(path: Path | None = None, *, ammr_from: date | None = None) -> RulesTable:
    """The rules table from `path` (default: the packaged table), with the AMMR start moved to
    `ammr_from` when given (the start date is itself uncertain, RULES.md §2)."""
    if path is None:
        origin = f"packaged {PACKAGED}"
        text = resources.files("terugkeer.rules").joinpath(PACKAGED).read_text(encoding="utf-8")
    else:
        origin = str(path)
        text = path.read_text(encoding="utf-8")
    try:
        table = RulesTable.model_validate(tomllib.loads(text))
        return table if ammr_from is None else with_ammr_from(table, ammr_from)
    except ValueError as error:  # TOMLDecodeError and pydantic's ValidationError are ValueErrors
        raise RulesFileError(f"{origin}: {error}") from error
