"""The dashboard and the API on a store that is whole only from 1 January 2023 (issue 28), over
real HTTP: no change against 2022 is shown, "not comparable" and the line why are; the trends
leave 2022's months out; the key figures say from when the store is whole. A store without
the day shows the changes as before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from terugkeer.services.completeness import set_complete_from
from terugkeer.services.partners import add_analyst, add_partner
from terugkeer.services.publication import publish
from tests.integration.lines import intake
from tests.web.conftest import signed_in
from tests.web.server import Site, caseload, running_site

WHY = "caseload migrated whole"
#: Two intakes in the warm-up: against 2022, 4 intakes would read "+2 (+100,0%)".
WARM_UP = [intake(f"old-{n}", f"10000001{n:02d}", "2022-02-14T10:00:00+01:00") for n in range(2)]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=False,
                      lines=caseload() + WARM_UP,
                      publications_dir=tmp_path / "publications") as running:  # fmt: skip
        yield running


def _row(page: str, figure: str) -> list[str]:
    row = page.split(f'data-figure="{figure}"')[1].split("</tr>")[0]
    return re.findall(r'numeric-column">([^<]*)<', row)


def test_without_the_day_the_dashboard_compares_as_before(site: Site) -> None:
    page = signed_in(site, "ana").get("/dashboard", params={"from": "2023-01-01",
                                                            "to": "2023-03-10"}).text  # fmt: skip
    assert _row(page, "inflow") == ["4", "0", "+4", "2", "+2 (+100,0%)"]
    assert 'id="not-comparable"' not in page and 'id="trends-left-out"' not in page
    assert 'id="cohort-not-comparable"' not in page


def test_no_comparison_with_2022_and_the_note_why(site: Site) -> None:
    set_complete_from(site.system, date(2023, 1, 1), by="ops", why=WHY)
    client = signed_in(site, "ana")
    page = client.get("/dashboard", params={"from": "2023-01-01", "to": "2023-03-10"}).text
    inflow = _row(page, "inflow")
    assert inflow == ["4", "0", "niet vergelijkbaar", "2", "niet vergelijkbaar"]
    assert "100,0%" not in page
    assert "Niet vergelijkbaar: de gegevens zijn pas vanaf 1 januari 2023 volledig." in page
    assert WHY not in page  # a fixed sentence: the operator's free text is not shown
    assert "Deze periode begint zelf" not in page  # this period itself is whole
    # The trends start in January 2023: 2022's months are left out, and the page says so.
    assert "De maanden vóór 1 januari 2023 zijn weggelaten." in page
    inflow_table = page.split('id="chart-inflow"')[1].split("</table>")[0]
    assert "2022" not in inflow_table and "jan 2023" in inflow_table
    # "Unanswered after 12 months" follows the requests of March 2021 to March 2022.
    morocco = page.split('data-country="MAR"')[1].split("</tr>")[0]
    assert morocco.endswith("niet vergelijkbaar</td>")
    assert "volgt aanvragen van vóór 1 januari 2023" in page

    # February against January is comparable; against February 2022 not.
    february = client.get("/dashboard", params={"from": "2023-02-01", "to": "2023-02-28"}).text
    assert _row(february, "inflow") == ["0", "4", "-4 (-100,0%)", "2", "niet vergelijkbaar"]
    english = client.get("/dashboard", params={"from": "2022-01-01", "to": "2022-12-31"},
                         headers={"accept-language": "en"}).text  # fmt: skip
    assert "This period itself starts before that day" in english
    assert english.count('src="data:image/svg+xml;base64,') == 1  # only the Dublin chart


def test_the_api_says_whether_the_period_is_comparable(site: Site) -> None:
    analyst = add_analyst(site.system, "wodc")
    coa = add_partner(site.system, "coa", "COA", ["intake"])

    def figures(token: str, start: str, end: str, **more: str) -> dict[str, object]:
        answer = httpx.get(f"{site.url}/api/v1/key-figures", timeout=30,
                           params={"from": start, "to": end, **more},
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert answer.status_code == 200, answer.text
        found: dict[str, object] = answer.json()
        return found

    before = figures(coa, "2022-01-01", "2022-12-31")
    assert (before["complete_from"], before["comparable"]) == (None, True)
    assert list(before)[-3:] == ["at_emergency_reception", "complete_from", "comparable"]
    set_complete_from(site.system, date(2023, 1, 1), by="ops", why=WHY)
    old = figures(analyst, "2022-01-01", "2022-12-31", exact="true")
    assert (old["inflow"], old["complete_from"], old["comparable"]) == (2, "2023-01-01", False)
    new = figures(coa, "2023-01-01", "2023-03-10")
    assert (new["complete_from"], new["comparable"]) == ("2023-01-01", True)
    assert WHY not in str(old)  # the operator's words stay in the store

    # A publication names the day it was made with; the schema documents both fields.
    root = site.system.settings.publications_dir
    publish(site.system, date(2023, 2, 1), root / "2023-02")
    manifest = httpx.get(f"{site.url}/api/v1/publications/2023-02", timeout=30,
                         headers={"Authorization": f"Bearer {coa}"}).json()  # fmt: skip
    assert manifest["complete_from"] == "2023-01-01"
    schemas = httpx.get(f"{site.url}/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("KeyFigures", "PublishedKeyFigures"):
        assert {"complete_from", "comparable"} <= set(schemas[name]["required"]), name
    assert "complete_from" in schemas["PublicationOut"]["properties"]
