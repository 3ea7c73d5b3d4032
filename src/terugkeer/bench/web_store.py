"""The store `terugkeer bench web` measures the pages on: the last N people of a simulated
caseload (2023 with its warm-up, so years of closed history and the open caseload of the end
of 2023), their open cases spread over case directors in teams as in the demo's organisation
(about forty open cases each, six teams).

Synthetic people only (`sim-` ids), never the configured store. The SQLite file is kept and
reused while its inputs are the same; a PostgreSQL store is a database of its own, dropped by
the caller when done.
"""

from __future__ import annotations

import json
import math
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from terugkeer.bootstrap import System, bootstrap, rules_of
from terugkeer.domain.permissions import Role
from terugkeer.services.demo import inputs_digest
from terugkeer.services.demo_accounts import CASES_PER_DIRECTOR, directors_without_password
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.users import User, add_user
from terugkeer.services.workplace import spread_open_cases
from terugkeer.settings import Settings
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.tables import case_directors, cases

#: The simulated year; the pages are measured as on its last day.
YEAR = 2023
WORK_DATE = date(YEAR, 12, 31)


class WebBenchInputError(ValueError):
    """The bench cannot be set up as asked (e.g. more people than the simulation holds)."""


@dataclass(frozen=True, slots=True)
class WebBenchStore:
    system: System
    backend: str
    cases: int
    open_cases: int
    directors: int
    #: The measured users (a director of the first team and its lead) and their password.
    director: str
    team_lead: str
    password: str
    #: The director's open cases and families: what the case and family pages are asked for.
    sample_cases: list[str]
    sample_families: list[str]


def feed(folder: Path, people: int, *, seed: int, progress: Callable[[str], None]) -> Path:
    """The lines of the last `people` people of the simulation (kept in `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = folder / f"people-{people}-seed-{seed}-{inputs_digest()[:12]}.jsonl"
    if chosen.exists():
        return chosen
    whole = folder / f"simulated-{YEAR}-seed-{seed}.jsonl"
    progress(f"simulating {YEAR} with its warm-up (seed {seed})")
    simulate(load_parameters(), date(YEAR, 1, 1), WORK_DATE, seed, whole,
             rules=rules_of(Settings()))  # fmt: skip
    order: dict[str, None] = {}
    owners: list[str] = []
    with whole.open("rb") as lines:
        for line in lines:
            v_number = json.loads(line)["v_number"]
            owners.append(v_number)
            order.setdefault(v_number)
    if len(order) < people:
        whole.unlink()
        raise WebBenchInputError(
            f"the simulation holds {len(order):,} people, fewer than {people:,}"
        )
    keep = set(list(order)[-people:])
    partial = chosen.with_suffix(".partial")
    with whole.open("rb") as lines, partial.open("wb") as kept:
        for line, owner in zip(lines, owners, strict=True):
            if owner in keep:
                kept.write(line)
    partial.rename(chosen)
    whole.unlink()
    return chosen


def web_bench_store(
    lines: Path,
    database_url: str,
    *,
    directors: int | None,
    teams: int,
    progress: Callable[[str], None],
) -> WebBenchStore:
    """Import `lines` into the empty store at `database_url` (or reuse it when it already
    holds them), create the directors in `teams` teams and spread the open cases over them.
    `directors`: None for as many as the demo's organisation has for that caseload (one per
    CASES_PER_DIRECTOR open cases)."""
    settings = Settings(database_url=database_url, work_date=WORK_DATE, cookie_secure=False)
    system = bootstrap(settings)
    with system.engine.connect() as connection:
        held = connection.execute(select(func.count()).select_from(cases)).scalar_one()
    password = "".join(secrets.choice(string.ascii_letters) for _ in range(24))
    if held == 0:
        progress(f"importing {lines.name} into {system.engine.dialect.name}")
        with lines.open("rb") as stream:
            ingest_lines(system, stream)
    if directors is None:
        with system.engine.connect() as connection:
            open_now = connection.execute(
                select(func.count()).select_from(cases).where(cases.c.closed_us.is_(None))
            ).scalar_one()
        directors = max(teams, math.ceil(open_now / CASES_PER_DIRECTOR))
    team_size = math.ceil(directors / teams)
    names = [f"regievoerder{n:03d}" for n in range(1, directors + 1)]
    lead = _user(system, "teamleider001", Role.TEAM_LEAD, "team001", password)
    first = _user(system, names[0], Role.CASE_DIRECTOR, "team001", password)
    with system.engine.connect() as connection:
        assigned = connection.execute(select(func.count()).select_from(case_directors)).scalar()
    if not assigned:
        progress(f"creating {directors} case directors and spreading the open cases")
        others = [(name, f"team{1 + n // team_size:03d}") for n, name in enumerate(names)][1:]
        staff = [first, *directors_without_password(system, others, lambda _: None)]
        spread_open_cases(system, lead, staff)
    with system.engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(cases)).scalar_one()
        open_count = connection.execute(
            select(func.count()).select_from(cases).where(cases.c.closed_us.is_(None))
        ).scalar_one()
        mine = connection.execute(
            select(case_directors.c.v_number, cases.c.family)
            .join(cases, cases.c.case_seq == case_directors.c.case_seq)
            .where(case_directors.c.director == first.name)
        ).all()
    return WebBenchStore(
        system, system.engine.dialect.name, int(total), int(open_count), directors,
        first.name, lead.name, password, [r.v_number for r in mine],
        sorted({r.family for r in mine if r.family}),
    )  # fmt: skip


def _user(system: System, name: str, role: Role, team: str, password: str) -> User:
    """The user `name` with `password` (a fresh one each run: the store may be reused)."""
    from terugkeer.services.users import find_user, set_password

    found = find_user(system, name)
    if found is None:
        return add_user(system, name, role, team, password)
    set_password(system, name, password)
    return found


def postgres_database(admin_url: str) -> str:
    """A new empty database on the server of `admin_url`; its URL."""
    name = "terugkeer_bench_web_" + "".join(
        secrets.choice(string.ascii_lowercase) for _ in range(8)
    )
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
