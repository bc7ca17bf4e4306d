"""The department workbook's layout (sheets, rows, column labels, `_meta` keys), for writer and readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ioc.period_labels import format_period
from ioc.targets import MeasureUnit

TEMPLATE_VERSION = "ioc-workbook/1"
INPUT_SHEET = "Nhập liệu"
LISTS_SHEET = "_lists"
META_SHEET = "_meta"
HELP_SHEET = "Hướng dẫn"
Layout = Literal["long", "wide"]

# Rows of the input sheet: a title block, one blank row, then the single header row.
TITLE_ROWS = 3
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class Column:
    """One column of the long layout: canonical key, the Vietnamese header we write, and its width."""

    key: str
    label: str
    width: float


LONG_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "Mã chỉ tiêu", 26),
    Column("indicator_name", "Tên chỉ tiêu", 52),
    Column("unit_code", "Mã đơn vị", 13),
    Column("unit_name", "Tên đơn vị", 30),
    Column("measure", "Đơn vị tính", 12),
    Column("previous", "Kỳ trước", 12),
    Column("value", "Giá trị", 14),
    Column("numerator", "Tử số", 12),
    Column("denominator", "Mẫu số", 12),
    Column("note", "Ghi chú", 30),
)
WIDE_UNIT_COLUMNS: tuple[Column, ...] = (
    Column("unit_code", "Mã đơn vị", 13),
    Column("unit_name", "Tên đơn vị", 30),
)
WIDE_NOTE = Column("note", "Ghi chú", 30)

# Header labels the loader accepts for each column role (ours first, then what other sheets use).
# Matched on `ioc.textnorm.full_key` (NFC, case, spaces, tone placement), so spelling variants collapse.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "indicator": ("Mã chỉ tiêu", "Mã CT", "Mã số chỉ tiêu", "Indicator code", "Indicator id", "Indicator"),
    "indicator_name": ("Tên chỉ tiêu", "Chỉ tiêu", "Nội dung chỉ tiêu", "Indicator name"),
    "unit_code": (
        "Mã đơn vị",
        "Mã ĐV",
        "Mã xã",
        "Mã ĐVHC",
        "Mã đơn vị hành chính",
        "Mã xã, phường",
        "Unit code",
        "Commune code",
        "Code",
        "Mã",
    ),
    "unit_name": (
        "Tên đơn vị",
        "Đơn vị",
        "Tên xã",
        "Tên xã, phường",
        "Xã, phường",
        "Xã/phường",
        "Xã, phường, đặc khu",
        "Xã/phường/đặc khu",
        "Tên đơn vị hành chính",
        "Đơn vị hành chính",
        "Địa phương",
        "Unit",
        "Unit name",
        "Commune",
        "Commune name",
    ),
    "measure": ("Đơn vị tính", "ĐVT", "Unit of measure"),
    "previous": ("Kỳ trước", "Số liệu kỳ trước", "Previous", "Previous period"),
    "value": ("Giá trị", "Số liệu", "Kết quả", "Thực hiện", "Giá trị kỳ này", "Value"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "note": ("Ghi chú", "Note", "Notes"),
    "stt": ("STT", "TT", "Số TT", "Số thứ tự", "No", "No."),
    "period": ("Kỳ", "Kỳ báo cáo", "Kỳ số liệu", "Period"),
}

MEASURE_VI: dict[MeasureUnit, str] = {
    MeasureUnit.PERCENT: "%",
    MeasureUnit.COUNT: "Số lượng",
    MeasureUnit.RATIO: "Tỷ số",
    MeasureUnit.MONEY: "Đồng",
}


# Keys of the hidden `_meta` sheet (column A; the value in column B, all text), in the order written.
META_KEYS: tuple[str, ...] = (
    "template_version",
    "department",
    "period",
    "generated_at",
    "targets_sha256",
    "layout",
    "indicators",
    "province",
    "input_sheet",
    "header_row",
)


def period_label_vi(period: str) -> str:
    """Vietnamese display of a period: "08/2025", "Quý 3/2025", "2025"."""
    return format_period(period, "vi")
