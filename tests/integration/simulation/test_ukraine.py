"""The simulator emits the agency's Ukraine support (issue 28, point 3): the two kinds, in the
rules table's windows, at rates set by the parameters, and without moving any other figure."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.rules import RulesTable
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.replications import import_feed, persons_of_the_year
from terugkeer.simulation.runner import simulate
from tests.integration.simulation.worlds import small_world

THIRD_FROM, THIRD_UNTIL = date(2022, 11, 15), date(2024, 3, 4)  # rules.toml, ukraine_support
RETURN_FROM = date(2022, 3, 4)
#: An independent departure leaves at most this long after its support (base.toml, outcomes).
LEAVING_DAYS = 14


def _shares(params: Parameters, *, home: float, third: float) -> Parameters:
    ukraine = params.ukraine.model_copy(update={
        "return_share": params.ukraine.return_share.model_copy(update={"value": home}),
        "third_country_share": params.ukraine.third_country_share.model_copy(
            update={"value": third}),
    })  # fmt: skip
    return params.model_copy(update={"ukraine": ukraine})


@pytest.fixture(scope="module")
def small() -> Parameters:
    """2022 to mid-2024 at a sixth of the inflow: both schemes' starts and the end in seconds."""
    return small_world(load_parameters(), per_year=3000)


def _events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _day(event: dict[str, Any]) -> date:
    return datetime.fromisoformat(event["occurred_at"]).astimezone(AMSTERDAM).date()


def _support(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "support_granted" and e["data"]["kind"] == kind]


def _run(params: Parameters, out: Path, *, rules: RulesTable | None = None, seed: int = 4) -> Path:
    simulate(params, date(2023, 1, 1), date(2024, 6, 30), seed, out, rules=rules)
    return out


@pytest.fixture(scope="module")
def feed(small: Parameters, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return _events(_run(small, tmp_path_factory.mktemp("ukraine") / "feed.jsonl"))


def test_third_country_support_only_while_the_scheme_was_open(
    feed: list[dict[str, Any]],
) -> None:
    days = [_day(e) for e in _support(feed, "ukraine_third_country")]
    assert len(days) > 50
    assert min(days) >= THIRD_FROM
    assert max(days) < THIRD_UNTIL  # nothing on or after 4 March 2024
    assert max(days) >= date(2024, 2, 1)  # it ran until the end, not short of it


def test_ukrainians_are_helped_home_from_spring_2022_on_and_after_the_scheme_ended(
    feed: list[dict[str, Any]],
) -> None:
    ukrainians = {e["v_number"] for e in feed
                  if e["type"] == "intake" and e["data"]["nationality"] == "UKR"}  # fmt: skip
    home = _support(feed, "ukraine_return")
    assert home and {e["v_number"] for e in home} <= ukrainians
    assert min(_day(e) for e in home) >= RETURN_FROM
    assert max(_day(e) for e in home) >= THIRD_UNTIL  # the help home goes on
    third = {e["v_number"] for e in _support(feed, "ukraine_third_country")}
    assert not third & ukrainians


def test_each_supported_person_departs_independently_soon_after(
    feed: list[dict[str, Any]],
) -> None:
    """The support is granted by the agency in an open case, which the person's independent
    departure then closes (EVENTS.md: no support without an open case)."""
    departed = {e["v_number"]: e for e in feed
                if e["type"] == "departed" and e["data"]["mode"] == "independent"}  # fmt: skip
    supported = [*_support(feed, "ukraine_return"), *_support(feed, "ukraine_third_country")]
    for event in supported:
        assert event["source"] == "DTENV"
        departure = departed[event["v_number"]]
        assert 0 <= (_day(departure) - _day(event)).days <= LEAVING_DAYS


def test_every_other_line_is_the_same_with_or_without_the_support(
    small: Parameters, tmp_path: Path
) -> None:
    """The Ukraine stream is aside: taking its lines out leaves the feed without it byte for
    byte (ids too), so inflow, closings, departures, caseload and every other figure stay."""
    with_it = _run(small, tmp_path / "with.jsonl")
    without = _run(_shares(small, home=0, third=0), tmp_path / "without.jsonl")
    lines = with_it.read_text().splitlines()
    aside = [line for line in lines if '"id":"sim-4-ua' in line]
    assert len(aside) > 50
    assert all('"type":"support_granted"' in line for line in aside)
    assert [line for line in lines if line not in aside] == without.read_text().splitlines()


def test_the_key_figures_of_a_year_do_not_move(tmp_path: Path) -> None:
    """What the published report counts, from two imported stores of the same seed: the
    support is stored (every line is accepted) and no key figure of 2023 changes."""
    first, last = date(2023, 1, 1), date(2023, 12, 31)
    smaller = small_world(load_parameters(), per_year=1500)
    figures = []
    for name, params in (("with", smaller), ("without", _shares(smaller, home=0, third=0))):
        feed, kept = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-kept.jsonl"
        simulate(params, first, last, 6, feed)
        persons_of_the_year(feed, kept, first)
        stored = kept.read_text().count('"kind":"ukraine_third_country"')
        assert (stored > 10) if name == "with" else stored == 0
        (tmp_path / name).mkdir()
        engine = import_feed(kept, tmp_path / name, received=datetime(2024, 1, 1, 12, tzinfo=UTC))
        with engine.connect() as connection:
            figures.append(key_figures(connection, Period(first, last), today=date(2024, 1, 1)))
        engine.dispose()
    assert figures[0].inflow > 1000
    assert figures[0] == figures[1]


def test_the_rates_follow_the_parameters(small: Parameters, tmp_path: Path) -> None:
    """At a share of 1 every independent departure (not a Dublin transfer) in a scheme's
    window is supported; at a quarter, about a quarter of them (whole families share a draw:
    loose bounds)."""
    everyone = _events(_run(_shares(small, home=1, third=1), tmp_path / "all.jsonl"))
    quarter = _events(_run(_shares(small, home=0.25, third=0.25), tmp_path / "quarter.jsonl"))
    for kind in ("ukraine_return", "ukraine_third_country"):
        assert 0.1 < len(_support(quarter, kind)) / len(_support(everyone, kind)) < 0.4
    third = {e["v_number"] for e in _support(everyone, "ukraine_third_country")}
    nationality = {e["v_number"]: e["data"]["nationality"] for e in everyone
                   if e["type"] == "intake"}  # fmt: skip
    clearly_inside = [
        e["v_number"] for e in everyone
        if e["type"] == "departed" and e["data"]["mode"] == "independent"
        and not e["data"].get("dublin_transfer")  # to a member state: not remigration
        and nationality[e["v_number"]] != "UKR"
        and date(2022, 11, 30) <= _day(e) < THIRD_UNTIL
    ]  # fmt: skip
    assert len(clearly_inside) > 100
    assert set(clearly_inside) <= third


def test_the_scheme_s_end_is_the_rules_table_s(small: Parameters, tmp_path: Path) -> None:
    """Move the end in the rules table, and the support ends there."""
    packaged = load_rules().model_dump()
    rows = [row if row["valid_from"] != THIRD_UNTIL else {**row, "valid_from": date(2023, 6, 1)}
            for row in packaged["ukraine_support"]]  # fmt: skip
    rules = RulesTable.model_validate({**packaged, "ukraine_support": rows})
    events = _events(_run(small, tmp_path / "ended.jsonl", rules=rules))
    days = [_day(e) for e in _support(events, "ukraine_third_country")]
    assert days and max(days) < date(2023, 6, 1)


def test_the_demo_s_years_keep_their_support(tmp_path: Path) -> None:
    """The demo keeps only the people who count from its first full year (2024 for a demo
    built in 2026): each support granted from then on is kept with its person."""
    params = small_world(load_parameters(), per_year=3000, warm_up_years=2)
    first = date(2024, 1, 1)
    whole, kept = tmp_path / "whole.jsonl", tmp_path / "kept.jsonl"
    simulate(params, first, date(2024, 12, 31), 5, whole)
    persons_of_the_year(whole, kept, first)
    events, held = _events(whole), _events(kept)
    for kind in ("ukraine_return", "ukraine_third_country"):
        wanted = [e["id"] for e in _support(events, kind) if _day(e) >= first]
        assert wanted
        assert wanted == [e["id"] for e in _support(held, kind) if _day(e) >= first]
    counts = Counter(_day(e).month for e in _support(held, "ukraine_third_country")
                     if _day(e) >= first)  # fmt: skip
    assert set(counts) <= {1, 2, 3}
