"""The name a Host header asks for: the port and IPv6 brackets dropped, anything else that is
not a plain host name refused (None), so it can never match an allowed name by accident."""

from __future__ import annotations

import pytest

from terugkeer.web.hosts import host_name


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8000", "127.0.0.1"), ("LocalHost", "localhost"), ("[::1]:8000", "::1"),
     ("terugkeer.example.nl", "terugkeer.example.nl"), ("a.example:443", "a.example"),
     ("a.example:", None), ("a.example:99999999", None), ("a.example/x", None),
     ("user@a.example", None), ("a.example, b.example", None), ("", None)],
)  # fmt: skip
def test_host_name(header: str, name: str | None) -> None:
    assert host_name(header) == name
