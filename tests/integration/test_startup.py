"""The command line starts fast: what `--help` and a small report load, not how long they take.

Start-up is dominated by imports (SQLAlchemy, pydantic, Alembic, simpy, numpy, plotly, ...),
so the tests name the libraries each path must not load, in a fresh interpreter; timings
belong to the benchmarks, not to assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from alembic.runtime.migration import MigrationContext
from typer.core import TyperGroup
from typer.testing import CliRunner

from terugkeer.cli import options
from terugkeer.cli.app import app
from terugkeer.settings import DEFAULT_DATA_DIR
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import HEAD_REVISION, current_revision, ensure_schema, head_revision

FIXTURE = Path(__file__).parents[1] / "e2e" / "fixtures" / "key_figures_people.jsonl"

#: What only the model runs, the charts or the writers need.
SIMULATION_AND_CHARTS = {"simpy", "numpy", "plotly", "kaleido", "alembic"}
#: What the store and the report need: never loaded to print help.
STORE_AND_REPORT = {"sqlalchemy", "pydantic", "pydantic_settings", "babel"}
#: Typer renders its help with rich; nothing else of terugkeer's needs it for --help.
HELP_RENDERING = {"rich"}

#: Runs the real entry point with its arguments; writes the top-level packages loaded at exit.
PROBE = """
import atexit, json, os, sys
def written():
    with open(os.environ["PROBE_OUT"], "w", encoding="utf-8") as out:
        json.dump(sorted({name.split(".")[0] for name in sys.modules}), out)
atexit.register(written)
sys.argv[0] = "terugkeer"
from terugkeer.cli.app import main
main()
"""


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    loaded = tmp_path / "loaded.json"
    environment = {**os.environ, "PROBE_OUT": str(loaded), "COLUMNS": "120"}
    environment.pop("TERUGKEER_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    return done, set(json.loads(loaded.read_text(encoding="utf-8")))


def _names(group: typer.Typer) -> dict[str, list[str]]:
    """Each command of the app (top level), with its subcommands for a group."""
    root = typer.main.get_command(group)
    assert isinstance(root, TyperGroup)
    return {
        name: sorted(command.commands) if isinstance(command, TyperGroup) else []
        for name, command in root.commands.items()
    }


def test_importing_the_app_loads_no_heavy_library() -> None:
    script = (
        "import json, sys, terugkeer.cli.app; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(done.stdout))
    assert loaded & (SIMULATION_AND_CHARTS | STORE_AND_REPORT | HELP_RENDERING) == set()


@pytest.mark.slow
def test_help_lists_every_command_without_loading_the_store_or_the_models(
    tmp_path: Path,
) -> None:
    done, loaded = _run(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert loaded & (SIMULATION_AND_CHARTS | STORE_AND_REPORT) == set()
    commands = _names(app)
    assert len(commands) >= 12
    for name in commands:
        assert f" {name} " in done.stdout, name


@pytest.mark.parametrize("group", sorted(k for k, v in _names(app).items() if v))
def test_each_group_help_lists_its_commands(group: str) -> None:
    result = CliRunner().invoke(app, [group, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    for name in _names(app)[group]:
        assert f" {name} " in result.stdout, (group, name)


@pytest.mark.slow
def test_a_report_on_a_small_store_loads_the_store_but_not_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    imported = CliRunner().invoke(app, ["import", str(FIXTURE), "--database-url", url])
    assert imported.exit_code == 0, imported.output
    period = ["--from", "2023-01-01", "--to", "2023-12-31", "--database-url", url]
    done, loaded = _run(tmp_path, "report", "key-figures", *period)
    assert done.returncode == 0, done.stderr
    assert "2023-01-01" in done.stdout
    assert loaded & SIMULATION_AND_CHARTS == set()  # Alembic too: readers only compare revisions
    assert "jinja2" not in loaded  # the publications' templates: only with --as-of


def test_the_readers_head_revision_is_the_migrations_head() -> None:
    assert head_revision() == HEAD_REVISION, (
        "a migration was added: set terugkeer.store.schema.HEAD_REVISION to its revision"
    )


def test_the_cli_default_data_dir_is_the_settings_one() -> None:
    assert options.DEFAULT_DATA_DIR == DEFAULT_DATA_DIR


@pytest.mark.empty_store
def test_current_revision_reads_what_alembic_reads(database_url: str) -> None:
    engine = make_engine(database_url)
    try:

        def alembic_says() -> str | None:
            with engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()

        assert current_revision(engine) is None
        assert alembic_says() is None
        ensure_schema(engine)
        assert current_revision(engine) == alembic_says() == HEAD_REVISION
    finally:
        engine.dispose()
