"""`terugkeer bench import`: figures for SQLite and PostgreSQL against their baselines.

Small runs only, and no timing thresholds: what is checked is that every figure is there and
positive, and that the baseline store holds exactly the rows the import stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from terugkeer.bench.runner import first_window, last_window
from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.cli.app import app
from terugkeer.store.stopwatch import STAGES
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

runner = CliRunner()
FIGURES = {
    "lines",
    "events",
    "import_events_per_s",
    "import_seconds",
    "baseline_events_per_s",
    "baseline_seconds",
    "ratio",
    "appended_events_per_s",
    "appended_ratio",
    "projector_catch_up_seconds",
    "projector_behind_max_events",
    "projector_behind_median_events",
}
#: How far a bulk import's projector was behind: none at all is a fine figure.
MAY_BE_NOUGHT = {name for name in FIGURES if name.startswith("projector_")}
WINDOW_FIGURES = {
    f"{name}_{figure}"
    for name in ("first", "last")
    for figure in ("window_lines", "lines_per_s", "seconds")
} | {"last_over_first"}


def _bench(tmp_path: Path, *args: str, postgres_url: str = "") -> dict[str, Any]:
    configured = tmp_path / "configured.db"
    env = {"TERUGKEER_DATABASE_URL": f"sqlite:///{configured}"}
    env["TERUGKEER_TEST_POSTGRES_URL"] = postgres_url
    result = runner.invoke(app, ["bench", "import", *args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert not configured.exists()  # never the configured store
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def _check_backend(figures: dict[str, Any], lines: int, baseline: str, *, windows: bool) -> None:
    assert figures["baseline"] == baseline
    expected = FIGURES | (WINDOW_FIGURES if windows else set())
    assert set(figures["figures"]) == expected
    for name, value in figures["figures"].items():
        assert isinstance(value, int | float) and not isinstance(value, bool), name
        assert value >= 0 if name in MAY_BE_NOUGHT else value > 0, name
    assert figures["figures"]["appended_events_per_s"] >= figures["figures"]["import_events_per_s"]
    assert figures["figures"]["lines"] == figures["figures"]["events"] == lines
    # Both stores hold the same rows: each read back on its own, counted and digested.
    assert figures["stored_rows"] == figures["baseline_rows"]
    assert figures["stored_rows"]["count"] == lines
    assert figures["rows_identical"] is True
    assert figures["not_stored_lines"] == 0
    _check_stages(figures, windows=windows)


def _check_stages(figures: dict[str, Any], *, windows: bool) -> None:
    """Every stage an event passes is timed, and together they are the import's time."""
    stages = figures["stages"]
    assert list(stages) == [*STAGES, "other"]
    for name in STAGES:  # each took time: none was skipped or misnamed
        assert stages[name]["seconds"] > 0, name
        assert stages[name]["us_per_event"] > 0, name
        assert (set(stages[name]) > {"first_us_per_line", "last_us_per_line"}) is windows
    # "other" is the import's time outside the stages: no stage's time is counted twice.
    timed = sum(stages[name]["seconds"] for name in STAGES)
    assert stages["other"]["seconds"] >= 0
    assert timed <= figures["figures"]["import_seconds"] + 1e-3
    total = timed + stages["other"]["seconds"]
    assert total == pytest.approx(figures["figures"]["import_seconds"], abs=1e-3)


def test_synthetic_on_sqlite_and_postgresql(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("TERUGKEER_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("no PostgreSQL (set TERUGKEER_TEST_POSTGRES_URL)")
    output = _bench(tmp_path, "-n", "2000", postgres_url=POSTGRES_URL)
    assert output["input"] == {"kind": "synthetic", "name": "synthetic, seed 1", "lines": 2000}
    _check_backend(output["sqlite"], 2000, "sqlite3 executemany", windows=False)
    _check_backend(output["postgresql"], 2000, "COPY", windows=False)
    assert output["postgresql_skipped"] is None


def test_feed_on_sqlite_says_why_postgresql_was_skipped(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f"{line}\n" for line in synthetic_lines(2000, seed=3)))
    output = _bench(tmp_path, "--feed", str(feed))
    assert output["input"] == {"kind": "feed", "name": str(feed), "lines": 2000}
    _check_backend(output["sqlite"], 2000, "sqlite3 executemany", windows=True)
    assert output["postgresql"] is None
    assert "TERUGKEER_TEST_POSTGRES_URL is not set" in output["postgresql_skipped"]


def test_the_table_names_both_backends(tmp_path: Path) -> None:
    env = {"TERUGKEER_TEST_POSTGRES_URL": ""}
    result = runner.invoke(app, ["bench", "import", "-n", "300"], env=env)
    assert result.exit_code == 0, result.output
    assert "sqlite3 executemany" in result.stdout
    assert "import time / baseline time" in result.stdout
    assert "judge, pseudonymise, hash" in result.stdout  # where the time went, per stage
    assert "PostgreSQL: skipped (no --postgres-url given" in result.stdout


def test_synthetic_events_and_a_feed_are_not_both_measured(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("")
    result = runner.invoke(app, ["bench", "import", "-n", "10", "--feed", str(feed)])
    assert result.exit_code == 2
    assert "not both" in result.output


def test_first_and_last_windows_come_from_the_progress_marks() -> None:
    marks = [(0, 0.0), (10, 1.0), (20, 3.0), (30, 6.0), (35, 8.0)]
    assert first_window(marks, window=20) == first_window(marks, window=15)
    assert (first_window(marks, window=20).lines, first_window(marks, window=20).seconds) == (
        20,
        3.0,
    )
    last = last_window(marks, window=20)  # from the mark at 10 lines (35 - 20 = 15 ≥ 10)
    assert (last.lines, last.seconds) == (25, 7.0)
    whole = last_window(marks, window=100)  # fewer lines than the window: the whole import
    assert (whole.lines, whole.seconds) == (35, 8.0)
    assert first_window(marks, window=100) == whole


def test_bench_report_times_each_output_and_agrees_with_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the hand-built people of the key-figure contract: every timing is printed, and the
    DuckDB aggregation (written apart, from EVENTS.md) gives the report's figures; committed
    ten lines at a time, the figures as known at the middle event are timed too, and equal a
    replay's."""
    monkeypatch.setenv("TERUGKEER_IMPORT_BATCH_LINES", "10")
    fixture = Path(__file__).parents[1] / "e2e" / "fixtures" / "key_figures_people.jsonl"
    folder = tmp_path / "bench"
    args = ["bench", "report", "--feed", str(fixture), "--repeats", "2", "--folder", str(folder)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    out = done.stdout
    # The fixture's last year (events into 2024) and its last month are measured.
    for name in ("measured period              2024-01-01 to 2024-", "key figures 2024",
                 "DuckDB, same aggregation", "publication 2024-", "dashboard 2024",
                 "key figures / DuckDB"):  # fmt: skip
        assert name in out, out
    assert "same figures in both         yes" in out
    for name in ("as known at ", "  key figures 2024", "  publication 2024-", "  publish verify"):
        assert name in out, out
    assert "same as a replay: yes" in out
    assert (folder / "key_figures_people.db").is_file()  # its own store, kept for the next run
    again = runner.invoke(app, args)
    assert "same figures in both         yes" in again.stdout
