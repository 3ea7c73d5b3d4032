"""Dublin expired: accepted claims whose transfer deadline fell in the period unused."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from terugkeer.reports.period import Period
from terugkeer.store.tables import dublin_claims


def dublin_expired(connection: Connection, period: Period) -> int:
    # Deadlines and expiry are computed by domain.dublin when the claim's history changes;
    # this counts deadline dates, not the exits that follow them (EVENTS.md).
    query = select(func.count()).where(
        dublin_claims.c.expired.is_(True),
        dublin_claims.c.deadline.between(period.start, period.end),
    )
    return int(connection.execute(query).scalar_one())
