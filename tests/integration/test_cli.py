"""The command line as partners and analysts use it: import, report, audit verify, db upgrade."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.store.schema import head_revision
from tests.integration.lines import departed, intake, line

runner = CliRunner()
V = "5555555555"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _feed(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_json_reports_every_rejected_line_and_exits_1(tmp_path: Path, url: str) -> None:
    feed = _feed(
        tmp_path,
        intake("k-1", V, "2023-01-05T10:00:00+01:00"),
        "",  # blank lines are ignored but still counted for line numbers
        line("k-2", "departed", V, "2023-02-01T10:00:00+01:00",
             {"mode": "voluntary", "destination": "MAR", "evidence": "other"}),
        "{not json",
        departed("k-3", V, "2023-03-01T10:00:00+01:00"),
    )  # fmt: skip
    result = runner.invoke(app, ["import", str(feed), "--format", "json", "--database-url", url])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert set(summary) == {"accepted", "known", "rejected"}
    assert (summary["accepted"], summary["known"]) == (2, 0)
    assert [(r["line"], r["id"]) for r in summary["rejected"]] == [(3, "k-2"), (4, None)]
    assert "data.mode" in summary["rejected"][0]["error"]


def test_import_from_stdin_and_again_is_all_known(tmp_path: Path, url: str) -> None:
    text = intake("s-1", V, "2023-01-05T10:00:00+01:00") + "\n"
    first = runner.invoke(app, ["import", "-", "--format", "json", "--database-url", url], text)
    assert first.exit_code == 0 and json.loads(first.stdout)["accepted"] == 1
    again = runner.invoke(app, ["import", "-", "--format", "json", "--database-url", url], text)
    assert json.loads(again.stdout) == {"accepted": 0, "known": 1, "rejected": []}


def test_import_text_names_line_and_id(tmp_path: Path, url: str) -> None:
    feed = _feed(tmp_path, departed("t-9", V, "2023-03-01T10:00:00+01:00"))
    result = runner.invoke(app, ["import", str(feed), "--database-url", url])
    assert result.exit_code == 1
    assert "line 1 (id t-9): v_number 5555555555 has no open case" in result.stderr
    assert "0 accepted, 0 already known, 1 rejected" in result.stdout


def test_a_line_of_invalid_utf8_is_rejected_alone(tmp_path: Path, url: str) -> None:
    path = tmp_path / "feed.jsonl"
    good = intake("u-1", V, "2023-01-05T10:00:00+01:00").encode()
    path.write_bytes(b'{"id": "\xff"}\n' + good + b"\n")
    result = runner.invoke(app, ["import", str(path), "--format", "json", "--database-url", url])
    summary = json.loads(result.stdout)
    assert summary["accepted"] == 1
    assert summary["rejected"][0]["line"] == 1 and "UTF-8" in summary["rejected"][0]["error"]


def test_report_key_figures_json_and_rounded(tmp_path: Path, url: str) -> None:
    people = [intake(f"r-{n}", f"{n:010d}", "2023-05-05T10:00:00+02:00") for n in range(17)]
    runner.invoke(app, ["import", str(_feed(tmp_path, *people)), "--database-url", url])
    args = ["report", "key-figures", "--from", "2023-01-01", "--to", "2023-12-31"]
    exact = json.loads(
        runner.invoke(app, [*args, "--format", "json", "--database-url", url]).stdout
    )
    assert (exact["inflow"], exact["caseload"], exact["demonstrable_departure_rate"]) == (
        17,
        17,
        None,
    )
    assert exact["period"] == {"from": "2023-01-01", "to": "2023-12-31"}
    published = json.loads(
        runner.invoke(app, [*args, "--format", "json", "--rounded", "--database-url", url]).stdout
    )
    assert published["inflow"] == 20 and published["departure_interviews"] == "<5"
    table = runner.invoke(app, [*args, "--lang", "en", "--database-url", url])
    assert "Inflow" in table.stdout and "17" in table.stdout
    dutch = runner.invoke(app, [*args, "--database-url", url])
    assert "Instroom" in dutch.stdout


def test_report_rejects_a_period_that_ends_before_it_starts(url: str) -> None:
    args = ["report", "key-figures", "--from", "2023-02-01", "--to", "2023-01-01"]
    result = runner.invoke(app, [*args, "--database-url", url])
    assert result.exit_code != 0 and "before --from" in result.output


def test_audit_verify_and_db_upgrade(tmp_path: Path, url: str) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade", "--database-url", url]).stdout
    assert f"revision {head_revision()}" in upgraded
    feed = _feed(tmp_path, intake("v-1", V, "2023-01-05T10:00:00+01:00"))
    runner.invoke(app, ["import", str(feed), "--database-url", url])
    result = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 0 and "chain intact: 1 events" in result.stdout


def test_audit_verify_fails_and_names_the_changed_row(tmp_path: Path, url: str) -> None:
    people = [intake(f"w-{n}", f"{n:010d}", "2023-05-05T10:00:00+02:00") for n in range(4)]
    runner.invoke(app, ["import", str(_feed(tmp_path, *people)), "--database-url", url])
    store = sqlite3.connect(url.removeprefix("sqlite:///"))
    with store:
        store.execute("UPDATE events SET occurred_at = '2023-05-06T10:00:00+02:00' WHERE seq = 3")
    store.close()
    result = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 1
    assert "BROKEN at row seq 3" in result.stderr


def test_a_line_of_invisible_non_json_whitespace_is_rejected_not_dropped(url: str) -> None:
    text = "\u00a0\n\n\x0b\n"  # no-break space, a truly blank line, a vertical tab
    result = runner.invoke(app, ["import", "-", "--format", "json", "--database-url", url], text)
    summary = json.loads(result.stdout)
    assert [r["line"] for r in summary["rejected"]] == [1, 3]
    assert result.exit_code == 1


def test_reading_commands_never_create_a_schema(tmp_path: Path, url: str) -> None:
    args = ["report", "key-figures", "--from", "2023-01-01", "--to", "2023-01-31"]
    report = runner.invoke(app, [*args, "--database-url", url])
    assert report.exit_code != 0
    assert "has no terugkeer schema" in report.output
    audit = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert audit.exit_code != 0
    assert (
        not sqlite3.connect(url.removeprefix("sqlite:///"))
        .execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetchall()
    )


def test_audit_verify_prints_an_anchor_that_catches_the_newest_rows_deleted(url: str) -> None:
    """The head as an anchor line; with it, the newest log rows deleted and the head rewound
    (which every remaining link survives) are named."""
    from datetime import UTC, datetime

    from terugkeer.bootstrap import bootstrap
    from terugkeer.settings import Settings
    from terugkeer.store.access_log import Access, record
    from terugkeer.store.engine import writing

    system = bootstrap(Settings(database_url=url))
    for n in range(3):
        with writing(system.engine) as connection:
            record(connection, Access("anna", "web", "case.read", "10.0.0.1", f"{n:010d}"),
                   datetime(2026, 12, 7, 9, n, tzinfo=UTC))  # fmt: skip
    system.close()
    first = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert first.exit_code == 0, first.output
    (anchor,) = [line for line in first.stdout.splitlines() if "anchor:" in line]
    seq_hash = anchor.split("anchor: ")[1]
    assert seq_hash.startswith("3:") and len(seq_hash) == 66

    store = sqlite3.connect(url.removeprefix("sqlite:///"))
    with store:
        store.execute("DELETE FROM access_log WHERE seq = 3")
        store.execute("UPDATE access_log_head SET last_seq = 2, "
                      "last_hash = (SELECT hash FROM access_log WHERE seq = 2)")  # fmt: skip
    store.close()
    alone = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert alone.exit_code == 0  # what the database alone cannot tell
    anchored = runner.invoke(app, ["audit", "verify", "--database-url", url, "--anchor", seq_hash])
    assert anchored.exit_code == 1
    assert "the anchor names row seq 3, but the chain ends at row seq 2" in anchored.stderr
    wrong = runner.invoke(app, ["audit", "verify", "--database-url", url, "--anchor", "3:xyz"])
    assert wrong.exit_code == 2 and "SEQ:HASH" in wrong.output


def test_a_deliverer_refuses_a_metrics_directory_it_cannot_write(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside `serve`, with the directory the docs name but not yet made: said, not a
    traceback on every failed delivery it counts."""
    missing = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(missing))
    done = runner.invoke(app, ["webhooks", "deliver", "--once", "--database-url", url])
    assert done.exit_code == 2
    assert f"PROMETHEUS_MULTIPROC_DIR={missing} is not a directory" in done.stderr
