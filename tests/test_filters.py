"""The declarative filters of targets.yaml compiled to Polars expressions: every operator, and the checks."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import yaml

from ioc.exports_config import Condition, Quantity
from ioc.filters import (
    compile_condition,
    compile_quantity,
    condition_problems,
    quantity_fields,
    quantity_problems,
)

TYPES = {
    "channel": "vocab",
    "e_result": "vocab",
    "due_date": "date",
    "result_date": "date",
    "fee": "number",
    "field": "text",
    "unit": "unit",
}
VOCAB = {"channel": {"online": [], "in_person": [], "postal": []}, "e_result": {"yes": [], "no": []}}
D = dt.date
ROWS = pl.DataFrame(
    {
        "channel": ["online", "in_person", "postal", None],
        "e_result": ["yes", "no", None, "yes"],
        "due_date": [D(2025, 8, 5), D(2025, 8, 5), None, D(2025, 8, 9)],
        "result_date": [D(2025, 8, 4), D(2025, 8, 6), D(2025, 8, 1), D(2025, 8, 9)],
        "fee": [0.0, 50000.0, None, 10000.0],
        "field": ["Hộ tịch", "Đất đai", "Hộ tịch", None],
        "unit": ["90001", "90002", "so_y_te", "90001"],
    }
)


def run(cond: dict) -> list[bool]:
    c = Condition.model_validate(cond)
    assert condition_problems(c, TYPES, VOCAB) == []
    return ROWS.select(compile_condition(c, TYPES)).to_series().to_list()


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"field": "channel", "eq": "online"}, [True, False, False, False]),
        ({"field": "channel", "ne": "online"}, [False, True, True, False]),  # missing never matches
        ({"field": "channel", "in": ["online", "postal"]}, [True, False, True, False]),
        ({"field": "channel", "not_in": ["online"]}, [False, True, True, False]),
        ({"field": "e_result", "is_null": True}, [False, False, True, False]),
        ({"field": "e_result", "is_null": False}, [True, True, False, True]),
        ({"field": "e_result", "eq": True}, [True, False, False, True]),  # YAML `yes` arrives as True
        ({"field": "fee", "gt": 0}, [False, True, False, True]),
        ({"field": "fee", "ge": 10000}, [False, True, False, True]),
        ({"field": "fee", "lt": 10000}, [True, False, False, False]),
        ({"field": "fee", "le": 10000}, [True, False, False, True]),
        ({"field": "fee", "eq": 50000}, [False, True, False, False]),
        ({"field": "due_date", "lt": "2025-08-09"}, [True, True, False, False]),
        ({"field": "due_date", "ge": D(2025, 8, 9)}, [False, False, False, True]),
        ({"field": "result_date", "le_field": "due_date"}, [True, False, False, True]),
        ({"field": "result_date", "lt_field": "due_date"}, [True, False, False, False]),
        ({"field": "result_date", "gt_field": "due_date"}, [False, True, False, False]),
        ({"field": "result_date", "ge_field": "due_date"}, [False, True, False, True]),
        ({"field": "result_date", "eq_field": "due_date"}, [False, False, False, True]),
        ({"field": "field", "eq": "Hộ tịch"}, [True, False, True, False]),
        ({"field": "field", "in": ["Đất đai"]}, [False, True, False, False]),
        ({"field": "unit", "eq": "90001"}, [True, False, False, True]),
    ],
)
def test_operator(cond: dict, expected: list[bool]) -> None:
    assert run(cond) == expected


def test_nfd_operand_matches_nfc_column() -> None:
    import unicodedata

    assert run({"field": "field", "eq": unicodedata.normalize("NFD", "Hộ tịch")}) == [
        True,
        False,
        True,
        False,
    ]


def test_quantities_on_rows_and_on_groups() -> None:
    q = Quantity.model_validate(yaml.safe_load("where: {channel: online}"))
    assert ROWS.select(compile_quantity(q, TYPES)).to_series().to_list() == [1.0, 0.0, 0.0, 0.0]
    both = Quantity.model_validate({"where": [{"field": "fee", "gt": 0}, {"field": "e_result", "eq": "yes"}]})
    assert ROWS.select(compile_quantity(both, TYPES)).to_series().to_list() == [0.0, 0.0, 0.0, 1.0]
    everything = Quantity.model_validate({"all": True})
    grouped = ROWS.with_columns(n=pl.Series([3, 4, 5, 6]))
    assert grouped.select(compile_quantity(everything, TYPES, pl.col("n"))).to_series().to_list() == [
        3,
        4,
        5,
        6,
    ]
    summed = Quantity.model_validate({"sum": ["fee"]})
    assert ROWS.select(compile_quantity(summed, TYPES)).to_series().to_list() == [0.0, 50000.0, 0.0, 10000.0]
    assert quantity_fields(both) == {"fee", "e_result"}
    assert quantity_fields(
        Quantity.model_validate({"where": [{"field": "result_date", "le_field": "due_date"}]})
    ) == {"result_date", "due_date"}


def test_yaml_yes_is_the_canonical_yes() -> None:
    q = Quantity.model_validate(yaml.safe_load("where: {e_result: yes}"))
    assert q.conditions()[0].operand is True
    assert ROWS.select(compile_quantity(q, TYPES)).to_series().to_list() == [1.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("cond", "fragment"),
    [
        ({"field": "chanel", "eq": "online"}, "unknown field 'chanel'"),
        ({"field": "channel", "eq": "Trực tuyến"}, "not a canonical value"),
        ({"field": "channel", "gt": 3}, "needs a date or number field"),
        ({"field": "fee", "eq": "nhiều"}, "is not a number"),
        ({"field": "due_date", "lt": 5}, "is not a date"),
        ({"field": "result_date", "le_field": "fee"}, "cannot be compared"),
        ({"field": "result_date", "le_field": "nowhere"}, "unknown field 'nowhere'"),
        ({"field": "channel", "le_field": "e_result"}, "needs date or number fields"),
    ],
)
def test_problems(cond: dict, fragment: str) -> None:
    problems = condition_problems(Condition.model_validate(cond), TYPES, VOCAB)
    assert len(problems) == 1 and fragment in problems[0]


def test_sum_of_a_non_number_is_a_problem() -> None:
    (p,) = quantity_problems(Quantity.model_validate({"sum": ["channel"]}), TYPES, VOCAB)
    assert "number fields" in p


def test_nothing_is_evaluated() -> None:
    """An operand that looks like code stays a plain string compared for equality."""
    c = Condition.model_validate({"field": "field", "eq": "__import__('os').system('x')"})
    assert ROWS.select(compile_condition(c, TYPES)).to_series().to_list() == [False] * 4
