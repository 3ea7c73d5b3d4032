"""The fields of `data`: presence, null, strings, booleans, numbers, dates, closed lists."""

from __future__ import annotations

import pytest

from tests.unit.chain_events import (
    FULL_DATA,
    OPTIONAL,
    envelope,
    minimal_data,
    rejection,
    with_data,
)

REQUIRED = [
    (type_name, field)
    for type_name, data in FULL_DATA.items()
    for field in data
    if field not in OPTIONAL.get(type_name, set())
]
ALL_FIELDS = [(type_name, field) for type_name, data in FULL_DATA.items() for field in data]
UNTYPED = ["reference", "name", "family", "provider", "ground", "location",
           "interpreter_language", "last_known_location", "detail"]  # fmt: skip


@pytest.mark.parametrize(("type_name", "field"), REQUIRED)
def test_required_field_missing(type_name: str, field: str) -> None:
    data = minimal_data(type_name)
    del data[field]
    error = rejection(envelope(type_name, data=data))
    assert (error.message, error.event_id) == (f"data.{field} is required", "kmar-2023-000812")


@pytest.mark.parametrize(("type_name", "field"), ALL_FIELDS)
def test_null_is_rejected_for_every_field(type_name: str, field: str) -> None:
    message = rejection(with_data(type_name, **{field: None})).message
    assert message.startswith(f"data.{field} must be ")
    assert message.endswith("(got null)")


@pytest.mark.parametrize(("type_name", "field"), [(t, f) for t, f in ALL_FIELDS if f in UNTYPED])
@pytest.mark.parametrize("value", ["", 7, True, ["x"], {"x": 1}])
def test_untyped_fields_are_non_empty_strings(type_name: str, field: str, value: object) -> None:
    message = rejection(with_data(type_name, **{field: value})).message
    assert message.startswith(f"data.{field} must be a ")
    assert "string" in message


def test_every_untyped_field_is_covered() -> None:
    assert {f for _, f in ALL_FIELDS if f in UNTYPED} == set(UNTYPED)


@pytest.mark.parametrize(
    ("type_name", "field"),
    [("intake", "unaccompanied_minor"), ("procedure_started", "suspensive"),
     ("dublin_accepted", "implicit"), ("departed", "dublin_transfer")],
)  # fmt: skip
@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (1, "1"), ("true", '"true"')])
def test_booleans_are_json_true_or_false(
    type_name: str, field: str, value: object, shown: str
) -> None:
    message = rejection(with_data(type_name, **{field: value})).message
    assert message == f"data.{field} must be true or false (got {shown})"


@pytest.mark.parametrize(
    ("field", "limit", "value", "shown"),
    [("departure_term_days", 30, 31, "31"), ("departure_term_days", 30, -1, "-1"),
     ("departure_term_days", 30, 1.0, "1.0"), ("departure_term_days", 30, True, "true"),
     ("departure_term_days", 30, "7", '"7"'), ("entry_ban_years", 20, 21, "21"),
     ("entry_ban_years", 20, 2.5, "2.5"), ("entry_ban_years", 20, False, "false")],
)  # fmt: skip
def test_integer_ranges(field: str, limit: int, value: object, shown: str) -> None:
    message = rejection(with_data("return_decision", **{field: value})).message
    assert message == f"data.{field} must be an integer from 0 to {limit} (got {shown})"


@pytest.mark.parametrize(("value", "shown"), [(-0.01, "-0.01"), (-1, "-1"), (True, "true"),
                                              ("10", '"10"'), (10**400, "1000")])  # fmt: skip
def test_amount_is_a_finite_number_at_least_zero(value: object, shown: str) -> None:
    message = rejection(with_data("support_granted", amount_eur=value)).message
    assert message.startswith(f"data.amount_eur must be a finite number of at least 0 (got {shown}")


def test_amount_overflowing_to_infinity_is_rejected() -> None:
    text = '{"id":"a","type":"support_granted","v_number":"1234567890","source":"IOM",'
    text += '"occurred_at":"2023-03-01T10:00Z","data":{"kind":"reintegration","amount_eur":1e999}}'
    assert rejection(text).message == (
        "data.amount_eur must be a finite number of at least 0 (got Infinity)"
    )


@pytest.mark.parametrize(
    ("type_name", "field"),
    [("intake", "birth_date"), ("travel_document_valid", "valid_until"), ("flight_booked", "date")],
)
@pytest.mark.parametrize(
    ("value", "problem"),
    [("2023-02-29", "is not a valid date"), ("2023-13-01", "is not a valid date"),
     ("20230301", "must be a date YYYY-MM-DD"), ("2023-03-01T00:00", "must be a date YYYY-MM-DD"),
     ("2023-3-1", "must be a date YYYY-MM-DD"), ("", "must be a date YYYY-MM-DD")],
)  # fmt: skip
def test_dates(type_name: str, field: str, value: str, problem: str) -> None:
    message = rejection(with_data(type_name, **{field: value})).message
    assert message == f'data.{field} {problem} (got "{value}")'


def test_closed_list_names_the_allowed_values() -> None:
    assert rejection(with_data("departed", mode="voluntary")).message == (
        'data.mode must be one of independent, forced (got "voluntary")'
    )
    assert rejection(with_data("intake", sex="f")).message == (
        'data.sex must be one of F, M, X (got "f")'
    )


def test_unknown_data_field() -> None:
    error = rejection(with_data("departed", foo=1))
    assert (error.message, error.event_id) == (
        "data.foo is not a known field for type departed",
        "kmar-2023-000812",
    )


def test_a_field_of_another_type_is_unknown() -> None:
    message = rejection(with_data("absconded", reason="other")).message
    assert message == "data.reason is not a known field for type absconded"


def test_odd_field_names_are_quoted() -> None:
    message = rejection(with_data("absconded", **{"last known": "x"})).message
    assert message == 'data."last known" is not a known field for type absconded'
