"""Withdrawing an entry from the case page (EVENTS.md v1.1): the director who recorded it or a
team lead, with a reason that is not preselected; the timeline keeps it, struck through."""

from __future__ import annotations

import re

from sqlalchemy import select

from terugkeer.store.tables import access_log, events, withdrawals
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import MINE, Site


def _interview(site: Site, user: str) -> int:
    client = signed_in(site, user)
    page = client.get(f"/cases/{MINE}")
    form = {"csrf_token": csrf_of(page.text), "day": "2023-03-10", "at": "09:30",
            "kind": "first", "stance": "cooperating"}  # fmt: skip
    assert client.post(f"/cases/{MINE}/record/interview", data=form).status_code == 303
    with site.system.engine.connect() as connection:
        return int(connection.execute(
            select(events.c.seq).where(events.c.type == "interview").order_by(events.c.seq.desc())
        ).scalars().first() or 0)  # fmt: skip


def test_the_director_withdraws_their_own_entry_with_a_reason(site: Site) -> None:
    seq = _interview(site, "anna")
    client = signed_in(site, "anna")
    case = client.get(f"/cases/{MINE}").text
    assert f'href="/cases/{MINE}/withdraw/{seq}"' in case
    assert 'href="/cases/{MINE}/withdraw/1"' not in case  # the import's intake is not hers
    form_page = client.get(f"/cases/{MINE}/withdraw/{seq}", follow_redirects=True)
    assert form_page.status_code == 200
    assert re.search(r'<option value="">kies een reden</option>', form_page.text)
    assert " selected" not in form_page.text  # no reason chosen for her
    csrf = csrf_of(form_page.text)
    missing = client.post(f"/cases/{MINE}/withdraw/{seq}", data={"csrf_token": csrf})
    assert missing.status_code == 422 and 'id="withdraw-error"' in missing.text
    done = client.post(f"/cases/{MINE}/withdraw/{seq}",
                       data={"csrf_token": csrf, "reason": "duplicate"})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{MINE}#timeline"
    page = client.get(f"/cases/{MINE}").text
    row = page.split('class="utrecht-table__row withdrawn" data-type="interview"')[1]
    assert '<span class="was">' in row.split("</tr>")[0] and "door anna (dubbel)" in row
    assert f'href="/cases/{MINE}/withdraw/{seq}"' not in page  # withdrawn: no second time
    again = client.post(f"/cases/{MINE}/withdraw/{seq}",
                        data={"csrf_token": csrf, "reason": "duplicate"})  # fmt: skip
    assert again.status_code == 404
    with site.system.engine.connect() as connection:
        assert connection.execute(select(withdrawals.c.seq)).scalars().all() == [seq]
        logged = (
            connection.execute(
                select(access_log.c.actor).where(access_log.c.action == "case.withdraw")
            )
            .scalars()
            .all()
        )
    assert logged == ["anna"]


def test_a_team_lead_may_withdraw_a_directors_entry_and_others_may_not(site: Site) -> None:
    seq = _interview(site, "anna")
    assert signed_in(site, "bram").get(f"/cases/{MINE}/withdraw/{seq}").status_code == 403
    assert signed_in(site, "ana").get(f"/cases/{MINE}/withdraw/{seq}").status_code == 403
    lead = signed_in(site, "lead")
    form_page = lead.get(f"/cases/{MINE}/withdraw/{seq}", follow_redirects=True)
    assert form_page.status_code == 200
    form = {"csrf_token": csrf_of(form_page.text), "reason": "entered_in_error"}
    done = lead.post(f"/cases/{MINE}/withdraw/{seq}", data=form)
    assert done.status_code == 303
