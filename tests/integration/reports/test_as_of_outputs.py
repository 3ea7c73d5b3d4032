"""Every report takes --as-of: the OCEL export, the IRMA datasets, the infographic and the
annual report read only the events recorded by then (the late departure is not in them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import departed, import_recorded_at, intake

runner = CliRunner()
V = "7300000001"


def test_the_late_departure_is_in_the_outputs_only_after_it_was_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    import_recorded_at(url, [intake("i-1", V, "2023-03-01T10:00:00+01:00")],
            datetime(2023, 3, 2, 9, tzinfo=UTC))  # fmt: skip
    # The departure of 20 March was reported on 10 April (a late partner message).
    import_recorded_at(url, [departed("d-1", V, "2023-03-20T10:00:00+01:00")],
            datetime(2023, 4, 10, 9, tzinfo=UTC))  # fmt: skip
    db = ["--database-url", url]

    def ocel(*more: str) -> str:
        out = tmp_path / "log.json"
        done = runner.invoke(app, ["export", "ocel", "--out", str(out), *more, *db])
        assert done.exit_code == 0, done.output
        return out.read_text(encoding="utf-8")

    assert '"type": "departed"' in ocel()
    assert '"type": "departed"' not in ocel("--as-of", "2023-04-09")

    def returned(*more: str) -> str:
        out = tmp_path / "irma"
        done = runner.invoke(app, ["export", "irma", "--month", "2023-03", "--out", str(out),
                                   *more, *db])  # fmt: skip
        assert done.exit_code == 0, done.output
        return (out / "irma-effectively-returned.csv").read_text(encoding="utf-8")

    assert "2023-03,MAR,1,0,1" in returned()
    assert "MAR" not in returned("--as-of", "2023-04-10T10:59")  # 09:00 UTC is 11:00 here
    assert "2023-03,MAR,1,0,1" in returned("--as-of", "2023-04-10T11:00")

    def annual(*more: str) -> str:
        out = tmp_path / "report.html"
        done = runner.invoke(app, ["report", "annual", "--year", "2023", "--out", str(out),
                                   *more, *db])  # fmt: skip
        assert done.exit_code == 0, done.output
        return out.read_text(encoding="utf-8")

    assert "&lt;5 zelfstandig en" in annual()  # one departure: shown as <5
    assert "geen vertrekprocedure afgesloten" not in annual()
    assert "geen vertrekprocedure afgesloten" in annual("--as-of", "2023-04-01")
