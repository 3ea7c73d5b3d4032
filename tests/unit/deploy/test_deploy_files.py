"""The files an operator copies from deploy/ work as shipped: the environment file names every
setting and its active lines are valid settings; the systemd unit passes systemd's own check;
each `terugkeer` command line in them is one the command line accepts."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from terugkeer.cli.app import app
from terugkeer.settings import Settings

DEPLOY = Path(__file__).parents[3] / "deploy"


def test_the_environment_file_names_every_setting_and_its_values_are_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in Settings.model_fields:  # the file alone, not this machine's environment
        monkeypatch.delenv(f"TERUGKEER_{name.upper()}", raising=False)
    text = (DEPLOY / "terugkeer.env").read_text(encoding="utf-8")
    named = set(re.findall(r"^#? ?TERUGKEER_([A-Z_]+)=", text, flags=re.MULTILINE))
    assert named == {name.upper() for name in Settings.model_fields}
    loaded = Settings(_env_file=DEPLOY / "terugkeer.env")  # type: ignore[call-arg]
    assert loaded.database_url.startswith("postgresql+psycopg://")
    assert loaded.served_over_tls and loaded.cookie_secure
    assert loaded.trusted_proxies == ["127.0.0.1", "::1"]
    assert loaded.allowed_hosts == ["terugkeer.example.nl"]


def _command_line(words: list[str]) -> None:
    """Parse `terugkeer WORDS…` as the command line would, without running it."""
    root = typer.main.get_command(app)
    command = root.commands[words[0]]  # type: ignore[attr-defined]
    command.make_context(words[0], words[1:])


def _exec_start() -> list[str]:
    unit = (DEPLOY / "terugkeer.service").read_text(encoding="utf-8")
    [line] = re.findall(r"^ExecStart=(.+)$", unit, flags=re.MULTILINE)
    return shlex.split(line)


def test_the_units_and_the_images_commands_are_ones_terugkeer_accepts() -> None:
    program, *words = _exec_start()
    assert program.endswith("/terugkeer") and words[0] == "serve"
    _command_line(words)
    containerfile = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    [cmd] = re.findall(r"^CMD (\[.+\])$", containerfile, flags=re.MULTILINE)
    _command_line(json.loads(cmd))
    with pytest.raises(typer.BadParameter):  # the check itself refuses what the CLI refuses
        _command_line(["serve", "--workers", "0"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_systemd_unit_passes_systemds_own_check(tmp_path: Path) -> None:
    unit = (DEPLOY / "terugkeer.service").read_text(encoding="utf-8")
    # The unit names the installed program; here the one of this interpreter's environment.
    installed = str(Path(sys.executable).parent / "terugkeer")
    copy = tmp_path / "terugkeer.service"
    copy.write_text(unit.replace("/opt/terugkeer/venv/bin/terugkeer", installed), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
