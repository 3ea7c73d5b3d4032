"""`terugkeer bench load`, small: two real servers, a PostgreSQL of its own restarted in the
middle, and figures that hold what clients were told against what the store holds. No timing
is asserted; what is checked is that the figures are there and the goal is met."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from terugkeer.bench.cluster import installed
from tests.conftest import REQUIRE_POSTGRES

COMMAND = [sys.executable, "-c", "from terugkeer.cli.app import main; main()", "bench", "load"]


@pytest.mark.postgres
@pytest.mark.slow
def test_a_short_load_run_reports_every_route_and_loses_and_doubles_nothing() -> None:
    if not installed():
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is not installed but is required")
        pytest.skip("PostgreSQL is not installed")
    done = subprocess.run([*COMMAND, "--duration", "12", "--users", "3", "--partners", "2",
                           "--people", "300", "--json"], capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    result = json.loads(done.stdout)
    routes = {figures["route"]: figures for figures in result["routes"]}
    assert {"GET /", "GET /cases/{v}", "POST /login", "POST /api/v1/events"} <= set(routes)
    assert all(f["p50"] <= f["p95"] <= f["p99"] for f in routes.values())
    assert result["restart"] is not None and result["restart"][0] < result["restart"][1]
    assert result["errors_outside"] == 0
    events = result["events"]
    assert events["acknowledged"] > 0
    assert events["stored"] == events["acknowledged"]
    assert events["lost"] == events["duplicates"] == 0
    assert result["audit_verify"][0] == 0


def test_a_target_off_this_machine_is_refused() -> None:
    if not installed():
        pytest.skip("PostgreSQL is not installed")
    done = subprocess.run([*COMMAND, "--host", "192.0.2.10"], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1
    assert "not a loopback address" in done.stderr
