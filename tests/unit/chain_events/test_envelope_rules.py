"""Top-level fields: id, type, v_number, occurred_at, source, data; and which error comes first."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from terugkeer.chain_events import parse_line
from tests.unit.chain_events import envelope, parse, rejection


def without(field: str) -> dict[str, Any]:
    obj = envelope()
    del obj[field]
    return obj


@pytest.mark.parametrize("field", ["id", "type", "v_number", "occurred_at", "source", "data"])
def test_every_top_level_field_is_required(field: str) -> None:
    assert rejection(without(field)).message == f"{field} is required"


@pytest.mark.parametrize("value", ["a", "A-z.0_9:x", "x" * 100])
def test_valid_ids(value: str) -> None:
    assert parse(envelope(id=value)).event.id == value


@pytest.mark.parametrize("value", ["", "x" * 101, "has space", "kmar/1", "é", "x\n", 12, None])
def test_invalid_ids_are_rejected_without_an_event_id(value: object) -> None:
    error = rejection(envelope(id=value))
    assert error.message.startswith("id must be")
    assert error.event_id is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", 'v_number must be exactly 10 digits (got "12345")'),
        ("12345678901", 'v_number must be exactly 10 digits (got "12345678901")'),
        ("١٢٣٤٥٦٧٨٩٠", 'v_number must be exactly 10 digits (got "١٢٣٤٥٦٧٨٩٠")'),
        ("123456789a", 'v_number must be exactly 10 digits (got "123456789a")'),
        (1234567890, "v_number must be a string (got 1234567890)"),
    ],
)
def test_v_number(value: object, message: str) -> None:
    error = rejection(envelope(v_number=value))
    assert (error.message, error.event_id) == (message, "kmar-2023-000812")


@pytest.mark.parametrize(("field", "value"), [("type", "Departed"), ("source", "kmar")])
def test_type_and_source_are_closed_lists(field: str, value: str) -> None:
    message = rejection(envelope(**{field: value})).message
    assert message.startswith(f"{field} must be one of ")
    assert message.endswith(f'(got "{value}")')


def test_source_lists_the_senders() -> None:
    assert rejection(envelope(source=None)).message == (
        "source must be one of IND, COA, DJI, KMAR, POLITIE, IOM, DTENV, NGO, GEMEENTE (got null)"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2023-03-14T09:40:00", "must have a UTC offset"),
        ("2023-03-14T09:40", "must have a UTC offset"),
        ("2023-03-14", "must be a date-time"),
        ("2023-03-14 09:40:00+01:00", "must be a date-time"),
        ("2023-03-14T09:40:00+0100", "must be a date-time"),
        ("2023-03-14T09:40:00+01", "must be a date-time"),
        ("2023-03-14t09:40:00z", "must be a date-time"),
        ("2023-03-14T09:40:00.+01:00", "must be a date-time"),
        ("2023-03-14T09:40:00+24:00", "must be a date-time"),
        ("2023-03-14T09:40:00+01:60", "must be a date-time"),
        ("\uff12023-03-14T09:40:00Z", "must be a date-time"),  # fullwidth digit
        ("2023-03-14T09:40:00Z ", "must be a date-time"),
        ("2023-02-30T09:40:00Z", "is not a valid date-time"),
        ("2023-03-14T24:00:00Z", "is not a valid date-time"),
        ("2023-03-14T09:40:60Z", "is not a valid date-time"),
        ("0001-01-01T00:00+01:00", "is not a valid date-time"),
        (1678783200, "must be a date-time"),
    ],
)
def test_invalid_occurred_at(value: object, problem: str) -> None:
    assert rejection(envelope(occurred_at=value)).message.startswith(f"occurred_at {problem}")


def test_occurred_at_up_to_24_hours_after_receipt_is_accepted() -> None:
    # RECEIVED_AT is 2023-03-15T12:00Z
    assert parse(envelope(occurred_at="2023-03-16T13:00:00+01:00")).event


@pytest.mark.parametrize("value", ["2023-03-16T12:00:00.000001Z", "2023-03-16T14:00:01+02:00"])
def test_occurred_at_more_than_a_day_ahead_is_rejected(value: str) -> None:
    message = rejection(envelope(occurred_at=value)).message
    assert message == (
        f'occurred_at is more than 1 day in the future (got "{value}"; '
        "received 2023-03-15T12:00:00+00:00)"
    )


@pytest.mark.parametrize("value", [None, [], "x", 1, True])
def test_data_must_be_an_object(value: object) -> None:
    assert rejection(envelope(data=value)).message.startswith("data must be an object (got ")


def test_unknown_top_level_field() -> None:
    error = rejection(envelope(Data={}))
    assert (error.message, error.event_id) == ("Data is not a known field", "kmar-2023-000812")


def test_first_error_follows_field_order() -> None:
    obj = envelope(source="X", v_number="1", id="bad id!", extra=1, data={"mode": "x"})
    obj = {key: obj[key] for key in reversed(list(obj))}  # the order in the line does not matter
    assert rejection(obj).message.startswith("id must be")
    del obj["id"]
    assert rejection(obj).message == "id is required"
    obj["id"] = "ok"
    assert rejection(obj).message.startswith("v_number ")
    obj["v_number"] = "1234567890"
    assert rejection(obj).message.startswith("source ")
    obj["source"] = "IOM"
    assert rejection(obj).message == "extra is not a known field"
    del obj["extra"]
    assert rejection(obj).message.startswith("data.mode must be one of")


def test_data_is_not_checked_while_the_type_is_unknown() -> None:
    error = rejection(envelope(type="deported", data={"anything": 1}))
    assert error.message.startswith("type must be one of intake, interview, ")
    assert error.event_id == "kmar-2023-000812"


def test_long_values_are_shortened_in_the_message() -> None:
    message = rejection(envelope(v_number="9" * 500)).message
    assert message == 'v_number must be exactly 10 digits (got "' + "9" * 58 + "…)"


def test_received_at_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_line(json.dumps(envelope()), received_at=datetime(2023, 3, 15))
