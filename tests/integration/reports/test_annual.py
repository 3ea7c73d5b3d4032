"""`terugkeer report annual`: the year's report from the store, in the seed's structure, with
the agency's own editorial text — as HTML, and as a tagged A4 PDF with vector charts."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import intake

runner = CliRunner()
FIXTURE = Path(__file__).parents[2] / "e2e" / "fixtures" / "key_figures_people.jsonl"


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["import", str(FIXTURE), "--database-url", url]).exit_code == 0
    return url


def _published(url: str) -> dict[str, object]:
    args = ["report", "key-figures", "--from", "2023-01-01", "--to", "2023-12-31", "--rounded",
            "--format", "json", "--database-url", url]  # fmt: skip
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _box(page: str) -> str:
    """The key figures box, without its markup."""
    box = page.split('class="kerncijfers"')[1].split("</section>")[0]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", box).split()))


def test_the_html_report_shows_the_published_figures_and_the_editorial_text(
    store: str, tmp_path: Path
) -> None:
    editorial = tmp_path / "2023.md"
    editorial.write_text("## 1. Toenemende juridische complexiteit\n\nDe *eigen* tekst.\n")
    out = tmp_path / "report.html"
    args = ["report", "annual", "--year", "2023", "--out", str(out), "--database-url", store]
    done = runner.invoke(app, [*args, "--editorial", str(editorial)])
    assert done.exit_code == 0, done.output
    page = out.read_text(encoding="utf-8")
    published = _published(store)
    closed = published["closed_procedures"]
    assert isinstance(closed, dict)
    box = _box(page)
    assert f"{published['departure_interviews']} vertrekgesprekken" in box
    assert f"{closed['total']} vertrekprocedures" in box  # published: tens, or <5
    assert f"{closed['absconded']}x zelfstandig vertrek zonder toezicht" in box
    assert "<5x" in box  # small counts are suppressed, as published
    assert "te weinig om met het jaar ervoor te vergelijken" in page  # no share of a <5
    assert "<h2>1. Toenemende juridische complexiteit</h2>" in page  # included as written
    assert "<em>eigen</em>" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the roundabout and the monthly chart
    people = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    personal = {p["v_number"] for p in people} | {
        p["data"][field] for p in people for field in ("birth_date", "family") if field in p["data"]
    }
    assert len(personal) > len({p["v_number"] for p in people})  # birth dates, families too
    for value in personal:
        assert value not in page, value

    # Ten more intakes in 2023: the report follows the store.
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(intake(f"m-{i}", f"88000000{i:02d}", "2023-06-01T10:00:00+02:00")
                              for i in range(10)) + "\n")  # fmt: skip
    assert runner.invoke(app, ["import", str(more), "--database-url", store]).exit_code == 0
    runner.invoke(app, args)
    again = out.read_text(encoding="utf-8")
    inflow = _published(store)["inflow"]
    assert f"Er stroomden in 2023 {inflow} personen in" in again
    assert "geen redactionele tekst" in again  # and without its file, says so


def test_the_pdf_is_tagged_a4_with_vector_charts_in_english(store: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "report.pdf"
    args = ["report", "annual", "--year", "2023", "--out", str(out), "--lang", "en",
            "--database-url", store]  # fmt: skip
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    pdf = PdfReader(out)
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert root["/Lang"] == "en"
    for page in pdf.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4
        assert list(page.images) == []  # the charts are vector graphics, not pictures
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "State of implementation 2023" in text and "demonstrable departure rate" in text


def test_a_year_without_events_and_a_wrong_file_type(store: str, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["report", "annual", "--year", "1999", "--out",
                                str(tmp_path / "r.html"), "--database-url", store])  # fmt: skip
    assert empty.exit_code == 2 and "no events of 1999" in empty.output
    wrong = runner.invoke(app, ["report", "annual", "--year", "2023", "--out",
                                str(tmp_path / "r.docx"), "--database-url", store])  # fmt: skip
    assert wrong.exit_code == 2 and ".html or .pdf" in wrong.output
