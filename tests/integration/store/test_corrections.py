"""Corrections (EVENTS.md v1.1) in the event store, on SQLite and PostgreSQL: every rule of
"Corrections", each rejection with its sentence, and the idempotency key (source, id)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from terugkeer.domain.removal import removal_readiness
from terugkeer.domain.rules import RulesTable
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.store.event_store import EventStore
from terugkeer.store.hashchain import verify
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.queries import person_history
from terugkeer.store.tables import cases, withdrawals, worklist_items
from tests.integration.lines import NOW, departed, intake, line, run

V = "1234567890"
OTHER = "1234567891"
YEAR = Period(date(2023, 1, 1), date(2023, 12, 31))


def retract(
    event_id: str,
    named: str,
    source: str = "DTENV",
    v_number: str = V,
    reason: str = "entered_in_error",
    at: str = "2023-06-01T10:00:00+02:00",
) -> str:
    data = {"event_id": named, "reason": reason}
    return line(event_id, "retracted", v_number, at, data, source)


def passport(event_id: str, until: str, at: str, source: str = "DTENV") -> str:
    data = {"kind": "passport", "valid_until": until}
    return line(event_id, "travel_document_valid", V, at, data, source)


def audit_is_clean(engine: Engine, rules: RulesTable) -> None:
    with engine.connect() as connection:
        assert verify(connection).intact
        assert projection_problems(connection, rules) == []


def errors_of(store: EventStore, *lines: str) -> list[str]:
    return [r.error or "" for r in run(store, *lines).rejected]


def test_a_withdrawn_travel_document_no_longer_decides_readiness(
    engine: Engine, rules: RulesTable
) -> None:
    """The issue's case: a wrong passport "valid until 2019" overrides a good laissez-passer;
    withdrawn, the laissez-passer counts again, and the history keeps both."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    assert not errors_of(
        store,
        intake("t-1", V, "2023-01-05T10:00:00+01:00"),
        line("t-2", "travel_document_valid", V, "2023-02-01T10:00:00+01:00",
             {"kind": "laissez_passer", "valid_until": "2023-12-31"}),
        passport("t-3", "2019-01-01", "2023-03-01T10:00:00+01:00"),
    )  # fmt: skip

    def document_holds() -> bool:
        with engine.connect() as connection:
            history = person_history(connection, V)
        assert history is not None
        case = history.cases[-1]
        on = date(2023, 4, 1)
        judged = removal_readiness(case.events, on, rules, person_events=history.events())
        return judged.travel_document.holds

    assert not document_holds()
    assert not errors_of(store, retract("t-4", "t-3"))
    assert document_holds()
    with engine.connect() as connection:
        assert connection.execute(select(withdrawals.c.seq, withdrawals.c.retraction_seq)).all() \
            == [(3, 4)]  # fmt: skip
    audit_is_clean(engine, rules)


def test_figures_count_as_if_the_withdrawn_event_had_never_been_received(
    engine: Engine, rules: RulesTable
) -> None:
    interview = {"kind": "first", "stance": "cooperating"}
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("f-1", V, "2023-01-05T10:00:00+01:00"),
        line("f-2", "interview", V, "2023-02-01T10:00:00+01:00", interview),
        line("f-3", "interview", V, "2023-02-01T10:05:00+01:00", interview))  # fmt: skip
    with engine.connect() as connection:
        assert key_figures(connection, YEAR)["departure_interviews"] == 2
    assert not errors_of(store, retract("f-4", "f-3", reason="duplicate"))
    with engine.connect() as connection:
        assert key_figures(connection, YEAR)["departure_interviews"] == 1
    audit_is_clean(engine, rules)


def test_only_the_sender_may_withdraw_and_only_what_is_stored(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("s-1", V, "2023-01-05T10:00:00+01:00"),
        passport("s-2", "2030-01-01", "2023-03-01T10:00:00+01:00", source="KMAR"))  # fmt: skip
    assert errors_of(
        store,
        retract("s-3", "s-2", source="DTENV"),  # another sender's event
        retract("s-4", "s-2", source="KMAR", v_number=OTHER),  # another person
        retract("s-5", "nothing", source="KMAR"),
    ) == [
        'data.event_id "s-2" names no stored event of source DTENV for v_number 1234567890',
        'data.event_id "s-2" names no stored event of source KMAR for v_number 1234567891',
        'data.event_id "nothing" names no stored event of source KMAR for v_number 1234567890',
    ]


def test_a_retraction_before_its_event_is_judged_afresh_when_sent_again(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    early = retract("a-9", "a-2")
    assert len(errors_of(store, intake("a-1", V, "2023-01-05T10:00:00+01:00"), early)) == 1
    later = run(store, passport("a-2", "2030-01-01", "2023-03-01T10:00:00+01:00"), early)
    assert (later.accepted, later.rejected) == (2, [])


def test_no_retraction_of_a_retraction_nor_twice_and_a_repeat_is_known(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("r-1", V, "2023-01-05T10:00:00+01:00"),
        passport("r-2", "2030-01-01", "2023-03-01T10:00:00+01:00"),
        retract("r-3", "r-2"))  # fmt: skip
    again = run(store, retract("r-3", "r-2"))  # the same retraction posted twice: stored once
    assert (again.accepted, again.known) == (0, 1)
    assert errors_of(store, retract("r-4", "r-2"), retract("r-5", "r-3")) == [
        'data.event_id "r-2" names an event already withdrawn (by r-3)',
        'data.event_id "r-3" names a retraction, which cannot be withdrawn',
    ]


def test_a_withdrawn_id_stays_taken(engine: Engine, rules: RulesTable) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("w-1", V, "2023-01-05T10:00:00+01:00"),
        passport("w-2", "2030-01-01", "2023-03-01T10:00:00+01:00"),
        retract("w-3", "w-2"))  # fmt: skip
    same = run(store, passport("w-2", "2030-01-01", "2023-03-01T10:00:00+01:00"))
    assert (same.accepted, same.known) == (0, 1)
    assert errors_of(store, passport("w-2", "2031-01-01", "2023-03-01T10:00:00+01:00")) == [
        "id w-2 was already received with different content (conflict)"
    ]
    with engine.connect() as connection:  # still withdrawn: nothing came back
        assert connection.execute(select(withdrawals.c.seq)).scalars().all() == [2]


def test_dependants_go_first_and_other_senders_are_not_named(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    booked = {"reference": "FL-1", "date": "2023-05-01", "destination": "MAR", "escort": "kmar"}
    started = {"reference": "P-1", "kind": "asylum_repeat", "suspensive": True}
    run(store, intake("d-1", V, "2023-01-05T10:00:00+01:00"),
        line("d-2", "flight_booked", V, "2023-02-01T10:00:00+01:00", booked),
        line("d-3", "flight_cancelled", V, "2023-02-02T10:00:00+01:00",
             {"reference": "FL-1", "reason": "medical"}),
        line("d-4", "procedure_started", V, "2023-02-03T10:00:00+01:00", started, "IND"),
        line("d-5", "procedure_decided", V, "2023-02-04T10:00:00+01:00",
             {"reference": "P-1", "outcome": "rejected"}, "IND"),
        line("d-6", "procedure_started", V, "2023-02-05T10:00:00+01:00", started,
             "IND"))  # fmt: skip
    assert errors_of(
        store,
        retract("d-7", "d-2"),
        retract("d-8", "d-4", source="IND"),
        retract("d-9", "d-5", source="IND"),
        retract("d-10", "d-1"),
    ) == [
        'flight_booked "d-2" cannot be withdrawn while later events rely on it: withdraw d-3 first',
        'procedure_started "d-4" cannot be withdrawn while later events rely on it: withdraw '
        "d-5 first",
        'procedure_decided "d-5" cannot be withdrawn while later events rely on it: withdraw '
        "d-6 first",
        'intake "d-1" cannot be withdrawn while later events rely on it: withdraw d-2, d-3 '
        "first; events of other senders rely on it too",
    ]
    # In that order they go, and then the booking, the start and the intake.
    assert not errors_of(
        store, retract("d-11", "d-6", source="IND"), retract("d-12", "d-5", source="IND"),
        retract("d-13", "d-4", source="IND"), retract("d-14", "d-3"), retract("d-15", "d-2"),
        retract("d-16", "d-1"),
    )  # fmt: skip
    with engine.connect() as connection:
        assert connection.execute(select(cases.c.case_seq)).all() == []  # the case is gone
    audit_is_clean(engine, rules)


def test_a_withdrawn_closing_event_reopens_the_case_unless_a_later_case_exists(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("c-1", V, "2023-01-05T10:00:00+01:00"),
        departed("c-2", V, "2023-03-01T10:00:00+01:00"))  # fmt: skip
    interview = {"kind": "follow_up", "stance": "cooperating"}
    late = line("c-3", "interview", V, "2023-04-01T10:00:00+01:00", interview)
    assert len(errors_of(store, late)) == 1  # after the closing: no open case then
    assert not errors_of(store, retract("c-4", "c-2", source="IOM"))
    assert not errors_of(store, late)  # judged as if the departure had never come
    with engine.connect() as connection:
        assert connection.execute(select(cases.c.closed_us)).scalars().all() == [None]
        items = connection.execute(select(worklist_items.c.kind)).scalars().all()
    assert items  # an open case is worked on again
    run(store, departed("c-5", V, "2023-05-01T10:00:00+02:00"),
        intake("c-6", V, "2023-06-01T10:00:00+02:00"))  # fmt: skip
    assert errors_of(store, retract("c-7", "c-5", source="IOM")) == [
        'withdrawing departed "c-5" would reopen its case, but the person has a later case '
        "(intake at 2023-06-01T10:00:00+02:00)"
    ]
    audit_is_clean(engine, rules)


def test_a_retraction_takes_no_place_in_the_case_history(engine: Engine, rules: RulesTable) -> None:
    """It needs no open case and is not an event of the case: a closed case's own event can be
    withdrawn (dated after the closing) and a later intake is not blocked by it."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("h-1", V, "2023-01-05T10:00:00+01:00"),
        passport("h-2", "2030-01-01", "2023-02-01T10:00:00+01:00"),
        departed("h-3", V, "2023-03-01T10:00:00+01:00"))  # fmt: skip
    assert not errors_of(
        store,
        retract("h-4", "h-2", at="2023-08-01T10:00:00+02:00"),
        intake("h-5", V, "2023-07-01T10:00:00+02:00"),
    )
    with engine.connect() as connection:
        assert len(connection.execute(select(cases.c.case_seq)).all()) == 2
    audit_is_clean(engine, rules)


def test_two_senders_may_use_the_same_id(engine: Engine, rules: RulesTable) -> None:
    """The idempotency key is (source, id): one partner cannot block or probe another's ids."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("x-1", V, "2023-01-05T10:00:00+01:00"))
    summary = run(
        store,
        passport("shared-1", "2030-01-01", "2023-02-01T10:00:00+01:00", source="KMAR"),
        passport("shared-1", "2031-01-01", "2023-02-02T10:00:00+01:00", source="IND"),
        passport("shared-1", "2030-01-01", "2023-02-01T10:00:00+01:00", source="KMAR"),
    )
    assert (summary.accepted, summary.known, summary.rejected) == (2, 1, [])
    # Each sender withdraws its own: the same id names a different event per sender.
    assert not errors_of(store, retract("x-2", "shared-1", source="IND"))
    with engine.connect() as connection:
        assert connection.execute(select(withdrawals.c.seq)).scalars().all() == [3]
    audit_is_clean(engine, rules)


def test_a_fresh_store_reads_back_withdrawals_as_the_writer_left_them(
    engine: Engine, rules: RulesTable
) -> None:
    """Histories loaded from the store (another process, a restart) apply the retractions."""
    run(EventStore(engine, rules, clock=lambda: NOW),
        intake("l-1", V, "2023-01-05T10:00:00+01:00"),
        departed("l-2", V, "2023-03-01T10:00:00+01:00"),
        retract("l-3", "l-2", source="IOM"))  # fmt: skip
    fresh = EventStore(engine, rules, clock=lambda: NOW)
    # The case is open again, so a second departure is not "already closed".
    assert not errors_of(fresh, departed("l-4", V, "2023-04-01T10:00:00+02:00"))
    audit_is_clean(engine, rules)
