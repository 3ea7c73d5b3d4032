"""The dashboard's aggregates, on both backends, from a hand-built history: the monthly trends,
the country-cooperation monitor and the Dublin monitor count what the events say — and move
when the events do."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from terugkeer.reports.figures.caseload import at_emergency_reception
from terugkeer.reports.figures.cooperation import country_cooperation
from terugkeer.reports.figures.dublin_monitor import dublin_monitor
from terugkeer.reports.figures.repeated_procedures import repeated_procedures
from terugkeer.reports.figures.trends import month_period, monthly_trends, months_of
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.store.event_store import EventStore
from tests.integration.lines import departed, intake, line, run

A, B, C, D = "7100000001", "7100000002", "7100000003", "7100000004"
YEAR = Period(date(2023, 1, 1), date(2023, 12, 31))


def _at(day: str) -> str:
    return f"{day}T10:00:00+01:00"


def _moved(event_id: str, v: str, day: str, kind: str) -> str:
    return line(event_id, "location_changed", v, _at(day), {"kind": kind}, source="COA")


def _asked(event_id: str, v: str, day: str, reference: str, country: str) -> str:
    data = {"reference": reference, "kind": "laissez_passer", "country": country}
    return line(event_id, "document_requested", v, _at(day), data)


def _answered(event_id: str, v: str, day: str, reference: str, result: str) -> str:
    return line(event_id, "document_answered", v, _at(day), {"reference": reference,
                                                               "result": result})  # fmt: skip


def _intake(event_id: str, v: str, day: str, nationality: str = "MAR") -> str:
    data = {"nationality": nationality, "track": "asylum"}
    return line(event_id, "intake", v, _at(day), data, source="IND")


def _store(engine: Engine) -> EventStore:
    return EventStore(engine, load_rules())


def test_monthly_trends_follow_the_events(engine: Engine) -> None:
    store = _store(engine)
    run(store,
        _intake("a-1", A, "2023-01-10"), _moved("a-2", A, "2023-02-05", "emergency_reception"),
        _moved("a-3", A, "2023-04-02", "azc"),
        _intake("b-1", B, "2023-01-20", nationality="DZA"),
        departed("b-2", B, _at("2023-03-15")),
        line("c-1", "intake", C, _at("2023-02-01"), {"nationality": "IRQ", "track": "asylum"},
             source="POLITIE"),
        line("c-2", "absconded", C, _at("2023-03-20"), source="POLITIE"))  # fmt: skip
    months = months_of(Period(date(2023, 1, 1), date(2023, 4, 30)), at_least=4)
    assert months == [date(2023, m, 1) for m in (1, 2, 3, 4)]
    with engine.connect() as connection:
        trends = monthly_trends(connection, months)
        by_month = [at_emergency_reception(connection, month_period(m)) for m in months]
    assert [t.inflow_by_source["IND"] for t in trends] == [2, 0, 0, 0]
    assert [t.inflow_by_source["POLITIE"] for t in trends] == [0, 1, 0, 0]
    assert [t.caseload for t in trends] == [2, 3, 1, 1]
    march = trends[2]
    assert march.outcomes == {"independent_departure": 1, "forced_departure": 0,
                              "absconded": 1, "exit_without_departure": 0}  # fmt: skip
    assert march.demonstrable_departure_rate == 0.5
    assert trends[0].demonstrable_departure_rate is None  # nothing closed: no rate, not 0
    # At emergency reception from February until the move in April; the key figure agrees.
    assert [t.at_emergency_reception for t in trends] == [0, 1, 1, 0] == by_month


def test_the_country_cooperation_monitor(engine: Engine) -> None:
    store = _store(engine)
    run(store,
        intake("a-1", A, _at("2021-06-01")), _asked("a-2", A, "2021-07-01", "r1", "MAR"),
        _answered("a-3", A, "2023-02-01", "r1", "confirmed"),  # answered 19 months later
        _asked("a-4", A, "2022-03-01", "r2", "MAR"),  # in the cohort, never answered
        intake("b-1", B, _at("2022-02-01"), nationality="DZA"),
        _asked("b-2", B, "2022-02-10", "q1", "DZA"),
        _answered("b-3", B, "2022-03-12", "q1", "not_national"),  # in the cohort: in time
        _asked("b-4", B, "2023-05-01", "q2", "DZA"),
        _answered("b-5", B, "2023-05-11", "q2", "refused"),
        _asked("b-6", B, "2023-06-01", "q3", "DZA"),
        _answered("b-7", B, "2023-09-01", "q3", "withdrawn"))  # fmt: skip
    with engine.connect() as connection:
        rows = {row.country: row for row in country_cooperation(connection, YEAR)}
    assert rows.keys() == {"MAR", "DZA"}
    dza, mar = rows["DZA"], rows["MAR"]
    assert dza.requests == 2 and mar.requests == 0  # made in 2023
    assert dza.answers == {"confirmed": 0, "not_national": 0, "refused": 1, "withdrawn": 1}
    assert mar.answers["confirmed"] == 1  # the answer is in 2023, its request from 2021
    assert dza.median_days_to_answer == 10  # the withdrawal is not the country's answer
    assert mar.median_days_to_answer == (date(2023, 2, 1) - date(2021, 7, 1)).days
    # The cohort: requests of 2022 (12 months up to a year before the end of 2023).
    assert (mar.cohort, mar.unanswered_share) == (1, 1.0)
    assert (dza.cohort, dza.unanswered_share) == (1, 0.0)


def test_the_dublin_monitor(engine: Engine) -> None:
    store = _store(engine)
    dublin = {"nationality": "AFG", "track": "dublin"}
    run(store,
        line("a-1", "intake", A, _at("2023-01-05"), dublin),
        line("a-2", "dublin_claim", A, _at("2023-01-10"),
             {"member_state": "DEU", "kind": "take_charge"}),
        line("a-3", "dublin_accepted", A, _at("2023-02-01"),
             {"member_state": "DEU", "implicit": False}),
        line("a-4", "departed", A, _at("2023-04-01"),
             {"mode": "forced", "destination": "DEU", "dublin_transfer": True,
              "evidence": "escorted"}, source="KMAR"),
        line("b-1", "intake", B, _at("2023-09-01"), dublin),
        line("b-2", "dublin_claim", B, _at("2023-09-05"),
             {"member_state": "ITA", "kind": "take_back"}),
        line("b-3", "dublin_accepted", B, _at("2023-10-02"),
             {"member_state": "ITA", "implicit": True}),
        line("d-1", "intake", D, _at("2023-09-01"), dublin),
        line("d-2", "dublin_claim", D, _at("2023-09-05"),
             {"member_state": "ITA", "kind": "take_charge"}),
        line("d-3", "dublin_refused", D, _at("2023-09-20"), {"member_state": "ITA"}))  # fmt: skip
    with engine.connect() as connection:
        found = dublin_monitor(connection, YEAR, date(2024, 1, 1))
    states = {row.member_state: row for row in found.member_states}
    assert found.months[0] == date(2024, 1, 1) and len(found.months) == 6
    deu, ita = states["DEU"], states["ITA"]
    assert (deu.claims, deu.accepted, deu.refused, deu.transferred, deu.expired) == (1, 1, 0, 1, 0)
    assert (ita.claims, ita.accepted, ita.refused, ita.transferred) == (2, 1, 1, 0)
    # ITA accepted on 2 October 2023: six months to transfer, so a deadline in April 2024.
    assert ita.coming == (0, 0, 0, 1, 0, 0)
    assert deu.coming == (0,) * 6  # transferred: nothing to come
    with engine.connect() as connection:  # ending on 1 April: the 2 April deadline comes first
        april = dublin_monitor(connection, Period(date(2024, 1, 1), date(2024, 4, 1)),
                               date(2024, 4, 2))  # fmt: skip
    assert april.months[0] == date(2024, 4, 1)
    assert {r.member_state: r.coming for r in april.member_states}["ITA"][0] == 1


def test_a_procedure_started_again_after_its_decision_is_pending(engine: Engine) -> None:
    store = _store(engine)
    asylum = {"kind": "asylum_repeat", "suspensive": True}
    run(store,
        intake("a-1", A, _at("2023-01-10")),
        line("a-2", "procedure_started", A, _at("2023-02-01"), {"reference": "p", **asylum},
             source="IND"),
        line("a-3", "procedure_decided", A, _at("2023-03-01"),
             {"reference": "p", "outcome": "rejected"}, source="IND"),
        line("a-4", "procedure_started", A, _at("2023-04-01"), {"reference": "p", **asylum},
             source="IND"))  # fmt: skip
    with engine.connect() as connection:
        march = repeated_procedures(connection, Period(date(2023, 3, 1), date(2023, 3, 31)))
        april = repeated_procedures(connection, Period(date(2023, 4, 1), date(2023, 4, 30)))
    assert march["with_decision"] == 1 and march["two_or_more_or_pending_share"] == 0.0
    assert april["two_or_more_or_pending_share"] == 1.0  # one decision, and pending again
