"""`make demo` twice (issue 27): the second says what is running and changes nothing; a port
another program holds is said before any work."""

from __future__ import annotations

import fcntl
import socket
from pathlib import Path

from typer.testing import CliRunner

from terugkeer.cli.app import app

runner = CliRunner()


def test_a_second_demo_on_the_same_folder_says_so_and_changes_nothing(tmp_path: Path) -> None:
    lock = tmp_path / "demo.lock"
    with lock.open("a+", encoding="utf-8") as running:
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        running.write("process 4242, http://127.0.0.1:8000/login")
        running.flush()
        result = runner.invoke(app, ["demo", "--dir", str(tmp_path), "--port", "8000"])
        assert result.exit_code == 1
        assert "already running" in result.output and "process 4242" in result.output
        assert "changed nothing" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.lock"]  # no store, no accounts


def test_a_busy_port_is_said_before_any_work(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = runner.invoke(app, ["demo", "--dir", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port}" in result.output and "in use" in result.output
    assert not (tmp_path / "demo.db").exists()
