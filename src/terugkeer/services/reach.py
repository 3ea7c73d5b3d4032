"""A chain partner's reach (issue 26): shares recorded by case directors, reach rules set by
an administrator, and the one question both answer — may this partner read this person today?

The decision is domain/reach.py; this module loads what it needs and keeps the grounds
attributable: a share starts and ends as rows with who and when, and in the access log (with
the V-number, for the auditor); a rule is added and removed with who and when, and logged.
The API's reads (services/api_reads.py), the rejections of its writes (services/ingest.py)
and the webhook outbox (store/webhooks.enqueue) ask the same question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import Action, Resource
from terugkeer.domain.reach import AGENCY, CUSTODY, ESCORTED_FLIGHT, RULE_KINDS, ReachRule
from terugkeer.services.errors import ServiceError
from terugkeer.services.partners import PARTNER, SOURCES, Partner, list_partners
from terugkeer.services.users import User
from terugkeer.services.workplace import admit
from terugkeer.store import reach as rows
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.users import utc_text

__all__ = ["ReachError", "ReachRule", "ShareRow", "add_rule", "end_share", "ground_for",
           "list_rules", "list_shares", "reaches", "remove_rule", "share_person"]  # fmt: skip

ShareRow = rows.ShareRow

#: The longest a share may run: a share that never ends would be a standing grant no one
#: reviews (a case director shares again when the need goes on).
MAX_SHARE_DAYS = 365
#: How far ahead an escorted-flight rule may look.
MAX_FLIGHT_DAYS = 60


class ReachError(ServiceError):
    """A share or rule that cannot be made or ended as asked (the message says why)."""


def reach_day(system: System) -> date:
    """The day reach is judged on: the agency's working day (`work_date`, which the pages and
    the demo take as today), else today. (The webhook outbox, written by the event store,
    judges on the store clock's day.)"""
    return system.settings.work_date or system.today()


def ground_for(system: System, partner: Partner, v_number: str) -> str | None:
    """Why the partner may read the person today ("share N", "rule N"); None: it may not."""
    with system.engine.connect() as connection:
        return rows.ground_of(connection, partner.name, partner.source, v_number, reach_day(system))


def reaches(system: System, partner: Partner) -> Callable[[Connection, str], bool]:
    """Whether the partner may read a person, asked inside a caller's transaction (the intake
    asks it in the appending one, after the store judged)."""
    cached: dict[str, bool] = {}
    today = reach_day(system)

    def check(connection: Connection, v_number: str) -> bool:
        if v_number not in cached:
            found = rows.ground_of(connection, partner.name, partner.source, v_number, today)
            cached[v_number] = found is not None
        return cached[v_number]

    return check


def _chain_partner(system: System, name: str) -> Partner:
    found = {p.name: p for p in list_partners(system)}.get(name)
    if found is None or found.kind != PARTNER:
        raise ReachError(f"no chain partner named {name}")
    if found.revoked:
        raise ReachError(f"partner {name} is revoked")
    return found


def share_person(system: System, user: User, v_number: str, partner: str, until: date, *,
                 channel: str, origin: str) -> int:  # fmt: skip
    """The case director (or team lead) shares the person with `partner` until `until`
    (inclusive): the partner reads the case file and the other senders' events its agreement
    lists. Only for a person in the user's scope to record on (own cases, the team's)."""
    access = Access(user.name, channel, "share.start", origin, v_number)
    admit(system, user, Resource.CASE, access, Action.RECORD)
    _chain_partner(system, partner)
    today = reach_day(system)
    if until < today:
        raise ReachError(f"a share ends today or later, not on {until}")
    if until > today + timedelta(days=MAX_SHARE_DAYS):
        raise ReachError(f"a share runs at most {MAX_SHARE_DAYS} days (until "
                         f"{today + timedelta(days=MAX_SHARE_DAYS)})")  # fmt: skip
    at = system.clock()
    with writing(system.engine) as connection:
        key = rows.add_share(connection, partner, v_number, until, user.name, utc_text(at))
        record(connection, Access(user.name, channel, "share.start", origin, v_number,
                                  f"share {key} with {partner} until {until}"), at)  # fmt: skip
    return key


def end_share(system: System, user: User, share_id: int, *, channel: str, origin: str) -> None:
    """End a share before its day: an end row beside the start (nothing is changed)."""
    with system.engine.connect() as connection:
        found = rows.shares(connection, share_id=share_id)
    if not found:
        raise ReachError(f"no share {share_id}")
    share = found[0]
    access = Access(user.name, channel, "share.end", origin, share.v_number)
    admit(system, user, Resource.CASE, access, Action.RECORD)
    if share.ended_at is not None:
        raise ReachError(f"share {share_id} was ended already")
    at = system.clock()
    with writing(system.engine) as connection:
        rows.end_share(connection, share, user.name, utc_text(at))
        record(connection, Access(user.name, channel, "share.end", origin, share.v_number,
                                  f"share {share_id} with {share.partner}"), at)  # fmt: skip


def list_shares(system: System, *, v_number: str | None = None,
                partner: str | None = None) -> list[ShareRow]:  # fmt: skip
    """Shares, newest first, with who started and who ended each."""
    with system.engine.connect() as connection:
        return rows.shares(connection, v_number=v_number, partner=partner)


def add_rule(system: System, partner: str, kind: str, *, days: int = 0,
             trusted: Sequence[str] = (AGENCY,), actor: str, origin: str) -> int:  # fmt: skip
    """An administrator's reach rule for `partner` (domain/reach.py): which agency-established
    facts bring a person into its reach. It may not trust the partner's own source."""
    found = _chain_partner(system, partner)
    if kind not in RULE_KINDS:
        raise ReachError(f"unknown reach rule {kind} (one of {', '.join(RULE_KINDS)})")
    unknown = sorted(set(trusted) - set(SOURCES))
    if not trusted or unknown:
        raise ReachError(f"trust one or more of {', '.join(SOURCES)}"
                         + (f" (not {unknown[0]})" if unknown else ""))  # fmt: skip
    if found.source in trusted:
        raise ReachError(f"a rule of {partner} cannot trust its own source {found.source}: "
                         "what a partner reports itself never widens its reach")  # fmt: skip
    if kind == ESCORTED_FLIGHT and not 1 <= days <= MAX_FLIGHT_DAYS:
        raise ReachError(f"give --days 1 to {MAX_FLIGHT_DAYS} for {ESCORTED_FLIGHT}")
    if kind == CUSTODY and days:
        raise ReachError(f"{CUSTODY} takes no --days")
    at = system.clock()
    with writing(system.engine) as connection:
        key = rows.add_rule(connection, partner, kind, days, ",".join(sorted(set(trusted))),
                            actor, utc_text(at))  # fmt: skip
        record(connection, Access(actor, "cli", "reach_rule.add", origin,
                                  detail=f"rule {key} {kind} for {partner}"), at)  # fmt: skip
    return key


def remove_rule(system: System, rule_id: int, *, actor: str, origin: str) -> None:
    at = system.clock()
    with writing(system.engine) as connection:
        if not rows.remove_rule(connection, rule_id, actor, utc_text(at)):
            raise ReachError(f"no reach rule {rule_id} in force")
        record(connection, Access(actor, "cli", "reach_rule.remove", origin,
                                  detail=f"rule {rule_id}"), at)  # fmt: skip


def list_rules(system: System) -> list[ReachRule]:
    """The rules in force, oldest first."""
    with system.engine.connect() as connection:
        return rows.live_rules(connection)
