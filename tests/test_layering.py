"""The domain core stays pure: Streamlit only in the entry, the pages and ioc/ui*.py; pandas nowhere in the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted([*ROOT.joinpath("ioc").glob("*.py"), *ROOT.joinpath("data_sources").glob("*.py")])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_does_not_import_streamlit_or_pandas(path: Path) -> None:
    imported = _imports(path)
    if not path.name.startswith("ui"):
        assert "streamlit" not in imported, (
            f"{path.name}: Streamlit belongs in ioc/ui*.py, pages/ or ioc_app.py"
        )
    assert "pandas" not in imported, f"{path.name}: the core uses Polars, not pandas"


def test_every_page_starts_with_the_frame_guard() -> None:
    for page in sorted(ROOT.joinpath("pages").glob("*.py")):
        code = [
            ln
            for ln in page.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith(("#", '"""'))
        ]
        first_statements = "\n".join(code[:3])
        assert "ui.require_frame()" in first_statements, f"{page.name} must call ui.require_frame() first"


def test_every_page_is_registered_in_the_entry() -> None:
    entry = ROOT.joinpath("ioc_app.py").read_text(encoding="utf-8")
    for page in sorted(ROOT.joinpath("pages").glob("*.py")):
        assert f'("{page.stem}",' in entry, f"{page.name} is not listed in ioc_app.py's PAGES"
