"""PostgreSQL's own client programs (pg_dump, pg_restore): found, and run without a password on
their command line.

The password travels in PGPASSWORD, the rest of the URL as a libpq connection string. What the
programs print is cut to its first lines and dropped where it holds a long number (a row's
V-number could be quoted in an error about a row).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL

#: Where Debian's packages put each major version's programs (scripts/postgres.sh looks there too).
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
_MAJOR = re.compile(r"\(PostgreSQL\)\s+(\d+)")
_LONG_NUMBER = re.compile(r"\d{8,}")


class ToolError(Exception):
    """A PostgreSQL program missing or failing; `str()` is one sentence safe to print."""


def find(name: str) -> Path:
    """The newest Debian-packaged `name`, else the one on PATH."""
    versions = sorted(
        (p for p in DEBIAN_BINARIES.glob(f"*/bin/{name}") if p.parent.parent.name.isdigit()),
        key=lambda p: int(p.parent.parent.name),
    )
    if versions:
        return versions[-1]
    found = shutil.which(name)
    if found is None:
        raise ToolError(
            f"{name} is not installed (looked in {DEBIAN_BINARIES}/*/bin and on PATH): install "
            "the PostgreSQL client programs (Debian: postgresql-client), of the server's "
            "major version or newer"
        )
    return Path(found)


def major_version(tool: Path) -> int:
    """The major version a program reports (`pg_dump (PostgreSQL) 15.10` → 15)."""
    done = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False)
    found = _MAJOR.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise ToolError(f"{tool} does not say its version: is it a PostgreSQL program?")
    return int(found.group(1))


def conninfo(url: URL) -> str:
    """The libpq connection string of a SQLAlchemy URL, without its password."""
    options: dict[str, str | int | None] = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "dbname": url.database,
    }
    for key, value in url.query.items():  # libpq options (sslmode, ...), as psycopg gets them
        options[key] = value if isinstance(value, str) else value[-1]
    return make_conninfo("", **{k: v for k, v in options.items() if v is not None})


def environment(url: URL) -> dict[str, str]:
    env = {**os.environ, "PGAPPNAME": "terugkeer-backup"}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return env


def run(tool: Path, arguments: list[str], url: URL) -> None:
    """Run `tool` against the database of `url`; a failure becomes a ToolError."""
    done = subprocess.run(
        [str(tool), *arguments, "--dbname", conninfo(url)],
        env=environment(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ToolError(f"{tool.name} failed: {said(done.stderr)}")


def said(stderr: str) -> str:
    """The program's first two lines, without any that holds a long number."""
    lines = [" ".join(line.split()) for line in stderr.strip().splitlines()][:2]
    kept = [line for line in lines if line and not _LONG_NUMBER.search(line)]
    return "; ".join(kept) if kept else "it gave no reason that can be shown"
