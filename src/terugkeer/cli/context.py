"""What every command needs: the settings (with --database-url), and the system built from them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from terugkeer.bootstrap import System
    from terugkeer.settings import Settings

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
    # Imported on use, as in every command: pydantic-settings, SQLAlchemy and Alembic are slow
    # to import, and `terugkeer --help` (or a command that does not need them) must start fast.
    from terugkeer.settings import Settings

    base = Settings()
    return base.model_copy(update={"database_url": database_url}) if database_url else base


def system(database_url: str | None = None, *, migrate: bool = True) -> System:
    """The composition root for one command (see terugkeer.bootstrap). Writers bring an empty
    or older schema up to date on first use; readers never change it and say what to run."""
    from terugkeer.bootstrap import StoreNotCurrentError, bootstrap

    try:
        return bootstrap(settings(database_url), migrate=migrate)
    except StoreNotCurrentError as error:
        raise typer.BadParameter(str(error), param_hint="--database-url") from None
