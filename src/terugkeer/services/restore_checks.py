"""What a restored store must show to be the store the backup was taken of.

Each check is one sentence saying what was compared; a failed one names the first difference.
No sentence holds personal data: chain rows by seq, figures by name and count, projection
differences by number only (`terugkeer audit verify` on the restored store names them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from terugkeer.bootstrap import System, bootstrap
from terugkeer.services import backup_manifest as manifests
from terugkeer.settings import Settings
from terugkeer.store.access_chain import verify_access_log
from terugkeer.store.access_log import Access, record
from terugkeer.store.backup import heads
from terugkeer.store.engine import writing
from terugkeer.store.hashchain import verify
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.versions_check import version_problems


@dataclass(frozen=True, slots=True)
class Check:
    #: file, key, events, access_log, projections, revision, key_figures
    name: str
    passed: bool
    sentence: str


def verify_restored(
    settings: Settings, manifest: manifests.Manifest, *, log: tuple[str, str] | None
) -> list[Check]:
    """Every check of the restored store `settings` names against `manifest`. With `log`
    (actor, origin), the restore and its outcome are logged in the restored store's access log,
    after the checks (so they see the store exactly as restored), unless it was written under
    another pseudonym key."""
    system = bootstrap(settings, migrate=False)
    try:
        with system.engine.connect() as connection:
            checks = list(_checks(connection, system, manifest))
        # Under another key the row would be chained with the wrong key: a break of its own.
        if log is not None and all(check.name != "key" for check in checks):
            failed = next((check.name for check in checks if not check.passed), None)
            outcome = "verified" if failed is None else f"NOT verified: {failed}"
            detail = f"backup taken {manifest.taken_at:%Y-%m-%dT%H:%M:%SZ}; {outcome}"
            with writing(system.engine) as connection:
                record(
                    connection,
                    Access(log[0], "cli", "store.restore", log[1], detail=detail),
                    system.clock(),
                )
        return checks
    finally:
        system.close()


def _checks(
    connection: Connection, system: System, manifest: manifests.Manifest
) -> Iterator[Check]:
    facts = manifest.store
    found = heads(connection)
    yield _revision(found.revision, facts.schema_revision)
    key = system.pseudonyms.key_check
    if found.key_check not in (None, key):
        yield Check(
            "key",
            False,
            "the store was written under another TERUGKEER_PSEUDONYM_KEY "
            "than the one configured here: set the source's key and restore again",
        )
    chain = verify(connection)
    if not chain.intact:
        yield Check(
            "events",
            False,
            f"the events' hash chain is broken at row seq {chain.broken_seq}: {chain.problem}",
        )
    else:
        yield _head(
            "events", "the events' hash chain", found.events, facts.events, chain.rows_checked
        )
    logged = verify_access_log(connection, system.pseudonyms)
    if not logged.intact:
        yield Check(
            "access_log",
            False,
            f"the access log's hash chain is broken at row seq "
            f"{logged.broken_seq}: {logged.problem}",
        )
    else:
        yield _head(
            "access_log",
            "the access log's hash chain",
            found.access_log,
            facts.access_log,
            logged.rows_checked,
        )
    problems = projection_problems(connection, system.rules, limit=1_000_000)
    # and their versions, which the "as known on" answers read: as `audit verify` checks them
    versions = version_problems(connection, limit=1_000_000)
    yield Check(
        "projections",
        not problems and not versions,
        "the projections and their versions equal a replay of the events"
        if not problems and not versions
        else f"{len(problems)} projection rows and {len(versions)} of their versions differ "
        "from a replay of the events (run `terugkeer audit verify` on the restored store to "
        "see them)",
    )
    yield _figures(connection, manifest)


def _revision(found: str | None, expected: str | None) -> Check:
    if found == expected:
        return Check("revision", True, f"schema revision {found} as in the manifest")
    return Check("revision", False, f"schema revision {found}, the manifest says {expected}")


def _head(
    name: str, what: str, found: tuple[int, str], expected: manifests.ChainHead, rows: int
) -> Check:
    if found == (expected.last_seq, expected.last_hash):
        return Check(
            name,
            True,
            f"{what} is intact ({rows} rows) and ends at seq {found[0]} "
            f"with hash {found[1]}, as in the manifest",
        )
    return Check(
        name,
        False,
        f"{what} is intact but ends at seq {found[0]} with hash {found[1]}; "
        f"the manifest says seq {expected.last_seq} with hash {expected.last_hash}",
    )


def _figures(connection: Connection, manifest: manifests.Manifest) -> Check:
    restored = manifests.store_facts(connection, manifest.figures_day).key_figures
    expected = manifest.store.key_figures
    for year in sorted(set(restored) | set(expected)):
        if year not in restored:
            return Check(
                "key_figures",
                False,
                f"the manifest has key figures of {year}, but "
                "the restored store has no events in that year",
            )
        if year not in expected:
            return Check(
                "key_figures",
                False,
                f"the restored store has events in {year}, "
                "but the manifest has no key figures of that year",
            )
        difference = _first_difference(restored[year], expected[year])
        if difference is not None:
            path, now, then = difference
            return Check(
                "key_figures",
                False,
                f"key figure {path} of {year} is {now} in the "
                f"restored store but {then} in the manifest",
            )
    years = f"{min(expected)} to {max(expected)}" if expected else "none (no events)"
    return Check(
        "key_figures",
        True,
        f"every key figure of every year ({years}, as of "
        f"{manifest.figures_day}) equals the manifest's",
    )


def _first_difference(now: Any, then: Any, path: str = "") -> tuple[str, Any, Any] | None:
    if isinstance(now, Mapping) and isinstance(then, Mapping):
        for key in [*now, *(k for k in then if k not in now)]:
            found = _first_difference(now.get(key), then.get(key), f"{path}.{key}" if path else key)
            if found is not None:
                return found
        return None
    return None if now == then else (path or "(all)", now, then)
