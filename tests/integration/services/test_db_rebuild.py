"""`terugkeer db rebuild`: after a rules change the projections follow the new rules."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.store.tables import dublin_claims
from tests.integration.lines import line

runner = CliRunner()
V = "5555555555"


def _regimes(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = list(connection.execute(select(dublin_claims.c.regime)).scalars())
    engine.dispose()
    return found


def test_a_new_ammr_start_takes_effect_after_rebuild_and_verifies(
    tmp_path: Path, database_url: str
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([
        line("d-1", "intake", V, "2026-06-15T10:00:00+02:00",
             {"nationality": "AFG", "track": "dublin"}),
        line("d-2", "dublin_claim", V, "2026-06-20T10:00:00+02:00",
             {"member_state": "DEU", "kind": "take_charge"}),
        line("d-3", "dublin_accepted", V, "2026-07-10T10:00:00+02:00",
             {"member_state": "DEU", "implicit": False}),
    ]) + "\n", encoding="utf-8")  # fmt: skip
    db = ["--database-url", database_url]
    assert runner.invoke(app, ["import", str(feed), *db]).exit_code == 0
    assert _regimes(database_url) == ["ammr"]  # the packaged start: 2026-06-12

    later = {"TERUGKEER_AMMR_FROM": "2026-07-01"}  # the other reading of AMMR art. 84
    stale = runner.invoke(app, ["audit", "verify", *db], env=later)
    assert stale.exit_code == 1
    assert "regime is 'ammr' but the events give 'dublin_iii'" in stale.stderr

    rebuilt = runner.invoke(app, ["db", "rebuild", *db], env=later)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "1 persons: 1 cases, 1 Dublin claims" in rebuilt.stdout
    assert _regimes(database_url) == ["dublin_iii"]
    assert runner.invoke(app, ["audit", "verify", *db], env=later).exit_code == 0
