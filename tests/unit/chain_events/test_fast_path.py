"""The fast parse path (chain_events/fast.py) against the strict one: for every line, valid,
spoiled or arbitrary, `parse_line` accepts exactly what `parse_line_strict` accepts, with the
same event, stored body and data JSON, and rejects exactly what it rejects, with the same
sentence and id. And the fast path really takes the usual line (else it would prove nothing)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from terugkeer.chain_events import EventFormatError, parse_line
from terugkeer.chain_events.fast import fast_parse
from terugkeer.chain_events.parse import parse_line_strict
from tests.unit.chain_events import FULL_DATA, RECEIVED_AT, envelope, minimal_data
from tests.unit.chain_events.test_properties import lines

LATEST = RECEIVED_AT + timedelta(hours=24)


def outcome(parse: Any, text: str) -> tuple[Any, ...]:
    """Everything a caller can see of a parse, with types and order (1 == 1.0 == True would
    hide a difference from ==; two offsets of one instant are equal datetimes)."""
    try:
        parsed = parse(text, received_at=RECEIVED_AT)
    except EventFormatError as error:
        return ("rejected", error.message, error.event_id, repr(error.sentence))
    event = parsed.event
    data = [(key, type(value).__name__, repr(value)) for key, value in event.data.items()]
    return ("accepted", event.id, event.type, event.v_number, event.occurred_at.isoformat(),
            event.micros, event.source, data, event.seq, parsed.canonical,
            parsed.data_json)  # fmt: skip


def same_as_strict(text: str) -> None:
    assert outcome(parse_line, text) == outcome(parse_line_strict, text)


def encodings(obj: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([
        json.dumps(obj, separators=(",", ":")),
        json.dumps(obj, ensure_ascii=False, separators=(",", ":")),
        json.dumps(obj, ensure_ascii=False),
        json.dumps(obj, indent=1),
        " \t" + json.dumps(obj) + "\r\n ",
    ])  # fmt: skip


SPOILS = [
    # duplicate keys, at the top and in data, with and without space before the colon
    lambda t: t.replace('"id":', '"id":"x1","id":', 1),
    lambda t: t.replace('"id":', '"id" : "x1" ,"id":', 1),
    lambda t: t.replace('"type":', '"type"\t:"intake","type":', 1),
    lambda t: t.replace('"data":{', '"data":{"kind":"first",', 1),
    lambda t: t.replace('"data":{', '"data":{"reason" :"other",', 1),
    lambda t: t.replace('"data":{', '"data":{"nationality": "MAR",', 1),
    lambda t: t.replace('"data":{', '"data":{"x\\"y":1,', 1),
    # whitespace JSON does not allow, control characters, garbage, escapes
    lambda t: t.replace(",", ",\x0c", 1),
    lambda t: t.replace(",", ",\u00a0", 1),
    lambda t: t.replace('",', '\x01",', 1),
    lambda t: t.replace('",', '\t",', 1),
    lambda t: t + "x",
    lambda t: t + "{}",
    lambda t: "\ufeff" + t,
    lambda t: t.replace('"source"', '"sourc\\u0065"', 1),
    lambda t: t.replace('"KMAR"', '"KM\\u0041R"', 1),
    lambda t: t.replace('"2023', '"\\ud8002023', 1),
    lambda t: t.replace('"', "'", 2),
    lambda t: t[:-1],
    lambda t: "[" + t + "]",
]

DATA_FIELDS = ["", "nationality", "reference", "amount_eur", "departure_term_days", "implicit",
               "date", "member_state", "kind", "extra"]  # fmt: skip
VALUES = st.sampled_from([
    None, True, False, 0, -0.0, 1, 1.0, 1e400, -1, 31, 30, 2**64, 10**30, 0.1, "", " ", "x",
    "MAR", "NLD", "XXA", "2023-02-29", "2024-02-29", "1990-13-01", "2023-03-14T09:40:00Z",
    "2023-03-14T09:40:00", "2023-03-16T13:00:00+00:00", "0001-01-01T00:00+01:00",
    "9999-12-31T23:59:59-23:59", "2023-03-14T09:40:00.123456789+01:00", "1234567890",
    "123456789", "١٢٣٤٥٦٧٨٩٠", "a b", "kmar:2023.1-x", "Zoëtermeer", "\u2028", [], {}, {"a": 1},
])  # fmt: skip


@settings(max_examples=400)
@given(lines(), st.data())
def test_valid_lines_give_the_same_event_both_ways(
    obj: dict[str, Any], draw: st.DataObject
) -> None:
    same_as_strict(draw.draw(encodings(obj)))


@settings(max_examples=400)
@given(lines(), st.sampled_from(range(len(SPOILS))), st.data())
def test_spoiled_lines_give_the_same_sentence_both_ways(
    obj: dict[str, Any], spoil: int, draw: st.DataObject
) -> None:
    text = draw.draw(encodings(obj))
    same_as_strict(SPOILS[spoil](text))


@settings(max_examples=600)
@given(
    st.sampled_from(sorted(FULL_DATA)),
    st.booleans(),
    st.sampled_from(["id", "type", "v_number", "occurred_at", "source", "data", "extra"]),
    st.sampled_from(DATA_FIELDS),
    VALUES,
    st.booleans(),
)
def test_changed_values_give_the_same_outcome_both_ways(
    type_name: str, full: bool, top: str, field: str, value: Any, remove: bool
) -> None:
    obj = envelope(type_name)
    if not full:
        obj["data"] = minimal_data(type_name)
    if top == "data" and field:
        if remove:
            obj["data"].pop(field, None)
        else:
            obj["data"][field] = value
    elif remove:
        obj.pop(top, None)
    else:
        obj[top] = value
    same_as_strict(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


@given(st.text(max_size=300))
@example('{"id":"a","type":"absconded","v_number":"1234567890","occurred_at":'
         '"2023-03-14T09:40:00+01:00","source":"IOM","data":{}}')  # fmt: skip
# A raw lone surrogate, as in a body decoded with surrogateescape:
@example('{"id":"a","type":"absconded","v_number":"1234567890","occurred_at":'
         '"2023-03-14T09:40:00+01:00","source":"IOM","data":{"last_known_location":"x\udc80"}}'
         )  # fmt: skip
def test_any_text_gives_the_same_outcome_both_ways(text: str) -> None:
    same_as_strict(text)


@given(lines())
def test_the_fast_path_takes_the_usual_line(obj: dict[str, Any]) -> None:
    """A compact line without escapes or floats (what the simulator and most senders write)
    is parsed without the strict path; the others are left to it."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    found = fast_parse(text, LATEST)
    values = [*obj.values(), *obj["data"].values()]
    usual = "\\" not in text and not any(type(v) is float for v in values)
    assert (found is not None) == usual
    if found is not None:
        assert found.moment == datetime.fromisoformat(obj["occurred_at"])


def test_the_future_limit_is_the_same_instant_both_ways() -> None:
    for minutes in (-1, 0, 1):
        at = (LATEST + timedelta(minutes=minutes)).astimezone(UTC).isoformat()
        same_as_strict(json.dumps(envelope(occurred_at=at)))
