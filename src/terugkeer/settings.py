"""Configuration from the environment (TERUGKEER_*), with embedded defaults for a fresh machine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERUGKEER_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'terugkeer.db'}",
        description="SQLAlchemy URL of the event store (SQLite embedded, PostgreSQL in production)",
    )
    rules_file: Path | None = Field(
        default=None, description="a rules table (TOML) replacing the packaged one"
    )
    max_event_bytes: int = Field(
        default=1 << 20,
        gt=0,
        description="the largest line or event accepted, in bytes (a longer one is rejected)",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="the key of the pseudonyms that retention leaves (at least 16 characters); "
        "never stored in the database. Without it a public development key is used, which "
        "protects nothing: set it for any store of real people",
    )
    retention_years: int = Field(
        default=5,
        gt=0,
        description="people whose cases all closed longer ago than this are pseudonymised by "
        "`retention run` [U]: to be set per data category (RULES.md §9)",
    )
    retention_batch: int = Field(default=500, gt=0, description="persons per transaction")
    ammr_from: date | None = Field(
        default=None,
        description="first day the AMMR (EU 2024/1351) applies; the rules table says 2026-06-12",
    )
    token_overlap_hours: int = Field(
        default=24, ge=0, description="after `partners rotate`, the old token still works this long"
    )
    max_request_bytes: int = Field(
        default=16 * 1024 * 1024,
        gt=0,
        description="largest API request body; a larger one is refused (413) before it is read",
    )
    session_idle_minutes: int = Field(
        default=30, gt=0, description="a signed-in session ends after this long without use"
    )
    cookie_secure: bool = Field(
        default=True,
        description="send session cookies over HTTPS only (browsers treat http://127.0.0.1 as "
        "secure); switch off only for a test client that speaks plain HTTP elsewhere",
    )
    work_date: date | None = Field(
        default=None,
        description="the day the pages take as today (the demo sets the last day of its year); "
        "default: today in Europe/Amsterdam",
    )
