"""Several processes opening one fresh store at the same moment: they take turns at the schema.

Real processes, since the race is between connections of different processes (file locks on
SQLite, catalog rows on PostgreSQL). Each one imports terugkeer first and then waits for a
common start time, so that they reach the database together rather than one by one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from terugkeer.store.engine import make_engine
from terugkeer.store.schema import current_revision, head_revision
from terugkeer.store.tables import events
from tests.integration.lines import intake

#: Runs `terugkeer ARGS...` through the real main() once the clock reaches START.
_AT_START = """
import sys, time
from terugkeer.cli.app import main
start, sys.argv = float(sys.argv[1]), ["terugkeer", *sys.argv[2:]]
time.sleep(max(0.0, start - time.time()))
main()
"""


@pytest.mark.slow
def test_four_processes_opening_a_fresh_store_all_succeed(
    database_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(intake("c-1", "5555555555", "2023-01-05T10:00:00+01:00") + "\n")
    upgrade = ["db", "upgrade", "--database-url", database_url]
    load = ["import", str(feed), "--format", "json", "--database-url", database_url]
    start = time.time() + 3  # after every process has imported terugkeer (2 cores, shared)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _AT_START, str(start), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in (upgrade, load, upgrade, load)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [(p.returncode, err) for p, (_, err) in zip(processes, outputs, strict=True)] == [
        (0, "")
    ] * 4
    imported = [json.loads(out) for out, _ in outputs[1::2]]
    assert sorted((s["accepted"], s["known"]) for s in imported) == [(0, 1), (1, 0)]
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(events)).scalar_one() == 1
    engine.dispose()
