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
    import_batch_lines: int = Field(
        default=50_000,
        gt=0,
        description="lines a file import judges and commits together: larger is faster (a "
        "person's cases are derived once per transaction, fewer index pages are written per "
        "line) but holds the writer's lock longer, so the API's intake waits meanwhile",
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
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="how long a webhook delivery waits for the partner"
    )
    webhook_retry_base_seconds: float = Field(
        default=30.0,
        gt=0,
        description="the first retry of a failed webhook delivery comes after half of this to "
        "all of it (jitter); each next step is twice as long, up to webhook_retry_cap_seconds",
    )
    webhook_retry_cap_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="the longest wait between two delivery attempts"
    )
    webhook_max_attempts: int = Field(
        default=15, ge=1, description="after this many failed attempts a delivery is given up"
    )
    webhook_poll_seconds: float = Field(
        default=1.0, gt=0, description="how often the deliverer looks for due deliveries"
    )
    webhooks_in_server: bool = Field(
        default=True,
        description="deliver webhooks from the web server's process; switch off when "
        "`terugkeer webhooks deliver` runs on its own",
    )
    publications_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "publications",
        description="where `terugkeer publish` puts each month's publication (a folder per "
        "month) and where the public page /cijfers serves them from",
    )
    editorial_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "editorial",
        description="the agency's own texts for the annual report: YYYY.md (Dutch) and "
        "YYYY.en.md (English), included as written",
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
    served_over_tls: bool = Field(
        default=False,
        description="the site is reached over HTTPS only (TLS here or at a proxy in front): "
        "every answer carries Strict-Transport-Security for a year; leave off for plain HTTP "
        "(the demo), where it would lock browsers out of the address",
    )
