"""One path for every channel: the store appends events (outcomes by position), and a line or
event above the configured maximum is rejected with a sentence, never read whole."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from terugkeer.chain_events import parse_line
from terugkeer.cli.app import app
from terugkeer.domain.rules import RulesTable
from terugkeer.store.event_store import EventStore, Outcome
from tests.integration.lines import NOW, departed, intake, line

runner = CliRunner()
V = "5555555555"


def test_append_gives_one_outcome_per_event_in_order(engine: Engine, rules: RulesTable) -> None:
    store = EventStore(engine, rules)
    first = parse_line(intake("p-1", V, "2023-01-05T10:00:00+01:00"), received_at=NOW)
    orphan = parse_line(departed("p-2", "6666666666", "2023-02-01T10:00:00+01:00"),
                        received_at=NOW)  # fmt: skip
    again = parse_line(intake("p-1", V, "2023-01-05T10:00:00+01:00"), received_at=NOW)
    results = store.append([first, orphan, again])
    assert [(r.event_id, r.outcome) for r in results] == [
        ("p-1", Outcome.ACCEPTED), ("p-2", Outcome.REJECTED), ("p-1", Outcome.KNOWN),
    ]  # fmt: skip
    assert results[1].error is not None and "no open case" in results[1].error


def test_a_line_above_the_maximum_is_rejected_and_the_rest_imported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    padded = line("big-1", "intake", V, "2023-01-05T10:00:00+01:00",
                  {"nationality": "MAR", "track": "asylum", "family": "F" * 400})  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join([intake("ok-1", "7777777777", "2023-01-05T10:00:00+01:00"), padded,
                   intake("ok-2", "8888888888", "2023-01-06T10:00:00+01:00")]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = runner.invoke(
        app,
        ["import", str(feed), "--format", "json", "--database-url", url],
        env={"TERUGKEER_MAX_EVENT_BYTES": "300"},
    )
    summary = json.loads(result.stdout)
    assert (result.exit_code, summary["accepted"]) == (1, 2)
    [rejected] = summary["rejected"]
    assert (rejected["line"], rejected["id"]) == (2, None)
    assert rejected["error"].startswith(f"line is {len(padded.encode()):,} bytes or more")
    assert "maximum of 300 bytes" in rejected["error"]


def test_a_huge_line_without_newline_is_rejected_without_reading_it_whole(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    feed = tmp_path / "feed.jsonl"
    with feed.open("wb") as out:
        out.write(intake("ok-1", V, "2023-01-05T10:00:00+01:00").encode() + b"\n")
        out.write(b'{"id": "' + b"x" * (3 << 20))  # 3 MiB, no line end: the default limit is 1
    result = runner.invoke(app, ["import", str(feed), "--format", "json", "--database-url", url])
    summary = json.loads(result.stdout)
    assert summary["accepted"] == 1
    assert [r["line"] for r in summary["rejected"]] == [2]
    assert "longer than the maximum of 1,048,576 bytes" in summary["rejected"][0]["error"]
