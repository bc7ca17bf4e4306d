"""A loaded, validated configuration: targets.yaml plus the units registry it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ioc.targets import TargetsFile

if TYPE_CHECKING:
    from ioc.issues import Issue
    from ioc.units import UnitRegistry


@dataclass(frozen=True)
class Config:
    """What every page, loader and scorer works from."""

    targets: TargetsFile
    registry: UnitRegistry
    path: Path  # the targets.yaml file
    sha256: str  # of targets.yaml bytes: part of every cache key
    # what `python -m ioc check` reports as warnings (the file loads): shown by the CLI, logged by the app
    warnings: list[Issue] = field(default_factory=list, compare=False, hash=False)


def load_config(path: Path | str) -> Config:
    """Load and validate targets.yaml and its registry files; raise `IssueError` listing every problem."""
    from ioc.config_loader import load_config as _load

    return _load(Path(path))
