"""Who is eligible for each intervention (issue #11): default rules, user rules, bad rules."""

from __future__ import annotations

import pandas as pd
import pytest

from kantong._errors import DataWarning, OptionError
from kantong._i18n import language
from kantong._vocab import INTERVENTIONS
from kantong.measures.eligibility import DEFAULT_RULES, describe_rules, eligible, parse_rules, resolve_rules


def households() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "desil": pd.array([1, 3, 4, 5, 9, None], dtype="Int64"),
            "members": pd.array([2, 6, 4, 3, 5, 1], dtype="Int64"),
            "mpi_score": [0.5, 0.25, 0.375, 0.0, 0.125, 0.75],
        }
    )


def test_default_rules_are_mbr_proxy() -> None:
    assert set(DEFAULT_RULES) == set(INTERVENTIONS) and set(DEFAULT_RULES.values()) == {"desil <= 4"}
    e = eligible(households())
    assert list(e.columns) == [f"eligible_{i}" for i in INTERVENTIONS]
    assert e["eligible_housing"].tolist() == [True, True, True, False, False, False]
    assert e.attrs["undecided"]["housing"] == 1  # blank desil: not decided, not eligible
    assert e.dtypes.map(str).eq("bool").all()


def test_user_rules() -> None:
    e = eligible(households(), {"housing": "desil <= 4 and members >= 4", "water": "all", "education": "mpi_score >= 1/3", "cooking": ""})
    assert e["eligible_housing"].tolist() == [False, True, True, False, False, False]
    assert e["eligible_water"].all() and e["eligible_cooking"].all()
    assert e["eligible_education"].tolist() == [True, False, True, False, False, True]
    assert e["eligible_sanitation"].tolist() == [True, True, True, False, False, False]  # default kept
    assert e.attrs["rules"]["water"] == "all"
    assert resolve_rules({"water": None})["water"] == "desil <= 4"


def test_bad_rules_name_the_problem() -> None:
    with language("en"):
        with pytest.raises(OptionError, match="column 'income' does not exist") as err:
            eligible(households(), {"housing": "income < 1000000"})
        assert "housing" in str(err.value) and "desil" in str(err.value)  # the columns available
        with pytest.raises(OptionError, match="unknown intervention 'roads'"):
            eligible(households(), {"roads": "desil <= 2"})
        with pytest.raises(OptionError, match="water"):
            eligible(households(), {"water": "desil <="})
        with pytest.raises(OptionError, match="yes/no"):
            eligible(households(), {"water": "desil + 1"})
        with pytest.raises(OptionError, match="intervention: rule"):
            parse_rules("desil <= 2")


def test_parse_rules() -> None:
    assert parse_rules("housing: desil <= 2; water: all\nsanitation:desil<=3") == {
        "housing": "desil <= 2",
        "water": "all",
        "sanitation": "desil<=3",
    }


def test_no_desil_column() -> None:
    hh = pd.DataFrame({"members": [1, 2]})
    with language("en"), pytest.warns(DataWarning, match="no desil column"):
        e = eligible(hh)
    assert e.all().all()
    with pytest.raises(OptionError, match="desil"), pytest.warns(DataWarning):
        eligible(hh, {"housing": "desil <= 2"})  # a rule the user wrote must be usable


def test_describe_rules() -> None:
    with language("en"):
        lines = describe_rules({"water": "all"})
    assert lines[0].startswith("Housing (BSPS): desil <= 4 (BSPS is for low-income households (MBR)")
    assert lines[1] == "Drinking water: every household (set by the user)"
    assert "no programme rule found" in lines[2]
    with language("id"):
        assert "tidak ada aturan program" in describe_rules()[5]
