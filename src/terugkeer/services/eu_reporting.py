"""`terugkeer export`: the monthly Frontex IRMA datasets as CSV files, and the history as an
OCEL 2.0 event log for process mining."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from terugkeer.bootstrap import System
from terugkeer.reports.irma import IrmaMonth, irma_month
from terugkeer.reports.ocel import write_ocel

READY, RETURNED = "irma-ready-not-organised.csv", "irma-effectively-returned.csv"


def irma_of(system: System, month: date) -> IrmaMonth:
    with system.engine.connect() as connection:
        return irma_month(connection, system.rules, month)


def export_irma(system: System, month: date, out: Path) -> list[Path]:
    """The two datasets of `month` in `out` (created): month, nationality (ISO 3166 alpha-3),
    counts; comma-separated, as the EU datasets are exchanged."""
    found = irma_of(system, month)
    out.mkdir(parents=True, exist_ok=True)
    stamp = f"{month:%Y-%m}"
    with (out / READY).open("w", encoding="utf-8", newline="") as ready:
        writer = csv.writer(ready, lineterminator="\n")
        writer.writerow(["month", "nationality", "persons"])
        writer.writerows([stamp, code, n] for code, n in found.ready_not_organised.items())
    with (out / RETURNED).open("w", encoding="utf-8", newline="") as returned:
        writer = csv.writer(returned, lineterminator="\n")
        writer.writerow(["month", "nationality", "voluntary", "forced", "total"])
        writer.writerows([stamp, code, v, f, v + f] for code, (v, f) in found.returned.items())
    return [out / READY, out / RETURNED]


def export_ocel(
    system: System, out: Path, *, since: date, until: date, pseudonymous: bool = True
) -> tuple[int, int]:
    """The history of the events that occurred from `since` to `until` as OCEL 2.0 JSON in
    `out` (written beside it first, then moved into place: never half a file); the numbers of
    events and objects."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with system.engine.connect() as connection, partial.open("w", encoding="utf-8") as stream:
        counts = write_ocel(connection, stream, since=since, until=until,
                            pseudonymous=pseudonymous)  # fmt: skip
    partial.replace(out)
    return counts
