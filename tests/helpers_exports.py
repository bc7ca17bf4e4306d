"""A small configuration for the export-loader tests: three communes, two departments, one former commune.

The `exports:` entries are the project's own (read from the top-level targets.yaml block), so the tests
exercise the shipped header labels and vocabularies; the indicators mirror the export-sourced ones.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

from ioc.config import Config
from ioc.targets import TargetsFile, Text
from ioc.units import UnitRegistry

ROOT = Path(__file__).resolve().parents[1]


def _ind(id_: str, unit: str, source: dict, rollup: str = "ratio") -> dict:
    return {
        "id": id_,
        "name": {"vi": f"Chỉ tiêu {id_}", "en": f"Indicator {id_}"},
        "pillar": "gov",
        "unit": unit,
        "levels": ["province", "department", "commune"],
        "owner": "ttpvhcc",
        "rollup": rollup,
        "source": source,
        "target": {"value": 80, "by": "2025-12-31"},
    }


def _d(numerator: dict, denominator: dict) -> dict:
    return {"export": "dossiers", "numerator": numerator, "denominator": denominator}


RESULT = {"field": "result_date", "is_null": False}
FEE = {"field": "fee", "gt": 0}
INDICATORS = [
    _ind("dossier_online_rate", "percent", _d({"where": {"channel": "online"}}, {"all": True})),
    _ind(
        "dossier_ontime_rate",
        "percent",
        _d({"where": [RESULT, {"field": "result_date", "le_field": "due_date"}]}, {"where": [RESULT]}),
    ),
    _ind(
        "dossier_e_result_rate",
        "percent",
        _d({"where": [RESULT, {"field": "e_result", "eq": "yes"}]}, {"where": [RESULT]}),
    ),
    _ind(
        "dossier_digitised_rate", "percent", _d({"where": {"digitised": True}}, {"all": True})
    ),  # YAML `yes`
    _ind(
        "dossier_online_payment_rate",
        "percent",
        _d({"where": [FEE, {"field": "paid_online", "eq": "yes"}]}, {"where": [FEE]}),
    ),
    _ind(
        "tthc_online_rate",
        "percent",
        {
            "export": "procedure_stats",
            "numerator": {"sum": ["received_online"]},
            "denominator": {"sum": ["received_online", "received_offline"]},
        },
    ),
    _ind(
        "tthc_ontime_rate",
        "percent",
        {
            "export": "procedure_stats",
            "numerator": {"sum": ["settled_early", "settled_on_time"]},
            "denominator": {"sum": ["settled_total"]},
        },
    ),
    _ind(
        "tthc_overdue_backlog",
        "count",
        {"export": "procedure_stats", "value": {"sum": ["in_progress_overdue"]}},
        rollup="sum",
    ),
    _ind("plain_rate", "percent", {"workbook": True}),
]

COMMUNES = pl.DataFrame(
    {
        "code": ["90001", "90002", "90003"],
        "name": ["Tân Hòa", "Phú Lợi", "Lạc Thuận"],
        "type": ["xã", "xã", "phường"],
        "aliases": ["", "", "Lac Thuan"],
    }
)
DEPARTMENTS = pl.DataFrame(
    {
        "id": ["so_tu_phap", "so_y_te", "ttpvhcc"],
        "name_vi": ["Sở Tư pháp", "Sở Y tế", "Trung tâm Phục vụ hành chính công"],
        "name_en": ["Department of Justice", "Department of Health", "Public Administration Service Centre"],
        "short": ["STP", "SYT", "TTPVHCC"],
        "aliases": ["", "", ""],
    }
)
CROSSWALK = pl.DataFrame(
    {
        "former_code": ["80002", "80003", "80003"],
        "former_name": ["Cao Hải", "Hoa Tường", "Hoa Tường"],
        "former_type": ["xã", "thị trấn", "thị trấn"],
        "code": ["90002", "90001", "90003"],
        "weight": ["1", "0.5", "0.5"],
        "valid_until": ["2025-06-30"] * 3,
    }
)


def project_exports() -> list[dict]:
    """The `exports:` entries of the project's targets.yaml."""
    return yaml.safe_load((ROOT / "targets.yaml").read_text(encoding="utf-8"))["exports"]


def make_config(exports: list[dict] | None = None, indicators: list[dict] | None = None) -> Config:
    """Targets and registry built in memory: the project's exports, the test indicators."""
    targets = TargetsFile.model_validate(
        {
            "province": {"code": "99", "name": {"vi": "Tỉnh Mẫu", "en": "Demo Province"}},
            "registry": {"departments": "departments.csv", "communes": "communes.csv"},
            "pillars": [{"id": "gov", "name": {"vi": "Chính quyền số", "en": "Digital government"}}],
            "exports": project_exports() if exports is None else exports,
            "indicators": INDICATORS if indicators is None else indicators,
        }
    )
    registry = UnitRegistry.from_frames(
        "99", Text(vi="Tỉnh Mẫu", en="Demo Province"), DEPARTMENTS, COMMUNES, crosswalk=CROSSWALK
    )
    return Config(targets=targets, registry=registry, path=ROOT / "targets.yaml", sha256="0" * 64)


def by_code(issues: list, code: str) -> list:
    """The issues with this code."""
    return [i for i in issues if i.code == code]


def table(obs: pl.DataFrame) -> dict[tuple[str, str, str], tuple[float | None, float | None, float | None]]:
    """Observations as {(indicator, unit, period): (value, numerator, denominator)} with rounded values."""
    return {
        (i, u, p): (None if v is None else round(v, 4), n, d)
        for i, u, p, v, n, d in obs.select(
            "indicator", "unit_code", "period", "value", "numerator", "denominator"
        ).iter_rows()
    }
