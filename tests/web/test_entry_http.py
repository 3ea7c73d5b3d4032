"""Entry that cannot go wrong (issue 27, point 4), over HTTP on SQLite and PostgreSQL: a form
is stored at most once, says what it stored, keeps what was typed next to a specific error,
reads Dutch dates and amounts, preselects no judgement, offers the case's own references,
asks before storing an unlikely entry, and corrects an entry in one step."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from terugkeer.chain_events.parse import parse_line
from terugkeer.services.recording import own_id
from terugkeer.store.event_store import Outcome
from terugkeer.store.tables import events, withdrawals
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import FAMILY, MINE, Site, caseload, running_site


def _count(site: Site, event_type: str | None = None) -> int:
    query = select(func.count()).select_from(events)
    if event_type:
        query = query.where(events.c.type == event_type)
    with site.system.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _form(client: httpx.Client, path: str) -> tuple[str, dict[str, str]]:
    """The form page at `path` and its hidden fields (CSRF token, submission key)."""
    page = client.get(path, follow_redirects=True)  # to its address with a submission key
    assert page.status_code == 200, page.text
    key = page.text.split('name="submission" value="')[1].split('"')[0]
    return page.text, {"csrf_token": csrf_of(page.text), "submission": key}


def _data(site: Site, seq: int) -> dict[str, object]:
    with site.system.engine.connect() as connection:
        body = connection.execute(select(events.c.body).where(events.c.seq == seq)).scalar_one()
    data: dict[str, object] = json.loads(body)["data"]
    return data


def _seq(answer: httpx.Response) -> int:
    found = re.search(r"recorded=(\d+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found.group(1))


INTERVIEW = {"day": "10-03-2023", "at": "09:30", "kind": "first", "stance": "cooperating"}


def test_a_double_submission_is_stored_once_and_shows_the_first_result(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/interview")
    before = _count(site)
    first = anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW})
    again = anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW})
    assert first.status_code == again.status_code == 303
    assert _count(site) == before + 1
    assert again.headers["location"] == f"/cases/{MINE}?recorded={_seq(first)}&again=same"
    note = anna.get(again.headers["location"]).text
    assert "Dit formulier was al opgeslagen; er is niets nieuws opgeslagen." in note
    changed = anna.post(f"/cases/{MINE}/record/interview",
                        data={**hidden, **INTERVIEW, "stance": "not_cooperating"})  # fmt: skip
    assert changed.headers["location"].endswith(f"recorded={_seq(first)}&again=changed")
    assert "uw wijzigingen zijn niet opgeslagen" in anna.get(changed.headers["location"]).text
    assert _count(site) == before + 1  # a changed resubmission stores nothing either
    assert _data(site, _seq(first))["stance"] == "cooperating"


def test_after_recording_the_page_says_what_and_marks_the_entry(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/interview")
    answer = anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW})
    page = anna.get(answer.headers["location"]).text
    note = page.split('id="recorded-note"')[1].split("</div>")[0]
    assert "Vastgelegd: vertrekgesprek van 10 mrt 2023 09:30" in note
    assert "houding: meewerkend" in note
    marked = re.findall(r'<tr class="[^"]*just-recorded"[^>]*aria-current="true"[^>]*>', page)
    assert len(marked) == 1 and 'data-type="interview"' in marked[0]
    assert "just-recorded" not in anna.get(f"/cases/{MINE}").text  # only right after it


def test_an_error_is_said_next_to_its_field_and_keeps_what_was_typed(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/travel_document_valid")
    before = _count(site)
    answer = anna.post(f"/cases/{MINE}/record/travel_document_valid", data={
        **hidden, "day": "31-02-2023", "at": "14u30", "kind": "passport",
        "valid_until": "30-06-24",
    })  # fmt: skip
    assert answer.status_code == 422 and _count(site) == before
    page = answer.text
    assert (
        '<p class="utrecht-form-field-error-message" id="e-day">31-02-2023 is geen bestaande dag'
        in page
    )
    assert re.search(
        r'id="f-day"[^>]*value="31-02-2023" aria-invalid="true" aria-describedby="e-day h-day"',
        page,
    )
    assert 'id="e-at">geef de tijd als 14:30' in page
    assert re.search(r'id="f-at"[^>]*value="14u30"', page)
    assert 'id="e-valid_until">geef de datum als dag-maand-jaar, bijvoorbeeld 31-12-2023' in page
    assert re.search(r'<option value="passport" selected>', page)  # the choice is kept too
    assert page.count('href="#f-') == 3  # the summary at the top leads to each field
    assert "<title>Niet opgeslagen: " in page
    assert answer.text.count(hidden["submission"]) == 1  # the same key: a fix is the same form


def test_dutch_dates_and_amounts_and_the_date_pickers(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/support_granted")
    answer = anna.post(f"/cases/{MINE}/record/support_granted", data={
        **hidden, "day": "9-3-2023", "at": "8.15", "kind": "reintegration",
        "amount_eur": "1.500,00",
    })  # fmt: skip
    assert answer.status_code == 303, answer.text
    assert _data(site, _seq(answer))["amount_eur"] == 1500.0
    _, hidden = _form(anna, f"/cases/{MINE}/record/support_granted")
    wrong = anna.post(f"/cases/{MINE}/record/support_granted", data={
        **hidden, "day": "2023-03-09", "kind": "basic_departure", "amount_eur": "1.5",
    })  # fmt: skip
    assert wrong.status_code == 422  # 1.5 on a Dutch page is neither 15 nor 1,5: asked again
    assert 'id="e-amount_eur">geef het bedrag als getal, bijvoorbeeld 1.500,00' in wrong.text
    english = signed_in(site, "anna")
    english.cookies.set("lang", "en")
    _, hidden = _form(english, f"/cases/{MINE}/record/support_granted")
    answer = english.post(f"/cases/{MINE}/record/support_granted", data={
        **hidden, "day": "2023-03-09", "kind": "basic_departure", "amount_eur": "1,250.50",
    })  # fmt: skip
    assert answer.status_code == 303 and _data(site, _seq(answer))["amount_eur"] == 1250.5


def test_no_judgement_comes_preselected(site: Site) -> None:
    anna = signed_in(site, "anna")
    for event_type in ("interview", "departed", "exit_without_departure", "document_answered"):
        page, _ = _form(anna, f"/cases/{MINE}/record/{event_type}")
        selects = re.findall(r"<select[^>]*required[^>]*>(.*?)</select>", page, re.S)
        assert selects, event_type
        for options in selects:
            assert options.strip().startswith('<option value="">kies…</option>'), options
            assert " selected" not in options
    _, hidden = _form(anna, f"/cases/{MINE}/record/interview")
    answer = anna.post(f"/cases/{MINE}/record/interview",
                       data={**hidden, "day": "10-03-2023", "kind": "first"})  # fmt: skip
    assert answer.status_code == 422 and 'id="e-stance">kies houding' in answer.text


def test_references_are_picked_from_the_case(site: Site) -> None:
    anna = signed_in(site, "anna")
    page, hidden = _form(anna, f"/cases/{MINE}/record/document_answered")
    reference = page.split('id="f-reference"')[1].split("</select>")[0]
    assert (
        '<option value="lp-1">lp-1: laissez-passer, aangevraagd 3 januari 2023</option>'
        in reference
    )
    answer = anna.post(f"/cases/{MINE}/record/document_answered",
                       data={**hidden, "day": "10-03-2023", "reference": "lp-1",
                             "result": "confirmed"})  # fmt: skip
    assert answer.status_code == 303
    page, _ = _form(anna, f"/cases/{MINE}/record/document_answered")
    assert '<optgroup label="al beantwoord of geannuleerd"><option value="lp-1">' in page
    assert "Dit dossier heeft niets openstaands om te kiezen." in page
    _, hidden = _form(anna, f"/cases/{MINE}/record/flight_booked")
    anna.post(f"/cases/{MINE}/record/flight_booked", data={
        **hidden, "day": "10-03-2023", "reference": "kl-1234", "date": "01-04-2023",
        "destination": "MAR", "escort": "kmar",
    })  # fmt: skip
    page, _ = _form(anna, f"/cases/{MINE}/record/flight_cancelled")
    assert '<option value="kl-1234">kl-1234: vlucht van 1 april 2023 naar Marokko</option>' in page


def test_an_unlikely_entry_asks_for_a_confirmation_and_says_why(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/travel_document_valid")
    expired = {**hidden, "day": "10-03-2023", "kind": "passport", "valid_until": "01-02-2023"}
    before = _count(site)
    asked = anna.post(f"/cases/{MINE}/record/travel_document_valid", data=expired)
    assert asked.status_code == 422 and _count(site) == before
    doubt = asked.text.split('id="record-doubt"')[1].split("</div>")[0]
    assert "het reisdocument is verlopen op 1 februari 2023" in doubt
    confirmation = asked.text.split('name="confirmation" value="')[1].split('"')[0]
    assert (
        'id="f-confirmation"' in asked.text
        and " checked" not in asked.text.split("f-confirmation")[1][:80]
    )
    done = anna.post(f"/cases/{MINE}/record/travel_document_valid",
                     data={**expired, "confirmation": confirmation})  # fmt: skip
    assert done.status_code == 303 and _count(site) == before + 1
    # A flight in the past, for the whole family: asked once, for every member.
    family = f"/families/{FAMILY}/record/flight_booked"
    _, hidden = _form(anna, family)
    flight = {**hidden, "day": "10-03-2023", "reference": "kl-9", "date": "01-03-2023",
              "destination": "MAR", "escort": "none"}  # fmt: skip
    asked = anna.post(family, data=flight)
    assert asked.status_code == 422
    assert "de vlucht is op 1 maart 2023, en die dag is voorbij" in asked.text
    confirmation = asked.text.split('name="confirmation" value="')[1].split('"')[0]
    done = anna.post(family, data={**flight, "confirmation": confirmation})
    assert done.headers["location"] == f"/families/{FAMILY}?recorded=flight_booked"
    assert (
        "Vastgelegd voor elk gezinslid: vlucht geboekt." in anna.get(done.headers["location"]).text
    )
    again = anna.post(family, data={**flight, "confirmation": confirmation})
    assert again.headers["location"].endswith("&again=same")
    assert _count(site, "flight_booked") == 2  # one per member, once


def test_a_second_answer_to_a_request_asks_first(site: Site) -> None:
    anna = signed_in(site, "anna")
    for expected in (303, 422):
        _, hidden = _form(anna, f"/cases/{MINE}/record/document_answered")
        answer = anna.post(f"/cases/{MINE}/record/document_answered",
                           data={**hidden, "day": "10-03-2023", "reference": "lp-1",
                                 "result": "refused"})  # fmt: skip
        assert answer.status_code == expected
    assert "aanvraag lp-1 heeft al een antwoord" in answer.text


def test_correcting_an_entry_withdraws_it_and_records_the_right_one_once(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/interview")
    wrong = _seq(anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW}))
    case = anna.get(f"/cases/{MINE}").text
    assert f'href="/cases/{MINE}/correct/{wrong}"' in case
    assert f'href="/cases/{MINE}/correct/1"' not in case  # the import's intake is a partner's
    page, hidden = _form(anna, f"/cases/{MINE}/correct/{wrong}")
    assert '<h1 class="nl-heading nl-heading--level-1">Verbeteren: vertrekgesprek</h1>' in page
    assert 'value="10-03-2023"' in page and 'value="09:30"' in page
    assert (
        '<option value="cooperating" selected>' in page
        and '<option value="first" selected>' in page
    )
    reasons = page.split('id="f-reason"')[1].split("</select>")[0]
    assert '<option value="">kies een reden</option>' in reasons and " selected" not in reasons
    fixed = {**hidden, **INTERVIEW, "stance": "not_cooperating"}
    before = _count(site)
    missing = anna.post(f"/cases/{MINE}/correct/{wrong}", data=fixed)
    assert missing.status_code == 422 and 'id="e-reason">kies reden' in missing.text
    assert 'value="not_cooperating" selected' in missing.text  # kept as typed
    done = anna.post(f"/cases/{MINE}/correct/{wrong}", data={**fixed, "reason": "entered_in_error"})
    assert done.status_code == 303 and done.headers["location"].endswith("&again=corrected")
    assert _count(site) == before + 2  # the retraction and the corrected fact, together
    assert _data(site, _seq(done))["stance"] == "not_cooperating"
    note = anna.get(done.headers["location"]).text
    assert "Verbeterd: vertrekgesprek van 10 mrt 2023 09:30" in note
    again = anna.post(
        f"/cases/{MINE}/correct/{wrong}", data={**fixed, "reason": "entered_in_error"}
    )
    assert again.status_code == 303 and _seq(again) == _seq(done) and _count(site) == before + 2
    with site.system.engine.connect() as connection:
        assert connection.execute(select(withdrawals.c.seq)).scalars().all() == [wrong]
    # Not one's own entry, nor a partner's: no correcting.
    assert signed_in(site, "bram").get(f"/cases/{MINE}/correct/{_seq(done)}").status_code == 403
    assert anna.get(f"/cases/{MINE}/correct/1").status_code == 404
    lead = signed_in(site, "lead")
    assert lead.get(f"/cases/{MINE}/correct/{_seq(done)}", follow_redirects=True).status_code == 200


def test_a_withdrawal_submitted_twice_withdraws_once(site: Site) -> None:
    anna = signed_in(site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/interview")
    seq = _seq(anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW}))
    _, hidden = _form(anna, f"/cases/{MINE}/withdraw/{seq}")
    for _ in range(2):
        answer = anna.post(f"/cases/{MINE}/withdraw/{seq}", data={**hidden, "reason": "duplicate"})
        assert answer.status_code == 303
    assert _count(site, "retracted") == 1


@pytest.fixture
def demo_site(database_url: str) -> Iterator[Site]:
    """The pages on a store of synthetic events only, as the demo builds (ids 'sim-')."""
    synthetic = [text.replace('"id": "w-', '"id": "sim-1-w-') for text in caseload()]
    with running_site(database_url, cookie_secure=False, lines=synthetic) as running:
        yield running


def test_every_form_works_on_a_synthetic_store(demo_site: Site) -> None:
    anna = signed_in(demo_site, "anna")
    _, hidden = _form(anna, f"/cases/{MINE}/record/interview")
    answer = anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW})
    assert answer.status_code == 303, answer.text
    seq = _seq(answer)
    with demo_site.system.engine.connect() as connection:
        ids = connection.execute(select(events.c.id).order_by(events.c.seq)).scalars().all()
    assert ids[-1] == f"sim-dtenv-{hidden['submission']}"  # demo data like the rest
    _, hidden = _form(anna, f"/cases/{MINE}/correct/{seq}")
    fixed = {**hidden, **INTERVIEW, "kind": "follow_up", "reason": "entered_in_error"}
    assert anna.post(f"/cases/{MINE}/correct/{seq}", data=fixed).status_code == 303
    with demo_site.system.engine.connect() as connection:
        newest = connection.execute(select(events.c.id).order_by(events.c.seq)).scalars().all()
    assert all(i.startswith("sim-") for i in newest) and len(newest) == len(ids) + 2


def test_a_real_store_records_its_own_ids_and_still_refuses_synthetic_ones(site: Site) -> None:
    assert own_id(site.system, "abc") == "dtenv-abc"
    text = json.dumps({"id": "sim-dtenv-abc", "type": "interview", "v_number": MINE,
                       "occurred_at": "2023-03-10T09:30+01:00", "source": "DTENV",
                       "data": {"kind": "first", "stance": "cooperating"}})  # fmt: skip
    [result] = site.system.store.append([parse_line(text, received_at=site.system.clock())])
    assert result.outcome is Outcome.REJECTED and "synthetic event" in (result.error or "")


def test_going_back_to_a_form_brings_its_key_back(site: Site) -> None:
    """Pages are never cached, so Back fetches the form again: its key is in its address."""
    anna = signed_in(site, "anna")
    opened = anna.get(f"/cases/{MINE}/record/interview")
    assert opened.status_code == 303
    address = opened.headers["location"]
    key = address.split("?submission=")[1]
    first = anna.get(address).text
    assert f'name="submission" value="{key}"' in first
    hidden = {"csrf_token": csrf_of(first), "submission": key}
    stored = anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW})
    back = anna.get(address).text  # Back, then submit again
    assert f'name="submission" value="{key}"' in back
    again = anna.post(f"/cases/{MINE}/record/interview", data={**hidden, **INTERVIEW})
    assert again.headers["location"] == stored.headers["location"] + "&again=same"
    fresh = anna.get(f"/cases/{MINE}/record/interview").headers["location"]
    assert fresh != address  # a new visit to the form is a new form
    bad = anna.get(f"/cases/{MINE}/record/interview?submission=../x")
    assert bad.status_code == 303 and "../x" not in bad.headers["location"]
