"""Stored bodies are read back by msgspec where it can (store/codec.py): to exactly the values
json gives, types included, for any JSON text json itself writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from terugkeer.store.codec import decode_body

scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too
    | st.integers(-(2**63), 2**64)
    | st.floats()  # NaN and the infinities, which json writes and msgspec declines
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def exact(value: Any) -> str:
    """The value written out again: 1 and 1.0, True and 1, -0.0 and 0.0 all differ here."""
    return json.dumps(value)


@given(values, st.booleans())
def test_a_body_decodes_to_what_json_gives(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert exact(decode_body(text)) == exact(json.loads(text))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_comes_back_to_the_same_bits(number: float) -> None:
    text = json.dumps({"x": number})
    assert decode_body(text)["x"].hex() == number.hex()
