"""`terugkeer shares` and `terugkeer partners rules`: a case director's share starts and ends
as attributable rows; an administrator's reach rule may not trust the partner's own source."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from terugkeer.bootstrap import bootstrap
from terugkeer.cli.app import app
from terugkeer.domain.permissions import Role
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_partner
from terugkeer.services.users import add_user
from terugkeer.services.workplace import assign_cases
from terugkeer.settings import Settings
from terugkeer.store.tables import access_log
from terugkeer.store.workplace import open_cases
from tests.integration.lines import intake

V, OTHER = "4000000001", "4000000002"


def test_shares_and_rules_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    system = bootstrap(Settings(database_url=url))
    try:
        lines = [intake("i-1", V, "2023-01-02T10:00:00+01:00"),
                 intake("i-2", OTHER, "2023-01-02T10:00:00+01:00")]  # fmt: skip
        assert not ingest_lines(system, lines).rejected
        lead = add_user(system, "lead", Role.TEAM_LEAD, "Noord", "a long password here")
        anna = add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", "a long password here")
        with system.engine.connect() as connection:
            seq = {v: s for s, v, _ in open_cases(connection)}
        assign_cases(system, lead, anna, [(seq[V], V)])
        add_partner(system, "dji", "DJI", ["detention_started"], reads=["case"])
    finally:
        system.close()
    run = CliRunner()
    until = (date.today() + timedelta(days=10)).isoformat()

    def cli(*args: str) -> tuple[int, str, str]:
        done = run.invoke(app, [*args, "--database-url", url])
        return done.exit_code, done.stdout, done.stderr

    code, out, _ = cli("shares", "add", V, "--partner", "dji", "--until", until, "--by", "anna")
    assert code == 0 and out.startswith("share 1: dji reads this person until")
    code, _, err = cli("shares", "add", OTHER, "--partner", "dji", "--until", until, "--by", "anna")
    assert code == 1 and "not assigned to you" in err  # not anna's case
    far = (date.today() + timedelta(days=400)).isoformat()
    code, _, err = cli("shares", "add", V, "--partner", "dji", "--until", far, "--by", "anna")
    assert code == 1 and "at most 365 days" in err
    code, _, err = cli("shares", "add", V, "--partner", "nope", "--until", until, "--by", "anna")
    assert code == 1 and "no chain partner named nope" in err
    code, out, _ = cli("shares", "list")
    assert out.split("\t")[:5] == ["1", "dji", V, until, "anna"] and out.strip().endswith("-")
    assert cli("shares", "end", "1", "--by", "anna")[0] == 0
    assert "ended by anna" in cli("shares", "list")[1]
    assert "ended already" in cli("shares", "end", "1", "--by", "anna")[2]

    code, out, _ = cli("partners", "rules", "add", "dji", "--kind", "custody")
    assert code == 0 and out.startswith("reach rule 1 for dji")
    code, _, err = cli("partners", "rules", "add", "dji", "--kind", "custody", "--trust", "DJI")
    assert code == 1 and "own source" in err
    code, _, err = cli("partners", "rules", "add", "dji", "--kind", "escorted_flight")
    assert code == 1 and "--days" in err
    assert cli("partners", "rules", "list")[1] == "1\tdji\tcustody\t0\tDTENV\n"
    assert cli("partners", "rules", "remove", "1")[0] == 0
    assert cli("partners", "rules", "list")[1] == ""

    system = bootstrap(Settings(database_url=url), migrate=False)
    try:
        with system.engine.connect() as connection:
            logged = connection.execute(
                select(access_log.c.actor, access_log.c.action, access_log.c.v_number)
                .where(access_log.c.action.like("share.%") | access_log.c.action.like("reach%"))
                .order_by(access_log.c.id)
            ).all()  # fmt: skip
    finally:
        system.close()
    assert [(a, v) for _, a, v in logged] == [
        ("share.start", V), ("share.start.refused", OTHER), ("share.end", V),
        ("reach_rule.add", None), ("reach_rule.remove", None),
    ]  # fmt: skip
    assert logged[0][0] == "anna"
