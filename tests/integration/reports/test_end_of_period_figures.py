"""Repeated procedures and emergency reception at the end of a period, on both databases.

Both are read from projections (`procedures`, `location_spells`) that the store keeps as it
appends; these cases are where a projection could drift from EVENTS.md's definitions.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, delete, update

from terugkeer.domain.rules import RulesTable
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.store.event_store import EventStore
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.tables import location_spells, procedures
from tests.integration.lines import NOW, departed, intake, line, run

V, W = "1234567890", "2234567890"
MARCH = Period(date(2023, 3, 1), date(2023, 3, 31))
JUNE = Period(date(2023, 6, 1), date(2023, 6, 30))


def started(event_id: str, v_number: str, at: str, reference: str) -> str:
    data = {"reference": reference, "kind": "asylum_repeat", "suspensive": False}
    return line(event_id, "procedure_started", v_number, at, data)


def decided(event_id: str, v_number: str, at: str, reference: str) -> str:
    data = {"reference": reference, "outcome": "rejected"}
    return line(event_id, "procedure_decided", v_number, at, data, source="IND")


def moved(event_id: str, v_number: str, at: str, kind: str) -> str:
    return line(event_id, "location_changed", v_number, at, {"kind": kind}, source="COA")


def figures_at(engine: Engine, period: Period) -> dict[str, object]:
    with engine.connect() as connection:
        return key_figures(connection, period)


def test_every_decision_counts_even_a_second_one_of_the_same_start(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("r-1", V, "2023-01-02T10:00:00+01:00"),
        started("r-2", V, "2023-01-03T10:00:00+01:00", "P1"),
        decided("r-3", V, "2023-01-10T10:00:00+01:00", "P1"),
        decided("r-4", V, "2023-01-11T10:00:00+01:00", "P1"),  # a second decision, no new start
        started("r-5", V, "2023-01-12T10:00:00+01:00", "P2"),
        decided("r-6", V, "2023-01-20T10:00:00+01:00", "P2"),
        decided("r-7", V, "2023-04-20T10:00:00+02:00", "P2"),  # after March
    )
    assert summary.rejected == []
    assert figures_at(engine, MARCH)["repeated_procedures"] == {
        "with_decision": 1, "two_or_more_or_pending_share": 1.0, "four_or_more": 0,
    }  # fmt: skip
    assert figures_at(engine, JUNE)["repeated_procedures"] == {
        "with_decision": 1, "two_or_more_or_pending_share": 1.0, "four_or_more": 1,
    }  # fmt: skip


def test_a_restart_is_pending_from_its_start_into_the_next_case_and_the_closed_leave(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("s-1", V, "2023-01-02T10:00:00+01:00"),
        started("s-2", V, "2023-01-03T10:00:00+01:00", "P1"),
        decided("s-3", V, "2023-01-10T10:00:00+01:00", "P1"),
        started("s-4", V, "2023-05-03T10:00:00+02:00", "P1"),  # the same reference again
        departed("s-5", V, "2023-05-10T10:00:00+02:00"),
        intake("s-6", V, "2023-05-20T10:00:00+02:00"),  # a new case; P1 still pending
        # Another person, closed by the end of June: never in June's caseload.
        intake("t-1", W, "2023-01-02T10:00:00+01:00"),
        started("t-2", W, "2023-01-03T10:00:00+01:00", "Q"),
        decided("t-3", W, "2023-01-04T10:00:00+01:00", "Q"),
        departed("t-4", W, "2023-06-10T10:00:00+02:00"),
    )
    assert summary.rejected == []
    # March: both people decided once, nothing pending.
    assert figures_at(engine, MARCH)["repeated_procedures"] == {
        "with_decision": 2, "two_or_more_or_pending_share": 0.0, "four_or_more": 0,
    }  # fmt: skip
    # June: W has left; V's restart (started in the first case) is pending in the second.
    assert figures_at(engine, JUNE)["repeated_procedures"] == {
        "with_decision": 1, "two_or_more_or_pending_share": 1.0, "four_or_more": 0,
    }  # fmt: skip


def test_a_decision_in_a_later_case_ends_the_procedure_started_in_an_earlier_one(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("u-1", V, "2023-01-02T10:00:00+01:00"),
        started("u-2", V, "2023-01-03T10:00:00+01:00", "P1"),
        departed("u-3", V, "2023-02-10T10:00:00+01:00"),
        intake("u-4", V, "2023-03-20T10:00:00+01:00"),
        decided("u-5", V, "2023-05-15T10:00:00+02:00", "P1"),
    )
    assert summary.rejected == []
    # March: pending, but no decision yet, so not among those with a decision.
    assert figures_at(engine, MARCH)["repeated_procedures"]["with_decision"] == 0
    # June: one decision and nothing pending any more: not repeated.
    assert figures_at(engine, JUNE)["repeated_procedures"] == {
        "with_decision": 1, "two_or_more_or_pending_share": 0.0, "four_or_more": 0,
    }  # fmt: skip


def test_a_procedure_is_decided_from_its_earliest_dated_decision_whatever_came_first(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("o-1", V, "2023-01-02T10:00:00+01:00"),
        started("o-2", V, "2023-01-03T10:00:00+01:00", "P1"),
        decided("o-3", V, "2023-04-20T10:00:00+02:00", "P1"),  # received first, dated April
        decided("o-4", V, "2023-01-20T10:00:00+01:00", "P1"),  # late news, dated January
        # A decision dated before its start (the format allows it): never pending.
        intake("w-1", W, "2023-01-02T10:00:00+01:00"),
        started("w-2", W, "2023-01-10T10:00:00+01:00", "Q"),
        decided("w-3", W, "2023-01-05T10:00:00+01:00", "Q"),
    )
    assert summary.rejected == []
    # March: V was decided on 20 January (one decision by then, nothing pending), W once.
    assert figures_at(engine, MARCH)["repeated_procedures"] == {
        "with_decision": 2, "two_or_more_or_pending_share": 0.0, "four_or_more": 0,
    }  # fmt: skip
    # June: V has both decisions, so is repeated; W is not.
    assert figures_at(engine, JUNE)["repeated_procedures"] == {
        "with_decision": 2, "two_or_more_or_pending_share": 0.5, "four_or_more": 0,
    }  # fmt: skip


def test_the_latest_location_decides_with_ties_by_receipt_and_late_news_by_date(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("l-1", V, "2023-01-02T10:00:00+01:00"),
        moved("l-2", V, "2023-02-01T10:00:00+01:00", "emergency_reception"),
        moved("l-3", V, "2023-02-01T10:00:00+01:00", "azc"),  # same instant, received later
        intake("m-1", W, "2023-01-02T10:00:00+01:00"),
        moved("m-2", W, "2023-02-01T10:00:00+01:00", "azc"),
        moved("m-3", W, "2023-02-01T10:00:00+01:00", "emergency_reception"),
    )
    assert summary.rejected == []
    assert figures_at(engine, MARCH)["at_emergency_reception"] == 1  # W only
    # News dated in May but received now, and news dated in January received after it.
    late = run(
        store,
        moved("l-4", V, "2023-05-01T10:00:00+02:00", "emergency_reception"),
        moved("m-4", W, "2023-01-15T10:00:00+01:00", "vbl"),  # before W's February moves
    )
    assert late.rejected == []
    assert figures_at(engine, MARCH)["at_emergency_reception"] == 1  # V's May move not yet
    assert figures_at(engine, JUNE)["at_emergency_reception"] == 2


def test_emergency_reception_in_a_closed_case_does_not_carry_into_the_next(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("e-1", V, "2023-01-02T10:00:00+01:00"),
        moved("e-2", V, "2023-01-05T10:00:00+01:00", "emergency_reception"),
        departed("e-3", V, "2023-04-01T10:00:00+02:00"),
        intake("e-4", V, "2023-05-01T10:00:00+02:00"),  # back: a new case, no location yet
    )
    assert summary.rejected == []
    assert figures_at(engine, MARCH)["at_emergency_reception"] == 1
    assert figures_at(engine, JUNE)["at_emergency_reception"] == 0
    assert figures_at(engine, JUNE)["caseload"] == 1


def test_an_edited_spell_or_procedure_row_is_named_by_the_audit(
    engine: Engine, rules: RulesTable
) -> None:
    """The two figures read these projections, not the chained events: `audit verify` replays
    the histories so that a changed row cannot move a published figure unnoticed."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("a-1", V, "2023-01-02T10:00:00+01:00"),
        moved("a-2", V, "2023-01-05T10:00:00+01:00", "azc"),
        started("a-3", V, "2023-01-06T10:00:00+01:00", "P1"),
        decided("a-4", V, "2023-01-20T10:00:00+01:00", "P1"),
    )
    assert summary.rejected == []
    with engine.begin() as connection:
        assert projection_problems(connection, rules) == []
        connection.execute(update(location_spells).values(kind="emergency_reception"))
        connection.execute(delete(procedures))
    assert figures_at(engine, MARCH)["at_emergency_reception"] == 1  # what the edit did
    with engine.connect() as connection:
        problems = projection_problems(connection, rules)
    assert problems == [
        "procedures row 3 is missing",
        "location_spells row 2: kind is 'emergency_reception' but the events give 'azc'",
    ]
