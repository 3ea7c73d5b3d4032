"""Parameter files: validated, with a source for every value; scenarios override precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from terugkeer.simulation.loader import ParameterError, load_parameters


def _scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "what-if.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_base_parameters_load_and_every_value_has_a_source() -> None:
    params = load_parameters()
    assert params.inflow.per_year.value > 0
    dumped = params.model_dump()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "value" in node or "shares" in node:
                assert len(node["source"]) >= 3
            else:
                for child in node.values():
                    walk(child)

    walk(dumped)


def test_a_scenario_sets_a_value_and_names_itself_as_the_source(tmp_path: Path) -> None:
    path = _scenario(tmp_path, "[inflow]\nper_year = { value = 17400 }\n")
    params = load_parameters(path)
    assert params.inflow.per_year.value == 17400
    assert params.inflow.per_year.source == "scenario what-if"


def test_a_factor_scales_and_mix_factors_renormalise(tmp_path: Path) -> None:
    base = load_parameters()
    path = _scenario(
        tmp_path,
        "[outcomes]\nexit_other_per_year = { factor = 2, source = 'twice as many releases' }\n"
        "[inflow.by_source]\nfactors = { KMAR = 2 }\n",
    )
    params = load_parameters(path)
    assert params.outcomes.exit_other_per_year.value == 2 * base.outcomes.exit_other_per_year.value
    shares = params.inflow.by_source.shares
    assert sum(shares.values()) == pytest.approx(1)
    assert shares["KMAR"] > base.inflow.by_source.shares["KMAR"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[outcomes]\nexit_other_per_yeer = { value = 1, source = 'typo' }\n",
            "exit_other_per_yeer",
        ),
        ("[dublin]\nacceptance_share = { value = 1.5, source = 'too much' }\n", "acceptance_share"),
        ("[inflow]\nby_source = { shares = { IND = 0.5 }, source = 'half' }\n", "add up"),
        ("[inflow\n", "what-if.toml"),
        ("[dublin]\ntransfer_within_deadline_share = { value = 0.95 }\n", "more than 1"),
    ],
)
def test_a_bad_scenario_says_which_file_and_what(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        load_parameters(_scenario(tmp_path, text))
