"""Integrity of the history: the events' hash chain, the projections replayed from the events
(and their versions: store/versions_check.py), and the access log's hash chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from terugkeer.bootstrap import System
from terugkeer.store.access_chain import LogVerification, verify_access_log
from terugkeer.store.hashchain import Verification, verify
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.projector import projected_seq
from terugkeer.store.versions_check import version_problems


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    chain: Verification
    #: Up to ten sentences, each naming a projection row that differs from the events.
    projection_problems: tuple[str, ...]
    access_log: LogVerification
    #: The seq the projections reflect (the chain's head, unless a projector is behind).
    projected_seq: int = 0

    @property
    def intact(self) -> bool:
        return self.chain.intact and not self.projection_problems and self.access_log.intact


def check_integrity(system: System, anchors: Mapping[int, str] | None = None) -> IntegrityReport:
    """`anchors`: seq → hash of access-log rows noted outside the database earlier."""
    with system.engine.connect() as connection:
        chain = verify(connection)
        problems = projection_problems(connection, system.rules)
        problems += version_problems(connection)
        projected = projected_seq(connection)
        logged = verify_access_log(connection, system.pseudonyms, anchors=anchors)
    return IntegrityReport(chain, tuple(problems), logged, projected)
