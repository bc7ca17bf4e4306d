"""Where an indicator's values come from, said as a sentence in the UI language, and what its numbers count.

Pure (no Streamlit). Vietnamese sentences use the export's own column titles and vocabulary labels from
`targets.yaml`, as the people who read the report know them; English ones use the canonical field and value
names, falling back to the export's titles for fields and values the product does not know.
"""

from __future__ import annotations

import datetime as dt

from ioc.config import Config
from ioc.exports_config import Condition, ExportConfig, ExportKind, Quantity
from ioc.i18n import format_date, format_number
from ioc.labels import all_keys, t
from ioc.targets import ExportSource, Indicator, MeasureUnit

_SYMBOL = {"eq": "=", "ne": "≠", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}
_KNOWN = set(all_keys())
# the word a count of rows stands for, per export kind: a count of dossier rows is a number of dossiers
_COUNTS_DOSSIERS = (ExportKind.DOSSIERS, ExportKind.PROCEDURE_STATS)


def _label(key: str, lang: str) -> str | None:
    return t(key, lang) if key in _KNOWN else None


def _join(items: list[str], lang: str) -> str:
    """ "A", "A và B", "A, B và C" (vi) / "A and B", "A, B and C" (en)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('source.and', lang)} {items[-1]}"


def field_title(export: ExportConfig, field: str, lang: str) -> str:
    """A field as the reader knows it: the export's column title (vi) or the field's English name (en).

    A header path ("Nhận giải quyết | Trực tuyến") reads with › between its levels; a column found by its
    letter only is "cột D" / "column D".
    """
    spec = export.column_specs().get(field)
    title = spec.labels[0].replace(" | ", " › ") if spec is not None and spec.labels else None
    if title is None and spec is not None and spec.letter:
        title = t("source.column_letter", lang, letter=spec.letter)
    known = _label(f"field.{field}", lang)
    if lang == "vi":
        return title or known or field
    return known or title or field


def value_title(export: ExportConfig, field: str, value: object, lang: str) -> str:
    """An operand as the reader knows it: a vocabulary label, a date or a number in the UI language."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if export.field_type(field) == "vocab":
        labels = export.vocabularies().get(field, {}).get(str(value), [])
        own = labels[0] if labels else None
        known = _label(f"vocab.{value}", lang)
        return (own or known or str(value)) if lang == "vi" else (known or own or str(value))
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, str) and export.field_type(field) == "date":
        return format_date(value.strip(), lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    return str(value)


def condition_text(cond: Condition, export: ExportConfig, lang: str) -> str:
    """One condition: "Hình thức nộp = Trực tuyến", "Phí, lệ phí > 0", "Ngày có kết quả ≤ Ngày hẹn trả"."""
    field = field_title(export, cond.field, lang)
    op, operand = cond.operator, cond.operand
    if op == "is_null":
        return t("source.op.null" if operand else "source.op.not_null", lang, field=field)
    if op.endswith("_field"):
        other = field_title(export, str(operand), lang)
        return f"{field} {_SYMBOL[op.removesuffix('_field')]} {other}"
    if op in ("in", "not_in"):
        values = [value_title(export, cond.field, v, lang) for v in operand]  # type: ignore[union-attr]
        joiner = t("source.or", lang) if op == "in" else t("source.and", lang)
        shown = f" {joiner} ".join(values)
        return t(f"source.op.{op}", lang, field=field, values=shown)
    return f"{field} {_SYMBOL[op]} {value_title(export, cond.field, operand, lang)}"


def quantity_text(q: Quantity, export: ExportConfig, lang: str, *, count: bool = False) -> str:
    """One side of a ratio ("hồ sơ có …", "mọi hồ sơ", "tổng các cột …"); `count` says "the number of"."""
    rows = _label(f"source.rows.{export.kind.value}", lang) or t("source.rows.long", lang)
    if q.sum is not None:
        columns = _join([field_title(export, f, lang) for f in q.sum], lang)
        return t("source.sum_one" if len(q.sum) == 1 else "source.sum_many", lang, columns=columns)
    if q.all:
        return t("source.count_all" if count else "source.all", lang, rows=rows)
    conditions = f" {t('source.and', lang)} ".join(condition_text(c, export, lang) for c in q.conditions())
    return t("source.count_where" if count else "source.where", lang, rows=rows, conditions=conditions)


def report_title(export: ExportConfig, lang: str) -> str:
    """The report a value is computed from: its kind in words ("Danh sách hồ sơ" / "Dossier list"), then its
    configured name in brackets when that name says more than the kind."""
    key = f"source.report.{export.kind.value}"
    kind = _label(key, lang) or export.id
    name = (export.name or "").strip()
    if not name or t(key, "vi").casefold() in name.casefold():
        return kind
    return f"{kind} ({name})"


def _department_name(config: Config, department: str, lang: str) -> str:
    frame = config.registry.departments
    found = frame.filter(frame["id"] == department)
    if found.is_empty():
        return department
    return str(found["name_vi" if lang == "vi" else "name_en"][0] or department)


def source_sentence(indicator: Indicator, config: Config, lang: str) -> str:
    """Where the indicator's values come from, e.g. "Tử số: hồ sơ có Hình thức nộp = Trực tuyến; mẫu số:
    mọi hồ sơ — từ báo cáo Danh sách hồ sơ (…)" or "Typed in by Provincial Police in its monthly workbook"."""
    src = indicator.source
    if not isinstance(src, ExportSource):
        return t("source.workbook", lang, department=_department_name(config, indicator.owner, lang))
    export = next((e for e in config.targets.exports if e.id == src.export), None)
    if export is None:  # refused by the config rules; say what is known rather than fail
        export = ExportConfig(id=src.export, kind=ExportKind.LONG)
    report = report_title(export, lang)
    if src.numerator is not None and src.denominator is not None:
        return t(
            "source.ratio",
            lang,
            numerator=quantity_text(src.numerator, export, lang),
            denominator=quantity_text(src.denominator, export, lang),
            report=report,
        )
    value = src.value if src.value is not None else Quantity(all=True)  # ExportSource has one or the other
    return t("source.value", lang, value=quantity_text(value, export, lang, count=True), report=report)


def unit_title(indicator: Indicator, config: Config, lang: str) -> str:
    """What the indicator's numbers are in, for an axis title: "%", "đồng"/"VND", "hồ sơ"/"dossiers" …"""
    if indicator.unit != MeasureUnit.COUNT:
        return t(f"axis.{indicator.unit.value}", lang)
    src = indicator.source
    if isinstance(src, ExportSource):
        export = next((e for e in config.targets.exports if e.id == src.export), None)
        if export is not None and export.kind in _COUNTS_DOSSIERS:
            return t("source.rows.dossiers", lang)
    return t("axis.count", lang)
