"""The privacy officer's page over real HTTP: a case director reads a case through the real
case page, and the privacy officer's overview and downloads of that person hold the read and
the withdrawn fact (grouped by its sender, to whom a rectification request goes); each look and
download is in the access log the auditor reads; bad input is said next to its field in Dutch
and English; other roles are refused, and the privacy officer gets no case page or worklist."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from terugkeer.services.ingest import ingest_lines
from terugkeer.services.integrity import check_integrity
from terugkeer.services.partners import add_partner
from terugkeer.store.tables import access_log
from terugkeer.web import routes_privacy
from tests.integration.lines import line
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import MINE, Site

REASON = "AVG-2026-0042 art. 15"


def _withdraw_request(site: Site) -> None:
    """The agency withdraws its document request of MINE (w-5): entered in error."""
    retraction = line("w-9", "retracted", MINE, "2023-03-09T10:00:00+01:00",
                      {"event_id": "w-5", "reason": "entered_in_error"})  # fmt: skip
    assert not ingest_lines(site.system, [retraction]).rejected


def test_the_overview_holds_the_directors_read_and_the_withdrawn_fact(site: Site) -> None:
    _withdraw_request(site)
    add_partner(site.system, "kmar-grens", "KMAR", ["departed"], reads=["departed"])
    assert signed_in(site, "anna").get(f"/cases/{MINE}").status_code == 200  # the read
    officer = signed_in(site, "fg")
    start = officer.get("/privacy")
    assert start.status_code == 200 and 'id="subject-form"' in start.text
    assert "Register van verwerkingsactiviteiten (AVG art. 30)" in start.text
    recipients = start.text.split('id="recipients"')[1].split("</ul>")[0]
    assert "ketenpartner <strong>kmar-grens</strong>" in recipients  # the partner configured
    page = officer.post("/privacy", data={"csrf_token": csrf_of(start.text), "v_number": MINE,
                                          "why": REASON})  # fmt: skip
    assert page.status_code == 200, page.text
    facts = page.text.split('data-sender="DTENV"')[1].split("</table>")[0]
    assert "Afzender: DTenV" in facts and "naar de regievoerder of teamleider" in facts
    withdrawn = facts.split('data-id="w-5"')[1].split("</tr>")[0]
    assert "ingetrokken</span>" in withdrawn and "ingetrokken met w-9" in withdrawn
    assert "ten onrechte vastgelegd" in withdrawn
    reads = page.text.split('id="reads"')[1].split("</table>")[0]
    anna = reads.split('data-action="case.read"')[1].split("</tr>")[0]
    assert '<td class="utrecht-table__cell">anna</td>' in anna and "zaak geopend" in anna
    assert 'id="states"' in page.text and "Gereed voor vertrek" in page.text


def test_downloads_as_json_and_pdf_are_logged_for_the_auditor(site: Site) -> None:
    _withdraw_request(site)
    signed_in(site, "anna").get(f"/cases/{MINE}")
    officer = signed_in(site, "fg")
    csrf = csrf_of(officer.get("/privacy").text)
    asked = {"csrf_token": csrf, "v_number": MINE, "why": REASON}
    as_json = officer.post("/privacy/export", data={**asked, "format": "json"})
    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/json")
    assert "attachment" in as_json.headers["content-disposition"]
    assert MINE not in as_json.headers["content-disposition"]  # no V-number in a file name
    found = json.loads(as_json.content)
    [withdrawn] = [e for e in found["events"] if e["withdrawn"]]
    assert withdrawn["id"] == "w-5" and withdrawn["withdrawn"]["by_event_id"] == "w-9"
    assert ("anna", "web", "case.read") in [
        (a["actor"], a["channel"], a["action"]) for a in found["access_log"]
    ]
    assert [(a["director"], a["assigned_by"]) for a in found["assignments"]] == [("anna", "lead")]
    as_pdf = officer.post("/privacy/export", data={**asked, "format": "pdf"},
                          headers={"accept-language": "en"})  # fmt: skip
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf.content))
                             .pages).split())  # fmt: skip
    assert "Sender: DTENV" in text and "withdrawn by w-9" in text and MINE in text
    audit = signed_in(site, "audi").get("/audit", params={"user": "fg"}).text
    exports = audit.split('data-action="subject.export"')[1:]
    assert len(exports) == 2
    assert "alle gegevens over een persoon geëxporteerd" in exports[0]
    assert f"format=pdf; why={REASON}" in exports[0] and MINE in exports[0]
    assert f"format=json; why={REASON}" in exports[1]
    assert check_integrity(site.system).access_log.intact


def test_bad_input_is_said_next_to_its_field_in_the_readers_language(site: Site) -> None:
    officer = signed_in(site, "fg")
    csrf = csrf_of(officer.get("/privacy").text)
    short = officer.post("/privacy", data={"csrf_token": csrf, "v_number": "12345", "why": REASON})
    assert short.status_code == 422
    assert short.text.split('id="e-v_number">')[1].startswith("Een V-nummer heeft 10 cijfers.")
    assert 'value="12345"' in short.text and 'aria-invalid="true"' in short.text
    asked = {"csrf_token": csrf, "v_number": "12345", "why": REASON}
    english = officer.post("/privacy", data=asked, headers={"accept-language": "en"})
    assert english.text.split('id="e-v_number">')[1].startswith("A V-number has 10 digits.")
    unknown = officer.post("/privacy", data={"csrf_token": csrf, "v_number": "1999999999",
                                             "why": REASON})  # fmt: skip
    assert unknown.status_code == 404
    said = unknown.text.split('id="e-v_number">')[1]
    assert said.startswith("Het systeem bewaart geen feiten over dit V-nummer.")
    named = officer.post("/privacy", data={"csrf_token": csrf, "v_number": MINE,
                                           "why": f"verzoek {MINE}"})  # fmt: skip
    assert named.status_code == 422
    assert "geen vijf of meer cijfers" in named.text.split('id="e-why">')[1]
    assert 'id="subject"' not in named.text  # nothing of the person is shown


def test_only_the_privacy_officer_and_the_officer_gets_no_case_or_worklist(site: Site) -> None:
    for name in ("anna", "lead", "ana", "audi", "root"):
        client = signed_in(site, name)
        assert client.get("/privacy").status_code == 403, name
        csrf = csrf_of(client.get("/password").text)
        asked = {"csrf_token": csrf, "v_number": MINE, "why": REASON, "format": "json"}
        refused = client.post("/privacy/export", data=asked)
        assert refused.status_code == 403, name
    officer = signed_in(site, "fg")
    assert officer.get(f"/cases/{MINE}").status_code == 403
    assert officer.get("/").status_code == 403
    forged = officer.post("/privacy", data={"csrf_token": "forged", "v_number": MINE,
                                            "why": REASON})  # fmt: skip
    assert forged.status_code == 403


def test_while_an_export_is_made_the_server_answers_everyone_else(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF of a long record takes seconds: the probes and the other users of the process do
    not wait for it. The export is held until /health has answered (the real export then runs);
    were it made on the event loop, /health could not answer meanwhile."""
    probed = threading.Event()
    real: Callable[..., Any] = routes_privacy.export_subject

    def held(*args: Any, **kwargs: Any) -> Any:
        probed.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(routes_privacy, "export_subject", held)
    officer = signed_in(site, "fg")
    asked = {"csrf_token": csrf_of(officer.get("/privacy").text), "v_number": MINE,
             "why": REASON, "format": "json"}  # fmt: skip
    answers: list[httpx.Response] = []
    exporting = threading.Thread(target=lambda: answers.append(
        officer.post("/privacy/export", data=asked)))  # fmt: skip
    exporting.start()
    try:
        health = httpx.get(f"{site.url}/health", timeout=10)
        assert health.status_code == 200
    finally:
        probed.set()
        exporting.join(timeout=60)
    [export] = answers
    assert export.status_code == 200 and json.loads(export.content)["v_number"] == MINE
    with site.system.engine.connect() as connection:  # made in a thread: still the request's
        logged = connection.execute(
            select(access_log.c.request_id).where(access_log.c.action == "subject.export")
        ).scalar_one()  # fmt: skip
    assert logged == export.headers["x-request-id"]
