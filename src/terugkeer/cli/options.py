"""Option types and defaults that command signatures need when the app is built: cheap to import.

Typer reads every command's signature at start-up (for `--help` too), so what a signature names
lives here, away from the services and their libraries (SQLAlchemy, pydantic, plotly, ...).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.domain.calendar import AMSTERDAM, last_instant

#: terugkeer.settings.DEFAULT_DATA_DIR without importing pydantic-settings (a test keeps them equal)
DEFAULT_DATA_DIR = Path("var")


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class CaseFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Language(StrEnum):
    NL = "nl"
    EN = "en"


#: `--as-of`: only the events the store had recorded by then ("as known on").
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="only events recorded by then: YYYY-MM-DD[THH:MM], "
                 "Europe/Amsterdam (a date: the end of that day)", show_default=False),
]  # fmt: skip


def as_of_moment(text: str) -> datetime:
    """YYYY-MM-DD[THH:MM] in Europe/Amsterdam; a date alone means the end of that day."""
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)
        day = date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM",
                                 param_hint="--as-of") from None  # fmt: skip
    return last_instant(day)
