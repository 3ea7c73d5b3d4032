"""The family page: members side by side, and one action recorded for every member at once."""

from __future__ import annotations

from sqlalchemy import func, select

from terugkeer.store.tables import events
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import CHILD, FAMILY, MINE, Site


def _count(site: Site, event_type: str) -> int:
    with site.system.engine.connect() as connection:
        query = select(func.count()).select_from(events).where(events.c.type == event_type)
        return connection.execute(query).scalar_one()


def test_family_page_shows_every_member(site: Site) -> None:
    page = signed_in(site, "anna").get(f"/families/{FAMILY}")
    assert page.status_code == 200
    assert f'data-v="{MINE}"' in page.text and f'data-v="{CHILD}"' in page.text
    assert page.text.count('data-condition="legally_removable"') == 2
    assert signed_in(site, "bram").get(f"/families/{FAMILY}").status_code == 403
    assert signed_in(site, "anna").get("/families/no-such-family").status_code == 404


def test_a_family_interview_records_one_event_per_member(site: Site) -> None:
    client = signed_in(site, "anna")
    token = csrf_of(client.get(f"/families/{FAMILY}").text)
    answer = client.post(f"/families/{FAMILY}/record/interview", data={
        "csrf_token": token, "day": "2023-03-10", "at": "10:00", "kind": "first",
        "stance": "cooperating"})  # fmt: skip
    assert answer.status_code == 303
    assert _count(site, "interview") == 2
    for member in (MINE, CHILD):
        assert "vertrekgesprek" in client.get(f"/cases/{member}").text


def test_a_whole_batch_with_one_rejected_event_stores_nothing(site: Site) -> None:
    from terugkeer.chain_events.parse import parse_line
    from tests.integration.lines import line

    batch = [
        parse_line(line(f"x-{v}", "location_changed", v, at, {"kind": "azc"}),
                   received_at=site.system.clock())
        for v, at in ((MINE, "2023-03-05T10:00:00+01:00"), (CHILD, "2022-12-01T10:00:00+01:00"))
    ]  # fmt: skip
    outcomes = site.system.store.append(batch, actor="anna", whole=True)
    assert [o.outcome.value for o in outcomes] == ["accepted", "rejected"]
    assert _count(site, "location_changed") == 1  # MINE's from the caseload only
