"""The store's schema and its derived tables: migrations, and rebuilding the projections."""

from __future__ import annotations

from terugkeer.bootstrap import System
from terugkeer.store.rebuild import Rebuilt, rebuild_projections
from terugkeer.store.schema import upgrade


def upgrade_schema(system: System) -> str:
    """Apply every pending migration; the revision the store is at afterwards."""
    return upgrade(system.engine)


def rebuild(system: System) -> Rebuilt:
    """Every projection re-derived from the events under the system's current rules table."""
    return rebuild_projections(system.engine, system.rules)
