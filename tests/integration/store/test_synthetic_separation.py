"""A store holds real case data or synthetic data (simulator, benchmark), never both."""

from __future__ import annotations

import random

from sqlalchemy import Engine, func, select

from terugkeer.domain.provenance import is_synthetic, synthetic_v_number
from terugkeer.domain.rules import RulesTable
from terugkeer.store.event_store import EventStore
from terugkeer.store.tables import events
from tests.integration.lines import NOW, intake, run


def test_a_real_store_refuses_simulated_events_and_says_where_they_belong(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    assert run(store, intake("ind-1", "1234567890", "2023-01-05T10:00:00+01:00")).accepted == 1
    # A fresh store object (another process) learns what the store holds from the store itself.
    summary = run(
        EventStore(engine, rules, clock=lambda: NOW),
        intake("sim-1-00000001", "0001234567", "2023-01-06T10:00:00+01:00"),
        intake("ind-2", "1234567891", "2023-01-06T10:00:00+01:00"),
    )
    assert summary.accepted == 1
    [refused] = summary.rejected
    assert refused.line == 1 and refused.error is not None
    assert "'sim-1-00000001' is a synthetic event" in refused.error
    assert "--database-url" in refused.error


def test_a_simulation_store_refuses_real_case_data(engine: Engine, rules: RulesTable) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    summary = run(
        store,
        intake("sim-2-00000001", "0001234567", "2023-01-05T10:00:00+01:00"),
        intake("kmar-2023-000812", "1234567890", "2023-01-05T11:00:00+01:00"),
        intake("syn-7-01", "0007654321", "2023-01-05T12:00:00+01:00"),
    )
    assert summary.accepted == 2  # the simulator's and the benchmark's: both synthetic
    [refused] = summary.rejected
    assert refused.line == 2 and refused.error is not None
    assert "production store" in refused.error
    with engine.connect() as connection:
        ids = connection.execute(select(events.c.id)).scalars().all()
        assert all(is_synthetic(event_id) for event_id in ids)
        assert connection.execute(select(func.count()).select_from(events)).scalar_one() == 2


def test_a_repeat_is_still_known_not_refused(engine: Engine, rules: RulesTable) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    first = intake("sim-3-00000001", "0001234567", "2023-01-05T10:00:00+01:00")
    run(store, first)
    assert run(store, first).known == 1


def test_synthetic_v_numbers_are_valid_and_in_the_reserved_range() -> None:
    rng = random.Random(1)
    numbers = {synthetic_v_number(rng) for _ in range(1000)}
    assert all(len(n) == 10 and n.isdigit() and n.startswith("000") for n in numbers)
    assert len(numbers) > 990
