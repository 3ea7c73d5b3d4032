"""Configuration from the environment (TERUGKEER_*), with embedded defaults for a fresh machine."""

from __future__ import annotations

import ipaddress
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from terugkeer.domain.permissions import Role

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
    import_projector_after: int | None = Field(
        default=50_000,
        ge=0,
        description="lines an import handles with the projections kept inline; if more follow, "
        "a projector process on the other core keeps them meanwhile (starting it takes about "
        "a second: worth it for a bulk import only). Unset: always inline",
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
    controller_name: str = Field(
        default="Minister van Justitie en Veiligheid (Dienst Terugkeer en Vertrek)",
        min_length=1,
        description="the controller (verwerkingsverantwoordelijke, AVG art. 4(7)) named in the "
        "register of processing activities and on every subject export",
    )
    privacy_officer_contact: str = Field(
        default="functionaris gegevensbescherming, Ministerie van Justitie en Veiligheid",
        min_length=1,
        description="how the data protection officer is reached (AVG art. 30(1)(a)), in the "
        "register of processing activities",
    )
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
    serve_projector: bool = Field(
        default=True,
        description="`terugkeer serve` and the demo run a projector process beside the server: "
        "the partner intake leaves the projections to it (on the other core) and reads wait "
        "for it; off: the intake keeps them inline",
    )
    projector_beside: bool = Field(
        default=False,
        description="set by `terugkeer serve --workers` for its worker processes: a projector "
        "runs beside them (not to be set by hand: without one, the projections fall up to "
        "50,000 events behind and reads wait a second for them)",
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
        description="the agency's own texts for the annual report: YYYY/SECTION.md (Dutch) "
        "and YYYY/SECTION.en.md (English), included as written (docs/figures.md)",
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
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="addresses or networks (CIDR) of the reverse proxies in front of the server, "
        "comma-separated: only a request from one of them has its origin taken from "
        "X-Forwarded-For (the right-most address that is not itself a trusted proxy); default "
        "none, so the origin logged is always the connecting address. Set it behind a proxy: "
        "else every request has the proxy's origin and the sign-in throttle per origin holds "
        "everyone back together",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default=["127.0.0.1", "localhost", "::1", "testserver"],
        description="the host names the server answers to, comma-separated (the Host header, "
        "without its port); a request for any other gets 400 before anything else",
    )

    @field_validator("trusted_proxies", "allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for each in value:
            ipaddress.ip_network(each, strict=False)  # a ValueError names the bad one
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [host.lower().strip("[]") for host in value]

    api_contact_name: str = Field(
        default="terugkeer API beheer",
        description="who answers for the partner API, in its OpenAPI document (API Design "
        "Rules /core/doc-openapi-contact: the team that runs it, not the whole agency)",
    )
    api_contact_email: str = Field(
        default="api-beheer@terugkeer.example",
        description="the API team's address in the OpenAPI document; set the real one",
    )
    api_contact_url: str = Field(
        default="https://terugkeer.example/api",
        description="where partners report problems with the API (an issue tracker or the "
        "team's page), in the OpenAPI document",
    )
    api_server_url: str = Field(
        default="/api/v1",
        description="the API's base URL as partners reach it, named as the server in the "
        "OpenAPI document: https://HOST/api/v1 in production (the default, relative, resolves "
        "against wherever the document was fetched)",
    )
    session_absolute_hours: int = Field(
        default=12,
        gt=0,
        description="a signed-in session ends this long after sign-in, however busy it is",
    )
    sign_in_free_tries: int = Field(
        default=5,
        gt=0,
        description="failed sign-ins for one name from one origin before that origin waits "
        "(1 minute, then doubling up to an hour) before its next try is judged",
    )
    sign_in_untrusted_limit: int = Field(
        default=100,
        gt=0,
        le=100,
        description="failed sign-ins for one name within 24 hours from browsers without its "
        "device cookie, after which such attempts wait (1 minute, doubling up to an hour) "
        "until an admin unlocks the name; the user's own browser still signs in at once "
        "(NIST SP 800-63B: at most 100)",
    )
    # Single sign-on with OpenID Connect (docs/sso.md). Off while oidc_issuer is unset.
    oidc_issuer: str | None = Field(
        default=None,
        description="the identity provider's issuer URL (its discovery document is at "
        "ISSUER/.well-known/openid-configuration); single sign-on is off while unset",
    )
    oidc_client_id: str = Field(default="", description="this system's client id at the provider")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="the client secret (a confidential client); never logged"
    )
    oidc_scopes: str = Field(
        default="openid profile", description="the scopes asked for, space-separated"
    )
    oidc_name_claim: str = Field(
        default="preferred_username", description="the ID-token claim that is the user name"
    )
    oidc_role_claim: str = Field(
        default="roles", description="the claim with the user's roles (a string or a list)"
    )
    oidc_team_claim: str = Field(default="team", description="the claim with the user's team")
    oidc_role_map: dict[str, Role] = Field(
        default_factory=dict,
        description='role-claim value -> role, as JSON: {"dtenv-regievoerder": "case_director"}; '
        "a user with no mapped value (or two different mapped roles) is refused",
    )
    oidc_provider_name: str | None = Field(
        default=None, description='the provider as the login page names it ("Log in via ...")'
    )
    oidc_redirect_uri: str | None = Field(
        default=None,
        description="this system's callback as registered at the provider (https://HOST/login/"
        "sso/callback); default: derived from the request, which is right without a proxy",
    )
    local_login: bool = Field(
        default=True,
        description="offer the local user-name-and-password form (small installations, the "
        "demo); switch off when everyone signs in through the identity provider",
    )

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_over_tls(cls, issuer: str | None) -> str | None:
        """Tokens and the client secret cross this connection: https, or http on loopback
        only (the tests' provider)."""
        if issuer is None:
            return None
        parts = urlsplit(issuer)
        loopback = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")
        if not (parts.scheme == "https" or loopback) or not parts.hostname:
            raise ValueError("the OpenID Connect issuer is an https address")
        return issuer

    @model_validator(mode="after")
    def _sso_complete(self) -> Settings:
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("single sign-on needs oidc_client_id beside oidc_issuer")
        return self

    metrics_token: SecretStr | None = Field(
        default=None,
        description="the bearer token Prometheus sends to scrape /metrics (Authorization: "
        "Bearer TOKEN); while unset, /metrics answers only on loopback, to a request that no "
        "proxy forwarded (docs/operations.md)",
    )

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """`TERUGKEER_METRICS_TOKEN=` (an env file's line left empty) means no token: as a
        token, no scraper could send it (a header's trailing blank is dropped), so /metrics
        would refuse everyone, Prometheus on loopback included."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="how `serve` writes its log on stderr: json (one object a line, for the "
        "log collector), text (for a developer's terminal), or auto: text on a terminal, "
        "json otherwise",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO",
        description="the least severe log records written; INFO has one line per request "
        "(the probes /health, /ready and /metrics at DEBUG)",
    )

    served_over_tls: bool = Field(
        default=False,
        description="the site is reached over HTTPS only (TLS here or at a proxy in front): "
        "every answer carries Strict-Transport-Security for a year; leave off for plain HTTP "
        "(the demo), where it would lock browsers out of the address",
    )
