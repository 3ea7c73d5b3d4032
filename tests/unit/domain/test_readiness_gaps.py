"""What is missing for removal readiness, and which open item of the case addresses it."""

from __future__ import annotations

from datetime import date

import pytest

from terugkeer.domain.readiness_gaps import gaps
from terugkeer.domain.removal import removal_readiness
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.state import case_state
from terugkeer.domain.worklist import work_items
from terugkeer.rules import load_rules
from tests.unit.domain.builders import Case

ON = date(2023, 3, 10)


@pytest.fixture(scope="module")
def rules() -> RulesTable:
    return load_rules()


def _gaps(case: Case, rules: RulesTable) -> dict[str, list[str]]:
    readiness = removal_readiness(case.events, ON, rules)
    found = gaps(readiness, case_state(case.events), work_items(case.events, rules),
                 {"R-12": "MAR"})  # fmt: skip
    return {g.condition.key: [str(m) for m in g.addressed_by] for g in found}


def test_no_travel_document_is_addressed_by_the_open_request(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("return_decision", "2023-01-05", departure_term_days=28)
    case.add("location_changed", "2023-01-05", kind="detention")
    case.add("detention_started", "2023-03-02", ground="vw59")
    case.add("document_requested", "2023-01-10", reference="R-12", kind="laissez_passer",
             country="MAR")  # fmt: skip
    found = _gaps(case, rules)
    assert set(found) == {"travel_document"}
    (request,) = found["travel_document"]
    assert request.startswith("open request R-12 (laissez_passer) at the embassy of MAR since "
                              "2023-01-10; still unanswered on 2024-01-10")  # fmt: skip


def test_a_condition_nothing_addresses_says_so_by_an_empty_list(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("location_changed", "2023-01-05", kind="unknown")
    case.add("procedure_started", "2023-02-01", reference="A-1", kind="appeal", suspensive=True)
    case.add("flight_booked", "2023-03-01", reference="KL1", date="2023-03-20",
             destination="MAR", escort="kmar")  # fmt: skip
    found = _gaps(case, rules)
    assert found["in_detention"] == []
    assert found["available"][0].startswith("whereabouts unknown since 2023-01-05: a decision")
    assert found["legally_removable"] == [
        "procedure A-1 (appeal) pending since 2023-02-01: its decision is awaited"
    ]
    assert found["travel_document"] == [
        "flight KL1 on 2023-03-20 needs a travel document valid on that day"
    ]


def test_a_ready_case_has_no_gaps(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("return_decision", "2023-01-05", departure_term_days=28)
    case.add("location_changed", "2023-03-02", kind="detention")
    case.add("detention_started", "2023-03-02", ground="vw59")
    case.add("travel_document_valid", "2023-02-15", kind="passport", valid_until="2023-06-30")
    assert _gaps(case, rules) == {}
