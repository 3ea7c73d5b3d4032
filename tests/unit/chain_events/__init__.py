"""Shared examples for the chain event format tests: one valid `data` per type and line builders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from terugkeer.chain_events import EventFormatError, ParsedLine, parse_line

RECEIVED_AT = datetime(2023, 3, 15, 12, 0, tzinfo=UTC)

#: Every type with all its fields (optional ones included), as the Types table lists them.
FULL_DATA: dict[str, dict[str, Any]] = {
    "intake": {"nationality": "MAR", "track": "asylum", "birth_date": "1990-02-28", "sex": "M",
               "family": "fam-1", "unaccompanied_minor": False},
    "interview": {"kind": "first", "stance": "cooperating", "interpreter_language": "ar"},
    "location_changed": {"kind": "emergency_reception", "name": "Ter Apel"},
    "procedure_started": {"reference": "ind-77", "kind": "asylum_repeat", "suspensive": True},
    "procedure_decided": {"reference": "ind-77", "outcome": "rejected"},
    "return_decision": {"departure_term_days": 28, "entry_ban_years": 2},
    "document_requested": {"reference": "lp-1", "kind": "laissez_passer", "country": "DZA"},
    "document_answered": {"reference": "lp-1", "result": "confirmed"},
    "travel_document_valid": {"kind": "passport", "valid_until": "2024-02-29"},
    "detention_started": {"ground": "vw59", "location": "Rotterdam"},
    "detention_ended": {"reason": "released_by_court"},
    "dublin_claim": {"member_state": "DEU", "kind": "take_back"},
    "dublin_accepted": {"member_state": "CHE", "implicit": True},
    "dublin_refused": {"member_state": "NOR"},
    "support_granted": {"kind": "reintegration", "amount_eur": 1750.5, "provider": "IOM"},
    "flight_booked": {"reference": "fl-9", "date": "2023-04-01", "destination": "XKX",
                      "escort": "kmar"},
    "flight_cancelled": {"reference": "fl-9", "reason": "refused_boarding"},
    "departed": {"mode": "forced", "destination": "MAR", "dublin_transfer": False,
                 "evidence": "escorted"},
    "absconded": {"last_known_location": "Amsterdam"},
    "exit_without_departure": {"reason": "residence_permit", "detail": "permit granted"},
    "retracted": {"event_id": "kmar-2023-000811", "reason": "wrong_person"},
}  # fmt: skip

#: The optional fields of each type (absent from the minimal examples).
OPTIONAL: dict[str, set[str]] = {
    "intake": {"birth_date", "sex", "family", "unaccompanied_minor"},
    "interview": {"interpreter_language"},
    "location_changed": {"name"},
    "return_decision": {"entry_ban_years"},
    "detention_started": {"location"},
    "support_granted": {"amount_eur", "provider"},
    "departed": {"dublin_transfer"},
    "absconded": {"last_known_location"},
    "exit_without_departure": {"detail"},
}


def minimal_data(type_name: str) -> dict[str, Any]:
    optional = OPTIONAL.get(type_name, set())
    return {k: v for k, v in FULL_DATA[type_name].items() if k not in optional}


def envelope(type_name: str = "departed", **changes: Any) -> dict[str, Any]:
    """A valid line object of `type_name` (full data); `changes` replace top-level fields."""
    obj: dict[str, Any] = {
        "id": "kmar-2023-000812",
        "type": type_name,
        "v_number": "1234567890",
        "occurred_at": "2023-03-14T09:40:00+01:00",
        "source": "KMAR",
        "data": dict(FULL_DATA[type_name]),
    }
    obj.update(changes)
    return obj


def with_data(type_name: str, **fields: Any) -> dict[str, Any]:
    """A valid line object whose data has `fields` replaced or added."""
    obj = envelope(type_name)
    obj["data"].update(fields)
    return obj


def parse(obj: dict[str, Any] | str) -> ParsedLine:
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return parse_line(text, received_at=RECEIVED_AT)


def rejection(obj: dict[str, Any] | str) -> EventFormatError:
    """The error a rejected line raises (fails the test if it is accepted)."""
    with pytest.raises(EventFormatError) as caught:
        parse(obj)
    return caught.value
