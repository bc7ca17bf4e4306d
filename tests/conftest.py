"""Shared test fixtures: the project's own configuration and the optional real public data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder of real public Vietnamese data files; tests using it skip when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real public data folder not found at {REALDATA} (it sits beside the repository)")
    return REALDATA


@pytest.fixture(scope="session")
def demo_config():
    """The demo province's configuration, loaded from the top-level targets.yaml."""
    from ioc.config import load_config

    return load_config(ROOT / "targets.yaml")
