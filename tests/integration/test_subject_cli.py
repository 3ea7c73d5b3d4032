"""`terugkeer subject export` and `terugkeer privacy register` for the privacy officer at the
server: the export holds the person's withdrawn fact and the reads of their case, it is logged
with the user, the request's reference and the operating-system user; a V-number the store does
not hold is said, not exported empty; the register lists the partners configured. On SQLite and
PostgreSQL."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from typer.testing import CliRunner

from terugkeer.bootstrap import bootstrap
from terugkeer.cli.app import app
from terugkeer.domain.permissions import Role
from terugkeer.services.cases import Access, case_file
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_partner
from terugkeer.services.users import add_user
from terugkeer.services.webhooks import subscribe
from terugkeer.settings import Settings
from terugkeer.store.tables import access_log
from tests.integration.lines import line

runner = CliRunner()
V = "6100000001"


def _store(database_url: str) -> None:
    system = bootstrap(Settings(database_url=database_url))
    add_user(system, "fg", Role.PRIVACY_OFFICER, None, "the officer's own passphrase")
    add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", "the director's own passphrase")
    add_partner(system, "dji-bewaring", "DJI", ["detention_started"], reads=["detention_started"])
    subscribe(system, "dji-bewaring", "https://dji.example/hook", ["detention_started"])
    assert not ingest_lines(system, [
        line("i-1", "intake", V, "2023-12-01T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="IND"),
        line("d-1", "detention_started", V, "2023-12-20T10:00:00+01:00", {"ground": "vw59"},
             source="DJI"),
        line("d-2", "retracted", V, "2024-01-02T10:00:00+01:00",
             {"event_id": "d-1", "reason": "entered_in_error"}, source="DJI"),
    ]).rejected  # fmt: skip
    case_file(system, v_number=V, on=system.today(),
              reader=Access("anna", "cli", "case.read", "desk-7", V))  # fmt: skip
    system.close()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_subject_export_as_json_and_pdf_is_logged(database_url: str, tmp_path: Path) -> None:
    _store(database_url)
    code, out, _ = _run("subject", "export", V, "--by", "fg", "--why", "AVG-2026-7 art. 15",
                        "--database-url", database_url)  # fmt: skip
    assert code == 0
    found = json.loads(out)
    [withdrawn] = [e for e in found["events"] if e["withdrawn"]]
    assert withdrawn["id"] == "d-1" and withdrawn["withdrawn"]["reason"] == "entered_in_error"
    assert ("anna", "case.read", "desk-7") in [
        (a["actor"], a["action"], a["origin"]) for a in found["access_log"]
    ]
    pdf = tmp_path / "inzage.pdf"
    code, out, _ = _run("subject", "export", V, "--by", "fg", "--why", "AVG-2026-7 art. 15",
                        "--format", "pdf", "--out", str(pdf),
                        "--database-url", database_url)  # fmt: skip
    assert code == 0 and "access log" in out
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Afzender: DJI" in text and "in bewaring gesteld" in text and "ingetrokken" in text
    system = bootstrap(Settings(database_url=database_url), migrate=False)
    with system.engine.connect() as connection:
        rows = connection.execute(
            select(access_log.c.actor, access_log.c.channel, access_log.c.detail)
            .where(access_log.c.action == "subject.export", access_log.c.v_number == V)
        ).all()  # fmt: skip
    system.close()
    user = getpass.getuser()
    assert [tuple(r) for r in rows] == [
        ("fg", "cli", f"format=json; os_user={user}; why=AVG-2026-7 art. 15"),
        ("fg", "cli", f"format=pdf; os_user={user}; why=AVG-2026-7 art. 15"),
    ]


def test_an_export_written_to_a_file_is_readable_by_its_owner_only(
    database_url: str, tmp_path: Path
) -> None:
    """The file holds everything on one person: not for the other users of the machine, not
    under the usual umask, not when it overwrites a file that was readable."""
    _store(database_url)
    earlier = tmp_path / "earlier.json"
    earlier.write_text("{}", encoding="utf-8")
    earlier.chmod(0o644)
    before = os.umask(0o022)
    try:
        for out in (tmp_path / "inzage.json", earlier):
            code, _, _ = _run("subject", "export", V, "--by", "fg", "--why", "AVG-2026-7 art. 15",
                              "--out", str(out), "--database-url", database_url)  # fmt: skip
            assert code == 0
            assert out.stat().st_mode & 0o777 == 0o600
            assert json.loads(out.read_text(encoding="utf-8"))["v_number"] == V
    finally:
        os.umask(before)


def test_refusals_say_why(database_url: str) -> None:
    _store(database_url)
    code, out, err = _run("subject", "export", "6199999999", "--by", "fg", "--why", "AVG-1",
                          "--database-url", database_url)  # fmt: skip
    assert code == 1 and out == "" and "no events are stored for this V-number" in err
    code, _, err = _run("subject", "export", V, "--by", "anna", "--why", "AVG-1",
                        "--database-url", database_url)  # fmt: skip
    assert code == 1 and "no 'subject_access read' permission" in err
    code, _, err = _run("subject", "export", V, "--by", "fg", "--why", f"verzoek {V}",
                        "--database-url", database_url)  # fmt: skip
    assert code == 1 and "five or more digits" in err
    code, _, err = _run("subject", "export", "Jan Jansen", "--by", "fg", "--why", "AVG-1",
                        "--database-url", database_url)  # fmt: skip
    assert code == 1 and "a V-number is 10 digits" in err
    system = bootstrap(Settings(database_url=database_url), migrate=False)
    with system.engine.connect() as connection:
        logged = connection.execute(
            select(access_log.c.v_number, access_log.c.action)
            .where(access_log.c.action.like("subject.%")).order_by(access_log.c.seq)
        ).all()  # fmt: skip
    system.close()
    assert [tuple(r) for r in logged] == [
        ("6199999999", "subject.export.unknown"),
        (V, "subject.export.refused"),
    ]  # nothing of the malformed V-number or the refused reference reached the log


def test_the_register_lists_the_configured_partner_and_its_webhook(database_url: str) -> None:
    _store(database_url)
    code, out, _ = _run("privacy", "register", "--format", "json", "--database-url", database_url)
    assert code == 0
    found = json.loads(out)
    recipients = {(r["kind"], r["name"]): r["receives"] for r in found["recipients"]}
    assert recipients[("partner", "dji-bewaring")] == ["detention_started"]
    assert recipients[("webhook", "dji-bewaring")] == ["detention_started"]
    assert recipients[("role", "privacy_officer")] == ["subject_access read"]
    detention = next(c for c in found["data"] if c["event_type"] == "detention_started")
    assert detention["fields"] == ["ground", "location"] and "art10" in detention["special"]
    assert found["retention"]["person_years"] == 5 and found["retention"]["per_category"] is None
    assert found["security"]["pseudonym_key"] is False  # the test store has none: said so
    code, out, _ = _run("privacy", "register", "--lang", "en", "--database-url", database_url)
    assert code == 0 and out.startswith("# Register of processing activities (GDPR art. 30)")
    assert "- partner `dji-bewaring`: detention_started" in out


def test_users_add_makes_a_privacy_officer_who_may_export(database_url: str) -> None:
    _store(database_url)
    made = runner.invoke(app, ["users", "add", "fg2", "--role", "privacy_officer",
                               "--database-url", database_url],
                         input="a one-time passphrase\n")  # fmt: skip
    assert made.exit_code == 0 and "added fg2 (privacy_officer)" in made.stdout
    code, out, _ = _run("subject", "export", V, "--by", "fg2", "--why", "AVG-2026-8",
                        "--database-url", database_url)  # fmt: skip
    assert code == 0 and json.loads(out)["made_by"] == "fg2"
