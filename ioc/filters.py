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
from dataclasses import dataclass

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


Steps = tuple[str | int, ...]


@dataclass(frozen=True)
class FilterProblem:
    """One problem of a quantity, placed where it is written (for config errors with a line).

    `code`: `unknown-export-field` (a filter or `*_field` operand names no field of the export),
    `unknown-vocab-value`, `unknown-measure` (a `sum` of no numeric field) or `bad-filter` (anything else).
    `steps` lead from the quantity to the offending key or item, e.g. `("where", 0, "le_field")`;
    `value` is what was written, `options` what would have been accepted (for a did-you-mean) and
    `field` the field the condition tests (None for a sum).
    """

    code: str
    steps: Steps
    message: str  # English, as the loaders report it
    value: str | None = None
    options: tuple[str, ...] = ()
    field: str | None = None


def _condition_findings(
    cond: Condition,
    types: Mapping[str, FieldType],
    vocab: Mapping[str, Mapping[str, list[str]]],
    at_field: Steps,
    at_operand: Steps,
) -> list[FilterProblem]:
    known = tuple(sorted(types))
    if cond.field not in types:
        msg = f"unknown field '{cond.field}' (known: {', '.join(known)})"
        return [FilterProblem("unknown-export-field", at_field, msg, cond.field, known, cond.field)]
    ftype = types[cond.field]
    canon = set(vocab[cond.field]) if cond.field in vocab else None
    op = cond.operator
    value = cond.operand
    if op == "is_null":
        return []
    if op in _FIELD_OPS:
        other = str(value)
        if other not in types:
            msg = f"unknown field '{other}' in {op}"
            return [FilterProblem("unknown-export-field", at_operand, msg, other, known, cond.field)]
        if types[other] != ftype:
            msg = f"'{cond.field}' ({ftype}) and '{other}' ({types[other]}) cannot be compared"
            return [FilterProblem("bad-filter", at_operand, msg, other, field=cond.field)]
        if op != "eq_field" and ftype not in ("date", "number"):
            msg = f"{op} needs date or number fields; '{cond.field}' is {ftype}"
            return [FilterProblem("bad-filter", at_operand, msg, other, field=cond.field)]
        return []
    if op in _COMPARE and ftype not in ("date", "number"):
        msg = f"{op} needs a date or number field; '{cond.field}' is {ftype}"
        return [FilterProblem("bad-filter", at_operand, msg, str(value), field=cond.field)]
    listed = op in ("in", "not_in")
    values = value if listed else [value]
    problems: list[FilterProblem] = []
    for k, v in enumerate(values):  # type: ignore[arg-type]
        p = _operand_problem(v, ftype, canon)
        if p:
            unknown = ftype == "vocab" and canon is not None
            shown = _BOOL_WORDS[v] if isinstance(v, bool) and ftype == "vocab" else str(v)
            problems.append(
                FilterProblem(
                    "unknown-vocab-value" if unknown else "bad-filter",
                    (*at_operand, k) if listed else at_operand,
                    f"{cond.field} {op}: {p}",
                    shown,
                    tuple(sorted(canon)) if unknown and canon is not None else (),
                    cond.field,
                )
            )
    return problems


def quantity_findings(
    q: Quantity,
    types: Mapping[str, FieldType],
    vocab: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> list[FilterProblem]:
    """Every problem of a quantity against the fields of an export, each with where it is written."""
    vocab = vocab or {}
    problems: list[FilterProblem] = []
    measures = tuple(sorted(f for f, t in types.items() if t == "number"))
    for k, f in enumerate(q.sum or []):
        if f not in types:
            msg = f"unknown field '{f}' in sum (known: {', '.join(sorted(types))})"
            problems.append(FilterProblem("unknown-measure", ("sum", k), msg, f, measures))
        elif types[f] != "number":
            msg = f"sum needs number fields; '{f}' is {types[f]}"
            problems.append(FilterProblem("bad-filter", ("sum", k), msg, f, measures))
    names = list(q.where) if isinstance(q.where, dict) else None
    for k, c in enumerate(q.conditions()):
        if names is not None:  # the mapping shorthand `{field: value}`: the key is the field
            at_field = at_operand = ("where", names[k])
        else:
            at_field, at_operand = ("where", k, "field"), ("where", k, c.operator)
        problems.extend(_condition_findings(c, types, vocab, at_field, at_operand))
    return problems


def condition_problems(
    cond: Condition,
    types: Mapping[str, FieldType],
    vocab: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> list[str]:
    """What is wrong with a condition for these fields (unknown field, operand of the wrong type)."""
    return [p.message for p in _condition_findings(cond, types, vocab or {}, (), ())]


def quantity_problems(
    q: Quantity,
    types: Mapping[str, FieldType],
    vocab: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> list[str]:
    """Every problem of a quantity against the fields of an export (empty list when it compiles)."""
    return [p.message for p in quantity_findings(q, types, vocab)]
