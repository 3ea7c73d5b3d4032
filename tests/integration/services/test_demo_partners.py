"""The demo's chain partners: DJI and KMar with reach rules, and shares of the people in
detention recorded by their case directors (issue 26: daily use can be seen working)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from terugkeer.bootstrap import bootstrap
from terugkeer.services.demo_accounts import demo_organisation
from terugkeer.services.demo_partners import demo_partners
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import partner_of
from terugkeer.services.reach import ground_for, list_shares
from terugkeer.settings import Settings
from tests.web.server import MINE, THEIRS, caseload


def test_the_demo_records_partners_rules_and_shares_once(tmp_path: Path) -> None:
    system = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}"))
    try:
        assert not ingest_lines(system, caseload()).rejected
        directors = demo_organisation(system, date.today(), lambda _: None).directors
        first = {p.name: p for p in demo_partners(system, directors)}
        assert (first["dji"].rules, first["kmar"].rules) == (1, 1)
        assert first["dji"].shares == 1  # MINE, the one person in detention
        [share] = list_shares(system, partner="dji")
        assert share.v_number == MINE and share.actor in {d.name for d in directors}
        dji = partner_of(system, first["dji"].token)
        assert dji is not None
        assert ground_for(system, dji, MINE) is not None
        assert ground_for(system, dji, THEIRS) is None
        again = {p.name: p for p in demo_partners(system, directors)}
        assert again["dji"].token != first["dji"].token  # fresh tokens every run
        assert (again["dji"].rules, again["dji"].shares) == (1, 1)  # recorded once
    finally:
        system.close()
