"""The store as it was known at a moment: a scratch copy holding only the events recorded by
then, its projections derived anew (issue 11, "as known on").

The store accepts events in `seq` order and `recorded_at` never runs backwards against it, so
the events recorded by a moment are a prefix of the chain; folded under the same rules they
give the projections the store held then. Reports read the copy as they read the store.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select

from terugkeer.domain.rules import RulesTable
from terugkeer.store.rebuild import rebuild_projections
from terugkeer.store.tables import chain_head, completeness, events, metadata

_CHUNK = 5000


@contextmanager
def known_at(engine: Engine, recorded_by: str, rules: RulesTable) -> Iterator[Engine]:
    """An engine on a scratch SQLite store with the events recorded at or before
    `recorded_by` (UTC, the form of `recorded_at`) and their projections; removed after."""
    with tempfile.TemporaryDirectory(prefix="terugkeer-as-of-") as folder:
        scratch = create_engine(f"sqlite:///{Path(folder) / 'as-of.db'}")
        try:
            metadata.create_all(scratch)
            last_seq, last_hash = 0, ""
            query = select(events).where(events.c.recorded_at <= recorded_by).order_by(events.c.seq)
            with engine.connect() as source, scratch.begin() as target:
                chunk: list[dict[str, object]] = []
                for row in source.execution_options(yield_per=_CHUNK).execute(query):
                    chunk.append(dict(row._mapping))
                    last_seq, last_hash = row.seq, row.hash
                    if len(chunk) >= _CHUNK:
                        target.execute(insert(events), chunk)
                        chunk = []
                if chunk:
                    target.execute(insert(events), chunk)
                scheme = source.execute(select(chain_head.c.scheme)).scalar_one()
                head = {"id": 1, "last_seq": last_seq, "last_hash": last_hash, "scheme": scheme}
                target.execute(insert(chain_head).values(**head))
                # What was known then includes from when the store was held whole.
                known = select(completeness).where(completeness.c.set_at <= recorded_by)
                settings = [dict(row._mapping) for row in source.execute(known)]
                if settings:
                    target.execute(insert(completeness), settings)
            rebuild_projections(scratch, rules)
            yield scratch
        finally:
            scratch.dispose()
