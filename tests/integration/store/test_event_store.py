"""The event store on SQLite and PostgreSQL: idempotency, receipt order, projections, recording."""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import Engine, func, select

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.domain.rules import RulesTable
from terugkeer.importing.parsing import parse_chunk
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.store.bulk import one_of
from terugkeer.store.event_store import EventStore, Outcome
from terugkeer.store.hashchain import verify
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.tables import cases, events, identity_salts
from tests.integration.lines import NOW, departed, intake, line, run

V = "1234567890"


def test_a_repeat_with_the_same_content_is_known_and_stored_once(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    first = intake("a-1", V, "2023-01-05T10:00:00+01:00")
    assert run(store, first).accepted == 1
    # Same content, other key order and spacing: equal as parsed JSON.
    reordered = (
        '{"data": {"track": "asylum", "nationality": "MAR"}, "source": "DTENV", '
        '"occurred_at": "2023-01-05T10:00:00+01:00", "v_number": "1234567890", '
        '"type": "intake", "id": "a-1"}'
    )
    again = run(store, first, reordered)
    assert (again.accepted, again.known, again.rejected) == (0, 2, [])
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(events)).scalar_one() == 1


def test_the_same_id_with_other_content_is_a_conflict(engine: Engine, rules: RulesTable) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("a-1", V, "2023-01-05T10:00:00+01:00"))
    # The same instant written with another offset is different content (EVENTS.md).
    summary = run(store, intake("a-1", V, "2023-01-05T09:00:00Z"))
    assert summary.accepted == 0
    assert [r.line for r in summary.rejected] == [1]
    assert "conflict" in (summary.rejected[0].error or "")


def test_a_rejected_line_is_judged_afresh_when_sent_again(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    interview = line(
        "b-2", "interview", V, "2023-02-01T10:00:00+01:00",
        {"kind": "first", "stance": "cooperating"},
    )  # fmt: skip
    early = run(store, interview)
    assert "no open case" in (early.rejected[0].error or "")
    later = run(store, intake("b-1", V, "2023-01-05T10:00:00+01:00"), interview)
    assert (later.accepted, later.rejected) == (2, [])


def test_each_line_is_judged_against_the_lines_before_it_in_the_same_file(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        departed("c-2", V, "2023-03-01T10:00:00+01:00"),  # before its intake arrived
        intake("c-1", V, "2023-01-05T10:00:00+01:00"),
        departed("c-2", V, "2023-03-01T10:00:00+01:00"),  # now valid: accepted
        intake("c-1", V, "2023-01-05T10:00:00+01:00"),  # a repeat within the file
    )
    assert (summary.accepted, summary.known) == (2, 1)
    assert [r.line for r in summary.rejected] == [1]


def test_the_case_projection_follows_the_history(engine: Engine, rules: RulesTable) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(
        store,
        intake("d-1", V, "2023-01-05T10:00:00+01:00", nationality="DZA"),
        departed("d-2", V, "2023-03-01T10:00:00+01:00"),
        line("d-3", "location_changed", V, "2023-02-01T10:00:00+01:00", {"kind": "vbl"}),
        intake("d-4", V, "2023-06-01T10:00:00+02:00", nationality="DZA"),
    )
    with engine.connect() as connection:
        rows = connection.execute(select(cases).order_by(cases.c.opened_us)).mappings().all()
    assert [r["closing_type"] for r in rows] == ["departed", None]
    assert rows[0]["location_kind"] == "vbl"  # the late location change landed in case 1
    assert str(rows[0]["closed_date"]) == "2023-03-01"
    assert rows[1]["closed_us"] is None


def test_recorded_at_is_kept_beside_occurred_at(engine: Engine, rules: RulesTable) -> None:
    run(EventStore(engine, rules, clock=lambda: NOW), intake("e-1", V, "2023-01-05T10:00:00+01:00"))
    with engine.connect() as connection:
        row = connection.execute(select(events)).mappings().one()
    assert row["recorded_at"] == "2026-01-01T00:00:00.000000Z"
    assert row["occurred_at"] == "2023-01-05T10:00:00+01:00"
    assert str(row["local_date"]) == "2023-01-05"


def test_two_writers_see_each_others_events(engine: Engine, rules: RulesTable) -> None:
    """A store's cached histories are dropped when another writer appended meanwhile."""
    first, second = (
        EventStore(engine, rules, clock=lambda: NOW),
        EventStore(engine, rules, clock=lambda: NOW),
    )
    run(first, intake("f-1", V, "2023-01-05T10:00:00+01:00"))
    run(second, departed("f-2", V, "2023-03-01T10:00:00+01:00"))
    late = run(first, line("f-3", "absconded", V, "2023-04-01T10:00:00+02:00"))
    assert "already closed" in (late.rejected[0].error or "")


def test_after_another_writer_only_the_persons_it_touched_are_read_back(
    engine: Engine, rules: RulesTable
) -> None:
    """With several server processes nearly every batch finds the head moved: the persons the
    others wrote about are read back (history, projection rows, identities), the rest stay."""
    other = "1234567891"
    first, second = (EventStore(engine, rules, clock=lambda: NOW) for _ in range(2))
    run(first, intake("c-1", V, "2023-01-05T10:00:00+01:00"),
        intake("c-2", other, "2023-01-05T10:00:00+01:00"))  # fmt: skip
    # The second writer's decision puts a departure-term item on the worklist...
    run(second, line("c-3", "return_decision", V, "2023-02-01T10:00:00+01:00",
                     {"departure_term_days": 28}))  # fmt: skip
    # ...which the first one's departure takes off again: it must know the item was written.
    moved = line("c-5", "location_changed", other, "2023-02-02T10:00:00+01:00", {"kind": "azc"})
    both = run(first, departed("c-4", V, "2023-02-02T10:00:00+01:00"), moved)
    assert both.accepted == 2
    assert other in first._histories  # kept: nobody else wrote about them
    late = run(second, line("c-6", "absconded", V, "2023-04-01T10:00:00+02:00"))
    assert "already closed" in (late.rejected[0].error or "")
    with engine.connect() as connection:
        assert verify(connection).intact
        assert projection_problems(connection, rules) == []


def test_a_reference_with_control_characters_is_stored_and_matched(
    engine: Engine, rules: RulesTable
) -> None:
    """JSON allows NUL in a string; PostgreSQL text does not. Nothing valid may fail the import."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    started = {"reference": "P\u0000\n1", "kind": "asylum_repeat", "suspensive": True}
    summary = run(
        store,
        intake("n-1", V, "2023-01-05T10:00:00+01:00"),
        line("n-2", "procedure_started", V, "2023-01-06T10:00:00+01:00", started),
        line("n-3", "procedure_decided", V, "2023-02-06T10:00:00+01:00",
             {"reference": "P\u0000\n1", "outcome": "rejected"}),
    )  # fmt: skip
    assert (summary.accepted, summary.rejected) == (3, [])
    with engine.connect() as connection:
        figures = key_figures(connection, Period(date(2023, 1, 1), date(2023, 12, 31)))
    # One decision, and the procedure counts as decided (the references matched in SQL).
    assert figures["repeated_procedures"] == {
        "with_decision": 1,
        "two_or_more_or_pending_share": 0.0,
        "four_or_more": 0,
    }


def test_a_dublin_deadline_counts_as_expired_only_after_its_day_has_ended(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(
        store,
        line("x-1", "intake", V, "2023-01-05T10:00:00+01:00",
             {"nationality": "SYR", "track": "dublin"}),
        line("x-2", "dublin_accepted", V, "2023-02-15T10:00:00+01:00",
             {"member_state": "DEU", "implicit": True}),
    )  # fmt: skip
    august = Period(date(2023, 8, 1), date(2023, 8, 31))  # the deadline is 2023-08-15
    with engine.connect() as connection:
        on_the_day = key_figures(connection, august, today=date(2023, 8, 15))
        day_after = key_figures(connection, august, today=date(2023, 8, 16))
    assert (on_the_day["dublin"]["expired"], day_after["dublin"]["expired"]) == (0, 1)


def test_appends_from_many_threads_at_once_each_get_their_own_outcomes(
    engine: Engine, rules: RulesTable
) -> None:
    """The API appends from a thread per request; batches that wait meanwhile are written
    together (group commit). Each caller still gets the outcomes of exactly its own events, a
    retry sent beside the original stores nothing twice, and the chain and every projection
    are as if the batches had come one after the other."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    callers, rounds = 6, 5

    def person(caller: int, n: int) -> str:
        return f"{caller + 1:03d}{n:07d}"

    def batch(caller: int, round_: int) -> list[str]:  # every person's k-th event in round k
        lines = []
        for n in range(4):
            v, at = person(caller, n), f"2023-0{round_ + 1}-05T10:00:00+01:00"
            if round_ == 0:
                lines.append(intake(f"t{caller}-{n}-0", v, at))
            else:
                data = {"kind": "azc" if round_ % 2 else "vbl", "name": "locatie"}
                lines.append(line(f"t{caller}-{n}-{round_}", "location_changed", v, at, data))
        return lines

    outcomes: dict[tuple[int, int], list[str]] = {}
    failures: list[BaseException] = []

    def send(caller: int) -> None:
        try:
            for round_ in range(rounds):
                parsed, _ = parse_chunk(list(enumerate(batch(caller, round_), 1)), NOW)
                appended = store.append([p for _, p in parsed])
                outcomes[caller, round_] = [f"{a.event_id} {a.outcome}" for a in appended]
                if caller == 0:  # a retry of the same batch, as after a client timeout
                    again = store.append([p for _, p in parsed])
                    assert {a.outcome for a in again} == {Outcome.KNOWN}
        except BaseException as error:  # surfaced below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=send, args=(c,)) for c in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    for (caller, round_), got in outcomes.items():
        assert got == [f"t{caller}-{n}-{round_} accepted" for n in range(4)]
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(events)).scalar_one()
        assert stored == callers * rounds * 4
        assert verify(connection).intact
        assert projection_problems(connection, rules) == []


def test_a_batch_can_look_up_more_ids_than_sqlite_takes_variables(
    engine: Engine, rules: RulesTable
) -> None:
    """A group-committed batch of the API can hold more than SQLite's 32,766 variables of one
    statement: the store's look-ups by id and by person take any number (bulk.one_of)."""
    store = EventStore(engine, rules, clock=lambda: NOW)
    run(store, intake("a-1", V, "2023-01-05T10:00:00+01:00"))
    wanted = [f"x-{n}" for n in range(40_000)] + ["a-1"]
    with engine.connect() as connection:
        query = select(events.c.id).where(one_of(connection, events.c.id, "ids"))
        assert connection.execute(query, {"ids": wanted}).scalars().all() == ["a-1"]


def test_a_store_over_its_cache_size_forgets_closed_people_and_stays_correct(
    engine: Engine, rules: RulesTable
) -> None:
    """Past its cache size the store forgets the people whose cases are all closed and keeps
    the others; whoever comes back is read from the store again with every row rewritten.
    Outcomes, the chain and every projection stay as with an unbounded cache."""
    lines = list(synthetic_lines(3000, seed=3))
    store = EventStore(engine, rules, clock=lambda: NOW, cache_events=400)
    summary = import_lines(lines, store, clock=lambda: NOW, batch_size=100)
    assert (summary.accepted, summary.rejected) == (3000, [])
    assert store._cached_count <= 400  # the bound is what is tested
    with engine.connect() as connection:
        assert verify(connection).intact
        assert projection_problems(connection, rules) == []


def test_a_person_whose_first_events_were_all_rejected_can_start_later(
    engine: Engine, rules: RulesTable
) -> None:
    """A person's identity salt is written with their first stored row, never for a person
    whose every event was rejected; a salt left without rows by an older version is adopted.
    Before, such a salt made every later batch with the person fail (a unique violation),
    and with group commit every partner's batch beside it."""
    p, q = "2000000001", "2000000002"
    store = EventStore(engine, rules, clock=lambda: NOW, cache_events=3)
    early = line("p-0", "location_changed", p, "2023-01-04T10:00:00+01:00", {"kind": "azc"})
    first = run(store, early, intake("q-1", q, "2023-01-05T10:00:00+01:00"))
    assert (first.accepted, len(first.rejected)) == (1, 1)  # p has no intake yet
    others = [intake(f"o-{n}", f"30000000{n:02d}", "2023-01-05T10:00:00+01:00") for n in range(5)]
    run(store, *others)  # over the cache's size: the store forgets p and q
    later = run(store, intake("p-1", p, "2023-01-06T10:00:00+01:00"))
    assert (later.accepted, later.rejected) == (1, [])

    # An orphan salt as an older version left it: the person still starts, and verifies.
    orphan = "2000000003"
    with engine.begin() as connection:
        connection.execute(
            identity_salts.insert().values(
                subject=store.pseudonyms.subject(orphan), salt=bytes(16).hex()
            )
        )
    fresh = EventStore(engine, rules, clock=lambda: NOW)
    assert run(fresh, intake("r-1", orphan, "2023-01-07T10:00:00+01:00")).accepted == 1
    with engine.connect() as connection:
        assert verify(connection).intact
        assert projection_problems(connection, rules) == []


def test_a_group_written_by_one_caller_logs_each_callers_rows_with_its_own_request_id(
    engine: Engine, rules: RulesTable
) -> None:
    """Group commit writes another caller's `also` in the leader's thread: the access-log rows
    it writes still carry that caller's request id, not the leader's."""
    from sqlalchemy import Connection

    from terugkeer.monitoring.context import serving
    from terugkeer.store.access_log import Access, record
    from terugkeer.store.event_store import Appended
    from terugkeer.store.tables import access_log
    from tests.unit.store.test_group_commit import wait_until_queued

    store = EventStore(engine, rules, clock=lambda: NOW)
    failures: list[BaseException] = []

    def send(name: str, v_number: str) -> None:
        def log(connection: Connection, _: list[Appended]) -> None:
            record(connection, Access(name, "api", "events.post", "10.0.0.1", v_number), NOW)

        parsed, _ = parse_chunk([(1, intake(f"g-{name}", v_number, "2023-01-05T10:00:00+01:00"))],
                                NOW)  # fmt: skip
        try:
            with serving(f"request-of-{name}"):
                store.append([p for _, p in parsed], also=log)
        except BaseException as error:  # surfaced below, in the test's thread
            failures.append(error)

    callers = (("first", "5000000001"), ("second", "5000000002"), ("third", "5000000003"))
    threads = [threading.Thread(target=send, args=caller) for caller in callers]
    with store._group.lock:  # a write in progress: the first caller leads, and waits for it
        threads[0].start()
        deadline = time.monotonic() + 10
        while not store._group._leading:
            assert time.monotonic() < deadline, "the first caller never led"
            time.sleep(0.001)
        threads[1].start()
        threads[2].start()
        wait_until_queued(store._group, 2)  # type: ignore[arg-type]
    # The first writes its own; then one of the other two writes both, in its own thread.
    for thread in threads:
        thread.join(60)
    assert failures == []
    with engine.connect() as connection:
        logged = dict(connection.execute(select(access_log.c.actor, access_log.c.request_id)).all())
    assert logged == {name: f"request-of-{name}" for name, _ in callers}
