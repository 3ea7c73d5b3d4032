"""The key figures (kerncijfers) of a period, computed from the event store."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Connection

from terugkeer.domain.calendar import local_date
from terugkeer.domain.events import EventType
from terugkeer.reports.figures.activity import count_events, inflow_by_source
from terugkeer.reports.figures.caseload import at_emergency_reception, caseload, top_nationalities
from terugkeer.reports.figures.closed import closed_procedures, dublin_transferred
from terugkeer.reports.figures.dublin_expired import dublin_expired
from terugkeer.reports.figures.repeated_procedures import repeated_procedures
from terugkeer.reports.model import KeyFigures
from terugkeer.reports.period import Period


def key_figures(connection: Connection, period: Period, *, today: date | None = None) -> KeyFigures:
    """Every figure of EVENTS.md as exact counts (`model_dump(mode="json")` is the JSON of
    `report key-figures`).
    `today` (default: the current Europe/Amsterdam date) bounds what can have expired."""
    today = today or local_date(datetime.now(UTC))
    by_source = inflow_by_source(connection, period)
    closed = closed_procedures(connection, period)
    demonstrable = closed["independent_departure"] + closed["forced_departure"]
    absconded = closed["absconded"]
    transferred, member_states = dublin_transferred(connection, period)
    figures = {
        "period": {"from": period.start, "to": period.end},
        "inflow": sum(by_source.values()),
        "inflow_by_source": by_source,
        "departure_interviews": count_events(connection, period, EventType.INTERVIEW),
        "closed_procedures": closed,
        "demonstrable_departure": demonstrable,
        "demonstrable_departure_rate": (
            demonstrable / (demonstrable + absconded) if demonstrable + absconded else None
        ),
        "flights_booked": count_events(connection, period, EventType.FLIGHT_BOOKED),
        "travel_document_requests": count_events(connection, period, EventType.DOCUMENT_REQUESTED),
        "nationality_confirmations": count_events(
            connection, period, EventType.DOCUMENT_ANSWERED, "confirmed"
        ),
        "dublin": {
            "transferred": transferred,
            "member_states": member_states,
            "expired": dublin_expired(connection, period, today),
        },
        "caseload": caseload(connection, period),
        "repeated_procedures": repeated_procedures(connection, period),
        "top_nationalities": tuple(top_nationalities(connection, period)),
        "at_emergency_reception": at_emergency_reception(connection, period),
    }
    return KeyFigures.model_validate(figures)  # strict: each value has its declared type
