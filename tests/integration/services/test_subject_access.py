"""A data subject's export (AVG art. 15): everything held on one person — their facts by
sender with a withdrawn one marked and its retraction, their case over time, who read it, the
partner it was delivered to — and the export itself in the access log, whose chain stays
intact. On SQLite and PostgreSQL, with a real webhook receiver on loopback."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest
from pydantic import SecretStr
from pypdf import PdfReader
from sqlalchemy import select

from terugkeer.bootstrap import System, bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.cases import Access, case_file
from terugkeer.services.errors import UnknownPersonError
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.integrity import check_integrity
from terugkeer.services.partners import add_partner
from terugkeer.services.retention import run_retention
from terugkeer.services.subject_access import PseudonymisedPersonError, ReasonError
from terugkeer.services.subject_export import ExportFormat, export_subject
from terugkeer.services.users import User
from terugkeer.services.webhooks import deliver_due, subscribe
from terugkeer.services.workplace import NotYoursError
from terugkeer.settings import Settings
from terugkeer.store.engine import writing
from terugkeer.store.reach import add_share
from terugkeer.store.tables import access_log
from tests.integration.lines import line
from tests.web.webhook_receiver import receiving

V, OTHER = "6000000001", "6000000002"
FG = User("fg", Role.PRIVACY_OFFICER, None)
ANNA = User("anna", Role.CASE_DIRECTOR, "Noord")
REASON = "AVG-2026-0042 art. 15"


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    built = bootstrap(Settings(database_url=database_url, controller_name="Testdienst",
                               pseudonym_key=SecretStr("subject tests' own key")))  # fmt: skip
    built.clock = lambda: datetime(2024, 1, 10, 12, tzinfo=UTC)
    add_partner(built, "coa", "COA", ["location_changed"], reads=["location_changed"])
    yield built
    built.close()


def _history(system: System) -> None:
    lines = [
        line("i-1", "intake", V, "2023-12-01T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="IND"),
        line("r-1", "return_decision", V, "2023-12-05T10:00:00+01:00",
             {"departure_term_days": 28}, source="IND"),
        line("c-1", "location_changed", V, "2023-12-06T10:00:00+01:00", {"kind": "azc"},
             source="COA"),
        line("k-1", "detention_started", V, "2023-12-20T10:00:00+01:00", {"ground": "vw59"},
             source="DJI"),
        line("k-2", "retracted", V, "2024-01-02T10:00:00+01:00",
             {"event_id": "k-1", "reason": "wrong_person"}, source="DJI"),
        line("o-1", "intake", OTHER, "2023-12-01T10:00:00+01:00",
             {"nationality": "DZA", "track": "asylum"}, source="IND"),
    ]  # fmt: skip
    assert not ingest_lines(system, lines).rejected


def _export(system: System, output: ExportFormat = ExportFormat.JSON) -> bytes:
    return export_subject(system, FG, V, REASON, output, channel="cli", origin="host").body


def test_the_export_holds_the_withdrawn_event_the_reads_and_the_deliveries(
    system: System,
) -> None:
    with receiving() as receiver:
        subscription, receiver.secret = subscribe(system, "coa", receiver.url,
                                                  ["location_changed"])  # fmt: skip
        _history(system)
        fixed, system.clock = system.clock, lambda: datetime.now(UTC)  # signed now
        with httpx.Client(timeout=5) as client:
            assert deliver_due(system, client).delivered == 1
        system.clock = fixed
    reader = Access("anna", "web", "case.read", "10.0.0.7", V)
    case_file(system, v_number=V, on=datetime(2024, 1, 10).date(), reader=reader)
    with writing(system.engine) as connection:
        add_share(connection, "coa", V, date(2024, 3, 31), "anna", "2024-01-05T09:00:00.000000Z")

    found = json.loads(_export(system))

    assert found["format"] == "terugkeer.subject-export/1" and found["v_number"] == V
    assert found["controller"] == "Testdienst" and found["reason"] == REASON
    by_id = {e["id"]: e for e in found["events"]}
    assert set(by_id) == {"i-1", "r-1", "c-1", "k-1", "k-2"}  # the other person is not here
    withdrawn = by_id["k-1"]["withdrawn"]
    assert withdrawn["by_event_id"] == "k-2" and withdrawn["source"] == "DJI"
    assert withdrawn["reason"] == "wrong_person" and by_id["k-2"]["withdraws"] == "k-1"
    assert by_id["i-1"]["withdrawn"] is None and by_id["k-1"]["source"] == "DJI"
    assert found["senders"] == ["COA", "DJI", "IND"]
    assert found["sender_accounts"] == {"COA": "coa"}  # the account a COA fact's request goes to
    # The case over time as the store judges it now: the withdrawn detention never counts.
    days = [s["on"] for s in found["states"]]
    assert days == ["2023-12-01", "2023-12-05", "2023-12-06"]
    last = found["states"][-1]
    assert last["state"]["location"] == "azc" and last["state"]["in_detention"] is False
    assert last["conditions"]["available"]["holds"] is True  # the azc, since 6 December
    assert "departure term" in last["conditions"]["legally_removable"]["reason"]
    assert found["states"][0]["state"]["location"] is None  # the intake's day: not yet
    assert last["conditions"]["in_detention"]["holds"] is False and last["ready"] is False
    reads = [(a["actor"], a["action"], a["origin"]) for a in found["access_log"]]
    assert ("anna", "case.read", "10.0.0.7") in reads
    [delivery] = found["webhook_deliveries"]
    assert delivery["partner"] == "coa" and delivery["event_id"] == "c-1"
    assert delivery["state"] == "delivered" and delivery["delivered_at"]
    assert delivery["subscription"] == subscription
    [share] = found["shares"]
    assert (share["partner"], share["until"], share["by"]) == ("coa", "2024-03-31", "anna")


def test_every_export_is_in_the_access_log_and_its_chain_stays_intact(system: System) -> None:
    _history(system)
    _export(system)
    _export(system, ExportFormat.PDF)
    with system.engine.connect() as connection:
        rows = connection.execute(
            select(access_log.c.actor, access_log.c.channel, access_log.c.v_number,
                   access_log.c.detail)
            .where(access_log.c.action == "subject.export").order_by(access_log.c.seq)
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        ("fg", "cli", V, f"format=json; why={REASON}"),
        ("fg", "cli", V, f"format=pdf; why={REASON}"),
    ]
    # The second export lists the first among the rows about the person.
    again = json.loads(_export(system))
    assert [a["action"] for a in again["access_log"]].count("subject.export") == 2
    assert check_integrity(system).access_log.intact


def test_the_pdf_holds_the_persons_facts_with_the_withdrawn_one_marked(system: System) -> None:
    _history(system)
    pdf = _export(system, ExportFormat.PDF)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert V in text and "Afzender: DJI" in text and "Afzender: COA" in text
    assert "in bewaring gesteld" in text and "ingetrokken met k-2" in text
    assert "verkeerde persoon" in text and REASON in text
    english = export_subject(system, FG, V, REASON, ExportFormat.PDF, channel="cli",
                             origin="host", lang="en").body  # fmt: skip
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(english)).pages)
                     .split())  # fmt: skip
    assert "Sender: DJI" in words and "withdrawn by k-2" in words


def test_only_the_privacy_officer_and_the_refusal_is_logged(system: System) -> None:
    _history(system)
    with pytest.raises(NotYoursError):
        export_subject(system, ANNA, V, REASON, ExportFormat.JSON, channel="cli", origin="h")
    with system.engine.connect() as connection:
        actions = connection.execute(
            select(access_log.c.actor, access_log.c.action).where(access_log.c.v_number == V)
        ).all()  # fmt: skip
    assert [tuple(a) for a in actions] == [("anna", "subject.export.refused")]


def test_a_person_not_held_is_said_and_logged_not_exported_empty(system: System) -> None:
    _history(system)
    with pytest.raises(UnknownPersonError) as raised:
        export_subject(system, FG, "6999999999", REASON, ExportFormat.JSON, channel="cli",
                       origin="h")  # fmt: skip
    assert "no events are stored" in raised.value.message
    assert "6999999999" not in raised.value.message  # error output ends up in logs
    with system.engine.connect() as connection:
        logged = connection.execute(
            select(access_log.c.action).where(access_log.c.v_number == "6999999999")
        ).scalars().all()  # fmt: skip
    assert logged == ["subject.export.unknown"]


@pytest.mark.parametrize(
    ("reason", "code"),
    [("", "missing"), ("verzoek van Jan Jansen 6000000001", "number"),
     ("verzoek van José", "characters"), ("x" * 81, "too_long")],
)  # fmt: skip
def test_a_reason_that_could_hold_personal_data_is_refused_before_anything_is_read(
    system: System, reason: str, code: str
) -> None:
    _history(system)
    with pytest.raises(ReasonError) as raised:
        export_subject(system, FG, V, reason, ExportFormat.JSON, channel="cli", origin="h")
    assert raised.value.code == code
    with system.engine.connect() as connection:
        assert not connection.execute(
            select(access_log.c.id).where(access_log.c.action.like("subject.%"))
        ).first()


def test_a_person_retention_pseudonymised_is_said_so(system: System) -> None:
    _history(system)
    departed = line("x-1", "departed", OTHER, "2023-12-10T10:00:00+01:00",
                    {"mode": "independent", "destination": "DZA", "evidence": "iom_confirmation"},
                    source="IOM")  # fmt: skip
    assert not ingest_lines(system, [departed]).rejected
    assert run_retention(system, closed_before=date(2024, 1, 1), dry_run=False).persons == 1
    with pytest.raises(PseudonymisedPersonError) as raised:
        export_subject(system, FG, OTHER, REASON, ExportFormat.JSON, channel="cli", origin="h")
    assert "retention pseudonymised this person (2 events)" in raised.value.message
    assert json.loads(_export(system))["v_number"] == V  # the other person is still whole
