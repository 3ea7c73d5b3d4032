"""A SQLite store copied to one file with SQLite's online backup API, and copied back.

The copy is a single `backup()` step: it reads the whole store inside one read transaction, so
in WAL mode writers go on meanwhile and the copy is the store as of one commit, never half a
batch. The copy is then switched to the rollback journal, so that it is one self-contained file
whose bytes (and sha256) do not change when it is opened read-only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.pool import NullPool

from terugkeer.store.errors import guarded

T = TypeVar("T")


def take(engine: Engine, dest: Path, read: Callable[[Connection], T]) -> T:
    """Copy the store of `engine` to the new file `dest`; `read` sees exactly that copy."""
    with guarded(engine.url, "read"):
        source = engine.raw_connection()
        try:
            target = sqlite3.connect(dest)
            try:
                source.driver_connection.backup(target, pages=-1)  # type: ignore[union-attr]
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
    return read_file(dest, read)


def read_file(path: Path, read: Callable[[Connection], T]) -> T:
    """`read` on a connection to the copy at `path`, opened read-only: its bytes stay as taken."""
    engine = _read_only(path)
    try:
        with engine.connect() as connection:
            return read(connection)
    finally:
        engine.dispose()


def restore(source: Path, engine: Engine) -> None:
    """Replace everything in the store of `engine` by the copy at `source` (page by page, through
    SQLite, so that the target's journal stays consistent)."""
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with guarded(engine.url, "written"):
            target = engine.raw_connection()
            try:
                copy.backup(target.driver_connection, pages=-1)  # type: ignore[arg-type]
            finally:
                target.close()
    finally:
        copy.close()


def _read_only(path: Path) -> Engine:
    # No terugkeer connect hooks: they would switch the copy to WAL, i.e. change its bytes.
    return create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true", poolclass=NullPool)
