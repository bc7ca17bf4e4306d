"""Tiny configurations and observation frames for the scoring and roll-up tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from ioc.config import Config
from ioc.observations import conform
from ioc.targets import TargetsFile, Text
from ioc.units import UnitRegistry

PROVINCE = "99"
COMMUNES = ("90001", "90002", "90003", "90004")
DEPARTMENTS = ("so_y_te", "so_gd_dt")


def indicator(id: str = "rate", **kw: Any) -> dict:
    """An indicator as targets.yaml would declare it: percent, higher is better, province + communes, monthly,
    target 80 by 2025-12-31 and no baseline unless overridden."""
    spec = {
        "id": id,
        "name": {"vi": f"Chỉ tiêu {id}", "en": f"Indicator {id}"},
        "pillar": "gov",
        "unit": "percent",
        "levels": ["province", "commune"],
        "owner": "so_y_te",
        "target": {"value": 80, "by": "2025-12-31"},
    }
    spec.update(kw)
    return spec


def make_config(
    *indicators: dict,
    status: dict | None = None,
    pillars: list[dict] | None = None,
    crosswalk: pl.DataFrame | None = None,
) -> Config:
    """A Config over a province "99" with four communes and two departments."""
    targets = TargetsFile.model_validate(
        {
            "province": {"code": PROVINCE, "name": {"vi": "Tỉnh Mẫu", "en": "Demo Province"}},
            "registry": {"departments": "departments.csv", "communes": "communes.csv"},
            "status": status or {},
            "pillars": pillars
            or [{"id": "gov", "name": {"vi": "Chính quyền số", "en": "Digital government"}}],
            "indicators": list(indicators),
        }
    )
    departments = pl.DataFrame(
        {
            "id": list(DEPARTMENTS),
            "name_vi": ["Sở Y tế", "Sở Giáo dục và Đào tạo"],
            "name_en": ["Department of Health", "Department of Education and Training"],
        }
    )
    communes = pl.DataFrame(
        {"code": list(COMMUNES), "name": ["Tân An", "Tân Bình", "Tân Hòa", "Tân Phú"], "type": ["xã"] * 4}
    )
    registry = UnitRegistry.from_frames(
        PROVINCE, Text(vi="Tỉnh Mẫu", en="Demo Province"), departments, communes, crosswalk=crosswalk
    )
    return Config(targets=targets, registry=registry, path=Path("targets.yaml"), sha256="test")


def observations(*rows: tuple) -> pl.DataFrame:
    """Rows of (indicator, unit_code, period, value[, numerator, denominator]) as a conformed frame."""
    records = []
    for r in rows:
        num, den = (r[4], r[5]) if len(r) > 4 else (None, None)
        records.append(
            {
                "indicator": r[0],
                "unit_code": r[1],
                "period": r[2],
                "value": r[3],
                "numerator": num,
                "denominator": den,
                "source_file": "test.xlsx",
            }
        )
    schema = {
        "indicator": pl.String,
        "unit_code": pl.String,
        "period": pl.String,
        "value": pl.Float64,
        "numerator": pl.Float64,
        "denominator": pl.Float64,
        "source_file": pl.String,
    }
    return conform(pl.DataFrame(records, schema=schema))


def row_of(frame: pl.DataFrame, indicator_id: str, unit_code: str) -> dict:
    """The single row of one indicator and unit, as a dict."""
    rows = frame.filter((pl.col("indicator") == indicator_id) & (pl.col("unit_code") == unit_code))
    assert rows.height == 1, rows
    return rows.row(0, named=True)
