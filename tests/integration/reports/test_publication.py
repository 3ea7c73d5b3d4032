"""`terugkeer publish`: the monthly open data computed from the store, rounded and suppressed
as EVENTS.md says, byte for byte the same from the same store, free of personal data; and
`publish verify`, which names what moved and how many events came late."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from terugkeer.chain_events.parse import parse_line
from terugkeer.cli.app import app
from terugkeer.rules.loader import load_rules
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.projector import Projector, head_seq, projected_seq
from tests.integration.lines import departed, import_recorded_at, intake, line

runner = CliRunner()
FIRST = datetime(2024, 1, 1, 12, tzinfo=UTC)  # when the store received the feed
LATE = datetime(2024, 2, 1, 12, tzinfo=UTC)  # and the late messages
MAR, DZA, GONE = 123, 7, 38  # intakes of 2023 by nationality; departures in June 2023


def _v(n: int) -> str:
    return f"{7000000000 + n:010d}"


def _feed() -> list[str]:
    lines = [intake(f"i-{n}", _v(n), "2022-11-01T10:00:00+01:00") for n in range(40)]
    lines += [intake(f"m-{n}", _v(100 + n), "2023-02-01T10:00:00+01:00") for n in range(MAR)]
    lines += [intake(f"d-{n}", _v(300 + n), "2023-02-02T10:00:00+01:00", nationality="DZA")
              for n in range(DZA)]  # fmt: skip
    lines += [line(f"p-{n}", "intake", _v(400 + n), "2023-03-01T10:00:00+01:00",
                   {"nationality": "SYR", "track": "asylum", "family": "fam-9",
                    "birth_date": "1990-05-17"}, source="KMAR") for n in range(3)]  # fmt: skip
    lines += [departed(f"g-{n}", _v(100 + n), "2023-06-10T10:00:00+02:00") for n in range(GONE)]
    lines += [line(f"a-{n}", "absconded", _v(200 + n), "2023-06-11T10:00:00+02:00")
              for n in range(2)]  # fmt: skip
    return lines


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    import_recorded_at(url, _feed(), FIRST)
    return url


def _publish(url: str, out: Path) -> None:
    done = runner.invoke(app, ["publish", "--month", "2023-06", "--out", str(out),
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as text:
        return list(csv.DictReader(text, delimiter=";"))


def test_the_tables_come_from_the_store_rounded_and_suppressed(store: str, tmp_path: Path) -> None:
    out = tmp_path / "pub"
    _publish(store, out)
    inflow = {row["jaar"]: row for row in _rows(out, "instroom")}
    assert list(inflow) == ["2022", "2023"]  # every year in the store, this one to June
    assert inflow["2022"]["overige"] == "40" and inflow["2022"]["totaal"] == "40"
    # 123 + 7 DTENV intakes are "overige": 130; the 3 of KMar are under 5.
    assert inflow["2023"]["overige"] == "130" and inflow["2023"]["KMar"] == "<5"
    assert inflow["2023"]["totaal"] == "130"  # 133 rounded: totals can differ from the parts
    departures = {row["jaar"]: row for row in _rows(out, "vertrek")}["2023"]
    assert departures["zelfstandig vertrek"] == "40"  # 38
    assert departures["zelfstandig vertrek zonder toezicht"] == "<5"  # 2
    assert departures["aantoonbaar vertrek (%)"] == "95,0"  # 38 / 40 of the exact counts
    top = [(r["rang"], r["code"], r["nationaliteit"], r["aantal"])
           for r in _rows(out, "nationaliteiten") if r["jaar"] == "2023"]  # fmt: skip
    assert top == [("1", "MAR", "Marokko", "120"), ("2", "DZA", "Algerije", "10"),
                   ("3", "SYR", "Syrië", "<5")]  # fmt: skip
    month = json.loads((out / "kerncijfers-maand.json").read_text())
    assert month["period"] == {"from": "2023-06-01", "to": "2023-06-30"}
    assert month["closed_procedures"]["independent_departure"] == 40
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["month"] == "2023-06" and manifest["chain_head_hash"]
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert set(manifest["files"]) | {"manifest.json"} == {p.name for p in out.iterdir()}
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for personal in (_v(100), _v(400), "fam-9", "1990-05-17", "1990"):
        assert personal not in everything


def test_the_same_store_gives_the_same_bytes_and_verify_names_what_moved(
    store: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _publish(store, first)
    _publish(store, second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    same = runner.invoke(app, ["publish", "verify", str(first), "--database-url", store])
    assert same.exit_code == 0, same.output
    assert (
        "reproduced byte for byte" in same.stdout and "the store gives the same now" in same.stdout
    )
    late = [departed(f"late-{n}", _v(150 + n), "2023-06-20T10:00:00+02:00") for n in range(5)]
    import_recorded_at(store, late, LATE)  # a partner's late messages about June
    moved = runner.invoke(app, ["publish", "verify", str(first), "--database-url", store])
    assert moved.exit_code == 1
    assert "reproduced byte for byte as known at 2024-01-01T12:00:00.000000Z" in moved.stdout
    assert "(5 events since, 0 of them withdrawing one)" in moved.stdout
    assert "vertrek.json 2023 zelfstandig vertrek: 40 -> 40" not in moved.stdout
    assert "vertrek.json 2023 aantoonbaar vertrek (%): 95.0 -> 95.6" in moved.stdout  # 43/45
    assert "kerncijfers-maand.json" in moved.stdout


def test_a_publication_made_before_a_retraction_is_reproduced_and_verify_names_what_it_moved(
    store: str, tmp_path: Path
) -> None:
    """As known on (EVENTS.md v1.1): the figures published before a retraction still count the
    withdrawn events; the store now counts as if they had never been received."""
    published = tmp_path / "before"
    _publish(store, published)
    withdrawn = [line(f"x-{n}", "retracted", _v(100 + n), "2024-01-20T10:00:00+01:00",
                      {"event_id": f"g-{n}", "reason": "wrong_person"}, source="IOM")
                 for n in range(3)]  # fmt: skip
    import_recorded_at(store, withdrawn, LATE)
    verified = runner.invoke(app, ["publish", "verify", str(published), "--database-url", store])
    assert verified.exit_code == 1
    assert "reproduced byte for byte as known at 2024-01-01T12:00:00.000000Z" in verified.stdout
    assert "(3 events since, 3 of them withdrawing one)" in verified.stdout
    # 38 -> 35 independent departures: the rate moves from 38/40 to 35/37.
    assert "vertrek.json 2023 aantoonbaar vertrek (%): 95.0 -> 94.6" in verified.stdout
    again = tmp_path / "after"
    _publish(store, again)
    departures = {row["jaar"]: row for row in _rows(again, "vertrek")}["2023"]
    assert departures["aantoonbaar vertrek (%)"] == "94,6"


def test_a_withdrawn_event_adds_no_year_to_the_tables(store: str, tmp_path: Path) -> None:
    """An intake dated years too early, withdrawn and sent again: the tables start where the
    events that count start, as if the wrong one had never been received."""
    wrong = [intake("old-1", _v(900), "2019-02-01T10:00:00+01:00"),
             line("old-2", "retracted", _v(900), "2024-01-20T10:00:00+01:00",
                  {"event_id": "old-1", "reason": "entered_in_error"}),
             intake("old-3", _v(900), "2023-02-01T10:00:00+01:00")]  # fmt: skip
    import_recorded_at(store, wrong, LATE)
    out = tmp_path / "pub"
    _publish(store, out)
    assert [row["jaar"] for row in _rows(out, "instroom")] == ["2022", "2023"]


def test_a_wrong_month_or_a_foreign_folder_is_a_sentence(store: str, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["publish", "--month", "2023-13", "--out", str(tmp_path / "x"),
                              "--database-url", store])  # fmt: skip
    assert bad.exit_code == 2 and "not a month YYYY-MM" in bad.output
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    refused = runner.invoke(app, ["publish", "--month", "2023-06", "--out", str(busy),
                                  "--database-url", store])  # fmt: skip
    assert refused.exit_code == 1 and "not empty and holds no publication" in refused.output
    nothing = runner.invoke(app, ["publish", "verify", str(busy), "--database-url", store])
    assert nothing.exit_code == 2 and "holds no readable manifest.json" in nothing.output


def test_the_public_page_lists_publications_and_serves_only_their_files(
    tmp_path: Path,
) -> None:
    from datetime import date

    import httpx

    from terugkeer.services.publication import publish
    from tests.web.server import running_site

    root = tmp_path / "publications"
    url = f"sqlite:///{tmp_path / 'site.db'}"
    with running_site(url, cookie_secure=False, publications_dir=root) as site:
        empty = httpx.get(f"{site.url}/cijfers")
        assert empty.status_code == 200 and "Er is nog niets gepubliceerd." in empty.text
        for month in (date(2023, 1, 1), date(2023, 2, 1)):
            publish(site.system, month, root / f"{month:%Y-%m}")
        (root / "2023-02" / "notes.txt").write_text("not published")
        page = httpx.get(f"{site.url}/cijfers")  # no sign-in
        assert page.status_code == 200
        assert page.text.index("2023-02") < page.text.index("2023-01")  # newest first
        served = httpx.get(f"{site.url}/cijfers/2023-02/instroom.csv")
        assert served.status_code == 200 and served.headers["content-type"].startswith("text/csv")
        assert served.content == (root / "2023-02" / "instroom.csv").read_bytes()
        # Every file the page links is served, the README of the definitions too.
        linked = re.findall(r'href="(/cijfers/[^"]+)"', page.text)
        assert "/cijfers/2023-02/README.md" in linked and len(linked) > 20
        for path in linked:
            assert httpx.get(f"{site.url}{path}").status_code == 200, path
        for path in ("2023-02/notes.txt", "2023-03/instroom.csv", "2023-02/..%2fsite.db",
                     "..%2f..%2fsite.db/x"):  # fmt: skip
            assert httpx.get(f"{site.url}/cijfers/{path}").status_code == 404, path


def test_as_of_a_moment_gives_what_was_published_then_byte_for_byte(
    store: str, tmp_path: Path
) -> None:
    then = tmp_path / "then"
    _publish(store, then)
    import_recorded_at(store, [departed(f"late-{n}", _v(150 + n), "2023-06-20T10:00:00+02:00")
                    for n in range(5)], LATE)  # fmt: skip
    for as_of in ("2024-01-15", "2024-01-01T13:00"):  # Amsterdam time: 12:00 UTC is 13:00
        again = tmp_path / f"again-{as_of.replace(':', '')}"
        done = runner.invoke(app, ["publish", "--month", "2023-06", "--out", str(again),
                                   "--as-of", as_of, "--database-url", store])  # fmt: skip
        assert done.exit_code == 0, done.output
        for path in then.iterdir():
            assert path.read_bytes() == (again / path.name).read_bytes(), (as_of, path.name)
    now = tmp_path / "now"
    _publish(store, now)
    assert (now / "vertrek.csv").read_bytes() != (then / "vertrek.csv").read_bytes()
    too_early = ["--as-of", "2024-01-01T12:59", "--database-url", store]
    early = runner.invoke(
        app, ["publish", "--month", "2023-06", "--out", str(tmp_path / "e"), *too_early]
    )
    assert early.exit_code == 1 and "no event was recorded by then" in early.output


def test_verify_notices_a_changed_file(store: str, tmp_path: Path) -> None:
    out = tmp_path / "pub"
    _publish(store, out)
    table = out / "instroom.csv"
    table.write_text(table.read_text().replace("130", "140"))
    found = runner.invoke(app, ["publish", "verify", str(out), "--database-url", store])
    assert found.exit_code == 1 and "NOT what the events recorded by" in found.stdout
    assert "instroom.csv differ" in found.stdout


def test_key_figures_as_known_on_a_day(store: str) -> None:
    def figures(*more: str) -> dict[str, Any]:
        done = runner.invoke(app, ["report", "key-figures", "--from", "2023-06-01", "--to",
                                   "2023-06-30", "--format", "json", "--database-url", store,
                                   *more])  # fmt: skip
        assert done.exit_code == 0, done.output
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    before = figures()
    import_recorded_at(store, [departed(f"late-{n}", _v(150 + n), "2023-06-20T10:00:00+02:00")
                    for n in range(5)], LATE)  # fmt: skip
    assert figures()["closed_procedures"]["independent_departure"] == GONE + 5
    assert figures("--as-of", "2024-01-31") == before  # the late ones came on 1 February
    assert figures("--as-of", "2024-02-01T13:00") == figures()


def test_a_publication_while_a_projector_is_behind_is_that_of_the_head(
    store: str, tmp_path: Path
) -> None:
    """Late messages appended by a bulk import whose projector has not reached them yet
    (store/projector.py): the publication is still that of the whole chain its manifest
    names, byte for byte the one made once the projector has caught up, and it verifies."""
    late = [departed(f"late-{n}", _v(150 + n), "2023-06-20T10:00:00+02:00") for n in range(5)]
    engine = make_engine(store)
    try:
        importer = EventStore(engine, load_rules(), clock=lambda: LATE)
        importer.project = False
        importer.append([parse_line(text, received_at=LATE) for text in late])
        behind, caught_up = tmp_path / "behind", tmp_path / "caught-up"
        _publish(store, behind)
        with engine.connect() as connection:
            assert projected_seq(connection) == head_seq(connection) - 5
        Projector(engine, load_rules()).catch_up()
        _publish(store, caught_up)
    finally:
        engine.dispose()
    for path in caught_up.iterdir():
        assert path.read_bytes() == (behind / path.name).read_bytes(), path.name
    gone = json.loads((behind / "vertrek.json").read_text())
    assert gone["rows"][-1][-1] == 95.6  # 43 of 45: the five late departures count
    same = runner.invoke(app, ["publish", "verify", str(behind), "--database-url", store])
    assert same.exit_code == 0, same.output
