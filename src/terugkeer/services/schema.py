"""The store's schema and its derived tables: migrations, and rebuilding the projections."""

from __future__ import annotations

from dataclasses import dataclass

from terugkeer.bootstrap import System
from terugkeer.store.projector import Projector, head_seq, projected_seq
from terugkeer.store.rebuild import Rebuilt, rebuild_projections
from terugkeer.store.schema import head_revision, upgrade_from


def upgrade_schema(system: System) -> str:
    """Apply every pending migration (and rebuild the projections a migration added); the
    revision the store is at afterwards."""
    upgrade_from(system.engine, system.rules)
    return head_revision()


def rebuild(system: System) -> Rebuilt:
    """Every projection re-derived from the events under the system's current rules table."""
    return rebuild_projections(system.engine, system.rules)


@dataclass(frozen=True, slots=True)
class Projected:
    start: int
    reached: int


def project(system: System) -> Projected:
    """The projections brought up to the chain's head, from where a projector left them (an
    import's that was killed, say); nothing to do when they are there."""
    with system.engine.connect() as connection:
        start = projected_seq(connection)
        if start >= head_seq(connection):
            return Projected(start, start)
    return Projected(start, Projector(system.engine, system.rules).catch_up())
