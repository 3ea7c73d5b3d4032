"""Signing in and out through the identity provider (OpenID Connect), once the web adapter has
checked the provider's answer (web/oidc.py): who the claims make the user, their account, their
session, and a row in the access log for every sign-in, refusal and sign-out.

An account made here has no password (store/users.NO_PASSWORD), so it can only sign in through
the provider; its role and team are the provider's, refreshed at every sign-in. It belongs to
the provider's subject (`sub`): a local account of the same name is never taken over, nor is an
account another subject signed in with before.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.sso_claims import ClaimNames, Identity, Unmapped, identity_of
from terugkeer.monitoring.metrics import count_sign_in_failure
from terugkeer.services.users import Session, User, sweep_sessions, valid_user_name
from terugkeer.store import sso
from terugkeer.store import users as rows
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.users import NO_PASSWORD, utc_text

SIGN_IN, REFUSED, SIGN_OUT = (
    "session.sign_in.sso",
    "session.sign_in.sso.refused",
    "session.sign_out.sso",
)


class SignInRefused(Exception):  # noqa: N818 - an outcome, not a fault
    """No session: `reason` says why (logged; shown to the user in words)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def refuse(system: System, reason: str, origin: str, actor: str = "-") -> SignInRefused:
    """Log a refused sign-in (a failed check of the provider's answer, say) and return the
    refusal for the caller to raise."""
    with writing(system.engine) as connection:
        record(connection, Access(actor, "web", REFUSED, origin, detail=reason), system.clock())
    count_sign_in_failure("single_sign_on")
    return SignInRefused(reason)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    system: System, claims: Mapping[str, object], id_token: str, origin: str
) -> tuple[str, Session]:
    """A session for the person the provider's (checked) claims name: a new session token
    for the cookie, and the session. Raises SignInRefused, logged with its reason."""
    settings = system.settings
    names = ClaimNames(settings.oidc_name_claim, settings.oidc_role_claim,
                       settings.oidc_team_claim)  # fmt: skip
    found = identity_of(claims, names, settings.oidc_role_map)
    claimed = claims.get(names.name)
    actor = claimed if isinstance(claimed, str) and valid_user_name(claimed) else "-"
    if isinstance(found, Unmapped):
        raise refuse(system, found.reason, origin, actor)
    if actor == "-":
        raise refuse(system, "bad_name", origin)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise refuse(system, "no_subject", origin, actor)
    now = system.clock()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with writing(system.engine) as connection:
        reason = _account(connection, found, subject, utc_text(now))
        if reason is None:
            sweep_sessions(connection, settings, now)
            rows.add_session(connection, _token_hash(token), found.name, csrf, utc_text(now))
            sso.set_id_token(connection, _token_hash(token), id_token)
        record(connection, Access(found.name, "web", REFUSED if reason else SIGN_IN, origin,
                                  detail=reason or found.role.value), now)  # fmt: skip
    if reason is not None:
        count_sign_in_failure("single_sign_on")
        raise SignInRefused(reason)
    user = User(found.name, found.role, found.team)
    return token, Session(user, csrf, _token_hash(token))


def _account(connection: Connection, who: Identity, subject: str, at: str) -> str | None:
    """Make or refresh the account of `who`; the reason it may not be used, else None."""
    row = rows.find_user(connection, who.name)
    if row is None:
        rows.add_user(connection, who.name, who.role.value, who.team, NO_PASSWORD, at)
        sso.set_subject(connection, who.name, subject)
        return None
    known = sso.subject_of(connection, who.name)
    if known is None:
        return "local_account"
    if known != subject:
        return "other_subject"
    if not row.active:
        return "disabled"
    rows.set_user(connection, who.name, role=who.role.value, team=who.team,
                  password_hash=NO_PASSWORD, must_change_password=False)  # fmt: skip
    return None


def sign_out(system: System, session: Session, origin: str) -> str | None:
    """End a single sign-on session and log it; its ID token, for signing out at the provider
    too. None, and nothing done, for a local session (services/users.log_out ends that)."""
    with writing(system.engine) as connection:
        id_token = sso.id_token_of(connection, session.token_hash)
        if id_token is None:
            return None
        rows.end_session(connection, session.token_hash)
        record(connection, Access(session.user.name, "web", SIGN_OUT, origin, detail="ok"),
               system.clock())  # fmt: skip
    return id_token
