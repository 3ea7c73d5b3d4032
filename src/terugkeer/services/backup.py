"""`terugkeer backup`: the store copied to a folder, with a manifest of what it holds.

The folder gets the backup file (`store.sqlite3` or `store.pgdump`) and `manifest.json`
(services/backup_manifest.py). The copy is consistent while intake goes on: the manifest's
facts are read from the very snapshot the file holds. Taking a backup is itself logged in the
source's access log (a copy of every case), after the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import local_date
from terugkeer.services import backup_manifest as manifests
from terugkeer.services.errors import ServiceError
from terugkeer.store import backup as copies
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.postgres_tools import ToolError


@dataclass(frozen=True, slots=True)
class TakenBackup:
    folder: Path
    manifest: manifests.Manifest


def take_backup(system: System, folder: Path, *, actor: str, origin: str) -> TakenBackup:
    """Copy the store of `system` into the new (or empty) `folder`."""
    created = _prepare(folder)
    taken_at = system.clock()
    day = local_date(taken_at)
    try:
        copy = copies.take(
            system.engine, folder, lambda connection: manifests.store_facts(connection, day)
        )
    except BaseException as error:
        _remove(folder, created)  # no half backup that looks like one
        if isinstance(error, ToolError):
            raise ServiceError(str(error)) from None
        raise
    manifest = manifests.Manifest(
        backend=copies.backend(system.engine),
        taken_at=taken_at,
        figures_day=day,
        tool=copy.tool,
        file=manifests.BackupFile(
            name=copy.file.name,
            bytes=copy.file.stat().st_size,
            sha256=manifests.sha256_of(copy.file),
        ),
        store=copy.facts,
    )
    copy.file.chmod(0o600)
    manifests.write(folder, manifest)
    detail = f"events={manifest.store.events.last_seq} years={len(manifest.store.key_figures)}"
    with writing(system.engine) as connection:
        record(
            connection, Access(actor, "cli", "store.backup", origin, detail=detail), system.clock()
        )
    return TakenBackup(folder, manifest)


def _prepare(folder: Path) -> bool:
    """Whether the folder was created here."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ServiceError(
            f"{folder} already exists and is not an empty folder: a backup goes into a new one"
        )
    if not folder.parent.is_dir():
        raise ServiceError(f"the folder {folder.parent} does not exist")
    created = not folder.exists()
    folder.mkdir(mode=0o700, exist_ok=True)  # the copy holds every person's data
    return created


def _remove(folder: Path, created: bool) -> None:
    for name in copies.FILE_NAMES.values():
        (folder / name).unlink(missing_ok=True)
    if created:
        folder.rmdir()
