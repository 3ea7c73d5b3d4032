"""The demo store as `make demo` builds it (issue 27): a history up to today with two full
years after the warm-up, each event recorded when it reached the agency, and an organisation
of teams whose directors have tens of open cases. Built here at a fiftieth of the inflow."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from terugkeer.domain.permissions import Role
from terugkeer.domain.sign_in_throttle import ThrottlePolicy
from terugkeer.services.demo import DemoStore
from terugkeer.services.demo_accounts import (
    TEAMS,
    demo_organisation,
    demo_staff,
    issue_passwords,
    printed_names,
)
from terugkeer.services.demo_passwords import OneTimePasswords
from terugkeer.services.sign_in import LoginRefused, log_in
from terugkeer.services.users import session_of
from terugkeer.store.tables import case_directors, cases, events
from tests.demo import small_demo

UNTIL = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 17, 0, tzinfo=UTC)


def build(folder: Path) -> DemoStore:
    return small_demo(folder, until=UNTIL, now=NOW)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    built = build(tmp_path_factory.mktemp("demo"))
    yield built
    built.system.close()


def _stamps(demo: DemoStore) -> list[tuple[datetime, datetime]]:
    """(occurred, recorded) of every event, in seq order."""
    with demo.system.engine.connect() as connection:
        found = connection.execute(
            select(events.c.occurred_at, events.c.recorded_at).order_by(events.c.seq)
        ).all()
    return [
        (datetime.fromisoformat(o), datetime.strptime(r, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=UTC))
        for o, r in found
    ]  # fmt: skip


def test_events_are_recorded_when_they_arrived_and_never_out_of_seq_order(
    demo: DemoStore,
) -> None:
    stamps = _stamps(demo)
    recorded = [r for _, r in stamps]
    assert recorded == sorted(recorded)  # recorded_at never runs backwards against seq
    assert max(recorded) <= NOW  # nothing that had not arrived yet
    assert all(r >= o for o, r in stamps)  # no message before its event
    late = sum(r - o > timedelta(days=1) for o, r in stamps) / len(stamps)
    within_hours = sum(r - o < timedelta(hours=6) for o, r in stamps) / len(stamps)
    # "late" on the timeline means late: a few in a hundred, not every imported event
    assert 0.01 < late < 0.15, late
    assert within_hours > 0.6, within_hours


def test_the_history_holds_two_full_years_after_the_warm_up_and_this_year_so_far(
    demo: DemoStore,
) -> None:
    assert demo.first == date(2024, 1, 1)
    years = Counter(o.year for o, _ in _stamps(demo))
    assert years[2024] > 0 and years[2025] > 0 and years[2026] > 0
    assert max(o for o, _ in _stamps(demo)) <= NOW


def test_a_second_build_on_the_same_day_reuses_the_store(demo: DemoStore) -> None:
    again = build(demo.store_file.parent)
    try:
        assert again.reused and again.lines == demo.lines
    finally:
        again.system.close()


def test_the_organisation_has_teams_of_directors_with_tens_of_open_cases(
    demo: DemoStore,
) -> None:
    organisation = demo_organisation(demo.system, UNTIL, lambda _: None)
    printed = Counter((a.user.role, a.user.team) for a in organisation.printed)
    for team in TEAMS:  # one director and the team lead of every team
        assert printed[(Role.CASE_DIRECTOR, team)] == 1
        assert printed[(Role.TEAM_LEAD, team)] == 1
    assert {a.user.role for a in organisation.printed if a.user.team is None} == {
        Role.ANALYST, Role.AUDITOR, Role.ADMIN, Role.PRIVACY_OFFICER,
    }  # fmt: skip
    assert {d.team for d in organisation.directors} == set(TEAMS)
    with demo.system.engine.connect() as connection:
        load = Counter(connection.execute(
            select(case_directors.c.director)
            .join(cases, cases.c.case_seq == case_directors.c.case_seq)
            .where(cases.c.closed_us.is_(None))
        ).scalars())  # fmt: skip
        families = connection.execute(
            select(cases.c.family, case_directors.c.director)
            .join(case_directors, cases.c.case_seq == case_directors.c.case_seq)
            .where(cases.c.family.is_not(None), cases.c.closed_us.is_(None))
        ).all()
    assert load and max(load.values()) < 100  # tens, not thousands
    directors_per_family: dict[str, set[str]] = {}
    for family, director in families:
        directors_per_family.setdefault(family, set()).add(director)
    assert all(len(d) == 1 for d in directors_per_family.values())  # a family together
    with demo.system.engine.connect() as connection:
        waiting = set(connection.execute(
            select(cases.c.family)
            .outerjoin(case_directors, cases.c.case_seq == case_directors.c.case_seq)
            .where(cases.c.family.is_not(None), cases.c.closed_us.is_(None),
                   case_directors.c.director.is_(None))
        ).scalars())  # fmt: skip
    assert not waiting & set(directors_per_family)  # nor split between assigned and waiting
    analyst = next(a for a in organisation.printed if a.user.role is Role.ANALYST)
    for _ in range(ThrottlePolicy().free_tries):  # the last run's password, until throttled
        with pytest.raises(LoginRefused):
            log_in(demo.system, analyst.user.name, "last run's password", "127.0.0.1")
    again = demo_organisation(demo.system, UNTIL, lambda _: None)  # passwords anew only
    fresh = next(a for a in again.printed if a.user.role is Role.ANALYST)
    log_in(demo.system, fresh.user.name, fresh.password, "127.0.0.1")  # the printed one works
    assert {a.user.name for a in again.printed} == {a.user.name for a in organisation.printed}
    assert all(
        a.password != b.password for a, b in zip(again.printed, organisation.printed, strict=True)
    )


def test_between_two_runs_the_printed_accounts_cannot_sign_in_at_all(demo: DemoStore) -> None:
    """`terugkeer demo` serves its pages before the new one-time passwords are stored: from
    then on the last run's passwords and sessions are gone, and a printed password signs in
    as soon as it is returned (and so printed)."""
    last_run = demo_organisation(demo.system, UNTIL, lambda _: None)
    signed_in = {a.user.name: log_in(demo.system, a.user.name, a.password, "127.0.0.1")[0]
                 for a in last_run.printed}  # fmt: skip
    staff = demo_staff(demo.system, UNTIL, lambda _: None)  # this run, before its pages
    assert [u.name for u in staff.printed] == [a.user.name for a in last_run.printed]
    for account in last_run.printed:
        with pytest.raises(LoginRefused):
            log_in(demo.system, account.user.name, account.password, "127.0.0.2")
        assert session_of(demo.system, signed_in[account.user.name], timedelta(hours=1)) is None
    printed = issue_passwords(demo.system, OneTimePasswords(printed_names()))
    for account, old in zip(printed, last_run.printed, strict=True):
        _, session = log_in(demo.system, account.user.name, account.password, "127.0.0.2")
        assert session.user.must_change  # a one-time password: the user chooses their own next
        with pytest.raises(LoginRefused):
            log_in(demo.system, old.user.name, old.password, "127.0.0.3")
