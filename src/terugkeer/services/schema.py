"""The store's schema and its derived tables: migrations, and rebuilding the projections."""

from __future__ import annotations

from terugkeer.bootstrap import System
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
