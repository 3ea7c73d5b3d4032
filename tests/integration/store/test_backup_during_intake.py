"""A backup taken while another process imports restores to a consistent prefix of the history:
exactly the source's first N events (same seq, same hash), chains and projections verified.

The importer is a real `terugkeer import -` process committing 20 lines at a time from a pipe
this test feeds, a batch at a time, until the backups are done: the importer is running (and
the source growing) while they are taken, however long each takes.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from terugkeer.cli.app import app
from tests.integration.backup_helpers import (
    event_count,
    event_links,
    person_lines,
    runner,
    target_url,
)

__all__ = ["target_url"]  # the fixture, used by name

BATCH = 20
#: Backups to try until the importer commits past one's snapshot (one normally does at once).
ATTEMPTS = 12


def _people() -> Iterator[list[str]]:
    """Batches of intake and interview lines of ever new people, without end."""
    lines = (
        text
        for index in itertools.count()
        for text in person_lines(index, f"{4200000000 + index}", 2023)[:2]
    )
    while True:
        yield list(itertools.islice(lines, BATCH))


@pytest.mark.slow
def test_a_backup_during_intake_restores_to_a_prefix_of_the_history(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["db", "upgrade", "--database-url", database_url]).exit_code == 0
    with (tmp_path / "import.err").open("wb") as errors:  # the child keeps its own handle
        importer = subprocess.Popen(
            [sys.executable, "-m", "terugkeer", "import", "-", "--database-url", database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={**os.environ, "TERUGKEER_IMPORT_BATCH_LINES": str(BATCH)},
        )
    backups_done = threading.Event()
    fed: list[int] = [0]

    def feed() -> None:
        assert importer.stdin is not None
        try:
            for batch in _people():  # a batch at a time, as a partner's feed arrives
                importer.stdin.write(("\n".join(batch) + "\n").encode())
                importer.stdin.flush()
                fed[0] += len(batch)
                if backups_done.is_set():
                    break
                time.sleep(0.1)
        except BrokenPipeError:  # the importer died: its return code says why
            pass
        finally:
            importer.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        while event_count(database_url) == 0:  # the first batch is in
            assert importer.poll() is None, (tmp_path / "import.err").read_text()
            time.sleep(0.05)
        taken: list[tuple[Path, int]] = []
        for attempt in range(ATTEMPTS):
            before = event_count(database_url)
            folder = tmp_path / f"backup-{attempt}"
            done = runner.invoke(app, ["backup", str(folder), "--database-url", database_url])
            assert done.exit_code == 0, done.output
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            taken.append((folder, before))
            if manifest["store"]["events"]["last_seq"] < event_count(database_url):
                break  # the importer went on committing past this backup's snapshot
        else:
            pytest.fail("every backup saw all the importer had committed by its end")
    finally:
        backups_done.set()
        feeder.join()
        importer.wait(timeout=300)
    assert importer.returncode == 0, (tmp_path / "import.err").read_text()
    source = event_links(database_url)
    assert len(source) == fed[0]

    for folder, before in taken:
        restored = runner.invoke(
            app, ["restore", str(folder), "--force", "--database-url", target_url]
        )
        assert restored.exit_code == 0, restored.output
        assert "restored and verified" in restored.stdout
        prefix = event_links(target_url)
        assert before <= len(prefix) < len(source)
        assert len(prefix) % BATCH == 0  # whole transactions only, never half a batch
        assert prefix == source[: len(prefix)]  # the first N events, same seq and hash
        verified = runner.invoke(app, ["audit", "verify", "--database-url", target_url])
        assert verified.exit_code == 0, verified.output
