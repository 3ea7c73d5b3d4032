"""An import killed halfway (SIGKILL) leaves whole lines only; running it again completes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.store.engine import make_engine
from terugkeer.store.hashchain import verify
from terugkeer.store.schema import ensure_schema
from terugkeer.store.tables import chain_head

pytestmark = pytest.mark.slow
LINES = 30_000


def _import(path: Path, url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "terugkeer", "import", str(path), "--format", "json"]
    # Transactions of 5,000 lines: the kill must find some of the file committed and not all.
    environment = {**os.environ, "TERUGKEER_IMPORT_BATCH_LINES": "5000"}
    return subprocess.Popen(
        [*command, "--database-url", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment,
    )  # fmt: skip


def test_sigkill_during_import_then_rerun(tmp_path: Path, database_url: str) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f"{line}\n" for line in synthetic_lines(LINES, seed=7)))
    engine = make_engine(database_url)
    ensure_schema(engine)

    process = _import(feed, database_url)
    stored = 0
    while process.poll() is None and stored == 0:
        time.sleep(0.01)
        with engine.connect() as connection:
            stored = connection.execute(select(chain_head.c.last_seq)).scalar_one()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the import finished before it was killed"

    with engine.connect() as connection:
        after_kill = verify(connection)
    assert after_kill.intact
    assert 0 < after_kill.rows_checked < LINES  # some whole batches, not all

    rerun = _import(feed, database_url)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    summary = json.loads(out)
    assert summary["rejected"] == []
    assert summary["known"] == after_kill.rows_checked
    assert summary["accepted"] + summary["known"] == LINES
    with engine.connect() as connection:
        final = verify(connection)
    assert final.intact and final.rows_checked == LINES
    engine.dispose()
