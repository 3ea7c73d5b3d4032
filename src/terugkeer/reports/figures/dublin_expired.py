"""Dublin expired: accepted claims whose transfer deadline fell in the period unused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, func, select

from terugkeer.reports.period import Period
from terugkeer.store.tables import dublin_claims


def dublin_expired(connection: Connection, period: Period, today: date) -> int:
    """Deadlines and expiry are computed by domain.dublin when a claim's history changes; this
    counts deadline dates, not the exits that follow them (EVENTS.md). A claim expires "at the
    end of the deadline day", so a deadline of today or later has not expired yet."""
    last = min(period.end, today - timedelta(days=1))
    query = select(func.count()).where(
        dublin_claims.c.expired.is_(True),
        dublin_claims.c.deadline.between(period.start, last),
    )
    return int(connection.execute(query).scalar_one())
