"""`terugkeer backup` and `terugkeer restore` on SQLite and PostgreSQL: a round trip gives the
same history and the same figures; a damaged or tampered backup is refused with a sentence
that says what differs."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import text
from sqlalchemy.engine import make_url

from terugkeer.cli.app import app
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import HEAD_REVISION
from tests.integration.backup_helpers import (
    V_NUMBERS,
    YEARS,
    build_store,
    event_links,
    key_figures,
    runner,
    tables,
    target_url,
)

__all__ = ["target_url"]  # the fixture, used by name


def _backup(url: str, folder: Path) -> Path:
    done = runner.invoke(app, ["backup", str(folder), "--database-url", url])
    assert done.exit_code == 0, done.output
    return folder


def _restore(folder: Path, url: str, *extra: str) -> tuple[int, str, str]:
    done = runner.invoke(app, ["restore", str(folder), "--database-url", url, *extra])
    return done.exit_code, done.stdout, done.stderr


def test_a_round_trip_gives_the_same_history_and_every_years_figures(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["store"]["key_figures"]) == [str(year) for year in YEARS]
    assert manifest["store"]["events"]["last_seq"] == len(event_links(database_url))
    assert manifest["store"]["access_log"]["last_seq"] >= 1  # the case read
    for year in YEARS:  # the figures `report key-figures` prints, as of the backup's day
        assert manifest["store"]["key_figures"][str(year)] == key_figures(database_url, year)
    assert folder.stat().st_mode & 0o777 == 0o700  # the copy holds every person's data
    assert (folder / manifest["file"]["name"]).stat().st_mode & 0o777 == 0o600
    written = (folder / "manifest.json").read_text(encoding="utf-8")
    assert not any(v_number in written for v_number in V_NUMBERS)  # no personal data

    code, out, err = _restore(folder, target_url)
    assert (code, err) == (0, "")
    assert "ok  every key figure of every year (2023 to 2024" in out
    shown = make_url(target_url).render_as_string(hide_password=True)
    assert f"restored and verified into {unquote(shown)}: the store as it was" in out
    assert event_links(target_url) == event_links(database_url)
    for year in YEARS:
        assert key_figures(target_url, year) == key_figures(database_url, year)
    verified = runner.invoke(app, ["audit", "verify", "--database-url", target_url])
    assert verified.exit_code == 0, verified.output
    # who copied every case, and who put them back, is in the access log
    assert _logged(database_url)[-1][0] == "store.backup"
    action, detail = _logged(target_url)[-1]
    assert action == "store.restore"
    assert detail.endswith("; verified")


def _logged(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT action, detail FROM access_log ORDER BY seq"))
        found = [(action, detail) for action, detail in rows]
    engine.dispose()
    return found


def test_a_store_with_data_is_overwritten_only_with_force(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")
    assert _restore(folder, target_url)[0] == 0

    code, _, err = _restore(folder, target_url)
    assert code == 2
    assert "is not empty: restore replaces everything in it, so add --force" in err

    assert _restore(folder, target_url, "--force")[0] == 0
    assert event_links(target_url) == event_links(database_url)

    again = runner.invoke(app, ["backup", str(folder), "--database-url", database_url])
    assert again.exit_code == 2
    assert "already exists and is not an empty folder: a backup goes into a new one" in again.stderr


def test_a_backup_file_changed_after_it_was_taken_is_not_restored(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    file = folder / manifest["file"]["name"]
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte
    file.write_bytes(bytes(data))

    code, out, err = _restore(folder, target_url)
    assert code == 1
    assert "the backup file was changed or damaged after it was taken" in out
    assert "not restored" in err
    assert tables(target_url) == []  # the target was not touched


def test_a_backup_of_an_edited_event_names_the_broken_row(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    engine = make_engine(database_url)
    with engine.begin() as connection:  # someone edits a stored event behind the system's back
        connection.execute(text("UPDATE events SET occurred_at = :at WHERE seq = 7"),
                           {"at": "2023-01-02T10:00:00+01:00"})  # fmt: skip
    engine.dispose()
    folder = _backup(database_url, tmp_path / "backup")

    code, out, err = _restore(folder, target_url)
    assert code == 1
    assert "NOT VERIFIED: the events' hash chain is broken at row seq 7" in err
    assert not any(v_number in out + err for v_number in V_NUMBERS)


def test_a_backup_whose_projection_versions_were_edited_is_not_verified(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    """The versions the "as known on" answers read are checked as `audit verify` checks them:
    a restore that passes is one whose past answers are the source's too."""
    build_store(database_url, tmp_path)
    engine = make_engine(database_url)
    with engine.begin() as connection:  # someone removes the versions the last commit wrote
        last = "SELECT MAX(from_seq) FROM cases_versions"
        connection.execute(text(f"DELETE FROM cases_versions WHERE from_seq = ({last})"))
    engine.dispose()
    assert runner.invoke(app, ["audit", "verify", "--database-url", database_url]).exit_code == 1
    folder = _backup(database_url, tmp_path / "backup")

    code, out, err = _restore(folder, target_url)
    assert code == 1
    assert "FAILED  " in out and "of their versions differ from a replay" in out
    assert "NOT VERIFIED" in err
    assert "ok  the events' hash chain is intact" in out  # the other checks still ran
    assert not any(v_number in out + err for v_number in V_NUMBERS)


def test_figures_that_differ_from_the_manifest_are_named(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    inflow = manifest["store"]["key_figures"]["2024"]["inflow"]
    manifest["store"]["key_figures"]["2024"]["inflow"] = inflow + 1
    path.write_text(json.dumps(manifest), encoding="utf-8")

    code, out, err = _restore(folder, target_url)
    assert code == 1
    assert (
        f"NOT VERIFIED: key figure inflow of 2024 is {inflow} in the restored store but "
        f"{inflow + 1} in the manifest"
    ) in err
    assert "ok  the events' hash chain is intact" in out  # the other checks still ran


def test_check_only_verifies_without_touching_any_store(database_url: str, tmp_path: Path) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")
    before = _databases(database_url)
    untouched = tmp_path / "nothing-here.db"
    server = f"sqlite:///{untouched}" if database_url.startswith("sqlite") else database_url

    code, out, err = _restore(folder, server, "--check-only")
    assert (code, err) == (0, "")
    assert "the backup verifies" in out
    assert not untouched.exists()
    assert _databases(database_url) == before  # the scratch database is gone again


def _databases(url: str) -> list[str]:
    """The scratch databases of `restore --check-only` on the server (other tests running
    beside this one create and drop databases of their own)."""
    if url.startswith("sqlite"):
        return []
    engine = make_engine(url)
    with engine.connect() as connection:
        query = "SELECT datname FROM pg_database WHERE datname LIKE 'terugkeer_check_%' ORDER BY 1"
        found = connection.execute(text(query)).scalars()
        names = list(found)
    engine.dispose()
    return names


def test_a_backup_of_another_revision_or_backend_is_refused_before_anything_is_touched(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    other = "postgresql+psycopg://nobody@127.0.0.1:1/none" if manifest["backend"] == "sqlite" \
        else f"sqlite:///{tmp_path / 'other.db'}"  # fmt: skip

    code, _, err = _restore(folder, other)
    assert code == 2
    kind = manifest["backend"]
    assert f"the backup is of a {kind} store and cannot be restored into a" in err

    manifest["store"]["schema_revision"] = "0015"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    code, _, err = _restore(folder, target_url)
    assert code == 2
    assert f"the backup is at schema revision 0015, this terugkeer at {HEAD_REVISION}" in err
    assert tables(target_url) == []


def test_a_backup_cut_short_and_resealed_is_caught_by_the_manifests_chain_head(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    """Someone who can write files swaps in a copy without the newest events, with a chain
    head rewound to match and the manifest's sha256 fixed: the chain verifies on its own, the
    manifest's head does not."""
    build_store(database_url, tmp_path)
    genuine = _backup(database_url, tmp_path / "genuine")
    assert _restore(genuine, target_url)[0] == 0
    engine = make_engine(target_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE seq > 60"))
        connection.execute(text(
            "UPDATE chain_head SET last_seq = 60, "
            "last_hash = (SELECT hash FROM events WHERE seq = 60) WHERE id = 1"
        ))  # fmt: skip
    engine.dispose()
    cut = _backup(target_url, tmp_path / "cut")
    manifest = json.loads((genuine / "manifest.json").read_text(encoding="utf-8"))
    cut_manifest = json.loads((cut / "manifest.json").read_text(encoding="utf-8"))
    manifest["file"] = cut_manifest["file"]
    (cut / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    code, out, err = _restore(cut, target_url, "--force")
    assert code == 1
    assert "ok  " + cut_manifest["file"]["name"] in out  # the file is the one "described"
    last = manifest["store"]["events"]["last_seq"]
    assert "NOT VERIFIED: the events' hash chain is intact but ends at seq 60 with hash" in err
    assert f"the manifest says seq {last} with hash" in err


def test_a_restore_under_another_pseudonym_key_says_which_setting_to_fix(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    build_store(database_url, tmp_path)
    folder = _backup(database_url, tmp_path / "backup")
    other_key = {"TERUGKEER_PSEUDONYM_KEY": "another key than the source's, 32+ characters"}

    done = runner.invoke(app, ["restore", str(folder), "--database-url", target_url],
                         env=other_key)  # fmt: skip
    assert done.exit_code == 1
    assert (
        "NOT VERIFIED: the store was written under another TERUGKEER_PSEUDONYM_KEY than the "
        "one configured here: set the source's key and restore again"
    ) in done.stderr
    # nothing was logged under the wrong key: with the source's, the restored store verifies
    verified = runner.invoke(app, ["audit", "verify", "--database-url", target_url])
    assert verified.exit_code == 0, verified.output
