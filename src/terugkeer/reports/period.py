"""A reporting period: whole days in Europe/Amsterdam, both ends inclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from terugkeer.domain.calendar import FIRST_DAY, LAST_DAY, end_of_day_micros
from terugkeer.store.tables import cases


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        for name, day in (("--from", self.start), ("--to", self.end)):
            if not FIRST_DAY <= day <= LAST_DAY:
                raise ValueError(f"{name} ({day}) is outside {FIRST_DAY} to {LAST_DAY}")
        if self.end < self.start:
            raise ValueError(f"--to ({self.end}) is before --from ({self.start})")

    @property
    def end_us(self) -> int:
        """Exclusive bound in UTC microseconds: "on or before the end of `end`" is `< end_us`."""
        return end_of_day_micros(self.end)

    def open_at_end(self) -> ColumnElement[bool]:
        """Cases open at the end of the period (the caseload then)."""
        return and_(
            cases.c.opened_us < self.end_us,
            or_(cases.c.closed_us.is_(None), cases.c.closed_us >= self.end_us),
        )
