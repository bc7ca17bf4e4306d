"""Compile the declarative filters of `targets.yaml` (Condition, Quantity) into Polars expressions.

Nothing is evaluated as code: each operator is a fixed Polars expression over a canonical field.
Columns are expected already in canonical form: vocabulary fields hold canonical values (`online`,
`yes`), date fields `pl.Date`, number fields `Float64`, text fields NFC strings, `unit` the unit code.
A comparison with a missing value is false (use `is_null` to ask for missing values).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping

import polars as pl

from ioc.exports_config import Condition, FieldType, Quantity

# Booleans reach vocabulary fields when YAML reads an unquoted yes/no (YAML 1.1: `yes` is true).
_BOOL_WORDS = {True: "yes", False: "no"}
_COMPARE = {"gt", "ge", "lt", "le"}
_FIELD_OPS = {"gt_field", "ge_field", "lt_field", "le_field", "eq_field"}


_DTYPES: dict[str, pl.DataType] = {"date": pl.Date(), "number": pl.Float64()}


def _value(value: object, ftype: FieldType) -> object:
    """The operand as a Python value of the field's type (checked beforehand by `condition_problems`)."""
    if ftype == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip())
        return value
    if ftype == "number":
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, bool) and ftype == "vocab":
        return _BOOL_WORDS[value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return str(value)


def _literal(value: object, ftype: FieldType) -> pl.Expr:
    return pl.lit(_value(value, ftype), dtype=_DTYPES.get(ftype, pl.String()))


def _compare(left: pl.Expr, op: str, right: pl.Expr) -> pl.Expr:
    if op == "gt":
        return left > right
    if op == "ge":
        return left >= right
    if op == "lt":
        return left < right
    if op == "le":
        return left <= right
    return left == right


def compile_condition(cond: Condition, types: Mapping[str, FieldType]) -> pl.Expr:
    """One condition as a boolean expression; missing values never match (except `is_null: true`)."""
    ftype = types.get(cond.field, "text")
    col = pl.col(cond.field)
    op = cond.operator
    value = cond.operand
    if op == "is_null":
        return col.is_null() if value else col.is_not_null()
    if op == "eq":
        expr = col == _literal(value, ftype)
    elif op == "ne":
        expr = col != _literal(value, ftype)
    elif op in ("in", "not_in"):
        items = pl.Series([_value(v, ftype) for v in value], dtype=_DTYPES.get(ftype, pl.String()))  # type: ignore[union-attr]
        expr = col.is_in(pl.lit(items).implode())
        if op == "not_in":
            expr = ~expr
    elif op in _COMPARE:
        expr = _compare(col, op, _literal(value, ftype))
    elif op in _FIELD_OPS:
        expr = _compare(col, op.removesuffix("_field"), pl.col(str(value)))
    else:  # pragma: no cover - Condition validates its operators
        raise ValueError(f"unknown operator {op}")
    return expr.fill_null(False)


def compile_where(conditions: Iterable[Condition], types: Mapping[str, FieldType]) -> pl.Expr:
    """All conditions together (logical AND); no condition means every row."""
    exprs = [compile_condition(c, types) for c in conditions]
    return pl.all_horizontal(exprs) if exprs else pl.lit(True)


def compile_quantity(q: Quantity, types: Mapping[str, FieldType], count: pl.Expr | None = None) -> pl.Expr:
    """What one row contributes to a quantity: its `count` (1 by default) when it matches `where` or
    when the quantity is `all`, else 0; for `sum`, the sum of the named numeric columns (missing = 0).

    On a frame already grouped, pass the group's row count as `count` and the summed columns.
    """
    count = pl.lit(1, dtype=pl.Int64) if count is None else count
    if q.sum is not None:
        return pl.sum_horizontal([pl.col(f).cast(pl.Float64) for f in q.sum]).fill_null(0.0)
    if q.all:
        return count.cast(pl.Float64)
    return pl.when(compile_where(q.conditions(), types)).then(count).otherwise(0).cast(pl.Float64)


def quantity_fields(q: Quantity) -> set[str]:
    """Every canonical field a quantity reads (for projection and missing-column checks)."""
    out: set[str] = set(q.sum or [])
    for c in q.conditions():
        out.add(c.field)
        if c.operator.endswith("_field"):
            out.add(str(c.operand))
    return out


def _operand_problem(value: object, ftype: FieldType, canon: set[str] | None) -> str | None:
    if ftype == "date":
        if isinstance(value, dt.date):
            return None
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value.strip())
                return None
            except ValueError:
                pass
        return f"{value!r} is not a date (write it as YYYY-MM-DD)"
    if ftype == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return None
        return f"{value!r} is not a number"
    if ftype == "vocab":
        v = _BOOL_WORDS[value] if isinstance(value, bool) else value
        if canon is not None and v not in canon:
            allowed = ", ".join(sorted(canon))
            return (
                f"{value!r} is not a canonical value of this field (one of: {allowed}; labels such as "
                "'Trực tuyến' belong in the export's vocab)"
            )
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return None
    return f"{value!r} cannot be compared with a text field"


def condition_problems(
    cond: Condition,
    types: Mapping[str, FieldType],
    vocab: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> list[str]:
    """What is wrong with a condition for these fields (unknown field, operand of the wrong type)."""
    vocab = vocab or {}
    if cond.field not in types:
        return [f"unknown field '{cond.field}' (known: {', '.join(sorted(types))})"]
    ftype = types[cond.field]
    canon = set(vocab[cond.field]) if cond.field in vocab else None
    op = cond.operator
    value = cond.operand
    problems: list[str] = []
    if op == "is_null":
        return problems
    if op in _FIELD_OPS:
        other = str(value)
        if other not in types:
            return [f"unknown field '{other}' in {op}"]
        if types[other] != ftype:
            return [f"'{cond.field}' ({ftype}) and '{other}' ({types[other]}) cannot be compared"]
        if op != "eq_field" and ftype not in ("date", "number"):
            return [f"{op} needs date or number fields; '{cond.field}' is {ftype}"]
        return problems
    if op in _COMPARE and ftype not in ("date", "number"):
        return [f"{op} needs a date or number field; '{cond.field}' is {ftype}"]
    values = value if op in ("in", "not_in") else [value]
    for v in values:  # type: ignore[union-attr]
        p = _operand_problem(v, ftype, canon)
        if p:
            problems.append(f"{cond.field} {op}: {p}")
    return problems


def quantity_problems(
    q: Quantity,
    types: Mapping[str, FieldType],
    vocab: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> list[str]:
    """Every problem of a quantity against the fields of an export (empty list when it compiles)."""
    problems: list[str] = []
    for f in q.sum or []:
        if f not in types:
            problems.append(f"unknown field '{f}' in sum (known: {', '.join(sorted(types))})")
        elif types[f] != "number":
            problems.append(f"sum needs number fields; '{f}' is {types[f]}")
    for c in q.conditions():
        problems.extend(condition_problems(c, types, vocab))
    return problems
