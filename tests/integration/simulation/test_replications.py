"""Replications import only the people who can count in the simulated year."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.replications import import_feed, persons_of_the_year
from terugkeer.simulation.runner import simulate
from tests.integration.simulation.worlds import small_world


def test_the_year_s_figures_are_the_same_without_the_people_who_cannot_count(
    tmp_path: Path,
) -> None:
    """A two-year warm-up, then 2023: the people whose cases all closed before 2023 are left
    out of the import, and every key figure of 2023 is what the whole feed gives."""
    params = small_world(load_parameters(), per_year=1500, warm_up_years=2)
    first, last = date(2023, 1, 1), date(2023, 12, 31)
    feed, kept = tmp_path / "all.jsonl", tmp_path / "kept.jsonl"
    simulate(params, first, last, seed=8, out=feed)
    persons_of_the_year(feed, kept, first)
    lines, kept_lines = feed.read_text().splitlines(), kept.read_text().splitlines()
    assert len(kept_lines) < 0.7 * len(lines)
    assert set(kept_lines) <= set(lines)
    received = datetime(2024, 1, 1, 12, tzinfo=UTC)
    figures = []
    for name, path in (("all", feed), ("kept", kept)):
        folder = tmp_path / name
        folder.mkdir()
        engine = import_feed(path, folder, received=received)
        with engine.connect() as connection:
            figures.append(key_figures(connection, Period(first, last), today=date(2024, 1, 1)))
        engine.dispose()
    assert figures[0]["caseload"] > 100
    assert figures[1] == figures[0]
