"""The README's targets.yaml reference cannot drift from the models, and its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from ioc.exports_config import ColumnSpec, Condition, ExportConfig, Quantity
from ioc.targets import (
    Baseline,
    ExportSource,
    Indicator,
    Milestone,
    Override,
    Pillar,
    Province,
    RegistryFiles,
    ReportDeadlines,
    ReportingRules,
    StatusRules,
    Target,
    TargetsFile,
)

ROOT = Path(__file__).resolve().parents[1]
README = ROOT.joinpath("README.md").read_text(encoding="utf-8")
MODELS: list[type[BaseModel]] = [
    TargetsFile,
    Province,
    RegistryFiles,
    StatusRules,
    ReportingRules,
    ReportDeadlines,
    Pillar,
    Indicator,
    Target,
    Baseline,
    Milestone,
    Override,
    ExportSource,
    Quantity,
    Condition,
    ExportConfig,
    ColumnSpec,
]


def test_every_targets_yaml_field_is_documented() -> None:
    reference = README.split("### targets.yaml", 1)[1].split("## Loading a real province", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", reference))
    missing = {
        f"{model.__name__}.{field.alias or name}"
        for model in MODELS
        for name, field in model.model_fields.items()
        if (field.alias or name) not in documented
    }
    assert not missing, f"document these targets.yaml fields in the README: {sorted(missing)}"


def test_readme_commands_exist() -> None:
    assert "pip install -r requirements.txt && streamlit run ioc_app.py" in README
    assert "bash scripts/test" in README
    assert ROOT.joinpath("scripts", "test").exists()
    assert "bash scripts/test" in ROOT.joinpath(".ci", "run").read_text(encoding="utf-8")
    for sub in re.findall(r"python -m ioc (\w+)", README):
        assert sub in ROOT.joinpath("ioc", "cli.py").read_text(encoding="utf-8"), (
            f"README mentions 'ioc {sub}'"
        )
