"""`report key-figures` prints the typed key figures: JSON from the model's dump, tables with
the labels and the numbers (Babel) of the language."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.model import KeyFigures, PublishedKeyFigures
from terugkeer.reports.period import Period
from terugkeer.reports.rounding import rounded
from terugkeer.store.engine import make_engine
from tests.integration.lines import departed, intake, line

runner = CliRunner()
YEAR = ["--from", "2023-01-01", "--to", "2023-12-31"]
PEOPLE, DEPARTED, ABSCONDED = 1234, 81, 119  # demonstrable departure rate 81 / 200 = 40.5%


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("key_figures_cli")
    lines = [intake(f"i-{n}", f"{n:010d}", "2023-03-01T10:00:00+01:00") for n in range(PEOPLE)]
    lines += [departed(f"d-{n}", f"{n:010d}", "2023-05-01T10:00:00+02:00") for n in range(DEPARTED)]
    lines += [
        line(f"a-{n}", "absconded", f"{n:010d}", "2023-06-01T10:00:00+02:00", source="COA")
        for n in range(DEPARTED, DEPARTED + ABSCONDED)
    ]
    feed = folder / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    database_url = f"sqlite:///{folder / 'store.db'}"
    result = runner.invoke(app, ["import", str(feed), "--database-url", database_url])
    assert result.exit_code == 0, result.output
    return database_url


def _report(url: str, *args: str) -> str:
    result = runner.invoke(app, ["report", "key-figures", *YEAR, *args, "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_json_is_the_dump_of_the_model(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        figures = key_figures(connection, Period(date(2023, 1, 1), date(2023, 12, 31)))
    engine.dispose()
    assert isinstance(figures, KeyFigures)
    assert (figures.inflow, figures.closed_procedures.absconded) == (PEOPLE, ABSCONDED)
    assert figures.demonstrable_departure_rate == pytest.approx(0.405)
    exact = json.loads(_report(url, "--format", "json"))
    assert exact == figures.model_dump(mode="json")
    assert list(exact) == list(KeyFigures.model_fields)
    published = rounded(figures)
    assert isinstance(published, PublishedKeyFigures)
    assert json.loads(_report(url, "--format", "json", "--rounded")) == published.model_dump(
        mode="json"
    )
    assert (published.inflow, published.departure_interviews) == (1230, "<5")


def test_the_table_in_dutch_and_in_english(url: str) -> None:
    dutch, english = _report(url), _report(url, "--lang", "en")
    caseload = PEOPLE - DEPARTED - ABSCONDED  # 1,034
    assert re.search(r"Instroom\s+│\s+1\.234 ", dutch)
    assert re.search(r"Caseload \(einde periode\)\s+│\s+1\.034 ", dutch)
    assert re.search(r"Percentage aantoonbaar vertrek\s+│\s+40,5% ", dutch)
    assert re.search(r"Inflow\s+│\s+1,234 ", english)
    assert re.search(rf"Caseload \(end of period\)\s+│\s+{caseload:,} ", english)
    assert re.search(r"Demonstrable departure rate\s+│\s+40\.5% ", english)
    assert "Kerncijfers 2023-01-01 t/m 2023-12-31" in dutch
    assert "Key figures 2023-01-01 to 2023-12-31" in english
    rounded_dutch = _report(url, "--rounded")
    assert re.search(r"Instroom\s+│\s+1\.230 ", rounded_dutch)
    assert re.search(r"Vertrekgesprekken\s+│\s+<5 ", rounded_dutch)


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        ("2023-01-01", "9999-12-31", "--to (9999-12-31) is outside 1990-01-01 to 2199-12-31"),
        ("0001-01-01", "2023-12-31", "--from (0001-01-01) is outside"),
        ("2023-12-31", "2023-01-01", "--to (2023-01-01) is before --from (2023-12-31)"),
    ],
)
def test_a_period_the_store_cannot_hold_is_a_sentence_not_a_traceback(
    url: str, start: str, end: str, said: str
) -> None:
    result = runner.invoke(
        app, ["report", "key-figures", "--from", start, "--to", end, "--database-url", url]
    )
    assert result.exit_code == 2
    assert said in " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)
