"""Users, their sessions and the case assignments, as rows. The rules (hashing, throttle,
expiry, who may see what) live in services/users.py and web/permissions.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, RowMapping, delete, insert, or_, select, update

from terugkeer.store.tables import assignments, case_directors, sessions, users

#: `locked_until` of an account under a hard lock (too many failed sign-ins from many origins,
#: services/sign_in.py): no sign-in until an admin unlocks it.
HARD_LOCK = "9999-12-31T23:59:59.999999Z"

#: A password hash that no password verifies against (argon2 refuses it as a hash): an account
#: made without a password (the demo's unprinted directors) signs in after an admin sets one.
NO_PASSWORD = "!"


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class UserRow:
    name: str
    role: str
    team: str | None
    password_hash: str
    active: bool
    failed_logins: int
    locked_until: str | None
    must_change_password: bool = False


def add_user(
    connection: Connection,
    name: str,
    role: str,
    team: str | None,
    password_hash: str,
    at: str,
    *,
    must_change: bool = False,
) -> None:
    connection.execute(
        insert(users).values(
            name=name, role=role, team=team, password_hash=password_hash, active=True,
            failed_logins=0, locked_until=None, created_at=at, must_change_password=must_change,
        )
    )  # fmt: skip


def _user_row(row: RowMapping) -> UserRow:
    return UserRow(
        row["name"], row["role"], row["team"], row["password_hash"], row["active"],
        row["failed_logins"], row["locked_until"], bool(row["must_change_password"]),
    )  # fmt: skip


def find_user(connection: Connection, name: str) -> UserRow | None:
    row = connection.execute(select(users).where(users.c.name == name)).mappings().first()
    return None if row is None else _user_row(row)


def all_users(connection: Connection) -> list[UserRow]:
    found = connection.execute(select(users).order_by(users.c.name)).mappings()
    return [_user_row(row) for row in found]


def set_user(connection: Connection, name: str, **values: object) -> None:
    connection.execute(update(users).where(users.c.name == name).values(**values))


def add_session(
    connection: Connection, token_hash: str, user_name: str, csrf_token: str, at: str
) -> None:
    connection.execute(
        insert(sessions).values(
            token_hash=token_hash, user_name=user_name, csrf_token=csrf_token, created_at=at,
            last_seen=at,
        )
    )  # fmt: skip


def find_session(connection: Connection, token_hash: str) -> tuple[str, str, str, str] | None:
    """(user name, CSRF token, last seen, created) of a session."""
    row = connection.execute(
        select(
            sessions.c.user_name,
            sessions.c.csrf_token,
            sessions.c.last_seen,
            sessions.c.created_at,
        ).where(sessions.c.token_hash == token_hash)
    ).first()
    return (row.user_name, row.csrf_token, row.last_seen, row.created_at) if row else None


def touch_session(connection: Connection, token_hash: str, at: str) -> None:
    connection.execute(
        update(sessions).where(sessions.c.token_hash == token_hash).values(last_seen=at)
    )


def end_session(connection: Connection, token_hash: str) -> None:
    connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def sweep_sessions(connection: Connection, idle_since: str, created_before: str) -> None:
    """Delete every session past its idle or its absolute lifetime: nobody can use it any
    more, and a single sign-on session holds the provider's ID token (personal data)."""
    connection.execute(
        delete(sessions).where(
            or_(sessions.c.last_seen < idle_since, sessions.c.created_at < created_before)
        )
    )


def end_sessions_of(connection: Connection, user_name: str, keep: str | None = None) -> None:
    """End every session of the user (but the one whose token hash is `keep`)."""
    query = delete(sessions).where(sessions.c.user_name == user_name)
    if keep is not None:
        query = query.where(sessions.c.token_hash != keep)
    connection.execute(query)


def assign(
    connection: Connection,
    *,
    case_seq: int,
    v_number: str,
    director: str,
    team: str | None,
    by: str,
    at: str,
) -> None:
    """Record an assignment (append-only) and make it the case's current one."""
    connection.execute(
        insert(assignments).values(
            case_seq=case_seq, v_number=v_number, director=director, team=team,
            assigned_by=by, at=at,
        )
    )  # fmt: skip
    connection.execute(delete(case_directors).where(case_directors.c.case_seq == case_seq))
    connection.execute(
        insert(case_directors).values(
            case_seq=case_seq, v_number=v_number, director=director, team=team
        )
    )


@dataclass(frozen=True, slots=True)
class Assignment:
    case_seq: int
    v_number: str
    director: str
    team: str | None


def assign_all(connection: Connection, rows: list[Assignment], *, by: str, at: str) -> None:
    """`assign` for many cases in three statements (the demo spreads some 14,000 at once,
    where one statement at a time took seconds); each case once."""
    if not rows:
        return
    current = [
        {"case_seq": r.case_seq, "v_number": r.v_number, "director": r.director, "team": r.team}
        for r in rows
    ]
    connection.execute(insert(assignments), [{**c, "assigned_by": by, "at": at} for c in current])
    seqs = [r.case_seq for r in rows]
    for start in range(0, len(seqs), 10_000):  # within any backend's limit of bound parameters
        part = seqs[start : start + 10_000]
        connection.execute(delete(case_directors).where(case_directors.c.case_seq.in_(part)))
    connection.execute(insert(case_directors), current)
