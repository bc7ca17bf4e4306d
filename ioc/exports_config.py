"""Declarative description of a report-system export: its columns, header, vocabularies and filters.

Supporting another system's export is configuration (an `exports:` entry in `targets.yaml`), not code.
Filters are data compiled into Polars expressions by `data_sources`; nothing here is ever evaluated.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = str | int | float | bool | dt.date


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_OPERATORS = (
    "eq",
    "ne",
    "in_",
    "not_in",
    "is_null",
    "gt",
    "ge",
    "lt",
    "le",
    "gt_field",
    "ge_field",
    "lt_field",
    "le_field",
    "eq_field",
)


class Condition(_Strict):
    """One test on one canonical field of a row, e.g. `{field: result_date, le_field: due_date}`.

    Values on vocabulary fields are canonical values (`online`, `yes`), not the labels of the file.
    """

    field: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    is_null: bool | None = None
    gt: float | dt.date | None = None
    ge: float | dt.date | None = None
    lt: float | dt.date | None = None
    le: float | dt.date | None = None
    gt_field: str | None = None
    ge_field: str | None = None
    lt_field: str | None = None
    le_field: str | None = None
    eq_field: str | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        given = [op for op in _OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            names = ", ".join(o.rstrip("_") for o in _OPERATORS)
            raise ValueError(f"a condition needs exactly one operator ({names}); got {len(given)}")
        return self

    @property
    def operator(self) -> str:
        return next(op for op in _OPERATORS if getattr(self, op) is not None).rstrip("_")

    @property
    def operand(self) -> object:
        return getattr(self, self.operator if self.operator != "in" else "in_")


class Quantity(_Strict):
    """One side of a ratio, or a count: rows matching `where` (dossier exports),
    or the sum of measure columns (statistics tables)."""

    where: dict[str, Scalar | list[Scalar]] | list[Condition] | None = None
    sum: list[str] | None = None
    all: Literal[True] | None = None  # every row

    @model_validator(mode="after")
    def _one_kind(self) -> Quantity:
        kinds = [k for k in ("where", "sum", "all") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of 'where', 'sum' or 'all: true'")
        return self

    def conditions(self) -> list[Condition]:
        """`where` as a list of conditions (the mapping shorthand means equality or membership)."""
        if self.where is None:
            return []
        if isinstance(self.where, list):
            return self.where
        out = []
        for name, val in self.where.items():
            if isinstance(val, list):
                out.append(Condition(field=name, in_=val))
            else:
                out.append(Condition(field=name, eq=val))
        return out


class ExportKind(StrEnum):
    DOSSIERS = "dossiers"  # one row per dossier
    PROCEDURE_STATS = "procedure_stats"  # one row per receiving unit, multi-row merged header
    LONG = "long"  # unit, period, indicator, value[, numerator, denominator]


class ColumnSpec(_Strict):
    """How to find one canonical field in the file: by header label(s) or by Excel column letter."""

    labels: list[str] = []  # accepted header texts (matched NFC, case- and space-insensitive)
    letter: Annotated[str, Field(pattern=r"^[A-Z]{1,3}$")] | None = None
    required: bool = True

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        if isinstance(data, str):
            return {"labels": [data]}
        if isinstance(data, list):
            return {"labels": data}
        return data


class ExportConfig(_Strict):
    """One export format of a provincial system."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    kind: ExportKind
    name: str | None = None
    sheet: str | int | None = None  # sheet name or 0-based index; first visible sheet when absent
    header_row: Annotated[int, Field(ge=1)] | None = (
        None  # 1-based row of the (first) header row; found when absent
    )
    header_rows: Annotated[int, Field(ge=1, le=10)] = 1
    columns: dict[str, ColumnSpec] = {}
    date_format: str = "%d/%m/%Y"
    # canonical value → accepted labels, per vocabulary field, e.g. channel: {online: ["Trực tuyến"]}
    vocab: dict[str, dict[str, list[str]]] = {}
    # receiving-unit label as the system writes it → unit code (commune code or department id)
    unit_map: dict[str, str] = {}
    # dossier exports: which date decides the month a dossier counts in
    period_field: str = "received_date"
    # decimal comma for numbers typed as text ("84,63"); exports from Vietnamese systems use it
    decimal_comma: bool = True
