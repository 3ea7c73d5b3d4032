"""`terugkeer report infographic`: the roundabout's figures come from the period's intakes by
source and the cases closed in it (exit, exit reason, support, stance at the interviews), and
the files — SVG, HTML with the text alternative, PNG, a text version — are written without a
V-number in them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.reports.period import Period
from terugkeer.reports.roundabout.query import roundabout
from terugkeer.store.engine import make_engine
from tests.integration.lines import departed, intake, line

runner = CliRunner()
YEAR = Period(date(2023, 1, 1), date(2023, 12, 31))


def _talk(event_id: str, v: str, day: str, stance: str) -> str:
    return line(event_id, "interview", v, f"2023-{day}T10:00:00+01:00",
                {"kind": "first", "stance": stance})  # fmt: skip


def _support(event_id: str, v: str, kind: str) -> str:
    return line(event_id, "support_granted", v, "2023-02-20T10:00:00+01:00",
                {"kind": kind, "provider": "IOM"}, source="IOM")  # fmt: skip


def _feed(tmp_path: Path) -> tuple[str, list[str]]:
    people = [f"81000000{n:02d}" for n in range(1, 8)]
    a, b, c, d, e, f, g = people
    lines = [intake(f"{v}-i", v, "2023-01-02T10:00:00+01:00") for v in (a, b, c, d, e)]
    lines += [
        line("f-i", "intake", f, "2023-01-03T10:00:00+01:00",
             {"nationality": "MAR", "track": "illegal_stay"}, source="POLITIE"),
        line("g-i", "intake", g, "2022-12-30T10:00:00+01:00",  # before the period: no inflow
             {"nationality": "MAR", "track": "asylum"}, source="KMAR"),
        _talk("a-1", a, "02-01", "cooperating"), _support("a-s", a, "basic_departure"),
        _support("a-r", a, "reintegration"), departed("a-2", a, "2023-03-01T10:00:00+01:00"),
        _talk("b-1", b, "02-01", "not_cooperating"), _talk("b-2", b, "02-20", "cooperating"),
        _support("b-s", b, "basic_departure"), departed("b-3", b, "2023-03-01T10:00:00+01:00"),
        line("c-1", "absconded", c, "2023-03-01T10:00:00+01:00"),
        _talk("d-1", d, "02-01", "not_cooperating"),
        line("d-2", "departed", d, "2023-03-01T10:00:00+01:00",
             {"mode": "forced", "destination": "MAR", "evidence": "escorted"}, source="KMAR"),
        _talk("e-1", e, "02-01", "not_cooperating"),  # still open: not among the exits
        line("f-1", "exit_without_departure", f, "2023-03-01T10:00:00+01:00",
             {"reason": "residence_permit"}),
        departed("g-1", g, "2023-03-02T10:00:00+01:00"),  # no support, no interview
    ]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["import", str(feed), "--database-url", url]).exit_code == 0
    return url, people


def test_the_figures_of_a_hand_made_history(tmp_path: Path) -> None:
    url, _ = _feed(tmp_path)
    engine = make_engine(url)
    with engine.connect() as connection:
        found = roundabout(connection, YEAR)
    engine.dispose()
    assert dict(found.inflow) == {"IND": 0, "POLITIE": 1, "KMAR": 0, "other": 5}
    assert dict(found.exits) == {"absconded": 1, "independent": 3, "forced": 1, "exit": 1}
    assert dict(found.exit_reasons) == {"asylum_procedure": 0, "residence_permit": 1, "other": 0}
    # a had basic and reintegration support: counted once, as reintegration
    assert dict(found.support) == {"reintegration": 1, "basic_departure": 1, "none": 1}
    shown = {key: n for key, n in found.stances.items() if n}
    assert shown == {("cooperating", "independent"): 1, ("after_all", "independent"): 1,
                     ("no_interview", "independent"): 1, ("no_interview", "absconded"): 1,
                     ("not_cooperating", "forced"): 1, ("no_interview", "exit"): 1}  # fmt: skip


def test_the_files(tmp_path: Path) -> None:
    url, people = _feed(tmp_path)
    out = tmp_path / "figure"
    done = runner.invoke(app, ["report", "infographic", "--from", "2023-01-01", "--to",
                               "2023-12-31", "--out", str(out), "--lang", "en",
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "infographic.html", "infographic.png", "infographic.svg", "infographic.txt"]  # fmt: skip
    svg = (out / "infographic.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'role="img"' in svg and "Removal process" in svg
    page = (out / "infographic.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<svg" in page and "<script" not in page
    assert '<table id="roundabout-numbers">' in page and "cooperating after all" in page
    text = (out / "infographic.txt").read_text(encoding="utf-8").splitlines()
    assert text[1] == "1 January 2023 to 31 December 2023"
    assert "Inflow (return procedures opened): 6" not in text  # published: <5 or tens
    assert "Inflow (return procedures opened): 10" in text
    assert "    reintegration support: <5" in text
    assert (out / "infographic.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for v in people:
        assert all(v not in path.read_text(errors="ignore") for path in out.iterdir())


def test_a_period_without_inflow_or_exits_is_refused(tmp_path: Path) -> None:
    url, _ = _feed(tmp_path)
    done = runner.invoke(app, ["report", "infographic", "--from", "2021-01-01", "--to",
                               "2021-12-31", "--out", str(tmp_path / "x"),
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 2
    assert "nothing to draw" in done.output
    assert not (tmp_path / "x").exists()


def test_the_annual_reports_pdf_carries_the_same_picture_as_text(tmp_path: Path) -> None:
    from pypdf import PdfReader

    url, _ = _feed(tmp_path)
    out = tmp_path / "report.pdf"
    done = runner.invoke(app, ["report", "annual", "--year", "2023", "--out", str(out),
                               "--lang", "en", "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    pdf = PdfReader(out)
    text = " ".join(page.extract_text() for page in pdf.pages)
    for words in ("Removal process", "legally removable", "valid travel document",
                  "Departure without supervision", "cooperating after all"):  # fmt: skip
        assert words in text, words
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in pdf.pages
        for xobject in (page["/Resources"].get("/XObject") or {}).values()
        for font in ((xobject.get_object().get("/Resources") or {}).get("/Font") or {}).values()
    }
    assert any("Fira-Sans" in font for font in fonts)  # the picture's text in the pages' font


def test_the_png_is_drawn_from_inside_a_running_event_loop_too() -> None:
    """Playwright's sync API refuses a running asyncio loop (an async caller, or a process whose
    browser tests started one): the PNG is then drawn in a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from terugkeer.reports.svg_png import png_of_svg

    square = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'

    async def draw() -> bytes:
        return png_of_svg(square, 10)

    # A thread of its own, so that the loop is this test's whatever the process already runs
    # (a pytest worker whose browser tests started one, where asyncio.run itself would refuse).
    with ThreadPoolExecutor(max_workers=1) as thread:
        drawn = thread.submit(asyncio.run, draw()).result()
    assert drawn[:4] == b"\x89PNG"
