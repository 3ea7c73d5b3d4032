"""Who the identity provider's claims make a person here: only a mapped value gives a role."""

from __future__ import annotations

import pytest

from terugkeer.domain.permissions import Role
from terugkeer.domain.sso_claims import ClaimNames, Identity, Unmapped, identity_of

NAMES = ClaimNames(name="preferred_username", role="roles", team="team")
MAP = {"dtenv-regievoerder": Role.CASE_DIRECTOR, "dtenv-analist": Role.ANALYST,
       "dtenv-analisten": Role.ANALYST, "dtenv-beheer": Role.ADMIN}  # fmt: skip


def _of(**claims: object) -> Identity | Unmapped:
    return identity_of({"preferred_username": "sanne", **claims}, NAMES, MAP)


def test_one_mapped_value_among_others_gives_its_role_and_team() -> None:
    found = _of(roles=["mail", "dtenv-regievoerder"], team="Noord")
    assert found == Identity("sanne", Role.CASE_DIRECTOR, "Noord")


def test_a_single_role_may_come_as_a_string() -> None:
    assert _of(roles="dtenv-analist") == Identity("sanne", Role.ANALYST, None)


def test_two_values_of_one_role_are_that_role() -> None:
    assert _of(roles=["dtenv-analist", "dtenv-analisten"]) == Identity("sanne", Role.ANALYST, None)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"roles": ["mail"]}, "no_role"),
        ({}, "no_role"),
        ({"roles": [{"nested": "dtenv-beheer"}]}, "no_role"),  # only strings are values
        ({"roles": ["dtenv-analist", "dtenv-beheer"]}, "two_roles"),
        ({"roles": "dtenv-regievoerder"}, "no_team"),  # a director works in a team
        ({"roles": "dtenv-regievoerder", "team": ""}, "no_team"),
        ({"roles": "dtenv-beheer", "preferred_username": ""}, "no_name"),
        ({"roles": "dtenv-beheer", "preferred_username": 7}, "no_name"),
    ],
)
def test_claims_without_one_clear_role_give_no_access(
    claims: dict[str, object], reason: str
) -> None:
    assert _of(**claims) == Unmapped(reason)


def test_a_team_means_nothing_to_a_role_without_cases() -> None:
    assert _of(roles="dtenv-beheer", team="Noord") == Identity("sanne", Role.ADMIN, None)
