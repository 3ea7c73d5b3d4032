"""The key figures (kerncijfers) of a period, exact or in the published form."""

from __future__ import annotations

from terugkeer.bootstrap import System
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.model import KeyFigures, PublishedKeyFigures
from terugkeer.reports.period import Period
from terugkeer.reports.rounding import rounded

__all__ = ["KeyFigures", "Period", "PublishedKeyFigures", "key_figures_of", "published"]


def key_figures_of(system: System, period: Period) -> KeyFigures:
    """Every figure of EVENTS.md as exact counts; what can have expired is bounded by the
    system's today."""
    with system.engine.connect() as connection:
        return key_figures(connection, period, today=system.today())


def published(figures: KeyFigures) -> PublishedKeyFigures:
    """The published form: counts rounded to tens, under 5 shown as <5 (EVENTS.md)."""
    return rounded(figures)
