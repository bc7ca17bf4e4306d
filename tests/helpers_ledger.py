"""A small, self-contained province for the ledger tests: 10 communes, 3 departments, 4 indicators."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ioc.config import Config, load_config
from ioc.observations import conform

COMMUNES = [f"9000{i}" if i < 10 else f"900{i}" for i in range(1, 11)]  # 90001 … 90010

TARGETS_YAML = """\
province: {code: "99", name: {vi: "Tỉnh Thử", en: "Test Province"}}
language: vi
registry:
  departments: departments.csv
  communes: communes.csv
status:
  amber_tolerance: 10
pillars:
  - id: gov
    name: {vi: "Chính quyền số", en: "Digital government"}
indicators:
  - id: online_rate
    name: {vi: "Tỷ lệ hồ sơ trực tuyến", en: "Online dossiers"}
    pillar: gov
    unit: percent
    levels: [province, commune]
    owner: so_a
    frequency: monthly
    rollup: ratio
    target: {value: 80, by: 2025-12-31}
  - id: wifi_points
    name: {vi: "Điểm wifi công cộng", en: "Public wifi points"}
    pillar: gov
    unit: count
    levels: [commune]
    owner: so_b
    frequency: quarterly
    rollup: sum
    target: {value: 100, by: 2025-12-31}
  - id: dept_rate
    name: {vi: "Tỷ lệ văn bản ký số", en: "Documents signed digitally"}
    pillar: gov
    unit: percent
    levels: [department]
    owner: so_a
    frequency: monthly
    target: {value: 90, by: 2025-12-31}
  - id: grdp_share
    name: {vi: "Tỷ trọng kinh tế số", en: "Digital economy share"}
    pillar: gov
    unit: percent
    levels: [province]
    owner: so_b
    frequency: yearly
    amber_tolerance: 2
    target: {value: 20, by: 2025-12-31}
"""

DEPARTMENTS_CSV = """\
id,name_vi,name_en,short,aliases
so_a,Sở A,Department A,SA,
so_b,Sở B,Department B,SB,
so_c,Sở C,Department C,SC,
"""


def communes_csv() -> str:
    names = ["An", "Bình", "Cao", "Dương", "Đông", "Giang", "Hòa", "Khánh", "Lâm", "Minh"]
    lines = ["code,name,type,aliases,lat,lon"]
    for i, (code, name) in enumerate(zip(COMMUNES, names, strict=True)):
        lines.append(f"{code},{name},xã,,{20 + i / 100:.5f},{105 + i / 100:.5f}")
    return "\n".join(lines) + "\n"


# Former (pre-July 2025) communes: 80001 and 80002 merged into 90001; 80003 split between 90002 and 90003.
CROSSWALK_CSV = """\
former_code,former_name,former_type,code,weight,valid_until
80001,Phú An,xã,90001,1,2025-06-30
80002,Phú Bình,xã,90001,1,2025-06-30
80003,Thị trấn Cũ,thị trấn,90002,0.5,2025-06-30
80003,Thị trấn Cũ,thị trấn,90003,0.5,2025-06-30
"""


def write_province(folder: Path, *, crosswalk: bool = False) -> Path:
    """Write targets.yaml and its registry files into `folder`; return the targets.yaml path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "departments.csv").write_text(DEPARTMENTS_CSV, encoding="utf-8")
    (folder / "communes.csv").write_text(communes_csv(), encoding="utf-8")
    yaml = TARGETS_YAML
    if crosswalk:
        (folder / "crosswalk.csv").write_text(CROSSWALK_CSV, encoding="utf-8")
        yaml = yaml.replace(
            "  communes: communes.csv\n", "  communes: communes.csv\n  crosswalk: crosswalk.csv\n"
        )
    path = folder / "targets.yaml"
    path.write_text(yaml, encoding="utf-8")
    return path


def make_config(folder: Path, *, crosswalk: bool = False) -> Config:
    """The small test province's configuration, loaded the way the app loads it."""
    return load_config(write_province(folder, crosswalk=crosswalk))


def obs(rows: list[tuple], *, sheet: str | None = "Data", file: str = "test.xlsx") -> pl.DataFrame:
    """An observation frame from (indicator, unit, period, value[, numerator, denominator]) tuples;
    row numbers start at 2 as under a header row, column C holds the value."""
    records = []
    for n, r in enumerate(rows):
        ind, unit, period, value, *rest = r
        records.append(
            {
                "indicator": ind,
                "unit_code": unit,
                "period": period,
                "value": value,
                "numerator": rest[0] if rest else None,
                "denominator": rest[1] if len(rest) > 1 else None,
                "source_file": file,
                "sheet": sheet,
                "row": n + 2,
                "column": "C",
            }
        )
    return conform(pl.DataFrame(records, infer_schema_length=None))


def long_csv(rows: list[tuple[str, str, str, str]]) -> str:
    """A generic long export (unit, period, indicator, value) as CSV text."""
    lines = ["unit,period,indicator,value"]
    lines += [",".join(r) for r in rows]
    return "\n".join(lines) + "\n"
