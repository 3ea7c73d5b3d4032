"""The demo imports while it simulates (issue 30): the store it builds so is the one that
simulating first and importing the people who count in arrival order afterwards builds —
every event in the same seq with the same arrival, every case, every figure — and its chain
and projections check out. At a fiftieth of the inflow."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from terugkeer.services.demo import DemoStore, demo_store
from terugkeer.services.integrity import check_integrity
from terugkeer.services.key_figures import Period, key_figures_of
from terugkeer.store.tables import cases, events
from tests.demo import small

UNTIL = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 17, 0, tzinfo=UTC)


def _build(
    folder: Path, *, overlap: bool, meanwhile: Callable[[], object] | None = None
) -> DemoStore:
    return demo_store(folder, until=UNTIL, seed=3, progress=lambda _: None, now=NOW,
                      params=small(0.02), overlap=overlap, meanwhile=meanwhile)  # fmt: skip


def test_importing_while_simulating_builds_the_store_that_one_after_the_other_builds(
    tmp_path: Path,
) -> None:
    ran: list[str] = []  # what the caller does beside a build (the demo imports its web app)

    def meanwhile() -> None:
        ran.append(threading.current_thread().name)

    overlapped = _build(tmp_path / "overlapped", overlap=True, meanwhile=meanwhile)
    in_order = _build(tmp_path / "in-order", overlap=False, meanwhile=meanwhile)
    try:
        assert ran == ["demo-meanwhile", "demo-meanwhile"]  # once per build, in a thread
        again = _build(tmp_path / "overlapped", overlap=True, meanwhile=meanwhile)
        again.system.close()
        assert again.reused
        assert len(ran) == 2  # not when the store is reused
        assert overlapped.overlapped  # not the in-order build it falls back to
        assert not in_order.overlapped
        assert overlapped.lines == in_order.lines > 1000
        # Every column but the chain's hash and commitment: those are salted per history.
        same = [c for c in events.c if c.name not in ("hash", "commitment")]
        rows = []
        for built in (overlapped, in_order):
            with built.system.engine.connect() as connection:
                rows.append((
                    connection.execute(select(*same).order_by(events.c.seq)).all(),
                    connection.execute(select(cases).order_by(cases.c.case_seq)).all(),
                ))  # fmt: skip
        assert rows[0] == rows[1]  # the same events in the same seq, received at the same moment
        assert check_integrity(overlapped.system).intact  # its chain, projections, access log
        last_year = Period(date(2025, 1, 1), date(2025, 12, 31))
        figures = [key_figures_of(b.system, last_year) for b in (overlapped, in_order)]
        assert figures[0] == figures[1]
        assert figures[0].caseload > 100
        assert not [p.name for p in (tmp_path / "overlapped").iterdir()
                    if p.suffix in (".jsonl", ".times")]  # fmt: skip
    finally:
        overlapped.system.close()
        in_order.system.close()
