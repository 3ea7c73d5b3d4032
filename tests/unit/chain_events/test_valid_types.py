"""Every type's valid example is accepted and reaches the domain unchanged."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import get_args

import pytest

from terugkeer.chain_events.schema import DATA_SCHEMAS, TypeName
from terugkeer.domain.events import EventType
from tests.unit.chain_events import FULL_DATA, envelope, minimal_data, parse

TYPES = [t.value for t in EventType]


def test_every_type_has_a_schema_and_an_example() -> None:
    assert set(get_args(TypeName)) == set(TYPES) == set(DATA_SCHEMAS) == set(FULL_DATA)


@pytest.mark.parametrize("type_name", TYPES)
@pytest.mark.parametrize("full", [True, False], ids=["all-fields", "required-only"])
def test_valid_line_round_trips(type_name: str, full: bool) -> None:
    obj = envelope(type_name)
    if not full:
        obj["data"] = minimal_data(type_name)
    parsed = parse(obj)
    event = parsed.event
    assert (event.id, event.type, event.v_number, event.source, event.seq) == (
        "kmar-2023-000812", type_name, "1234567890", "KMAR", 0
    )  # fmt: skip
    assert event.occurred_at.utcoffset() == timedelta(hours=1)
    assert event.occurred_at.isoformat() == "2023-03-14T09:40:00+01:00"
    assert dict(event.data) == obj["data"]
    assert parsed.canonical == json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert json.loads(parsed.canonical) == obj


def test_no_defaults_are_added() -> None:
    data = parse(envelope("intake", data={"nationality": "XXA", "track": "dublin"})).event.data
    assert data == {"nationality": "XXA", "track": "dublin"}


@pytest.mark.parametrize("amount", [0, 12, 0.0, 99.99])
def test_amount_keeps_its_json_type(amount: float) -> None:
    obj = envelope("support_granted", data={"kind": "medical_escort", "amount_eur": amount})
    parsed_amount = parse(obj).event.data["amount_eur"]
    assert parsed_amount == amount
    assert type(parsed_amount) is type(amount)


def test_absconded_accepts_empty_data() -> None:
    assert parse(envelope("absconded", data={})).event.data == {}


def test_non_ascii_text_is_kept_in_canonical() -> None:
    parsed = parse(envelope("location_changed", data={"kind": "azc", "name": "Zoëtermeer"}))
    assert '"name":"Zoëtermeer"' in parsed.canonical


@pytest.mark.parametrize(
    "occurred_at",
    ["2023-03-14T09:40Z", "2023-03-14T09:40:00Z", "2023-03-14T09:40:00.123456789-05:30",
     "2023-03-14T09:40:00.5+00:00", "2023-03-14T09:40:59-00:00", "2020-02-29T23:59:59+14:00"],
)  # fmt: skip
def test_occurred_at_forms(occurred_at: str) -> None:
    event = parse(envelope(occurred_at=occurred_at)).event
    assert event.occurred_at.tzinfo is not None
    assert event.occurred_at.isoformat()[:16] == occurred_at[:16]


def test_whitespace_and_newline_around_the_object_are_ignored() -> None:
    text = "  " + json.dumps(envelope(), indent=2) + "\n"
    assert parse(text).canonical == parse(envelope()).canonical
