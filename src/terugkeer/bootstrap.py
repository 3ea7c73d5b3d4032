"""The composition root: settings → engine, rules table, clock and event store, built once.

Every entry point (the CLI now; the web pages and the API next) calls `bootstrap()` and hands
the `System` to the services. Nothing else builds engines or loads the rules table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from terugkeer.domain.calendar import local_date
from terugkeer.domain.rules import RulesTable
from terugkeer.rules.loader import load_rules
from terugkeer.settings import Settings
from terugkeer.store.access_log import with_pseudonyms
from terugkeer.store.engine import make_engine
from terugkeer.store.pseudonyms import DEVELOPMENT_KEY, Pseudonyms
from terugkeer.store.schema import HEAD_REVISION, current_revision, ensure_schema

if TYPE_CHECKING:
    from terugkeer.store.event_store import EventStore

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreNotCurrentError(Exception):
    """A reader found a store without the current schema (readers never migrate)."""


@dataclass
class System:
    settings: Settings
    engine: Engine
    rules: RulesTable
    clock: Clock = utc_now
    _store: EventStore | None = field(default=None, repr=False)

    @property
    def pseudonyms(self) -> Pseudonyms:
        return pseudonyms_of(self.settings)

    @property
    def store(self) -> EventStore:
        """The one event store of this process: it keeps person histories between batches."""
        if self._store is None:
            # Imported on first use: readers (reports, `--help`) never need the writing side.
            from terugkeer.store.event_store import EventStore

            self._store = EventStore(
                self.engine, self.rules, clock=self.clock, pseudonyms=self.pseudonyms
            )
            self._store.beside = self.settings.projector_beside
        return self._store

    def today(self) -> date:
        """The current day in Europe/Amsterdam, by this system's clock."""
        return local_date(self.clock())

    def close(self) -> None:
        self.engine.dispose()


def pseudonyms_of(settings: Settings) -> Pseudonyms:
    """The configured pseudonym key, or the public development key when none is set."""
    key = settings.pseudonym_key
    return Pseudonyms(key.get_secret_value().encode() if key else DEVELOPMENT_KEY)


def rules_of(settings: Settings) -> RulesTable:
    """The rules table the settings name (the packaged one by default)."""
    return load_rules(settings.rules_file, ammr_from=settings.ammr_from)


def bootstrap(
    settings: Settings | None = None, *, migrate: bool = True, clock: Clock = utc_now
) -> System:
    """Build the system. Writers (`migrate=True`) bring an empty or older schema up to date on
    first use; readers never change the database and say what to run instead."""
    config = settings or Settings()
    rules = rules_of(config)
    engine = make_engine(config.database_url)
    with_pseudonyms(engine, pseudonyms_of(config))  # the access log's chain needs the key
    if migrate:
        ensure_schema(engine, rules)  # and the projections a migration added, at once
    elif (found := current_revision(engine)) != (head := HEAD_REVISION):
        where = engine.url.render_as_string(hide_password=True)
        state = "has no terugkeer schema" if found is None else f"is at schema revision {found}"
        engine.dispose()
        raise StoreNotCurrentError(
            f"the store {where} {state}, not {head}: run `terugkeer db upgrade` or import first"
        )
    return System(config, engine, rules, clock)
