"""A write and its access-log row commit together: when writing the row fails, the change is
not stored either (a change nobody is logged as having made cannot exist), on every path that
changes something — a recorded event, a withdrawal, an assignment, an API intake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from terugkeer.bootstrap import System, bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.assigning import assign_people
from terugkeer.services.corrections import withdraw
from terugkeer.services.ingest import ingest_batch, ingest_lines
from terugkeer.services.recording import Form, record_work
from terugkeer.services.users import add_user
from terugkeer.settings import Settings
from terugkeer.store import access_log as log_module
from terugkeer.store.access_chain import verify_access_log
from terugkeer.store.access_log import Access
from terugkeer.store.tables import access_log, assignments, events
from tests.integration.lines import intake

V = "5000000001"
TODAY = date(2024, 1, 10)
PASSWORD = "correct horse battery"


class LogDownError(Exception):
    pass


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    built = bootstrap(Settings(database_url=database_url))
    built.clock = lambda: datetime(2024, 1, 10, 12, tzinfo=UTC)
    assert not ingest_lines(built, [intake("i-1", V, "2023-12-01T10:00:00+01:00")]).rejected
    yield built
    built.close()


def _counts(system: System) -> tuple[int, int, int]:
    with system.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (events, access_log, assignments)
        )


def _after_failure(system: System, before: tuple[int, int, int]) -> None:
    assert _counts(system) == before
    with system.engine.connect() as connection:
        assert verify_access_log(connection).intact


def test_a_recorded_event_is_not_stored_without_its_log_row(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    director = add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    before = _counts(system)
    form = Form({"day": "2024-01-02", "at": "10:00", "kind": "vbl"})
    with monkeypatch.context() as patched:
        patched.setattr(log_module, "retained_form", _fail)
        with pytest.raises(LogDownError):
            record_work(system, director, [V], "location_changed", form, today=TODAY, origin="t")
    _after_failure(system, before)
    # The store's memory forgot the event too: the same form is stored once it can be logged.
    record_work(system, director, [V], "location_changed", form, today=TODAY, origin="t")
    assert _counts(system)[:2] == (before[0] + 1, before[1] + 1)


def test_a_withdrawal_is_not_stored_without_its_log_row(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    director = add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    form = Form({"day": "2024-01-02", "at": "10:00", "kind": "vbl"})
    record_work(system, director, [V], "location_changed", form, today=TODAY, origin="t")
    with system.engine.connect() as connection:
        wrong = connection.execute(select(events.c.id).order_by(events.c.seq.desc())).scalar()
    before = _counts(system)
    with monkeypatch.context() as patched:
        patched.setattr(log_module, "retained_form", _fail)
        with pytest.raises(LogDownError):
            withdraw(system, director, V, str(wrong), "duplicate", origin="t")
    _after_failure(system, before)


def test_an_assignment_is_not_stored_without_its_log_row(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = add_user(system, "lead", Role.TEAM_LEAD, "Noord", PASSWORD)
    add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    before = _counts(system)
    with monkeypatch.context() as patched:
        patched.setattr(log_module, "retained_form", _fail)
        with pytest.raises(LogDownError):
            assign_people(system, lead, [V], "anna", "t")
    _after_failure(system, before)


def test_an_api_intake_is_not_stored_without_its_log_rows(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts(system)
    call = Access("coa", "api", "api.events", "t")
    lines = [intake("c-1", "5000000002", "2023-12-02T10:00:00+01:00")]
    with monkeypatch.context() as patched:
        patched.setattr(log_module, "retained_form", _fail)
        with pytest.raises(LogDownError):
            ingest_batch(system, lines, permits=lambda *_: None, access=call)
    _after_failure(system, before)
    done = ingest_batch(system, lines, permits=lambda *_: None, access=call)
    assert [r.outcome.value for r in done] == ["accepted"]


def _fail(*_: object) -> str:
    raise LogDownError
