"""Handing out the demo's events while the simulator runs (simulation/arrival_stream.py): the
lines and arrivals are exactly those of `persons_of_the_year` and then `in_arrival_order` over
the finished feed — and when they cannot be (someone left out comes back unannounced, a line
arrives before lines already handed out), the stream says so."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from terugkeer.simulation.arrival import in_arrival_order
from terugkeer.simulation.arrival_stream import ArrivalStream
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.replications import persons_of_the_year

FIRST = date(2024, 1, 1)
NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
SEED = 5
#: The moment the simulator's clock passes the start of the day before FIRST.
DECIDED_AT = datetime(2023, 12, 31, tzinfo=UTC).timestamp()


def _line(number: int, kind: str, v_number: str, at: str, source: str = "IND") -> bytes:
    return (f'{{"id":"sim-{SEED}-{number:08d}","type":"{kind}","v_number":"{v_number}",'
            f'"occurred_at":"{at}","source":"{source}","data":{{}}}}\n').encode()  # fmt: skip


def _feed(comes_back: str) -> list[bytes]:
    """In time order: A open at the year's start, B closed before it for good, C closed before
    it and back after it, D new in the year; `comes_back` the one who returns."""
    facts = [
        ("intake", "0000000001", "2023-03-01T10:00:00+01:00"),
        ("intake", "0000000002", "2023-03-02T10:00:00+01:00"),
        ("intake", "0000000003", "2023-03-03T10:00:00+01:00"),
        ("interview", "0000000001", "2023-05-01T10:00:00+02:00"),
        ("departed", "0000000002", "2023-06-01T10:00:00+02:00"),
        ("exit_without_departure", "0000000003", "2023-07-01T10:00:00+02:00"),
        ("intake", "0000000004", "2024-02-01T10:00:00+01:00"),
        ("intake", comes_back, "2024-03-01T10:00:00+01:00"),
        ("interview", "0000000004", "2024-05-30T10:00:00+02:00"),
        ("interview", "0000000001", "2024-05-31T10:00:00+02:00"),
    ]
    return [_line(n, kind, v, at) for n, (kind, v, at) in enumerate(facts, start=1)]


def _reference(tmp_path: Path, feed: list[bytes]) -> list[tuple[float, bytes]]:
    whole, kept, out = tmp_path / "whole.jsonl", tmp_path / "kept.jsonl", tmp_path / "out.jsonl"
    whole.write_bytes(b"".join(feed))
    persons_of_the_year(whole, kept, FIRST)
    arrivals = in_arrival_order(kept, out, load_parameters().reporting, SEED, now=NOW)
    lines = out.read_bytes().splitlines(keepends=True)
    return [(arrivals[line.split(b'"')[3].decode()].timestamp(), line) for line in lines]


def _streamed(feed: list[bytes], returning: set[str]) -> tuple[list[tuple[float, bytes]], bool]:
    """As the simulator process does: lines in steps, the decision once its clock passes the
    day before the year, after each step what arrived before the clock."""
    stream = ArrivalStream(load_parameters().reporting, SEED, FIRST, cutoff=NOW.timestamp())
    out = []
    for line in feed:
        clock = datetime.fromisoformat(line.split(b'"')[15].decode()).timestamp()
        stream.add([line])
        if not stream.decided and clock >= DECIDED_AT:
            stream.decide(returning)
        out += stream.release(clock - 2)
    out += stream.finish()
    return [(round(t, 6), line) for t, line in out], stream.exact


def test_streamed_lines_are_those_of_the_finished_feed_in_arrival_order(tmp_path: Path) -> None:
    feed = _feed(comes_back="0000000003")
    expected = [(round(t, 6), line) for t, line in _reference(tmp_path, feed)]
    streamed, exact = _streamed(feed, returning={"0000000003"})
    assert exact
    assert streamed == expected
    people = {line.split(b'"')[11] for _, line in streamed}
    assert people == {b"0000000001", b"0000000003", b"0000000004"}  # B closed for good: out
    assert [t for t, _ in streamed] == sorted(t for t, _ in streamed)


def test_someone_left_out_who_comes_back_unannounced_makes_the_stream_inexact() -> None:
    _, exact = _streamed(_feed(comes_back="0000000002"), returning={"0000000003"})
    assert not exact  # B's earlier lines were left out: the caller builds in order instead


def test_someone_announced_who_does_not_come_back_makes_the_stream_inexact() -> None:
    _, exact = _streamed(_feed(comes_back="0000000003"), returning={"0000000003", "0000000002"})
    assert not exact  # B was kept, but persons_of_the_year leaves B out


def test_a_line_arriving_before_lines_already_handed_out_makes_the_stream_inexact() -> None:
    feed = _feed(comes_back="0000000003")
    late = _line(99, "interview", "0000000001", "2024-02-02T10:00:00+01:00")
    # written after the clock passed 30 May: it would arrive before what was handed out
    _, exact = _streamed([*feed[:-1], late, feed[-1]], returning={"0000000003"})
    assert not exact
