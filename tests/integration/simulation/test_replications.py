"""Replications import only the people who can count in the simulated year."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.replications import head_of, import_feed, persons_of_the_year
from terugkeer.simulation.runner import simulate
from tests.integration.simulation.worlds import small_world

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)


def test_the_year_s_figures_are_the_same_without_the_people_who_cannot_count(
    tmp_path: Path,
) -> None:
    """A two-year warm-up, then 2023: the people whose cases all closed before 2023 are left
    out of the import, and every key figure of 2023 is what the whole feed gives."""
    params = small_world(load_parameters(), per_year=800, warm_up_years=2)
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


def test_a_line_s_head_is_what_parsing_it_gives(tmp_path: Path) -> None:
    """The simulator's lines are read without parsing them whole; any other line (keys in
    another order, an escape in a value, spaces) is parsed, with the same answer."""
    feed = tmp_path / "feed.jsonl"
    simulate(small_world(load_parameters(), per_year=200, warm_up_years=1),
             date(2023, 1, 1), date(2023, 3, 31), seed=3, out=feed)  # fmt: skip
    others = [
        '{"type":"intake","id":"x","v_number":"1","occurred_at":"2023-01-02T10:00:00+01:00"}',
        '{"id":"x\\"y","type":"intake","v_number":"2","occurred_at":"2023-01-02T10:00:00Z"}',
        '{"id": "x", "type": "departed", "v_number": "3", "occurred_at": "2023-01-03T10:00:00Z"}',
        '{"id":"x","type":"intake","v_number":"4","occurred_at":"2023-01-04T10:00:00Z",'
        '"type":"departed","v_number":"5"}',  # a key given twice: JSON keeps the last
    ]
    for line in [*feed.read_bytes().splitlines(), *(other.encode() for other in others)]:
        event = json.loads(line)
        assert head_of(line) == (event["type"], event["v_number"], event["occurred_at"])
