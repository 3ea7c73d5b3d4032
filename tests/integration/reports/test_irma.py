"""`terugkeer export irma`: the Frontex datasets from the readiness of the core — ready and
not organised means all of legally removable, available, a valid travel document, no
safeguard and no flight booked; effectively returned means a demonstrable departure."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import intake, line

runner = CliRunner()
READY, BOOKED, WAITING, FORCED, ALONE, DUBLIN = (f"80000000{n:02d}" for n in range(1, 7))


def _ready(prefix: str, v: str, nationality: str) -> list[str]:
    return [
        intake(f"{prefix}-1", v, "2023-01-02T10:00:00+01:00", nationality=nationality),
        line(f"{prefix}-2", "return_decision", v, "2023-02-01T10:00:00+01:00",
             {"departure_term_days": 28}),
        line(f"{prefix}-3", "travel_document_valid", v, "2023-02-15T10:00:00+01:00",
             {"kind": "passport", "valid_until": "2023-12-31"}),
        line(f"{prefix}-4", "location_changed", v, "2023-03-02T10:00:00+01:00",
             {"kind": "detention"}),
        line(f"{prefix}-5", "detention_started", v, "2023-03-02T10:00:00+01:00",
             {"ground": "vw59"}),
    ]  # fmt: skip


def _departed(event_id: str, v: str, mode: str) -> str:
    data = {"mode": mode, "destination": "DZA",
            "evidence": "escorted" if mode == "forced" else "iom_confirmation"}  # fmt: skip
    return line(event_id, "departed", v, "2023-03-20T10:00:00+01:00", data, source="KMAR")


def test_ready_not_organised_and_effectively_returned(tmp_path: Path) -> None:
    lines = [*_ready("r", READY, "MAR"), *_ready("b", BOOKED, "MAR"),
             line("b-6", "flight_booked", BOOKED, "2023-03-25T10:00:00+01:00",
                  {"reference": "F-1", "date": "2023-04-10", "destination": "MAR",
                   "escort": "none"}),
             intake("w-1", WAITING, "2023-01-02T10:00:00+01:00", nationality="MAR"),
             intake("f-1", FORCED, "2023-01-02T10:00:00+01:00", nationality="DZA"),
             _departed("f-2", FORCED, "forced"),
             intake("a-1", ALONE, "2023-01-02T10:00:00+01:00", nationality="DZA"),
             _departed("a-2", ALONE, "independent")]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["import", str(feed), "--database-url", url]).exit_code == 0

    def export(month: str) -> tuple[list[list[str]], list[list[str]]]:
        out = tmp_path / month
        done = runner.invoke(app, ["export", "irma", "--month", month, "--out", str(out),
                                   "--database-url", url])  # fmt: skip
        assert done.exit_code == 0, done.output
        read = [list(csv.reader((out / name).open(encoding="utf-8"))) for name in
                ("irma-ready-not-organised.csv", "irma-effectively-returned.csv")]  # fmt: skip
        return read[0], read[1]

    ready, returned = export("2023-03")
    # READY only: BOOKED has a flight, WAITING has no return decision or document.
    assert ready == [["month", "nationality", "persons"], ["2023-03", "MAR", "1"]]
    assert returned == [["month", "nationality", "voluntary", "forced", "total"],
                        ["2023-03", "DZA", "1", "1", "2"]]  # fmt: skip
    ready, returned = export("2023-02")  # the departure term runs until 1 March
    assert ready == [["month", "nationality", "persons"]] and len(returned) == 1
    ready, _ = export("2023-04")  # BOOKED's flight of 10 April is in the past then
    assert ready[1:] == [["2023-04", "MAR", "2"]]


def test_a_claimant_ready_for_a_dublin_transfer_is_not_ready_to_be_returned(
    tmp_path: Path,
) -> None:
    """A Dublin transfer is not a return: while the claim runs the claimant is legally
    removable (to Germany), yet IRMA counts returns; once the claim expired and a return
    decision is in force, they count as anyone else."""
    lines = [
        *_ready("r", READY, "MAR"),
        line("d-1", "intake", DUBLIN, "2023-01-02T10:00:00+01:00",
             {"nationality": "AFG", "track": "dublin"}),
        line("d-2", "dublin_accepted", DUBLIN, "2023-02-01T10:00:00+01:00",
             {"member_state": "DEU", "implicit": True}),
        line("d-3", "travel_document_valid", DUBLIN, "2023-02-15T10:00:00+01:00",
             {"kind": "laissez_passer", "valid_until": "2024-12-31"}),
        line("d-4", "location_changed", DUBLIN, "2023-02-15T10:00:00+01:00", {"kind": "azc"}),
        line("d-5", "return_decision", DUBLIN, "2023-08-02T10:00:00+02:00",
             {"departure_term_days": 0}),
    ]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["import", str(feed), "--database-url", url]).exit_code == 0

    def ready(month: str) -> list[list[str]]:
        out = tmp_path / month
        done = runner.invoke(app, ["export", "irma", "--month", month, "--out", str(out),
                                   "--database-url", url])  # fmt: skip
        assert done.exit_code == 0, done.output
        return list(csv.reader((out / "irma-ready-not-organised.csv").open(encoding="utf-8")))

    assert ready("2023-03")[1:] == [["2023-03", "MAR", "1"]]  # not the AFG transfer
    # The claim's deadline passed on 1 August; the return decision of 2 August is the ground.
    assert ready("2023-08")[1:] == [["2023-08", "AFG", "1"], ["2023-08", "MAR", "1"]]
