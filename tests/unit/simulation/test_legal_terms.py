"""The simulator's legal terms come from the rules table: the departure term and the detention
maximum follow the table in force on the day they apply to."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Generator
from datetime import date, datetime
from typing import Any

import pytest
import simpy

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.rules import RulesTable
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.model import World
from terugkeer.simulation.params import Parameters, Value
from terugkeer.simulation.person import Person
from terugkeer.simulation.return_path import return_loop, return_path

ORIGIN = datetime(2023, 1, 1, tzinfo=AMSTERDAM)


def _table(**sections: list[dict[str, Any]]) -> RulesTable:
    """The packaged table with some sections' rows replaced."""
    packaged = load_rules()
    return RulesTable.model_validate({**packaged.model_dump(), **sections})


def _detention(*rows: tuple[date, int]) -> list[dict[str, Any]]:
    return [
        {"valid_from": day, "source": "test", "marker": "U", "max_months": months,
         "extension_months": 12, "review_days": 28}
        for day, months in rows
    ]  # fmt: skip


def _term(*rows: tuple[date, int]) -> list[dict[str, Any]]:
    return [
        {"valid_from": day, "source": "test", "marker": "U", "default_days": days,
         "min_days": 0, "max_days": 30}
        for day, days in rows
    ]  # fmt: skip


def _no_exits(params: Parameters) -> Parameters:
    """No hazard of leaving while detained: only the detention maximum ends a detention."""
    zero = Value(value=0, source="test: no exits")
    outcomes = params.outcomes.model_copy(
        update={"exit_asylum_procedure_per_year": zero, "exit_other_per_year": zero}
    )
    return params.model_copy(update={"outcomes": outcomes})


def _person(track: str = "illegal_stay") -> Person:
    return Person(
        v_number="0001234567", nationality="MAR", track=track, rng=random.Random(1),
        cooperating=False,
    )  # fmt: skip


def _events(lines: list[str], kind: str) -> list[dict[str, Any]]:
    return [event for line in lines if (event := json.loads(line))["type"] == kind]


def _released_after(rules: RulesTable) -> float:
    """Model days from a detention (begun on day 0, without a travel document, so no flight can
    be booked) to its release at the maximum term."""
    lines: list[str] = []
    world = World(_no_exits(load_parameters()), ORIGIN, seed=1, write=lines.append, rules=rules)
    person = _person()

    def detained() -> Generator[simpy.Event, Any, None]:
        world.detain(person)
        yield from return_loop(world, person, math.inf, math.inf, first=False)

    world.env.process(detained())
    world.env.run(until=400)
    (ended,) = _events(lines, "detention_ended")
    assert ended["data"]["reason"] == "maximum_term"
    return world.day(datetime.fromisoformat(ended["occurred_at"]))


def test_the_detention_maximum_of_the_rules_table_decides_the_release() -> None:
    assert _released_after(load_rules()) == pytest.approx(180)  # 6 months of 30 days
    three_months = _table(detention=_detention((date(2010, 12, 24), 3)))
    assert _released_after(three_months) == pytest.approx(90)


def test_the_detention_maximum_is_the_one_in_force_when_the_detention_began() -> None:
    rules = _table(detention=_detention((date(2010, 12, 24), 6), (date(2023, 3, 1), 3)))
    world = World(load_parameters(), ORIGIN, seed=1, write=lambda line: None, rules=rules)
    assert world.detention_max_days(world.day(datetime(2023, 2, 28, 12, tzinfo=AMSTERDAM))) == 180
    assert world.detention_max_days(world.day(datetime(2023, 3, 1, 0, tzinfo=AMSTERDAM))) == 90


def test_the_departure_term_is_the_rules_tables_on_the_day_of_the_decision() -> None:
    rules = _table(departure_term=_term((date(2001, 4, 1), 28), (date(2023, 7, 1), 14)))
    lines: list[str] = []
    world = World(load_parameters(), ORIGIN, seed=1, write=lines.append, rules=rules)
    world.env.process(return_path(world, _person()))
    july = world.day(datetime(2023, 7, 1, tzinfo=AMSTERDAM))
    world.env.run(until=july)
    world.env.process(return_path(world, _person()))
    world.env.run(until=july + 5)
    terms = [e["data"]["departure_term_days"] for e in _events(lines, "return_decision")]
    assert terms == [28, 14]
    assert world.departure_term_days(_person(track="criminal")) == 0  # the table's minimum
