"""Country codes: ISO 3166-1 alpha-3 plus XKX; XXA/XXX only as nationality; Dublin states."""

from __future__ import annotations

import pytest

from terugkeer.chain_events.countries import COUNTRIES, DUBLIN_MEMBER_STATES
from tests.unit.chain_events import parse, rejection, with_data

COUNTRY_FIELDS = [("document_requested", "country"), ("flight_booked", "destination"),
                  ("departed", "destination")]  # fmt: skip
MEMBER_STATE_TYPES = ["dublin_claim", "dublin_accepted", "dublin_refused"]


def test_code_list() -> None:
    assert {"MAR", "DZA", "NLD", "XKX", "SRB", "PSE"} <= COUNTRIES
    assert not {"XXA", "XXX", "EUE", "ANT"} & COUNTRIES
    assert len(DUBLIN_MEMBER_STATES) == 30
    assert DUBLIN_MEMBER_STATES <= COUNTRIES


@pytest.mark.parametrize("code", ["MAR", "NLD", "XKX", "XXA", "XXX"])
def test_nationality(code: str) -> None:
    assert parse(with_data("intake", nationality=code)).event.data["nationality"] == code


@pytest.mark.parametrize(("type_name", "field"), COUNTRY_FIELDS)
@pytest.mark.parametrize("code", ["XKX", "TUR", "NLD"])
def test_country_fields_accept_codes(type_name: str, field: str, code: str) -> None:
    assert parse(with_data(type_name, **{field: code})).event.data[field] == code


@pytest.mark.parametrize(("type_name", "field"), [*COUNTRY_FIELDS, ("intake", "nationality")])
@pytest.mark.parametrize("code", ["NL", "mar", "Mar", "MAR ", "ZZZ", "", "NLD\n"])
def test_not_a_code(type_name: str, field: str, code: str) -> None:
    message = rejection(with_data(type_name, **{field: code})).message
    assert message.startswith(f"data.{field} is not an ISO 3166-1 alpha-3 code (got ")


@pytest.mark.parametrize(("type_name", "field"), COUNTRY_FIELDS)
@pytest.mark.parametrize("code", ["XXA", "XXX"])
def test_stateless_and_unknown_only_as_nationality(type_name: str, field: str, code: str) -> None:
    message = rejection(with_data(type_name, **{field: code})).message
    assert message == (
        f'data.{field} must be a country; {code} is allowed only as a nationality (got "{code}")'
    )


@pytest.mark.parametrize("type_name", MEMBER_STATE_TYPES)
@pytest.mark.parametrize("code", ["AUT", "DNK", "IRL", "ISL", "LIE", "NOR", "CHE", "CYP"])
def test_dublin_member_states(type_name: str, code: str) -> None:
    assert parse(with_data(type_name, member_state=code)).event.data["member_state"] == code


@pytest.mark.parametrize("type_name", MEMBER_STATE_TYPES)
@pytest.mark.parametrize("code", ["NLD", "GBR", "TUR", "XKX", "XXA", "de"])
def test_not_a_dublin_member_state(type_name: str, code: str) -> None:
    message = rejection(with_data(type_name, member_state=code)).message
    assert message.startswith("data.member_state must be a Dublin member state: ")
    assert message.endswith(f'(got "{code}")')


def test_code_must_be_a_string() -> None:
    assert rejection(with_data("departed", destination=504)).message == (
        "data.destination must be a string (got 504)"
    )
