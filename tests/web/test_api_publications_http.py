"""The monthly publications over the API, on real HTTP: every token reads them (public data),
newest first with a cursor, each manifest with the SHA-256 of files served byte for byte, and
nothing a manifest does not list; every read in the access log."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from terugkeer.services.partners import add_analyst, add_partner
from terugkeer.services.publication import publish
from terugkeer.store.tables import access_log
from tests.web.server import Site, running_site

MONTHS = (date(2023, 1, 1), date(2023, 2, 1), date(2023, 3, 1))


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "publications"
    with running_site(database_url, cookie_secure=False, publications_dir=root) as running:
        for month in MONTHS:
            publish(running.system, month, root / f"{month:%Y-%m}")
        (root / "2023-02" / "notes.txt").write_text("not published")
        yield running


def _get(site: Site, token: str | None, path: str, **more: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{site.url}{path}", headers=headers, timeout=30, **more)


def test_every_token_lists_the_publications_newest_first_page_by_page(site: Site) -> None:
    coa = add_partner(site.system, "coa", "COA", ["intake"])
    first = _get(site, coa, "/api/v1/publications", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [p["month"] for p in page["items"]] == ["2023-03", "2023-02"]
    assert page["items"][0]["href"] == "/api/v1/publications/2023-03"
    assert page["next"] and 'rel="next"' in first.headers["Link"]
    rest = _get(site, coa, "/api/v1/publications", params={"cursor": page["next"]}).json()
    assert [p["month"] for p in rest["items"]] == ["2023-01"] and rest["next"] is None
    # The cursor of another list is not one of this list.
    events_cursor = "YWZ0ZXI6Mw"  # "after:3", as the person-events list gives
    bad = _get(site, coa, "/api/v1/publications", params={"cursor": events_cursor})
    assert bad.status_code == 400 and bad.json()["invalid-params"][0]["name"] == "query.cursor"
    assert _get(site, None, "/api/v1/publications").status_code == 401


def test_a_manifest_names_each_file_with_the_hash_of_the_bytes_served(site: Site) -> None:
    analyst = add_analyst(site.system, "wodc")
    answer = _get(site, analyst, "/api/v1/publications/2023-02")
    assert answer.status_code == 200, answer.text
    manifest = answer.json()
    on_disk = site.system.settings.publications_dir / "2023-02"
    assert manifest["as_of"] in (on_disk / "manifest.json").read_text()
    assert manifest["chain_head_hash"] in (on_disk / "manifest.json").read_text()
    names = [f["name"] for f in manifest["files"]]
    assert "notes.txt" not in names and any(n.endswith(".csv") for n in names)
    for listed in manifest["files"]:
        served = _get(site, analyst, listed["href"])
        assert served.status_code == 200
        assert hashlib.sha256(served.content).hexdigest() == listed["sha256"]
        assert served.content == (on_disk / listed["name"]).read_bytes()
    csv_file = next(f for f in manifest["files"] if f["name"].endswith(".csv"))
    assert _get(site, analyst, csv_file["href"]).headers["content-type"].startswith("text/csv")


def test_only_what_a_manifest_lists_is_served_and_every_read_is_logged(site: Site) -> None:
    kmar = add_partner(site.system, "kmar", "KMAR", ["location_changed"])
    unlisted = _get(site, kmar, "/api/v1/publications/2023-02/files/notes.txt")
    assert unlisted.status_code == 404
    assert unlisted.headers["content-type"].startswith("application/problem+json")
    assert _get(site, kmar, "/api/v1/publications/2022-12").status_code == 404
    for path in ("/api/v1/publications/2023-13", "/api/v1/publications/2023-02/files/..%2Fx",
                 "/api/v1/publications/2023-02%0A"):  # fmt: skip
        refused = _get(site, kmar, path)
        assert refused.status_code in (400, 404), path
        # Even where the API's mount cannot match the path, the answer is a problem, not a page.
        assert refused.headers["content-type"].startswith("application/problem+json"), path
    _get(site, kmar, "/api/v1/publications")
    with site.system.engine.connect() as connection:
        query = (
            select(access_log.c.action, access_log.c.detail, access_log.c.v_number)
            .where(access_log.c.actor == "kmar")
            .order_by(access_log.c.id)
        )
        logged = list(connection.execute(query))
    # The malformed paths are refused before any read, so they leave no entry.
    assert [(a, d) for a, d, _ in logged] == [
        ("api.publication.file.read.unknown", "2023-02/notes.txt"),
        ("api.publication.read.unknown", "2022-12"),
        ("api.publications.read", "3 publications"),
    ]
    assert all(v is None for _, _, v in logged)  # public data: no person in the log
