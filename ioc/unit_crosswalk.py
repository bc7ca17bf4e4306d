"""The optional registry files: the former-commune crosswalk CSV and the communes GeoJSON, validated."""

from __future__ import annotations

import polars as pl

from ioc.issues import Issue, Severity
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
        lambda r: Issue(
            "crosswalk-bad-code",
            f"former_code '{r['raw_former_code'] or ''}' is not a 5-digit code",
            f"former_code '{r['raw_former_code'] or ''}' không phải mã 5 chữ số",
            file=file,
            row=r["_row"],
            column="former_code",
            value=r["raw_former_code"],
        ),
        issues,
    )
    emit_rows(
        x,
        "unknown",
        lambda r: Issue(
            "crosswalk-unknown-commune",
            f"target code '{r['raw_code'] or ''}' is not a commune in the registry",
            f"mã đích '{r['raw_code'] or ''}' không có trong danh mục xã",
            file=file,
            row=r["_row"],
            column="code",
            value=r["raw_code"],
            hint="the crosswalk must point at current communes listed in communes.csv",
            hint_vi="bảng chuyển đổi phải trỏ tới các xã hiện hành trong communes.csv",
        ),
        issues,
    )
    emit_rows(
        x,
        "bad_weight",
        lambda r: Issue(
            "crosswalk-bad-weight",
            f"weight '{r['raw_weight'] or ''}' must be a number in (0, 1]",
            f"trọng số '{r['raw_weight'] or ''}' phải là số trong khoảng (0, 1]",
            file=file,
            row=r["_row"],
            column="weight",
            value=r["raw_weight"],
            expected="0 < weight ≤ 1",
        ),
        issues,
    )
    emit_rows(
        x,
        "bad_type",
        lambda r: Issue(
            "crosswalk-bad-type",
            f"former_type '{r['former_type']}' is not xã, phường or thị trấn",
            f"former_type '{r['former_type']}' không phải xã, phường hoặc thị trấn",
            file=file,
            row=r["_row"],
            column="former_type",
            value=r["former_type"],
            expected="xã | phường | thị trấn",
        ),
        issues,
    )
    emit_rows(
        x,
        "bad_date",
        lambda r: Issue(
            "crosswalk-bad-date",
            f"valid_until '{r['raw_until'] or ''}' is not a date YYYY-MM-DD",
            f"valid_until '{r['raw_until'] or ''}' không phải ngày dạng YYYY-MM-DD",
            file=file,
            row=r["_row"],
            column="valid_until",
            value=r["raw_until"],
            expected="2025-06-30",
        ),
        issues,
    )
    emit_rows(
        x,
        "dup_pair",
        lambda r: Issue(
            "crosswalk-duplicate-row",
            f"former unit {r['former_code']} → {r['code']} appears more than once",
            f"dòng {r['former_code']} → {r['code']} bị lặp",
            file=file,
            row=r["_row"],
            column="code",
            value=r["code"],
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
            Issue(
                "crosswalk-weights-sum",
                f"weights of former unit {fc} sum to {total:g}, not 1",
                f"tổng trọng số của đơn vị cũ {fc} là {total:g}, không bằng 1",
                file=file,
                row=first_row,
                column="weight",
                value=f"{total:g}",
                expected="1",
                hint="a split unit has one row per current commune; its weights must add up to 1",
                hint_vi="đơn vị bị chia có một dòng cho mỗi xã mới; tổng trọng số phải bằng 1",
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
        issues.append(
            Issue(
                "boundary-not-feature-collection",
                "the boundaries file is not a GeoJSON FeatureCollection",
                "tệp ranh giới không phải GeoJSON FeatureCollection",
                file=file,
            )
        )
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
                Issue(
                    "boundary-missing-code",
                    f"feature #{i + 1} has no properties.code",
                    f"đối tượng thứ {i + 1} thiếu properties.code",
                    file=file,
                    field=f"features[{i}]",
                    extra=where,
                )
            )
            continue
        if code is None or code not in known:
            issues.append(
                Issue(
                    "boundary-unknown-code",
                    f"feature #{i + 1} has code '{raw}', not a commune in the registry",
                    f"đối tượng thứ {i + 1} có mã '{raw}' không có trong danh mục xã",
                    file=file,
                    field=f"features[{i}].properties.code",
                    value=str(raw),
                    extra=where,
                )
            )
            continue
        if code in seen:
            issues.append(
                Issue(
                    "boundary-duplicate-code",
                    f"commune {code} has more than one boundary feature",
                    f"xã {code} có nhiều hơn một ranh giới",
                    file=file,
                    field=f"features[{i}].properties.code",
                    value=code,
                    extra=where,
                )
            )
            continue
        seen.add(code)
        features.append({**feat, "properties": {**props, "code": code}})
    missing = sorted(known - seen)
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        issues.append(
            Issue(
                "boundary-missing",
                f"{len(missing)} commune(s) have no boundary: {shown}",
                f"{len(missing)} xã chưa có ranh giới: {shown}",
                severity=Severity.WARNING,
                file=file,
                extra={"codes": missing},
            )
        )
    return {**geo, "features": features}
