"""The roundabout's figures for one period: what comes in, and by which exit cases leave.

Definitions (docs/roundabout.md has them in full, beside EVENTS.md's key figures):
- inflow: `intake` events in the period by `source` (IND, POLITIE, KMAR, all others as other),
  as the key figure "inflow";
- exits: the cases closed in the period by their closing event, as the key figure "closed
  procedures" (independent and forced departure, left without supervision, outflow without
  departure by its three reasons);
- support: of the independent departures, the cases with a (not withdrawn) `support_granted` of
  kind `reintegration`; of the rest, those with one of kind `basic_departure`; the rest without
  either. The three parts add up to the independent departures (reintegration support comes on
  top of basic departure support, so a case with both counts once, as reintegration);
- stance: of each closed case, the stance at its first departure interview; "cooperating after
  all" when that was not cooperating and a later interview recorded cooperating; "no interview"
  when the case had none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

#: The inflow's sources, in the order the picture stacks them.
SOURCES = ("IND", "POLITIE", "KMAR", "other")
#: The exits, in the order the picture draws them clockwise from the top.
EXITS = ("absconded", "independent", "forced", "exit")
#: The reasons of outflow without departure.
EXIT_REASONS = ("asylum_procedure", "residence_permit", "other")
#: The parts of independent departure by the support granted.
SUPPORT = ("reintegration", "basic_departure", "none")
#: The stances of a closed case.
STANCES = ("cooperating", "after_all", "not_cooperating", "no_interview")


@dataclass(frozen=True, slots=True)
class Roundabout:
    start: date
    end: date
    inflow: Mapping[str, int]  # by SOURCES
    exits: Mapping[str, int]  # by EXITS
    exit_reasons: Mapping[str, int]  # by EXIT_REASONS; adds up to exits["exit"]
    support: Mapping[str, int]  # by SUPPORT; adds up to exits["independent"]
    stances: Mapping[tuple[str, str], int]  # (stance, exit) -> cases; adds up to each exit

    @property
    def total_inflow(self) -> int:
        return sum(self.inflow.values())

    @property
    def closed(self) -> int:
        return sum(self.exits.values())

    def stance_total(self, stance: str) -> int:
        return sum(n for (s, _), n in self.stances.items() if s == stance)

    def largest(self) -> int:
        """The largest single volume drawn (an inflow source summed, or an exit): the scale's
        reference."""
        return max(self.total_inflow, *self.exits.values(), 0)
