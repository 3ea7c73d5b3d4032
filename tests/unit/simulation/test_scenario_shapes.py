"""The forms a parameter may take in a scenario file, and the sentence a wrong one gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.simulation import loader
from terugkeer.simulation.loader import ParameterError, load_parameters

VALUE_FORMS = (
    'a number or a table such as { value = 17400, source = "…" } or { factor = 1.1, source = "…" }'
)


def _scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "more-inflow.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(ParameterError) as error:
        load_parameters(path)
    return str(error.value)


def test_a_bare_number_sets_the_value_with_the_file_as_its_source(tmp_path: Path) -> None:
    params = load_parameters(_scenario(tmp_path, "[inflow]\nper_year = 17400\n"))
    assert params.inflow.per_year.value == 17400
    assert params.inflow.per_year.source == "scenario file more-inflow.toml"
    assert params.inflow.by_source == load_parameters().inflow.by_source  # the rest unchanged


def test_bare_numbers_work_in_tables_of_values_and_for_shares(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        "[procedures.decision_days_mean]\nasylum_repeat = 84\n"
        "[inflow.history_per_year]\n2023 = 17000\n2024 = 18000.5\n"
        "[documents.confirmation_share]\nTUR = 0.3\n"
        "[dublin]\nacceptance_share = 0.8\n",
    )
    params = load_parameters(path)
    source = "scenario file more-inflow.toml"
    changed = [
        params.procedures.decision_days_mean["asylum_repeat"],
        params.inflow.history_per_year["2023"],
        params.inflow.history_per_year["2024"],
        params.documents.confirmation_share["TUR"],
        params.dublin.acceptance_share,
    ]
    assert [(value.value, value.source) for value in changed] == [
        (84, source), (17000, source), (18000.5, source), (0.3, source), (0.8, source),
    ]  # fmt: skip
    assert params.procedures.decision_days_mean["appeal"].source.startswith("assumption")


def test_a_bare_number_is_still_checked_against_the_parameters_range(tmp_path: Path) -> None:
    message = _refusal(_scenario(tmp_path, "[dublin]\nacceptance_share = 1.5\n"))
    assert message.startswith(f"{tmp_path / 'more-inflow.toml'}: dublin.acceptance_share")
    assert "less than or equal to 1" in message


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ('"many"', '"many"'),
        ("[17400, 18000]", "[17400, 18000]"),
        ("true", "true"),
        ("inf", "inf"),
        ("2023-01-01", "2023-01-01"),
        ("{ source = 'just a source' }", '{ source = "just a source" }'),
        ("{ amount = 17400 }", "{ amount = 17400 }"),
        ("{ value = 'many' }", '{ value = "many" }'),
        ("{ value = true }", "{ value = true }"),
        ("{ factor = 2, sourse = 'typo' }", '{ factor = 2, sourse = "typo" }'),
        ("{ value = 1, factor = 2 }", "{ value = 1, factor = 2 }"),
        ("{ shares = { IND = 1 } }", "{ shares = { IND = 1 } }"),
    ],
)
def test_a_wrong_form_is_one_sentence_with_the_file_the_parameter_and_the_form(
    tmp_path: Path, given: str, shown: str
) -> None:
    path = _scenario(tmp_path, f"[inflow]\nper_year = {given}\n")
    assert _refusal(path) == f"{path}: inflow.per_year: expected {VALUE_FORMS}, not {shown}"


def test_a_bare_number_for_a_mix_shows_the_mix_form(tmp_path: Path) -> None:
    path = _scenario(tmp_path, "[inflow]\nby_source = 0.5\n")
    assert _refusal(path) == (
        f"{path}: inflow.by_source: expected a table such as "
        '{ shares = { IND = 0.6, POLITIE = 0.4 }, source = "…" } '
        'or { factors = { IND = 1.1 }, source = "…" }, not 0.5'
    )


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "[locations.initial]\nfactors = { emergency_reception = true }\n",
            "locations.initial: expected a table such as { shares = { azc = 0.6, "
            'emergency_reception = 0.4 }, source = "…" } or { factors = { azc = 1.1 }, '
            'source = "…" }, not { factors = { emergency_reception = true } }',
        ),
        (
            "[locations.initial]\nfactors = { emergency = 0.5 }\n",
            "locations.initial.factors: no share named emergency (the shares: azc, "
            "emergency_reception, vbl, private, prison)",
        ),
        (
            "[inflow]\nhistory_per_year = 17400\n",
            "inflow.history_per_year: expected a table such as { 2012 = 17400 }, not 17400",
        ),
        (
            "[procedures.decision_days_mean]\nasylum_repeat = '12 weeks'\n",
            f'procedures.decision_days_mean.asylum_repeat: expected {VALUE_FORMS}, not "12 weeks"',
        ),
        (
            "[procedures.decision_days_mean]\nbrand_new = { factor = 2 }\n",
            "procedures.decision_days_mean.brand_new: a factor needs a base value to scale; "
            'give { value = 17400, source = "…" }',
        ),
        (
            "inflow = 17400\n",
            "inflow: expected a table of parameters (per_year, by_source, other_sources, "
            "history_per_year), not 17400",
        ),
        ("[outcomes]\nexit_other_per_yeer = 2\n", "outcomes.exit_other_per_yeer: not a "
         "parameter; did you mean exit_other_per_year?"),
    ],
)  # fmt: skip
def test_other_wrong_forms_name_the_parameter_and_what_it_takes(
    tmp_path: Path, text: str, sentence: str
) -> None:
    path = _scenario(tmp_path, text)
    assert _refusal(path) == f"{path}: {sentence}"


def _broken_base(monkeypatch: pytest.MonkeyPatch, section: str, key: str, raw: Any) -> None:
    read = loader._read

    def patched(path: Path | None) -> dict[str, Any]:
        data = read(path)
        if path is None:
            data[section] = {**data[section], key: raw}
        return data

    monkeypatch.setattr(loader, "_read", patched)


def test_the_base_file_gives_every_value_with_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    _broken_base(monkeypatch, "inflow", "per_year", 17670)
    with pytest.raises(ParameterError) as error:
        load_parameters()
    assert str(error.value) == (
        'base parameters: inflow.per_year: expected a table such as { value = 17400, source = "…" }'
        ", not 17670"
    )


def test_an_error_in_the_base_is_the_bases_even_with_a_scenario(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _broken_base(monkeypatch, "dublin", "acceptance_share", {"value": 2, "source": "too high"})
    with pytest.raises(ParameterError, match=r"^base parameters: dublin\.acceptance_share"):
        load_parameters(_scenario(tmp_path, "[inflow]\nper_year = 17400\n"))


def test_the_cli_refuses_a_wrong_form_with_the_sentence(tmp_path: Path) -> None:
    path = _scenario(tmp_path, '[inflow]\nper_year = "many"\n')
    out = tmp_path / "events.jsonl"
    result = CliRunner().invoke(app, [
        "simulate", "--from", "2023-01-01", "--to", "2023-01-31", "--seed", "1",
        "--out", str(out), "--scenario", str(path),
    ])  # fmt: skip
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # a usage error, no traceback
    # The error box wraps the sentence across lines: compare it without the box and spaces.
    shown = "".join(line.strip("│ ") for line in result.output.splitlines()).replace(" ", "")
    sentence = f"{path}: inflow.per_year: expected {VALUE_FORMS}, not " + '"many"'
    assert sentence.replace(" ", "") in shown
    assert "Traceback" not in result.output
    assert not out.exists()
