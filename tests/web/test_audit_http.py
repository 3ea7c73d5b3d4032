"""The auditor's access log over HTTP: Amsterdam time, action names in the reader's language,
paging, impossible filters refused next to their field, and a CSV export that is logged."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from tests.web.conftest import signed_in
from tests.web.server import MINE, THEIRS, Site


def _log(site: Site, *entries: tuple[datetime, Access]) -> None:
    with writing(site.system.engine) as connection:
        for at, access in entries:
            record(connection, access, at)


def test_local_time_and_action_names_in_the_readers_language(site: Site) -> None:
    winter = datetime(2023, 3, 1, 9, 15, 30, tzinfo=UTC)  # 10:15:30 in Amsterdam
    summer = datetime(2023, 7, 1, 9, 15, 30, tzinfo=UTC)  # 11:15:30 in Amsterdam
    _log(site, (winter, Access("anna", "web", "case.read", "10.0.0.1", MINE)),
         (summer, Access("anna", "web", "case.read.refused", "10.0.0.1", THEIRS)))  # fmt: skip
    auditor = signed_in(site, "audi")
    page = auditor.get("/audit", params={"user": "anna"}).text
    assert "1 mrt 2023 10:15:30" in page and "1 jul 2023 11:15:30" in page
    assert "zaak geopend</td>" in page and "zaak geopend (geweigerd)" in page
    assert "(UTC)" not in page
    english = auditor.get("/audit", params={"user": "anna"},
                          headers={"accept-language": "en"}).text  # fmt: skip
    assert "opened a case (refused)" in english and "1 Jul 2023 11:15:30" in english


def test_a_backup_and_a_restore_are_named_in_words(site: Site) -> None:
    """Who copied every case, and who replaced the store: the auditor reads it, not a code."""
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    _log(site, (at, Access("beheer", "cli", "store.backup", "host-1", detail="events=7 years=1")),
         (at, Access("beheer", "cli", "store.restore", "host-1", detail="verified")))  # fmt: skip
    auditor = signed_in(site, "audi")
    page = auditor.get("/audit", params={"user": "beheer"}).text
    assert "de hele opslag naar een back-up gekopieerd</td>" in page
    assert "de hele opslag uit een back-up teruggezet</td>" in page
    english = auditor.get("/audit", params={"user": "beheer"},
                          headers={"accept-language": "en"}).text  # fmt: skip
    assert "copied the whole store into a backup" in english


def test_paging_goes_back_in_time_without_gaps_or_repeats(site: Site) -> None:
    start = datetime(2023, 1, 1, 8, tzinfo=UTC)
    _log(site, *[(start + timedelta(minutes=n), Access("bot", "web", "case.read", "h", MINE))
                 for n in range(120)])  # fmt: skip
    auditor = signed_in(site, "audi")
    seen: list[str] = []
    url = "/audit?user=bot"
    for _ in range(4):  # 120 entries: three pages of 50 at most
        page = auditor.get(url).text
        seen += [row.split("<time datetime=\"")[1].split('"')[0]
                 for row in page.split('data-action="case.read"')[1:]]  # fmt: skip
        if "Oudere regels" not in page:
            break
        older = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        url = older.replace("&amp;", "&")
    assert len(seen) == 120 and len(set(seen)) == 120 and seen == sorted(seen, reverse=True)


def test_an_impossible_filter_is_said_next_to_its_field(site: Site) -> None:
    auditor = signed_in(site, "audi")
    reversed_ = auditor.get("/audit", params={"since": "2023-03-10", "until": "2023-03-01"})
    assert reversed_.status_code == 422
    said = reversed_.text.split('id="e-until">')[1].split("</p>")[0]
    assert said == "De einddatum ligt vóór de begindatum."
    assert 'aria-describedby="e-until"' in reversed_.text and 'value="2023-03-01"' in reversed_.text
    bad = auditor.get("/audit", params={"since": "31-02-2023"})
    assert bad.status_code == 422 and "dd-mm-jjjj" in bad.text.split('id="e-since">')[1]
    short = auditor.get("/audit", params={"case": "12345"})
    assert short.status_code == 422 and "10 cijfers" in short.text
    dutch = auditor.get("/audit", params={"since": "01-03-2023", "until": "10-03-2023"})
    assert dutch.status_code == 200  # typed as a Dutch user types a date
    assert (
        auditor.get(
            "/audit/export.csv", params={"since": "2023-03-10", "until": "2023-03-01"}
        ).status_code
        == 422
    )


def test_the_export_is_the_current_filter_and_is_logged(site: Site) -> None:
    _log(
        site,
        (datetime(2023, 3, 1, 9, tzinfo=UTC), Access("anna", "web", "case.read", "10.0.0.1", MINE)),
        (datetime(2023, 3, 5, 9, tzinfo=UTC), Access("anna", "web", "case.read", "h", MINE)),
        (datetime(2023, 3, 5, 9, tzinfo=UTC), Access("bram", "web", "case.read", "h", THEIRS)),
    )
    auditor = signed_in(site, "audi")
    page = auditor.get("/audit", params={"user": "anna", "since": "2023-03-02"}).text
    link = page.split('id="export" href="')[1].split('"')[0].replace("&amp;", "&")
    answer = auditor.get(link)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][0] == "time (Europe/Amsterdam)" and len(rows) == 2  # the 5 March one only
    assert rows[1][:5] == ["2023-03-05T10:00:00+01:00", "anna", "web", "case.read",
                           "zaak geopend"]  # fmt: skip
    log = auditor.get("/audit", params={"user": "audi"}).text
    exported = log.split('data-action="access_log.export"')[1].split("</tr>")[0]
    assert "toegangslog geëxporteerd" in exported and "rows=1; user=anna; 2023-03-02.." in exported


def test_only_the_auditor(site: Site) -> None:
    for name in ("anna", "lead", "ana", "root"):
        client = signed_in(site, name)
        assert client.get("/audit").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403


def test_impossible_addresses_get_a_page_not_a_server_error(site: Site) -> None:
    auditor = signed_in(site, "audi")
    for params in ({"since": "0001-01-01"}, {"until": "31-12-9999"}):
        answer = auditor.get("/audit", params=params)
        assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
        assert auditor.get("/audit/export.csv", params=params).status_code == 422
    far = auditor.get("/audit", params={"before": "99999999999999999999"})
    assert far.status_code == 200  # an impossible row id: the newest page
    director = signed_in(site, "anna")
    assert director.get("/", params={"page": "\u00b2"}).status_code == 400  # a superscript two


def test_the_export_keeps_a_formula_from_running_in_a_spreadsheet(site: Site) -> None:
    at = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    _log(site, (at, Access("anna", "web", "case.read", "10.0.0.1", MINE,
                           detail='=HYPERLINK("http://x")')))  # fmt: skip
    exported = signed_in(site, "audi").get("/audit/export.csv", params={"user": "anna"}).text
    rows = list(csv.reader(io.StringIO(exported)))
    detail = rows[0].index("detail")  # the request id (0017) is the column after it
    details = [row[detail] for row in rows[1:] if row[3] == "case.read"]
    assert details == ['\'=HYPERLINK("http://x")']
