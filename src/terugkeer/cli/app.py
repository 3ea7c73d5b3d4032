"""The `terugkeer` command: the front door to every use of the system."""

from __future__ import annotations

import sys

import typer

from terugkeer.bench.cli import bench_app
from terugkeer.cli.api_cmd import api_app
from terugkeer.cli.audit_cmd import audit_app
from terugkeer.cli.backup_cmd import backup_command, restore_command
from terugkeer.cli.calibrate_cmd import backtest_command, calibrate_command
from terugkeer.cli.case_cmd import case_app
from terugkeer.cli.db_cmd import db_app
from terugkeer.cli.demo_cmd import demo
from terugkeer.cli.export_cmd import export_app
from terugkeer.cli.forecast_cmd import forecast_command
from terugkeer.cli.import_cmd import import_events
from terugkeer.cli.partners_cmd import partners_app
from terugkeer.cli.publish_cmd import publish_app
from terugkeer.cli.report_cmd import report_app
from terugkeer.cli.retention_cmd import retention_app
from terugkeer.cli.scenario_cmd import scenario_app
from terugkeer.cli.serve_cmd import serve
from terugkeer.cli.shares_cmd import shares_app
from terugkeer.cli.simulate_cmd import simulate_command
from terugkeer.cli.subject_cmd import privacy_app, subject_app
from terugkeer.cli.users_cmd import users_app
from terugkeer.cli.webhooks_cmd import webhooks_app

app = typer.Typer(
    name="terugkeer",
    help="Case management and monitoring for the return process (terugkeerproces).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("import")(import_events)
app.command("demo")(demo)
app.command("serve")(serve)
app.command("simulate")(simulate_command)
app.command("calibrate")(calibrate_command)
app.command("backtest")(backtest_command)
app.command("forecast")(forecast_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.add_typer(case_app, name="case")
app.add_typer(report_app, name="report")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")
app.add_typer(retention_app, name="retention")
app.add_typer(bench_app, name="bench")
app.add_typer(scenario_app, name="scenario")
app.add_typer(users_app, name="users")
app.add_typer(partners_app, name="partners")
app.add_typer(shares_app, name="shares")
app.add_typer(export_app, name="export")
app.add_typer(publish_app, name="publish")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(api_app, name="api")
app.add_typer(subject_app, name="subject")
app.add_typer(privacy_app, name="privacy")


def main() -> None:
    try:
        app()
    except Exception as error:
        # Imported on failure only: the store's errors bring SQLAlchemy, which `--help` never needs.
        from terugkeer.services.errors import StoreUnavailableError

        if not isinstance(error, StoreUnavailableError):
            raise
        # an unusable store is the user's to fix: no traceback
        print(f"terugkeer: {error}", file=sys.stderr)
        sys.exit(2)
