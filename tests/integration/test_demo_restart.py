"""The demo's second start (issue 30) as a user meets it, in a real `terugkeer demo` process
with the product's own argon2: the pages answer while the new one-time passwords are still
being hashed, so the last run's passwords must never sign in, each printed password must sign
in the moment it is printed, and the address comes last.

The store is built at a fiftieth of the inflow (tests/demo.py) and stamped as built from the
command's own inputs today, so that the command reuses it: the second start is what is tested
here, not the build."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.services.demo import wanted_inputs
from terugkeer.services.demo_accounts import DemoAccount, demo_organisation, printed_accounts
from terugkeer.simulation.loader import load_parameters
from tests.demo import small_demo
from tests.integration.test_startup import PROBE  # the real entry point, packages loaded at exit
from tests.web.server import _free_port

SRC = Path(__file__).parents[2] / "src"
SEED = 3
#: What only a build (the simulator), a migration or single sign-on needs: a second start has
#: the pages wait for every import, so it loads none of them.
NOT_FOR_A_SECOND_START = {"simpy", "alembic", "authlib", "joserfc"}
#: Generous: the command hashes sixteen passwords with RFC 9106's parameters on a busy machine.
PATIENCE = 120


@pytest.fixture
def last_run(tmp_path: Path) -> list[DemoAccount]:
    """A reusable demo store whose printed accounts have the last run's passwords."""
    now = datetime.now(UTC)
    today = now.astimezone(AMSTERDAM).date()
    built = small_demo(tmp_path, until=today, now=now, seed=SEED)
    try:
        accounts = demo_organisation(built.system, today, lambda _: None).printed
    finally:
        built.system.close()
    stamp = tmp_path / "demo.json"
    found = json.loads(stamp.read_text(encoding="utf-8"))
    found["built"] = wanted_inputs(today, SEED, load_parameters())  # the command's own inputs
    stamp.write_text(json.dumps(found), encoding="utf-8")
    return accounts


class Demo:
    """`terugkeer demo` in a process of its own; its output lines as they come."""

    def __init__(self, folder: Path, port: int) -> None:
        self.loaded = folder / "loaded.json"
        environment = {**os.environ, "PYTHONPATH": str(SRC), "PROBE_OUT": str(self.loaded),
                       "TERUGKEER_COOKIE_SECURE": "false",
                       "TERUGKEER_WEBHOOKS_IN_SERVER": "false"}  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", PROBE, "demo", "--dir", str(folder), "--port",
             str(port), "--seed", str(SEED)],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self) -> str:
        line = self.lines.get(timeout=PATIENCE)
        assert line is not None, "the demo ended:\n" + "\n".join(self.seen)
        # A build at the full scale would take minutes (today changed since the stamp?).
        assert not line.startswith("simulating"), "the store was not reused"
        self.seen.append(line)
        return line

    def answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/login", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def sign_in(self, name: str, password: str) -> int:
        """The status of a sign-in from a fresh browser: 303 signed in, 401 refused."""
        with httpx.Client(base_url=self.url, timeout=60) as browser:
            page = browser.get("/login")
            token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
            answer = browser.post("/login", data={"username": name, "password": password,
                                                  "login_csrf": token})  # fmt: skip
            return answer.status_code

    def stop(self) -> int:
        # Still running: a demo that ended by itself would answer its exit code, signal or not.
        assert self.process.poll() is None, f"the demo ended by itself: {self.process.returncode}"
        self.process.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            return self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture
def demo(tmp_path: Path, last_run: list[DemoAccount]) -> Iterator[Demo]:
    running = Demo(tmp_path, _free_port())
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()


@pytest.mark.slow
def test_a_second_start_serves_while_hashing_and_shows_only_passwords_that_work(
    demo: Demo, last_run: list[DemoAccount]
) -> None:
    assert demo.next_line().startswith("demo store reused:")
    deadline = time.monotonic() + PATIENCE
    while not demo.answers():
        assert demo.process.poll() is None and time.monotonic() < deadline, demo.seen
        time.sleep(0.05)
    # The pages answer, perhaps before the new passwords exist: the last run's never work.
    for account in last_run:
        assert demo.sign_in(account.user.name, account.password) == 401, account.user.name
    while not demo.next_line().startswith("demo accounts"):
        pass
    printed = {}
    for name, _, _ in printed_accounts():
        line = demo.next_line().split()
        assert line[0] == name
        printed[name] = line[1]
        if len(printed) == 1:  # the moment the first is printed, it signs in
            assert demo.sign_in(name, line[1]) == 303
    for name, password in printed.items():
        assert demo.sign_in(name, password) == 303, name
    while not (line := demo.next_line()).startswith("the workplace:"):
        pass
    assert line.startswith(f"the workplace: {demo.url}/login")  # the address comes last
    assert demo.stop() == 128 + signal.SIGINT  # Ctrl-C ends it as it ends any program
    assert not [line for line in iter(demo.lines.get, None) if "Traceback" in line]
    loaded = set(json.loads(demo.loaded.read_text(encoding="utf-8")))
    assert loaded & NOT_FOR_A_SECOND_START == set()
