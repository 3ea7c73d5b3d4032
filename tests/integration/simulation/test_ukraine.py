"""The simulator emits the agency's Ukraine support (issue 28, point 3): the two kinds, in the
rules table's windows, at rates set by the parameters. Ukrainians helped home are cases of their
own converted from the model's intakes (the inflow stays); the third-country support rides on
departures the model makes (no other line moves)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.rules import RulesTable
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters, Share
from terugkeer.simulation.replications import import_feed, persons_of_the_year
from terugkeer.simulation.runner import simulate
from tests.integration.simulation.worlds import small_world

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)

THIRD_FROM, THIRD_UNTIL = date(2022, 11, 15), date(2024, 3, 4)  # rules.toml, ukraine_support
RETURN_FROM = date(2022, 3, 4)
END = date(2024, 6, 30)  # the small runs' last day
#: An independent departure leaves at most this long after its support (base.toml, outcomes).
LEAVING_DAYS = 14
#: A returner's support within a week of the intake, the departure one to four weeks after it
#: (base.toml, ukraine).
SUPPORT_DAYS, HOME_DAYS = 7, 7 + 28
NAMED = {"IND", "POLITIE", "KMAR"}  # the senders the inflow names; the rest count as "other"


def _ukraine(
    params: Parameters, *, returners: dict[str, float] | None = None, third: float | None = None
) -> Parameters:
    """`params` with another share of Ukrainians helped home per year (of the inflow) and/or
    another third-country share."""
    update: dict[str, Any] = {}
    if returners is not None:
        update["returner_share_by_year"] = {
            year: Share(value=share, source="test") for year, share in returners.items()
        }
    if third is not None:
        update["third_country_share"] = params.ukraine.third_country_share.model_copy(
            update={"value": third}
        )
    return params.model_copy(update={"ukraine": params.ukraine.model_copy(update=update)})


@pytest.fixture(scope="module")
def small() -> Parameters:
    """2022 to mid-2024 at a sixth of the inflow: both schemes' starts and the end in seconds.
    The returners at 2022's share (about 80 in 2022 here), from 2023 on twice the published
    share (about 30 a year), so that a few fall in the months after March 2024."""
    base = load_parameters()
    share_2022 = base.ukraine.returner_share_by_year["2022"].value
    return _ukraine(small_world(base, per_year=3000),
                    returners={"2022": share_2022, "2023": 0.01})  # fmt: skip


def _events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _day(event: dict[str, Any]) -> date:
    return datetime.fromisoformat(event["occurred_at"]).astimezone(AMSTERDAM).date()


def _support(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "support_granted" and e["data"]["kind"] == kind]


def _run(params: Parameters, out: Path, *, rules: RulesTable | None = None, seed: int = 4) -> Path:
    simulate(params, date(2023, 1, 1), END, seed, out, rules=rules)
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


def _cases(events: list[dict[str, Any]], v_numbers: set[str]) -> dict[str, list[dict[str, Any]]]:
    cases: dict[str, list[dict[str, Any]]] = {v: [] for v in v_numbers}
    for event in events:
        if event["v_number"] in cases:
            cases[event["v_number"]].append(event)
    return cases


def test_ukrainians_helped_home_are_cases_of_their_own(feed: list[dict[str, Any]]) -> None:
    """Each is a case of its own: an intake by the agency (an "other" sender) of a Ukrainian on
    the regular track, the `ukraine_return` support within a week, and an independent
    departure home within weeks, confirmed by IOM; nothing else. From the rules table's start
    in March 2022 on, and on after the third-country scheme ended."""
    home = _support(feed, "ukraine_return")
    assert len(home) > 40
    assert min(_day(e) for e in home) >= RETURN_FROM
    assert max(_day(e) for e in home) >= THIRD_UNTIL  # the help home goes on
    cases = _cases(feed, {e["v_number"] for e in home})
    assert len(cases) == len(home)  # one support each
    for events in cases.values():
        if _day(events[0]) > END - timedelta(days=HOME_DAYS) and len(events) == 2:
            continue  # still on the way home when the run ends
        assert [e["type"] for e in events] == ["intake", "support_granted", "departed"]
        intake, support, departed = events
        assert intake["source"] == "DTENV" and intake["source"] not in NAMED
        assert intake["data"]["nationality"] == "UKR" and intake["data"]["track"] == "regular"
        assert support["source"] == "DTENV" and support["data"]["provider"] == "DTenV"
        assert 0 <= (_day(support) - _day(intake)).days <= SUPPORT_DAYS
        assert departed["data"] == {
            "mode": "independent", "destination": "UKR", "evidence": "iom_confirmation"
        }  # fmt: skip
        assert 7 <= (_day(departed) - _day(intake)).days <= HOME_DAYS
    # The families return together: a family's members share every fact.
    families = Counter(cases[e["v_number"]][0]["data"].get("family") for e in home)
    assert all(n >= 2 for family, n in families.items() if family)


def test_third_country_support_goes_to_other_nationals(feed: list[dict[str, Any]]) -> None:
    ukrainians = {e["v_number"] for e in feed
                  if e["type"] == "intake" and e["data"]["nationality"] == "UKR"}  # fmt: skip
    third = {e["v_number"] for e in _support(feed, "ukraine_third_country")}
    assert third and not third & ukrainians


def test_each_third_country_supported_person_departs_independently_soon_after(
    feed: list[dict[str, Any]],
) -> None:
    """The support is granted by the agency in an open case, which the person's independent
    departure then closes (EVENTS.md: no support without an open case)."""
    departed = {e["v_number"]: e for e in feed
                if e["type"] == "departed" and e["data"]["mode"] == "independent"}  # fmt: skip
    for event in _support(feed, "ukraine_third_country"):
        assert event["source"] == "DTENV"
        departure = departed[event["v_number"]]
        assert 0 <= (_day(departure) - _day(event)).days <= LEAVING_DAYS


def test_every_other_line_is_the_same_with_or_without_the_third_country_support(
    small: Parameters, tmp_path: Path
) -> None:
    """The third-country stream is aside: taking its lines out leaves the feed without it byte
    for byte (ids too), so inflow, closings, departures, caseload and every figure stay."""
    with_it = _run(small, tmp_path / "with.jsonl")
    without = _run(_ukraine(small, third=0), tmp_path / "without.jsonl")
    lines = with_it.read_text().splitlines()
    aside = [line for line in lines if '"id":"sim-4-ua' in line]
    assert len(aside) > 50
    assert all('"kind":"ukraine_third_country"' in line for line in aside)
    assert [line for line in lines if line not in aside] == without.read_text().splitlines()


def test_the_inflow_is_the_same_with_or_without_the_returners(
    small: Parameters, feed: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The returners are intakes the model makes anyway, turned into cases of their own: the
    arrivals come at the same instants, every returner's intake takes an "other" sender's
    place, and the inflow by year and sender is what it was. Not to the person: a returner
    does not come back after an asylum procedure as the intake it replaced might have, so a
    later arrival is a new person instead of a returning one (a family, or not): a few
    persons in a year, far inside the calibration's tolerance."""
    without = _events(_run(_ukraine(small, returners={}), tmp_path / "without.jsonl"))
    assert not _support(without, "ukraine_return")

    def inflow(events: list[dict[str, Any]]) -> tuple[set[str], Counter[tuple[int, str]]]:
        intakes = [e for e in events if e["type"] == "intake"]
        split = Counter((_day(e).year, e["source"] if e["source"] in NAMED else "other")
                        for e in intakes)  # fmt: skip
        return {e["occurred_at"] for e in intakes}, split

    (at, split), (at_without, split_without) = inflow(feed), inflow(without)
    assert at == at_without
    assert split.keys() == split_without.keys()
    for key, n in split.items():
        assert abs(n - split_without[key]) <= max(5, 0.02 * n), key
    for year in (2022, 2023, 2024):
        total = sum(n for (y, _), n in split.items() if y == year)
        total_without = sum(n for (y, _), n in split_without.items() if y == year)
        assert abs(total - total_without) <= 0.01 * total


def test_the_key_figures_of_a_year_do_not_move_with_the_third_country_support(
    tmp_path: Path,
) -> None:
    """What the published report counts, from two imported stores of the same seed: the
    third-country support is stored (every line is accepted) and no key figure of 2023
    changes. (The returners are in both stores: their cases are stored too.)"""
    first, last = date(2023, 1, 1), date(2023, 12, 31)
    smaller = small_world(load_parameters(), per_year=1500)
    figures = []
    for name, params in (("with", smaller), ("without", _ukraine(smaller, third=0))):
        feed, kept = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-kept.jsonl"
        simulate(params, first, last, 6, feed)
        persons_of_the_year(feed, kept, first)
        stored = kept.read_text().count('"kind":"ukraine_third_country"')
        assert (stored > 10) if name == "with" else stored == 0
        assert kept.read_text().count('"kind":"ukraine_return"') > 0
        (tmp_path / name).mkdir()
        engine = import_feed(kept, tmp_path / name, received=datetime(2024, 1, 1, 12, tzinfo=UTC))
        with engine.connect() as connection:
            figures.append(key_figures(connection, Period(first, last), today=date(2024, 1, 1)))
        engine.dispose()
    assert figures[0].inflow > 1000
    assert figures[0] == figures[1]


def test_the_rates_follow_the_parameters(small: Parameters, tmp_path: Path) -> None:
    """Returners: the parameter's share of a year's inflow (none in a year at 0; a later year
    at the latest named one's share; the first half of 2024 about half, the last days of June
    being on their way home). Third-country: at a share of 1 every independent departure
    (not a Dublin transfer) in the scheme's window is supported; at a quarter, about a quarter
    of them (whole families share a draw: loose bounds)."""
    everyone = _events(_run(_ukraine(small, returners={"2022": 0, "2023": 200 / 3000}, third=1),
                            tmp_path / "all.jsonl"))  # fmt: skip
    quarter = _events(_run(_ukraine(small, returners={"2022": 0, "2023": 50 / 3000}, third=0.25),
                           tmp_path / "quarter.jsonl"))  # fmt: skip
    for events, per_year in ((everyone, 200), (quarter, 50)):
        years = Counter(_day(e).year for e in _support(events, "ukraine_return"))
        assert years[2022] == 0
        # A quota over the arrivals: the share of the year's inflow (3,000 here, give or take
        # the arrivals' own chance) within a family of up to five.
        assert abs(years[2023] - per_year) <= 0.05 * per_year + 5, years
        assert abs(years[2024] - per_year / 2) <= 0.1 * per_year + 5, years  # half a year on
    third_share = len(_support(quarter, "ukraine_third_country")) / len(
        _support(everyone, "ukraine_third_country")
    )
    assert 0.1 < third_share < 0.4
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
