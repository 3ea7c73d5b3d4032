"""Request ids: made so that they never look like a V-number, a proxy's kept only in a plain
form, and every log record written while one is in hand carries it."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from terugkeer.monitoring.context import (
    accepted_request_id,
    current_request_id,
    new_request_id,
    serving,
)
from terugkeer.monitoring.logs import handler


def test_a_new_request_id_never_holds_ten_digits_in_a_row() -> None:
    made = {new_request_id() for _ in range(2000)}
    assert len(made) == 2000  # random: no two alike
    for request_id in made:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}", request_id)
        assert not re.search(r"\d{10}", request_id)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("4f1c9a77e2b04c1d8e0f", "4f1c9a77e2b04c1d8e0f"),
        ("nginx-01:abc.def_9", "nginx-01:abc.def_9"),
        ("x" * 64, "x" * 64),
        ("x" * 65, None),  # longer than the access log's column
        ("id-1000000001", None),  # a V-number's shape
        ("a b", None),
        ("naïve", None),
        ("", None),
        (None, None),
    ],
)
def test_a_proxys_request_id_is_kept_only_in_a_plain_form(
    given: str | None, kept: str | None
) -> None:
    assert accepted_request_id(given) == kept


def test_log_records_carry_the_request_id_in_hand_as_json() -> None:
    out = io.StringIO()
    log = logging.getLogger("terugkeer.test.signals")
    log.addHandler(handler("json", out))
    log.setLevel(logging.INFO)
    try:
        with serving("aaaa1111-bbbb2222-cccc3333"):
            log.info("inside", extra={"route": "/cases/{v_number}", "status": 200})
        log.info("outside")
    finally:
        log.handlers.clear()
    inside, outside = (json.loads(text) for text in out.getvalue().splitlines())
    assert inside["request_id"] == "aaaa1111-bbbb2222-cccc3333"
    assert (inside["level"], inside["logger"], inside["message"]) == (
        "INFO", "terugkeer.test.signals", "inside",
    )  # fmt: skip
    assert inside["route"] == "/cases/{v_number}" and inside["status"] == 200
    assert "timestamp" in inside
    assert outside["request_id"] is None and current_request_id() is None


def test_auto_writes_json_unless_a_terminal_watches() -> None:
    out = io.StringIO()  # not a terminal: a log collector
    log = logging.getLogger("terugkeer.test.auto")
    log.addHandler(handler("auto", out))
    log.setLevel(logging.INFO)
    try:
        log.info("hello")
    finally:
        log.handlers.clear()
    assert json.loads(out.getvalue())["message"] == "hello"
