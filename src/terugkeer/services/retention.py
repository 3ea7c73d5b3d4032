"""Retention (AVG art. 5(1)(e)): pseudonymise the people whose cases all closed long enough ago,
without changing any figure of any period and without breaking the audit chain."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import select

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import add_months, start_of_day
from terugkeer.domain.provenance import is_synthetic
from terugkeer.services.errors import ServiceError
from terugkeer.store.projector import Projector
from terugkeer.store.pseudonyms import DEVELOPMENT_KEY, Pseudonyms
from terugkeer.store.retention import count_events, due, pseudonymise, rewrite_files
from terugkeer.store.tables import chain_head, events


@dataclass(frozen=True, slots=True)
class RetentionReport:
    closed_before: date
    persons: int
    events: int
    dry_run: bool
    #: Old row versions (PostgreSQL) an open transaction elsewhere still holds after the
    #: files were rewritten: their original values are not gone yet. 0 when all are.
    kept_row_versions: int = 0


def default_cut_off(system: System) -> date:
    return add_months(system.today(), -12 * system.settings.retention_years)


def run_retention(system: System, *, closed_before: date, dry_run: bool) -> RetentionReport:
    """Everyone whose cases all closed before `closed_before` (Europe/Amsterdam)."""
    # Who is due is read from the projections: not from ones a projector has left behind.
    Projector(system.engine, system.rules).catch_up()
    with system.engine.connect() as connection:
        head = connection.execute(select(chain_head)).one()
        first = connection.execute(select(events.c.id).where(events.c.seq == 1)).scalar()
        v_numbers = due(connection, start_of_day(closed_before))
        touched = count_events(connection, v_numbers)
    if head.scheme != 2:
        raise ServiceError(
            "this store was begun before retention existed (chain scheme 1): its hash chain "
            "covers the V-numbers themselves, so they cannot be removed without breaking it"
        )
    if head.key_check not in (None, system.pseudonyms.key_check):
        raise ServiceError(
            "this store was written with another pseudonym key: set the same "
            "TERUGKEER_PSEUDONYM_KEY"
        )
    if dry_run or not v_numbers:
        kept = 0 if dry_run else rewrite_files(system.engine)  # finishes a killed run's clean-up
        return RetentionReport(closed_before, len(v_numbers), touched, dry_run, kept)
    _check_key(system.pseudonyms, first)
    run = {"at": system.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
           "closed_before": closed_before}  # fmt: skip
    done = pseudonymise(
        system.engine, system.rules, system.pseudonyms, v_numbers, run=run,
        batch=system.settings.retention_batch, logged_at=system.clock(),
        origin=socket.gethostname(),
    )  # fmt: skip
    kept = rewrite_files(system.engine)
    return RetentionReport(closed_before, done.persons, done.events, dry_run, kept)


def _check_key(pseudonyms: Pseudonyms, first_id: str | None) -> None:
    real_people = first_id is not None and not is_synthetic(first_id)
    if real_people and pseudonyms.key_check == Pseudonyms(DEVELOPMENT_KEY).key_check:
        raise ServiceError(
            "retention needs the configured pseudonym key (TERUGKEER_PSEUDONYM_KEY): with the "
            "public development key anyone could turn the pseudonyms back into V-numbers"
        )
