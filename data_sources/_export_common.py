"""What the three report-system export loaders share: header matching, units, periods, observations."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import polars as pl
from openpyxl.utils import column_index_from_string, get_column_letter

from data_sources.xlsx_cells import load_export_sheet
from ioc.config import Config
from ioc.exports_config import FORMER_UNITS_UNTIL, ColumnSpec, ExportConfig, ExportKind, FieldType
from ioc.filters import quantity_problems
from ioc.i18n import format_period
from ioc.issues import Issue
from ioc.messages import Words, issue, warning
from ioc.observations import OBSERVATION_SCHEMA, conform, empty_observations
from ioc.periods import normalise_period, period_months  # noqa: F401  (the export loaders import them here)
from ioc.targets import ExportSource, Indicator, Level, MeasureUnit
from ioc.textnorm import clean_text, full_key

MAX_EXAMPLES = 5  # located issues per problem; the message counts them all
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
FORMER_LAST_MONTH = FORMER_UNITS_UNTIL.strftime("%Y-%m")
# Receiving units are often written as the office that receives: "UBND xã Tân Hòa", "Bộ phận một cửa …".
_OFFICE_PREFIX = re.compile(
    r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd|bộ phận một cửa|bộ phận tiếp nhận và trả kết quả)\s+",
    re.IGNORECASE,
)


def header_key(text: object) -> str:
    """How header cells are compared: NFC, case- and space-insensitive, tone placement unified."""
    if text is None:
        return ""
    return _header_key(str(text))


@functools.lru_cache(maxsize=8192)
def _header_key(text: str) -> str:
    # cached: sniffing and reading compare the same header rows and labels again and again
    return full_key(text).strip(" :*.")


def letter(index0: int) -> str:
    """The Excel column letter of a 0-based column index."""
    return get_column_letter(index0 + 1)


def letter_index(col: str) -> int:
    """The 0-based column index of an Excel letter."""
    return column_index_from_string(col) - 1


def is_spreadsheet(path: Path) -> bool:
    """True for Excel/ODS files (read with fastexcel), False for delimited text."""
    return Path(path).suffix.lower() in XLSX_SUFFIXES


def choose_export(config: Config, kind: ExportKind, export: ExportConfig | None) -> ExportConfig:
    """The export config to read with: the one given, else the first of this kind, else the defaults."""
    if export is not None:
        return export
    for e in config.targets.exports:
        if e.kind == kind:
            return e
    return ExportConfig(id=kind.value, kind=kind)


def export_indicators(config: Config, export_id: str) -> list[Indicator]:
    """The indicators computed from this export (`source.export` names it)."""
    return [
        ind
        for ind in config.targets.indicators
        if isinstance(ind.source, ExportSource) and ind.source.export == export_id
    ]


def quantities(ind: Indicator) -> dict[str, object]:
    """The quantities of an export-sourced indicator: numerator/denominator, or value."""
    src = ind.source
    assert isinstance(src, ExportSource)
    if src.value is not None:
        return {"value": src.value}
    return {"numerator": src.numerator, "denominator": src.denominator}


def check_indicators(
    export: ExportConfig,
    indicators: Sequence[Indicator],
    types: Mapping[str, FieldType],
    *,
    sum_only: bool = False,
) -> list[Issue]:
    """Config errors of the indicators' filters against this export's fields (unknown field, bad operand)."""
    out: list[Issue] = []
    vocab = export.vocabularies()
    for ind in indicators:
        for side, q in quantities(ind).items():
            problems = quantity_problems(q, types, vocab)  # type: ignore[arg-type]
            if sum_only and q.sum is None:  # type: ignore[union-attr]
                problems.append(f"a {export.kind.value} export has one row per unit: use `sum: [measures]`")
            for p in problems:
                out.append(
                    issue(
                        "export-config",
                        file="targets.yaml",
                        field=f"indicators[{ind.id}].source.{side}",
                        indicator=ind.id,
                        side=side,
                        problem=p,
                        export=export.id,
                        fields=", ".join(sorted(types)),
                    )
                )
    return out


# ---- spreadsheets -------------------------------------------------------------------------------------


def load_sheet_strings(path: Path, sheet: str | int | None) -> tuple[pl.DataFrame, list[int], str]:
    """The sheet (the configured one, else the first visible) as all-text columns with every row, from row 1.

    A view over the one grid every loader reads (`xlsx_cells.load_export_sheet`): (cells, 0-based sheet
    column of each frame column, sheet name). Inside `xlsx_cells.one_read()` the file is parsed once.
    """
    grid = load_export_sheet(path, sheet)
    return grid.cells(), grid.absolute, grid.name


# ---- headers -------------------------------------------------------------------------------------------


def spec_keys(spec: ColumnSpec) -> set[str]:
    return {header_key(lab) for lab in spec.labels}


def find_header_row(
    rows: Sequence[Sequence[object]], specs: Mapping[str, ColumnSpec], limit: int = 40
) -> int | None:
    """The 0-based index of the first row holding most of the fields' header labels (at least two)."""
    keys = {f: spec_keys(s) for f, s in specs.items() if s.labels}
    need = min(2, len(keys)) or 1
    best, best_hits = None, 0
    for i, row in enumerate(rows[:limit]):
        cells = {header_key(c) for c in row if c is not None}
        hits = sum(1 for ks in keys.values() if ks & cells)
        if hits > best_hits:
            best, best_hits = i, hits
    return best if best_hits >= need else None


def match_columns(
    headers: Sequence[object], specs: Mapping[str, ColumnSpec], absolute: Sequence[int] | None = None
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Map each field to the position of its column: by letter, else by header label.

    Returns (field → position in `headers`, field → positions when several columns match).
    `absolute` gives each position's 0-based sheet column (for letters), default the position itself.
    """
    absolute = list(absolute) if absolute is not None else list(range(len(headers)))
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    ambiguous: dict[str, list[int]] = {}
    for fld, spec in specs.items():
        if spec.letter:
            want = letter_index(spec.letter)
            hits = [i for i, a in enumerate(absolute) if a == want]
        else:
            labels = [header_key(lab) for lab in spec.labels]
            hits = []
            for lab in labels:  # the first label that matches wins, so labels are in order of preference
                hits = [i for i, k in enumerate(keys) if k and k == lab]
                if hits:
                    break
        if len(hits) == 1:
            found[fld] = hits[0]
        elif len(hits) > 1:
            ambiguous[fld] = hits
    return found, ambiguous


def missing_column_issue(
    export: ExportConfig,
    fld: str,
    spec: ColumnSpec,
    *,
    file: str,
    sheet: str | None,
    row: int | None,
    headers: Sequence[object],
) -> Issue:
    """The error for a field whose column is not in the file, with the headers that are there."""
    wanted = f"column {spec.letter}" if spec.letter else " / ".join(f"'{lab}'" for lab in spec.labels)
    present = ", ".join(f"'{clean_text(str(h))}'" for h in headers if h is not None and str(h).strip())
    return issue(
        "missing-column",
        file=file,
        sheet=sheet,
        row=row,
        field=fld,
        expected=wanted,
        fld=fld,
        wanted=wanted,
        present=present,
        export=export.id,
    )


def ambiguous_column_issue(
    fld: str, cols: Sequence[str], *, file: str, sheet: str | None, row: int | None
) -> Issue:
    return issue(
        "ambiguous-column", file=file, sheet=sheet, row=row, field=fld, fld=fld, columns=", ".join(cols)
    )


# ---- units ----------------------------------------------------------------------------------------------


def _strip_office(label: str) -> str:
    return _OFFICE_PREFIX.sub("", clean_text(label)).strip()


def resolve_units(
    labels: pl.DataFrame,
    config: Config,
    export: ExportConfig,
    *,
    levels: Iterable[Level] | None = (Level.DEPARTMENT, Level.COMMUNE),
) -> pl.DataFrame:
    """Resolve receiving-unit labels to unit codes; one row per distinct (label, former).

    `labels` has columns `label` (as written) and `former` (True when the data is dated before 1 July
    2025). Order: the export's `unit_map`, then — for former data — the crosswalk of former communes (so the
    FORMER code is kept and rolled into today's commune later), then the registry's names, codes and
    aliases (also without an office prefix such as "UBND"). Returns label, former, unit_code, reason,
    reason_vi (null when resolved).
    """
    reg = config.registry
    mapped = {header_key(k): v for k, v in export.unit_map.items()}
    former_codes: set[str] = set()
    if reg.crosswalk is not None:
        former_codes = set(reg.crosswalk.get_column("former_code").to_list())
    lvl = list(levels) if levels is not None else None
    distinct = labels.select("label", "former").unique().sort("label", "former")
    texts = distinct.get_column("label").unique()
    stripped = {t: _strip_office(t) for t in texts.to_list()}
    current = reg.resolve_many(pl.Series(sorted(set(texts.to_list()) | set(stripped.values()))), levels=lvl)
    by_text = {r["text"]: r for r in current.iter_rows(named=True)}
    out_code: list[str | None] = []
    out_reason: list[str | None] = []
    out_reason_vi: list[str | None] = []
    for label, former in distinct.iter_rows():
        code, reason, reason_vi = None, None, None
        m = mapped.get(header_key(label))
        if m is not None:
            if reg.level_of(m) is not None or (former and m in former_codes):
                code = m
            else:
                reason = f"unit_map gives '{m}', which is not a unit code in the registry"
                reason_vi = f"unit_map ghi '{m}', không phải mã đơn vị trong danh mục"
        if code is None and reason is None and former and reg.crosswalk is not None:
            for cand in dict.fromkeys([label, stripped[label]]):
                res = reg.resolve_former(cand)
                if res.code is not None:
                    code = res.code
                    break
                if len(res.candidates) > 1:
                    reason, reason_vi = res.reason, res.reason_vi
                    break
        if code is None and reason is None:
            first = by_text.get(label)
            for cand in dict.fromkeys([label, stripped[label]]):
                r = by_text.get(cand)
                if r is not None and r["code"] is not None:
                    code = r["code"]
                    break
            if code is None and first is not None:
                reason, reason_vi = first["reason"], first["reason_vi"]
        if code is None and reason is None:
            reason, reason_vi = f"unknown unit '{label}'", f"không tìm thấy đơn vị '{label}'"
        out_code.append(code)
        out_reason.append(reason)
        out_reason_vi.append(reason_vi)
    return distinct.with_columns(
        pl.Series("unit_code", out_code, dtype=pl.String),
        pl.Series("reason", out_reason, dtype=pl.String),
        pl.Series("reason_vi", out_reason_vi, dtype=pl.String),
    )


def unit_issue(
    export: ExportConfig,
    label: str,
    reason: str | None,
    reason_vi: str | None,
    *,
    count: int,
    rows: Sequence[int],
    file: str,
    sheet: str | None,
    column: str | None,
) -> Issue:
    """The error for a receiving unit that maps to no unit code, with where it occurs and how to fix it."""
    shown = ", ".join(str(r) for r in rows[:MAX_EXAMPLES]) + (" …" if len(rows) > MAX_EXAMPLES else "")
    return issue(
        "unknown-unit:export",
        file=file,
        sheet=sheet,
        row=rows[0] if rows else None,
        column=column,
        field="unit",
        value=label,
        extra={"rows": list(rows[:MAX_EXAMPLES]), "count": count},
        label=label,
        count=count,
        shown=shown,
        reason=Words(reason_vi or reason or "", reason or ""),
        export=export.id,
    )


# ---- periods -------------------------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_DATE_WORDS = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"


def _date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _month_add(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + n
    return k // 12, k % 12 + 1


def period_of_range(start: dt.date, end: dt.date) -> str | None:
    """The period a date range covers: a calendar month/quarter/year, or the same shifted to the 15th–14th
    reporting period of Decree 09/2019 (the month of August = 15 July – 14 August); None otherwise."""
    for offset in (False, True):
        if offset:
            if start.day != 15 or end.day != 14:
                continue
            sy, sm = _month_add(start.year, start.month, 1)  # the month the period is named after
            first = dt.date(sy, sm, 1)
            last = dt.date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
        else:
            first, last = start, end
            if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
                continue
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months == 1:
            return f"{first.year:04d}-{first.month:02d}"
        if months == 3 and first.month % 3 == 1:
            return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
        if months == 12 and first.month == 1:
            return f"{first.year:04d}"
    return None


def period_from_text(text: str) -> tuple[str | None, str | None]:
    """(period, the matched text) from a report title: "Kỳ báo cáo: Tháng 8/2025", "tháng 08 năm 2025",
    "Quý III/2025", "Năm 2025", "Từ ngày 01/08/2025 đến ngày 31/08/2025"; (None, None) when none."""
    t = clean_text(text).casefold()
    date = rf"(?:{_DATE}|{_DATE_WORDS})"
    m = re.search(rf"từ\s+(?:ngày\s+)?{date}\s*(?:đến|-|–)\s*(?:hết\s+)?(?:ngày\s+)?{date}", t)
    if m:
        g = m.groups()
        a = _date(*(g[0:3] if g[0] else g[3:6]))
        b = _date(*(g[6:9] if g[6] else g[9:12]))
        if a and b and a <= b:
            return period_of_range(a, b), m.group(0)
        return None, m.group(0)
    # a full date ("Hà Nội, ngày 05 tháng 9 năm 2025") is when the report was signed, not its period
    t = re.sub(rf"ngày\s+{_DATE_WORDS}|ngày\s+{_DATE}", " ", t)
    m = re.search(r"tháng\s+(\d{1,2})\s*(?:/|năm|-)\s*(\d{4})", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{int(m.group(2)):04d}-{int(m.group(1)):02d}", m.group(0)
    m = re.search(r"quý\s+(iv|iii|ii|i|[1-4])\s*(?:/|năm|-)\s*(\d{4})", t)
    if m:
        q = _ROMAN.get(m.group(1)) or int(m.group(1))
        return f"{int(m.group(2)):04d}-Q{q}", m.group(0)
    m = re.search(r"(?:^|[^\d])năm\s+(\d{4})", t)
    if m and not re.search(r"\d+\s+tháng", t):  # "6 tháng đầu năm 2025" is not a year
        return m.group(1), m.group(0).strip()
    return None, None


# ---- observations ---------------------------------------------------------------------------------------


def observations(
    frame: pl.DataFrame,
    indicators: Sequence[Indicator],
    parts: Mapping[str, Mapping[str, pl.Expr]],
    *,
    source_file: str,
    sheet: str | None,
    keys: Sequence[str] = ("unit_code", "period"),
) -> pl.DataFrame:
    """Sum each indicator's quantities per unit and period and turn them into observations.

    `parts[indicator id]` maps "numerator"/"denominator" (or "value") to a per-row expression. A ratio's
    value is numerator/denominator (×100 for percent); no observation when the denominator is 0. A `row`
    column in `frame` is kept as the smallest row of the group (one row per unit in statistics tables).
    """
    if frame.is_empty() or not indicators:
        return empty_observations()
    aggs: list[pl.Expr] = []
    for ind in indicators:
        for side, expr in parts[ind.id].items():
            aggs.append(expr.sum().alias(f"{ind.id}\x1f{side}"))
    if "row" in frame.columns:
        aggs.append(pl.col("row").min().alias("row"))
    summed = frame.group_by(list(keys)).agg(aggs)
    out = []
    for ind in indicators:
        p = parts[ind.id]
        cols = {side: pl.col(f"{ind.id}\x1f{side}") for side in p}
        if "value" in cols:
            obs = summed.select(
                pl.lit(ind.id).alias("indicator"),
                *keys,
                cols["value"].alias("value"),
                pl.lit(None, dtype=pl.Float64).alias("numerator"),
                pl.lit(None, dtype=pl.Float64).alias("denominator"),
                *(["row"] if "row" in summed.columns else []),
            )
        else:
            scale = 100.0 if ind.unit == MeasureUnit.PERCENT else 1.0
            obs = summed.filter(cols["denominator"] != 0).select(
                pl.lit(ind.id).alias("indicator"),
                *keys,
                (cols["numerator"] * scale / cols["denominator"]).alias("value"),
                cols["numerator"].alias("numerator"),
                cols["denominator"].alias("denominator"),
                *(["row"] if "row" in summed.columns else []),
            )
        out.append(obs)
    df = pl.concat(out, how="diagonal_relaxed").with_columns(
        pl.lit(source_file).alias("source_file"),
        pl.lit(sheet, dtype=pl.String).alias("sheet"),
    )
    return conform(df).sort("indicator", "unit_code", "period")


def restrict_to_period(
    obs: pl.DataFrame, period: str | None, *, file: str
) -> tuple[pl.DataFrame, list[Issue]]:
    """Keep the observations inside the declared period; warn about what falls outside."""
    if period is None or obs.is_empty():
        return obs, []
    first, last = period_months(period)
    month = pl.col("period").str.slice(0, 7)
    inside = obs.filter((month >= first) & (month <= last))
    dropped = sorted(set(obs.get_column("period").to_list()) - set(inside.get_column("period").to_list()))
    if not dropped:
        return obs, []
    return inside, [
        warning(
            "outside-period",
            file=file,
            value=", ".join(dropped),
            expected=period,
            dropped=Words(*(", ".join(format_period(p, lang) for p in dropped) for lang in ("vi", "en"))),
            period=Words(format_period(period, "vi"), format_period(period, "en")),
        )
    ]


OBSERVATION_COLUMNS = tuple(OBSERVATION_SCHEMA)
