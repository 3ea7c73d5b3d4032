"""`terugkeer report annual`: the year's report from the store in the seed's structure, with the
agency's own editorial texts — as HTML, and as a tagged A4 PDF with vector charts; comparisons
with the year before only where the store is complete for it."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import intake, line

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


def _text(page: str) -> str:
    """The page's text, without its markup."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _pdf(url: str, out: Path, *more: str) -> str:
    """The report as a PDF, and the text a reader (pypdf) gets out of it, spaces collapsed."""
    from pypdf import PdfReader

    args = ["report", "annual", "--year", "2023", "--out", str(out), "--database-url", url]
    done = runner.invoke(app, [*args, *more])
    assert done.exit_code == 0, done.output
    return " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())


def test_the_html_report_shows_the_published_figures_and_the_agencys_own_texts(
    store: str, tmp_path: Path
) -> None:
    folder = tmp_path / "editorial"
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "voorwoord.md").write_text("Voor DTenV was 2023 een **goed** jaar.\n")
    (folder / "2023" / "colofon.md").write_text("Dienst Terugkeer en Vertrek, Postbus 164\n")
    (folder / "2023" / "meer-weten.md").write_text("<script>alert(1)</script> Zie de website.\n")
    challenges = tmp_path / "hoofdstuk.md"
    challenges.write_text("## 1. Toenemende juridische complexiteit\n\nDe *eigen* tekst.\n")
    out = tmp_path / "report.html"
    args = ["report", "annual", "--year", "2023", "--out", str(out), "--database-url", store,
            "--editorial-dir", str(folder)]  # fmt: skip
    done = runner.invoke(app, [*args, "--editorial", str(challenges)])
    assert done.exit_code == 0, done.output
    assert "placeholder" not in done.output  # every placeholder section has its text
    page = out.read_text(encoding="utf-8")
    published = _published(store)
    closed = published["closed_procedures"]
    assert isinstance(closed, dict)
    box = _text(page.split('class="kerncijfers"')[1].split("</div>")[0])
    assert f"{published['departure_interviews']} vertrekgesprekken" in box
    assert f"{closed['total']} vertrekprocedures met als resultaat" in box  # tens, or <5
    assert f"{closed['absconded']}x zelfstandig vertrek zonder toezicht" in box
    assert "<5x" in box  # small counts are suppressed, as published
    assert "te weinig om met het jaar ervoor te vergelijken" in page  # no share of a <5
    assert "Voor DTenV was 2023 een <strong>goed</strong> jaar." in page  # as written
    assert "<h4>1. Toenemende juridische complexiteit</h4>" in page  # under the h2 chapter
    assert "Postbus 164" in page and "zoals die op" not in page  # the agency's colophon
    assert "<script>" not in page and "&lt;script&gt;" in page  # its Markdown, not raw HTML
    assert 'src="data:image/svg+xml;base64,' in page  # the roundabout
    people = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    personal = {p["v_number"] for p in people} | {
        p["data"][field] for p in people for field in ("birth_date", "family") if field in p["data"]
    }
    assert len(personal) > len({p["v_number"] for p in people})  # birth dates, families too
    for value in personal:
        assert value not in page, value

    # Ten more intakes in 2023: the report follows the store; without texts, placeholders.
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(intake(f"m-{i}", f"88000000{i:02d}", "2023-06-01T10:00:00+02:00")
                              for i in range(10)) + "\n")  # fmt: skip
    assert runner.invoke(app, ["import", str(more), "--database-url", store]).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    bare = runner.invoke(app, [*args[:-1], str(empty)])
    assert "voorwoord, uitdagingen show a placeholder" in bare.output
    again = out.read_text(encoding="utf-8")
    inflow = _published(store)["inflow"]
    assert f"Er stroomden in 2023 {inflow} personen in" in again
    assert again.count("Nog niet aangeleverd") == 2  # the foreword and the challenges
    assert "2023/voorwoord.md" in again
    assert "zoals die op" in again  # the default colophon names the data's date


def test_the_challenges_file_of_a_year_before_sections_is_still_read(
    store: str, tmp_path: Path
) -> None:
    folder = tmp_path / "editorial"
    folder.mkdir()
    (folder / "2023.en.md").write_text("Our own words on the bottlenecks.\n")
    out = tmp_path / "report.html"
    args = ["report", "annual", "--year", "2023", "--out", str(out), "--lang", "en",
            "--editorial-dir", str(folder), "--database-url", store]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "Our own words on the bottlenecks." in page
    assert page.count("Not yet supplied") == 1  # only the foreword


def test_the_pdf_lists_the_seeds_key_figures_and_compares_only_a_complete_year(
    store: str, tmp_path: Path
) -> None:
    published = _published(store)
    closed = published["closed_procedures"]
    assert isinstance(closed, dict)
    compared = _pdf(store, tmp_path / "compared.pdf")
    assert "2022" in compared  # the store is taken as whole: 2023 is compared with 2022
    assert "Niet vergelijkbaar" not in compared

    why = "zaken gemigreerd op 1 januari 2023"
    done = runner.invoke(
        app, ["db", "complete-from", "2023-01-01", "--why", why, "--database-url", store]
    )
    assert done.exit_code == 0, done.output
    text = _pdf(store, tmp_path / "report.pdf")
    assert "2022" not in text  # no change, difference or figure of the year before
    assert "Niet vergelijkbaar: de gegevens zijn pas vanaf 1 januari 2023 volledig." in text
    assert why not in text  # the operator's own words are not published
    # "Kerncijfers terugkeer 2023" as the seed lists them, from what a reader of the PDF gets.
    for figure in (
        "Kerncijfers terugkeer 2023:",
        f"{published['departure_interviews']} vertrekgesprekken",
        f"{closed['total']} vertrekprocedures met als resultaat:",
        f"{closed['independent_departure']}x zelfstandig vertrek",
        f"{closed['forced_departure']}x gedwongen vertrek",
        f"{closed['absconded']}x zelfstandig vertrek zonder toezicht",
        f"{closed['exit_without_departure']['total']}x uitstroom zonder vertrek",
        f"{published['flights_booked']} geboekte vluchten",
        f"{published['travel_document_requests']} aanvragen voor vervangende reisdocumenten",
    ):
        assert figure in text, figure
    chapters = ("Voorwoord", "Het terugkeerproces in beeld", "Resultaten in vogelvlucht",
                "Terugkeer in cijfers", "Uitstroom zonder vertrek",
                "Samenwerking met herkomstlanden", "Ondersteuning Oekraïners",
                "Remigratiebeleid derdelanders Oekraïne",
                "Uitdagingen en knelpunten", "Verstevigen internationale samenwerking",
                "Meer weten", "Colofon")  # fmt: skip
    for chapter in chapters:
        assert chapter in text, chapter

    # Complete only from mid-2023: the year itself is not whole, and the report says so.
    later = ["db", "complete-from", "2023-07-01", "--why", "migratie", "--database-url", store]
    assert runner.invoke(app, later).exit_code == 0
    out = tmp_path / "report.html"
    args = ["report", "annual", "--year", "2023", "--out", str(out), "--database-url", store]
    assert runner.invoke(app, args).exit_code == 0
    page = _text(out.read_text(encoding="utf-8"))
    assert "Onvolledig: de gegevens zijn pas vanaf 1 juli 2023 volledig" in page
    assert "2022" not in page


def test_the_ukraine_chapters_say_since_when_and_to_the_schemes_end(
    store: str, tmp_path: Path
) -> None:
    people = [f"77000000{i:02d}" for i in range(12)]
    kinds = ["ukraine_return"] * 6 + ["ukraine_third_country"] * 6
    days = ["2022-11-20", *["2023-05-01"] * 5, "2022-11-15", *["2023-06-01"] * 4, "2024-03-04"]
    more = tmp_path / "ukraine.jsonl"
    more.write_text("\n".join(
        [intake(f"u-{i}", v, "2022-11-01T10:00:00+01:00") for i, v in enumerate(people)]
        + [line(f"s-{i}", "support_granted", v, f"{day}T10:00:00+01:00", {"kind": kind}, "IOM")
           for i, (v, kind, day) in enumerate(zip(people, kinds, days, strict=True))]
    ) + "\n")  # fmt: skip
    assert runner.invoke(app, ["import", str(more), "--database-url", store]).exit_code == 0
    out = tmp_path / "report.html"
    args = ["report", "annual", "--year", "2023", "--out", str(out), "--database-url", store]
    assert runner.invoke(app, args).exit_code == 0
    page = _text(out.read_text(encoding="utf-8"))
    # 5 returns in 2023 (published as 10: to tens), 6 since the first; 4 third-country
    # nationals in 2023, 6 from the first to the scheme's last day.
    # Since the scheme began (the rules table), not since the first event the store holds.
    assert "In 2023 waren dit er 10, sinds 4 maart 2022 in totaal 10." in page
    assert "op 4 maart 2024 beëindigd. In 2023 ging het om <5 personen. Van 15 november " in page
    assert "tot en met 4 maart 2024 zijn met behulp van DTenV 10 derdelanders" in page


def test_the_pdf_is_tagged_a4_with_vector_charts_in_english(store: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "report.pdf"
    text = _pdf(store, out, "--lang", "en")
    pdf = PdfReader(out)
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert root["/Lang"] == "en"
    for page in pdf.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4
        assert list(page.images) == []  # the charts are vector graphics, not pictures
    assert "State of implementation 2023" in text and "demonstrable departure rate" in text
    for figure in ("departure interviews", "return procedures ending in:",
                   "booked flights", "requests for replacement travel documents",
                   "Support for Ukrainians", "Challenges and bottlenecks"):  # fmt: skip
        assert figure in text, figure


def test_a_year_without_events_and_a_wrong_file_type(store: str, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["report", "annual", "--year", "1999", "--out",
                                str(tmp_path / "r.html"), "--database-url", store])  # fmt: skip
    assert empty.exit_code == 2 and "no events of 1999" in empty.output
    wrong = runner.invoke(app, ["report", "annual", "--year", "2023", "--out",
                                str(tmp_path / "r.docx"), "--database-url", store])  # fmt: skip
    assert wrong.exit_code == 2 and ".html or .pdf" in wrong.output
