"""Every problem message, in Vietnamese and English, in one catalog keyed by issue code.

A department head reads these sentences on the Upload page; an administrator reads the same ones in the
CLI and the inbox reports. Keeping them here (not at the call sites) means one wording per code, both
languages always present, and the department's hint ("fix cell C7") kept apart from the administrator's
("add an alias in communes.csv").

Build an issue with `issue(code, sheet=..., row=..., column=..., value=..., **fields)`. A template is a
`str.format` string with named fields; a field is filled per language:

* an `int` or `float` is written as the language writes numbers ("1.048.421" / "1,048,421", "95,2" / "95.2");
* `Words(vi, en)` is a value that differs by language (a reason, an indicator's name, a period label);
* anything else is shown with `str()`.

A key may carry a variant after a colon ("unreadable-file:encrypted") when one code covers situations
that need different sentences; the issue's code stays the part before the colon. A key starting with
"phrase." is a piece of a sentence (a reason, a word like "quý"), used as a field of another message.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ioc.issues import Issue, Severity

_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Words:
    """A field value that differs by language: `Words("Quý 3/2026", "Q3 2026")`."""

    vi: str
    en: str

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True)
class Num:
    """A number shown with a fixed count of decimals in each language's format (`Num(95.24, 1)`)."""

    value: float | int | None
    decimals: int | None = None


@dataclass(frozen=True)
class Msg:
    """One message: the sentence in both languages, the sender's hint and the administrator's hint."""

    vi: str
    en: str
    hint_vi: str | None = None
    hint_en: str | None = None
    admin_hint_vi: str | None = None
    admin_hint_en: str | None = None

    def templates(self) -> dict[str, str]:
        """Every non-empty template of this message, by its attribute name."""
        names = ("vi", "en", "hint_vi", "hint_en", "admin_hint_vi", "admin_hint_en")
        return {n: getattr(self, n) for n in names if getattr(self, n)}

    def fields(self) -> set[str]:
        """The named fields the templates use (what a call site must pass)."""
        out: set[str] = set()
        for text in self.templates().values():
            out |= {name for _, name, _, _ in _FORMATTER.parse(text) if name}
        return out


def field_text(value: object, lang: str) -> str:
    """A field's value as text in `lang` (numbers in the language's format)."""
    from ioc.i18n import format_number  # i18n imports the period and target modules; keep this module light

    if isinstance(value, Words):
        return value.text(lang)
    if isinstance(value, Num):
        return format_number(value.value, lang, value.decimals)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, lang)
    return "" if value is None else str(value)


def render(template: str | None, lang: str, fields: Mapping[str, object]) -> str | None:
    """`template` with its fields filled in `lang`; a field the call site did not pass raises KeyError."""
    if not template:
        return None
    return template.format_map({k: field_text(v, lang) for k, v in fields.items()})


def text(code: str, lang: str, /, **fields: object) -> str:
    """The message of `code` alone, in `lang` (for a sentence shown outside an issue)."""
    return render(CATALOG[code].vi if lang == "vi" else CATALOG[code].en, lang, fields) or ""


def issue(
    code: str,
    /,
    *,
    severity: Severity = Severity.ERROR,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    field: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    expected: str | None = None,
    extra: dict[str, Any] | None = None,
    **fields: object,
) -> Issue:
    """The issue `code` at a place, its texts taken from the catalog and filled with `fields`.

    The location arguments (`sheet`, `row`, `column`, `value`, `file`, `field`) can be used by the
    templates too, so "{value}" quotes the cell without passing it twice.
    """
    msg = CATALOG[code]
    # a row is a place, not a quantity: "dòng 1048576", never "dòng 1.048.576"
    where = {"file": file, "field": field, "sheet": sheet, "row": None if row is None else str(row)}
    where |= {"column": column, "value": value}
    values: dict[str, object] = {k: v for k, v in where.items() if v is not None} | fields
    return Issue(
        code=code.split(":", 1)[0],
        message=render(msg.en, "en", values) or "",
        message_vi=render(msg.vi, "vi", values),
        severity=severity,
        file=file,
        line=line,
        col=col,
        field=field,
        sheet=sheet,
        row=row,
        column=column,
        value=value,
        expected=expected,
        hint=render(msg.hint_en, "en", values),
        hint_vi=render(msg.hint_vi, "vi", values),
        admin_hint=render(msg.admin_hint_en, "en", values),
        admin_hint_vi=render(msg.admin_hint_vi, "vi", values),
        extra=dict(extra or {}),
    )


def warning(code: str, /, **kw: Any) -> Issue:
    """`issue(code, severity=WARNING, ...)`."""
    return issue(code, severity=Severity.WARNING, **kw)


def with_row_count(found: Issue, count: int) -> Issue:
    """`found` saying how many rows in all have the same problem (" (1.234 rows in all)")."""
    fields = {"count": count}
    frag = CATALOG["phrase.rows-in-all"]
    return dataclasses.replace(
        found,
        message=found.message + (render(frag.en, "en", fields) or ""),
        message_vi=(found.message_vi or "") + (render(frag.vi, "vi", fields) or ""),
        extra={**found.extra, "count": count},
    )


def period_words(period: str | None) -> Words | str:
    """A period as each language labels it ("Quý 3/2026" / "Q3 2026", "09/2026"); as given if not a period."""
    from ioc.i18n import format_period

    try:
        return Words(format_period(period, "vi"), format_period(period, "en"))
    except (ValueError, TypeError):
        return "" if period is None else str(period)


def indicator_words(config: Any, indicator_id: str | None) -> Words | str:
    """An indicator by its name in each language with its id in brackets: "Tỷ lệ hồ sơ đúng hạn (tthc_dung_han)".

    A department head knows the indicators by name; the id alone means nothing to them.
    """
    try:
        ind = config.targets.indicator(indicator_id)
    except Exception:  # not in targets.yaml (a typo in the file): the text as written is all there is
        return "" if indicator_id is None else str(indicator_id)
    return Words(f"{ind.name.get('vi')} ({ind.id})", f"{ind.name.get('en')} ({ind.id})")


def unit_words(config: Any, unit_code: str | None) -> Words | str:
    """A unit by its name in each language with its code in brackets: "Xã Tân Hòa (90012)"."""
    if unit_code is None:
        return ""
    reg = config.registry
    return Words(reg.label(unit_code, "vi"), reg.label(unit_code, "en"))


# ------------------------------------------------------------------------------------------- catalog
# Kept in code order within each group; the group says who usually reads it.

CATALOG: dict[str, Msg] = {}


def _add(group: dict[str, Msg]) -> None:
    for key in group:
        if key in CATALOG:  # a code worded twice is exactly what this module exists to prevent
            raise ValueError(f"message {key!r} is in the catalog twice")
    CATALOG.update(group)


_add(
    {
        # the line that stands for the issues of one code not listed one by one (see `issues.IssueCap`)
        "phrase.more-like-this": Msg(
            vi="… và {more} {noun} tương tự ({code}).",
            en="… and {more} more like this ({code}).",
        ),
    }
)

# Reports of the systems the IOC reads (long exports, procedure statistics, dossier lists): read by the
# administrator who loads them; the hints that point into targets.yaml are the administrator's.
_add(
    {
        "phrase.rows-in-all": Msg(vi=" (tổng cộng {count} dòng)", en=" ({count} row(s) in all)"),
        "missing-column": Msg(
            vi="Thiếu cột '{fld}': cần tiêu đề {wanted}; dòng tiêu đề hiện có {present}.",
            en="No column for '{fld}': expected a header {wanted}; the header row has {present}.",
            hint_vi="Hãy đổi tên cột trong tệp cho đúng tiêu đề cần có.",
            hint_en="Rename the column in the file to the expected header.",
            admin_hint_vi="Hoặc thêm tiêu đề này vào exports[{export}].columns.{fld}.labels trong targets.yaml.",
            admin_hint_en="Or add its header to exports[{export}].columns.{fld}.labels in targets.yaml.",
        ),
        "missing-column:layout": Msg(
            vi="Thiếu cột '{fld}': cần tiêu đề {wanted}.",
            en="No column for '{fld}': expected a header path {wanted}.",
            hint_vi="Hãy kiểm tra dòng tiêu đề của báo cáo.",
            hint_en="Check the report's header.",
            admin_hint_vi="Với bố cục khác hãy đặt exports[{export}].columns.{fld} trong targets.yaml (các tầng "
            "tiêu đề gộp cách nhau bởi ' | ', hoặc letter: …).",
            admin_hint_en="For another layout set exports[{export}].columns.{fld} in targets.yaml (levels of a "
            "merged header separated by ' | ', or letter: …).",
        ),
        "ambiguous-column": Msg(
            vi="Nhiều cột có thể là '{fld}': {columns}.",
            en="Several columns could be '{fld}': {columns}.",
            hint_vi="Hãy giữ một cột có tiêu đề này.",
            hint_en="Keep one column with this header.",
            admin_hint_vi="Hoặc ghi chữ cột (letter: …) hay tiêu đề cụ thể hơn trong targets.yaml.",
            admin_hint_en="Or give the column letter (letter: …) or a more specific label in targets.yaml.",
        ),
        "unknown-unit:export": Msg(
            vi="Đơn vị tiếp nhận '{label}' không có trong danh mục ({count} dòng, dòng {shown}): {reason}.",
            en="Receiving unit '{label}' is not a known unit ({count} row(s), rows {shown}): {reason}.",
            hint_vi="Hãy kiểm tra tên đơn vị trong tệp.",
            hint_en="Check the unit's name in the file.",
            admin_hint_vi="Hãy thêm '{label}' vào exports[{export}].unit_map trong targets.yaml (tên: mã đơn vị), "
            "hoặc thêm vào cột aliases của xã trong communes.csv (của sở, ngành trong departments.csv).",
            admin_hint_en="Add '{label}' to exports[{export}].unit_map in targets.yaml (label: unit code), or "
            "add it as an alias of the commune in communes.csv (of the department in departments.csv).",
        ),
        "outside-period": Msg(
            vi="Tệp còn có số liệu của {dropped}, ngoài kỳ đã khai {period}; chỉ lấy kỳ {period}.",
            en="The file also has data for {dropped}, outside the declared period {period}; only {period} is taken.",
        ),
        "export-config": Msg(
            vi="Chỉ tiêu '{indicator}' ({side}): {problem}",
            en="Indicator '{indicator}' {side}: {problem}",
            admin_hint_vi="Hãy sửa bộ lọc trong targets.yaml; các trường của '{export}' là {fields}.",
            admin_hint_en="Fix the filter in targets.yaml; the fields of export '{export}' are {fields}.",
        ),
        "export-config:undeclared-field": Msg(
            vi="Các chỉ tiêu dùng trường '{fld}' nhưng exports[{export}].columns không khai báo.",
            en="The indicators use field '{fld}', but exports[{export}].columns does not declare it.",
            admin_hint_vi="Hãy thêm '{fld}' cùng tiêu đề cột vào exports[{export}].columns.",
            admin_hint_en="Add '{fld}' with its header label under exports[{export}].columns.",
        ),
        "export-config:period-field": Msg(
            vi="period_field '{fld}' không phải trường ngày.",
            en="period_field '{fld}' is not a date field.",
        ),
        "header-not-found:long": Msg(
            vi="Không thấy dòng tiêu đề có các cột đơn vị, kỳ, chỉ tiêu, giá trị.",
            en="No header row with unit, period, indicator and value columns.",
            hint_vi="Hãy đặt tên cột: Đơn vị, Kỳ, Chỉ tiêu, Giá trị.",
            hint_en="Name the columns Đơn vị, Kỳ, Chỉ tiêu, Giá trị (unit, period, indicator, value).",
            admin_hint_vi="Tên cột được nhận theo exports[{export}].columns trong targets.yaml.",
            admin_hint_en="The headers accepted are those of exports[{export}].columns in targets.yaml.",
        ),
        "header-not-found:procedure-stats": Msg(
            vi="Không thấy dòng tiêu đề có cột đơn vị ('Đơn vị' / 'STT') ở các dòng đầu.",
            en="No header with a unit column ('Đơn vị' / 'STT') in the first rows.",
            hint_vi="Hãy kiểm tra đây có phải báo cáo tình hình giải quyết TTHC.",
            hint_en="Check that this is the procedure statistics report.",
            admin_hint_vi="Bố cục khác được mô tả ở exports[{export}].columns (labels, header_row, header_rows) "
            "trong targets.yaml.",
            admin_hint_en="A different layout is described in exports[{export}].columns (labels, header_row, "
            "header_rows) in targets.yaml.",
        ),
        "header-not-found:dossiers": Msg(
            vi="Không thấy dòng tiêu đề có các cột của '{export}' trong {rows} dòng đầu.",
            en="No header row with the columns of export '{export}' in the first {rows} rows.",
            hint_vi="Hãy kiểm tra đây có phải danh sách hồ sơ.",
            hint_en="Check that this is a dossier list.",
            admin_hint_vi="Nếu hệ thống đặt tên cột khác, thêm tiêu đề vào exports[{export}].columns trong "
            "targets.yaml (hoặc đặt header_row).",
            admin_hint_en="If the system names its columns differently, add the headers to "
            "exports[{export}].columns in targets.yaml (or set header_row).",
        ),
        "unreadable-file:table": Msg(
            vi="Không đọc được tệp thành bảng: các dòng không tách được thành cùng các cột (dấu nháy hoặc dấu "
            "phân cách bị lỗi).",
            en="Cannot read the file as a table: its lines do not split into the same columns (a broken quote "
            "or a stray separator).",
            hint_vi="Hãy mở tệp bằng Excel và lưu lại dạng CSV (UTF-8).",
            hint_en="Open the file in Excel and save it again as CSV (UTF-8).",
        ),
        "bad-period:long": Msg(
            vi="Kỳ không phải tháng, quý hoặc năm.",
            en="The period is not a month, quarter or year.",
            hint_vi="Hãy ghi kỳ dạng 2025-08 (tháng), 2025-Q3 (quý) hoặc 2025 (năm).",
            hint_en="Write the period as 2025-08 (month), 2025-Q3 (quarter) or 2025 (year).",
        ),
        "unknown-indicator:export": Msg(
            vi="'{text}' không phải chỉ tiêu trong targets.yaml{guess}.",
            en="'{text}' is not an indicator of targets.yaml{guess}.",
            hint_vi="Hãy dùng mã chỉ tiêu (hoặc tên chỉ tiêu) trong danh mục.",
            hint_en="Use the indicator's id (or its name) from the list of indicators.",
        ),
        "phrase.did-you-mean": Msg(vi="; có phải '{name}'?", en="; did you mean '{name}'?"),
        "bad-number:export": Msg(
            vi="{reason}",
            en="{reason}",
            hint_vi="Chỉ nhập số (84,63 hoặc 1.672).",
            hint_en="Type the number alone (84,63 or 1.672).",
        ),
        "count-not-whole:export": Msg(
            vi="Số đếm phải là số nguyên.",
            en="A count must be a whole number.",
            hint_vi="Hãy nhập số đếm không có phần thập phân.",
            hint_en="Type the count without decimals.",
        ),
        "missing-value:export": Msg(
            vi="Thiếu giá trị.",
            en="The value is empty.",
            hint_vi="Hãy điền giá trị hoặc xoá dòng.",
            hint_en="Fill the value or delete the row.",
        ),
        "missing-unit:export": Msg(
            vi="Thiếu đơn vị.",
            en="The unit is empty.",
            hint_vi="Hãy ghi mã hoặc tên đơn vị.",
            hint_en="Write the unit code or name.",
        ),
        "duplicate-row:export": Msg(
            vi="{indicator} của {unit} kỳ {period} bị lặp.",
            en="{indicator} for {unit} in {period} appears more than once.",
            hint_vi="Mỗi đơn vị, kỳ, chỉ tiêu chỉ giữ một dòng.",
            hint_en="Keep one row per unit, period and indicator.",
        ),
        "not-a-workbook": Msg(
            vi="Báo cáo thống kê TTHC phải là tệp Excel.",
            en="A procedure statistics report must be an Excel file.",
        ),
        "unreadable-file:workbook": Msg(
            vi="Không đọc được tệp Excel: {error}",
            en="Cannot read the workbook: {error}",
            hint_vi="Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.",
            hint_en="Open it in Excel and save it again as .xlsx.",
        ),
        "bad-period:declared": Msg(
            vi="'{period}' không phải kỳ báo cáo hợp lệ.",
            en="'{period}' is not a period.",
        ),
        "period-mismatch:title": Msg(
            vi="Báo cáo ghi kỳ {title_period} ('{title_text}') nhưng kỳ đã khai là {period}.",
            en="The report is for {title_period} ('{title_text}') but {period} was declared.",
            hint_vi="Hãy chọn đúng kỳ của báo cáo, hoặc tải lên báo cáo của kỳ đã khai.",
            hint_en="Choose the period the report covers, or upload the report of the declared period.",
        ),
        "missing-period": Msg(
            vi="Báo cáo không ghi rõ kỳ báo cáo{found}.",
            en="The report does not say which period it covers{found}.",
            hint_vi="Hãy khai kỳ báo cáo khi tải lên, hoặc giữ dòng tiêu đề 'Kỳ báo cáo: Tháng 8/2025' (hoặc "
            "'Từ ngày 01/08/2025 đến ngày 31/08/2025').",
            hint_en="Declare the period when uploading, or keep the title line 'Kỳ báo cáo: Tháng 8/2025' (or "
            "'Từ ngày 01/08/2025 đến ngày 31/08/2025').",
        ),
        "phrase.not-a-period": Msg(
            vi=" ('{title}' không phải tháng, quý hoặc năm)",
            en=" ('{title}' is not a month, quarter or year)",
        ),
        "missing-unit:procedure-stats": Msg(
            vi="Dòng có số liệu nhưng không có tên đơn vị.",
            en="A row has figures but no unit name.",
            hint_vi="Hãy ghi tên đơn vị, hoặc xoá dòng này.",
            hint_en="Write the unit's name, or delete the row.",
        ),
        "no-unit-rows": Msg(vi="Bảng không có dòng đơn vị nào.", en="The table has no unit rows."),
        "bad-number:count": Msg(
            vi="'{text}' ở cột {measure} không phải số hồ sơ ({reason}).",
            en="'{text}' in {measure} is not a count of dossiers ({reason}).",
            hint_vi="Hãy sửa ô này.",
            hint_en="Correct the cell.",
        ),
        "phrase.not-whole-count": Msg(vi="không phải số nguyên ≥ 0", en="not a whole number ≥ 0"),
        "duplicate-unit": Msg(
            vi="Đơn vị '{label}' xuất hiện ở nhiều dòng: {rows}.",
            en="Unit '{label}' appears on several rows: {rows}.",
            hint_vi="Mỗi đơn vị chỉ giữ một dòng.",
            hint_en="Keep one row per unit.",
        ),
        "units-combined": Msg(
            vi="Các dòng {rows} ({labels}) cùng thuộc {unit}; số liệu được cộng lại.",
            en="Rows {rows} ({labels}) all map to {unit}; their figures are added up.",
        ),
        "inconsistent-total": Msg(
            vi="{label}: {total} là {total_value} nhưng {parts} = {sum}.",
            en="{label}: {total} is {total_value} but {parts} = {sum}.",
            hint_vi="Hãy kiểm tra lại báo cáo trên hệ thống.",
            hint_en="Check the report in the source system.",
        ),
        "total-row-mismatch": Msg(
            vi="Dòng tổng cộng ghi {measure} = {total}, cộng các đơn vị được {sum}.",
            en="The total row gives {measure} = {total}, the unit rows add up to {sum}.",
        ),
    }
)

# The department's workbook (the template, or the department's own layout): read by a department head.
# Their hints say which cell to fix; what only the administrator can do goes in the admin hint.
_add(
    {
        "not-a-template": Msg(
            vi="Sheet '{sheet}' không thuộc biểu mẫu của ứng dụng (phiên bản '{version}').",
            en="The '{sheet}' sheet does not come from this app's template (version '{version}').",
            hint_vi="Hãy tải biểu mẫu mới từ ứng dụng.",
            hint_en="Download a new template from the app.",
        ),
        "not-a-template:no-meta": Msg(
            vi="Tệp không phải biểu mẫu của ứng dụng, nên phải khai báo {missing} khi nộp.",
            en="The file is not this app's template, so the {missing} must be declared when uploading.",
            hint_vi="Hãy chọn sở, ngành và kỳ báo cáo trên trang nộp, hoặc dùng biểu mẫu của ứng dụng.",
            hint_en="Choose the department and period in the upload form, or use the app's template.",
        ),
        "unknown-template-version": Msg(
            vi="Phiên bản biểu mẫu '{version}' không phải phiên bản ứng dụng đọc được ({current}).",
            en="The template version '{version}' is not one this app reads ({current}).",
            hint_vi="Hãy tải biểu mẫu mới từ ứng dụng.",
            hint_en="Download a new template from the app.",
        ),
        "department-mismatch": Msg(
            vi="Biểu mẫu dành cho {template} nhưng lần nộp khai báo cho {declared}.",
            en="The template is for {template} but the upload is declared for {declared}.",
            hint_vi="Hãy chọn đúng sở, ngành khi nộp, hoặc tải biểu mẫu của sở, ngành đó.",
            hint_en="Choose the right department when uploading, or download that department's template.",
        ),
        "period-mismatch:template": Msg(
            vi="Biểu mẫu dành cho kỳ {template} nhưng lần nộp khai báo kỳ {declared}.",
            en="The template is for period {template} but the upload is declared for {declared}.",
            hint_vi="Hãy chọn đúng kỳ khi nộp, hoặc tải biểu mẫu của kỳ đó.",
            hint_en="Choose the right period when uploading, or download the template for that period.",
        ),
        "period-in-future": Msg(
            vi="Kỳ {period} của biểu mẫu chưa bắt đầu.",
            en="The template's period {period} has not begun yet.",
            hint_vi="Hãy tải biểu mẫu của kỳ cần báo cáo.",
            hint_en="Download the template for the period you report on.",
        ),
        "targets-changed": Msg(
            vi="Biểu mẫu được tạo từ danh mục chỉ tiêu cũ; hệ thống đọc theo danh mục hiện tại.",
            en="The template was made from an earlier list of indicators; it is read with the current one.",
            hint_vi="Kỳ sau hãy tải biểu mẫu mới.",
            hint_en="Download a new template for the next period.",
        ),
        "unknown-department": Msg(
            vi="'{department}' không phải sở, ngành trong danh mục.",
            en="'{department}' is not a department of the registry.",
            hint_vi="Hãy chọn sở, ngành trong danh sách trên trang nộp.",
            hint_en="Choose the department from the list on the upload page.",
            admin_hint_vi="Dùng mã sở, ngành trong departments.csv (ví dụ so_y_te).",
            admin_hint_en="Use a department id from departments.csv (e.g. so_y_te).",
        ),
        "no-visible-sheet": Msg(
            vi="Tệp không có sheet nào đang hiển thị để đọc.",
            en="The workbook has no visible sheet to read.",
            hint_vi="Hãy bỏ ẩn sheet chứa số liệu (nhấp phải vào tên sheet → Unhide).",
            hint_en="Unhide the sheet with the figures (right-click a sheet tab → Unhide).",
        ),
        "unreadable-file": Msg(
            vi="Không đọc được tệp dạng Excel ({error}).",
            en="The file cannot be read as an Excel workbook ({error}).",
            hint_vi="Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.",
            hint_en="Open it in Excel and save it again as .xlsx.",
        ),
        "unreadable-sheet": Msg(
            vi="Không đọc được sheet '{sheet}' ({error}).",
            en="Sheet '{sheet}' cannot be read ({error}).",
            hint_vi="Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.",
            hint_en="Open it in Excel and save it again as .xlsx.",
        ),
        "missing-header": Msg(
            vi="Không tìm thấy dòng tiêu đề cột trong {rows} dòng đầu của sheet '{sheet}'.",
            en="No header row found in the first {rows} rows of sheet '{sheet}'.",
            hint_vi="Hãy dùng biểu mẫu tải từ ứng dụng, hoặc đặt lại tên cột như cột 'Cần có'.",
            hint_en="Use the template downloaded from the app, or rename the columns as listed under 'Expected'.",
        ),
        "unknown-column": Msg(
            vi="Tiêu đề cột '{value}' không phải chỉ tiêu nào; cột này bị bỏ qua.",
            en="Column header '{value}' is not an indicator; the column was ignored.",
            hint_vi="Nếu cột có số liệu cần nộp, hãy ghi đúng tên hoặc mã chỉ tiêu như trong biểu mẫu.",
            hint_en="If the column holds figures to submit, write the indicator's name or id as in the template.",
        ),
        "no-values": Msg(
            vi="Không có số liệu nào bên dưới dòng tiêu đề.",
            en="No values were found below the header.",
        ),
        "formula-no-value": Msg(
            vi="Ô có công thức nhưng chưa có giá trị được lưu.",
            en="The cell holds a formula without a saved value.",
            hint_vi="Hãy mở tệp bằng Excel rồi lưu lại (hoặc nhập trực tiếp số).",
            hint_en="Open and save the file in Excel (or type the number).",
        ),
        "count-not-whole": Msg(
            vi="Số đếm phải là số nguyên, không phải {shown}.",
            en="A count must be a whole number, not {shown}.",
            hint_vi="Hãy nhập số đếm không có phần thập phân.",
            hint_en="Type the count without decimals.",
        ),
        "bad-number": Msg(
            vi="Không phải số: {reason}",
            en="Not a number: {reason}",
            hint_vi="Chỉ nhập số (dấu phẩy thập phân, dấu chấm hàng nghìn), không kèm chữ hay ký hiệu.",
            hint_en="Type only the number (decimal comma, dot for thousands), no text or symbols.",
        ),
        "phrase.excel-error": Msg(
            vi="là giá trị lỗi của Excel, không phải số", en="is an Excel error value, not a number"
        ),
        "phrase.bool": Msg(vi="là TRUE/FALSE, không phải số", en="is TRUE/FALSE, not a number"),
        "phrase.date": Msg(vi="là ngày tháng, không phải số", en="is a date, not a number"),
        "phrase.not-a-number": Msg(vi="'{shown}' không phải là số", en="'{shown}' is not a number"),
        "empty-value": Msg(
            vi="{count} dòng của {indicator} chưa có số liệu nên được bỏ qua (dòng {rows}).",
            en="{count} row(s) of {indicator} have no value and were skipped (rows {rows}).",
        ),
        "missing-indicator": Msg(
            vi="Dòng có số liệu nhưng thiếu mã chỉ tiêu.",
            en="The row has a value but no indicator code.",
            hint_vi="Hãy chép mã chỉ tiêu từ biểu mẫu (cột Mã chỉ tiêu).",
            hint_en="Copy the indicator's id from the template (column Mã chỉ tiêu).",
        ),
        "unknown-indicator": Msg(
            vi="'{value}' không phải chỉ tiêu nào trong danh mục.",
            en="'{value}' is not an indicator in the list of indicators.",
            hint_vi="Hãy chép mã từ biểu mẫu (cột Mã chỉ tiêu).",
            hint_en="Copy the code from the template (column Mã chỉ tiêu).",
        ),
        "indicator-not-owned": Msg(
            vi="Chỉ tiêu {indicator} do {owner} báo cáo, không phải {department}.",
            en="Indicator {indicator} is reported by {owner}, not by {department}.",
            hint_vi="Hãy xoá dòng này, hoặc dùng biểu mẫu của đúng sở, ngành.",
            hint_en="Delete the row, or use the template of the right department.",
        ),
        "indicator-not-workbook": Msg(
            vi="Chỉ tiêu {indicator} được tính từ dữ liệu xuất '{export}', không nhập qua biểu mẫu.",
            en="Indicator {indicator} is computed from the '{export}' export; it is not typed in a workbook.",
            hint_vi="Hãy xoá dòng này.",
            hint_en="Delete the row.",
        ),
        "missing-unit": Msg(
            vi="Dòng có số liệu nhưng thiếu mã hoặc tên đơn vị.",
            en="The row has a value but no unit code or name.",
            hint_vi="Hãy ghi mã xã 5 chữ số hoặc tên xã như trong biểu mẫu.",
            hint_en="Write the 5-digit commune code or the commune's name as in the template.",
        ),
        "ambiguous-unit": Msg(
            vi="{reason}",
            en="{reason}",
            hint_vi="Hãy ghi rõ loại (Xã/Phường/Đặc khu) hoặc ghi mã xã 5 chữ số ở ô {cell}.",
            hint_en="Write the unit type (Xã/Phường/Đặc khu) or the 5-digit commune code in cell {cell}.",
            admin_hint_vi="Nếu sở, ngành quen dùng cách viết này cho một đơn vị, hãy thêm nó vào cột aliases "
            "của communes.csv (hoặc departments.csv nếu là sở, ngành).",
            admin_hint_en="If the department habitually writes the unit this way, add it as an alias in "
            "communes.csv (or departments.csv for a department).",
        ),
        "unknown-unit": Msg(
            vi="{reason}",
            en="{reason}",
            hint_vi="Hãy đối chiếu tên xã ở ô {cell} với danh sách xã trong biểu mẫu, hoặc ghi mã xã 5 chữ số.",
            hint_en="Check the commune name in cell {cell} against the template's list, or write the 5-digit "
            "commune code.",
            admin_hint_vi="Nếu là cách viết khác của một đơn vị, hãy thêm tên này vào cột aliases của communes.csv "
            "(hoặc departments.csv nếu là sở, ngành).",
            admin_hint_en="If it is another spelling of a unit, add it as an alias in communes.csv (or "
            "departments.csv for a department).",
        ),
        "phrase.unknown-unit": Msg(vi="Không tìm thấy đơn vị '{text}'", en="Unknown unit '{text}'"),
        "phrase.several-units": Msg(
            vi="'{text}' khớp với nhiều đơn vị: {listed}", en="'{text}' matches several units: {listed}"
        ),
        "unit-level-mismatch": Msg(
            vi="Đơn vị {unit} thuộc cấp {level}, nhưng chỉ tiêu {indicator} đo ở cấp: {levels}.",
            en="Unit {unit} is a {level}, but {indicator} is measured at: {levels}.",
            hint_vi="Hãy xoá dòng này, hoặc ghi đúng đơn vị.",
            hint_en="Delete the row, or write the right unit.",
        ),
        "unit-name-mismatch": Msg(
            vi="Mã {code} là {unit} nhưng tên ghi '{value}' ({named}); hệ thống dùng theo mã.",
            en="Code {code} is {unit} but the name says '{value}' ({named}); the code was used.",
            hint_vi="Hãy kiểm tra lại mã và tên đơn vị ở dòng này.",
            hint_en="Check the unit's code and name on this row.",
        ),
        "period-mismatch:frequency": Msg(
            vi="Chỉ tiêu {indicator} báo cáo theo {frequency}; không có số liệu trong báo cáo kỳ {period}.",
            en="{indicator} is reported {frequency}; it has no value in a report for {period}.",
            hint_vi="Hãy xoá số liệu này, hoặc nộp trong báo cáo của kỳ phù hợp.",
            hint_en="Remove this value, or send it in the report of a matching period.",
        ),
        "period-mismatch:row": Msg(
            vi="Dòng ghi kỳ '{value}' nhưng báo cáo là kỳ {period}.",
            en="The row says period '{value}' but the report is for {period}.",
            hint_vi="Hãy sửa kỳ ở dòng này cho đúng kỳ báo cáo.",
            hint_en="Correct the period on this row to the report's period.",
        ),
        "not-due": Msg(
            vi="Chỉ tiêu {indicator} báo cáo theo {frequency}; số liệu được ghi cho kỳ {period} (chưa kết thúc).",
            en="{indicator} is reported {frequency}; the value is recorded for {period}, which is not over yet.",
        ),
        "phrase.monthly": Msg(vi="tháng", en="monthly"),
        "phrase.quarterly": Msg(vi="quý", en="quarterly"),
        "phrase.yearly": Msg(vi="năm", en="yearly"),
        "phrase.province": Msg(vi="tỉnh", en="province"),
        "phrase.department": Msg(vi="sở, ngành", en="department"),
        "phrase.commune": Msg(vi="xã", en="commune"),
        "phrase.the-department": Msg(vi="sở, ngành", en="department"),
        "phrase.the-period": Msg(vi="kỳ báo cáo", en="period"),
        "phrase.and": Msg(vi=" và ", en=" and "),
    }
)


def words(key: str, /, **fields: object) -> Words:
    """The catalog text `key` in both languages, as a field value for another message."""
    return Words(text(key, "vi", **fields), text(key, "en", **fields))


def joined(keys: list[str]) -> Words:
    """Catalog words joined with "và" / "phrase.and" ("sở, ngành và kỳ báo cáo")."""
    return Words(*(text("phrase.and", lang).join(text(k, lang) for k in keys) for lang in ("vi", "en")))


_add(
    {
        "ignored-ratio-parts": Msg(
            vi="Chỉ tiêu {indicator} không tính theo tỷ lệ: tử số/mẫu số bị bỏ qua.",
            en="{indicator} is not a ratio indicator: numerator/denominator were ignored.",
        ),
        "zero-denominator": Msg(
            vi="Mẫu số bằng 0: không tính được tỷ lệ.",
            en="The denominator is 0: the ratio cannot be computed.",
            hint_vi="Hãy ghi mẫu số lớn hơn 0, hoặc để trống cả tử số và mẫu số.",
            hint_en="Type a denominator above 0, or leave numerator and denominator empty.",
        ),
        "incomplete-ratio": Msg(
            vi="Chỉ có một trong hai tử số, mẫu số; giá trị này bị bỏ qua.",
            en="Only one of numerator and denominator is given; it was ignored.",
            hint_vi="Hãy điền cả tử số và mẫu số, hoặc để trống cả hai.",
            hint_en="Fill both numerator and denominator, or neither.",
        ),
        "value-ratio-mismatch": Msg(
            vi="Giá trị {value_num} khác tử số/mẫu số = {computed}; hệ thống dùng giá trị tính từ tử số/mẫu số.",
            en="The value {value_num} differs from numerator/denominator = {computed}; the computed value was used.",
        ),
        "looks-like-fraction": Msg(
            vi="{value_num} có vẻ là phân số trong khi các giá trị khác của cột là phần trăm; có phải {percent}%? "
            "(vẫn ghi nhận {value_num})",
            en="{value_num} looks like a fraction while the other values of this column are percentages; did you "
            "mean {percent}%? (kept as {value_num})",
        ),
        "duplicate-row": Msg(
            vi="Chỉ tiêu {indicator} của {unit} (kỳ {period}) đã có ở dòng {first}.",
            en="{indicator} for {unit} ({period}) is already given on row {first}.",
            hint_vi="Mỗi chỉ tiêu, đơn vị chỉ giữ một dòng: hãy xoá dòng lặp.",
            hint_en="Keep one row per indicator and unit: delete the repeated row.",
        ),
    }
)

# Dossier lists (one row per dossier) exported from the one-stop-shop system.
_add(
    {
        "missing-code": Msg(
            vi="Thiếu mã hồ sơ; hồ sơ nào cũng phải có mã.",
            en="The dossier code is empty; every dossier needs its code.",
            hint_vi="Hãy điền mã hồ sơ, hoặc xoá dòng nếu không phải hồ sơ.",
            hint_en="Fill in the dossier code, or remove the row if it is not a dossier.",
        ),
        "duplicate-row:dossier": Msg(
            vi="Dòng {row} trùng hoàn toàn với dòng {first} (hồ sơ {value}): hồ sơ sẽ bị đếm hai lần.",
            en="Row {row} repeats row {first} exactly (dossier {value}): the dossier would be counted twice.",
            hint_vi="Hãy xoá dòng lặp lại (hoặc xuất lại danh sách nếu hệ thống xuất trùng).",
            hint_en="Remove the repeated row (export the list again if the system repeated it).",
        ),
        "duplicate-code": Msg(
            vi="Mã hồ sơ {value} xuất hiện ở {count} dòng khác nhau ({rows}); mỗi mã là một hồ sơ.",
            en="Dossier code {value} is on {count} different rows ({rows}); a code names one dossier.",
            hint_vi="Mỗi mã hồ sơ chỉ giữ một dòng (kiểm tra dòng nào đúng) rồi tải lên lại.",
            hint_en="Keep one row per dossier code (check which row is right), then upload again.",
        ),
        "missing-date": Msg(
            vi="Thiếu {field}; hồ sơ nào cũng phải có.",
            en="{field} is empty; every dossier needs it.",
            hint_vi="Hãy điền ô này, hoặc xoá dòng nếu không phải hồ sơ.",
            hint_en="Fill the cell, or remove the row if it is not a dossier.",
        ),
        "missing-unit:dossier": Msg(
            vi="Thiếu {field}; hồ sơ nào cũng phải có.",
            en="{field} is empty; every dossier needs it.",
            hint_vi="Hãy điền ô này, hoặc xoá dòng nếu không phải hồ sơ.",
            hint_en="Fill the cell, or remove the row if it is not a dossier.",
        ),
        "result-before-received": Msg(
            vi="Ngày có kết quả {result} trước ngày tiếp nhận {received}.",
            en="The result date {result} is before the received date {received}.",
            hint_vi="Hãy sửa ngày trên hệ thống một cửa rồi xuất lại danh sách.",
            hint_en="Correct the dates in the reporting system and export the list again.",
        ),
    }
)

_add(
    {
        "no-indicators": Msg(
            vi="Không có chỉ tiêu nào trong targets.yaml tính từ '{export}'.",
            en="No indicator in targets.yaml is computed from export '{export}'.",
        ),
        "unreadable-file:dossiers": Msg(
            vi="Không đọc được tệp: {error}",
            en="Cannot read the file: {error}",
            hint_vi="Hãy lưu lại từ Excel dạng 'CSV UTF-8' rồi tải lên lần nữa.",
            hint_en="Save it from Excel as 'CSV UTF-8' and upload again.",
        ),
        "bad-date": Msg(
            vi="'{value}' ở cột {field} không phải ngày.",
            en="'{value}' in {field} is not a date.",
            hint_vi="Hãy sửa ô này; ngày được đọc theo dạng {format}.",
            hint_en="Correct the cell; dates are read as {format}.",
            admin_hint_vi="Dạng ngày là date_format của exports[{export}] trong targets.yaml.",
            admin_hint_en="The date format is the date_format of exports[{export}] in targets.yaml.",
        ),
        "bad-number:amount": Msg(
            vi="'{value}' ở cột {field} không phải số.",
            en="'{value}' in {field} is not a number.",
            hint_vi="Hãy sửa ô này: nhập số tiền dạng số.",
            hint_en="Correct the cell: type the amount as a number.",
        ),
        "unknown-value": Msg(
            vi="'{value}' không phải giá trị hợp lệ của {field} ({count} dòng; cho phép: {allowed}).",
            en="'{value}' is not a known value of {field} ({count} row(s); allowed: {allowed}).",
            hint_vi="Hãy sửa tệp, dùng một trong các giá trị cho phép.",
            hint_en="Correct the file with one of the allowed values.",
            admin_hint_vi="Nếu '{value}' có nghĩa là một trong các giá trị trên, hãy thêm vào "
            "exports[{export}].vocab.{field} trong targets.yaml.",
            admin_hint_en="If '{value}' means one of these, add it to exports[{export}].vocab.{field} in targets.yaml.",
        ),
    }
)

# The checks every source's observations go through (ioc/validation.py). Indicators and units are named by
# their names with the code in brackets; periods as people write them; numbers in the language's format.
_add(
    {
        "unknown-indicator:missing": Msg(
            vi="Thiếu mã chỉ tiêu.",
            en="The indicator is missing.",
            hint_vi="Hãy chép mã chỉ tiêu từ biểu mẫu.",
            hint_en="Copy the indicator's id from the template.",
        ),
        "unknown-indicator:validation": Msg(
            vi="Chỉ tiêu '{value}' không có trong danh mục.{guess}",
            en="Unknown indicator '{value}'.{guess}",
            hint_vi="Hãy chép mã chỉ tiêu từ biểu mẫu.",
            hint_en="Copy the indicator's id from the template.",
        ),
        "phrase.did-you-mean-sentence": Msg(vi=" Có phải ý bạn là {name}?", en=" Did you mean {name}?"),
        "unknown-unit:missing": Msg(
            vi="Thiếu mã đơn vị.",
            en="The unit code is missing.",
            hint_vi="Hãy ghi mã xã 5 chữ số, mã sở, ngành hoặc mã tỉnh.",
            hint_en="Write the 5-digit commune code, the department id or the province code.",
        ),
        "unknown-unit:code": Msg(
            vi="Mã đơn vị '{value}' không có trong danh mục (không phải mã xã, phường, sở ngành hay mã tỉnh).",
            en="Unknown unit '{value}': not a commune code, department id or the province code.",
            hint_vi="Hãy ghi mã xã 5 chữ số, mã sở, ngành hoặc mã tỉnh.",
            hint_en="Write the 5-digit commune code, the department id or the province code.",
        ),
        "unit-level-not-allowed": Msg(
            vi="Chỉ tiêu {indicator} chỉ đo ở cấp {levels}; {unit} thuộc cấp {level}.",
            en="{indicator} is measured at the {levels} level; {unit} is a {level}.",
            hint_vi="Hãy xoá dòng này, hoặc ghi đúng đơn vị.",
            hint_en="Delete the row, or write the right unit.",
        ),
        "invalid-period": Msg(
            vi="'{value}' không phải kỳ báo cáo: hãy ghi 2025-08 (tháng), 2025-Q3 (quý) hoặc 2025 (năm).",
            en="'{value}' is not a period: write 2025-08 (a month), 2025-Q3 (a quarter) or 2025 (a year).",
        ),
        "period-frequency-mismatch": Msg(
            vi="Kỳ {period} là một {given}, nhưng chỉ tiêu {indicator} báo cáo theo {frequency} (kỳ dạng {example}).",
            en="Period {period} is {given}, but {indicator} is reported {frequency} (a period like {example}).",
        ),
        "phrase.a-monthly": Msg(vi="tháng", en="a month"),
        "phrase.a-quarterly": Msg(vi="quý", en="a quarter"),
        "phrase.a-yearly": Msg(vi="năm", en="a year"),
        "period-in-future:validation": Msg(
            vi="Kỳ {period} chưa bắt đầu (hôm nay là {today}).",
            en="Period {period} has not started yet (today is {today}).",
        ),
        "missing-value": Msg(vi="Thiếu giá trị.", en="The value is missing."),
        "invalid-value": Msg(
            vi="Giá trị {number} không phải là số hợp lệ.", en="The value {number} is not a usable number."
        ),
        "value-out-of-range": Msg(
            vi="Giá trị {number} nằm ngoài khoảng hợp lệ {range} của chỉ tiêu {indicator}.{note}",
            en="Value {number} is outside the plausible range {range} of {indicator}.{note}",
        ),
        "phrase.between": Msg(vi="{low}–{high}", en="{low}–{high}"),
        "phrase.at-least": Msg(vi="từ {low} trở lên", en="at least {low}"),
        "phrase.at-most": Msg(vi="không quá {high}", en="at most {high}"),
        "phrase.percent-0-100": Msg(
            vi=" Tỷ lệ phần trăm ghi từ 0 đến 100 (84,6 chứ không phải 0,846 hay 8460).",
            en=" Percentages are written 0–100 (84.6, not 0.846 or 8460).",
        ),
        "numerator-exceeds-denominator": Msg(
            vi="Tử số {numerator} lớn hơn mẫu số {denominator}: tỷ lệ không thể vượt 100%.",
            en="Numerator {numerator} is larger than denominator {denominator}: a percentage cannot exceed 100%.",
        ),
        "numerator-exceeds-denominator:negative": Msg(
            vi="Tử số {numerator} và mẫu số {denominator} không được âm.",
            en="Numerator {numerator} and denominator {denominator} must not be negative.",
        ),
        "duplicate-row:earlier": Msg(
            vi="Chỉ tiêu {indicator} của {unit} (kỳ {period}) đã có ở một dòng phía trên.",
            en="{indicator} for {unit} ({period}) is already given on an earlier row.",
            hint_vi="Hãy giữ một dòng và xoá dòng còn lại.",
            hint_en="Keep one of the two rows and delete the other.",
        ),
        "value-jump": Msg(
            vi="Chỉ tiêu {indicator} của {unit} thay đổi từ {previous} ({previous_period}) thành {number} "
            "({period}); thường {usual}. Hãy kiểm tra lại số liệu.",
            en="{indicator} for {unit} moved from {previous} ({previous_period}) to {number} ({period}); "
            "expected {usual}. Please check the figure.",
            hint_vi="Nếu số liệu đúng, không cần sửa gì.",
            hint_en="If the figure is right, nothing needs fixing.",
        ),
        "phrase.within-points": Msg(
            vi="trong khoảng ±{limit} điểm phần trăm so với {previous}",
            en="within ±{limit} percentage points of {previous}",
        ),
        "phrase.within-share": Msg(
            vi="trong khoảng ±{limit}% so với {previous}", en="within ±{limit}% of {previous}"
        ),
        "value-outlier": Msg(
            vi="Chỉ tiêu {indicator} của {unit} kỳ {period} là {number}, khác xa các xã khác: trung vị {median} "
            "trên {count} xã. Hãy kiểm tra lại số liệu.",
            en="{indicator} for {unit} is {number} in {period}, far from the other communes: median {median} "
            "over {count} communes. Please check the figure.",
            hint_vi="Nếu số liệu đúng, không cần sửa gì.",
            hint_en="If the figure is right, nothing needs fixing.",
        ),
    }
)

# Which reader takes a file (data_sources/registry.py).
_add(
    {
        "unknown-export": Msg(
            vi="Không có định dạng xuất '{value}' trong targets.yaml.",
            en="There is no export '{value}' in targets.yaml.",
        ),
        "source-export-mismatch": Msg(
            vi="Định dạng '{export}' thuộc loại {kind}, do bộ đọc '{reader}' xử lý, không phải '{value}'.",
            en="Export '{export}' is a {kind} export, read by source '{reader}', not '{value}'.",
        ),
        "unknown-source": Msg(
            vi="Không có bộ đọc dữ liệu '{value}'.", en="There is no data source '{value}'."
        ),
        "source-not-allowed:department": Msg(
            vi="Trang này chỉ nhận biểu số liệu hằng tháng của sở, ngành; tệp này là {found}. Tệp xuất từ hệ "
            "thống báo cáo do quản trị viên IOC nạp, không nộp ở trang của sở, ngành.",
            en="This page takes the department's monthly workbook; this file is {found}. Report-system exports "
            "are uploaded by the IOC administrator, not on the department page.",
            hint_vi="Hãy tải biểu mẫu ở trên, điền số liệu rồi nộp; gửi tệp xuất từ hệ thống cho quản trị viên IOC.",
            hint_en="Download the template above, fill it in and upload it; send the export to the IOC administrator.",
        ),
        "source-not-allowed": Msg(
            vi="Mục nộp này chỉ nhận {takes}; tệp này là {found}.",
            en="This upload takes {takes}; this file is {found}.",
        ),
        "unknown-format:department": Msg(
            vi="Không nhận ra loại tệp. Đã tìm: {looked}.",
            en="Could not tell what kind of file this is. Looked for: {looked}.",
            hint_vi="Hãy dùng biểu mẫu tải từ trang này, hoặc để bảng có một dòng tiêu đề ghi mã hoặc tên xã, "
            "phường và mã hoặc tên chỉ tiêu.",
            hint_en="Use the template downloaded from this page, or give the table one header row naming the "
            "communes (code or name) and the indicators (code or name).",
        ),
        "unknown-format": Msg(
            vi="Không nhận ra loại tệp. Đã tìm: {looked}.",
            en="Could not tell what kind of file this is. Looked for: {looked}.",
            admin_hint_vi="Hãy chọn loại tệp bằng --source ({sources}){exports}.",
            admin_hint_en="Choose the kind with --source ({sources}){exports}.",
        ),
        "phrase.or-export": Msg(
            vi=" hoặc định dạng bằng --export ({exports})", en=" or the export with --export ({exports})"
        ),
    }
)

# A file that cannot be read safely: too big once opened, or a parser that had to be stopped.
_add(
    {
        "too-many-rows": Msg(
            vi="Trang '{sheet}' có {rows} dòng; biểu số liệu của sở, ngành có tối đa {limit} dòng (mỗi dòng một "
            "chỉ tiêu của một đơn vị).",
            en="Sheet '{sheet}' has {rows} rows; a department workbook has at most {limit} (one row per indicator "
            "and commune).",
            hint_vi="Hãy xóa các dòng trống hoặc lặp lại bên dưới bảng; tệp xuất từ hệ thống báo cáo do quản trị "
            "viên nạp theo loại tệp xuất.",
            hint_en="Delete the empty or repeated rows below the table; a report-system export is uploaded by the "
            "administrator as an export.",
        ),
        "stray-cell": Msg(
            vi="Trang '{sheet}' có giá trị tại ô {cell} {shown}, nằm xa bảng số liệu: trang sẽ phải đọc thành {rows} dòng "
            "× {columns} cột.",
            en="Sheet '{sheet}' has a value at {cell} {shown}, far from the rest of the table: the sheet would be "
            "read as {rows} rows × {columns} columns.",
            hint_vi="Hãy xóa ô lạc đó (Ctrl+End cho thấy ô cuối Excel đang dùng), lưu lại rồi tải lên lại.",
            hint_en="Delete the stray cell (Ctrl+End shows the last cell Excel uses), save and upload again.",
        ),
        "phrase.a-formula": Msg(vi="(một công thức)", en="(a formula)"),
        "phrase.a-text": Msg(vi="(một đoạn chữ)", en="(a text)"),
        "unsafe-file": Msg(
            vi="Tệp không đọc được an toàn: {reason}.",
            en="The file cannot be read safely: {reason}.",
            hint_vi="Hãy mở tệp bằng Excel, chỉ giữ lại bảng số liệu (xóa các ô lạc ở xa), lưu dạng 'Excel "
            "Workbook (*.xlsx)' rồi tải lên lại; nếu vẫn lỗi, hãy gửi tệp cho quản trị viên.",
            hint_en="Open the file in Excel, keep only the table (delete stray cells far from it), save it as "
            "'Excel Workbook (*.xlsx)' and upload again; if it still fails, send it to the administrator.",
        ),
        "phrase.reader-aborted": Msg(
            vi="trình đọc bảng tính dừng đột ngột (yêu cầu bộ nhớ vượt mức cho phép {mb} MB)",
            en="the spreadsheet reader stopped abruptly (it asked for more memory than allowed, {mb} MB)",
        ),
        "phrase.cpu-limit": Msg(
            vi="việc đọc dùng quá {seconds} giây xử lý",
            en="reading used more than {seconds} s of processor time",
        ),
        "phrase.killed": Msg(
            vi="tiến trình đọc tệp bị hệ thống dừng (hết bộ nhớ hoặc bị buộc dừng)",
            en="the reading process was stopped by the system (out of memory, or killed)",
        ),
        "phrase.crashed": Msg(
            vi="tiến trình đọc tệp bị lỗi và dừng ({signal})", en="the reading process crashed ({signal})"
        ),
        "phrase.exited": Msg(
            vi="tiến trình đọc tệp kết thúc bất thường (mã {code})",
            en="the reading process ended unexpectedly (exit code {code})",
        ),
        "phrase.timeout": Msg(
            vi="việc đọc kéo dài quá {seconds} giây", en="reading took longer than {seconds} s"
        ),
        "phrase.memory": Msg(
            vi="việc đọc cần hơn {mb} MB bộ nhớ", en="reading needs more than {mb} MB of memory"
        ),
    }
)

# The upload gate (ioc/filegate.py): what the bytes are, before any parser sees them.
_add(
    {
        "phrase.windows-program": Msg(
            vi="một chương trình Windows (.exe/.dll)", en="a Windows program (.exe/.dll)"
        ),
        "phrase.linux-program": Msg(vi="một chương trình Linux", en="a Linux program"),
        "phrase.pdf": Msg(vi="một tài liệu PDF", en="a PDF document"),
        "phrase.zip": Msg(
            vi="một tệp nén zip (tệp .xlsx hoặc tệp zip khác)",
            en="a zip archive (an .xlsx workbook or another zip)",
        ),
        "phrase.ole": Msg(
            vi="một tệp Excel định dạng cũ (.xls) hoặc tệp có đặt mật khẩu",
            en="an old-format Excel file (.xls) or a password-protected workbook",
        ),
        "phrase.html": Msg(
            vi="một trang web (HTML) được lưu với tên bảng tính",
            en="a web page (HTML) saved with a spreadsheet name",
        ),
        "phrase.not-a-kind": Msg(vi="không phải tệp {ext}", en="not a {ext} file"),
        "phrase.no-extension": Msg(vi="(không có phần mở rộng)", en="(no extension)"),
        "empty-file": Msg(vi="Tệp rỗng, không có dữ liệu.", en="The file is empty."),
        "file-too-large": Msg(
            vi="Tệp có dung lượng {size} MB, vượt giới hạn {limit} MB.",
            en="The file is {size} MB; the limit is {limit} MB.",
            hint_vi="Hãy tách tệp theo tháng, hoặc nhờ quản trị viên nạp tệp qua thư mục inbox.",
            hint_en="Split the file by month, or ask the administrator to ingest it from the inbox folder.",
        ),
        "not-a-spreadsheet": Msg(
            vi="Tệp tên '{file}' nhưng thực chất là {what}, không phải bảng tính.",
            en="The file is named '{file}' but it is {what}, not a spreadsheet.",
            hint_vi="Hãy tải lên tệp mẫu (.xlsx), báo cáo .xls hoặc tệp .csv xuất từ hệ thống.",
            hint_en="Upload the template workbook (.xlsx), an .xls report, or a .csv export.",
        ),
        "macros-not-allowed": Msg(
            vi="Không nhận tệp {ext} (có thể chứa macro).",
            en="{ext} workbooks may carry macros and are not accepted.",
            hint_vi="Hãy lưu lại tệp dưới dạng 'Excel Workbook (*.xlsx)'.",
            hint_en="Save the workbook as 'Excel Workbook (*.xlsx)'.",
        ),
        "macros-not-allowed:content": Msg(
            vi="Tệp có chứa macro (VBA) hoặc ActiveX; không nhận tệp loại này.",
            en="The workbook contains macros (VBA) or ActiveX controls; they are not accepted.",
            hint_vi="Hãy lưu một bản dạng 'Excel Workbook (*.xlsx)' rồi tải lên bản đó.",
            hint_en="Save a copy as 'Excel Workbook (*.xlsx)' and upload that.",
        ),
        "unsupported-file-type": Msg(
            vi="Không nhận loại tệp {ext}.",
            en="Files of type {ext} are not accepted.",
            hint_vi="Hãy tải lên tệp mẫu (.xlsx), báo cáo .xls hoặc tệp .csv xuất từ hệ thống.",
            hint_en="Upload the template workbook (.xlsx), an .xls report, or a .csv export.",
        ),
        "extension-mismatch": Msg(
            vi="Tệp có đuôi {ext} nhưng nội dung là {what}.",
            en="The file is named {ext} but its content is {what}.",
            hint_vi="Hãy mở tệp bằng Excel và lưu lại dưới dạng 'Excel Workbook (*.xlsx)'.",
            hint_en="Open the file in Excel and save it as 'Excel Workbook (*.xlsx)'.",
        ),
        "extension-mismatch:password": Msg(
            vi="Tệp có đuôi {ext} nhưng nội dung là {what}.",
            en="The file is named {ext} but its content is {what}.",
            hint_vi="Tệp có thể đang đặt mật khẩu: hãy bỏ mật khẩu, hoặc mở tệp bằng Excel và lưu lại dưới dạng "
            "'Excel Workbook (*.xlsx)'.",
            hint_en="The workbook may be password-protected: remove the password, or open the file in Excel and "
            "save it as 'Excel Workbook (*.xlsx)'.",
        ),
        "corrupt-file": Msg(
            vi="Không mở được tệp: tệp bị hỏng hoặc chưa tải lên đầy đủ ({error}).",
            en="The workbook cannot be opened: it is damaged or incomplete ({error}).",
            hint_vi="Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.",
            hint_en="Open it in Excel, save it again and re-upload.",
        ),
        "corrupt-file:part": Msg(
            vi="Không đọc được thành phần '{value}' của tệp ({error}).",
            en="Part '{value}' of the workbook cannot be read ({error}).",
            hint_vi="Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.",
            hint_en="Open it in Excel, save it again and re-upload.",
        ),
        "zip-too-many-entries": Msg(
            vi="Tệp có {count} thành phần bên trong, vượt giới hạn {limit}.",
            en="The workbook has {count} internal parts; at most {limit} are accepted.",
        ),
        "zip-unsafe-path": Msg(
            vi="Tệp chứa thành phần có đường dẫn không an toàn: '{value}'.",
            en="The workbook contains a part with an unsafe path: '{value}'.",
        ),
        "encrypted-file": Msg(
            vi="Một phần của tệp bị mã hóa.",
            en="Part of the workbook is encrypted.",
            hint_vi="Hãy bỏ mật khẩu rồi tải lên lại.",
            hint_en="Remove the password and upload again.",
        ),
        "zip-bomb": Msg(
            vi="Tệp giải nén ra hơn {total} MB từ {size} MB: bị từ chối vì không an toàn.",
            en="The workbook expands to more than {total} MB from {size} MB: refused as unsafe.",
            hint_vi="Nếu đây là tệp thật, hãy xóa các dòng/cột trống đã định dạng rồi lưu lại.",
            hint_en="If this is a genuine workbook, remove empty formatted rows and columns and save again.",
        ),
        "xml-doctype": Msg(
            vi="Thành phần '{value}' khai báo DTD, điều tệp bảng tính không có.",
            en="Part '{value}' declares a DTD, which spreadsheets never do.",
        ),
        "xlsx-cell-out-of-range": Msg(
            vi="Trang '{sheet}' có ô tại {value}, vượt ô cuối cùng Excel cho phép ({limit}): tệp không do chương "
            "trình bảng tính tạo ra và bị từ chối vì không an toàn.",
            en="Sheet '{sheet}' has a cell at {value}, beyond the last cell Excel allows ({limit}): the file was "
            "not written by a spreadsheet program and is refused as unsafe.",
            hint_vi="Hãy mở dữ liệu bằng Excel, lưu thành tệp mới rồi tải lên tệp đó.",
            hint_en="Open the data in Excel, save it as a new workbook and upload that.",
        ),
        "xlsx-dimension-out-of-range": Msg(
            vi="Trang '{sheet}' khai báo vùng dữ liệu '{value}', không nằm trong A1:{limit}: bị từ chối vì không "
            "an toàn.",
            en="Sheet '{sheet}' declares its used range as '{value}', which is not a range within A1:{limit}: "
            "refused as unsafe.",
            hint_vi="Hãy mở dữ liệu bằng Excel, lưu thành tệp mới rồi tải lên tệp đó.",
            hint_en="Open the data in Excel, save it as a new workbook and upload that.",
        ),
        "xlsx-too-many-cells": Msg(
            vi="Trang '{sheet}' dùng vùng {value}, {rows} dòng × {columns} cột = {area} ô; chỉ đọc tối đa {limit} ô.",
            en="Sheet '{sheet}' uses {value}, {rows} rows × {columns} columns = {area} cells; at most {limit} are "
            "read.",
            hint_vi="Hãy tách dữ liệu thành nhiều tệp (ví dụ mỗi tháng một tệp). Hãy xóa ô lạc (Ctrl+End cho thấy "
            "ô cuối Excel đang dùng), lưu lại rồi tải lên lại.",
            hint_en="Split the data over several files (for example one per month). Delete any stray cell "
            "(Ctrl+End shows the last cell Excel uses), save the workbook and upload again.",
        ),
        "xlsx-shared-strings-count": Msg(
            vi="Bảng chuỗi dùng chung của tệp ({part}) khai báo {key}={declared} nhưng chỉ có {strings} chuỗi: "
            "trình đọc bảng tính sẽ cấp phát bộ nhớ theo số khai báo, nên tệp bị từ chối vì không an toàn.",
            en="The workbook's shared-strings table ({part}) declares {key}={declared} but holds {strings} "
            "text(s): a spreadsheet reader would reserve memory for the declared number, so the file is refused "
            "as unsafe.",
            hint_vi="Hãy mở dữ liệu bằng Excel, lưu thành tệp mới rồi tải lên tệp đó.",
            hint_en="Open the data in Excel, save it as a new workbook and upload that.",
        ),
        "not-text": Msg(
            vi="Tệp có đuôi .csv nhưng không phải văn bản đọc được.",
            en="The file is named .csv but is not readable text.",
            hint_vi="Hãy xuất lại bảng dưới dạng CSV (UTF-8).",
            hint_en="Export the table again as CSV (UTF-8).",
        ),
    }
)

# Text files (ioc/csvread.py).
_add(
    {
        "legacy-font-encoding": Msg(
            vi="Tệp dùng bảng mã {font} (chữ hiện ra như '{sample}'), không phải Unicode.",
            en="The file uses the legacy {font} font encoding (text such as '{sample}'), not Unicode.",
            hint_vi="Hãy chuyển sang Unicode bằng Unikey (Công cụ chuyển mã: nguồn {source}, đích Unicode), lưu "
            "lại rồi tải lên lần nữa.",
            hint_en="Convert it to Unicode (e.g. Unikey → Conversion tool, source {source}, destination Unicode), "
            "save and upload again.",
        ),
        "csv-encoding": Msg(
            vi="Tệp không đúng bảng mã {encoding} (byte lỗi ở vị trí {position}).",
            en="The file is not valid {encoding} (bad byte at position {position}).",
            hint_vi="Hãy lưu lại từ Excel dạng 'CSV UTF-8 (Comma delimited)' hoặc 'Unicode Text'.",
            hint_en="Save it from Excel as 'CSV UTF-8 (Comma delimited)' or 'Unicode Text'.",
        ),
        "csv-encoding:unknown": Msg(
            vi="Bảng mã '{encoding}' không hợp lệ.",
            en="Unknown encoding '{encoding}'.",
            admin_hint_vi="Hãy sửa encoding của định dạng xuất trong targets.yaml.",
            admin_hint_en="Correct the export's encoding in targets.yaml.",
        ),
        "csv-read-failed": Msg(vi="Không đọc được tệp: {error}", en="Cannot read the file: {error}"),
    }
)

# The intake itself (ioc/ingest.py): files that never reach a reader, and what a request may not do.
_add(
    {
        "internal-error": Msg(
            vi="Không đọc được tệp do lỗi nội bộ của hệ thống ({error}); hãy báo cho quản trị viên.",
            en="The file could not be read because of an internal error ({error}).",
            hint_vi="Hãy gửi tệp này cho quản trị viên; chưa có dữ liệu nào từ tệp được lưu.",
            hint_en="Report this to the administrator with the file; nothing was stored from it.",
        ),
        "not-a-regular-file": Msg(
            vi="'{file}' là {what}, không phải tệp thông thường; hệ thống không mở và không đi theo nó.",
            en="'{file}' is {what}, not a regular file; it was not opened nor followed.",
            hint_vi="Hãy chép chính tệp vào thư mục inbox, không đặt liên kết tới tệp.",
            hint_en="Copy the file itself into the inbox, not a link to it.",
        ),
        "phrase.symlink": Msg(vi="một liên kết (symlink)", en="a symlink"),
        "phrase.folder": Msg(vi="một thư mục", en="a folder"),
        "phrase.pipe": Msg(vi="một đường ống (pipe)", en="a pipe"),
        "phrase.socket": Msg(vi="một socket", en="a socket"),
        "phrase.device": Msg(vi="một thiết bị", en="a device"),
        "phrase.special-file": Msg(vi="một tệp đặc biệt", en="a special file"),
        "no-observations": Msg(
            vi="Tệp không có số liệu nào để lưu.",
            en="The file contains no values to store.",
            hint_vi="Hãy kiểm tra các ô số liệu đã được điền và đúng tệp cần nộp.",
            hint_en="Check that values are filled in and that you chose the right file.",
        ),
        "unreadable-file:os": Msg(vi="Không đọc được tệp: {error}.", en="The file cannot be read: {error}."),
        "duplicate-file": Msg(
            vi="Tệp này đã được chấp nhận ở lần nộp số {submission}; không có gì thay đổi.",
            en="This exact file was already accepted as submission #{submission}; nothing changed.",
        ),
        "period-not-ended": Msg(
            vi="Kỳ {period} chưa kết thúc; chỉ nộp báo cáo của kỳ này sau khi kỳ kết thúc.",
            en="The period {period} has not ended yet; a report for it can be sent once it has.",
            hint_vi="Hãy chọn một kỳ đã kết thúc.",
            hint_en="Choose a period that has ended.",
        ),
        "future-period": Msg(
            vi="Tệp có số liệu cho kỳ {periods} là kỳ chưa bắt đầu.",
            en="The file has values for {periods}, which has not begun yet.",
            hint_vi="Hãy kiểm tra kỳ báo cáo trong tệp (trang _meta hoặc cột kỳ).",
            hint_en="Check the period in the file (the _meta sheet, or the period column).",
        ),
        "inbox-hidden-file": Msg(
            vi="Tên tệp bắt đầu bằng dấu '.', nên tệp không được nhập.",
            en="The name starts with '.', so the file is not ingested.",
            hint_vi="Hãy đổi tên tệp, bỏ dấu '.' ở đầu.",
            hint_en="Rename the file without the leading dot.",
        ),
    }
)

# Accounts and sign-in (ioc/accounts.py).
_add(
    {
        "not-allowed": Msg(
            vi="Tài khoản '{username}' chỉ được xem; không được nộp, rút hay khôi phục số liệu.",
            en="The account '{username}' may only view; it cannot upload, withdraw or restore data.",
            hint_vi="Hãy đề nghị quản trị viên cấp tài khoản của sở, ngành.",
            hint_en="Ask the administrator for a department account.",
        ),
        "admin-only": Msg(
            vi="Chỉ quản trị viên mới được nạp tệp xuất từ hệ thống báo cáo.",
            en="Report-system exports are loaded by the administrator only.",
            hint_vi="Hãy gửi tệp cho quản trị viên.",
            hint_en="Send the file to the administrator.",
        ),
        "other-department": Msg(
            vi="Tài khoản '{username}' chỉ được nộp số liệu cho {own}, không được nộp cho {other}.",
            en="The account '{username}' writes for {own} only, not for {other}.",
            hint_vi="Hãy tải biểu mẫu của chính đơn vị mình, hoặc đề nghị đơn vị kia tự nộp.",
            hint_en="Download your own department's template, or ask that department to upload it.",
        ),
        "weak-password": Msg(
            vi="Mật khẩu phải có ít nhất {length} ký tự.",
            en="The password must have at least {length} characters.",
        ),
        "weak-password:username": Msg(
            vi="Mật khẩu không được chứa tên đăng nhập.", en="The password must not contain the user name."
        ),
        "unknown-role": Msg(
            vi="'{role}' không phải vai trò ({roles}).", en="'{role}' is not a role ({roles})."
        ),
        "department-required": Msg(
            vi="Tài khoản của sở, ngành cần chỉ rõ --department.",
            en="A department account needs --department.",
        ),
        "department-not-allowed": Msg(
            vi="Chỉ tài khoản sở, ngành mới gắn với một đơn vị (vai trò '{role}').",
            en="Only a department account is bound to a department (role '{role}').",
        ),
        "unknown-account": Msg(vi="Không có tài khoản '{username}'.", en="There is no account '{username}'."),
        "bad-username": Msg(
            vi="Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, chữ số, '.', '_' hoặc '-'.",
            en="A user name is 2–64 characters: lowercase letters, digits, '.', '_' or '-'.",
        ),
        "no-credentials": Msg(
            vi="Tài khoản không có mật khẩu cần địa chỉ e-mail (đăng nhập qua OpenID Connect).",
            en="An account without a password needs an e-mail address (OpenID Connect sign-in).",
        ),
        "account-exists": Msg(
            vi="Đã có tài khoản '{username}' (hoặc cùng e-mail).",
            en="An account '{username}' (or with that e-mail) already exists.",
        ),
        "bad-credentials": Msg(
            vi="Tên đăng nhập hoặc mật khẩu không đúng.", en="Wrong user name or password."
        ),
        "sign-in-throttled": Msg(
            vi="Đăng nhập sai quá nhiều lần: hãy thử lại sau {minutes} phút.",
            en="Too many failed attempts: try again in {minutes} minute(s).",
            hint_vi="Nếu quên mật khẩu, hãy đề nghị quản trị viên đặt lại.",
            hint_en="If you forgot the password, ask the administrator to reset it.",
        ),
    }
)

# The ledger, the store, the template writer, the roll-up of former communes, the command line.
_add(
    {
        "submission-not-found": Msg(
            vi="Không có lần nộp số {submission}.", en="There is no submission #{submission}."
        ),
        "cannot-withdraw": Msg(
            vi="Lần nộp số {submission} đang ở trạng thái {status}; chỉ rút được lần nộp đã được chấp nhận.",
            en="Submission #{submission} is {status}; only an accepted one can be withdrawn.",
        ),
        "cannot-restore": Msg(
            vi="Lần nộp số {submission} đang ở trạng thái {status}; chỉ khôi phục được lần nộp đã bị thay thế hoặc "
            "đã rút.",
            en="Submission #{submission} is {status}; only a superseded or withdrawn submission can be restored.",
        ),
        "phrase.status-accepted": Msg(vi="đã chấp nhận", en="accepted"),
        "phrase.status-rejected": Msg(vi="bị từ chối", en="rejected"),
        "phrase.status-superseded": Msg(vi="đã bị thay thế", en="superseded"),
        "phrase.status-withdrawn": Msg(vi="đã rút", en="withdrawn"),
        "ledger-busy": Msg(
            vi="Hệ thống đang lưu một tệp khác (đã chờ {waited} giây); chưa có gì được lưu. Hãy thử lại sau một phút.",
            en="The ledger is busy with another upload (waited {waited} s); nothing was stored. Try again in a "
            "minute.",
            hint_vi="Nếu lỗi này lặp lại, hãy báo cho quản trị viên.",
            hint_en="If this keeps happening, tell the administrator.",
        ),
        "crosswalk-split-percent": Msg(
            vi="Chỉ tiêu {indicator}: {count} giá trị tỷ lệ (%) của đơn vị cũ {former} không được chuyển sang "
            "{unit} — không có tử số và mẫu số thì không thể tách hoặc gộp một tỷ lệ.",
            en="{indicator}: {count} percentage value(s) of former unit(s) {former} were left out of {unit} — "
            "without numerator and denominator a percentage cannot be split or merged.",
            hint_vi="Hãy báo cáo tử số và mẫu số cho các kỳ này.",
            hint_en="Report the numerator and denominator for these periods.",
        ),
        "replacement-shrinks": Msg(
            vi="Tệp này có {new} {what}, trong khi lần nộp mà nó thay thế cho {months} có {old} ({share} %): {ids}.",
            en="This file has {new} {what} where the submission it replaces for {months} had {old} ({share} %): "
            "{ids}.",
            hint_vi="Hãy kiểm tra tệp xuất đã đủ các đơn vị và cả tháng trước khi xác nhận.",
            hint_en="Check that the export covers every unit and the whole month before confirming.",
        ),
        "phrase.rows": Msg(vi="dòng", en="rows"),
        "phrase.values": Msg(vi="giá trị", en="values"),
        "phrase.submission-number": Msg(vi="số {submission} ({file})", en="#{submission} ({file})"),
        "unknown-department:template": Msg(
            vi="'{value}' không phải mã sở, ngành trong danh mục.",
            en="'{value}' is not a department id of the registry.",
        ),
        "bad-period:template": Msg(
            vi="'{value}' không phải kỳ báo cáo hợp lệ.", en="'{value}' is not a period."
        ),
        "bad-layout": Msg(vi="Bố cục '{value}' không hợp lệ.", en="Unknown layout '{value}'."),
        "no-indicators-due": Msg(
            vi="{department} không có chỉ tiêu {what}nào phải báo cáo kỳ {period}.",
            en="{department} has no {what}workbook indicator due for {period}.",
        ),
        "phrase.commune-level": Msg(vi="cấp xã ", en="commune-level "),
        "account-disabled": Msg(
            vi="Tài khoản '{username}' đã bị khoá.", en="The account '{username}' is disabled."
        ),
        "no-terminal": Msg(
            vi="Không có màn hình để hỏi mật khẩu: hãy dùng --password-stdin.",
            en="No terminal to ask for the password: pipe it in with --password-stdin.",
        ),
        "password-mismatch": Msg(
            vi="Hai lần nhập mật khẩu khác nhau; chưa có gì thay đổi.",
            en="The two passwords differ; nothing was changed.",
        ),
        "registry-file-missing": Msg(vi="Không tìm thấy tệp: {path}", en="File not found: {path}"),
        "boundary-bad-json": Msg(vi="Không phải GeoJSON hợp lệ: {error}", en="Not valid GeoJSON: {error}"),
    }
)

# The unit registry files (departments.csv, communes.csv, the crosswalk, the boundaries): the administrator's.
_add(
    {
        "registry-missing-column": Msg(
            vi="Thiếu cột '{name}' (các cột hiện có: {columns}).",
            en="Column '{name}' is missing (columns: {columns}).",
        ),
        "registry-bad-department-id": Msg(
            vi="Mã sở '{id}' chỉ gồm chữ thường, số và '_' và phải bắt đầu bằng chữ.",
            en="Department id '{id}' must be lower-case letters, digits and '_', starting with a letter.",
        ),
        "registry-duplicate-department": Msg(
            vi="Mã sở '{id}' bị lặp (lần đầu ở dòng {first}).",
            en="Department id '{id}' appears twice (first on row {first}).",
        ),
        "registry-missing-name": Msg(vi="Sở '{id}' chưa có {name}.", en="Department '{id}' has no {name}."),
        "registry-missing-name:commune": Msg(vi="Đơn vị chưa có tên.", en="The commune has no name."),
        "registry-bad-code": Msg(
            vi="Mã xã '{code}' không phải mã 5 chữ số.",
            en="Commune code '{code}' is not a 5-digit code.",
            hint_vi="Định dạng cột mã là Text để Excel giữ số 0 ở đầu.",
            hint_en="Format the code column as Text so Excel keeps the leading zeros.",
        ),
        "registry-duplicate-code": Msg(
            vi="Mã xã {code} bị lặp (lần đầu ở dòng {first}).",
            en="Commune code {code} appears twice (first on row {first}).",
        ),
        "registry-bad-type": Msg(
            vi="Loại đơn vị '{type}' không thuộc xã, phường, đặc khu.",
            en="Unit type '{type}' is not one of xã, phường, đặc khu.",
        ),
        "registry-bad-coordinates": Msg(
            vi="Tọa độ ({lat}, {lon}) không nằm trong lãnh thổ Việt Nam.",
            en="lat/lon ({lat}, {lon}) is not a point in Vietnam.",
        ),
        "registry-duplicate-name": Msg(
            vi="{name} là tên của nhiều đơn vị ({codes}); tệp dữ liệu phải dùng mã.",
            en="{name} is the name of several units ({codes}); files must use their codes.",
        ),
        "registry-encoding": Msg(
            vi="Tệp không ở bảng mã UTF-8 (byte lỗi đầu tiên ở dòng {bad_line}).",
            en="The file is not UTF-8 (first bad byte on line {bad_line}).",
            hint_vi="Hãy lưu lại dạng 'CSV UTF-8 (Comma delimited)'.",
            hint_en="Save it as 'CSV UTF-8 (Comma delimited)'.",
        ),
        "registry-bad-row": Msg(
            vi="Dòng có {fields} ô, dòng tiêu đề có {header}.",
            en="The row has {fields} fields, the header has {header}.",
        ),
        "registry-empty-file": Msg(vi="Tệp rỗng.", en="The file is empty."),
        "crosswalk-bad-code": Msg(
            vi="former_code '{code}' không phải mã 5 chữ số.",
            en="former_code '{code}' is not a 5-digit code.",
        ),
        "crosswalk-unknown-commune": Msg(
            vi="Mã đích '{code}' không có trong danh mục xã.",
            en="Target code '{code}' is not a commune in the registry.",
            hint_vi="Bảng chuyển đổi phải trỏ tới các xã hiện hành trong communes.csv.",
            hint_en="The crosswalk must point at current communes listed in communes.csv.",
        ),
        "crosswalk-bad-weight": Msg(
            vi="Trọng số '{weight}' phải là số trong khoảng (0, 1].",
            en="Weight '{weight}' must be a number in (0, 1].",
        ),
        "crosswalk-bad-type": Msg(
            vi="former_type '{type}' không phải xã, phường hoặc thị trấn.",
            en="former_type '{type}' is not xã, phường or thị trấn.",
        ),
        "crosswalk-bad-date": Msg(
            vi="valid_until '{date}' không phải ngày dạng YYYY-MM-DD.",
            en="valid_until '{date}' is not a date YYYY-MM-DD.",
        ),
        "crosswalk-duplicate-row": Msg(
            vi="Dòng {former} → {code} bị lặp.", en="Former unit {former} → {code} appears more than once."
        ),
        "crosswalk-weights-sum": Msg(
            vi="Tổng trọng số của đơn vị cũ {former} là {total}, không bằng 1.",
            en="Weights of former unit {former} sum to {total}, not 1.",
            hint_vi="Đơn vị bị chia có một dòng cho mỗi xã mới; tổng trọng số phải bằng 1.",
            hint_en="A split unit has one row per current commune; its weights must add up to 1.",
        ),
        "boundary-not-feature-collection": Msg(
            vi="Tệp ranh giới không phải GeoJSON FeatureCollection.",
            en="The boundaries file is not a GeoJSON FeatureCollection.",
        ),
        "boundary-missing-code": Msg(
            vi="Đối tượng thứ {number} thiếu properties.code.", en="Feature #{number} has no properties.code."
        ),
        "boundary-unknown-code": Msg(
            vi="Đối tượng thứ {number} có mã '{code}' không có trong danh mục xã.",
            en="Feature #{number} has code '{code}', not a commune in the registry.",
        ),
        "boundary-duplicate-code": Msg(
            vi="Xã {code} có nhiều hơn một ranh giới.",
            en="Commune {code} has more than one boundary feature.",
        ),
        "boundary-missing": Msg(
            vi="{count} xã chưa có ranh giới: {shown}.", en="{count} commune(s) have no boundary: {shown}."
        ),
    }
)

# Meeting locks and decisions (ioc/meeting_locks.py, ioc/decisions.py). Worded here for when those modules
# build their issues from the catalog; until then they carry their own texts (they are being reworked).
_add(
    {
        "period-locked": Msg(
            vi="Kỳ {period} đã khoá lúc {at} bởi {who}; liên hệ quản trị để mở khoá.",
            en="Period {period} was locked at {at} by {who}; {what}. Ask an administrator to unlock it.",
            hint_vi="Kỳ số liệu đang được khoá cho cuộc họp giao ban; khi quản trị mở khoá, hãy gửi lại tệp.",
            hint_en="The period is locked for the monthly meeting; once an administrator unlocks it, send the file "
            "again.",
        ),
        "bad-period:meeting": Msg(
            vi="'{value}' không phải là kỳ số liệu (2026-10, 2026-Q4, 2026).",
            en="'{value}' is not a period (2026-10, 2026-Q4, 2026).",
        ),
        "admin-required:meeting": Msg(
            vi="Khoá kỳ số liệu và ghi nhận quyết định cuộc họp cần tài khoản quản trị viên.",
            en="Locking a period and recording meeting decisions need an administrator account.",
            hint_vi="Hãy đăng nhập bằng tài khoản quản trị viên (dòng lệnh: --user TÊN).",
            hint_en="Sign in as an administrator (on the command line: --user NAME).",
        ),
        "admin-only:meeting": Msg(
            vi="Tài khoản '{value}' không phải quản trị viên; chỉ quản trị viên mới được khoá, mở khoá kỳ số liệu "
            "và ghi nhận quyết định cuộc họp.",
            en="The account '{value}' is not an administrator; only an administrator locks or unlocks a period "
            "and records meeting decisions.",
            hint_vi="Hãy đề nghị quản trị viên thực hiện.",
            hint_en="Ask the administrator.",
        ),
        "no-change": Msg(
            vi="Mục số {decision} không có gì thay đổi; không cần lưu.",
            en="#{decision} already says this; nothing to save.",
        ),
        "period-already-locked": Msg(
            vi="Kỳ {period} đã được khoá từ trước.", en="Period {period} is already locked."
        ),
        "period-not-locked": Msg(vi="Kỳ {period} đang không bị khoá.", en="Period {period} is not locked."),
        "text-required": Msg(vi="Nội dung đang để trống.", en="The text is empty."),
        "text-too-long": Msg(
            vi="Nội dung dài {length} ký tự; tối đa {limit}.",
            en="The text has {length} characters; at most {limit}.",
        ),
        "owner-required": Msg(vi="Cần chọn đơn vị thực hiện.", en="Name the department that carries it out."),
        "due-required": Msg(vi="Cần có hạn hoàn thành.", en="Give a due date."),
        "indicator-required": Msg(vi="Cần chọn chỉ tiêu.", en="Choose an indicator."),
        "decision-not-found": Msg(
            vi="Không có ghi chú hay việc cần làm số {decision}.",
            en="There is no note or action item #{decision}.",
        ),
        "decision-closed": Msg(
            vi="Việc số {decision} đã đóng; hãy ghi một việc mới.",
            en="Action item #{decision} is closed; record a new one instead.",
        ),
        "not-an-open-action": Msg(
            vi="Mục số {decision} không phải là việc đang mở.", en="#{decision} is not an open action item."
        ),
    }
)

# targets.yaml (ioc/config_*.py): read by the administrator who edits it, in the CLI and on the error page,
# after "file:line: error[code] field: " — so in the compiler's style: lower case, no final full stop.
_add(
    {
        "stale-default": Msg(
            vi="chưa đặt stale_after_periods: mặc định {default} coi số liệu là cũ ngay khi thiếu một báo cáo đã "
            "đến hạn (chậm một tháng, quý hoặc năm)",
            en="stale_after_periods is not set: the default {default} makes a value stale as soon as one report "
            "that is due is missing (one missed month, quarter or year)",
            hint_vi="hãy khai báo trong status: (1 cho phép chậm một kỳ báo cáo)",
            hint_en="write it under status: (1 tolerates one missed reporting period)",
        ),
        "target-behind-baseline": Msg(
            vi="chỉ tiêu {target} {side} giá trị gốc {baseline} trong khi càng {better} càng tốt: kế hoạch sẽ đi lùi",
            en="the target {target} is {side} the baseline {baseline} although {better} is better: the plan would "
            "go backwards",
            hint_vi="kiểm tra 'direction' (higher / lower), giá trị chỉ tiêu và giá trị gốc",
            hint_en="check 'direction' (higher / lower), the target value and the baseline value",
        ),
        "phrase.below": Msg(vi="thấp hơn", en="below"),
        "phrase.above": Msg(vi="cao hơn", en="above"),
        "phrase.higher": Msg(vi="cao", en="higher"),
        "phrase.lower": Msg(vi="thấp", en="lower"),
        "percent-as-fraction": Msg(
            vi="{value} trông như một phân số, nhưng tỷ lệ viết theo thang 0–100 ({value} nghĩa là {value}%, không "
            "phải {percent}%)",
            en="{value} looks like a fraction, but percent values are written 0–100 ({value} means {value}%, not "
            "{percent}%)",
            hint_vi="hãy viết {percent} nếu ý là {percent}%",
            hint_en="write {percent} if {percent}% is meant",
        ),
        "bad-share-basis": Msg(
            vi="share_basis '{value}' không phải một kỳ (2025-01, 2025-Q1, 2025) hay một cột số của {communes}.{guess}",
            en="share_basis '{value}' is neither a period (2025-01, 2025-Q1, 2025) nor a numeric column of "
            "{communes}.{guess}",
            hint_vi="ghi một kỳ tham chiếu, hoặc thêm cột (ví dụ population) vào tệp xã, phường",
            hint_en="name a reference period, or add the column (e.g. population) to the communes file",
        ),
        "unused-share-basis": Msg(
            vi="có share_basis nhưng unit_target là {unit_target}: không được dùng",
            en="share_basis is set but unit_target is {unit_target}: it is not used",
            hint_vi="ghi unit_target: share, hoặc bỏ share_basis",
            hint_en="write unit_target: share, or remove share_basis",
        ),
        "share-of-percent": Msg(
            vi="chia tỷ lệ phần trăm theo tỷ trọng ít ý nghĩa: mỗi đơn vị chỉ phải đạt một phần của tỷ lệ",
            en="a share of a percentage means little: each unit would be held to a fraction of the rate",
            hint_vi="dùng unit_target: same cho các tỷ lệ",
            hint_en="use unit_target: same for rates",
        ),
        "unit-target-unused": Msg(
            vi="có unit_target nhưng chỉ tiêu chỉ đo ở cấp tỉnh",
            en="unit_target is set but the indicator is measured at the province only",
            hint_vi="bỏ dòng này, hoặc thêm cấp áp dụng vào levels",
            hint_en="remove it, or add the levels it applies to",
        ),
        "phrase.owner-indicators": Msg(vi="chỉ tiêu '{id}': ", en="indicator '{id}': "),
        "phrase.owner-pillars": Msg(vi="trụ cột '{id}': ", en="pillar '{id}': "),
        "phrase.owner-exports": Msg(vi="nguồn xuất '{id}': ", en="export '{id}': "),
    }
)

_add(
    {
        "missing-file": Msg(
            vi="registry.{name}: không tìm thấy tệp '{value}' (đã tìm ở {path})",
            en="registry.{name}: file '{value}' not found (looked in {path})",
            hint_vi="đường dẫn tính từ thư mục chứa targets.yaml",
            hint_en="paths are relative to the folder of targets.yaml",
        ),
        "missing-file:targets": Msg(
            vi="không đọc được tệp chỉ tiêu: {error}",
            en="cannot read the targets file: {error}",
            hint_vi="đặt IOC_TARGETS là đường dẫn tới targets.yaml",
            hint_en="set IOC_TARGETS to the path of targets.yaml",
        ),
        "encoding": Msg(
            vi="tệp không phải văn bản UTF-8",
            en="the file is not UTF-8 text",
            hint_vi="lưu targets.yaml với bảng mã UTF-8",
            hint_en="save targets.yaml as UTF-8",
        ),
        "yaml-recursion": Msg(
            vi="bí danh (alias) trỏ tới chính khối chứa nó",
            en="an alias refers to the block that contains it",
        ),
        "yaml-merge": Msg(
            vi="không hỗ trợ khóa gộp ('<<'); hãy viết đầy đủ các trường",
            en="merge keys ('<<') are not supported; write the fields out",
        ),
        "yaml-bad-key": Msg(
            vi="khóa phải là văn bản, không phải danh sách hay nhóm",
            en="a key must be plain text, not a list or mapping",
        ),
        "duplicate-key": Msg(
            vi="khóa '{value}' xuất hiện hai lần trong cùng một khối (lần đầu ở dòng {first}); chỉ khóa sau được tính",
            en="key '{value}' appears twice in the same block (first at line {first}); only the last one would count",
            hint_vi="xóa hoặc đổi tên một trong hai",
            hint_en="delete or rename one of them",
        ),
        "yaml-tag": Msg(
            vi="không được dùng thẻ '{value}': targets.yaml chỉ chứa giá trị, danh sách và nhóm khóa",
            en="the tag '{value}' is not allowed: targets.yaml holds plain values, lists and mappings only",
        ),
        "yaml-syntax": Msg(vi="lỗi cú pháp YAML: {problem}", en="YAML syntax error: {problem}"),
        "yaml-syntax:tabs": Msg(
            vi="lỗi cú pháp YAML: {problem}",
            en="YAML syntax error: {problem}",
            hint_vi="thụt lề bằng dấu cách, không dùng tab; đặt giá trị bắt đầu bằng @ hoặc ` trong dấu nháy",
            hint_en="use spaces for indentation, never tabs; quote values that start with @ or `",
        ),
        "yaml-syntax:colon-in-value": Msg(
            vi="lỗi cú pháp YAML: {problem}",
            en="YAML syntax error: {problem}",
            hint_vi="giá trị có chứa ': ' phải đặt trong dấu nháy",
            hint_en="a value containing ': ' must be put in quotes",
        ),
        "yaml-syntax:missing-colon": Msg(
            vi="lỗi cú pháp YAML: {problem}",
            en="YAML syntax error: {problem}",
            hint_vi="mỗi dòng trong khối cần dạng 'khóa: giá trị'; kiểm tra thụt lề",
            hint_en="each line of a block needs 'key: value'; check the indentation",
        ),
        "yaml-syntax:indent": Msg(
            vi="lỗi cú pháp YAML: {problem}",
            en="YAML syntax error: {problem}",
            hint_vi="kiểm tra thụt lề: các mục cùng khối phải thẳng hàng",
            hint_en="check the indentation: items of one block must line up",
        ),
        "yaml-syntax:unclosed": Msg(
            vi="lỗi cú pháp YAML: {problem}",
            en="YAML syntax error: {problem}",
            hint_vi="thiếu dấu nháy hoặc dấu ngoặc đóng",
            hint_en="a quote or bracket is not closed",
        ),
        "yaml-syntax:documents": Msg(
            vi="lỗi cú pháp YAML: {problem}",
            en="YAML syntax error: {problem}",
            hint_vi="tệp chỉ được có một tài liệu: xóa dòng '---' thừa",
            hint_en="the file must hold one document: remove the extra '---'",
        ),
        "empty-file:targets": Msg(
            vi="tệp rỗng",
            en="the file is empty",
            hint_vi="hãy bắt đầu từ tệp targets.yaml của tỉnh mẫu",
            hint_en="start from the demo province's targets.yaml",
        ),
        "yaml-too-large": Msg(
            vi="tài liệu mở rộng thành hơn {limit} giá trị (bí danh lặp lại?)",
            en="the document expands to more than {limit} values (aliases repeated?)",
        ),
    }
)

# targets.yaml: the exports' columns and the filters computed from them (ioc/config_exports.py).
_add(
    {
        "unknown-column:export": Msg(
            vi="columns: '{value}' không phải trường của nguồn xuất loại {kind}.{guess}",
            en="columns: '{value}' is not a field of a {kind} export.{guess}",
            hint_vi="các trường của nguồn xuất loại {kind}: {fields}{own}",
            hint_en="the fields of a {kind} export: {fields}{own}",
        ),
        "phrase.own-field-note": Msg(
            vi="; trường riêng chỉ khai báo ở đây khi có bộ lọc dùng đến",
            en="; a field of your own belongs here only when a filter reads it",
        ),
        "unknown-export-field:period": Msg(
            vi="period_field: '{value}' không phải cột của nguồn xuất này.{guess}",
            en="period_field: '{value}' is not a column of this export.{guess}",
            hint_vi="chọn một cột ngày ({dates}), hoặc khai báo '{value}' trong columns",
            hint_en="name a date column ({dates}), or declare '{value}' under columns",
        ),
        "bad-period-field": Msg(
            vi="period_field: '{value}' được đọc là {type}, không phải ngày",
            en="period_field: '{value}' is read as {type}, not as a date",
            hint_vi="đặt 'type: date' cho columns.{value}, hoặc chọn cột ngày khác",
            hint_en="set 'type: date' on columns.{value}, or name another date column",
        ),
        "bad-filter:sum-only": Msg(
            vi="{side}: nguồn procedure_stats có một dòng cho mỗi đơn vị: hãy dùng 'sum: [chỉ số]'",
            en="{side}: a procedure_stats export has one row per unit: use 'sum: [measures]'",
            hint_vi="các chỉ số của '{export}': {measures}",
            hint_en="measures of export '{export}': {measures}",
        ),
        "unknown-export-field:undeclared": Msg(
            vi="{side}: '{value}' không có trong các cột khai báo cho nguồn xuất '{export}'",
            en="{side}: '{value}' is not among the columns declared for export '{export}'",
            hint_vi="thêm '{value}' cùng tiêu đề cột vào columns của nguồn xuất: khối columns thay thế các cột mặc định",
            hint_en="add '{value}' with its header labels under the export's columns: a columns block replaces the "
            "defaults of the kind",
        ),
        "unknown-export-field": Msg(
            vi="{side}: '{value}' không phải trường của nguồn xuất '{export}'.{guess}",
            en="{side}: '{value}' is not a field of export '{export}'.{guess}",
            hint_vi="các trường của nguồn xuất '{export}': {options}",
            hint_en="the fields of export '{export}': {options}",
        ),
        "unknown-vocab-value": Msg(
            vi="{side}: '{value}' không phải giá trị của '{vocab}' trong nguồn xuất '{export}'.{guess}",
            en="{side}: '{value}' is not a value of '{vocab}' in export '{export}'.{guess}",
            hint_vi="bộ lọc dùng các giá trị của exports[{export}].vocab.{vocab}: {options} (nhãn trong tệp được "
            "liệt kê dưới mỗi giá trị)",
            hint_en="filters use the values of exports[{export}].vocab.{vocab}: {options} (the labels of the file "
            "are listed under each of them)",
        ),
        "phrase.label-value": Msg(
            vi=" Có phải ý bạn là '{canonical}' (giá trị của nhãn '{label}')?",
            en=" Did you mean '{canonical}' (the value of the label '{label}')?",
        ),
        "unknown-measure": Msg(
            vi="{side}: '{value}' không phải chỉ số của nguồn xuất '{export}'.{guess}",
            en="{side}: '{value}' is not a measure of export '{export}'.{guess}",
            hint_vi="sum cộng các cột chỉ số của nguồn xuất: {options}",
            hint_en="sum adds measure columns of the export: {options}",
        ),
        "bad-filter": Msg(vi="{side}: {problem}", en="{side}: {problem}"),
    }
)

# targets.yaml: the shape of the file (ioc/config_shape.py), from what pydantic found.
_add(
    {
        "missing-field": Msg(
            vi="thiếu trường bắt buộc '{name}'",
            en="required field '{name}' is missing",
            hint_vi="thêm '{name}:' vào {parent}",
            hint_en="add '{name}:' under {parent}",
        ),
        "phrase.top-level": Msg(vi="cấp ngoài cùng", en="the top level"),
        "unknown-field": Msg(
            vi="trường không hợp lệ '{value}'.{guess}",
            en="unknown field '{value}'.{guess}",
            hint_vi="các trường được phép: {allowed}",
            hint_en="allowed here: {allowed}",
        ),
        "unknown-field:anywhere": Msg(
            vi="trường không hợp lệ '{value}'.{guess}", en="unknown field '{value}'.{guess}"
        ),
        "wrong-type": Msg(
            vi="cần {expected_words}, nhận được {value}", en="expected {expected_words}, got {value}"
        ),
        "wrong-type:quote": Msg(
            vi="cần {expected_words}, nhận được {value}",
            en="expected {expected_words}, got {value}",
            hint_vi='đặt trong dấu nháy: "{raw}" (mã chỉ giữ được số 0 đầu khi là văn bản)',
            hint_en='put it in quotes: "{raw}" (codes keep their leading zeros only as text)',
        ),
        "wrong-type:date": Msg(
            vi="cần {expected_words}, nhận được {value}",
            en="expected {expected_words}, got {value}",
            hint_vi="viết ngày theo dạng NNNN-TT-NN",
            hint_en="write dates as YYYY-MM-DD",
        ),
        "bad-value": Msg(
            vi="cần {expected_words}, nhận được {value}", en="expected {expected_words}, got {value}"
        ),
        "bad-value:rule": Msg(vi="{rule}", en="{rule}"),
    }
)

# targets.yaml: the rules across the whole file (ioc/config_rules.py).
_add(
    {
        "duplicate-id": Msg(
            vi="mã chỉ tiêu '{value}' bị dùng hai lần (lần đầu ở dòng {first})",
            en="indicator id '{value}' is used twice (first at line {first})",
            hint_vi="mỗi chỉ tiêu cần một mã riêng",
            hint_en="give every indicator its own id",
        ),
        "duplicate-pillar": Msg(
            vi="mã trụ cột '{value}' bị dùng hai lần (lần đầu ở dòng {first})",
            en="pillar id '{value}' is used twice (first at line {first})",
            hint_vi="mỗi trụ cột cần một mã riêng",
            hint_en="give every pillar its own id",
        ),
        "duplicate-export": Msg(
            vi="mã nguồn xuất '{value}' bị dùng hai lần (lần đầu ở dòng {first})",
            en="export id '{value}' is used twice (first at line {first})",
            hint_vi="mỗi nguồn xuất cần một mã riêng",
            hint_en="give every export its own id",
        ),
        "unknown-pillar": Msg(
            vi="trụ cột '{value}' chưa được khai báo trong 'pillars'.{guess}",
            en="pillar '{value}' is not declared under 'pillars'.{guess}",
            hint_vi="các trụ cột đã khai báo: {ids}",
            hint_en="declared pillars: {ids}",
        ),
        "unused-pillar": Msg(
            vi="trụ cột '{pillar}' chưa có chỉ tiêu nào",
            en="pillar '{pillar}' has no indicators",
            hint_vi="thêm chỉ tiêu hoặc xóa trụ cột này",
            hint_en="add indicators to it or remove it",
        ),
        "unknown-export:undeclared": Msg(
            vi="nguồn xuất '{value}' chưa được khai báo trong 'exports'.{guess}",
            en="export '{value}' is not declared under 'exports'.{guess}",
            hint_vi="các nguồn đã khai báo: {ids}",
            hint_en="declared exports: {ids}",
        ),
        "unknown-export:none-declared": Msg(
            vi="nguồn xuất '{value}' chưa được khai báo trong 'exports'.{guess}",
            en="export '{value}' is not declared under 'exports'.{guess}",
            hint_vi="khai báo nguồn trong 'exports:'",
            hint_en="declare the export under 'exports:'",
        ),
        "rollup-mismatch": Msg(
            vi="nguồn có tử số và mẫu số nhưng rollup là '{rollup}': giá trị toàn tỉnh sẽ không phải tỷ lệ của tổng",
            en="the source gives a numerator and a denominator but rollup is '{rollup}': the province value would "
            "not be the share of the summed counts",
            hint_vi="đặt 'rollup: ratio'",
            hint_en="set 'rollup: ratio'",
        ),
        "rollup-mismatch:single-value": Msg(
            vi="rollup là 'ratio' nhưng nguồn chỉ cho một giá trị, không có tử số và mẫu số",
            en="rollup is 'ratio' but the source gives a single value, no numerator and denominator",
            hint_vi="dùng 'rollup: sum' cho số đếm, hoặc khai báo tử số và mẫu số",
            hint_en="use 'rollup: sum' for counts, or give numerator and denominator",
        ),
        "bad-range": Msg(
            vi="min ({value}) lớn hơn max ({max})",
            en="min ({value}) is greater than max ({max})",
            hint_vi="đổi chỗ hai giá trị, hoặc sửa một trong hai",
            hint_en="swap them, or correct one of them",
        ),
        "bad-target": Msg(
            vi="giá trị {what} {value} nằm ngoài khoảng {span}",
            en="{what} value {value} is outside the range {span}",
            hint_vi="sửa giá trị, hoặc min/max của chỉ tiêu",
            hint_en="correct the value, or the indicator's min/max",
        ),
        "bad-target:percent": Msg(
            vi="giá trị {what} {value} nằm ngoài khoảng {span}",
            en="{what} value {value} is outside the range {span}",
            hint_vi="tỷ lệ viết theo thang 0–100 (80 nghĩa là 80%)",
            hint_en="percent values are written as 0–100 (80 means 80%)",
        ),
        "phrase.target": Msg(vi="chỉ tiêu", en="target"),
        "phrase.baseline": Msg(vi="giá trị gốc", en="baseline"),
        "phrase.milestone": Msg(vi="mốc {period}", en="milestone {period}"),
        "phrase.override": Msg(vi="chỉ tiêu riêng của {unit}", en="override for {unit}"),
        "phrase.not-below": Msg(vi="không nhỏ hơn {low}", en="at least {low}"),
        "bad-tolerance": Msg(
            vi="amber_tolerance {value} lớn hơn 100: mọi mức thiếu hụt đều thành vàng, không bao giờ đỏ",
            en="amber_tolerance {value} is more than 100: every shortfall would show amber, never red",
            hint_vi="điểm phần trăm với chỉ tiêu tỷ lệ, % tương đối với loại khác (10 = trong phạm vi 10%)",
            hint_en="percentage points for percent indicators, a relative % for others (10 = within 10%)",
        ),
        "bad-baseline": Msg(
            vi="ngày gốc {value} không trước hạn {by}",
            en="the baseline date {value} is not before the deadline {by}",
            hint_vi="giá trị gốc là điểm xuất phát: ngày phải trước 'by'",
            hint_en="the baseline is where the plan starts: a date before 'by'",
        ),
        "bad-milestone": Msg(
            vi="kỳ của mốc '{value}' không khớp với tần suất báo cáo {frequency}",
            en="milestone period '{value}' does not match the indicator's {frequency} reporting",
            hint_vi="hãy viết {shape}",
            hint_en="write {shape}",
        ),
        "phrase.shape-monthly": Msg(vi='một tháng dạng "2025-06"', en='a month like "2025-06"'),
        "phrase.shape-quarterly": Msg(vi='một quý dạng "2025-Q2"', en='a quarter like "2025-Q2"'),
        "phrase.shape-yearly": Msg(vi='một năm dạng "2025"', en='a year like "2025"'),
        "phrase.every-monthly": Msg(vi="hằng tháng", en="monthly"),
        "phrase.every-quarterly": Msg(vi="hằng quý", en="quarterly"),
        "phrase.every-yearly": Msg(vi="hằng năm", en="yearly"),
        "bad-milestone:after-deadline": Msg(
            vi="mốc '{value}' nằm sau hạn {by}",
            en="milestone '{value}' lies after the deadline {by}",
            hint_vi="các mốc phải trước hạn hoàn thành",
            hint_en="milestones lead up to the deadline",
        ),
        "bad-milestone:before-baseline": Msg(
            vi="mốc '{value}' nằm trước ngày gốc {at}",
            en="milestone '{value}' lies before the baseline date {at}",
            hint_vi="các mốc phải sau ngày gốc",
            hint_en="milestones come after the baseline",
        ),
        "bad-milestone:twice": Msg(
            vi="mốc '{value}' được khai báo hai lần",
            en="milestone '{value}' is declared twice",
            hint_vi="giữ lại một",
            hint_en="keep one",
        ),
        "unknown-owner": Msg(
            vi="đơn vị chủ trì '{value}' không có trong danh mục sở, ngành.{guess}",
            en="owner '{value}' is not a department of the registry.{guess}",
            hint_vi="mã các sở, ngành nằm trong {departments}",
            hint_en="department ids are listed in {departments}",
        ),
        "unknown-unit:override": Msg(
            vi="đơn vị '{value}' không phải mã xã/phường hay mã sở, ngành trong danh mục.{guess}",
            en="unit '{value}' is neither a commune code nor a department id of the registry.{guess}",
            hint_vi='ghi mã xã 5 chữ số trong dấu nháy ("90001") hoặc mã sở, ngành',
            hint_en='write a 5-digit commune code in quotes ("90001") or a department id',
        ),
        "phrase.did-you-mean-code": Msg(
            vi=" Có phải ý bạn là '{code}' ({name})?", en=" Did you mean '{code}' ({name})?"
        ),
        "override-level": Msg(
            vi="đơn vị '{value}' thuộc cấp {level} nhưng chỉ tiêu chỉ đo ở cấp: {levels}",
            en="unit '{value}' is a {level} but the indicator is measured at: {levels}",
            hint_vi="thêm '{level_id}' vào levels, hoặc bỏ chỉ tiêu riêng này",
            hint_en="add '{level_id}' to levels, or remove the override",
        ),
        "duplicate-override": Msg(
            vi="đơn vị '{value}' có hai chỉ tiêu riêng",
            en="unit '{value}' has two overrides",
            hint_vi="giữ lại một",
            hint_en="keep one",
        ),
    }
)
