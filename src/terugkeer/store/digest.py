"""The link of the hash chain: one row's values and the previous hash, digested."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any


def chain_hash(previous: str, values: Sequence[Any]) -> str:
    """SHA-256 of the previous hash and `values` (dates as ISO text). Each value is
    length-prefixed and None is "-", so no two different rows give the same input; cheaper
    than JSON, which would escape every quote of `body` again."""
    parts = [previous]
    for value in values:
        text = None if value is None else str(value)
        parts.append("-" if text is None else f"{len(text)}:{text}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
