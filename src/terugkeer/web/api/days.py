"""A day in a query: within the years the store can hold, or a 400 problem naming the
parameter. `?on=9999-12-31` would overflow the day after it, `?on=0001-01-01` precede every
rule: both answered a 500 before."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator

from terugkeer.domain.calendar import FIRST_DAY, LAST_DAY


def _within(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"outside {FIRST_DAY}..{LAST_DAY}")
    return day


Day = Annotated[date, AfterValidator(_within)]
