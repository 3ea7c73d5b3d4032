"""The rows single sign-on adds to users and sessions: the subject an account belongs to, and
the ID token of a session opened through the provider. The accounts and sessions themselves are
store/users.py's."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from terugkeer.store.tables import sessions, users


def subject_of(connection: Connection, name: str) -> str | None:
    """The provider's subject of an account made by single sign-on; None for a local one."""
    found = connection.execute(select(users.c.sso_subject).where(users.c.name == name)).first()
    return None if found is None else found.sso_subject


def set_subject(connection: Connection, name: str, subject: str) -> None:
    connection.execute(update(users).where(users.c.name == name).values(sso_subject=subject))


def set_id_token(connection: Connection, token_hash: str, id_token: str) -> None:
    connection.execute(
        update(sessions).where(sessions.c.token_hash == token_hash).values(id_token=id_token)
    )


def id_token_of(connection: Connection, token_hash: str) -> str | None:
    """The ID token of a single sign-on session; None for a local one (or an ended one)."""
    found = connection.execute(
        select(sessions.c.id_token).where(sessions.c.token_hash == token_hash)
    ).first()
    return None if found is None else found.id_token


def external_names(connection: Connection) -> set[str]:
    """The accounts made by single sign-on."""
    found = connection.execute(select(users.c.name).where(users.c.sso_subject.is_not(None)))
    return {row.name for row in found}
