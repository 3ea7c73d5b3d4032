"""Property tests: generated valid lines parse, and canonical is exactly "equal as parsed JSON"."""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from terugkeer.chain_events.countries import COUNTRIES, DUBLIN_MEMBER_STATES, NATIONALITIES
from terugkeer.chain_events.jsonline import compact
from terugkeer.domain.calendar import to_micros
from tests.unit.chain_events import parse, rejection

text = st.text(min_size=1, max_size=20)
day = st.dates().map(lambda d: d.isoformat())
country = st.sampled_from(sorted(COUNTRIES))
offset = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
instant = st.datetimes(datetime(1990, 1, 1), datetime(2023, 3, 1), timezones=st.just(UTC))
id_chars = string.ascii_letters + string.digits + "._:-"


def one_of(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def data(required: dict[str, Any], optional: dict[str, Any] | None = None) -> Any:
    return st.fixed_dictionaries(required, optional=optional or {})


DATA = {
    "intake": data(
        {"nationality": st.sampled_from(sorted(NATIONALITIES)),
         "track": one_of("asylum", "dublin", "regular", "criminal", "illegal_stay")},
        {"birth_date": day, "sex": one_of("F", "M", "X"), "family": text,
         "unaccompanied_minor": st.booleans()},
    ),
    "return_decision": data({"departure_term_days": st.integers(0, 30)},
                            {"entry_ban_years": st.integers(0, 20)}),
    "dublin_accepted": data({"member_state": st.sampled_from(sorted(DUBLIN_MEMBER_STATES)),
                             "implicit": st.booleans()}),
    "support_granted": data(
        {"kind": one_of("basic_departure", "reintegration", "medical_escort")},
        {"amount_eur": st.integers(0, 10**9) | st.floats(0, 1e9), "provider": text},
    ),
    "flight_booked": data({"reference": text, "date": day, "destination": country,
                           "escort": one_of("none", "kmar", "medical")}),
    "departed": data(
        {"mode": one_of("independent", "forced"), "destination": country,
         "evidence": one_of("kmar_exit_check", "iom_confirmation", "escorted", "other")},
        {"dublin_transfer": st.booleans()},
    ),
    "absconded": data({}, {"last_known_location": text}),
}  # fmt: skip


def at(moment: datetime, zone: timezone) -> str:
    return moment.astimezone(zone).isoformat()


@st.composite
def lines(draw: st.DrawFn) -> dict[str, Any]:
    type_name = draw(st.sampled_from(sorted(DATA)))
    return {
        "id": draw(
            st.text(string.ascii_letters + string.digits + "._:-", min_size=1, max_size=100)
        ),
        "type": type_name,
        "v_number": draw(st.text("0123456789", min_size=10, max_size=10)),
        "occurred_at": at(draw(instant), draw(offset)),
        "source": draw(one_of("IND", "COA", "DJI", "KMAR", "POLITIE", "IOM", "DTENV", "NGO")),
        "data": draw(DATA[type_name]),
    }


@given(lines())
def test_valid_lines_parse(obj: dict[str, Any]) -> None:
    parsed = parse(obj)
    assert parsed.event.id == obj["id"]
    assert dict(parsed.event.data) == obj["data"]
    assert parsed.event.occurred_at == datetime.fromisoformat(obj["occurred_at"])
    expected = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert parsed.canonical == expected


@given(lines(), st.data())
def test_canonical_ignores_key_order_and_whitespace(
    obj: dict[str, Any], draw: st.DataObject
) -> None:
    keys = draw.draw(st.permutations(list(obj)))
    data_keys = draw.draw(st.permutations(list(obj["data"])))
    shuffled = {k: {d: obj["data"][d] for d in data_keys} if k == "data" else obj[k] for k in keys}
    text = json.dumps(
        shuffled,
        indent=draw.draw(st.sampled_from([None, 0, 2, "\t"])),
        separators=draw.draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")])),
        ensure_ascii=draw.draw(st.booleans()),
    )
    assert parse(text).canonical == parse(obj).canonical


@given(lines(), offset)
def test_same_instant_with_another_offset_is_other_content(
    obj: dict[str, Any], zone: timezone
) -> None:
    moment = datetime.fromisoformat(obj["occurred_at"])
    other = dict(obj, occurred_at=at(moment, zone))
    first, second = parse(obj), parse(other)
    assert to_micros(first.event.occurred_at) == to_micros(second.event.occurred_at)
    assert (first.canonical == second.canonical) == (moment.utcoffset() == zone.utcoffset(None))


@given(lines(), st.sampled_from(["null", "unknown"]))
def test_a_null_or_unknown_data_field_spoils_any_valid_line(obj: dict[str, Any], how: str) -> None:
    if how == "null" and obj["data"]:
        field = sorted(obj["data"])[0]
        obj["data"][field] = None
    else:
        field = "unexpected"
        obj["data"][field] = 1
    assert rejection(obj).message.startswith(f"data.{field} ")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_the_simulators_lines_are_what_json_dumps_writes(obj: dict[str, Any]) -> None:
    """`compact` (the simulator's writer, with its encoder built once) gives the same bytes as
    json.dumps with compact separators: a simulated feed does not change with it."""
    assert compact(obj) == json.dumps(obj, separators=(",", ":"))
