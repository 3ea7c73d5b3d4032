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
    assert params.inflow.per_year.source == "scenario file what-if.toml"


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
        ("[dublin]\ntransfer_within_deadline_share = { value = 1 }\n", "more than 1"),
        (
            "[population]\nfamily_size = { shares = { '1' = 0.5, '3' = 0.5 }, source = 'x y' }\n",
            "whole numbers of 2 or more",
        ),
    ],
)
def test_a_bad_scenario_says_which_file_and_what(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        load_parameters(_scenario(tmp_path, text))


def test_a_family_counts_as_its_persons_in_the_inflow(tmp_path: Path) -> None:
    """Half the arrivals a family of 2 or 4 (3 on average), no unaccompanied minors: an
    arrival brings 2 persons on average, so arrivals come at half the inflow's rate."""
    path = _scenario(
        tmp_path,
        "[population]\nfamily_share = { value = 0.5 }\nunaccompanied_minor_share = { value = 0 }\n"
        "family_size = { shares = { '2' = 0.5, '4' = 0.5 }, source = 'two sizes' }\n",
    )
    assert load_parameters(path).population.persons_per_arrival == pytest.approx(2.0)
