"""A small store with two years of history, a second empty store, and reading what a store
holds: for the backup and restore tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.store.engine import make_engine
from terugkeer.store.tables import events
from tests.conftest import _postgres_database
from tests.integration.lines import line
from tests.stores import PostgresTemplates

runner = CliRunner()
#: The V-numbers of the history: none may appear in a manifest or a message.
V_NUMBERS = [f"{4100000000 + i}" for i in range(40)]
YEARS = (2023, 2024)


def person_lines(index: int, v_number: str, year: int) -> list[str]:
    """A person's intake, interview and (for some) departure or absconding within `year`."""
    month = 1 + index % 9
    at = f"{year}-{month:02d}-{1 + index % 27:02d}T10:00:00+01:00"
    found = [
        line(f"in-{index}", "intake", v_number, at,
             {"nationality": ("MAR", "DZA", "SYR")[index % 3], "track": "asylum"},
             source=("IND", "POLITIE", "KMAR")[index % 3]),
        line(f"iv-{index}", "interview", v_number, at.replace("T10", "T14"),
             {"kind": "first", "stance": "cooperating"}),
    ]  # fmt: skip
    closing = f"{year}-11-{1 + index % 27:02d}T10:00:00+01:00"
    if index % 4 == 0:
        found.append(line(f"dep-{index}", "departed", v_number, closing,
                          {"mode": "independent", "destination": "MAR",
                           "evidence": "iom_confirmation"}, source="IOM"))  # fmt: skip
    elif index % 4 == 1:
        found.append(line(f"mob-{index}", "absconded", v_number, closing, {}))
    return found


def history() -> list[str]:
    return [
        text
        for index, v_number in enumerate(V_NUMBERS)
        for text in person_lines(index, v_number, YEARS[index % 2])
    ]


def build_store(url: str, folder: Path) -> None:
    """The history imported, and one case read (so the access log has a row)."""
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(history()) + "\n", encoding="utf-8")
    done = runner.invoke(app, ["import", str(feed), "--database-url", url])
    assert done.exit_code == 0, done.output
    read = runner.invoke(app, ["case", "show", V_NUMBERS[0], "--database-url", url])
    assert read.exit_code == 0, read.output


def key_figures(url: str, year: int) -> dict[str, object]:
    done = runner.invoke(app, ["report", "key-figures", "--from", f"{year}-01-01",
                               "--to", f"{year}-12-31", "--format", "json",
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    figures: dict[str, object] = json.loads(done.stdout)
    return figures


def event_links(url: str) -> list[tuple[int, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq))
            return [(seq, digest) for seq, digest in rows]
    finally:
        engine.dispose()


def event_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(events)).scalar_one()
    finally:
        engine.dispose()


def tables(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


def second_store(
    database_url: str, folder: Path, templates: PostgresTemplates | None
) -> Iterator[str]:
    """An empty database of the same backend as `database_url` (a restore's target)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'target.db'}"
    else:
        yield from _postgres_database(templates, migrated=False)


@pytest.fixture
def target_url(
    database_url: str, tmp_path: Path, _postgres_templates: PostgresTemplates | None
) -> Iterator[str]:
    yield from second_store(database_url, tmp_path, _postgres_templates)
