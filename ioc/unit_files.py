"""The registry files: reading departments/communes CSVs and validating their rows into frames."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from ioc.issues import Issue
from ioc.messages import issue, warning
from ioc.targets import ID_PATTERN
from ioc.textnorm import (
    canonical_key_expr,
    clean_text,
    nfc,
    nfc_expr,
    type_expr,
)

COMMUNE_TYPES = ("xã", "phường", "đặc khu")


TYPE_EN = {"xã": "Commune", "phường": "Ward", "đặc khu": "Special Zone", "thị trấn": "Township"}


# Mainland plus Hoàng Sa and Trường Sa (Trường Sa reaches ~6.5°N, ~117.8°E).
VN_LAT = (6.0, 23.5)


VN_LON = (102.0, 118.0)


CROSSWALK_COLUMNS = ("former_code", "former_name", "former_type", "code", "weight", "valid_until")


COMMUNE_COLUMNS = ("code", "name", "type")


DEPARTMENT_COLUMNS = ("id", "name_vi", "name_en")


def pad_code(value: Any) -> str | None:
    """A commune code as 5-digit text: 1234 / "1234" / "01234" → "01234"; None when it is not one."""
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    s = clean_text(str(value))
    if s.endswith(".0") and s[:-2].isdigit():  # a code column read as float somewhere upstream
        s = s[:-2]
    if not s.isdigit() or len(s) > 5 or not s.isascii():
        return None
    return s.zfill(5)


def commune_code_expr(expr: pl.Expr) -> pl.Expr:
    """Polars: a code column as 5-digit text (1234 → "01234", "1234.0" → "01234"); null where it is not one."""
    s = expr.cast(pl.String).str.normalize("NFC").str.strip_chars().str.replace(r"\.0$", "")
    return pl.when(s.str.contains(r"^[0-9]{1,5}$")).then(s.str.zfill(5)).otherwise(None)


def text_column(df: pl.DataFrame, name: str) -> pl.Expr:
    """A column as NFC, space-collapsed text (null when the column is absent)."""
    if name not in df.columns:
        return pl.lit(None, dtype=pl.String)
    return nfc_expr(pl.col(name).cast(pl.String))


def raw_column(df: pl.DataFrame, name: str) -> pl.Expr:
    """A column as raw text, not normalised (null when the column is absent)."""
    return pl.col(name).cast(pl.String) if name in df.columns else pl.lit(None, dtype=pl.String)


def alias_column(df: pl.DataFrame, name: str = "aliases") -> pl.Expr:
    """`|`-separated text or a list column → list[str], NFC, trimmed, empties and repeats dropped."""
    if name not in df.columns:
        return pl.lit([], dtype=pl.List(pl.String))
    col = pl.col(name)
    if df.schema[name] == pl.List(pl.String):
        items = col.fill_null(pl.lit([], dtype=pl.List(pl.String)))
    else:
        items = col.cast(pl.String).fill_null("").str.split("|")
    return (
        items.list.eval(nfc_expr(pl.element()))
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 0))
        .list.unique(maintain_order=True)
    )


def with_rows(df: pl.DataFrame, given: list[int] | None) -> pl.DataFrame:
    """The frame with `_row`: each row's line in its file (header = 1; default row index + 2)."""
    rows = given if given is not None and len(given) == df.height else list(range(2, df.height + 2))
    return df.with_columns(pl.Series("_row", rows, dtype=pl.Int64))


def missing_columns(df: pl.DataFrame, needed: Iterable[str], file: str, issues: list[Issue]) -> bool:
    """Report each required column the file lacks; True when any is missing."""
    missing = [c for c in needed if c not in df.columns]
    for c in missing:
        issues.append(
            issue(
                "registry-missing-column",
                file=file,
                row=1,
                column=c,
                expected=c,
                name=c,
                columns=", ".join(df.columns),
            )
        )
    return bool(missing)


def emit_rows(frame: pl.DataFrame, flag: str, make: Any, issues: list[Issue]) -> None:
    """One issue per row where the boolean column `flag` is true (`make(row_dict) -> Issue`)."""
    for row in frame.filter(pl.col(flag)).iter_rows(named=True):
        issues.append(make(row))


def sort_by_row(issues: list[Issue], start: int) -> None:
    """Order the issues appended since `start` by row, so a file's report reads top to bottom."""
    issues[start:] = sorted(issues[start:], key=lambda i: i.row if i.row is not None else 0)


DEPARTMENT_SCHEMA = {
    "id": pl.String,
    "name_vi": pl.String,
    "name_en": pl.String,
    "short": pl.String,
    "aliases": pl.List(pl.String),
}


COMMUNE_SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "type": pl.String,
    "display_name": pl.String,
    "name_en": pl.String,
    "aliases": pl.List(pl.String),
    "lat": pl.Float64,
    "lon": pl.Float64,
    "key": pl.String,
}


def validate_departments(
    df: pl.DataFrame, file: str | None, given_rows: list[int] | None, issues: list[Issue]
) -> pl.DataFrame:
    """Check departments.csv rows (ids, names, duplicates) and return the clean departments frame."""
    file = file or "departments"
    if missing_columns(df, DEPARTMENT_COLUMNS, file, issues):
        return pl.DataFrame(schema=DEPARTMENT_SCHEMA)
    start = len(issues)
    d = with_rows(df, given_rows).select(
        "_row",
        text_column(df, "id").alias("id"),
        text_column(df, "name_vi").alias("name_vi"),
        text_column(df, "name_en").alias("name_en"),
        text_column(df, "short").replace("", None).alias("short"),
        alias_column(df).alias("aliases"),
    )
    d = d.with_columns(bad_id=~pl.col("id").str.contains(ID_PATTERN).fill_null(False))
    d = d.with_columns(
        dup=~pl.col("bad_id") & ~pl.col("id").is_first_distinct(),
        first_row=pl.col("_row").min().over("id"),
        no_vi=pl.col("name_vi").fill_null("") == "",
        no_en=pl.col("name_en").fill_null("") == "",
    )
    emit_rows(
        d,
        "bad_id",
        lambda r: issue(
            "registry-bad-department-id",
            file=file,
            row=r["_row"],
            column="id",
            value=r["id"],
            expected="e.g. so_y_te",
            id=r["id"] or "",
        ),
        issues,
    )
    emit_rows(
        d,
        "dup",
        lambda r: issue(
            "registry-duplicate-department",
            file=file,
            row=r["_row"],
            column="id",
            value=r["id"],
            id=r["id"],
            first=str(r["first_row"]),
        ),
        issues,
    )
    for flag, col in (("no_vi", "name_vi"), ("no_en", "name_en")):
        emit_rows(
            d.filter(~pl.col("bad_id")),
            flag,
            lambda r, col=col: issue(
                "registry-missing-name", file=file, row=r["_row"], column=col, id=r["id"], name=col
            ),
            issues,
        )
    sort_by_row(issues, start)
    return d.filter(~pl.col("bad_id") & ~pl.col("dup") & ~pl.col("no_vi") & ~pl.col("no_en")).select(
        list(DEPARTMENT_SCHEMA)
    )


def validate_communes(
    df: pl.DataFrame, file: str | None, given_rows: list[int] | None, issues: list[Issue]
) -> pl.DataFrame:
    """Check communes.csv rows (codes, types, names, coordinates) and return the clean communes frame."""
    file = file or "communes"
    if missing_columns(df, COMMUNE_COLUMNS, file, issues):
        return pl.DataFrame(schema=COMMUNE_SCHEMA)
    start = len(issues)
    c = with_rows(df, given_rows).select(
        "_row",
        raw_column(df, "code").alias("raw_code"),
        commune_code_expr(pl.col("code")).alias("code"),
        raw_column(df, "type").alias("raw_type"),
        text_column(df, "type").str.to_lowercase().alias("type"),
        text_column(df, "name").alias("raw_name"),
        text_column(df, "name_en").replace("", None).alias("given_en"),
        alias_column(df).alias("aliases"),
        text_column(df, "lat").alias("raw_lat"),
        text_column(df, "lon").alias("raw_lon"),
    )
    lat, lon = pl.col("lat"), pl.col("lon")
    c = c.with_columns(
        pl.col("raw_lat").cast(pl.Float64, strict=False).alias("lat"),
        pl.col("raw_lon").cast(pl.Float64, strict=False).alias("lon"),
        # "Xã Tân Hòa" typed in the name column of a xã: keep the official name without its type
        pl.when(type_expr(pl.col("raw_name")) == pl.col("type"))
        .then(pl.col("raw_name").str.replace(r"(?i)^(?:(?:xã|phường|đặc khu)\s+|[px]\.\s*)", ""))
        .otherwise(pl.col("raw_name"))
        .alias("name"),
    ).with_columns(
        bad_code=pl.col("code").is_null(),
        dup=pl.col("code").is_not_null() & ~pl.col("code").is_first_distinct(),
        first_row=pl.col("_row").min().over("code"),
        bad_type=~pl.col("type").is_in(list(COMMUNE_TYPES)).fill_null(False),
        no_name=pl.col("name").fill_null("") == "",
        bad_coord=((pl.col("raw_lat").fill_null("") != "") | (pl.col("raw_lon").fill_null("") != ""))
        & (lat.is_null() | lon.is_null() | ~lat.is_between(*VN_LAT) | ~lon.is_between(*VN_LON)).fill_null(
            True
        ),
    )
    emit_rows(
        c,
        "bad_code",
        lambda r: issue(
            "registry-bad-code",
            file=file,
            row=r["_row"],
            column="code",
            value=r["raw_code"],
            expected="5 digits, leading zeros kept (e.g. 01234)",
            code=r["raw_code"] or "",
        ),
        issues,
    )
    emit_rows(
        c,
        "dup",
        lambda r: issue(
            "registry-duplicate-code",
            file=file,
            row=r["_row"],
            column="code",
            value=r["code"],
            code=r["code"],
            first=str(r["first_row"]),
        ),
        issues,
    )
    emit_rows(
        c,
        "bad_type",
        lambda r: issue(
            "registry-bad-type",
            file=file,
            row=r["_row"],
            column="type",
            value=r["raw_type"],
            expected="xã | phường | đặc khu",
            type=r["raw_type"] or "",
        ),
        issues,
    )
    emit_rows(
        c,
        "no_name",
        lambda r: issue("registry-missing-name:commune", file=file, row=r["_row"], column="name"),
        issues,
    )
    emit_rows(
        c,
        "bad_coord",
        lambda r: issue(
            "registry-bad-coordinates",
            file=file,
            row=r["_row"],
            column="lat" if r["lat"] is None or not VN_LAT[0] <= r["lat"] <= VN_LAT[1] else "lon",
            value=f"{r['raw_lat']}, {r['raw_lon']}",
            expected=f"lat {VN_LAT[0]}–{VN_LAT[1]}, lon {VN_LON[0]}–{VN_LON[1]} (decimal degrees, '.' decimals)",
            lat=str(r["raw_lat"]),
            lon=str(r["raw_lon"]),
        ),
        issues,
    )
    sort_by_row(issues, start)
    ok = ~(pl.col("bad_code") | pl.col("dup") | pl.col("bad_type") | pl.col("no_name") | pl.col("bad_coord"))
    type_en = pl.col("type").replace_strict(TYPE_EN, default="", return_dtype=pl.String)
    return (
        c.filter(ok)
        .with_columns(
            (
                pl.col("type").str.slice(0, 1).str.to_uppercase()
                + pl.col("type").str.slice(1)
                + " "
                + pl.col("name")
            ).alias("display_name"),
            pl.coalesce("given_en", pl.col("name") + " " + type_en).alias("name_en"),
            canonical_key_expr(pl.col("name")).alias("key"),
        )
        .select(list(COMMUNE_SCHEMA))
    )


def check_name_clashes(comms: pl.DataFrame, file: str | None, issues: list[Issue]) -> None:
    """Warn about two communes of the same type and name: only their codes can tell them apart."""
    if comms.height == 0:
        return
    dup = (
        comms.group_by("type", "key")
        .agg(pl.col("code").sort(), pl.col("display_name").first())
        .filter(pl.col("code").list.len() > 1)
        .sort("key")
    )
    for _typ, _key, codes, display in dup.iter_rows():
        issues.append(
            warning(
                "registry-duplicate-name",
                file=file or "communes",
                column="name",
                value=display,
                name=display,
                codes=", ".join(codes),
            )
        )


def _decode(data: bytes, file: str, issues: list[Issue]) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an issue, never guessed."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return nfc(data.decode("utf-16"))
    try:
        return nfc(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        issues.append(issue("registry-encoding", file=file, row=line, bad_line=str(line)))
        return None


def read_registry_csv(path: Path, file: str, issues: list[Issue]) -> tuple[pl.DataFrame, list[int]] | None:
    """Read a registry CSV as all-text columns (codes never become numbers) with each row's file line.

    The csv module, not Polars, so that blank lines and quoted line breaks keep row numbers exact.
    """
    if not path.is_file():
        issues.append(issue("registry-file-missing", file=file, path=path))
        return None
    text = _decode(path.read_bytes(), file, issues)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    for rec in reader:
        if not any(cell.strip() for cell in rec):
            start = reader.line_num + 1
            continue
        if header is None:
            header = [clean_text(h).casefold() for h in rec]
        else:
            if len(rec) != len(header):
                issues.append(
                    issue("registry-bad-row", file=file, row=start, fields=len(rec), header=len(header))
                )
            rec = (rec + [""] * len(header))[: len(header)]
            records.append([clean_text(c) for c in rec])
            lines.append(start)
        start = reader.line_num + 1
    if header is None:
        issues.append(issue("registry-empty-file", file=file))
        return None
    cols = {h: [r[i] or None for r in records] for i, h in enumerate(header)}
    return pl.DataFrame(cols, schema={h: pl.String for h in header}), lines
