"""`terugkeer report infographic`: the flows come from the closed procedures of the period
(stance at the first interview, cooperating after all, outcome, exit reason), and the files —
HTML with its own plotly.js, SVG, PNG, a text version — are written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.reports.infographic import flows
from terugkeer.reports.period import Period
from terugkeer.store.engine import make_engine
from tests.integration.lines import departed, intake, line

runner = CliRunner()


def _talk(event_id: str, v: str, day: str, stance: str) -> str:
    return line(event_id, "interview", v, f"2023-{day}T10:00:00+01:00",
                {"kind": "first", "stance": stance})  # fmt: skip


def test_the_flows_and_the_files(tmp_path: Path) -> None:
    a, b, c, d, e = (f"81000000{n:02d}" for n in range(1, 6))
    lines = [intake(f"{v}-i", v, "2023-01-02T10:00:00+01:00") for v in (a, b, c, d, e)]
    lines += [
        _talk("a-1", a, "02-01", "cooperating"), departed("a-2", a, "2023-03-01T10:00:00+01:00"),
        _talk("b-1", b, "02-01", "not_cooperating"), _talk("b-2", b, "02-20", "cooperating"),
        line("b-3", "exit_without_departure", b, "2023-03-01T10:00:00+01:00",
             {"reason": "asylum_procedure"}),
        line("c-1", "absconded", c, "2023-03-01T10:00:00+01:00"),
        _talk("d-1", d, "02-01", "not_cooperating"),
        line("d-2", "departed", d, "2023-03-01T10:00:00+01:00",
             {"mode": "forced", "destination": "MAR", "evidence": "escorted"}, source="KMAR"),
        _talk("e-1", e, "02-01", "not_cooperating"),  # still open: not in the figure
    ]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["import", str(feed), "--database-url", url]).exit_code == 0
    out = tmp_path / "figure"
    done = runner.invoke(app, ["report", "infographic", "--from", "2023-01-01", "--to",
                               "2023-12-31", "--out", str(out), "--lang", "en",
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    text = (out / "infographic.txt").read_text(encoding="utf-8").splitlines()
    assert [t for t in text if t.startswith("- ")] == [
        "- Closed return procedures → Departure interview held: <5",
        "- Closed return procedures → No departure interview: <5",
        "- Departure interview held → Cooperating: <5",
        "- Departure interview held → Cooperating after all: <5",
        "- Departure interview held → Not cooperating: <5",
        "- No departure interview → Departure without supervision: <5",
        "- Cooperating → Independent departure: <5",
        "- Cooperating after all → Outflow without departure: <5",
        "- Not cooperating → Forced departure: <5",
        "- Outflow without departure → asylum procedure: <5",
    ]
    engine = make_engine(url)
    with engine.connect() as connection:
        found = flows(connection, Period(date(2023, 1, 1), date(2023, 12, 31)))
    engine.dispose()
    widths = {(f.source, f.target): f.cases for f in found}
    assert widths[("closed", "interviewed")] == 3 and widths[("closed", "not_interviewed")] == 1
    assert sum(n for (s, _), n in widths.items() if s == "closed") == 4  # e is still open
    page = (out / "infographic.html").read_text(encoding="utf-8")
    assert '<script src="plotly.min.js"></script>' in page and "cdn" not in page.lower()
    assert "Cooperating after all → Outflow without departure" in page  # the text version
    assert (out / "plotly.min.js").stat().st_size > 1_000_000
    assert (out / "infographic.svg").read_text(encoding="utf-8").startswith("<svg")
    assert (out / "infographic.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for v in (a, b, c, d, e):
        assert all(v not in path.read_text(errors="ignore") for path in out.iterdir())
