"""What a password must be (NIST SP 800-63B), with the list that ships with the product."""

from __future__ import annotations

import pytest

from terugkeer.domain.passwords import MAX_PASSWORD, password_problem
from terugkeer.passwords import common_passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("elevenchars", "too_short"),
        ("x" * (MAX_PASSWORD + 1), "too_long"),
        (" " * 20, "blank"),
        ("\t  \u00a0   " * 3, "blank"),
        ("  Dirk.Jansen ", "is_name"),  # the name itself, whatever the case
        ("dirk.jansen was here", "is_name"),  # or inside
        ("1qaz2wsx3edc", "common"),  # on the shipped list
        ("Q1W2E3R4T5Y6", "common"),  # in any case
        ("a sentence of several words", None),
        ("x" * MAX_PASSWORD, None),
    ],
)
def test_a_password_is_judged_by_its_reason(password: str, problem: str | None) -> None:
    assert password_problem(password, "dirk.jansen", common_passwords()) == problem


def test_a_short_name_inside_a_passphrase_is_no_problem() -> None:
    # "ana" occurs in "banana" by chance: only names of four characters or more count inside.
    assert password_problem("banana bread on sunday", "ana", common_passwords()) is None
    assert password_problem("ana", "ana", common_passwords()) == "too_short"


def test_the_list_is_the_one_shipped() -> None:
    listed = common_passwords()
    assert len(listed) > 19_000
    assert "password123" in listed and "a sentence of several words" not in listed
