"""The roundabout as a pure function of its figures: arrow widths follow the volumes (with a
least width), every exit and removal condition is named in both languages, the text alternative
carries exactly the numbers of the picture, labels stay readable at A4 and do not overlap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from importlib import resources

import pytest

from terugkeer.reports.roundabout.drawing import (
    A4_TEXT_WIDTH_PT,
    COLOURS,
    MAX_BAND,
    MIN_BAND,
    VIEW_WIDTH,
    picture,
    published_in,
    roundabout_svg,
)
from terugkeer.reports.roundabout.model import EXITS, STANCES, Roundabout
from terugkeer.reports.roundabout.text import lines, stance_table, text_html, text_lines

SVG = "{http://www.w3.org/2000/svg}"


def figures(**changes: object) -> Roundabout:
    stances = {(s, way): 0 for s in STANCES for way in EXITS}
    stances |= {
        ("cooperating", "independent"): 2_770,
        ("after_all", "independent"): 50,
        ("not_cooperating", "independent"): 460,
        ("not_cooperating", "forced"): 2_330,
        ("not_cooperating", "absconded"): 5_040,
        ("no_interview", "exit"): 4_750,
    }
    values: dict[str, object] = {
        "start": date(2023, 1, 1), "end": date(2023, 12, 31),
        "inflow": {"IND": 11_760, "POLITIE": 2_640, "KMAR": 870, "other": 2_250},
        "exits": {"absconded": 5_040, "independent": 3_280, "forced": 2_330, "exit": 4_750},
        "exit_reasons": {"asylum_procedure": 2_770, "residence_permit": 870, "other": 1_110},
        "support": {"reintegration": 770, "basic_departure": 790, "none": 1_720},
        "stances": stances,
    }  # fmt: skip
    values |= changes
    return Roundabout(**values)  # type: ignore[arg-type]


def exact(count: int) -> str:
    return str(count)


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in parsed(svg).iter(f"{SVG}text")]


def band_width(svg: str, colour: str) -> float:
    """The stroke width of the (first) band drawn in `colour`."""
    for path in parsed(svg).iter(f"{SVG}path"):
        if path.get("stroke") == colour:
            return float(path.get("stroke-width", "0"))
    raise AssertionError(f"no band in {colour}")


def test_arrow_widths_follow_the_volumes_on_one_scale() -> None:
    data = figures()
    svg = roundabout_svg(data, "nl", exact)
    scale = MAX_BAND / data.total_inflow  # the inflow is the largest volume here
    for way in ("absconded", "independent", "forced", "exit"):
        assert band_width(svg, COLOURS[way]) == pytest.approx(data.exits[way] * scale, abs=0.05)
    absconded, forced = (band_width(svg, COLOURS[w]) for w in ("absconded", "forced"))
    assert absconded / forced == pytest.approx(5_040 / 2_330, rel=0.01)


def test_a_small_flow_keeps_the_least_width_and_an_empty_one_is_not_drawn() -> None:
    exits = {"absconded": 5_040, "independent": 3_280, "forced": 3, "exit": 0}
    svg = roundabout_svg(figures(exits=exits), "en", exact)
    assert band_width(svg, COLOURS["forced"]) == MIN_BAND
    with pytest.raises(AssertionError, match="no band"):
        band_width(svg, COLOURS["exit"])


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("nl", ["Zelfstandig vertrek", "Gedwongen vertrek", "Uitzetproces",
                "Zelfstandig vertrek zonder toezicht", "Uitstroom zonder vertrek",
                "juridisch uitzetbaar", "beschikbaar", "in bewaring gesteld",
                "geldig reisdocument", "herintegratieondersteuning", "basisvertrekondersteuning",
                "asielprocedure", "verblijfsvergunning", "IND", "Politie", "KMar",
                "werkt mee aan vertrek", "werkt niet mee", "alsnog meewerken", "Bestemming"]),
        ("en", ["Independent departure", "Forced departure", "Removal process",
                "Departure without supervision", "Outflow without departure",
                "legally removable", "available", "in detention", "valid travel document",
                "reintegration support", "basic departure support", "asylum procedure",
                "residence permit", "IND", "Police", "KMar", "cooperating with departure",
                "not cooperating", "cooperating after all", "Destination"]),
    ],
)  # fmt: skip
def test_every_exit_and_condition_is_named(lang: str, names: list[str]) -> None:
    written = " | ".join(texts(roundabout_svg(figures(), lang)))
    missing = [name for name in names if name not in written]
    assert missing == []


def test_the_svg_is_an_accessible_image_in_its_language() -> None:
    root = parsed(roundabout_svg(figures(), "en"))
    assert root.get("role") == "img" and root.get("lang") == "en"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "1 January 2023 to 31 December 2023" in (title.text or "")
    assert "17,520" in (desc.text or "") and "5,040" in (desc.text or "")


def test_the_text_alternative_has_the_numbers_of_the_picture() -> None:
    data = figures()
    svg = roundabout_svg(data, "nl", exact)
    counts = [t for t in texts(svg) if not t.startswith("=")]  # not the legend's scale
    drawn = {n for t in counts for n in re.findall(r"\d+", t)} - {"1", "2", "3", "4"}
    told = {str(line.count) for line in lines(data, "nl")}
    told |= {str(n) for _, counts in stance_table(data, "nl")[1] for n in counts}
    # every number the picture writes is in the text version (the period's dates and the
    # removal conditions' numbers aside)
    assert drawn - {"2023", "31"} <= told
    # and every part of the text version's list is in the picture
    assert {str(line.count) for line in lines(data, "nl")} <= drawn
    plain = "\n".join(text_lines(data, "nl", exact))
    assert "werkt mee (vanaf het eerste gesprek)" in plain and "alsnog meewerken" in plain
    assert "<td>2770</td>" in text_html(data, "nl", exact)


def test_published_numbers_round_to_tens_and_hide_small_counts() -> None:
    data = figures(support={"reintegration": 3, "basic_departure": 1_234, "none": 2_043})
    written = texts(roundabout_svg(data, "nl", published_in("nl")))
    assert "<5" in written and "1.230" in written and "2.040" in written
    assert "1234" not in " ".join(written)


def test_labels_are_at_least_9_pt_when_the_report_fits_the_picture_to_its_text_width() -> None:
    root = parsed(roundabout_svg(figures(), "nl"))
    view_width = float(root.get("viewBox", "").split()[2])
    assert view_width == VIEW_WIDTH
    sizes = [float(t.get("font-size", "0")) for t in root.iter(f"{SVG}text")]
    assert min(sizes) * A4_TEXT_WIDTH_PT / view_width >= 9.0


def test_the_text_width_is_that_of_the_annual_reports_page() -> None:
    """A4 less the side margins of the report's @page rule: if the report's margins change,
    this says to look again at the picture's smallest label."""
    page = (resources.files("terugkeer.reports") / "templates" / "annual.html").read_text()
    margins = re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*([^;]+);", page)
    assert margins is not None
    sides = [float(m) for m in re.findall(r"([\d.]+)mm", margins.group(1))]
    right, left = sides[1], sides[3] if len(sides) == 4 else sides[1]
    assert pytest.approx((210 - left - right) / 25.4 * 72) == A4_TEXT_WIDTH_PT


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(
    "data",
    [
        figures(),
        figures(inflow={"IND": 0, "POLITIE": 0, "KMAR": 0, "other": 0}),
        figures(inflow={"IND": 123_456, "POLITIE": 88_888, "KMAR": 77_777, "other": 99_999},
                exits={"absconded": 188_888, "independent": 177_777, "forced": 166_666,
                       "exit": 155_555}),
    ],
    ids=["2023", "no-inflow", "six-digits"],
)  # fmt: skip
def test_no_label_overlaps_another_or_leaves_the_picture(data: Roundabout, lang: str) -> None:
    drawn = picture(data, lang, exact)
    boxes = [(label.text, label.box()) for label in drawn.labels]
    for text, (left, top, right, bottom) in boxes:
        assert left >= 0 and right <= VIEW_WIDTH, text
        assert top >= 0 and bottom <= drawn.height, text
    clashes = [
        (a, b)
        for i, (a, (l1, t1, r1, b1)) in enumerate(boxes)
        for b, (l2, t2, r2, b2) in boxes[i + 1 :]
        if l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1
    ]
    assert clashes == []


def test_the_same_figures_give_the_same_bytes() -> None:
    assert roundabout_svg(figures(), "nl") == roundabout_svg(figures(), "nl")
