"""A store that cannot be opened or written: one sentence on stderr, exit status 2.

The sentence names the store (password hidden) and what is wrong, and never quotes SQL, its
parameters or the imported events. Most cases call the real `main()` in this process (a quick
matrix of every command); the slow ones run `python -m terugkeer` to see the process's stderr.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from terugkeer.cli.app import main
from terugkeer.store.engine import make_engine
from terugkeer.store.errors import reason
from terugkeer.store.schema import ensure_schema
from tests.integration.lines import intake

V = "5555555555"
SECRET = "geheim-71"  # the id of the event being imported; must never be echoed
COMMANDS = {
    "import": ["import", "{feed}"],
    "report": ["report", "key-figures", "--from", "2023-01-01", "--to", "2023-12-31"],
    "audit": ["audit", "verify"],
    "upgrade": ["db", "upgrade"],
}


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_text(intake(SECRET, V, "2023-01-05T10:00:00+01:00") + "\n", encoding="utf-8")
    return path


def _args(command: str, feed: Path, url: str) -> list[str]:
    return [a.format(feed=feed) for a in COMMANDS[command]] + ["--database-url", url]


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | str | None, str]:
    """The exit status and stderr of `terugkeer ARGS`; any other exception fails the test."""
    saved, sys.argv = sys.argv, ["terugkeer", *args]
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        sys.argv = saved
    return stopped.value.code, capsys.readouterr().err


def _process(args: list[str]) -> tuple[int, str]:
    """The exit status and stderr of a real `terugkeer ARGS` process, which prints nothing else."""
    command = [sys.executable, "-m", "terugkeer", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout == ""
    return done.returncode, done.stderr


def _assert_one_sentence(status: int | str | None, err: str, store: str, problem: str) -> None:
    assert status == 2, err
    assert err.startswith("terugkeer: the store ") and err.count("\n") == 1, err
    assert store in err and problem in err, err
    assert "Traceback" not in err and "[SQL" not in err and "parameters" not in err, err
    assert SECRET not in err and V not in err and "asylum" not in err, err
    assert not re.search(r"\d{10}", err), err  # nothing shaped like a V-number


def _directory(tmp: Path) -> str:
    (tmp / "store.db").mkdir()
    return f"sqlite:///{tmp / 'store.db'}"


def _not_a_database(tmp: Path) -> str:
    (tmp / "store.db").write_text("these are notes, not a database\n" * 100)
    return f"sqlite:///{tmp / 'store.db'}"


def _parent_is_a_file(tmp: Path) -> str:
    (tmp / "notes").write_text("a file where a directory should be\n")
    return f"sqlite:///{tmp / 'notes' / 'store.db'}"


def _missing_parent(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'absent' / 'store.db'}"


def _refused(_tmp: Path) -> str:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://terugkeer:s3cret@127.0.0.1:{port}/terugkeer"


BROKEN: dict[str, tuple[Callable[[Path], str], str]] = {
    "directory": (_directory, "is a directory, not a database"),
    "not a database": (_not_a_database, "cannot be opened: file is not a database"),
    "parent is a file": (_parent_is_a_file, "notes is a file, not a directory"),
    "missing parent": (_missing_parent, "the directory {tmp}/absent does not exist"),
    "unknown scheme": (lambda _tmp: "foo://x", "is of an unknown kind"),
    "postgres refuses": (_refused, "Connection refused"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BROKEN)
def test_every_command_names_the_broken_store_in_one_sentence(
    case: str, command: str, tmp_path: Path, feed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, problem = BROKEN[case]
    url = make(tmp_path)
    status, err = _main(_args(command, feed, url), capsys)
    store = url.replace(":s3cret@", ":***@")
    _assert_one_sentence(status, err, store, problem.format(tmp=tmp_path))
    assert "s3cret" not in err
    assert not (tmp_path / "absent").exists()  # a mistyped directory is not created


def test_a_missing_postgres_database_is_named(
    feed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not (server := os.environ.get("TERUGKEER_TEST_POSTGRES_URL")):
        pytest.skip("no PostgreSQL (set TERUGKEER_TEST_POSTGRES_URL)")
    # Letters only: eight hex digits can all be digits, and an error naming a long number is
    # (rightly) cut to the driver's error class (store/errors.reason).
    letters = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])
    absent = make_url(server).set(database=f"terugkeer_absent_{letters}")
    url = absent.render_as_string(hide_password=False)
    for command in COMMANDS:
        status, err = _main(_args(command, feed, url), capsys)
        expected = f'database "{absent.database}" does not exist'
        _assert_one_sentence(status, err, absent.render_as_string(), expected)


def _read_only(database_url: str) -> str:
    """The same store opened so that writing really fails, also for root (these tests run as
    root, which ignores file modes, so chmod proves nothing): SQLite opened with the URI flag
    mode=ro, PostgreSQL with every transaction read-only."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    options = {"options": "-c default_transaction_read_only=on"}
    return parsed.update_query_dict(options).render_as_string(hide_password=False)


def test_importing_into_a_read_only_store_quotes_no_event(
    database_url: str, tmp_path: Path, feed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(database_url)
    ensure_schema(engine)
    engine.dispose()
    read_only = _read_only(database_url)
    status, err = _process(_args("import", feed, read_only))  # the case that quoted the INSERT
    store = f"the store {make_url(database_url).get_backend_name()}"
    _assert_one_sentence(status, err, store, "cannot be written")
    assert str(make_url(database_url).database) in err
    assert ("readonly" in err) or ("read-only" in err), err
    assert _main(_args("audit", feed, read_only), capsys)[0] == 0  # reading it still works


def test_the_default_data_directory_is_created_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TERUGKEER_DATABASE_URL", raising=False)
    assert _main(["db", "upgrade"], capsys)[0] == 0
    assert (tmp_path / "var" / "terugkeer.db").is_file()


def test_a_driver_message_quoting_a_parameter_is_not_repeated() -> None:
    duplicate = Exception(f'duplicate key "events_id_key"\nDETAIL:  Key (id)=({SECRET}) exists.')
    assert (
        reason(DBAPIError("INSERT", {"id": SECRET}, duplicate)) == 'duplicate key "events_id_key"'
    )
    quoted = Exception(f"value {SECRET} is too long")
    assert reason(DBAPIError("INSERT", [(SECRET, V)], quoted)) == (
        "the database driver reported Exception"
    )
    assert "reported" in reason(DBAPIError("SELECT", None, Exception(f"no person {V}")))


@pytest.mark.slow
@pytest.mark.parametrize("case", BROKEN)
def test_the_process_prints_one_line_and_no_traceback(
    case: str, tmp_path: Path, feed: Path
) -> None:
    make, problem = BROKEN[case]
    url = make(tmp_path)
    status, err = _process(_args("import", feed, url))
    _assert_one_sentence(
        status, err, url.replace(":s3cret@", ":***@"), problem.format(tmp=tmp_path)
    )
