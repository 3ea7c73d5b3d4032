"""The key figures (kerncijfers) of a period, exact or in the published form."""

from __future__ import annotations

from terugkeer.bootstrap import System
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.model import KeyFigures, PublishedKeyFigures
from terugkeer.reports.period import Period
from terugkeer.reports.rounding import rounded
from terugkeer.store.as_of import known_at

__all__ = ["KeyFigures", "Period", "PublishedKeyFigures", "key_figures_of", "published"]


def key_figures_of(system: System, period: Period, *, known_by: str | None = None) -> KeyFigures:
    """Every figure of EVENTS.md as exact counts; what can have expired is bounded by the
    system's today. With `known_by` (a `recorded_at` value): from the events recorded by then."""
    if known_by is not None:
        with known_at(system.engine, known_by, system.rules) as scratch, scratch.connect() as c:
            return key_figures(c, period, today=system.today())
    with system.engine.connect() as connection:
        return key_figures(connection, period, today=system.today())


def published(figures: KeyFigures) -> PublishedKeyFigures:
    """The published form: counts rounded to tens, under 5 shown as <5 (EVENTS.md)."""
    return rounded(figures)
