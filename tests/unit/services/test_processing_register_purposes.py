"""The register of processing activities names a purpose for every kind of access the
permission table grants: a new resource cannot enter the system without saying what for."""

from __future__ import annotations

from terugkeer.domain.permissions import GRANTS, Resource
from terugkeer.domain.subject_request import reason_problem
from terugkeer.services.processing_register import PURPOSES, _purposes


def test_every_resource_has_a_purpose_in_both_languages() -> None:
    assert set(PURPOSES) == set(Resource)
    assert all(nl and en and nl != en for nl, en in PURPOSES.values())


def test_each_purpose_names_the_roles_that_hold_its_grant() -> None:
    found = {p.key: p.roles for p in _purposes()}
    assert found["subject_access"] == ("privacy_officer",)
    assert found["case"] == ("case_director", "team_lead")
    for (resource, _action), roles in GRANTS.items():
        assert {r.value for r in roles} <= set(found[resource.value])


def test_a_request_reference_is_logged_only_without_room_for_personal_data() -> None:
    assert reason_problem("AVG-2026-0042 art. 15") is None
    assert reason_problem("AP-onderzoek 2026/17 (art. 58)") is None
    assert reason_problem("ab") == "missing"
    assert reason_problem("BSN 123456782") == "number"
    assert reason_problem("V 1234567890") == "number"
    assert reason_problem("verzoek Müller") == "characters"
    assert reason_problem("a\nb c") == "characters"
