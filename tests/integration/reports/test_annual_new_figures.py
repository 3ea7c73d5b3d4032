"""The annual report's new figures on hand-made histories, on both databases: the median time
to decide a repeated asylum application, and the support for Ukrainians (docs/figures.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from terugkeer.domain.rules import RulesTable
from terugkeer.reports.figures.repeat_asylum import repeat_asylum
from terugkeer.reports.figures.ukraine import Scheme, Tally, ukraine_support
from terugkeer.reports.period import Period
from terugkeer.store.event_store import EventStore
from tests.integration.lines import NOW, intake, line, run

YEAR = Period(date(2023, 1, 1), date(2023, 12, 31))


def started(event_id: str, v_number: str, at: str, reference: str, kind: str) -> str:
    data = {"reference": reference, "kind": kind, "suspensive": True}
    return line(event_id, "procedure_started", v_number, at, data, source="IND")


def decided(event_id: str, v_number: str, at: str, reference: str) -> str:
    data = {"reference": reference, "outcome": "rejected"}
    return line(event_id, "procedure_decided", v_number, at, data, source="IND")


def retracted(event_id: str, v_number: str, at: str, named: str, source: str) -> str:
    data = {"event_id": named, "reason": "entered_in_error"}
    return line(event_id, "retracted", v_number, at, data, source=source)


def support(event_id: str, v_number: str, at: str, kind: str) -> str:
    return line(event_id, "support_granted", v_number, at, {"kind": kind}, source="IOM")


def test_the_median_weeks_to_decide_a_repeated_asylum_application(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        # W: started and decided in 2023, exactly 4 weeks apart.
        intake("w-0", "1000000001", "2023-01-01T10:00:00Z"),
        started("w-1", "1000000001", "2023-01-02T10:00:00Z", "R1", "asylum_repeat"),
        decided("w-2", "1000000001", "2023-01-30T10:00:00Z", "R1"),
        # V: started in 2022 and decided in 2023 (35 weeks); the reference started again and
        # decided after 10 weeks: each decision pairs with its own start.
        intake("v-0", "1000000002", "2022-01-03T10:00:00Z"),
        started("v-1", "1000000002", "2022-06-01T10:00:00Z", "R1", "asylum_repeat"),
        decided("v-2", "1000000002", "2023-02-01T10:00:00Z", "R1"),
        started("v-3", "1000000002", "2023-03-01T10:00:00Z", "R1", "asylum_repeat"),
        decided("v-4", "1000000002", "2023-05-10T10:00:00Z", "R1"),
        # X: a first asylum application, not a repeated one.
        intake("x-0", "1000000003", "2023-01-01T10:00:00Z"),
        started("x-1", "1000000003", "2023-01-02T10:00:00Z", "A1", "asylum"),
        decided("x-2", "1000000003", "2023-03-01T10:00:00Z", "A1"),
        # Y: decided at 00:30 on 1 January 2024 in Amsterdam: not a decision of 2023.
        intake("y-0", "1000000004", "2023-01-01T10:00:00Z"),
        started("y-1", "1000000004", "2023-10-02T10:00:00Z", "R9", "asylum_repeat"),
        decided("y-2", "1000000004", "2023-12-31T23:30:00Z", "R9"),
        # Z: a decision withdrawn by its sender counts for nothing.
        intake("z-0", "1000000005", "2023-01-01T10:00:00Z"),
        started("z-1", "1000000005", "2023-02-01T10:00:00Z", "R2", "asylum_repeat"),
        decided("z-2", "1000000005", "2023-02-15T10:00:00Z", "R2"),
        retracted("z-3", "1000000005", "2023-02-16T10:00:00Z", "z-2", "IND"),
    )
    assert summary.rejected == []
    with engine.connect() as connection:
        found = repeat_asylum(connection, YEAR)
        assert (found.decisions, found.median_weeks) == (3, 10.0)  # of 4, 35 and 10 weeks
        january = repeat_asylum(connection, Period(date(2023, 1, 1), date(2023, 1, 31)))
        assert (january.decisions, january.median_weeks) == (1, 4.0)
        nothing = repeat_asylum(connection, Period(date(2021, 1, 1), date(2021, 12, 31)))
        assert (nothing.decisions, nothing.median_weeks) == (0, None)


def test_ukrainian_returns_this_year_and_since_the_first_and_third_country_nationals_to_the_end(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    people = [f"20000000{i:02d}" for i in range(8)]
    summary = run(
        store,
        *(intake(f"i-{i}", v, "2022-11-01T10:00:00+01:00") for i, v in enumerate(people)),
        support("a", people[0], "2022-11-20T10:00:00+01:00", "ukraine_return"),
        support("b", people[1], "2023-03-01T10:00:00+01:00", "ukraine_return"),
        support("c", people[2], "2023-06-01T10:00:00+02:00", "ukraine_return"),
        retracted("c-x", people[2], "2023-06-02T10:00:00+02:00", "c", "IOM"),
        support("late", people[3], "2023-12-31T23:30:00Z", "ukraine_return"),  # 2024 locally
        support("d", people[4], "2022-11-15T10:00:00+01:00", "ukraine_third_country"),
        support("e", people[5], "2023-05-01T10:00:00+02:00", "ukraine_third_country"),
        support("f", people[6], "2024-03-04T23:00:00+01:00", "ukraine_third_country"),
        support("g", people[7], "2024-03-05T09:00:00+01:00", "ukraine_third_country"),
        support("basic", people[7], "2023-05-01T10:00:00+02:00", "basic_departure"),
    )
    assert summary.rejected == []
    returns = Scheme(date(2022, 3, 4), None)
    third = Scheme(date(2022, 11, 15), date(2024, 3, 4))
    with engine.connect() as connection:
        schemes = {"returns": returns, "third_country": third, "data_date": date(2024, 6, 1)}
        found = ukraine_support(connection, YEAR, **schemes, complete_from=None)
        # Complete only from 2023: the totals start there, and say so.
        whole_from_2023 = ukraine_support(
            connection, YEAR, **schemes, complete_from=date(2023, 1, 1)
        )
        # A year before any scheme opened has no Ukraine figures at all.
        year_2021 = Period(date(2021, 1, 1), date(2021, 12, 31))
        before = ukraine_support(connection, year_2021, **schemes, complete_from=None)
        # Complete only from after the year: no total that would leave the year's own out.
        later = ukraine_support(connection, YEAR, **schemes, complete_from=date(2024, 1, 1))
        # A report made before the scheme's end counts to the data's date, not the future.
        early = ukraine_support(connection, YEAR, returns=returns, third_country=third,
                                complete_from=None, data_date=date(2024, 1, 15))  # fmt: skip
    # 2023: b (c is withdrawn, "late" is 2024 in Amsterdam); since the scheme began, to 2023's end.
    assert found.returns == Tally(1, 2, date(2022, 3, 4), date(2023, 12, 31), partial=False)
    # 2023: e; in all: d, e and f (the scheme's last day), not g (the day after).
    assert found.third_country == Tally(1, 3, date(2022, 11, 15), date(2024, 3, 4), partial=False)
    assert whole_from_2023.returns == Tally(1, 1, date(2023, 1, 1), date(2023, 12, 31), True)
    assert whole_from_2023.third_country == Tally(1, 2, date(2023, 1, 1), date(2024, 3, 4), True)
    assert before.returns is None and before.third_country is None
    assert later.returns is not None and later.returns.total is None
    assert later.third_country is not None and later.third_country.total is None
    assert early.third_country == Tally(1, 2, date(2022, 11, 15), date(2024, 1, 15), False)
