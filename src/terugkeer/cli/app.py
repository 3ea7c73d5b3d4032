"""The `terugkeer` command: the front door to every use of the system."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="terugkeer",
    help="Case management and monitoring for the return process (terugkeerproces).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """terugkeer: import chain events, verify the store, report the key figures."""


def main() -> None:
    app()
