"""The baseline of `terugkeer bench report`: the same key-figure aggregation written directly in
DuckDB (a columnar engine) over copies of the same tables, in the same run.

The copies go through CSV: DuckDB's SQLite reader is an extension downloaded on first use, and
these machines have no network. Only the columns the figures read are copied (no bodies).
The figures are written apart from reports/figures, by the definitions of EVENTS.md, so that
the bench also checks that both give the same numbers. Two of them are timed over the same
projections as ours (procedures, location spells), so they check our SQL but not those
projections: `duck_from_events` derives them from the events themselves (untimed), pairing
decisions with starts in SQL, so that a projection that drifts from the events shows up.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from terugkeer.reports.period import Period
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, dublin_claims, events, location_spells, procedures

#: The copied columns with their DuckDB types.
_COLUMNS = {
    events: {"seq": "BIGINT", "type": "VARCHAR", "v_number": "VARCHAR", "case_seq": "BIGINT",
             "occurred_us": "BIGINT", "local_date": "DATE", "source": "VARCHAR",
             "category": "VARCHAR", "reference": "VARCHAR"},
    cases: {"case_seq": "BIGINT", "v_number": "VARCHAR", "nationality": "VARCHAR",
            "track": "VARCHAR", "opened_us": "BIGINT", "closed_us": "BIGINT",
            "closed_date": "DATE", "closing_type": "VARCHAR", "closing_category": "VARCHAR",
            "dublin_transfer": "BOOLEAN", "destination": "VARCHAR"},
    dublin_claims: {"accepted_seq": "BIGINT", "member_state": "VARCHAR", "deadline": "DATE",
                    "expired": "BOOLEAN"},
    procedures: {"v_number": "VARCHAR", "started_us": "BIGINT", "decided_us": "BIGINT"},
    location_spells: {"case_seq": "BIGINT", "kind": "VARCHAR", "from_us": "BIGINT",
                      "until_us": "BIGINT"},
}  # fmt: skip

#: The cases open at the end of the period (`Period.open_at_end`), in DuckDB's SQL.
OPEN_AT_END = "opened_us < $end AND (closed_us IS NULL OR closed_us >= $end)"


def copied(connection: Connection) -> Any:
    """An in-memory DuckDB database holding the figures' columns of `connection`'s store."""
    import duckdb

    duck = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="terugkeer-duck-") as folder:
        for table, columns in _COLUMNS.items():
            path = Path(folder) / f"{table.name}.csv"
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                query = select(*(table.c[name] for name in columns))
                if table is events:  # as the figures read them (EVENTS.md v1.1): not withdrawn
                    query = query.where(not_withdrawn())
                for row in connection.execution_options(stream_results=True).execute(query):
                    writer.writerow(_csv(value) for value in row)
            types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
            duck.execute(
                f"CREATE TABLE {table.name} AS SELECT * FROM read_csv(?, header=false, "
                f"columns={{{types}}}, nullstr='\\N')",
                [str(path)],
            )
    return duck


def _csv(value: object) -> object:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def duck_key_figures(duck: Any, period: Period, today: date) -> dict[str, object]:
    """The key figures' counts by their dotted JSON names (report key-figures --format json)."""
    start, end, end_us = period.start, period.end, period.end_us
    span = [start, end]

    def one(sql: str, *values: object) -> Any:
        return duck.execute(sql, list(values)).fetchone()

    figures: dict[str, object] = {}
    by_source = dict(duck.execute(
        "SELECT CASE WHEN source IN ('IND', 'POLITIE', 'KMAR') THEN source ELSE 'other' END, "
        "count(*) FROM events WHERE type = 'intake' AND local_date BETWEEN ? AND ? GROUP BY 1",
        span).fetchall())  # fmt: skip
    for source in ("IND", "POLITIE", "KMAR", "other"):
        figures[f"inflow_by_source.{source}"] = by_source.get(source, 0)
    figures["inflow"] = sum(by_source.values())
    counted = {"departure_interviews": ("interview", None),
               "flights_booked": ("flight_booked", None),
               "travel_document_requests": ("document_requested", None),
               "nationality_confirmations": ("document_answered", "confirmed")}  # fmt: skip
    for name, (kind, category) in counted.items():
        figures[name] = one(
            "SELECT count(*) FROM events WHERE type = ? AND local_date BETWEEN ? AND ? "
            "AND (? IS NULL OR category = ?)", kind, start, end, category, category)[0]  # fmt: skip
    closed = {(k, c): n for k, c, n in duck.execute(
        "SELECT closing_type, closing_category, count(*) FROM cases "
        "WHERE closed_date BETWEEN ? AND ? GROUP BY 1, 2", span).fetchall()}  # fmt: skip
    exits = {r: closed.get(("exit_without_departure", r), 0)
             for r in ("asylum_procedure", "residence_permit", "other")}  # fmt: skip
    independent = int(closed.get(("departed", "independent"), 0))
    forced = int(closed.get(("departed", "forced"), 0))
    absconded = sum(n for (k, _), n in closed.items() if k == "absconded")
    figures |= {
        "closed_procedures.total": sum(closed.values()),
        "closed_procedures.independent_departure": independent,
        "closed_procedures.forced_departure": forced,
        "closed_procedures.absconded": absconded,
        "closed_procedures.exit_without_departure.total": sum(exits.values()),
        **{f"closed_procedures.exit_without_departure.{r}": n for r, n in exits.items()},
        "demonstrable_departure": independent + forced,
        "demonstrable_departure_rate": (
            (independent + forced) / (independent + forced + absconded)
            if independent + forced + absconded
            else None
        ),
    }
    transferred, states = one(
        "SELECT count(*), count(DISTINCT destination) FROM cases WHERE closing_type = "
        "'departed' AND dublin_transfer AND closed_date BETWEEN ? AND ?", start, end)  # fmt: skip
    last = min(end, today - timedelta(days=1))
    expired = one("SELECT count(*) FROM dublin_claims WHERE expired AND deadline BETWEEN ? AND ?",
                  start, last)[0]  # fmt: skip
    figures |= {"dublin.transferred": transferred, "dublin.member_states": states,
                "dublin.expired": expired}  # fmt: skip
    caseload = duck.execute(f"SELECT count(*) FROM cases WHERE {OPEN_AT_END}", {"end": end_us})
    figures["caseload"] = caseload.fetchone()[0]
    with_decision, repeated, four = duck.execute(f"""
        WITH person AS (
          SELECT sum(CASE WHEN decided_us < $end THEN 1 ELSE 0 END) AS n,
                 bool_or(started_us < $end AND (decided_us IS NULL OR decided_us >= $end))
                   AS pending
          FROM procedures
          WHERE v_number IN (SELECT v_number FROM cases WHERE {OPEN_AT_END})
          GROUP BY v_number)
        SELECT count(*), count(*) FILTER (WHERE n >= 2 OR pending),
               count(*) FILTER (WHERE n >= 4)
        FROM person WHERE n >= 1""", {"end": end_us}).fetchone()  # fmt: skip
    figures |= {
        "repeated_procedures.with_decision": with_decision,
        "repeated_procedures.two_or_more_or_pending_share": (
            repeated / with_decision if with_decision else None
        ),
        "repeated_procedures.four_or_more": four,
    }
    figures["top_nationalities"] = [
        {"nationality": n, "count": c}
        for n, c in duck.execute(
            f"SELECT nationality, count(*) AS c FROM cases WHERE {OPEN_AT_END} AND track <> "
            "'dublin' GROUP BY 1 ORDER BY c DESC, nationality LIMIT 10", {"end": end_us},
        ).fetchall()
    ]  # fmt: skip
    figures["at_emergency_reception"] = duck.execute(f"""
        SELECT count(*) FROM location_spells l JOIN cases USING (case_seq)
        WHERE l.kind = 'emergency_reception' AND l.from_us < $end
          AND (l.until_us IS NULL OR l.until_us >= $end) AND {OPEN_AT_END}""",
        {"end": end_us}).fetchone()[0]  # fmt: skip
    return figures


def duck_from_events(duck: Any, period: Period) -> dict[str, object]:
    """The repeated procedures and the people at emergency reception, straight from the events
    (a decision refers to the latest start of its reference received before it)."""
    with_decision, repeated, four = duck.execute(f"""
        WITH people AS (SELECT DISTINCT v_number FROM cases WHERE {OPEN_AT_END}),
        procedure_events AS (
          SELECT e.seq, e.v_number, e.reference, e.type, e.occurred_us
          FROM events e JOIN people USING (v_number)
          WHERE e.type IN ('procedure_started', 'procedure_decided')),
        decisions AS (
          SELECT d.seq, d.v_number, d.occurred_us,
                 (SELECT max(s.seq) FROM procedure_events s
                  WHERE s.type = 'procedure_started' AND s.v_number = d.v_number
                    AND s.reference = d.reference AND s.seq < d.seq) AS start_seq
          FROM procedure_events d WHERE d.type = 'procedure_decided'),
        first_decision AS (  -- decided from its earliest-dated decision on
          SELECT start_seq, min(occurred_us) AS decided_us
          FROM decisions GROUP BY start_seq),
        person AS (
          SELECT p.v_number,
                 (SELECT count(*) FROM decisions d
                  WHERE d.v_number = p.v_number AND d.occurred_us < $end) AS n,
                 coalesce((SELECT bool_or(s.occurred_us < $end
                             AND (f.decided_us IS NULL OR f.decided_us >= $end))
                           FROM procedure_events s
                           LEFT JOIN first_decision f ON f.start_seq = s.seq
                           WHERE s.type = 'procedure_started' AND s.v_number = p.v_number),
                          false) AS pending
          FROM people p)
        SELECT count(*), count(*) FILTER (WHERE n >= 2 OR pending),
               count(*) FILTER (WHERE n >= 4)
        FROM person WHERE n >= 1""", {"end": period.end_us}).fetchone()  # fmt: skip
    emergency = duck.execute("""
        SELECT count(*) FROM (
          SELECT arg_max(e.category, (e.occurred_us, e.seq)) AS latest
          FROM cases c JOIN events e USING (case_seq)
          WHERE c.opened_us < $end AND (c.closed_us IS NULL OR c.closed_us >= $end)
            AND e.type = 'location_changed' AND e.occurred_us < $end
          GROUP BY e.case_seq)
        WHERE latest = 'emergency_reception'""", {"end": period.end_us}).fetchone()[0]  # fmt: skip
    return {
        "repeated_procedures.with_decision": with_decision,
        "repeated_procedures.two_or_more_or_pending_share": (
            repeated / with_decision if with_decision else None
        ),
        "repeated_procedures.four_or_more": four,
        "at_emergency_reception": emergency,
    }
