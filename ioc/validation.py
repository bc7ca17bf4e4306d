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
from ioc.i18n import format_date
from ioc.issues import MAX_PER_CODE, Issue, Severity, more_like_this
from ioc.messages import Num, Words, indicator_words, issue, period_words, text, unit_words, words
from ioc.observations import conform
from ioc.period_labels import period_example, period_shape
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

Message = tuple[
    str, dict[str, Any]
]  # (catalog key in ioc.messages, its fields and the Issue's value/expected)


def _num(x: float | None, lang: str = "en") -> str:
    """A number for the `value`/`expected` columns: up to 2 decimals, no trailing zeros (the page shows
    it in the UI language's format); messages use `_n`."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def _n(x: float | None) -> Words | Num:
    """A number for a message, in each language's format ("95,2" / "95.2"), at most 2 decimals."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return Words(_num(x), _num(x))
    return Num(x if 0 < abs(x) < 0.01 else round(float(x), 2), None)


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
            key, fields = build(row)
            found = issue(
                key,
                severity=severity,
                file=row.get("source_file"),
                sheet=row.get("sheet"),
                row=row.get("row"),
                column=row.get("column"),
                **fields,
            )
            self.first.setdefault(code, found)
            self.issues.append(found)

    def finish(self) -> list[Issue]:
        for code, n in self.counts.items():
            if n > MAX_PER_CODE:
                self.issues.append(more_like_this(self.first[code], n - MAX_PER_CODE))
        # Errors before warnings, then in the order of the file; "… and N more" after the listed ones.
        self.issues.sort(key=lambda i: (not i.is_error, i.sheet or "", i.row is None, i.row or 0))
        return self.issues


def _levels_words(levels: str | None) -> Words:
    """ "commune, department" as each language names the levels ("xã, sở, ngành")."""
    names = [x.strip() for x in (levels or "").split(",") if x.strip()]
    return Words(*(", ".join(text(f"phrase.{x}", lang) for x in names) for lang in ("vi", "en")))


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
    _check_indicators(df, ind, config, out)
    _check_units(df, config, out)
    _check_periods(df, today, config, out)
    _check_values(df, config, out)
    _check_duplicates(df, config, out)
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


def _check_indicators(df: pl.DataFrame, ind: pl.DataFrame, config: Config, out: _Collector) -> None:
    ids = ind["indicator"].to_list()
    bad = df.filter(~pl.col("_known"))
    suggestions: dict[str | None, str | None] = {}
    for name in bad["indicator"].unique().to_list():
        match = process.extractOne(name, ids, score_cutoff=60) if name else None
        suggestions[name] = match[0] if match else None

    def build(r: dict[str, Any]) -> Message:
        name, sug = r["indicator"], suggestions.get(r["indicator"])
        if name is None:
            return "unknown-indicator:missing", {"expected": "an indicator id from targets.yaml"}
        guess = words("phrase.did-you-mean-sentence", name=indicator_words(config, sug)) if sug else ""
        return "unknown-indicator:validation", {
            "value": name,
            "expected": "an indicator id from targets.yaml",
            "guess": guess,
        }

    out.add(bad, "unknown-indicator", build)


def _check_units(df: pl.DataFrame, config: Config, out: _Collector) -> None:
    def unknown(r: dict[str, Any]) -> Message:
        code = r["unit_code"]
        if code is None:
            return "unknown-unit:missing", {"expected": "a commune code or department id"}
        return "unknown-unit:code", {
            "value": code,
            "expected": "a commune code (5 digits), a department id or the province code",
        }

    out.add(df.filter(pl.col("_level").is_null()), "unknown-unit", unknown)

    allowed = (
        pl.when(pl.col("_level") == Level.PROVINCE.value)
        .then(pl.col("_allow_province"))
        .when(pl.col("_level") == Level.DEPARTMENT.value)
        .then(pl.col("_allow_department"))
        .otherwise(pl.col("_allow_commune"))
    )

    def wrong_level(r: dict[str, Any]) -> Message:
        return "unit-level-not-allowed", {
            "value": r["unit_code"],
            "expected": f"a unit at level {r['_levels']}",
            "indicator": indicator_words(config, r["indicator"]),
            "levels": _levels_words(r["_levels"]),
            "unit": unit_words(config, r["unit_code"]),
            "level": words(f"phrase.{r['_level']}"),
        }

    rows = df.filter(pl.col("_known"), pl.col("_level").is_not_null(), ~allowed)
    out.add(rows, "unit-level-not-allowed", wrong_level)


def _check_periods(df: pl.DataFrame, today: dt.date, config: Config, out: _Collector) -> None:
    def invalid(r: dict[str, Any]) -> Message:
        return "invalid-period", {"value": r["period"], "expected": "YYYY-MM, YYYY-Qn or YYYY"}

    out.add(df.filter(pl.col("_pfreq").is_null()), "invalid-period", invalid)

    def mismatch(r: dict[str, Any]) -> Message:
        f, pf = r["_freq"], r["_pfreq"]
        return "period-frequency-mismatch", {
            "value": r["period"],
            "expected": period_shape(f, "en"),
            "period": period_words(r["period"]),
            "given": words(f"phrase.a-{pf}"),
            "indicator": indicator_words(config, r["indicator"]),
            "frequency": words(f"phrase.{f}"),
            "example": period_example(f),
        }

    rows = df.filter(pl.col("_known"), pl.col("_pfreq").is_not_null(), pl.col("_pfreq") != pl.col("_freq"))
    out.add(rows, "period-frequency-mismatch", mismatch)

    def future(r: dict[str, Any]) -> Message:
        return "period-in-future:validation", {
            "value": r["period"],
            "expected": "a period that has started",
            "period": period_words(r["period"]),
            "today": Words(format_date(today, "vi"), format_date(today, "en")),
        }

    rows = df.filter(period_start_expr("period") > pl.lit(today))
    out.add(rows, "period-in-future", future, severity=Severity.WARNING)


def _check_values(df: pl.DataFrame, config: Config, out: _Collector) -> None:
    def missing(r: dict[str, Any]) -> Message:
        return "missing-value", {"expected": "a number"}

    out.add(df.filter(pl.col("value").is_null()), "missing-value", missing)

    def not_finite(r: dict[str, Any]) -> Message:
        return "invalid-value", {
            "value": str(r["value"]),
            "expected": "a finite number",
            "number": _n(r["value"]),
        }

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
        bounds = {"low": _n(lo), "high": _n(hi)}
        rng = (
            words("phrase.between", **bounds)
            if lo is not None and hi is not None
            else words("phrase.at-least", **bounds)
            if lo is not None
            else words("phrase.at-most", **bounds)
        )
        percent = r["_unit"] == MeasureUnit.PERCENT.value and hi is not None and v > hi and v <= 100 * hi
        return "value-out-of-range", {
            "value": _num(v),
            "expected": rng_en,
            "number": _n(v),
            "range": rng,
            "indicator": indicator_words(config, r["indicator"]),
            "note": words("phrase.percent-0-100") if percent else "",
        }

    finite = pl.col("value").is_not_null() & pl.col("value").is_finite()
    below = pl.col("_lo").is_not_null() & (pl.col("value") < pl.col("_lo"))
    above = pl.col("_hi").is_not_null() & (pl.col("value") > pl.col("_hi"))
    out.add(df.filter(pl.col("_known"), finite, below | above), "value-out-of-range", out_of_range)

    def bad_ratio(r: dict[str, Any]) -> Message:
        n, d = r["numerator"], r["denominator"]
        key = "numerator-exceeds-denominator:negative" if n < 0 or d < 0 else "numerator-exceeds-denominator"
        return key, {
            "value": f"{_num(n)} / {_num(d)}",
            "expected": "numbers ≥ 0" if n < 0 or d < 0 else "numerator ≤ denominator",
            "numerator": _n(n),
            "denominator": _n(d),
        }

    both = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    negative = (pl.col("numerator") < 0) | (pl.col("denominator") < 0)
    too_big = (pl.col("_unit") == MeasureUnit.PERCENT.value) & (pl.col("numerator") > pl.col("denominator"))
    out.add(df.filter(pl.col("_known"), both, negative | too_big), "numerator-exceeds-denominator", bad_ratio)


def _check_duplicates(df: pl.DataFrame, config: Config, out: _Collector) -> None:
    keyed = df.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in _KEY))
    first = keyed.group_by(_KEY).agg(
        pl.col("_i").min().alias("_first_i"),
        pl.col("row").sort_by("_i").first().alias("_first_row"),
        pl.col("sheet").sort_by("_i").first().alias("_first_sheet"),
        pl.len().alias("_n"),
    )
    dups = keyed.join(first, on=_KEY).filter(pl.col("_n") > 1, pl.col("_i") != pl.col("_first_i"))

    def build(r: dict[str, Any]) -> Message:
        first = r["_first_row"]
        return "duplicate-row" if first is not None else "duplicate-row:earlier", {
            "value": f"{r['indicator']} / {r['unit_code']} / {r['period']}",
            "expected": "one row per indicator, unit and period",
            "extra": {"first_row": first},
            "indicator": indicator_words(config, r["indicator"]),
            "unit": unit_words(config, r["unit_code"]),
            "period": period_words(r["period"]),
            "first": str(first),
        }

    out.add(dups, "duplicate-row", build)


def _check_owner(df: pl.DataFrame, department: str, config: Config, out: _Collector) -> None:
    def build(r: dict[str, Any]) -> Message:
        return "indicator-not-owned", {
            "value": r["indicator"],
            "expected": f"indicators owned by {department}",
            "indicator": indicator_words(config, r["indicator"]),
            "owner": unit_words(config, r["_owner"]),
            "department": unit_words(config, department),
        }

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
            usual = words("phrase.within-points", limit=_n(limit), previous=_n(r["_prev"]))
        else:
            exp_en = f"within ±{int(JUMP_RELATIVE * 100)}% of {_num(r['_prev'])}"
            usual = words("phrase.within-share", limit=str(int(JUMP_RELATIVE * 100)), previous=_n(r["_prev"]))
        return "value-jump", {
            "value": _num(r["value"]),
            "expected": exp_en,
            "indicator": indicator_words(config, r["indicator"]),
            "unit": unit_words(config, r["unit_code"]),
            "previous": _n(r["_prev"]),
            "previous_period": period_words(r["_prev_period"]),
            "number": _n(r["value"]),
            "period": period_words(r["period"]),
            "usual": usual,
        }

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
        # said in words ("far from the other communes: median 95.2"), the robust z stays in `extra`
        return "value-outlier", {
            "value": _num(r["value"]),
            "expected": f"close to the other communes' median {_num(r['_med'])}",
            "extra": {"median": r["_med"], "robust_z": round(float(r["_z"]), 2), "communes": r["_n"]},
            "indicator": indicator_words(config, r["indicator"]),
            "unit": unit_words(config, r["unit_code"]),
            "period": period_words(r["period"]),
            "number": _n(r["value"]),
            "median": _n(r["_med"]),
            "count": r["_n"],
        }

    out.add(flagged, "value-outlier", build, severity=Severity.WARNING)
