"""The Upload page's tables as plain frames (no Streamlit): issues, history, the periods a department may
report, and the resubmission diff — in the UI language, numbers in its format, times in local time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import polars as pl

from ioc.i18n import format_number
from ioc.issues import Issue
from ioc.labels import t
from ioc.period_labels import format_period
from ioc.periods import Frequency, last_due_month, period_end, period_of, report_deadline, shift
from ioc.views import format_local_time

# The "expected" phrases the readers write, in Vietnamese (exact text, then patterns with a tail).
_EXPECTED_VI = {
    "a number, e.g. 84,63 or 1.672": "một số, ví dụ 84,63 hoặc 1.672",
    "a percentage 0–100, e.g. 84,63": "tỷ lệ phần trăm từ 0 đến 100, ví dụ 84,63",
    "a number, or leave it empty if there is no data": "một số, hoặc để trống nếu chưa có số liệu",
    "one row per indicator and unit": "mỗi chỉ tiêu và đơn vị một dòng",
    "an indicator id from targets.yaml": "mã chỉ tiêu có trong danh mục",
    "an indicator id of the department's template": "mã chỉ tiêu có trong biểu mẫu của đơn vị",
    "2025-08, 2025-Q3 or 2025": "2025-08, 2025-Q3 hoặc 2025",
    "one row per unit (and indicator) with a value": "mỗi đơn vị (và chỉ tiêu) một dòng có giá trị",
    "a commune code, a department id or the province code": "mã xã, mã sở ngành hoặc mã tỉnh",
    "a commune code or name, a department id or the province code": "mã hoặc tên xã, mã sở ngành hoặc mã tỉnh",
    "a number": "một số",
    "a number above 0, or leave numerator and denominator empty": "một số lớn hơn 0, hoặc để trống cả tử số và mẫu số",
    "both numerator and denominator, or neither": "điền cả tử số và mẫu số, hoặc để trống cả hai",
    "an indicator id, its Vietnamese or English name, or 'name [id]'": "mã chỉ tiêu, tên chỉ tiêu, hoặc 'tên [mã]'",
    "accepted": "đã được chấp nhận",
    "superseded, withdrawn": "đã bị thay thế hoặc đã rút",
    "a regular file": "một tệp thông thường",
    "a department workbook": "biểu số liệu của sở, ngành (tải ở trên)",
}
_EXPECTED_VI_PATTERNS = [
    (re.compile(r"^an indicator of (.+)$"), r"chỉ tiêu của \1"),
    (re.compile(r"^one of: (.+)$"), r"một trong: \1"),
    (re.compile(r"^at most (\d+) bytes$"), r"tối đa \1 byte"),
    (re.compile(r"^a period ended before (.+)$"), r"kỳ đã kết thúc trước \1"),
    (re.compile(r"^periods up to (.+)$"), r"kỳ đến \1"),
    # the warnings of ioc/validation.py: their numbers in the Vietnamese format too
    (
        re.compile(r"^close to the other communes' median (\S+)$"),
        lambda m: f"gần trung vị các xã khác ({number_text(m[1].replace(',', ''), 'vi')})",
    ),
    (
        re.compile(r"^within ±(\S+) percentage points of (\S+)$"),
        lambda m: (
            f"trong khoảng ±{number_text(m[1], 'vi')} điểm % so với {number_text(m[2].replace(',', ''), 'vi')}"
        ),
    ),
    (
        re.compile(r"^within ±(\d+)% of (\S+)$"),
        lambda m: f"trong khoảng ±{m[1]}% so với {number_text(m[2].replace(',', ''), 'vi')}",
    ),
]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def expected_text(expected: str | None, lang: str) -> str | None:
    """The "expected" column in the UI language (numbers in its format); unknown phrases pass unchanged."""
    if expected is None:
        return None
    if _NUMBER.match(expected.strip()):
        return number_text(expected, lang)
    if lang != "vi":
        return expected
    if expected in _EXPECTED_VI:
        return _EXPECTED_VI[expected]
    for pattern, repl in _EXPECTED_VI_PATTERNS:
        if pattern.match(expected):
            return pattern.sub(repl, expected)
    return expected


def number_text(value: str | None, lang: str) -> str | None:
    """A value as the file held it; a plain number ("55.5") is shown in the UI language ("55,5")."""
    if value is None or not _NUMBER.match(value.strip()):
        return value
    text = value.strip()
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return format_number(float(text), lang, decimals)


def _column_key(column: str | None) -> tuple[int, str]:
    """Excel columns in their order (B before AA), field names after them."""
    if column and column.isalpha() and column.isupper():
        return (len(column), column)
    return (99, column or "")


def issue_rows(issues: Sequence[Issue], lang: str, *, admin: bool = False) -> pl.DataFrame:
    """Issues as the page shows them: sorted by sheet, row, column; severity, value and expected in `lang`;
    only the columns something fills; headers are the `issue.*` labels (see `issue_headers`).

    `hint` tells whoever sent the file what to fix; `admin_hint` (an alias to add, a setting to change) is
    shown only to an administrator (`admin`): a department head cannot act on it.
    """
    # a capped code's "… and N more like it" has no cell: it closes its sheet instead of opening the table
    ordered = sorted(
        issues, key=lambda i: (i.sheet or "", i.row is None, i.row or 0, _column_key(i.column), i.code)
    )
    rows = [
        {
            "severity": t("issue.error" if i.is_error else "issue.warning", lang),
            "file": i.file,
            "line": i.line,
            "sheet": i.sheet,
            "row": i.row,
            "column": i.column,
            "field": i.field,
            "value": number_text(i.value, lang),
            "expected": expected_text(i.expected, lang),
            "message": i.text(lang),
            "hint": i.hint_text(lang),
            "admin_hint": i.admin_hint_text(lang) if admin else None,
            "code": i.code,
        }
        for i in ordered
    ]
    schema = {
        "severity": pl.String,
        "file": pl.String,
        "line": pl.Int64,
        "sheet": pl.String,
        "row": pl.Int64,
        "column": pl.String,
        "field": pl.String,
        "value": pl.String,
        "expected": pl.String,
        "message": pl.String,
        "hint": pl.String,
        "admin_hint": pl.String,
        "code": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
    if frame.height and frame["sheet"].null_count() < frame.height:
        frame = frame.drop("file")  # a workbook's cells say where; the file name is the one just sent
    frame = frame.select(c for c in frame.columns if frame[c].null_count() < frame.height or c == "message")
    # a cell nothing fills is blank, not the table's "None"
    return frame.with_columns(pl.col(pl.String).fill_null(""))


def issue_count(issues: Sequence[Issue]) -> int:
    """How many problems `issues` stand for: a capped code's summary counts the issues it stands for."""
    return sum(int(i.extra.get("omitted", 1)) if i.extra else 1 for i in issues)


def issue_headers(lang: str) -> dict[str, str]:
    """Column → header in `lang` for `issue_rows`."""
    return {c: t(f"issue.{c}", lang) for c in (*_ISSUE_COLUMNS,)}


_ISSUE_COLUMNS = (
    "severity",
    "file",
    "line",
    "sheet",
    "row",
    "column",
    "field",
    "value",
    "expected",
    "message",
    "hint",
    "admin_hint",
    "code",
)


def open_periods(today: dt.date, n: int = 6) -> list[str]:
    """Months a department may report, newest first: those that have ended by `today` (the latest is the
    month just ended, whose report is being prepared or is due; the deadline decides what is overdue)."""
    last_ended = shift(period_of(today, Frequency.MONTHLY), -1)
    return [shift(last_ended, -k) for k in range(n)]


def due_caption(today: dt.date, deadline_day, lang: str) -> str:  # type: ignore[no-untyped-def]
    """'Only ended periods; the latest due: 10/2026 (due 10/11/2026)'."""
    due = last_due_month(today, deadline_day)
    deadline = report_deadline(due, deadline_day)
    return t(
        "upload.only_ended",
        lang,
        period=format_period(due, lang),
        deadline=deadline.strftime("%d/%m/%Y"),
    )


def is_open(period: str, today: dt.date) -> bool:
    """Whether a period has ended by `today` (what the core accepts)."""
    return period_end(period) < today


def history_rows(submissions: pl.DataFrame, lang: str, timezone: str) -> pl.DataFrame:
    """The department's submissions, newest first: who, when (local time), status, counts, and why a
    submission was withdrawn or restored."""
    statuses = {k: t(f"sub.{k}", lang) for k in ("accepted", "rejected", "superseded", "withdrawn")}
    rows = []
    for r in submissions.sort("id", descending=True).iter_rows(named=True):
        note = r["note"] or ""
        if r["status"] == "withdrawn" and r["withdrawn_by"]:
            note = t(
                "hist.withdrawn_note",
                lang,
                who=r["withdrawn_by"],
                when=format_local_time(r["withdrawn_at"], lang, timezone),
                why=r["withdraw_note"] or "—",
            )
        rows.append(
            {
                "id": r["id"],
                "when": format_local_time(r["submitted_at"], lang, timezone),
                "who": r["submitted_by"],
                "file_name": r["file_name"],
                "periods": ", ".join(format_period(p, lang) for p in (r["periods"] or "").split(",") if p),
                "status": statuses.get(r["status"], r["status"]),
                "n_observations": r["n_observations"],
                "n_errors": r["n_errors"],
                "n_warnings": r["n_warnings"],
                "note": note,
                "raw_status": r["status"],
                "export_id": r["export_id"],
            }
        )
    schema = {
        "id": pl.Int64,
        "when": pl.String,
        "who": pl.String,
        "file_name": pl.String,
        "periods": pl.String,
        "status": pl.String,
        "n_observations": pl.Int64,
        "n_errors": pl.Int64,
        "n_warnings": pl.Int64,
        "note": pl.String,
        "raw_status": pl.String,
        "export_id": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def short_local_time(moment: dt.datetime, timezone: str) -> str:
    """'01/12 20:59' in the province's time zone (the resubmission line)."""
    from zoneinfo import ZoneInfo

    local = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))
    return local.strftime("%d/%m %H:%M")
