"""The manifest of a backup (`manifest.json` beside the backup file): what a restore must find.

Counts, hashes and dates only, never personal data: the chains' heads, the schema revision, the
backup file's sha256, and the key figures (aggregates) of every year the store's events fall in,
computed on the day the backup was taken (a Dublin deadline's expiry depends on that day, so
the check recomputes them as of the same day).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Connection

from terugkeer.reports.key_figures import key_figures
from terugkeer.services.annual_figures import year_period
from terugkeer.services.errors import ServiceError
from terugkeer.store.backup import heads

MANIFEST_NAME = "manifest.json"
FORMAT: Final = "terugkeer-backup"
FORMAT_VERSION: Final = 1


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChainHead(_Strict):
    last_seq: int
    last_hash: str


class StoreFacts(_Strict):
    """What the store held when the backup was taken, read in the backup's own snapshot."""

    schema_revision: str | None
    events: ChainHead
    access_log: ChainHead
    #: "2023" → the key figures of that year, as `report key-figures --format json` prints them.
    key_figures: dict[str, dict[str, Any]]


class BackupFile(_Strict):
    name: str
    bytes: int
    sha256: str


class Manifest(_Strict):
    format: Literal["terugkeer-backup"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    backend: Literal["sqlite", "postgresql"]
    taken_at: datetime
    #: The day the key figures were computed as of (Europe/Amsterdam).
    figures_day: date
    tool: str
    file: BackupFile
    store: StoreFacts


def store_facts(connection: Connection, figures_day: date) -> StoreFacts:
    found = heads(connection)
    years = (
        range(found.first_year, found.last_year + 1)
        if found.first_year is not None and found.last_year is not None
        else range(0)
    )
    figures = {
        str(year): key_figures(connection, year_period(year), today=figures_day).model_dump(
            mode="json"
        )
        for year in years
    }
    return StoreFacts(
        schema_revision=found.revision,
        events=ChainHead(last_seq=found.events[0], last_hash=found.events[1]),
        access_log=ChainHead(last_seq=found.access_log[0], last_hash=found.access_log[1]),
        key_figures=figures,
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(folder: Path, manifest: Manifest) -> Path:
    """Written last and renamed into place: a folder with a manifest holds a whole backup."""
    path, partial = folder / MANIFEST_NAME, folder / f"{MANIFEST_NAME}.partial"
    partial.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def read(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`; a missing or malformed one is said in a sentence."""
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ServiceError(
            f"{folder} is not a terugkeer backup: it has no {MANIFEST_NAME}"
        ) from None
    except OSError as error:
        raise ServiceError(f"{path} cannot be read: {error.strerror}") from None
    try:
        return Manifest.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the whole file"
        raise ServiceError(
            f"{path} is not a manifest this terugkeer reads (format {FORMAT} version "
            f"{FORMAT_VERSION}): {where}: {first['msg']}"
        ) from None
