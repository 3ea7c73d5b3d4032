"""Projection versions: the figures' projections as they stood after every commit (issue 30).

Events are recorded in `seq` order and `recorded_at` never runs backwards against it, so the
store as known at a moment is a prefix of the chain. Each row of a versioned projection is
kept with the range of prefixes in which it held, `[from_seq, to_seq)`: written by the commit
whose last event had seq `from_seq`, replaced or removed by the one whose last event had seq
`to_seq` (`CURRENT` while it holds; a NOT NULL sentinel rather than NULL, so that a range
condition stays one comparison the planner can use). A commit's last seq is a *mark*; between
two marks the versions say nothing, and `store/as_of.py` derives the persons of that stretch
anew.

The writer keeps them in the transaction that appends the events, from the same `Changes` as
the current rows: a row is closed where the current one is deleted and opened where it is
inserted. `db rebuild` and the migration that added them start the versions at the chain's
head (`chain_head.versions_from`); an earlier moment is replayed as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import BigInteger, Connection, Table, delete, insert, literal, select, update

from terugkeer.store.bulk import insert_rows, one_of
from terugkeer.store.tables import (
    cases,
    cases_versions,
    chain_head,
    dublin_claims,
    dublin_claims_versions,
    location_spells,
    location_spells_versions,
    procedures,
    procedures_versions,
    projection_marks,
    withdrawals,
    withdrawals_versions,
)

#: `to_seq` of a row that still holds (2**62: beyond any seq, inside a signed 64-bit column).
CURRENT = 1 << 62

#: The projections the figures read, each with its versions. The worklist is not versioned: it
#: is what a case director must do now, and no report reads it "as known on".
VERSIONED: dict[Table, Table] = {
    cases: cases_versions,
    withdrawals: withdrawals_versions,
    dublin_claims: dublin_claims_versions,
    procedures: procedures_versions,
    location_spells: location_spells_versions,
}


def record_versions(
    connection: Connection,
    seq: int,
    rewritten: Sequence[str],
    deleted: Mapping[Table, Sequence[tuple[Any, ...]]],
    inserted: Mapping[Table, Sequence[Sequence[Any]]],
) -> None:
    """The versions of one commit whose last event has seq `seq`: every current row of the
    `rewritten` persons and every `deleted` key closed at `seq`, every `inserted` row opened
    there (the same changes the current projections get, in the same order)."""
    for table, versions in VERSIONED.items():
        if rewritten:
            _close(connection, versions, versions.c.v_number, list(rewritten), seq)
        keys = deleted.get(table)
        if keys:
            (column,) = versions.primary_key.columns[:1]  # every versioned key is one seq
            _close(connection, versions, column, [key[0] for key in keys], seq)
        rows = inserted.get(table)
        if rows:
            insert_rows(connection, versions, [[*row, seq, CURRENT] for row in rows])
    insert_rows(connection, projection_marks, [[seq]])


def _close(
    connection: Connection, versions: Table, column: Any, values: list[Any], seq: int
) -> None:
    connection.execute(
        update(versions)
        .where(one_of(connection, column, "values"), versions.c.to_seq == CURRENT)
        .values(to_seq=seq),
        {"values": values},
    )


def restart_versions(connection: Connection) -> int:
    """Versions start anew at the chain's head from the current projections (after a rebuild
    under other rules, and when they are added to an existing store): the head seq."""
    head = connection.execute(select(chain_head.c.last_seq)).scalar()
    if head is None:  # a store without its chain head yet (the first migration makes it)
        head = 0
    for table, versions in VERSIONED.items():
        connection.execute(delete(versions))
        columns = [versions.c[column.name] for column in table.columns]
        current = select(*table.columns, _literal(head), _literal(CURRENT))
        connection.execute(
            insert(versions).from_select([*columns, versions.c.from_seq, versions.c.to_seq],
                                         current)
        )  # fmt: skip
    connection.execute(delete(projection_marks))
    if head:
        connection.execute(insert(projection_marks).values(seq=head))
    connection.execute(update(chain_head).values(versions_from=head))
    return int(head)


def _literal(value: int) -> Any:
    return literal(value, BigInteger)


def rename_person(
    connection: Connection, v_number: str, subject: str, current: Mapping[Table, Iterable[Any]]
) -> None:
    """Retention: every version of the person carries the subject instead of the V-number and
    no family id, and the current versions take the rows derived from the pseudonymous
    history (`current`: per table, the person's new rows), keeping from when they held."""
    for table, versions in VERSIONED.items():
        values: dict[str, Any] = {"v_number": subject}
        if "family" in versions.c:
            values["family"] = None
        connection.execute(update(versions).where(versions.c.v_number == v_number).values(values))
        (key,) = table.primary_key.columns
        held = select(versions.c[key.name], versions.c.from_seq).where(
            versions.c.v_number == subject, versions.c.to_seq == CURRENT
        )
        since = {row[0]: row[1] for row in connection.execute(held)}
        connection.execute(
            delete(versions).where(versions.c.v_number == subject, versions.c.to_seq == CURRENT)
        )
        head = connection.execute(select(chain_head.c.last_seq)).scalar_one()
        rows = [[*row, since.get(row[0], head), CURRENT] for row in current.get(table, [])]
        insert_rows(connection, versions, rows)
