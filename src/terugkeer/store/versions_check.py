"""Checking the projection versions (store/versions.py) against what they must be.

What can be checked without replaying every commit: the versions that still hold are exactly
the current projections (which `projection_check` compares with a replay of the events); every
range is well formed, starts at a commit's mark and ends at one (or holds still); and no two
versions of one row hold at the same time. The answers "as known on" earlier moments were shown
equal to a replay of the prefix by tests/integration/test_as_of_properties.py.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, except_, func, or_, select
from sqlalchemy.orm import aliased

from terugkeer.store.tables import projection_marks
from terugkeer.store.versions import CURRENT, VERSIONED


def version_problems(connection: Connection, *, limit: int = 10) -> list[str]:
    """Up to `limit` sentences, each naming a version row that is not what it must be."""
    problems: list[str] = []
    for table, versions in VERSIONED.items():
        (key,) = table.primary_key.columns
        columns = [versions.c[c.name] for c in table.columns]
        holding = select(*columns).where(versions.c.to_seq == CURRENT)
        current = select(*table.columns)
        for row in connection.execute(except_(current, holding).limit(limit)):
            problems.append(f"{versions.name} has no current version of {table.name} row "
                            f"{row[0]} as it is")  # fmt: skip
        for row in connection.execute(except_(holding, current).limit(limit)):
            problems.append(f"{versions.name} row {row[0]} holds but {table.name} has no such "
                            f"row")  # fmt: skip
        marks = select(projection_marks.c.seq)
        unmarked = select(versions.c[key.name], versions.c.from_seq).where(
            or_(
                versions.c.from_seq >= versions.c.to_seq,
                versions.c.from_seq.not_in(marks),
                and_(versions.c.to_seq != CURRENT, versions.c.to_seq.not_in(marks)),
            )
        )
        for row in connection.execute(unmarked.limit(limit)):
            problems.append(f"{versions.name} row {row[0]} from {row[1]}: its range does not "
                            f"run from one commit to another")  # fmt: skip
        other = aliased(versions)
        overlapping = (
            select(versions.c[key.name], func.min(versions.c.from_seq))
            .join(other, other.c[key.name] == versions.c[key.name])
            .where(
                other.c.from_seq != versions.c.from_seq,
                other.c.from_seq < versions.c.to_seq,
                versions.c.from_seq < other.c.to_seq,
            )
            .group_by(versions.c[key.name])
        )
        for row in connection.execute(overlapping.limit(limit)):
            problems.append(f"{versions.name} row {row[0]}: two versions hold at once from "
                            f"{row[1]}")  # fmt: skip
        if len(problems) >= limit:
            break
    return problems[:limit]
