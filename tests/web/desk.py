"""A case director's desk with a bit of everything, on top of tests/web/server.py's store
(work date 10 March 2023): a detention review due today, a flight tomorrow without a travel
document, a Dublin claim whose reply deadline passed in silence, a Dublin request deadline in
June, and thirty people whose departure interview is overdue (more than a page)."""

from __future__ import annotations

from terugkeer.services.ingest import ingest_lines
from terugkeer.services.users import add_user
from terugkeer.services.workplace import assign_cases
from terugkeer.store.workplace import open_cases
from tests.integration.lines import intake, line
from tests.web.server import PASSWORD, Site

REVIEW_TODAY, FLIGHT, SILENT_DUBLIN, DUBLIN_LATER = (
    "2000000001", "2000000002", "2000000003", "2000000004"
)  # fmt: skip
FILLERS = [f"21000000{n:02d}" for n in range(30)]
#: A second director of anna's team (Noord), with one case: the lead's director list.
COLLEAGUE, COLLEAGUES_CASE = "cees", "2000000009"


def add_desk(site: Site) -> None:
    lines = [
        intake("k-1", REVIEW_TODAY, "2023-01-10T10:00:00+01:00"),
        line("k-2", "location_changed", REVIEW_TODAY, "2023-02-10T10:00:00+01:00",
             {"kind": "detention"}),
        line("k-3", "detention_started", REVIEW_TODAY, "2023-02-10T10:00:00+01:00",
             {"ground": "vw59"}, source="DJI"),
        intake("k-4", FLIGHT, "2023-03-01T10:00:00+01:00"),
        line("k-5", "flight_booked", FLIGHT, "2023-03-05T10:00:00+01:00",
             {"reference": "F-7", "date": "2023-03-11", "destination": "MAR", "escort": "kmar"}),
        line("k-6", "intake", SILENT_DUBLIN, "2023-01-02T10:00:00+01:00",
             {"nationality": "AFG", "track": "dublin"}, source="IND"),
        line("k-7", "dublin_claim", SILENT_DUBLIN, "2023-01-05T10:00:00+01:00",
             {"member_state": "DEU", "kind": "take_charge"}, source="IND"),
        line("k-8", "intake", DUBLIN_LATER, "2023-03-01T10:00:00+01:00",
             {"nationality": "SYR", "track": "dublin"}, source="IND"),
        intake("k-9", COLLEAGUES_CASE, "2023-01-03T10:00:00+01:00"),
        *(intake(f"k-f{n}", v, f"2023-01-05T{8 + n // 6:02d}:{n % 6 * 10:02d}:00+01:00")
          for n, v in enumerate(FILLERS)),
    ]  # fmt: skip
    summary = ingest_lines(site.system, lines)
    assert not summary.rejected, summary.rejected
    colleague = add_user(site.system, COLLEAGUE, site.users["anna"].role, "Noord", PASSWORD)
    site.users[COLLEAGUE] = colleague
    with site.system.engine.connect() as connection:
        seq_of = {v: seq for seq, v, _ in open_cases(connection)}
    mine = [REVIEW_TODAY, FLIGHT, SILENT_DUBLIN, DUBLIN_LATER, *FILLERS]
    assign_cases(site.system, site.users["lead"], site.users["anna"],
                 [(seq_of[v], v) for v in mine])  # fmt: skip
    assign_cases(site.system, site.users["lead"], colleague,
                 [(seq_of[COLLEAGUES_CASE], COLLEAGUES_CASE)])  # fmt: skip
