"""`terugkeer scenario compare` on a small world: a table of every figure and a chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app

pytestmark = pytest.mark.slow
SMALL = """warm_up_years = 1
[inflow]
per_year = { value = 600, source = "test: a small world" }
[inflow.history_per_year]
"2022" = { value = 600, source = "test: a small world" }
"2023" = { value = 600, source = "test: a small world" }
"""


def test_compare_prints_intervals_and_writes_the_chart(tmp_path: Path) -> None:
    base, scenario = tmp_path / "small.toml", tmp_path / "faster-transfers.toml"
    base.write_text(SMALL, encoding="utf-8")
    scenario.write_text(
        SMALL + "[dublin]\ntransfer_within_deadline_share = { factor = 1.3 }\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        app,
        ["scenario", "compare", str(base), str(scenario), "-n", "2", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "dublin.transferred" in result.stdout
    assert "faster-transfers vs small" in result.stdout
    assert (tmp_path / "faster-transfers.html").stat().st_size > 100_000  # plotly.js inline
    assert (tmp_path / "faster-transfers.png").read_bytes()[:4] == b"\x89PNG"
