"""Retention: the people whose cases all closed before a day are pseudonymised — every key
figure of every past period stays the same, `audit verify` still passes, and none of their
V-numbers, birth dates, family ids or free texts is left anywhere in the database files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.store.retention import rewrite_files
from terugkeer.store.schema import ensure_schema
from terugkeer.store.tables import events, retention_runs

FIXTURE = Path(__file__).parents[2] / "e2e" / "fixtures" / "key_figures_people.jsonl"
KEY = {"TERUGKEER_PSEUDONYM_KEY": "a key for the retention tests only"}
PERIODS = [
    ("2023-01-01", "2023-12-31"), ("2023-01-01", "2023-03-31"), ("2023-04-01", "2023-06-30"),
    ("2023-07-01", "2023-12-31"), ("2024-01-01", "2024-12-31"), ("2023-03-01", "2023-03-31"),
]  # fmt: skip
CUT = "2024-01-01"
runner = CliRunner()


def _cli(url: str, *args: str, env: dict[str, str] | None = None) -> Any:
    result = runner.invoke(app, [*args, "--database-url", url], env={**KEY, **(env or {})})
    return result


def _figures(url: str) -> list[Any]:
    found = []
    for start, end in PERIODS:
        result = _cli(
            url, "report", "key-figures", "--from", start, "--to", end, "--format", "json"
        )
        assert result.exit_code == 0, result.output
        found.append(json.loads(result.stdout))
    return found


def _lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line]


def _closed_before_cut() -> set[str]:
    """V-numbers of the fixture whose last case closed in 2023 (the cut is 2024-01-01)."""
    people: dict[str, list[tuple[datetime, str]]] = {}
    for line in _lines():
        when = datetime.fromisoformat(line["occurred_at"])
        people.setdefault(line["v_number"], []).append((when, line["type"]))
    closing = {"departed", "absconded", "exit_without_departure"}
    cut = datetime(2024, 1, 1, tzinfo=AMSTERDAM)
    return {
        v for v, history in people.items()
        if max(history)[1] in closing and max(history)[0] < cut
    }  # fmt: skip


def _secrets(v_numbers: set[str]) -> set[bytes]:
    """What must be gone: their V-numbers, birth dates, family ids and free texts."""
    found: set[bytes] = {v.encode() for v in v_numbers}
    for line in _lines():
        if line["v_number"] not in v_numbers:
            continue
        data = line["data"]
        for field in ("birth_date", "family", "name", "detail", "last_known_location"):
            if isinstance(data.get(field), str):
                found.add(data[field].encode())
    return found


def _database_bytes(url: str) -> bytes:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        base = Path(parsed.database or "")
        return b"".join(
            p.read_bytes()
            for p in (base, Path(f"{base}-wal"), Path(f"{base}-journal"))
            if p.exists()
        )
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))  # the table files on disk are current
        folder = Path(connection.execute(text("SHOW data_directory")).scalar_one())
        files = connection.execute(text(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't') "
            "AND pg_relation_filepath(c.oid) IS NOT NULL"
        )).scalars().all()  # fmt: skip
    engine.dispose()
    return b"".join((folder / name).read_bytes() for name in files if (folder / name).exists())


@pytest.fixture
def store(database_url: str) -> str:
    result = _cli(database_url, "import", str(FIXTURE))
    assert result.exit_code == 0, result.output
    return database_url


def test_figures_stay_the_same_and_the_originals_are_gone(store: str) -> None:
    before = _figures(store)
    gone = _closed_before_cut()
    assert len(gone) > 10  # a third of the fixture's people closed in 2023
    planned = _cli(store, "retention", "run", "--closed-before", CUT, "--dry-run")
    assert planned.stdout.startswith(f"would pseudonymise {len(gone)} people")
    assert all(secret in _database_bytes(store) for secret in _secrets(gone))  # still there

    done = _cli(store, "retention", "run", "--closed-before", CUT)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"pseudonymised {len(gone)} people")
    assert _figures(store) == before
    verified = _cli(store, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    retained_events = int(done.stdout.split("(")[1].split()[0])
    assert f"events ({retained_events} pseudonymised by retention)" in verified.stdout
    raw = _database_bytes(store)
    assert [s for s in _secrets(gone) if s in raw] == []
    kept = {line["v_number"] for line in _lines()} - gone
    assert all(v.encode() in raw for v in kept)  # the others are untouched

    again = _cli(store, "retention", "run", "--closed-before", CUT)
    assert again.stdout.startswith("pseudonymised 0 people")
    assert _figures(store) == before
    engine = create_engine(store)
    with engine.connect() as connection:
        runs = connection.execute(select(retention_runs)).mappings().all()
    engine.dispose()
    assert [(r["persons"], str(r["closed_before"])) for r in runs] == [(len(gone), CUT)]


def test_a_person_who_comes_back_starts_a_new_history(store: str, tmp_path: Path) -> None:
    _cli(store, "retention", "run", "--closed-before", CUT)
    back = tmp_path / "back.jsonl"
    back.write_text(json.dumps({
        "id": "back-1", "type": "intake", "v_number": "9000000001",
        "occurred_at": "2025-03-01T10:00:00+01:00", "source": "IND",
        "data": {"nationality": "MAR", "track": "regular"},
    }) + "\n", encoding="utf-8")  # fmt: skip
    assert _cli(store, "import", str(back)).exit_code == 0
    shown = json.loads(_cli(store, "case", "show", "9000000001", "--on", "2025-03-02",
                            "--format", "json").stdout)  # fmt: skip
    assert [c["opened_at"][:10] for c in shown["cases"]] == ["2025-03-01"]
    assert _cli(store, "audit", "verify").exit_code == 0


def test_a_resent_event_of_a_pseudonymised_person_is_known(store: str) -> None:
    _cli(store, "retention", "run", "--closed-before", CUT)
    result = _cli(store, "import", str(FIXTURE), "--format", "json")
    summary = json.loads(result.stdout)
    assert (summary["accepted"], summary["rejected"]) == (0, [])


def test_an_edited_identifying_value_is_caught(store: str) -> None:
    engine = create_engine(store)
    with engine.begin() as connection:
        connection.execute(update(events).where(events.c.seq == 1).values(v_number="9000000099"))
    engine.dispose()
    result = _cli(store, "audit", "verify")
    assert result.exit_code == 1
    assert "row seq 1: its identifying values were changed" in result.stderr


def test_retention_refuses_the_public_development_key(database_url: str) -> None:
    imported = runner.invoke(app, ["import", str(FIXTURE), "--database-url", database_url])
    assert imported.exit_code == 0
    refused = runner.invoke(
        app, ["retention", "run", "--closed-before", CUT, "--database-url", database_url]
    )
    assert refused.exit_code == 2
    assert "TERUGKEER_PSEUDONYM_KEY" in refused.stderr


@pytest.mark.slow
def test_a_run_killed_midway_verifies_and_the_next_run_completes(store: str) -> None:
    before = _figures(store)
    env = {**os.environ, **KEY, "TERUGKEER_RETENTION_BATCH": "1"}
    command = [sys.executable, "-m", "terugkeer", "retention", "run", "--closed-before", CUT,
               "--database-url", store]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    engine = create_engine(store)
    deadline = time.monotonic() + 60
    done = 0
    while done < 3 and time.monotonic() < deadline and process.poll() is None:
        with engine.connect() as connection:
            done = connection.execute(select(func.max(retention_runs.c.persons))).scalar() or 0
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    engine.dispose()
    assert 0 < done < len(_closed_before_cut()), "killed in the middle of the run"
    assert _cli(store, "audit", "verify").exit_code == 0
    assert _figures(store) == before
    rest = _cli(store, "retention", "run", "--closed-before", CUT)
    assert rest.exit_code == 0
    assert _figures(store) == before
    raw = _database_bytes(store)
    assert [s for s in _secrets(_closed_before_cut()) if s in raw] == []


def test_rows_an_open_transaction_still_sees_are_reported_not_hidden(database_url: str) -> None:
    """VACUUM FULL keeps a deleted row that another open transaction may still read: the
    rewrite says so (and retries), instead of claiming the originals are gone."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's VACUUM needs no other transaction to end")
    engine = create_engine(database_url)
    ensure_schema(engine)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO access_log (at, actor, channel, action, origin, v_number) "
            "SELECT '2023-01-01', 'u' || g, 'cli', 'case.read', 'test', '9000000001' "
            "FROM generate_series(1, 50) g"
        ))  # fmt: skip
    reader = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    snapshot = reader.begin()
    reader.execute(text("SELECT count(*) FROM retention_runs")).all()  # holds a snapshot
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM access_log"))
    try:
        assert rewrite_files(engine, attempts=1) == 50
    finally:
        snapshot.rollback()
        reader.close()
    # Once the reader has ended, nothing is kept; with the retries the product uses, since a
    # transaction of another test on the same server can hold the horizon back for a moment.
    assert rewrite_files(engine) == 0
    engine.dispose()


def _log_rejection(url: str, v_number: str) -> None:
    """A rejection about the person in the access log, its reason quoting the V-number
    (logged as the API does: chained, with the store's key)."""
    from terugkeer.bootstrap import bootstrap
    from terugkeer.settings import Settings
    from terugkeer.store.access_log import Access, record
    from terugkeer.store.engine import writing

    system = bootstrap(Settings(database_url=url, pseudonym_key=KEY["TERUGKEER_PSEUDONYM_KEY"]))
    with writing(system.engine) as connection:
        record(connection, Access("kmar", "api", "events.post.rejected", "test", v_number,
                                  f"#1 k-1: no flight_booked for v_number {v_number}"),
               datetime(2023, 3, 1, tzinfo=AMSTERDAM))  # fmt: skip
    system.close()


def test_retention_keeps_each_retraction_linked_to_the_event_it_withdrew(
    store: str, tmp_path: Path
) -> None:
    """After pseudonymisation the retraction names its event by seq, in the chain's own form:
    `audit verify` still checks the link and the withdrawal stays where it was."""
    v_number = "9100000002"

    def event(event_id: str, kind: str, at: str, data: dict[str, Any]) -> str:
        return json.dumps({"id": event_id, "type": kind, "v_number": v_number,
                           "occurred_at": at, "source": "DTENV", "data": data})  # fmt: skip

    fed = tmp_path / "withdrawn.jsonl"
    fed.write_text("\n".join([
        event("wd-1", "intake", "2023-02-01T10:00:00+01:00",
              {"nationality": "MAR", "track": "regular"}),
        event("wd-2", "interview", "2023-02-02T10:00:00+01:00",
              {"kind": "first", "stance": "cooperating"}),
        event("wd-3", "interview", "2023-02-02T10:05:00+01:00",
              {"kind": "first", "stance": "cooperating"}),
        event("wd-4", "retracted", "2023-02-03T10:00:00+01:00",
              {"event_id": "wd-3", "reason": "duplicate"}),
        event("wd-5", "exit_without_departure", "2023-03-01T10:00:00+01:00",
              {"reason": "residence_permit"}),
    ]) + "\n", encoding="utf-8")  # fmt: skip
    assert _cli(store, "import", str(fed)).exit_code == 0
    # Someone's intake sent for the wrong V-number and withdrawn: no case is left, and the
    # person is still retained; so is the reason a rejection about them logged.
    wrong = "9100000003"
    mistaken = tmp_path / "wrong.jsonl"
    mistaken.write_text("\n".join(json.dumps(e) for e in [
        {"id": "wp-1", "type": "intake", "v_number": wrong, "occurred_at":
         "2023-02-01T10:00:00+01:00", "source": "DTENV",
         "data": {"nationality": "MAR", "track": "regular", "birth_date": "1991-07-13"}},
        {"id": "wp-2", "type": "retracted", "v_number": wrong, "occurred_at":
         "2023-02-01T11:00:00+01:00", "source": "DTENV",
         "data": {"event_id": "wp-1", "reason": "wrong_person"}},
    ]) + "\n", encoding="utf-8")  # fmt: skip
    assert _cli(store, "import", str(mistaken)).exit_code == 0
    _log_rejection(store, v_number)
    engine = create_engine(store)
    before = _figures(store)
    with engine.connect() as connection:
        linked = connection.execute(
            text("SELECT seq, retraction_seq FROM withdrawals ORDER BY seq")
        ).all()
    assert len(linked) == 2
    done = _cli(store, "retention", "run", "--closed-before", CUT)
    assert done.exit_code == 0, done.output
    verified = _cli(store, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert _figures(store) == before
    with engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT seq, retraction_seq FROM withdrawals ORDER BY seq")
            ).all()
            == linked
        )
        body = connection.execute(
            select(events.c.body).where(events.c.seq == linked[0][1])
        ).scalar_one()
    engine.dispose()
    retained = json.loads(body)
    assert retained["data"] == {"event_seq": linked[0][0], "reason": "duplicate"}
    assert v_number not in body and "wd-3" not in body
    raw = _database_bytes(store)
    assert v_number.encode() not in raw and wrong.encode() not in raw and b"1991-07-13" not in raw


def test_the_access_log_verifies_after_retention_and_names_a_change_after_it(store: str) -> None:
    """Retention replaces the log's V-numbers by pseudonyms and removes rejection reasons:
    the chain covered only those forms, so it still verifies — and still names a change."""
    from terugkeer.bootstrap import bootstrap
    from terugkeer.settings import Settings
    from terugkeer.store.access_log import Access, record_all
    from terugkeer.store.engine import writing
    from terugkeer.store.tables import access_log

    gone = sorted(_closed_before_cut())
    system = bootstrap(Settings(database_url=store, pseudonym_key=KEY["TERUGKEER_PSEUDONYM_KEY"]))
    with writing(system.engine) as connection:
        record_all(connection, [
            Access("anna", "web", "case.read", "10.0.0.1", gone[0]),
            Access("coa", "api", "api.intake.rejected", "10.0.0.2", gone[1],
                   f"#1 e-1: {gone[1]} has no open case"),
            Access("coa", "api", "api.intake", "10.0.0.2", detail="200 accepted=0 rejected=1"),
        ], datetime(2024, 2, 1, tzinfo=AMSTERDAM))  # fmt: skip
    system.close()
    assert _cli(store, "retention", "run", "--closed-before", CUT).exit_code == 0

    verified = _cli(store, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    engine = create_engine(store)
    with engine.connect() as connection:
        logged = connection.execute(select(access_log.c.v_number, access_log.c.detail,
                                           access_log.c.action)
                                    .order_by(access_log.c.seq)).all()  # fmt: skip
    assert f"access log intact: {len(logged)} rows" in verified.stdout
    assert not {row.v_number for row in logged} & set(gone)
    assert logged[1].detail == "reason removed by retention"
    # Each batch ends with the marker that lets verify accept the rewrites before it.
    markers = [row for row in logged[3:] if row.action == "retention.log"]
    assert markers and markers[0].detail.startswith("closed before 2024-01-01 persons=")

    with engine.begin() as connection:
        connection.execute(update(access_log).where(access_log.c.seq == 1)
                           .values(v_number=logged[1].v_number))  # fmt: skip
    engine.dispose()
    broken = _cli(store, "audit", "verify")
    assert broken.exit_code == 1
    assert "ACCESS LOG BROKEN at row seq 1: row seq 1 (logged at 2024-01-31T23:00" in broken.output
