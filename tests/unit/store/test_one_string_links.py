"""The writer builds a row's pseudonymous form, commitment and chain link as one string each
(issue 30): the bytes hashed must be exactly those of the general definitions, which
`audit verify` recomputes, or every chain written since would break."""

from __future__ import annotations

import hashlib
import string

from hypothesis import given
from hypothesis import strategies as st

from terugkeer.chain_events.jsonline import canonical
from terugkeer.store.digest import chain_hash, form_link
from terugkeer.store.pseudonyms import (
    CHANGED_KEYS,
    commitment,
    form_of,
    pseudonymous_body,
    pseudonymous_data,
)

names = st.text(string.ascii_lowercase + "_", min_size=1, max_size=25)
texts = st.text(max_size=40)
iso = st.datetimes().map(lambda moment: moment.isoformat())
values = st.one_of(texts, st.integers(), st.booleans(), st.floats(0, 1e12))
data = st.fixed_dictionaries(
    {},
    optional={
        "kind": texts,
        "reference": texts,
        "family": texts,
        "name": texts,
        "detail": texts,
        "birth_date": st.dates().map(lambda d: d.isoformat()),
        "event_id": texts,
        "amount_eur": values,
    },
)


@given(
    st.text(min_size=64, max_size=64),
    st.integers(1, 10**12),
    names,
    texts,
    st.integers(1, 10**12),
    iso,
    st.integers(-(10**17), 10**17),
    st.dates().map(lambda d: d.isoformat()),
    names,
    st.none() | texts,
    st.none() | texts,
    texts,
    texts,
    texts,
)
def test_the_one_string_link_is_the_chain_hash(
    previous: str,
    seq: int,
    event_type: str,
    subject: str,
    case_seq: int,
    occurred_at: str,
    micros: int,
    local_day: str,
    source: str,
    category: str | None,
    token: str | None,
    form: str,
    recorded_at: str,
    committed: str,
) -> None:
    row = [seq, event_type, subject, case_seq, occurred_at, micros, local_day, source,
           category, token, form, recorded_at, committed]  # fmt: skip
    assert form_link(previous, *row) == chain_hash(previous, row)


@given(
    st.sampled_from(["intake", "location_changed", "retracted", "flight_booked", "departed"]),
    iso,
    names,
    data,
    st.none() | st.integers(1, 99).map(lambda n: f"r{n}"),
    st.none() | st.integers(1, 10**9),
)
def test_the_form_from_the_data_json_is_the_pseudonymous_body(
    event_type: str,
    occurred_at: str,
    source: str,
    values: dict[str, object],
    token: str | None,
    named_seq: int | None,
) -> None:
    expected = pseudonymous_body(event_type, occurred_at, source, values, token, named_seq)
    pseudonymous = canonical(pseudonymous_data(event_type, values, token, named_seq))
    assert form_of(event_type, occurred_at, source, pseudonymous) == expected
    if CHANGED_KEYS.isdisjoint(values):  # the writer then reuses the parser's data JSON
        assert form_of(event_type, occurred_at, source, canonical(values)) == expected


def _commitment_part_by_part(salt: bytes, seq: int, identifying: tuple[str | None, ...]) -> str:
    """The definition the stores written so far were committed with."""
    digest = hashlib.sha256(salt)
    digest.update(str(seq).encode())
    for value in identifying:
        text = "-" if value is None else f"{len(value)}:{value}"
        digest.update(b"|" + text.encode())
    return digest.hexdigest()


@given(
    st.binary(min_size=16, max_size=16),
    st.integers(1, 10**12),
    st.tuples(texts, texts, st.none() | texts, texts),
)
def test_the_commitment_hashes_the_same_bytes(
    salt: bytes, seq: int, identifying: tuple[str | None, ...]
) -> None:
    assert commitment(salt, seq, identifying) == _commitment_part_by_part(salt, seq, identifying)
