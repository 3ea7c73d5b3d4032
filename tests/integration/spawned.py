"""Waiting on processes the product starts: a multiprocessing child (a projector) of a
process a test started, found through /proc."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def spawned_child(parent: int) -> int | None:
    """The pid of a multiprocessing child (spawn) of `parent`, if one runs."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in command:
            return int(entry.name)
    return None


def until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)
