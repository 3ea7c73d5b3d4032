"""Option types and defaults that command signatures need when the app is built: cheap to import.

Typer reads every command's signature at start-up (for `--help` too), so what a signature names
lives here, away from the services and their libraries (SQLAlchemy, pydantic, plotly, ...).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

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
