"""The link of the hash chain: one row's values and the previous hash, digested."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any


def chain_hash(previous: str, values: Sequence[Any]) -> str:
    """SHA-256 of the previous hash and `values` (dates as ISO text). Each value is
    length-prefixed and None is "-", so no two different rows give the same input; cheaper
    than JSON, which would escape every quote of `body` again."""
    return hashlib.sha256(_link_input(previous, values)).hexdigest()


def keyed_chain_hash(key: bytes, previous: str, values: Sequence[Any]) -> str:
    """`chain_hash` as an HMAC-SHA-256 under `key`: whoever can write the database but does not
    hold the key cannot recompute a link after changing a row."""
    # hmac.digest: the same bytes as hmac.new(…).hexdigest() without a Python HMAC object
    # (an API call links an access-log row per person it touched).
    return hmac.digest(key, _link_input(previous, values), "sha256").hex()


def _link_input(previous: str, values: Sequence[Any]) -> bytes:
    parts = [previous, *(_part(None if value is None else str(value)) for value in values)]
    return "|".join(parts).encode()


def _part(text: str | None) -> str:
    return "-" if text is None else f"{len(text)}:{text}"


def form_link(
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
) -> str:
    """= chain_hash(previous, [seq, …, committed]) of one scheme-2 row (FORM_COLUMNS order),
    its input built as one string: the writer links one row per event."""
    s, c, m = str(seq), str(case_seq), str(micros)
    return hashlib.sha256(
        f"{previous}|{len(s)}:{s}|{len(event_type)}:{event_type}|{len(subject)}:{subject}"
        f"|{len(c)}:{c}|{len(occurred_at)}:{occurred_at}|{len(m)}:{m}"
        f"|{len(local_day)}:{local_day}|{len(source)}:{source}|{_part(category)}|{_part(token)}"
        f"|{len(form)}:{form}|{len(recorded_at)}:{recorded_at}|{len(committed)}:{committed}".encode()
    ).hexdigest()
