"""How long a refused sign-in takes, per kind of name: the times should be alike, so that the
answer's time does not tell which names exist (services/sign_in.py). Printed, never asserted:
a busy machine moves them.

    PYTHONPATH=src .venv/bin/python scripts/bench_sign_in.py [-n 30]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from terugkeer.bootstrap import bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.sign_in import LoginRefused, log_in
from terugkeer.services.users import add_user, disable_user
from terugkeer.settings import Settings
from terugkeer.store import users as rows
from terugkeer.store.engine import writing

PASSWORD = "the real user's own passphrase"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="tries per kind of name")
    tries = parser.parse_args().n
    with tempfile.TemporaryDirectory() as folder:
        system = bootstrap(Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}"))
        for name in ("known", "gone", "locked"):
            add_user(system, name, Role.ANALYST, None, PASSWORD)
        disable_user(system, "gone")
        with writing(system.engine) as connection:
            rows.add_user(connection, "nopass", Role.ANALYST.value, None, rows.NO_PASSWORD, "-")
            rows.set_user(connection, "locked", locked_until=rows.HARD_LOCK)
        kinds = {"known, wrong password": "known", "unknown name": "nobody",
                 "disabled": "gone", "no password": "nopass", "locked": "locked"}  # fmt: skip
        print(f"refused sign-in, {tries} tries each (ms): median, 90th percentile")
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for i in range(tries):  # the kinds in turn, so that the machine's load hits all alike
            for kind, name in kinds.items():
                origin = f"192.0.2.{i}-{name}"  # each try from its own origin: no throttle
                start = time.perf_counter()
                with contextlib.suppress(LoginRefused):
                    log_in(system, name, "a wrong password", origin)
                times[kind].append((time.perf_counter() - start) * 1000)
        for kind, taken in times.items():
            p90 = statistics.quantiles(taken, n=10)[-1]
            print(f"  {kind:24} {statistics.median(taken):7.1f} {p90:7.1f}")
        system.close()


if __name__ == "__main__":
    main()
