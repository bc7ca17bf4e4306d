"""The domain core stays pure: Streamlit only in the entry, the pages and ioc/ui*.py; pandas nowhere in the core;
the demo province in its own subpackage, which nothing in the core depends on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted([*ROOT.joinpath("ioc").rglob("*.py"), *ROOT.joinpath("data_sources").glob("*.py")])
DEMO = ROOT / "ioc" / "demo"
# Entry points that may start the demo: the command line (`python -m ioc demo`) and the Streamlit shell's
# first-start seeding. Everything else in the core must work for a real province with ioc/demo deleted.
DEMO_ENTRY_POINTS = {"ioc/cli.py", "ioc/ui_cache.py"}


def _modules(path: Path) -> set[str]:
    """Every module the file imports, by full dotted name (`from ioc import demo` counts as `ioc.demo`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _modules(path)}


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


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", [p for p in CORE if DEMO not in p.parents], ids=_rel)
def test_core_module_does_not_import_the_demo(path: Path) -> None:
    demo_imports = {m for m in _modules(path) if m == "ioc.demo" or m.startswith("ioc.demo.")}
    if _rel(path) in DEMO_ENTRY_POINTS:
        return
    assert not demo_imports, (
        f"{_rel(path)} imports {sorted(demo_imports)}: the core must not depend on the demo"
    )


def test_the_demo_lives_in_its_own_subpackage() -> None:
    stray = sorted(p.name for p in ROOT.joinpath("ioc").glob("demo*.py"))
    assert stray == [], f"demo modules belong in ioc/demo/, not {stray}"
    assert {"__init__.py", "seed.py", "plan.py", "values.py", "units.py"} <= {
        p.name for p in DEMO.glob("*.py")
    }


def test_the_demo_entry_points_really_use_the_demo() -> None:
    # the exception list above must not outlive its reason
    for rel in sorted(DEMO_ENTRY_POINTS):
        mods = _modules(ROOT / rel)
        assert any(m == "ioc.demo" or m.startswith("ioc.demo.") for m in mods), (
            f"{rel} no longer imports ioc.demo"
        )


@pytest.mark.parametrize("path", sorted(ROOT.joinpath("data_sources").glob("*.py")), ids=_rel)
def test_readers_take_the_workbook_layout_not_the_template_writer(path: Path) -> None:
    """The readers share the layout's constants (`ioc.workbook_layout`), never the 700-line openpyxl writer."""
    writer = {m for m in _modules(path) if m == "ioc.template" or m.startswith("ioc.template.")}
    assert not writer, f"{_rel(path)} imports {sorted(writer)}: take the constants from ioc.workbook_layout"
