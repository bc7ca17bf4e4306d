"""Checks common to every data source, run on the tidy observation frame before anything is stored.

Errors reject the whole submission; warnings are stored with it and shown. Each rule is one vectorised
filter over the frame joined with the indicators and units; issues are built only for offending rows.

Warning rules (documented here because users see their effects):
- value-jump: the same unit's value for the previous period (stored, or earlier in the same file) differs
  by more than 3 × the indicator's amber tolerance in percentage points (percent indicators), or by more
  than 50 % of the previous value (other units; not checked when the previous value is 0; counts are
  measured against max(|previous|, 10), so 1 → 2 is not a jump but 10 → 16 is). Not checked when the
  numerator/denominator of either period are known and a denominator is below 30 (a rate of a handful
  of dossiers swings by chance).
- value-outlier: among the communes' values for the same indicator and period (this file's, plus stored
  values of communes the file does not cover), a robust z-score |0.6745 (x − median) / MAD| above 5,
  only with at least 8 communes. When MAD is 0 the mean absolute deviation × 1.2533 stands in for it
  (the usual fallback); when that is 0 too, all values are equal and nothing is flagged. A commune that
  was already there last period (no value-jump) is a known laggard or leader, not a typo, and is not
  flagged again; neither is a rate with a denominator below 30.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import polars as pl
from rapidfuzz import process

from ioc.config import Config
from ioc.issues import MAX_PER_CODE, Issue, Severity, more_like_this
from ioc.observations import conform
from ioc.periods import period_frequency_expr, period_index_expr, period_start_expr
from ioc.targets import Level, MeasureUnit

JUMP_FACTOR_PP = 3.0  # × tolerance, percent indicators
JUMP_RELATIVE = 0.5  # other units
OUTLIER_Z = 5.0
OUTLIER_MIN_COMMUNES = 8
COUNT_FLOOR = 10.0  # counts: a jump is measured against max(|previous|, 10)
MIN_DENOMINATOR = 30  # percentages of fewer cases are not compared

_KEY = ["indicator", "unit_code", "period"]
_LEVEL_VI = {"province": "tỉnh", "department": "sở, ngành", "commune": "xã, phường"}
_FREQ_EN = {"monthly": "a month", "quarterly": "a quarter", "yearly": "a year"}
_FREQ_VI = {"monthly": "tháng", "quarterly": "quý", "yearly": "năm"}
_FREQ_EXAMPLE = {"monthly": "2025-08", "quarterly": "2025-Q3", "yearly": "2025"}

Message = tuple[str, str, dict[str, Any]]  # (message en, message vi, extra Issue fields)


def _num(x: float | None, lang: str = "en") -> str:
    """A number for a message: up to 2 decimals, no trailing zeros, the language's decimal mark."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def _indicator_frame(config: Config) -> pl.DataFrame:
    default_tol = config.targets.status.amber_tolerance
    rows = []
    for ind in config.targets.indicators:
        lo, hi = ind.value_range()
        levels = {lv.value for lv in ind.levels}
        rows.append(
            {
                "indicator": ind.id,
                "_known": True,
                "_unit": ind.unit.value,
                "_freq": ind.frequency.value,
                "_owner": ind.owner,
                "_lo": lo,
                "_hi": hi,
                "_tol": ind.tolerance(default_tol),
                "_allow_province": Level.PROVINCE.value in levels,
                "_allow_department": Level.DEPARTMENT.value in levels,
                "_allow_commune": Level.COMMUNE.value in levels,
                "_levels": ", ".join(lv.value for lv in ind.levels),
                "_levels_vi": ", ".join(_LEVEL_VI[lv.value] for lv in ind.levels),
                "_name_en": ind.name.en,
                "_name_vi": ind.name.vi,
            }
        )
    schema = {
        "indicator": pl.String,
        "_known": pl.Boolean,
        "_unit": pl.String,
        "_freq": pl.String,
        "_owner": pl.String,
        "_lo": pl.Float64,
        "_hi": pl.Float64,
        "_tol": pl.Float64,
        "_allow_province": pl.Boolean,
        "_allow_department": pl.Boolean,
        "_allow_commune": pl.Boolean,
        "_levels": pl.String,
        "_levels_vi": pl.String,
        "_name_en": pl.String,
        "_name_vi": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


class _Collector:
    """Turns offending rows into issues, capping how many are listed per code."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.counts: dict[str, int] = {}
        self.first: dict[str, Issue] = {}
        self.error_rows: set[int] = set()  # row indices (`_i`) with at least one error

    def add(
        self,
        rows: pl.DataFrame,
        code: str,
        build: Callable[[dict[str, Any]], Message],
        *,
        severity: Severity = Severity.ERROR,
    ) -> None:
        if rows.is_empty():
            return
        if severity == Severity.ERROR:
            self.error_rows.update(rows["_i"].to_list())
        listed = self.counts.get(code, 0)
        self.counts[code] = listed + rows.height
        room = max(MAX_PER_CODE - listed, 0)
        for row in rows.sort("_i").head(room).iter_rows(named=True):
            en, vi, kw = build(row)
            issue = Issue(
                code=code,
                message=en,
                message_vi=vi,
                severity=severity,
                file=row.get("source_file"),
                sheet=row.get("sheet"),
                row=row.get("row"),
                column=row.get("column"),
                **kw,
            )
            self.first.setdefault(code, issue)
            self.issues.append(issue)

    def finish(self) -> list[Issue]:
        for code, n in self.counts.items():
            if n > MAX_PER_CODE:
                self.issues.append(more_like_this(self.first[code], n - MAX_PER_CODE))
        # Errors before warnings, then in the order of the file; "… and N more" after the listed ones.
        self.issues.sort(key=lambda i: (not i.is_error, i.sheet or "", i.row is None, i.row or 0))
        return self.issues


def _unit_label(config: Config, code: str | None, lang: str) -> str:
    if code is None:
        return "—"
    try:
        return config.registry.label(code, lang)
    except Exception:  # a registry without labels (tests with minimal registries)
        return code


def validate(
    obs: pl.DataFrame,
    config: Config,
    *,
    previous: pl.DataFrame | None = None,
    department: str | None = None,
    today: dt.date | None = None,
) -> list[Issue]:
    """Every error and warning about an observation frame, whatever source produced it."""
    if obs.is_empty():
        return []
    today = today or dt.date.today()
    ind = _indicator_frame(config)
    units = config.registry.units_frame().select(
        pl.col("unit_code").cast(pl.String), pl.col("level").cast(pl.String).alias("_level")
    )
    df = (
        conform(obs)
        .with_row_index("_i")
        .join(ind, on="indicator", how="left")
        .join(units, on="unit_code", how="left")
        .with_columns(_pfreq=period_frequency_expr("period"))
        .with_columns(_known=pl.col("_known").fill_null(False))
    )
    out = _Collector()
    _check_indicators(df, ind, out)
    _check_units(df, config, out)
    _check_periods(df, today, out)
    _check_values(df, out)
    _check_duplicates(df, out)
    if department is not None:
        _check_owner(df, department, config, out)
    # Warnings only make sense on rows that are otherwise sound.
    sound = df.filter(
        ~pl.col("_i").is_in(pl.Series(sorted(out.error_rows), dtype=pl.UInt32).implode()),
        pl.col("_known"),
        pl.col("_level").is_not_null(),
        pl.col("_pfreq") == pl.col("_freq"),
        pl.col("value").is_not_null() & pl.col("value").is_finite(),
    )
    with_prev = _with_previous(sound, previous)
    _check_jumps(with_prev, config, out)
    _check_outliers(with_prev, previous, config, out)
    return out.finish()


def _check_indicators(df: pl.DataFrame, ind: pl.DataFrame, out: _Collector) -> None:
    ids = ind["indicator"].to_list()
    bad = df.filter(~pl.col("_known"))
    suggestions: dict[str | None, str | None] = {}
    for name in bad["indicator"].unique().to_list():
        match = process.extractOne(name, ids, score_cutoff=60) if name else None
        suggestions[name] = match[0] if match else None

    def build(r: dict[str, Any]) -> Message:
        name, sug = r["indicator"], suggestions.get(r["indicator"])
        if name is None:
            return (
                "The indicator is missing.",
                "Thiếu mã chỉ tiêu.",
                {"expected": "an indicator id from targets.yaml"},
            )
        en = f"Unknown indicator '{name}'." + (f" Did you mean '{sug}'?" if sug else "")
        vi = f"Chỉ tiêu '{name}' không có trong danh mục." + (f" Có phải ý bạn là '{sug}'?" if sug else "")
        return en, vi, {"value": name, "expected": "an indicator id from targets.yaml"}

    out.add(bad, "unknown-indicator", build)


def _check_units(df: pl.DataFrame, config: Config, out: _Collector) -> None:
    def unknown(r: dict[str, Any]) -> Message:
        code = r["unit_code"]
        if code is None:
            return (
                "The unit code is missing.",
                "Thiếu mã đơn vị.",
                {"expected": "a commune code or department id"},
            )
        return (
            f"Unknown unit '{code}': not a commune code, department id or the province code.",
            f"Mã đơn vị '{code}' không có trong danh mục (không phải mã xã, phường, sở ngành hay mã tỉnh).",
            {"value": code, "expected": "a commune code (5 digits), a department id or the province code"},
        )

    out.add(df.filter(pl.col("_level").is_null()), "unknown-unit", unknown)

    allowed = (
        pl.when(pl.col("_level") == Level.PROVINCE.value)
        .then(pl.col("_allow_province"))
        .when(pl.col("_level") == Level.DEPARTMENT.value)
        .then(pl.col("_allow_department"))
        .otherwise(pl.col("_allow_commune"))
    )

    def wrong_level(r: dict[str, Any]) -> Message:
        return (
            f"Indicator '{r['indicator']}' is measured at the {r['_levels']} level; "
            f"{_unit_label(config, r['unit_code'], 'en')} is a {r['_level']}.",
            f"Chỉ tiêu '{r['indicator']}' chỉ đo ở cấp {r['_levels_vi']}; "
            f"{_unit_label(config, r['unit_code'], 'vi')} thuộc cấp {_LEVEL_VI.get(r['_level'], r['_level'])}.",
            {"value": r["unit_code"], "expected": f"a unit at level {r['_levels']}"},
        )

    rows = df.filter(pl.col("_known"), pl.col("_level").is_not_null(), ~allowed)
    out.add(rows, "unit-level-not-allowed", wrong_level)


def _check_periods(df: pl.DataFrame, today: dt.date, out: _Collector) -> None:
    def invalid(r: dict[str, Any]) -> Message:
        p = r["period"]
        return (
            f"'{p}' is not a period: write 2025-08 (a month), 2025-Q3 (a quarter) or 2025 (a year).",
            f"'{p}' không phải kỳ báo cáo: hãy ghi 2025-08 (tháng), 2025-Q3 (quý) hoặc 2025 (năm).",
            {"value": p, "expected": "YYYY-MM, YYYY-Qn or YYYY"},
        )

    out.add(df.filter(pl.col("_pfreq").is_null()), "invalid-period", invalid)

    def mismatch(r: dict[str, Any]) -> Message:
        f, pf = r["_freq"], r["_pfreq"]
        return (
            f"Period '{r['period']}' is {_FREQ_EN[pf]}, but indicator '{r['indicator']}' is reported "
            f"{f} (a period like {_FREQ_EXAMPLE[f]}).",
            f"Kỳ '{r['period']}' là một {_FREQ_VI[pf]}, nhưng chỉ tiêu '{r['indicator']}' báo cáo theo "
            f"{_FREQ_VI[f]} (kỳ dạng {_FREQ_EXAMPLE[f]}).",
            {"value": r["period"], "expected": f"{_FREQ_EN[f]} like {_FREQ_EXAMPLE[f]}"},
        )

    rows = df.filter(pl.col("_known"), pl.col("_pfreq").is_not_null(), pl.col("_pfreq") != pl.col("_freq"))
    out.add(rows, "period-frequency-mismatch", mismatch)

    def future(r: dict[str, Any]) -> Message:
        return (
            f"Period '{r['period']}' has not started yet (today is {today.isoformat()}).",
            f"Kỳ '{r['period']}' chưa bắt đầu (hôm nay là {today.strftime('%d/%m/%Y')}).",
            {"value": r["period"], "expected": "a period that has started"},
        )

    rows = df.filter(period_start_expr("period") > pl.lit(today))
    out.add(rows, "period-in-future", future, severity=Severity.WARNING)


def _check_values(df: pl.DataFrame, out: _Collector) -> None:
    def missing(r: dict[str, Any]) -> Message:
        return "The value is missing.", "Thiếu giá trị.", {"expected": "a number"}

    out.add(df.filter(pl.col("value").is_null()), "missing-value", missing)

    def not_finite(r: dict[str, Any]) -> Message:
        return (
            f"The value {_num(r['value'])} is not a usable number.",
            f"Giá trị {_num(r['value'], 'vi')} không phải là số hợp lệ.",
            {"value": str(r["value"]), "expected": "a finite number"},
        )

    out.add(
        df.filter(pl.col("value").is_not_null() & ~pl.col("value").is_finite()), "invalid-value", not_finite
    )

    def out_of_range(r: dict[str, Any]) -> Message:
        lo, hi, v = r["_lo"], r["_hi"], r["value"]
        rng_en = (
            f"{_num(lo)}–{_num(hi)}"
            if lo is not None and hi is not None
            else f"at least {_num(lo)}"
            if lo is not None
            else f"at most {_num(hi)}"
        )
        rng_vi = (
            f"{_num(lo, 'vi')}–{_num(hi, 'vi')}"
            if lo is not None and hi is not None
            else f"từ {_num(lo, 'vi')} trở lên"
            if lo is not None
            else f"không quá {_num(hi, 'vi')}"
        )
        extra = ""
        extra_vi = ""
        if r["_unit"] == MeasureUnit.PERCENT.value and hi is not None and v > hi and v <= 100 * hi:
            extra = " Percentages are written 0–100 (84.6, not 0.846 or 8460)."
            extra_vi = " Tỷ lệ phần trăm ghi từ 0 đến 100 (84,6 chứ không phải 8460)."
        return (
            f"Value {_num(v)} is outside the plausible range {rng_en} of '{r['indicator']}' ({r['_unit']})."
            + extra,
            f"Giá trị {_num(v, 'vi')} nằm ngoài khoảng hợp lệ {rng_vi} của chỉ tiêu '{r['indicator']}'."
            + extra_vi,
            {"value": _num(v), "expected": rng_en},
        )

    finite = pl.col("value").is_not_null() & pl.col("value").is_finite()
    below = pl.col("_lo").is_not_null() & (pl.col("value") < pl.col("_lo"))
    above = pl.col("_hi").is_not_null() & (pl.col("value") > pl.col("_hi"))
    out.add(df.filter(pl.col("_known"), finite, below | above), "value-out-of-range", out_of_range)

    def bad_ratio(r: dict[str, Any]) -> Message:
        n, d = r["numerator"], r["denominator"]
        if n < 0 or d < 0:
            return (
                f"Numerator {_num(n)} and denominator {_num(d)} must not be negative.",
                f"Tử số {_num(n, 'vi')} và mẫu số {_num(d, 'vi')} không được âm.",
                {"value": f"{_num(n)} / {_num(d)}", "expected": "numbers ≥ 0"},
            )
        return (
            f"Numerator {_num(n)} is larger than denominator {_num(d)}: a percentage cannot exceed 100%.",
            f"Tử số {_num(n, 'vi')} lớn hơn mẫu số {_num(d, 'vi')}: tỷ lệ không thể vượt 100%.",
            {"value": f"{_num(n)} / {_num(d)}", "expected": "numerator ≤ denominator"},
        )

    both = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    negative = (pl.col("numerator") < 0) | (pl.col("denominator") < 0)
    too_big = (pl.col("_unit") == MeasureUnit.PERCENT.value) & (pl.col("numerator") > pl.col("denominator"))
    out.add(df.filter(pl.col("_known"), both, negative | too_big), "numerator-exceeds-denominator", bad_ratio)


def _where(r: dict[str, Any]) -> str:
    parts = [p for p in (r.get("sheet"),) if p]
    cell = f"row {r['row']}" if r.get("row") is not None else "an earlier row"
    return " › ".join([*parts, cell])


def _check_duplicates(df: pl.DataFrame, out: _Collector) -> None:
    keyed = df.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in _KEY))
    first = keyed.group_by(_KEY).agg(
        pl.col("_i").min().alias("_first_i"),
        pl.col("row").sort_by("_i").first().alias("_first_row"),
        pl.col("sheet").sort_by("_i").first().alias("_first_sheet"),
        pl.len().alias("_n"),
    )
    dups = keyed.join(first, on=_KEY).filter(pl.col("_n") > 1, pl.col("_i") != pl.col("_first_i"))

    def build(r: dict[str, Any]) -> Message:
        other = {"sheet": r["_first_sheet"], "row": r["_first_row"]}
        other_vi = f"dòng {r['_first_row']}" if r["_first_row"] is not None else "một dòng phía trên"
        return (
            f"Indicator '{r['indicator']}', unit '{r['unit_code']}', period '{r['period']}' appears more than "
            f"once: also at {_where(other)}.",
            f"Chỉ tiêu '{r['indicator']}', đơn vị '{r['unit_code']}', kỳ '{r['period']}' bị lặp: đã có ở {other_vi}.",
            {
                "value": f"{r['indicator']} / {r['unit_code']} / {r['period']}",
                "expected": "one row per indicator, unit and period",
                "hint": "Keep one of the two rows and delete the other.",
                "hint_vi": "Hãy giữ một dòng và xóa dòng còn lại.",
                "extra": {"first_row": r["_first_row"]},
            },
        )

    out.add(dups, "duplicate-row", build)


def _check_owner(df: pl.DataFrame, department: str, config: Config, out: _Collector) -> None:
    def build(r: dict[str, Any]) -> Message:
        return (
            f"Indicator '{r['indicator']}' is reported by {_unit_label(config, r['_owner'], 'en')}, "
            f"not by {_unit_label(config, department, 'en')}.",
            f"Chỉ tiêu '{r['indicator']}' do {_unit_label(config, r['_owner'], 'vi')} báo cáo, "
            f"không phải {_unit_label(config, department, 'vi')}.",
            {"value": r["indicator"], "expected": f"indicators owned by {department}"},
        )

    rows = df.filter(pl.col("_known"), pl.col("_owner") != department)
    out.add(rows, "indicator-not-owned", build)


def _previous_values(previous: pl.DataFrame | None) -> pl.DataFrame:
    schema = {
        "indicator": pl.String,
        "unit_code": pl.String,
        "period": pl.String,
        "value": pl.Float64,
        "denominator": pl.Float64,
    }
    if previous is None or previous.is_empty():
        return pl.DataFrame(schema=schema)
    return previous.select(pl.col(c).cast(t) for c, t in schema.items())


def _with_previous(sound: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Each sound row with its unit's previous-period value (`_prev`, null when unknown) and `_jump`."""
    # The file's own values win over stored ones: a file with several months is compared with itself.
    own = sound.select([*_KEY, "value", "denominator"])
    known = (
        pl.concat([own, _previous_values(previous)])
        .unique(_KEY, keep="first", maintain_order=True)
        .select(
            "indicator",
            "unit_code",
            _prev_period="period",
            _prev="value",
            _prev_den="denominator",
            _pfreq=period_frequency_expr("period"),
            _next_idx=period_index_expr("period") + 1,
        )
    )
    joined = sound.with_columns(_next_idx=period_index_expr("period")).join(
        known, on=["indicator", "unit_code", "_pfreq", "_next_idx"], how="left"
    )
    delta = (pl.col("value") - pl.col("_prev")).abs()
    unit = pl.col("_unit")
    # Small counts swing by whole units (1 → 2 is +100 %): measure them against at least COUNT_FLOOR.
    base = pl.when(unit == MeasureUnit.COUNT.value).then(
        pl.max_horizontal(pl.col("_prev").abs(), COUNT_FLOOR)
    )
    jump = (
        pl.when(unit == MeasureUnit.PERCENT.value)
        .then(delta > JUMP_FACTOR_PP * pl.col("_tol"))
        .otherwise((pl.col("_prev") != 0) & (delta > JUMP_RELATIVE * base.otherwise(pl.col("_prev").abs())))
    )
    # A percentage of a handful of dossiers swings by chance; with both denominators known and one
    # below MIN_DENOMINATOR the comparison says nothing.
    small = pl.min_horizontal("denominator", "_prev_den") < MIN_DENOMINATOR
    return joined.with_columns(_jump=jump & ~small.fill_null(False))


def _check_jumps(with_prev: pl.DataFrame, config: Config, out: _Collector) -> None:
    def build(r: dict[str, Any]) -> Message:
        if r["_unit"] == MeasureUnit.PERCENT.value:
            limit = JUMP_FACTOR_PP * r["_tol"]
            exp_en = f"within ±{_num(limit)} percentage points of {_num(r['_prev'])}"
            exp_vi = f"trong khoảng ±{_num(limit, 'vi')} điểm phần trăm so với {_num(r['_prev'], 'vi')}"
        else:
            exp_en = f"within ±{int(JUMP_RELATIVE * 100)}% of {_num(r['_prev'])}"
            exp_vi = f"trong khoảng ±{int(JUMP_RELATIVE * 100)}% so với {_num(r['_prev'], 'vi')}"
        unit = _unit_label(config, r["unit_code"], "en")
        unit_vi = _unit_label(config, r["unit_code"], "vi")
        return (
            f"'{r['indicator']}' for {unit} moved from {_num(r['_prev'])} ({r['_prev_period']}) to "
            f"{_num(r['value'])} ({r['period']}); expected {exp_en}. Please check the figure.",
            f"Chỉ tiêu '{r['indicator']}' của {unit_vi} thay đổi từ {_num(r['_prev'], 'vi')} ({r['_prev_period']}) "
            f"thành {_num(r['value'], 'vi')} ({r['period']}); thường {exp_vi}. Hãy kiểm tra lại số liệu.",
            {"value": _num(r["value"]), "expected": exp_en},
        )

    out.add(with_prev.filter(pl.col("_jump")), "value-jump", build, severity=Severity.WARNING)


def _check_outliers(
    with_prev: pl.DataFrame, previous: pl.DataFrame | None, config: Config, out: _Collector
) -> None:
    communes = with_prev.filter(pl.col("_level") == Level.COMMUNE.value)
    if communes.is_empty():
        return
    own = communes.select([*_KEY, "value"]).unique(_KEY, keep="first", maintain_order=True)
    stored = _previous_values(previous).select([*_KEY, "value"]).join(own.select(_KEY), on=_KEY, how="anti")
    commune_codes = config.registry.units_frame().filter(pl.col("level") == Level.COMMUNE.value)["unit_code"]
    stored = stored.filter(pl.col("unit_code").is_in(commune_codes.implode()))
    stored = stored.join(own.select("indicator", "period").unique(), on=["indicator", "period"], how="semi")
    pool = pl.concat([own, stored])
    stats = (
        pool.group_by("indicator", "period")
        .agg(
            pl.len().alias("_n"),
            pl.col("value").median().alias("_med"),
            (pl.col("value") - pl.col("value").median()).abs().median().alias("_mad"),
            (pl.col("value") - pl.col("value").median()).abs().mean().alias("_meanad"),
        )
        .filter(pl.col("_n") >= OUTLIER_MIN_COMMUNES)
    )
    dev = pl.col("value") - pl.col("_med")
    z = (
        pl.when(pl.col("_mad") > 0)
        .then(0.6745 * dev / pl.col("_mad"))
        .when(pl.col("_meanad") > 0)
        .then(dev / (1.253314 * pl.col("_meanad")))
        .otherwise(0.0)
    )
    # A unit that sits as far out as it did last period is a known laggard or leader, not a typo:
    # only a value without history, or one that also jumped, is flagged.
    new_or_moved = pl.col("_prev").is_null() | pl.col("_jump")
    enough = pl.col("denominator").is_null() | (pl.col("denominator") >= MIN_DENOMINATOR)
    flagged = (
        communes.join(stats, on=["indicator", "period"])
        .with_columns(_z=z)
        .filter(pl.col("_z").abs() > OUTLIER_Z, new_or_moved, enough)
    )

    def build(r: dict[str, Any]) -> Message:
        unit = _unit_label(config, r["unit_code"], "en")
        unit_vi = _unit_label(config, r["unit_code"], "vi")
        return (
            f"'{r['indicator']}' for {unit} is {_num(r['value'])} in {r['period']}, far from the other "
            f"communes (median {_num(r['_med'])} over {r['_n']} communes, robust z = {r['_z']:.1f}). "
            "Please check the figure.",
            f"Chỉ tiêu '{r['indicator']}' của {unit_vi} kỳ {r['period']} là {_num(r['value'], 'vi')}, khác xa các "
            f"xã, phường khác (trung vị {_num(r['_med'], 'vi')} trên {r['_n']} đơn vị). Hãy kiểm tra lại số liệu.",
            {
                "value": _num(r["value"]),
                "expected": f"near the median {_num(r['_med'])} (|robust z| ≤ {OUTLIER_Z:g})",
            },
        )

    out.add(flagged, "value-outlier", build, severity=Severity.WARNING)
