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
    # how the field is read; absent = vocab when the export has a vocabulary for it, date for `*_date`,
    # number for procedure-statistics measures, text otherwise
    type: Literal["date", "number", "text"] | None = None

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

    # --- additions of the exports loaders (all optional; defaults keep older configs valid) ---
    # CSV only: force an encoding ("utf-8", "utf-16", "cp1258") or a delimiter instead of sniffing them
    encoding: str | None = None
    delimiter: str | None = None
    # procedure statistics: first-column texts of rows that are totals/subtotals (skipped) and of rows
    # where the table ends (notes, signatures); empty = the standard Vietnamese defaults below
    total_labels: list[str] = []
    stop_labels: list[str] = []

    def column_specs(self) -> dict[str, ColumnSpec]:
        """The configured columns, or the defaults of the kind when none are configured."""
        if self.columns:
            return dict(self.columns)
        return {k: ColumnSpec.model_validate(v) for k, v in DEFAULT_COLUMNS[self.kind].items()}

    def vocabularies(self) -> dict[str, dict[str, list[str]]]:
        """The configured value vocabularies, or the defaults of the kind when none are configured."""
        if self.vocab:
            return {k: dict(v) for k, v in self.vocab.items()}
        return {k: dict(v) for k, v in DEFAULT_VOCAB.get(self.kind, {}).items()}

    def field_type(self, name: str) -> FieldType:
        """How a canonical field is read: unit, vocab (mapped to canonical values), date, number or text."""
        if name == "unit":
            return "unit"
        if name in self.vocabularies():
            return "vocab"
        spec = self.column_specs().get(name)
        if spec is not None and spec.type is not None:
            return spec.type
        default = DEFAULT_COLUMNS[self.kind].get(name, {}).get("type")
        if default is not None:  # the canonical fields keep their type when a config relabels them
            return default
        if name.endswith("_date"):
            return "date"
        if self.kind == ExportKind.PROCEDURE_STATS and name in PROCEDURE_MEASURES:
            return "number"
        return "text"

    def canonical_fields(self) -> tuple[str, ...]:
        """The fields the reader of this kind of export knows (the keys `columns` is expected to use)."""
        if self.kind == ExportKind.DOSSIERS:
            return DOSSIER_FIELDS
        if self.kind == ExportKind.PROCEDURE_STATS:
            return ("unit", *PROCEDURE_MEASURES)
        return LONG_FIELDS

    def filter_fields(self) -> dict[str, FieldType]:
        """The fields the indicators' filters and sums may name, with their types: the declared columns
        (the defaults of the kind when none are declared) — what the reader can find in a file."""
        specs = self.column_specs()
        if self.kind == ExportKind.PROCEDURE_STATS:  # one row per unit: the unit is the row, not a filter
            return {f: self.field_type(f) for f in specs if f != "unit"}
        return {f: self.field_type(f) for f in specs}

    def total_row_labels(self) -> list[str]:
        """Texts that mark total/subtotal rows of a statistics table."""
        return list(self.total_labels) or list(DEFAULT_TOTAL_LABELS)

    def stop_row_labels(self) -> list[str]:
        """Texts that mark the end of a statistics table (notes, signatures)."""
        return list(self.stop_labels) or list(DEFAULT_STOP_LABELS)


FieldType = Literal["unit", "vocab", "date", "number", "text"]

# The last day data may be reported under the former (pre-reorganisation) communes.
FORMER_UNITS_UNTIL = dt.date(2025, 6, 30)

# Canonical fields of a dossier-level export (one row per dossier).
DOSSIER_FIELDS = (
    "code",
    "procedure",
    "field",
    "unit",
    "channel",
    "received_date",
    "due_date",
    "result_date",
    "e_result",
    "digitised",
    "fee",
    "paid_online",
)
# Canonical measures of the procedure statistics report (one row per receiving unit).
PROCEDURE_MEASURES = (
    "received_total",
    "received_online",
    "received_offline",
    "received_carried_over",
    "settled_total",
    "settled_early",
    "settled_on_time",
    "settled_late",
    "in_progress_total",
    "in_progress_on_time",
    "in_progress_overdue",
)
# Internal sums a procedure statistics report must satisfy: total = parts (checked as warnings).
PROCEDURE_IDENTITIES = (
    ("received_total", ("received_online", "received_offline", "received_carried_over")),
    ("settled_total", ("settled_early", "settled_on_time", "settled_late")),
    ("in_progress_total", ("in_progress_on_time", "in_progress_overdue")),
)
LONG_FIELDS = ("unit", "period", "indicator", "value", "numerator", "denominator")

# Header labels used when an `exports:` entry declares no `columns` (the layout of the common Vietnamese
# systems). In a procedure statistics header, " | " separates the levels of a merged header, top first;
# each level matches a header cell that contains those words, and the last level is the column's own cell.
DEFAULT_COLUMNS: dict[ExportKind, dict[str, dict]] = {
    ExportKind.DOSSIERS: {
        "code": {"labels": ["Mã hồ sơ", "Số hồ sơ", "Mã HS"]},
        "procedure": {"labels": ["Tên thủ tục", "Thủ tục hành chính", "Thủ tục"], "required": False},
        "field": {"labels": ["Lĩnh vực"], "required": False},
        "unit": {"labels": ["Đơn vị tiếp nhận", "Cơ quan tiếp nhận", "Nơi tiếp nhận", "Đơn vị"]},
        "channel": {"labels": ["Hình thức nộp", "Kênh nộp", "Hình thức tiếp nhận"]},
        "received_date": {"labels": ["Ngày tiếp nhận", "Ngày nhận"], "type": "date"},
        "due_date": {"labels": ["Ngày hẹn trả", "Hạn xử lý", "Hạn giải quyết"], "type": "date"},
        "result_date": {"labels": ["Ngày có kết quả", "Ngày trả kết quả", "Ngày hoàn thành"], "type": "date"},
        "e_result": {"labels": ["Kết quả điện tử", "Trả kết quả điện tử"]},
        "digitised": {"labels": ["Số hóa", "Đã số hóa", "Số hoá hồ sơ"]},
        "fee": {"labels": ["Phí, lệ phí", "Lệ phí", "Phí"], "type": "number"},
        "paid_online": {"labels": ["Thanh toán trực tuyến", "Thanh toán trực tuyến phí"]},
    },
    ExportKind.PROCEDURE_STATS: {
        "unit": {"labels": ["Đơn vị", "Tên đơn vị", "Đơn vị tiếp nhận"]},
        "received_total": {"labels": ["Nhận giải quyết | Tổng số", "Tiếp nhận | Tổng số"]},
        "received_online": {"labels": ["Nhận giải quyết | Trực tuyến", "Tiếp nhận | Trực tuyến"]},
        "received_offline": {"labels": ["Nhận giải quyết | Trực tiếp", "Tiếp nhận | Trực tiếp"]},
        "received_carried_over": {"labels": ["Nhận giải quyết | Kỳ trước", "Tiếp nhận | Kỳ trước"]},
        "settled_total": {"labels": ["Đã giải quyết | Tổng số"]},
        "settled_early": {"labels": ["Đã giải quyết | Trước hạn"]},
        "settled_on_time": {"labels": ["Đã giải quyết | Đúng hạn", "Đã giải quyết | Đúng thời hạn"]},
        "settled_late": {"labels": ["Đã giải quyết | Trễ hạn", "Đã giải quyết | Quá hạn"]},
        "in_progress_total": {"labels": ["Đang giải quyết | Tổng số"]},
        "in_progress_on_time": {
            "labels": [
                "Đang giải quyết | Trong hạn",
                "Đang giải quyết | Trong thời hạn",
                "Đang giải quyết | Chưa đến hạn",
            ]
        },
        "in_progress_overdue": {"labels": ["Đang giải quyết | Quá hạn", "Đang giải quyết | Trễ hạn"]},
    },
    ExportKind.LONG: {
        "unit": {"labels": ["Đơn vị", "Mã đơn vị", "unit", "unit_code"]},
        "period": {"labels": ["Kỳ", "Kỳ báo cáo", "period"]},
        "indicator": {"labels": ["Chỉ tiêu", "Mã chỉ tiêu", "indicator"]},
        "value": {"labels": ["Giá trị", "value"]},
        "numerator": {"labels": ["Tử số", "numerator"], "required": False},
        "denominator": {"labels": ["Mẫu số", "denominator"], "required": False},
    },
}
DEFAULT_VOCAB: dict[ExportKind, dict[str, dict[str, list[str]]]] = {
    ExportKind.DOSSIERS: {
        "channel": {
            "online": ["Trực tuyến", "Nộp trực tuyến", "Dịch vụ công trực tuyến"],
            "in_person": ["Trực tiếp", "Nộp trực tiếp"],
            "postal": ["Bưu chính công ích", "Bưu chính", "Qua bưu chính công ích"],
        },
        "e_result": {"yes": ["Có", "x", "Đã trả"], "no": ["Không", "Chưa"]},
        "digitised": {"yes": ["Có", "x", "Đã số hóa"], "no": ["Không", "Chưa", "Chưa số hóa"]},
        "paid_online": {"yes": ["Có", "x", "Đã thanh toán"], "no": ["Không", "Chưa"]},
    },
}
DEFAULT_TOTAL_LABELS = ("Tổng cộng", "Tổng số", "Cộng", "Toàn tỉnh", "Tổng")
DEFAULT_STOP_LABELS = (
    "Ghi chú",
    "Người lập",
    "Người lập biểu",
    "Nơi nhận",
    "Thủ trưởng",
    "Lãnh đạo",
    "Xác nhận",
    "KT.",
    "TM.",
    "Giám đốc",
    "Chủ tịch",
)
