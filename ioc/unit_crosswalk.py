"""The optional registry files: the former-commune crosswalk CSV and the communes GeoJSON, validated."""

from __future__ import annotations

import polars as pl

from ioc.issues import Issue
from ioc.messages import issue, warning
from ioc.textnorm import (
    canonical_key_expr,
)
from ioc.unit_files import (
    CROSSWALK_COLUMNS,
    TYPE_EN,
    commune_code_expr,
    emit_rows,
    missing_columns,
    pad_code,
    raw_column,
    sort_by_row,
    text_column,
    with_rows,
)


def validate_crosswalk(
    df: pl.DataFrame, known: set[str], file: str | None, given_rows: list[int] | None, issues: list[Issue]
) -> pl.DataFrame | None:
    """Check crosswalk.csv rows (codes, weights, dates); the clean frame, or None when unusable."""
    file = file or "crosswalk"
    if missing_columns(df, CROSSWALK_COLUMNS, file, issues):
        return None
    start = len(issues)
    x = with_rows(df, given_rows).select(
        "_row",
        raw_column(df, "former_code").alias("raw_former_code"),
        commune_code_expr(pl.col("former_code")).alias("former_code"),
        text_column(df, "former_name").alias("former_name"),
        text_column(df, "former_type").str.to_lowercase().replace("", None).alias("former_type"),
        raw_column(df, "code").alias("raw_code"),
        commune_code_expr(pl.col("code")).alias("code"),
        text_column(df, "weight").alias("raw_weight"),
        text_column(df, "valid_until").alias("raw_until"),
    )
    x = x.with_columns(
        # a weight typed "0,5" in a Vietnamese spreadsheet means 0.5
        pl.col("raw_weight")
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
        .alias("weight"),
        pl.col("raw_until").str.to_date("%Y-%m-%d", strict=False).alias("valid_until"),
    ).with_columns(
        bad_former=pl.col("former_code").is_null(),
        unknown=~pl.col("code").is_in(sorted(known)).fill_null(False),
        bad_weight=~pl.col("weight").is_between(0, 1, closed="right").fill_null(False),
        bad_type=~pl.col("former_type").is_in(list(TYPE_EN)).fill_null(True),
        bad_date=pl.col("valid_until").is_null(),
        dup_pair=pl.struct("former_code", "code").is_duplicated() & pl.col("former_code").is_not_null(),
    )
    emit_rows(
        x,
        "bad_former",
        lambda r: issue(
            "crosswalk-bad-code",
            file=file,
            row=r["_row"],
            column="former_code",
            value=r["raw_former_code"],
            code=r["raw_former_code"] or "",
        ),
        issues,
    )
    emit_rows(
        x,
        "unknown",
        lambda r: issue(
            "crosswalk-unknown-commune",
            file=file,
            row=r["_row"],
            column="code",
            value=r["raw_code"],
            code=r["raw_code"] or "",
        ),
        issues,
    )
    emit_rows(
        x,
        "bad_weight",
        lambda r: issue(
            "crosswalk-bad-weight",
            file=file,
            row=r["_row"],
            column="weight",
            value=r["raw_weight"],
            expected="0 < weight ≤ 1",
            weight=r["raw_weight"] or "",
        ),
        issues,
    )
    emit_rows(
        x,
        "bad_type",
        lambda r: issue(
            "crosswalk-bad-type",
            file=file,
            row=r["_row"],
            column="former_type",
            value=r["former_type"],
            expected="xã | phường | thị trấn",
            type=r["former_type"],
        ),
        issues,
    )
    emit_rows(
        x,
        "bad_date",
        lambda r: issue(
            "crosswalk-bad-date",
            file=file,
            row=r["_row"],
            column="valid_until",
            value=r["raw_until"],
            expected="2025-06-30",
            date=r["raw_until"] or "",
        ),
        issues,
    )
    emit_rows(
        x,
        "dup_pair",
        lambda r: issue(
            "crosswalk-duplicate-row",
            file=file,
            row=r["_row"],
            column="code",
            value=r["code"],
            former=r["former_code"],
            code=r["code"],
        ),
        issues,
    )
    sums = (
        x.filter(pl.col("former_code").is_not_null() & ~pl.col("bad_weight"))
        .group_by("former_code")
        .agg(pl.col("weight").sum().alias("total"), pl.col("_row").min().alias("first_row"))
        .filter((pl.col("total") - 1).abs() > 1e-6)
    )
    for fc, total, first_row in sums.iter_rows():
        issues.append(
            issue(
                "crosswalk-weights-sum",
                file=file,
                row=first_row,
                column="weight",
                value=f"{total:g}",
                expected="1",
                former=fc,
                total=f"{total:g}",
            )
        )
    sort_by_row(issues, start)
    if len(issues) > start:
        return None
    return x.select(
        "former_code",
        "former_name",
        "former_type",
        "code",
        "weight",
        "valid_until",
        canonical_key_expr(pl.col("former_name").fill_null("")).alias("former_key"),
    )


def validate_boundaries(geo: dict, known: set[str], file: str | None, issues: list[Issue]) -> dict | None:
    """Check the communes GeoJSON against the registry codes; the usable collection, or None."""
    file = file or "boundaries"
    if (
        not isinstance(geo, dict)
        or geo.get("type") != "FeatureCollection"
        or not isinstance(geo.get("features"), list)
    ):
        issues.append(issue("boundary-not-feature-collection", file=file))
        return None
    seen: set[str] = set()
    features = []
    for i, feat in enumerate(geo["features"]):
        props = (feat or {}).get("properties") or {}
        raw = props.get("code")
        code = pad_code(raw)
        where = {"feature": i}
        if raw is None:
            issues.append(
                issue(
                    "boundary-missing-code", file=file, field=f"features[{i}]", extra=where, number=str(i + 1)
                )
            )
            continue
        if code is None or code not in known:
            issues.append(
                issue(
                    "boundary-unknown-code",
                    file=file,
                    field=f"features[{i}].properties.code",
                    value=str(raw),
                    extra=where,
                    number=str(i + 1),
                    code=raw,
                )
            )
            continue
        if code in seen:
            issues.append(
                issue(
                    "boundary-duplicate-code",
                    file=file,
                    field=f"features[{i}].properties.code",
                    value=code,
                    extra=where,
                    code=code,
                )
            )
            continue
        seen.add(code)
        features.append({**feat, "properties": {**props, "code": code}})
    missing = sorted(known - seen)
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        issues.append(
            warning("boundary-missing", file=file, extra={"codes": missing}, count=len(missing), shown=shown)
        )
    return {**geo, "features": features}
