"""The monthly Frontex IRMA operational datasets (issue 11, EU reporting), by nationality:

- persons ready to be returned for whom removal is not organised: at the end of the month an
  open case whose removal readiness (domain/removal.py) has the person legally removable
  (return decision in force, departure term over, no suspensive procedure in any of their
  cases), available and holding a valid travel document — identified by it — with no
  safeguard in the way, and no flight booked after the month. Only a *return* counts: a
  Dublin claimant whose readiness is judged as a transfer (a running claim, or on the dublin
  track while no claim is accepted) is left out, since a Dublin transfer to another member
  state is not a return to a third country (Dublin III art. 26, 29; RULES.md §1) and IRMA
  counts returns under the Return Directive; once the claims are refused or expired, the
  return rule applies and the person counts like anyone else;
- persons effectively returned: cases closed in the month by a demonstrable departure, split
  independent / forced.

Exact counts: an operational dataset for the agency's EU partners, not a public table. The
readiness here is the one a case director sees; the figure decides nothing about anyone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from terugkeer.domain.calendar import end_of_day_micros
from terugkeer.domain.removal import last_instant, removal_readiness
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.state import case_state
from terugkeer.domain.transfer import Ground
from terugkeer.reports.period import Period
from terugkeer.reports.publication import month_end
from terugkeer.store.queries import person_history
from terugkeer.store.tables import cases


@dataclass(frozen=True, slots=True)
class IrmaMonth:
    month: date
    #: nationality → persons ready for removal, removal not organised
    ready_not_organised: dict[str, int]
    #: nationality → (independent, forced) demonstrable departures
    returned: dict[str, tuple[int, int]]


def irma_month(connection: Connection, rules: RulesTable, month: date) -> IrmaMonth:
    end = month_end(month)
    period = Period(month, end)
    at, bound = last_instant(end), end_of_day_micros(end)
    people = connection.execute(
        select(cases.c.v_number).where(period.open_at_end()).distinct()
    ).scalars()
    ready: Counter[str] = Counter()
    for v_number in sorted(people):
        history = person_history(connection, v_number)
        if history is None:
            continue
        opened = [case for case in history.cases if case.intake.micros < bound]
        if not opened:
            continue
        case = opened[-1]
        state = case_state(case.events, at)
        judged = removal_readiness(case.events, end, rules, person_events=history.events())
        returning = judged.ground.kind == Ground.RETURN_DECISION  # a transfer is no return
        holds = (returning and judged.legally_removable.holds and judged.available.holds
                 and judged.travel_document.holds and not judged.safeguard_notes)  # fmt: skip
        if holds and state.is_open and not any(f.on > end for f in state.flights):
            ready[state.nationality] += 1
    returned: dict[str, tuple[int, int]] = {}
    query = (
        select(cases.c.nationality, cases.c.closing_category, func.count())
        .where(cases.c.closing_type == "departed", cases.c.closed_date.between(month, end))
        .group_by(cases.c.nationality, cases.c.closing_category)
    )
    for nationality, mode, count in connection.execute(query):
        independent, forced = returned.get(nationality, (0, 0))
        if mode == "forced":
            forced += count
        else:
            independent += count
        returned[nationality] = (independent, forced)
    return IrmaMonth(month, dict(sorted(ready.items())), dict(sorted(returned.items())))
