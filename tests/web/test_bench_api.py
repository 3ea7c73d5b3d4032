"""`terugkeer bench api`: the plan keeps each person's events in order across concurrent
clients, each batch is one source's (posted with its partner's token), and the command prints
both figures."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from typer.testing import CliRunner

from terugkeer.bench.api import plan
from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.cli.app import app


def test_each_persons_events_keep_their_order_and_each_batch_is_one_source() -> None:
    lines = list(synthetic_lines(2000, seed=3))
    rounds = plan(lines, 50)
    seen: dict[str, list[str]] = defaultdict(list)
    for round_ in rounds:
        in_round = [json.loads(x)["v_number"] for _, share in round_ for x in share]
        assert len(in_round) == len(set(in_round))  # a person at most once per round
        for source, share in round_:
            assert 0 < len(share) <= 50
            for text in share:
                event = json.loads(text)
                assert event["source"] == source  # posted with that source's token
                seen[event["v_number"]].append(text)
    expected: dict[str, list[str]] = defaultdict(list)
    for text in lines:
        expected[json.loads(text)["v_number"]].append(text)
    assert seen == expected  # every event once, in each person's own order


def test_the_command_prints_the_api_next_to_the_import() -> None:
    done = CliRunner().invoke(app, ["bench", "api", "-n", "400", "--clients", "8", "--batch",
                                    "50", "--format", "json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    figures = json.loads(done.stdout)
    assert figures["events"] >= 400 and figures["clients"] == 8
    assert figures["api_events_per_s"] > 0 and figures["import_events_per_s"] > 0
    assert figures["requests"] >= 8  # every client posted


def test_a_feed_is_posted_instead_of_synthetic_events(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(synthetic_lines(300, seed=2)) + "\n\n")  # a blank line: skipped
    done = CliRunner().invoke(app, ["bench", "api", "--feed", str(feed), "--clients", "3",
                                    "--batch", "40", "--format", "json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    figures = json.loads(done.stdout)
    assert figures["input"] == "feed.jsonl" and figures["events"] >= 300
    assert figures["api_events_per_s"] > 0


def test_a_feed_that_is_not_events_is_refused_by_its_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([*synthetic_lines(3, seed=2), '{"id": "x"}']) + "\n")
    done = CliRunner().invoke(app, ["bench", "api", "--feed", str(feed)])
    assert done.exit_code == 1
    assert "feed.jsonl, event 4: not a v1 event" in done.output
    both = CliRunner().invoke(app, ["bench", "api", "--feed", str(feed), "-n", "200"])
    assert both.exit_code == 1 and "not both" in both.output


def test_a_feed_is_planned_window_by_window_in_its_own_order() -> None:
    lines = list(synthetic_lines(2000, seed=3))
    rounds = plan(lines, 50, window=300)
    posted = [text for round_ in rounds for _, share in round_ for text in share]
    assert sorted(posted) == sorted(lines)  # every event once
    position = {text: i for i, text in enumerate(lines)}
    windows = [position[text] // 300 for text in posted]
    assert windows == sorted(windows)  # no line is posted before one of an earlier window
    for round_ in rounds:
        people = [json.loads(x)["v_number"] for _, share in round_ for x in share]
        assert len(people) == len(set(people))  # a person at most once per round
    for person in {json.loads(x)["v_number"] for x in lines}:
        mine = [x for x in lines if json.loads(x)["v_number"] == person]
        assert [x for x in posted if x in set(mine)] == mine  # in the person's own order
