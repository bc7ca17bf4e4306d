"""Shared by the browser tests: the whole demo history, ingested once per run through the command line, and a
copy of it for each server that tests the steady state a reader meets. (A first start on an empty folder, with
its wait screen and the history loading in the background, is tested in test_browser.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo's whole history (`python -m ioc demo`, the same months and files a first
    start loads). `IOC_E2E_DATA_DIR` names an already seeded folder to use instead."""
    if not Path(shutil.which("chromium") or "/usr/bin/chromium").exists():
        reason = "Debian chromium is not installed (apt-get install chromium fonts-noto-core)"
        if os.environ.get("IOC_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required but cannot run: {reason}")
        pytest.skip(reason)
    given = os.environ.get("IOC_E2E_DATA_DIR")
    if given:
        return Path(given)
    data_dir = tmp_path_factory.mktemp("demo-seeded")
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir)}
    env.pop("IOC_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "ioc", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return data_dir


@pytest.fixture(scope="session")
def seeded_copy(seeded_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`copy(name)`: a fresh copy of the seeded folder, so that what one module writes no other module sees."""

    def copy(name: str) -> Path:
        dest = tmp_path_factory.mktemp(name)
        shutil.copytree(seeded_demo, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("server-*.log"))
        return dest

    return copy
