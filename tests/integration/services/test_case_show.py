"""`terugkeer case show`: the first place a user sees removal readiness — on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.store.tables import access_log
from tests.integration.lines import intake, line

runner = CliRunner()
V = "5555555555"
CONDITIONS = {"legally_removable", "available", "in_detention", "travel_document"}


def _store(tmp_path: Path, url: str, *lines: str) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(feed), "--database-url", url])
    assert result.exit_code == 0, result.output


def _ready_person() -> list[str]:
    """All four conditions hold from 2023-03-02 on."""
    return [
        intake("c-1", V, "2023-01-02T10:00:00+01:00"),
        line("c-2", "return_decision", V, "2023-02-01T10:00:00+01:00",
             {"departure_term_days": 28}),
        line("c-3", "travel_document_valid", V, "2023-02-15T10:00:00+01:00",
             {"kind": "passport", "valid_until": "2023-06-30"}),
        line("c-4", "location_changed", V, "2023-03-02T10:00:00+01:00", {"kind": "detention"}),
        line("c-5", "detention_started", V, "2023-03-02T10:00:00+01:00", {"ground": "vw59"}),
    ]  # fmt: skip


def _show(url: str, *args: str) -> tuple[int, Any, str]:
    result = runner.invoke(app, ["case", "show", *args, "--format", "json", "--database-url", url])
    parsed = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, parsed, result.stderr


def test_ready_case_shows_every_condition_with_reason_and_source(
    tmp_path: Path, database_url: str
) -> None:
    _store(tmp_path, database_url, *_ready_person())
    code, shown, _ = _show(database_url, V, "--on", "2023-03-10")
    assert code == 0
    assert (shown["v_number"], shown["on"], shown["ready"], shown["reason"]) == (
        V, "2023-03-10", True, None,
    )  # fmt: skip
    assert set(shown["conditions"]) == CONDITIONS
    for condition in shown["conditions"].values():
        assert condition["holds"] is True
        assert condition["reason"] and condition["source"]
    assert shown["safeguards"] == []
    assert [c["case"] for c in shown["cases"]] == [shown["case"]]
    assert shown["cases"][0]["nationality"] == "MAR"
    assert shown["dublin"] == []


def test_the_day_before_the_term_ends_says_which_condition_is_missing(
    tmp_path: Path, database_url: str
) -> None:
    _store(tmp_path, database_url, *_ready_person())
    _, shown, _ = _show(database_url, V, "--on", "2023-03-01")
    assert shown["ready"] is False
    failing = {k: c["reason"] for k, c in shown["conditions"].items() if not c["holds"]}
    assert failing["legally_removable"] == "departure term runs until 2023-03-01"


def test_a_medical_postponement_marked_not_suspensive_still_blocks(
    tmp_path: Path, database_url: str
) -> None:
    data = {"reference": "M-1", "kind": "medical_postponement", "suspensive": False}
    medical = line("c-6", "procedure_started", V, "2023-03-03T10:00:00+01:00", data)
    _store(tmp_path, database_url, *_ready_person(), medical)
    _, shown, _ = _show(database_url, V, "--on", "2023-03-10")
    assert shown["ready"] is False
    assert "M-1 (medical_postponement" in shown["conditions"]["legally_removable"]["reason"]


def test_a_procedure_pending_from_an_earlier_case_blocks_the_current_one(
    tmp_path: Path, database_url: str
) -> None:
    earlier = [
        intake("o-1", V, "2022-01-02T10:00:00+01:00"),
        line("o-2", "procedure_started", V, "2022-02-01T10:00:00+01:00",
             {"reference": "OLD", "kind": "asylum_repeat", "suspensive": True}),
        line("o-3", "absconded", V, "2022-05-01T10:00:00+02:00", {}),
    ]  # fmt: skip
    _store(tmp_path, database_url, *earlier, *_ready_person())
    _, shown, _ = _show(database_url, V, "--on", "2023-03-10")
    assert shown["ready"] is False
    assert len(shown["cases"]) == 2
    reason = shown["conditions"]["legally_removable"]["reason"]
    assert reason == "procedure OLD (asylum_repeat, suspensive) started 2022-02-01 is pending"


def test_no_open_case_on_the_day_is_not_ready_and_says_why(
    tmp_path: Path, database_url: str
) -> None:
    closed = line("c-9", "departed", V, "2023-03-05T10:00:00+01:00",
                  {"mode": "forced", "destination": "MAR", "evidence": "escorted"})  # fmt: skip
    _store(tmp_path, database_url, *_ready_person(), closed)
    _, before, _ = _show(database_url, V, "--on", "2022-12-31")
    assert (before["ready"], before["case"], before["cases"]) == (False, None, [])
    assert before["reason"] == "the person had no case open on 2022-12-31"
    _, after, _ = _show(database_url, V, "--on", "2023-03-10")
    assert after["ready"] is False
    assert after["reason"].endswith("the last closed on 2023-03-05")


def test_an_unknown_v_number_exits_1_and_every_read_is_logged(
    tmp_path: Path, database_url: str
) -> None:
    _store(tmp_path, database_url, *_ready_person())
    code, _, stderr = _show(database_url, "1111111111")
    assert code == 1
    assert "no events are stored for this V-number" in stderr
    assert "1111111111" not in stderr  # error output ends up in logs: no V-number in it
    _show(database_url, V, "--on", "2023-03-10")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        logged = connection.execute(
            select(access_log.c.channel, access_log.c.action, access_log.c.v_number)
        ).all()
    engine.dispose()
    assert [tuple(row) for row in logged] == [
        ("cli", "case.read", "1111111111"),
        ("cli", "case.read", V),
    ]


def test_text_output_is_dutch_by_default_and_english_on_request(
    tmp_path: Path, database_url: str
) -> None:
    _store(tmp_path, database_url, *_ready_person())
    base = ["case", "show", V, "--on", "2023-03-10", "--database-url", database_url]
    dutch = runner.invoke(app, base).stdout
    english = runner.invoke(app, [*base, "--lang", "en"]).stdout
    assert "juridisch uitzetbaar: voldaan" in dutch
    assert "legally removable: holds" in english
    assert "never a decision" not in dutch and "geen besluit" in dutch


def _dublin_claimant() -> list[str]:
    """A Dublin claimant with an accepted claim on Germany and a KMar flight booked there, in
    detention and with a laissez-passer: no return decision."""
    return [
        line("d-1", "intake", V, "2023-01-02T10:00:00+01:00",
             {"nationality": "AFG", "track": "dublin"}, source="IND"),
        line("d-2", "location_changed", V, "2023-01-02T11:00:00+01:00", {"kind": "detention"}),
        line("d-3", "detention_started", V, "2023-01-02T11:00:00+01:00", {"ground": "vw59a"}),
        line("d-4", "dublin_claim", V, "2023-01-10T10:00:00+01:00",
             {"member_state": "DEU", "kind": "take_back"}),
        line("d-5", "dublin_accepted", V, "2023-02-01T10:00:00+01:00",
             {"member_state": "DEU", "implicit": False}),
        line("d-6", "travel_document_valid", V, "2023-02-10T10:00:00+01:00",
             {"kind": "laissez_passer", "valid_until": "2023-12-31"}),
        line("d-7", "flight_booked", V, "2023-03-01T10:00:00+01:00",
             {"reference": "F-1", "date": "2023-03-20", "destination": "DEU", "escort": "kmar"},
             source="KMAR"),
    ]  # fmt: skip


def test_a_dublin_claimant_with_an_accepted_claim_is_legally_removable_by_transfer(
    tmp_path: Path, database_url: str
) -> None:
    _store(tmp_path, database_url, *_dublin_claimant())
    _, shown, _ = _show(database_url, V, "--on", "2023-03-10")
    assert shown["ready"] is True
    assert (shown["ground"]["kind"], shown["ground"]["member_state"]) == ("dublin_transfer", "DEU")
    assert [(c["member_state"], c["status"], c["deadline"]) for c in shown["ground"]["claims"]] == [
        ("DEU", "running", "2023-08-01")
    ]
    legally = shown["conditions"]["legally_removable"]
    assert legally["reason"] == (
        "Dublin transfer to DEU: claim accepted 2023-02-01, transfer deadline 2023-08-01; "
        "no suspensive procedure pending"
    )
    assert "Dublin III" in legally["source"] and "art. 59a" in legally["source"]
    _, expired, _ = _show(database_url, V, "--on", "2023-08-02")
    assert expired["ground"]["kind"] == "return_decision"
    assert expired["conditions"]["legally_removable"]["reason"].startswith(
        "transfer deadline to DEU passed on 2023-08-01: the Netherlands became responsible"
    )


def test_the_text_output_names_the_ground(tmp_path: Path, database_url: str) -> None:
    _store(tmp_path, database_url, *_dublin_claimant())
    base = ["case", "show", V, "--on", "2023-03-10", "--database-url", database_url]
    assert "grond: Dublin-overdracht naar DEU" in runner.invoke(app, base).stdout
    english = runner.invoke(app, [*base, "--lang", "en"]).stdout
    assert "ground: Dublin transfer to DEU" in english


def test_a_return_case_names_the_return_decision_as_its_ground(
    tmp_path: Path, database_url: str
) -> None:
    _store(tmp_path, database_url, *_ready_person())
    _, shown, _ = _show(database_url, V, "--on", "2023-03-10")
    assert shown["ground"] == {"kind": "return_decision", "member_state": None, "claims": []}
