"""The typed key figures: the JSON contract of `report key-figures`, frozen and strict models,
labels declared for every field, the published form, and numbers by Babel."""

from __future__ import annotations

import io
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from rich.console import Console

from terugkeer.cli.render_key_figures import key_figures_tables
from terugkeer.reports.labels import LANGUAGES, label_of
from terugkeer.reports.model import KeyFigures, PublishedKeyFigures
from terugkeer.reports.numbers import format_figure, format_number, format_rate
from terugkeer.reports.rounding import publish_count, rounded

EVENTS_MD = Path(__file__).resolve().parents[4] / "shared" / "domain" / "EVENTS.md"

#: The JSON of `report key-figures` (EVENTS.md, "Figures derived from the events"): every key,
#: in order, by dotted path; `top_nationalities` is a list of {nationality, count}.
CONTRACT = [
    "period", "period.from", "period.to",
    "inflow",
    "inflow_by_source", "inflow_by_source.IND", "inflow_by_source.POLITIE",
    "inflow_by_source.KMAR", "inflow_by_source.other",
    "departure_interviews",
    "closed_procedures", "closed_procedures.total", "closed_procedures.independent_departure",
    "closed_procedures.forced_departure", "closed_procedures.absconded",
    "closed_procedures.exit_without_departure",
    "closed_procedures.exit_without_departure.total",
    "closed_procedures.exit_without_departure.asylum_procedure",
    "closed_procedures.exit_without_departure.residence_permit",
    "closed_procedures.exit_without_departure.other",
    "demonstrable_departure", "demonstrable_departure_rate",
    "flights_booked", "travel_document_requests", "nationality_confirmations",
    "dublin", "dublin.transferred", "dublin.member_states", "dublin.expired",
    "caseload",
    "repeated_procedures", "repeated_procedures.with_decision",
    "repeated_procedures.two_or_more_or_pending_share", "repeated_procedures.four_or_more",
    "top_nationalities", "top_nationalities.nationality", "top_nationalities.count",
    "at_emergency_reception",
]  # fmt: skip

#: A period's JSON as `report key-figures --format json` prints it.
SAMPLE: dict[str, Any] = {
    "period": {"from": "2023-01-01", "to": "2023-12-31"},
    "inflow": 19994,
    "inflow_by_source": {"IND": 12000, "POLITIE": 4000, "KMAR": 3990, "other": 4},
    "departure_interviews": 3375,
    "closed_procedures": {
        "total": 2000,
        "independent_departure": 810,
        "forced_departure": 0,
        "absconded": 1190,
        "exit_without_departure": {
            "total": 0,
            "asylum_procedure": 0,
            "residence_permit": 0,
            "other": 0,
        },
    },
    "demonstrable_departure": 810,
    "demonstrable_departure_rate": 0.405,
    "flights_booked": 5,
    "travel_document_requests": 15,
    "nationality_confirmations": 1,
    "dublin": {"transferred": 3, "member_states": 3, "expired": 25},
    "caseload": 1234567,
    "repeated_procedures": {
        "with_decision": 6,
        "two_or_more_or_pending_share": None,
        "four_or_more": 1,
    },
    "top_nationalities": [{"nationality": "MAR", "count": 4}, {"nationality": "DZA", "count": 3}],
    "at_emergency_reception": 2,
}


def _paths(value: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every key, in order; the items of a list share one path."""
    if isinstance(value, list):
        return _paths(value[0], prefix) if value else []
    if not isinstance(value, dict):
        return []
    paths = []
    for key, item in value.items():
        paths += [f"{prefix}{key}", *_paths(item, f"{prefix}{key}.")]
    return paths


def _exact() -> KeyFigures:
    return KeyFigures.model_validate_json(json.dumps(SAMPLE))


def test_the_dump_is_the_json_of_the_report_key_for_key_and_type_for_type() -> None:
    dumped = _exact().model_dump(mode="json")
    assert dumped == SAMPLE
    assert _paths(dumped) == _paths(SAMPLE) == CONTRACT  # same keys in the same order
    assert json.dumps(dumped, ensure_ascii=False) == json.dumps(SAMPLE, ensure_ascii=False)
    assert type(dumped["inflow"]) is int and type(dumped["demonstrable_departure_rate"]) is float


def test_the_contract_names_every_figure_of_events_md() -> None:
    if not EVENTS_MD.exists():
        pytest.skip(f"{EVENTS_MD} is not there")
    section = EVENTS_MD.read_text(encoding="utf-8").split("## Figures derived from the events")[1]
    names = re.findall(r"^\| ([a-zA-Z ]+) \| ", section, flags=re.MULTILINE)
    keys = {name.lower().replace(" ", "_").replace("dublin_", "dublin.") for name in names}
    keys.discard("figure")  # the table's header
    assert len(keys) == 14
    assert keys <= set(CONTRACT) | {"closed_procedures", "repeated_procedures"}
    for source in ("IND", "POLITIE", "KMAR", "other"):  # "also split by `source`"
        assert f"inflow_by_source.{source}" in CONTRACT


def test_the_figures_are_frozen() -> None:
    figures = _exact()
    with pytest.raises(ValidationError, match="frozen"):
        figures.inflow = 1  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        figures.dublin.expired = 1  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        figures.top_nationalities[0].count = 1  # type: ignore[misc]
    assert isinstance(figures.top_nationalities, tuple)  # no append either
    assert hash(figures) == hash(_exact()) and figures == _exact()


def test_counts_are_ints_without_coercion() -> None:
    for bad in ("<5", "12", 12.0, True):
        with pytest.raises(ValidationError):
            KeyFigures.model_validate({**_exact().model_dump(), "inflow": bad})
    with pytest.raises(ValidationError):
        KeyFigures.model_validate({**_exact().model_dump(), "surplus": 1})


def test_a_figure_by_its_json_key() -> None:
    figures = _exact()
    assert figures["caseload"] == 1234567
    assert figures["period"] == {"from": "2023-01-01", "to": "2023-12-31"}
    assert figures["repeated_procedures"] == SAMPLE["repeated_procedures"]


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """`model` and every model its fields hold (directly or as the items of a tuple)."""
    found = [model]
    for field in model.model_fields.values():
        for held in (field.annotation, *typing.get_args(field.annotation)):
            if isinstance(held, type) and issubclass(held, BaseModel):
                found += _models(held)
    return found


@pytest.mark.parametrize("form", [KeyFigures, PublishedKeyFigures])
def test_every_field_has_a_dutch_and_an_english_label(form: type[BaseModel]) -> None:
    labelled = 0
    for model in _models(form):
        for name in model.model_fields:
            label = label_of(model, name)
            assert all(label.text(lang).strip() for lang in LANGUAGES), (model, name)
            assert label.nl != label.en or label.nl in {"Dublin"}, (model, name)
            labelled += 1
    assert labelled == len(CONTRACT)  # one label per key of the JSON, none for anything else
    with pytest.raises(KeyError):
        label_of(form, "no_such_figure")


def test_the_published_form_rounds_exactly_the_counts() -> None:
    published = rounded(_exact())
    assert isinstance(published, PublishedKeyFigures)
    dumped = published.model_dump(mode="json")
    assert _paths(dumped) == CONTRACT
    assert dumped["period"] == SAMPLE["period"]
    assert (dumped["inflow"], dumped["departure_interviews"]) == (19990, 3380)
    assert dumped["inflow_by_source"]["other"] == "<5"
    assert dumped["flights_booked"] == 10  # halves up
    assert dumped["dublin"] == {"transferred": "<5", "member_states": 3, "expired": 30}
    assert dumped["demonstrable_departure_rate"] == 0.405  # from exact counts
    assert dumped["repeated_procedures"]["two_or_more_or_pending_share"] is None
    assert dumped["top_nationalities"] == [
        {"nationality": "MAR", "count": "<5"},
        {"nationality": "DZA", "count": "<5"},
    ]
    assert dumped == _rounded_as_before(SAMPLE)


def _rounded_as_before(figures: dict[str, Any]) -> dict[str, Any]:
    """The rounding of the untyped dictionaries that the model replaced, as the reference."""

    def one(key: str, value: Any) -> Any:
        if key in {"period", "member_states"} or isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return publish_count(value)
        if isinstance(value, dict):
            return _rounded_as_before(value)
        if isinstance(value, list):
            return [one(key, item) for item in value]
        return value

    return {key: one(key, value) for key, value in figures.items()}


def test_numbers_by_babel_in_dutch_and_english() -> None:
    assert (format_number(19990, "nl"), format_number(19990, "en")) == ("19.990", "19,990")
    assert (format_rate(0.405, "nl"), format_rate(0.405, "en")) == ("40,5%", "40.5%")
    assert format_number(1234567.4, "nl") == "1.234.567"
    assert [format_figure(v, "nl") for v in (None, "<5", 7, 2 / 3)] == ["-", "<5", "7", "66,7%"]


def _render(figures: KeyFigures | PublishedKeyFigures, lang: str) -> str:
    console = Console(file=io.StringIO(), width=120)
    for table in key_figures_tables(figures, lang):
        console.print(table)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_the_tables_use_labels_and_numbers_of_the_language() -> None:
    dutch, english = _render(_exact(), "nl"), _render(_exact(), "en")
    assert "Kerncijfers 2023-01-01 t/m 2023-12-31" in dutch
    assert re.search(r"Instroom\s+│\s+19\.994", dutch)
    assert re.search(r"  waarvan IND\s+│\s+12\.000", dutch)
    assert re.search(r"Percentage aantoonbaar vertrek\s+│\s+40,5%", dutch)
    assert re.search(r"Caseload \(einde periode\)\s+│\s+1\.234\.567", dutch)
    assert re.search(r"aandeel ≥2 beslissingen of procedure lopend\s+│\s+-", dutch)
    assert "Key figures 2023-01-01 to 2023-12-31" in english
    assert re.search(r"Inflow\s+│\s+19,994", english)
    assert re.search(r"Demonstrable departure rate\s+│\s+40\.5%", english)
    assert re.search(r"Caseload \(end of period\)\s+│\s+1,234,567", english)
    assert "nationaliteit" in dutch and "nationality" in english
    published = _render(rounded(_exact()), "en")
    assert re.search(r"Inflow\s+│\s+19,990", published)
    assert re.search(r"  of which other\s+│\s+<5", published)
