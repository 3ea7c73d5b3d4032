"""`terugkeer demo`: a simulated history up to today in an embedded store, its key figures,
the demo organisation's accounts and the workplace.

The caseload comes from the return-process simulator (`terugkeer simulate`): it contains no
real person, and travels the same path as a partner feed (a JSONL file, then `import`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from terugkeer.cli.options import DEFAULT_DATA_DIR

if TYPE_CHECKING:
    from terugkeer.services.demo import DemoStore
    from terugkeer.services.demo_passwords import OneTimePasswords


def demo(
    folder: Annotated[Path, typer.Option("--dir", help="where the store goes")] = (
        DEFAULT_DATA_DIR
    ),
    seed: Annotated[int, typer.Option("--seed")] = 1,
    lang: Annotated[str, typer.Option("--lang", help="nl or en")] = "nl",
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve the workplace afterwards")
    ] = True,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
) -> None:
    """Simulate the return process up to today (two full years after the warm-up, and this
    year so far) into var/demo.db, or reuse it when it was built today from the same inputs,
    print last year's key figures, create the demo organisation's accounts and serve the
    workplace on http://127.0.0.1:PORT. A second demo while one runs changes nothing."""
    # Imported here, not at the top: the services bring SQLAlchemy, simpy, pydantic and rich
    # (`--help` must start fast).
    from terugkeer.domain.calendar import AMSTERDAM
    from terugkeer.services.demo import demo_store
    from terugkeer.services.demo_accounts import printed_names
    from terugkeer.services.demo_passwords import OneTimePasswords

    folder.mkdir(parents=True, exist_ok=True)
    lock = _only_demo(folder, port if serve else None)
    if serve:
        _port_free(port)

    def say(text: str) -> None:
        typer.echo(text, err=True)

    today = datetime.now(AMSTERDAM).date()  # the agency's today, whatever the machine's zone
    # Hashed in threads meanwhile: seconds of argon2 off the path to the first page.
    passwords = OneTimePasswords(printed_names()) if serve else None
    try:
        built = demo_store(
            folder,
            until=today,
            seed=seed,
            progress=say,
            meanwhile=_import_the_server if serve else None,
        )
        state = "reused" if built.reused else "built"
        typer.echo(f"demo store {state}: {built.store_file} ({built.lines:,} events up to "
                   f"{built.until}, no real person)")  # fmt: skip
        if passwords is None:
            _key_figures(built, today, lang)
        else:
            _serve(built, today, lang, port, passwords, say)
    finally:
        if passwords is not None:
            passwords.cancel()
        lock.close()


def _serve(
    built: DemoStore, today: date, lang: str, port: int, passwords: OneTimePasswords,
    say: Callable[[str], None],
) -> None:  # fmt: skip
    """Serve the workplace at once and print the figures, the accounts and the partners beside
    it: an account is printed only once its new password is stored, and the last run's
    passwords and tokens stop working before the first page is served."""
    from terugkeer.services.demo_accounts import demo_staff, issue_passwords
    from terugkeer.services.demo_partners import demo_partners
    from terugkeer.web.beside import Serving, serve_beside

    system = built.system
    staff = demo_staff(system, today, say)  # the last run's passwords taken away
    partners = demo_partners(system, staff.directors)  # and its tokens replaced

    def announce(serving: Serving) -> None:
        # The server's start first (Python's imports hold the GIL): the figures, like the
        # accounts, are of use once the pages answer.
        if not serving.listening():
            return
        passwords.hurry()  # nothing left to give way to
        _key_figures(built, today, lang)
        printed = issue_passwords(system, passwords)  # returns when they sign in
        typer.echo("demo accounts (one-time passwords, new on every run: each user chooses "
                   "their own at the first sign-in; the other case directors get one from "
                   "beheerder on /admin/users):")  # fmt: skip
        for account in printed:
            user = account.user
            team = f", team {user.team}" if user.team else ""
            typer.echo(f"  {user.name:<14} {account.password}  ({user.role.value}{team})")
        typer.echo(
            "demo chain partners (API tokens, new on every run; their reach: shares, "
            "rules; their event ids start 'sim-': the store holds simulated events only):"
        )
        for partner in partners:
            typer.echo(f"  {partner.name:<6} {partner.token}  ({partner.rules} reach rules, "
                       f"{partner.shares} shares)")  # fmt: skip
        typer.echo(f"the workplace: http://127.0.0.1:{port}/login  (stop with Ctrl-C)")

    serve_beside(system, "127.0.0.1", port, announce)


def _import_the_server() -> None:
    """The web app's imports (FastAPI, pydantic's models, the routes: seconds of a core), made
    while a new store is built, so that the first page comes that much sooner after it."""
    import uvicorn  # noqa: F401

    import terugkeer.web.app  # noqa: F401


def _key_figures(built: DemoStore, today: date, lang: str) -> None:
    """Last year's key figures, and how to ask for more."""
    from rich.console import Console

    from terugkeer.cli.render_key_figures import key_figures_tables
    from terugkeer.services.key_figures import Period, key_figures_of

    last_year = today.year - 1
    figures = key_figures_of(built.system, Period(date(last_year, 1, 1), date(last_year, 12, 31)))
    console = Console()
    for table in key_figures_tables(figures, "en" if lang == "en" else "nl"):
        console.print(table)
    url = f"sqlite:///{built.store_file}"
    typer.echo(
        f"try: terugkeer report key-figures --from {last_year}-01-01 --to {last_year}-12-31 "
        f"--database-url {url}; terugkeer forecast --months 12 --database-url {url}"
    )


def _only_demo(folder: Path, port: int | None) -> TextIO:
    """Hold the folder's demo lock for as long as this process runs; a second demo on the same
    folder says what is running and stops before it changes anything (passwords included)."""
    import fcntl

    path = folder / "demo.lock"
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        running = handle.read().strip() or "another process"
        handle.close()
        typer.echo(
            f"a demo is already running on {folder} ({running}); this one changed "
            "nothing. Use that one, or stop it (Ctrl-C) and start again.",
            err=True,
        )
        raise typer.Exit(1) from None
    handle.seek(0)
    handle.truncate()
    where = f", http://127.0.0.1:{port}/login" if port else ""
    handle.write(f"process {os.getpid()}{where}")
    handle.flush()
    return handle


def _port_free(port: int) -> None:
    """Refuse at once when another program holds the port, before any work."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            typer.echo(f"port {port} on 127.0.0.1 is in use by another program: choose another "
                       f"one, e.g. make demo PORT={port + 80} (or terugkeer demo --port "
                       f"{port + 80})", err=True)  # fmt: skip
            raise typer.Exit(1) from None
