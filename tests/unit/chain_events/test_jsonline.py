"""Strict JSON: not JSON, not an object, duplicate keys, NaN and Infinity, lone surrogates."""

from __future__ import annotations

import json

import pytest

from terugkeer.chain_events.jsonline import JsonLineError, load_object
from tests.unit.chain_events import envelope, rejection

VALID = json.dumps(envelope())


@pytest.mark.parametrize("text", ["", "   ", "not json", "{", '{"id": "a",}', "{'id': 'a'}",
                                  VALID + VALID, VALID[:-1], "\ufeff" + VALID])  # fmt: skip
def test_not_json(text: str) -> None:
    error = rejection(text)
    assert error.message.startswith("line is not valid JSON: ")
    assert error.event_id is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[]", "an array"), ('"x"', "a string"), ("1", "a number"), ("1.5", "a number"),
     ("true", "a boolean"), ("null", "null")],
)  # fmt: skip
def test_top_level_must_be_an_object(text: str, kind: str) -> None:
    error = rejection(text)
    assert (error.message, error.event_id) == (f"line must be a JSON object, not {kind}", None)


def test_duplicate_top_level_key() -> None:
    text = VALID[:-1] + ', "source": "IND"}'
    assert rejection(text).message == 'line has the key "source" twice'


def test_duplicate_key_inside_data() -> None:
    text = VALID.replace('"mode": "forced"', '"mode": "forced", "mode": "independent"')
    error = rejection(text)
    assert error.message == 'line has the key "mode" twice'
    assert error.event_id == "kmar-2023-000812"  # readable, so the sender can find the line


def test_duplicate_key_with_the_same_value_is_still_a_duplicate() -> None:
    text = VALID.replace('"mode": "forced"', '"mode": "forced", "mode": "forced"')
    assert rejection(text).message == 'line has the key "mode" twice'


def test_keys_are_compared_after_unescaping() -> None:
    text = VALID.replace('"mode": "forced"', '"mode": "forced", "\\u006dode": "forced"')
    assert rejection(text).message == 'line has the key "mode" twice'


@pytest.mark.parametrize(("key", "shown"), [("é", '"é"'), ("\\ud800", '"\\ud800"')])
def test_duplicate_key_is_shown_as_written(key: str, shown: str) -> None:
    message = rejection('{"' + key + '": 1, "' + key + '": 1}').message
    assert message == f"line has the key {shown} twice"
    assert message.encode("utf-8")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity(constant: str) -> None:
    text = VALID.replace('"forced"', constant)
    assert rejection(text).message == f"line is not valid JSON: {constant} is not a JSON number"


def test_huge_integer_is_refused_cleanly() -> None:
    assert rejection('{"a": ' + "9" * 5000 + "}").message == (
        "line is not valid JSON: a number has too many digits"
    )


def test_deep_nesting_is_refused_cleanly() -> None:
    assert rejection("[" * 100_000 + "]" * 100_000).message.startswith("line is not valid JSON")


@pytest.mark.parametrize(("field", "path"), [("location", "data.location"), ("x", "data.x")])
def test_lone_surrogate_is_rejected_and_shown_escaped(field: str, path: str) -> None:
    obj = envelope("detention_started")
    obj["data"][field] = "\ud800"
    error = rejection(json.dumps(obj))  # ASCII-escaped, so the line itself is valid JSON
    assert error.message.startswith(path)
    assert error.message.encode("utf-8")
    assert error.event_id == "kmar-2023-000812"


def test_lone_surrogate_in_a_key_is_shown_escaped() -> None:
    obj = envelope("detention_started")
    obj["data"]["\udc00"] = 1
    assert rejection(json.dumps(obj)).message == (
        'data has a key that is not valid Unicode text (got "\\udc00")'
    )
    del obj["data"]["\udc00"]
    obj["\udc00"] = 1
    assert rejection(json.dumps(obj)).message.startswith("line has a key that is not valid")


def test_load_object_returns_plain_dicts() -> None:
    assert load_object('{"a": {"b": [1, 2.5, "c", true, null]}}') == {
        "a": {"b": [1, 2.5, "c", True, None]}
    }
    with pytest.raises(JsonLineError):
        load_object('{"a": 1, "a": 1}')
