"""A tiny configuration for the template and workbook-loader tests: four communes, two departments."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ioc.config import Config
from ioc.targets import TargetsFile, Text
from ioc.units import UnitRegistry


def _ind(id_: str, vi: str, en: str, unit: str, levels: list[str], owner: str, **extra: object) -> dict:
    return {
        "id": id_,
        "name": {"vi": vi, "en": en},
        "pillar": "gov",
        "unit": unit,
        "levels": levels,
        "owner": owner,
        "target": {"value": 80, "by": "2025-12-31"},
        **extra,
    }


INDICATORS = [
    # so_y_te, monthly, percent, ratio roll-up, province + commune
    _ind(
        "online_rate",
        "Tỷ lệ hồ sơ trực tuyến",
        "Online dossier rate",
        "percent",
        ["province", "commune"],
        "so_y_te",
        rollup="ratio",
    ),
    # so_y_te, monthly, count, commune only
    _ind("clinics", "Số trạm y tế số", "Digital clinics", "count", ["commune"], "so_y_te", rollup="sum"),
    # so_y_te, quarterly, department level
    _ind(
        "staff_trained",
        "Tỷ lệ cán bộ được đào tạo",
        "Staff trained",
        "percent",
        ["department"],
        "so_y_te",
        frequency="quarterly",
    ),
    # so_y_te, yearly, province level, money
    _ind(
        "ehealth_budget",
        "Kinh phí y tế số",
        "eHealth budget",
        "money",
        ["province"],
        "so_y_te",
        frequency="yearly",
        rollup="sum",
    ),
    # so_y_te, but computed from an export: never in the workbook
    _ind(
        "exported_rate",
        "Tỷ lệ tính từ hệ thống",
        "Rate from the system",
        "percent",
        ["commune"],
        "so_y_te",
        source={"export": "dossiers", "value": {"all": True}},
    ),
    # another department's indicator
    _ind(
        "budget_share",
        "Tỷ lệ chi cho số hóa",
        "Digitisation spending",
        "percent",
        ["commune"],
        "so_tai_chinh",
    ),
]

COMMUNES = pl.DataFrame(
    {
        "code": ["90001", "90002", "90003", "90004"],
        "name": ["Tân Hòa", "Phú Lợi", "Tân Hòa", "Hoà Bình"],  # 90004: old-style tone placement
        "type": ["xã", "xã", "phường", "xã"],
        "aliases": ["", "", "", "Hoa Binh cu"],
    }
)
DEPARTMENTS = pl.DataFrame(
    {
        "id": ["so_y_te", "so_tai_chinh", "so_noi_vu"],
        "name_vi": ["Sở Y tế", "Sở Tài chính", "Sở Nội vụ"],
        "name_en": ["Department of Health", "Department of Finance", "Department of Home Affairs"],
        "short": ["SYT", "STC", "SNV"],
        "aliases": ["", "", ""],
    }
)


def make_config(sha256: str = "0" * 64) -> Config:
    """Targets and registry built in memory (no files), with a fixed targets hash."""
    targets = TargetsFile.model_validate(
        {
            "province": {"code": "99", "name": {"vi": "Tỉnh Mẫu", "en": "Demo Province"}},
            "registry": {"departments": "departments.csv", "communes": "communes.csv"},
            "pillars": [{"id": "gov", "name": {"vi": "Chính quyền số", "en": "Digital government"}}],
            "indicators": INDICATORS,
        }
    )
    registry = UnitRegistry.from_frames("99", Text(vi="Tỉnh Mẫu", en="Demo Province"), DEPARTMENTS, COMMUNES)
    return Config(targets=targets, registry=registry, path=Path("targets.yaml"), sha256=sha256)


def by_code(issues: list, code: str) -> list:
    """The issues with `code`."""
    return [i for i in issues if i.code == code]
