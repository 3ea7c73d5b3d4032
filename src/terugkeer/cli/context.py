"""What every command needs: settings, the store's engine (schema ensured) and the rules table."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine

from terugkeer.bootstrap import StoreNotCurrentError, System, bootstrap
from terugkeer.domain.rules import RulesTable
from terugkeer.rules.loader import load_rules
from terugkeer.settings import Settings
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import current_revision, ensure_schema, head_revision

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL of the event store "
        "(default: TERUGKEER_DATABASE_URL, else var/terugkeer.db)",
        show_default=False,
    ),
]


def settings(database_url: str | None = None) -> Settings:
    base = Settings()
    return base.model_copy(update={"database_url": database_url}) if database_url else base


def open_engine(database_url: str | None, *, migrate: bool = True) -> Engine:
    """The store's engine. Writers bring an empty or older schema up to date on first use;
    readers (`migrate=False`) never change the database and say what to do instead."""
    engine = make_engine(settings(database_url).database_url)
    if migrate:
        ensure_schema(engine)
    elif (found := current_revision(engine)) != (head := head_revision()):
        where = engine.url.render_as_string(hide_password=True)
        state = "has no terugkeer schema" if found is None else f"is at schema revision {found}"
        raise typer.BadParameter(
            f"the store {where} {state}, not {head}: run `terugkeer db upgrade` or import first",
            param_hint="--database-url",
        )
    return engine


def rules(database_url: str | None = None) -> RulesTable:
    config = settings(database_url)
    return load_rules(config.rules_file, ammr_from=config.ammr_from)


def system(database_url: str | None = None, *, migrate: bool = True) -> System:
    """The composition root for one command (see terugkeer.bootstrap)."""
    try:
        return bootstrap(settings(database_url), migrate=migrate)
    except StoreNotCurrentError as error:
        raise typer.BadParameter(str(error), param_hint="--database-url") from None
