"""A throwaway PostgreSQL cluster of its own (port, data directory) that can be stopped and
started again: what `bench load` and the outage test restart under load. Never a shared one.

`pg_ctl` as scripts/postgres.sh runs it: initdb and postgres refuse to run as root, so as root
they run as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from terugkeer.services.errors import ServiceError


class ClusterError(ServiceError):
    """PostgreSQL is not installed here, or the cluster did not start or stop."""


def _binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)  # fmt: skip
    if not found:
        raise ClusterError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl)")
    return found[-1].parent


def installed() -> bool:
    try:
        _binaries()
    except ClusterError:
        return False
    return True


@dataclass
class Cluster:
    """`with Cluster(port) as cluster:` initdb'd and started on 127.0.0.1:`port`; removed at
    the end. `stop()` is `pg_ctl stop -m fast` (open connections are ended: "terminating
    connection due to administrator command"), `start()` brings it back on the same data."""

    port: int
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="terugkeer-pg-")))

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __enter__(self) -> Cluster:
        self._root = os.getuid() == 0
        if self._root:
            shutil.chown(self.folder, "postgres")
        try:
            self._run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres")
            self.start()
        except ClusterError:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self.stop()
        except ClusterError:
            pass  # stopped already (a run that failed while it was down)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=200")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
                  "-w", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(_binaries() / program), *arguments]
        if self._root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ClusterError(f"{program} failed: {last[0]}")
