from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from terugkeer.domain.rules import NoRuleInForceError, RulesTable, in_force, with_ammr_from
from terugkeer.rules import RulesFileError, load_rules


@pytest.fixture(scope="module")
def rules() -> RulesTable:
    return load_rules()


def test_packaged_table_has_the_dublin_regimes_of_rules_md(rules: RulesTable) -> None:
    dublin_iii = rules.dublin_regime(date(2026, 6, 11))
    ammr = rules.dublin_regime(date(2026, 6, 12))
    assert (dublin_iii.name, dublin_iii.valid_from) == ("dublin_iii", date(2014, 1, 1))
    assert (dublin_iii.base_months, dublin_iii.imprisonment_months) == (6, 12)
    assert dublin_iii.absconding_months == 18
    assert (ammr.name, ammr.base_months, ammr.imprisonment_months) == ("ammr", 6, 12)
    assert ammr.absconding_months == 36
    assert all(row.source and row.marker in "VSU" for row in rules.dublin)


def test_packaged_table_has_the_other_parameters(rules: RulesTable) -> None:
    term = rules.departure_term_on(date(2023, 1, 1))
    assert (term.default_days, term.min_days, term.max_days) == (28, 0, 30)
    detention = rules.detention_on(date(2023, 1, 1))
    assert (detention.max_months, detention.extension_months) == (6, 12)
    assert rules.document_request_on(date(2023, 1, 1)).withdrawal_months == 12


def test_no_rule_before_the_first_row(rules: RulesTable) -> None:
    with pytest.raises(NoRuleInForceError):
        rules.dublin_regime(date(2003, 8, 31))


def test_in_force_picks_the_latest_row_on_or_before_the_date(rules: RulesTable) -> None:
    assert in_force(rules.dublin, date(2014, 1, 1)).name == "dublin_iii"
    assert in_force(rules.dublin, date(2013, 12, 31)).name == "dublin_ii"
    assert in_force(rules.dublin, date(2030, 1, 1)).name == "ammr"


def test_ammr_start_is_configurable(rules: RulesTable) -> None:
    later = with_ammr_from(rules, date(2026, 7, 1))
    assert later.dublin_regime(date(2026, 6, 30)).name == "dublin_iii"
    assert later.dublin_regime(date(2026, 7, 1)).name == "ammr"
    assert rules.dublin_regime(date(2026, 6, 12)).name == "ammr"  # the original is unchanged
    loaded = load_rules(ammr_from=date(2026, 7, 1))
    assert loaded.dublin_regime(date(2026, 6, 30)).name == "dublin_iii"


def test_ammr_start_may_not_collide_with_another_row(rules: RulesTable) -> None:
    with pytest.raises(ValidationError):
        with_ammr_from(rules, date(2014, 1, 1))


def _toml(extra: str = "") -> str:
    common = 'source = "test"\nmarker = "V"\n'
    periods = 'request_period = "P3M"\ntake_charge_reply = "P2M"\ntake_back_reply = "P2W"\n'
    dublin = 'transfer_source = "t"\nbase_months = 6\nimprisonment_months = 12\n' + periods
    return (
        f'[[dublin]]\nname = "ammr"\nvalid_from = 2026-06-12\n{common}'
        f"{dublin}absconding_months = 36\n"
        f'[[dublin]]\nname = "dublin_iii"\nvalid_from = 2014-01-01\n{common}{extra}'
        f"{dublin}absconding_months = 18\n"
        f"[[departure_term]]\nvalid_from = 2001-04-01\n{common}"
        "default_days = 28\nmin_days = 0\nmax_days = 30\n"
        f"[[detention]]\nvalid_from = 2010-12-24\n{common}max_months = 6\nextension_months = 12\n"
        "review_days = 28\n"
        f"[[document_request]]\nvalid_from = 2001-04-01\n{common}withdrawal_months = 12\n"
        f"[[removal_readiness]]\nvalid_from = 2001-04-01\n{common}"
        + "".join(f'{key}_source = "test"\n' for key in READINESS_KEYS)
        + f"[[worklist]]\nvalid_from = 2001-04-01\n{common}"
        + "".join(f"{key}_window_days = 7\n" for key in WINDOWS)
        + 'interview_interval_days = 42\ninterview_source = "t"\nflight_source = "t"\n'
        + f"[[ukraine_support]]\nvalid_from = 2001-04-01\n{common}"
        + "return_home = false\nthird_country = false\n"
    )


WINDOWS = ("dublin_transfer", "flight", "departure_term", "detention_review", "detention_maximum")


READINESS_KEYS = ("legally_removable", "available", "in_detention", "travel_document")


def test_load_from_a_path_sorts_rows_by_valid_from(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(_toml(), encoding="utf-8")
    assert [row.name for row in load_rules(path).dublin] == ["dublin_iii", "ammr"]


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(_toml("base_monhts = 6\n"), encoding="utf-8")
    with pytest.raises(RulesFileError, match="base_monhts"):
        load_rules(path)


def test_invalid_toml_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[[dublin]\n", encoding="utf-8")
    with pytest.raises(RulesFileError, match=str(path)):
        load_rules(path)


def test_duplicate_valid_from_is_rejected(rules: RulesTable) -> None:
    data = rules.model_dump()
    data["detention"] = data["detention"] * 2
    with pytest.raises(ValidationError, match="share a valid_from"):
        RulesTable.model_validate(data)


def test_the_third_country_scheme_ends_on_4_march_2024_and_help_home_goes_on(
    rules: RulesTable,
) -> None:
    """RULES.md §7: the remigration support for third-country nationals from Ukraine ended on
    4 March 2024; the help for Ukrainians who want to go home did not end with it."""
    assert rules.ukraine_support_on(date(2024, 3, 3)).third_country
    ended = rules.ukraine_support_on(date(2024, 3, 4))
    assert not ended.third_country and ended.return_home
    assert not rules.ukraine_support_on(date(2022, 11, 14)).third_country
    assert rules.ukraine_support_on(date(2022, 11, 15)).third_country
    before = rules.ukraine_support_on(date(2022, 1, 1))
    assert not before.return_home and not before.third_country
