"""The flights of an OCEL export: one object per booking, its lifecycle booked → departed |
cancelled, and which flight carried a departure (no event says so; this is the rule).

A flight is one `flight_booked` event. A `flight_cancelled` cancels the person's bookings with
its reference that are still open (the case state drops every flight with that reference too);
with none open it relates to the latest booking with that reference, so it is never orphaned.

The flight that carried a `departed` event is, of the bookings of the same case that are neither
cancelled nor carried an earlier departure, to the departure's destination, whose flight date is
on or before the departure's day (Europe/Amsterdam): the latest by flight date, then the later
booking. None when there is no such booking: an independent departure without a booked flight,
or one to elsewhere. The same case, because a flight booked in an earlier case that was never
cancelled (the person absconded before it) did not carry a departure years later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(slots=True)
class Booking:
    """One booked flight of a person, as its booking said."""

    v_number: str
    case_seq: int
    reference: str
    local: str  # its name within the person's flights: the reference, `#2` on a second booking
    day: date
    destination: str
    escort: str
    order: int  # the booking's place in the history: the later of two same-day flights wins
    closed: bool = False  # cancelled, or it carried a departure


class Flights:
    """The bookings met so far, by person, to relate cancellations and departures to them."""

    def __init__(self) -> None:
        self._of: dict[str, list[Booking]] = {}

    def booked(self, v_number: str, case_seq: int, data: dict[str, object], order: int) -> Booking:
        mine = self._of.setdefault(v_number, [])
        reference = str(data["reference"])
        earlier = sum(1 for b in mine if b.reference == reference)
        local = f"{reference}#{earlier + 1}" if earlier else reference
        booking = Booking(
            v_number, case_seq, reference, local,
            date.fromisoformat(str(data["date"])), str(data["destination"]), str(data["escort"]),
            order,
        )  # fmt: skip
        mine.append(booking)
        return booking

    def cancelled(self, v_number: str, reference: str) -> list[Booking]:
        named = [b for b in self._of.get(v_number, []) if b.reference == reference]
        still = [b for b in named if not b.closed]
        for booking in still:
            booking.closed = True
        return still or named[-1:]

    def carrier(
        self, v_number: str, case_seq: int, day: date, destination: object
    ) -> Booking | None:
        candidates = [
            b for b in self._of.get(v_number, [])
            if not b.closed and b.case_seq == case_seq and b.destination == destination
            and b.day <= day
        ]  # fmt: skip
        if not candidates:
            return None
        flown = max(candidates, key=lambda b: (b.day, b.order))
        flown.closed = True
        return flown
