"""The table below a header: data rows (totals, notes, numbering rows skipped), cells and their numbers."""

from __future__ import annotations

import re

import polars as pl

from data_sources import ParseResult
from data_sources.sheet_header import VALUE_ROLES, Header
from data_sources.xlsx_cells import SheetGrid, col_index
from ioc.numbers import NumberParseError, parse_number, parse_number_column
from ioc.textnorm import full_key, full_key_expr, nfc_expr
from ioc.workbook_layout import (
    HEADER_SYNONYMS,
)

# Labels of total rows (full keys, trailing ":" and "." removed). Never read as a unit.
TOTAL_LABELS = frozenset(
    {"tổng cộng", "cộng", "tổng", "tổng số", "cộng chung", "toàn tỉnh", "cả tỉnh", "total", "grand total"}
)


_TOTAL_PREFIX = r"^(tổng cộng|tổng số|cộng toàn|toàn tỉnh)\b"


# First cell of a note/signature row: the table ends above it.
_NOTE_RE = (
    r"^(\(?\*|ghi chú|chú thích|chú ý|lưu ý|nguồn\s*:|nguồn số liệu|người lập|người ký|người báo cáo|"
    r"người tổng hợp|thủ trưởng|lãnh đạo|giám đốc|kế toán|nơi nhận|xác nhận|ký tên|\(ký|notes?\b|"
    r"source\s*:|prepared by)|ngày\s+\S*\s*tháng\s+\S*\s*năm"
)


_NUMBERING_TOKEN = re.compile(r"^\(?(\d{1,2}|[A-Za-z]|\d+\s*[=+*/-].*)\)?$")


def _clean(expr: pl.Expr) -> pl.Expr:
    """NFC, whitespace collapsed and stripped; empty text becomes null."""
    text = nfc_expr(expr)
    return pl.when(text == "").then(None).otherwise(text)


def _is_total(expr: pl.Expr) -> pl.Expr:
    key = full_key_expr(expr).str.strip_chars(" :.")
    return key.is_in(list(TOTAL_LABELS)) | key.str.contains(_TOTAL_PREFIX)


def table_rows(sheet: SheetGrid, header: Header, result: ParseResult) -> pl.DataFrame:
    """Data rows of the table: below the header, above the first note row; blank, total, repeated-header
    and numbering rows dropped. Columns: row + every Excel letter (cleaned text)."""
    letters = sheet.letters
    data = sheet.frame.filter(pl.col("row") > header.last_row).with_columns(
        _clean(pl.col(x)).alias(x) for x in letters
    )
    first_text = pl.coalesce([pl.col(x) for x in letters]) if letters else pl.lit(None, dtype=pl.String)
    data = data.with_columns(full_key_expr(first_text).str.contains(_NOTE_RE).fill_null(False).alias("_note"))
    stop = data.filter(pl.col("_note")).get_column("row").min()
    if stop is not None:
        data = data.filter(pl.col("row") < stop)
        result.detail["table_ends_before_row"] = int(stop)
    roles = header.roles
    table_letters = [x for r, x in roles.items() if r not in ("stt", "note")] + [
        x for x, _, _ in header.indicator_cols
    ]
    blank = pl.all_horizontal([pl.col(x).is_null() for x in table_letters]) if table_letters else pl.lit(True)
    label_letters = [roles[r] for r in ("unit_name", "unit_code", "indicator_name", "stt") if r in roles]
    first_letter = min(table_letters, key=col_index) if table_letters else None
    if first_letter and first_letter not in label_letters:
        label_letters.append(first_letter)
    total = pl.any_horizontal([_is_total(pl.col(x)).fill_null(False) for x in label_letters])
    if header.layout == "long":
        # a long row that names an indicator is data even when its unit is written "Toàn tỉnh"
        ind = pl.col(roles["indicator"])
        total = total & (ind.is_null() | _is_total(ind).fill_null(False))
    repeated = pl.lit(False)
    for role in ("unit_code", "unit_name", "indicator"):
        if role in roles:
            syn = [full_key(s).strip(" :*.") for s in HEADER_SYNONYMS[role]]
            repeated = repeated | full_key_expr(pl.col(roles[role])).str.strip_chars(" :*.").is_in(
                syn
            ).fill_null(False)
    data = data.with_columns(blank.alias("_blank"), total.alias("_total"), repeated.alias("_repeat"))
    numbering = _numbering_rows(data.filter(~pl.col("_blank")).head(2), table_letters)
    skipped_totals = data.filter(pl.col("_total") & ~pl.col("_blank")).get_column("row").to_list()
    result.detail["total_rows_skipped"] = skipped_totals
    keep = data.filter(
        ~pl.col("_blank") & ~pl.col("_total") & ~pl.col("_repeat") & ~pl.col("row").is_in(numbering)
    )
    result.rows_read = keep.height
    return keep.drop("_note", "_blank", "_total", "_repeat")


def _numbering_rows(head: pl.DataFrame, letters: list[str]) -> list[int]:
    """Rows right under the header that only number the columns: (1) (2) (3), A B 1 2, "3=4+5"."""
    out = []
    for rec in head.select("row", *letters).iter_rows(named=True):
        tokens = [rec[x] for x in sorted(letters, key=col_index) if rec[x] is not None]
        if len(tokens) < 2 or not all(_NUMBERING_TOKEN.match(t) for t in tokens):
            continue
        ints = [int(re.sub(r"\D", "", t)) for t in tokens if re.fullmatch(r"\(?\d{1,2}\)?", t)]
        if ints == sorted(set(ints)):
            out.append(rec["row"])
    return out


def table_cells(table: pl.DataFrame, header: Header) -> pl.DataFrame:
    """One row per value cell: row, indicator_text, ind_col, code_text, code_col, name_text, name_col,
    period_text, period_col, role, column, text."""
    roles = header.roles

    def opt(role: str) -> tuple[pl.Expr, pl.Expr]:
        if role in roles:
            return pl.col(roles[role]), pl.lit(roles[role])
        return pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.String)

    code, code_col = opt("unit_code")
    name, name_col = opt("unit_name")
    per, per_col = opt("period")
    base = [
        pl.col("row"),
        code.alias("code_text"),
        code_col.alias("code_col"),
        name.alias("name_text"),
        name_col.alias("name_col"),
        per.alias("period_text"),
        per_col.alias("period_col"),
    ]
    parts = []
    if header.layout == "long":
        ind, ind_col = opt("indicator")
        for role in VALUE_ROLES:
            if role in roles:
                parts.append(
                    table.select(
                        *base,
                        ind.alias("indicator_text"),
                        ind_col.alias("ind_col"),
                        pl.lit(role).alias("role"),
                        pl.lit(roles[role]).alias("column"),
                        pl.col(roles[role]).alias("text"),
                    )
                )
    else:
        # an indicator's value/numerator/denominator columns share its first column as its place
        first_col: dict[str, str] = {}
        for letter, ind_id, _ in header.indicator_cols:
            first_col.setdefault(ind_id, letter)
        for letter, ind_id, role in header.indicator_cols:
            parts.append(
                table.select(
                    *base,
                    pl.lit(ind_id).alias("indicator_text"),
                    pl.lit(first_col[ind_id]).alias("ind_col"),
                    pl.lit(role).alias("role"),
                    pl.lit(letter).alias("column"),
                    pl.col(letter).alias("text"),
                )
            )
    schema = {
        "row": pl.Int64,
        "code_text": pl.String,
        "code_col": pl.String,
        "name_text": pl.String,
        "name_col": pl.String,
        "period_text": pl.String,
        "period_col": pl.String,
        "indicator_text": pl.String,
        "ind_col": pl.String,
        "role": pl.String,
        "column": pl.String,
        "text": pl.String,
    }
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, how="vertical").select(pl.col(c).cast(t) for c, t in schema.items())


def parse_values(cells: pl.DataFrame, facts: pl.DataFrame, percent_ind: pl.Expr) -> pl.DataFrame:
    """Add `num` (Float64), `problem` (bad-number | formula-no-value | null), `reason`/`reason_vi`,
    `from_percent_format` and `text_number` to the value cells."""
    df = cells.join(facts, on=["row", "column"], how="left").with_columns(
        pl.col("percent").fill_null(False), pl.col("no_value").fill_null(False)
    )
    plain = pl.col("text").str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    # xlsx: the XML says number or text; .xls: unknown, so a plain English-style number is a number
    numeric = (pl.col("kind") == "number") | (pl.col("kind").is_null() & plain.fill_null(False))
    df = df.with_columns(numeric.fill_null(False).alias("_numeric"))
    is_text = ~pl.col("_numeric") & (pl.col("kind").is_null() | (pl.col("kind") == "text"))
    as_text = df.filter(is_text & pl.col("text").is_not_null())
    if as_text.height:
        distinct = as_text.get_column("text").unique()
        values, reasons = parse_number_column(distinct)
        reasons_vi = [
            None if r is None else _reason_vi(t)
            for t, r in zip(distinct.to_list(), reasons.to_list(), strict=True)
        ]
        parsed = pl.DataFrame(
            {"text": distinct, "_tval": values, "reason": reasons, "reason_vi": reasons_vi},
            schema={"text": pl.String, "_tval": pl.Float64, "reason": pl.String, "reason_vi": pl.String},
        )
    else:
        parsed = pl.DataFrame(
            schema={"text": pl.String, "_tval": pl.Float64, "reason": pl.String, "reason_vi": pl.String}
        )
    df = df.join(parsed, on="text", how="left", maintain_order="left")
    cast = pl.col("text").cast(pl.Float64, strict=False)
    pct_fraction = pl.col("_numeric") & pl.col("percent") & percent_ind & (pl.col("role") == "value")
    num = (
        pl.when(pl.col("_numeric") & pct_fraction)
        .then(cast * 100.0)
        .when(pl.col("_numeric"))
        .then(cast)
        .when(is_text)
        .then(pl.col("_tval"))
        .otherwise(None)
    )
    problem = (
        pl.when(pl.col("no_value") & pl.col("text").is_null())
        .then(pl.lit("formula-no-value"))
        .when(pl.col("kind") == "error")
        .then(pl.lit("bad-number"))
        .when(pl.col("text").is_null())
        .then(None)
        .when(num.is_null())
        .then(pl.lit("bad-number"))
        .otherwise(None)
    )
    return df.with_columns(
        num.alias("num"),
        problem.alias("problem"),
        pct_fraction.fill_null(False).alias("from_percent_format"),
        (is_text & pl.col("text").is_not_null()).fill_null(False).alias("text_number"),
    ).drop("_numeric", "_tval")


def _reason_vi(text: str) -> str | None:
    try:
        parse_number(text)
    except NumberParseError as e:
        return e.reason_vi
    return None
