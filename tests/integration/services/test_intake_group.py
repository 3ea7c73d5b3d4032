"""Partner batches posted at the same time are stored in one transaction, and each request
still gets its own outcomes and its own access-log rows (services/intake_group.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from terugkeer.bootstrap import System, bootstrap
from terugkeer.monitoring.context import serving
from terugkeer.services import intake_group
from terugkeer.services.ingest import LineResult, NotPermittedError, ingest_batch
from terugkeer.settings import Settings
from terugkeer.store.access_chain import verify_access_log
from terugkeer.store.access_log import Access
from terugkeer.store.tables import access_log, events
from tests.integration.lines import intake, line


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    built = bootstrap(Settings(database_url=database_url))
    ticks = iter(range(1_000_000))
    # Every reading of the clock a second later: two transactions never share a recorded_at.
    built.clock = lambda: datetime(2024, 1, 10, 12, tzinfo=UTC) + timedelta(seconds=next(ticks))
    yield built
    built.close()


def test_batches_posted_together_are_stored_in_one_transaction_each_with_its_own_results(
    system: System,
) -> None:
    ind = Access("ind", "api", "events.post", "10.0.0.1")
    coa = Access("coa", "api", "events.post", "10.0.0.2")
    ind_lines = [intake("ind-1", "5000000001", "2024-01-05T10:00:00+01:00"),
                 intake("ind-2", "5000000002", "2024-01-05T11:00:00+01:00")]  # fmt: skip
    # Two lines: the first is not JSON (rejected before the store), the second is COA's.
    coa_intake = line("coa-1", "intake", "5000000003", "2024-01-05T12:00:00+01:00",
                      {"nationality": "MAR", "track": "asylum"}, source="COA")  # fmt: skip
    coa_lines = ["{not json", coa_intake]
    results: dict[str, list[LineResult]] = {}
    announced, parsed = threading.Event(), threading.Event()

    def post_coa() -> None:
        # Announced as the API does once the body is read, still "parsing" while IND writes.
        with serving("request-coa"), intake_group.coming(system) as token:
            announced.set()
            assert parsed.wait(10)
            results["coa"] = ingest_batch(system, coa_lines, permits=lambda *_: None,
                                          access=coa, announced=token)  # fmt: skip

    def post_ind() -> None:
        with serving("request-ind"):
            results["ind"] = ingest_batch(system, ind_lines, permits=lambda *_: None, access=ind)

    threads = [threading.Thread(target=post_coa)]
    threads[0].start()
    assert announced.wait(10)
    threads.append(threading.Thread(target=post_ind))
    threads[1].start()
    group = intake_group._group_of(system.store)
    deadline = time.monotonic() + 10
    while not group._leading:  # IND parsed its batch and waits for COA's
        assert time.monotonic() < deadline, "IND never came to write"
        time.sleep(0.001)
    parsed.set()
    for thread in threads:
        thread.join(30)

    assert [(r.line, r.event_id, r.outcome.value) for r in results["ind"]] == [
        (1, "ind-1", "accepted"), (2, "ind-2", "accepted")]  # fmt: skip
    assert [(r.line, r.event_id, r.outcome.value) for r in results["coa"]] == [
        (1, None, "rejected"), (2, "coa-1", "accepted")]  # fmt: skip
    with system.engine.connect() as connection:
        stamps = connection.execute(select(events.c.id, events.c.recorded_at)).all()
        logged = connection.execute(
            select(access_log.c.actor, access_log.c.action, access_log.c.v_number,
                   access_log.c.detail, access_log.c.request_id).order_by(access_log.c.seq)
        ).all()  # fmt: skip
        assert verify_access_log(connection).intact
    assert len(stamps) == 3 and len({recorded for _, recorded in stamps}) == 1  # one commit
    by_request = {(actor, request_id) for actor, *_, request_id in logged}
    assert by_request == {("ind", "request-ind"), ("coa", "request-coa")}
    calls = {actor: detail for actor, action, _, detail, _ in logged if action == "events.post"}
    assert calls == {"ind": "200 accepted=2 known=0 rejected=0",
                     "coa": "200 accepted=1 known=0 rejected=1"}  # fmt: skip
    persons = sorted((actor, v) for actor, action, v, *_ in logged if action.endswith(".person"))
    assert persons == [("coa", "5000000003"), ("ind", "5000000001"), ("ind", "5000000002")]


def test_a_request_refused_after_it_was_announced_does_not_hold_the_others_back(
    system: System,
) -> None:
    """A batch refused whole (403: an event outside the partner's agreement) will not be
    stored: the request about to write stops waiting for it at once, although the refused
    request is not answered yet."""
    group = intake_group._group_of(system.store)
    group.patience = 600  # only the refusal can end the wait within the test
    ind = Access("ind", "api", "events.post", "10.0.0.1")
    coa = Access("coa", "api", "events.post", "10.0.0.2")
    announced, go, answered = threading.Event(), threading.Event(), threading.Event()
    refusals: list[str] = []
    refusal_told = threading.Event()

    def post_refused() -> None:
        with intake_group.coming(system) as token:
            announced.set()
            assert go.wait(10)
            try:
                ingest_batch(system, [intake("coa-9", "5000000009", "2024-01-05T10:00:00+01:00")],
                             permits=lambda *_: "not in the agreement", access=coa,
                             announced=token)  # fmt: skip
            except NotPermittedError as error:
                refusals.append(str(error))
                refusal_told.set()
            assert answered.wait(60)  # the answer is not sent yet (longer than IND may take)

    stored: list[LineResult] = []
    refused = threading.Thread(target=post_refused)
    refused.start()
    assert announced.wait(10)
    writer = threading.Thread(target=lambda: stored.extend(ingest_batch(
        system, [intake("ind-9", "5000000008", "2024-01-05T10:00:00+01:00")],
        permits=lambda *_: None, access=ind)))  # fmt: skip
    writer.start()
    deadline = time.monotonic() + 10
    while not group._leading:
        assert time.monotonic() < deadline, "IND never came to write"
        time.sleep(0.001)
    go.set()
    writer.join(20)
    try:
        assert not writer.is_alive(), "IND waited for a batch that was refused"
        assert [r.outcome.value for r in stored] == ["accepted"]
        assert refusal_told.wait(10)  # logged and raised after it stopped holding IND back
        assert refusals == ["not in the agreement"]
    finally:
        answered.set()
        refused.join(30)
