"""The services the pages call to correct (EVENTS.md v1.1): `withdraw`, and `correct` (withdraw
plus the corrected fact in one transaction), with the user as recorder and their log row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from terugkeer.bootstrap import System, bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.corrections import REASONS, correct, withdraw
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.recording import Form, RecordRejectedError, record_work
from terugkeer.services.users import User
from terugkeer.settings import Settings
from terugkeer.store.tables import access_log, events, location_spells, recorded_by, withdrawals
from tests.integration.lines import intake, line

V = "5000000001"
ANNA = User("anna", Role.CASE_DIRECTOR, "Noord")
TODAY = date(2024, 1, 10)


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    built = bootstrap(Settings(database_url=database_url))
    built.clock = lambda: datetime(2024, 1, 10, 12, tzinfo=UTC)
    assert not ingest_lines(built, [intake("i-1", V, "2023-12-01T10:00:00+01:00")]).rejected
    yield built
    built.close()


def _recorded(system: System, event_type: str) -> str:
    form = Form({"day": "2024-01-02", "at": "10:00", "kind": "vbl"})
    record_work(system, ANNA, [V], event_type, form, today=TODAY, origin="test")
    with system.engine.connect() as connection:
        return str(connection.execute(
            select(events.c.id).where(events.c.type == event_type).order_by(events.c.seq.desc())
        ).scalars().first())  # fmt: skip


def test_withdraw_stores_the_retraction_with_its_author_and_log_row(system: System) -> None:
    assert REASONS == ("entered_in_error", "wrong_person", "duplicate", "other")
    wrong = _recorded(system, "location_changed")
    withdraw(system, ANNA, V, wrong, "wrong_person", origin="test")
    with system.engine.connect() as connection:
        [(_, retraction)] = connection.execute(
            select(withdrawals.c.seq, withdrawals.c.retraction_seq)
        ).all()
        actor = connection.execute(
            select(recorded_by.c.actor).where(recorded_by.c.seq == retraction)
        ).scalar_one()
        logged = connection.execute(
            select(access_log.c.actor, access_log.c.v_number).where(
                access_log.c.action == "case.withdraw")
        ).all()  # fmt: skip
        spells = connection.execute(select(location_spells.c.seq)).all()
    assert actor == "anna" and logged == [("anna", V)]
    assert spells == []  # the only location of the case is gone
    with pytest.raises(RecordRejectedError, match="already withdrawn"):
        withdraw(system, ANNA, V, wrong, "duplicate", origin="test")


def test_correct_is_both_or_neither(system: System) -> None:
    wrong = _recorded(system, "location_changed")
    with pytest.raises(RecordRejectedError) as refused:  # a corrected fact that is not valid
        correct(system, ANNA, V, wrong, "entered_in_error", "location_changed",
                Form({"day": "2024-01-02", "at": "10:00", "kind": "castle"}), today=TODAY,
                origin="test")  # fmt: skip
    assert refused.value.field == "kind"
    with system.engine.connect() as connection:
        assert connection.execute(select(withdrawals.c.seq)).all() == []  # nothing withdrawn
    form = Form({"day": "02-01-2024", "at": "10:00", "kind": "azc"})
    first = correct(system, ANNA, V, wrong, "entered_in_error", "location_changed", form,
                    today=TODAY, origin="test")  # fmt: skip
    again = correct(system, ANNA, V, wrong, "entered_in_error", "location_changed", form,
                    today=TODAY, origin="test")  # fmt: skip
    assert again == replace(first, again="same")  # the same form twice: stored once
    with system.engine.connect() as connection:
        kinds = connection.execute(select(location_spells.c.kind)).scalars().all()
        assert len(connection.execute(select(withdrawals.c.seq)).all()) == 1
    assert kinds == ["azc"]


def test_a_director_cannot_withdraw_a_partners_event(system: System) -> None:
    """The pages withdraw the agency's own events: a partner's fact is its sender's to withdraw."""
    theirs = line("ind-1", "location_changed", V, "2024-01-03T10:00:00+01:00", {"kind": "azc"},
                  source="COA")  # fmt: skip
    assert not ingest_lines(system, [theirs]).rejected
    with pytest.raises(RecordRejectedError, match="names no stored event of source DTENV"):
        withdraw(system, ANNA, V, "ind-1", "other", origin="test")
