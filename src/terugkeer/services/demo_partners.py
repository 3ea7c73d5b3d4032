"""The demo's chain partners, so that a partner's daily use can be seen working (issue 26):
DJI reads the people in its custody, KMar the flights it is to escort, with fresh tokens on
every `terugkeer demo`.

The simulator has DJI report detentions itself, and a partner's own report never widens its
reach: so the demo's case directors share their people in detention with DJI (until 30 days
on), as they would on the case page, and DJI also gets the custody rule for detentions the
agency records itself. KMar reads by the escorted-flight rule over the flights the agency
booked (14 days ahead).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from terugkeer.bootstrap import System
from terugkeer.domain.reach import CUSTODY, ESCORTED_FLIGHT
from terugkeer.services.partners import add_partner, list_partners, rotate_token
from terugkeer.services.reach import add_rule, list_rules, list_shares, reach_day, share_person
from terugkeer.services.users import User
from terugkeer.store import reach as rows
from terugkeer.store import workplace as reads

#: name, source, may send, may read back
PARTNERS = (
    ("dji", "DJI", ("detention_started", "detention_ended"),
     ("case", "detention_started", "detention_ended", "location_changed")),
    ("kmar", "KMAR", ("departed",), ("case", "flight_booked", "flight_cancelled")),
)  # fmt: skip
#: At most this many shares a run: enough to be seen, few enough to record quickly.
SHARES = 50


@dataclass(frozen=True, slots=True)
class DemoPartner:
    name: str
    token: str
    rules: int
    shares: int


def demo_partners(system: System, directors: list[User]) -> list[DemoPartner]:
    existing = {p.name for p in list_partners(system)}
    tokens = {}
    for name, source, types, readable in PARTNERS:
        if name in existing:
            tokens[name] = rotate_token(system, name)
        else:
            tokens[name] = add_partner(system, name, source, list(types), list(readable))
    if not list_rules(system):
        add_rule(system, "dji", CUSTODY, actor="demo", origin="demo")
        add_rule(system, "kmar", ESCORTED_FLIGHT, days=14, actor="demo", origin="demo")
    if not list_shares(system, partner="dji"):
        _share_detained(system, directors)
    rules = Counter(r.partner for r in list_rules(system))
    shared = Counter(s.partner for s in list_shares(system) if s.ended_at is None)
    return [DemoPartner(name, tokens[name], rules[name], shared[name]) for name, *_ in PARTNERS]


def _share_detained(system: System, directors: list[User]) -> None:
    """Each case director shares their people in detention with DJI."""
    by_name = {d.name: d for d in directors}
    until = reach_day(system) + timedelta(days=30)
    with system.engine.connect() as connection:
        detained = rows.reported_in_detention(connection)[:SHARES]
        owners = {v: reads.directors_of(connection, v) for v in detained}
    for v_number in detained:
        mine = [by_name[d] for d, _ in owners[v_number] if d in by_name]
        if mine:
            share_person(system, mine[0], v_number, "dji", until, channel="cli", origin="demo")
