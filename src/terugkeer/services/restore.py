"""`terugkeer restore`: a backup put back into a store, then verified against its manifest.

Before anything is touched: the manifest is read, the backend and schema revision must be this
terugkeer's, the file's sha256 must be the manifest's, and the target must be empty (or the
caller says `force`). After the restore (services/restore_checks.py): both hash chains intact,
their heads the manifest's, the projections equal to a replay of the events, and every year's
key figures the manifest's. With `check_only` the backup is restored into a scratch store that
is removed afterwards: no store is touched.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from terugkeer.services import backup_manifest as manifests
from terugkeer.services.errors import ServiceError
from terugkeer.services.restore_checks import Check, verify_restored
from terugkeer.settings import Settings
from terugkeer.store import backup as copies
from terugkeer.store.engine import make_engine
from terugkeer.store.errors import store_name
from terugkeer.store.postgres_tools import ToolError
from terugkeer.store.schema import HEAD_REVISION


class TargetNotEmptyError(ServiceError):
    """The target store holds data and the caller did not say `force`."""


@dataclass(frozen=True, slots=True)
class RestoreReport:
    manifest: manifests.Manifest
    #: Every check in the order made, the file's sha256 first.
    checks: tuple[Check, ...]
    #: The store restored into (password hidden); None for a check in a scratch store.
    target: str | None = None

    @property
    def verified(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((check for check in self.checks if not check.passed), None)


def restore_backup(
    settings: Settings, folder: Path, *, force: bool = False, actor: str, origin: str
) -> RestoreReport:
    """Replace the store `settings` names by the backup in `folder`, then verify it."""
    manifest, file = _readable(folder)
    # Not bootstrap(): it would give an empty target the schema (so it is no longer empty) or,
    # as a reader, refuse it; the target is verified through bootstrap once restored.
    engine = make_engine(settings.database_url)
    try:
        _same_backend(manifest, copies.backend(engine))
        sha = _sha_check(manifest, file)
        if not sha.passed:
            return RestoreReport(manifest, (sha,))
        if not force and not copies.is_empty(engine):
            raise TargetNotEmptyError(
                f"the store {store_name(engine.url)} is not empty: restore replaces everything "
                "in it, so add --force to overwrite it"
            )
        _restore(file, engine)
        target = store_name(engine.url)
    finally:
        engine.dispose()
    checks = verify_restored(settings, manifest, log=(actor, origin))
    return RestoreReport(manifest, (sha, *checks), target)


def check_backup(settings: Settings, folder: Path) -> RestoreReport:
    """Verify the backup in `folder` by restoring it into a scratch store that is removed
    afterwards: a temporary SQLite file, or for a PostgreSQL backup a new database on the
    server `settings` names. No store is touched."""
    manifest, file = _readable(folder)
    sha = _sha_check(manifest, file)
    if not sha.passed:
        return RestoreReport(manifest, (sha,))
    with tempfile.TemporaryDirectory(prefix="terugkeer-check-") as scratch:
        if manifest.backend == "sqlite":
            checks = _check_in(settings, manifest, file, f"sqlite:///{Path(scratch) / 'check.db'}")
        else:
            server = make_engine(settings.database_url)
            try:
                _same_backend(manifest, copies.backend(server))
                with copies.scratch_database(server) as url:
                    checks = _check_in(settings, manifest, file, url)
            finally:
                server.dispose()
    return RestoreReport(manifest, (sha, *checks))


def _check_in(
    settings: Settings, manifest: manifests.Manifest, file: Path, url: str
) -> list[Check]:
    target = make_engine(url)
    try:
        _restore(file, target)
    finally:
        target.dispose()
    return verify_restored(settings.model_copy(update={"database_url": url}), manifest, log=None)


def _readable(folder: Path) -> tuple[manifests.Manifest, Path]:
    manifest = manifests.read(folder)
    file = folder / manifest.file.name
    if Path(manifest.file.name).name != manifest.file.name or not file.is_file():
        raise ServiceError(f"{folder} has no backup file {manifest.file.name!r}")
    if manifest.store.schema_revision != HEAD_REVISION:
        raise ServiceError(
            f"the backup is at schema revision {manifest.store.schema_revision}, this terugkeer "
            f"at {HEAD_REVISION}: restore it with the terugkeer version that took it, then run "
            "`terugkeer db upgrade`"
        )
    return manifest, file


def _same_backend(manifest: manifests.Manifest, backend: str) -> None:
    if manifest.backend != backend:
        raise ServiceError(
            f"the backup is of a {manifest.backend} store and cannot be restored into a "
            f"{backend} one: give a {manifest.backend} --database-url"
        )


def _sha_check(manifest: manifests.Manifest, file: Path) -> Check:
    found = manifests.sha256_of(file)
    if found == manifest.file.sha256:
        return Check("file", True, f"{file.name}: sha256 {found} as in the manifest")
    return Check(
        "file",
        False,
        f"{file.name} has sha256 {found}, the manifest says {manifest.file.sha256}: the backup "
        "file was changed or damaged after it was taken",
    )


def _restore(file: Path, engine: Engine) -> None:
    try:
        copies.restore(file, engine)
    except ToolError as error:
        raise ServiceError(str(error)) from None
