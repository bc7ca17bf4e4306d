"""The workbook loader on real, messy public government spreadsheets (GSO monthly, PCI/PAPI, MoF budget).

They hold none of our indicators, so the loader must end cleanly with `missing-header` (or
`not-a-template` when nothing is declared) — never an exception — and must keep Excel's own row
numbers and column letters while doing so.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from helpers_workbook import make_config

from data_sources.workbook import SOURCE, HeaderLookup, find_header, load_sheet, open_workbook

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
SHEETS = REALDATA / "gov-spreadsheets"
FOLDERS = ("gso-monthly", "pci-papi", "mof-budget")


def _files() -> list[Path]:
    if not SHEETS.is_dir():
        return []
    return sorted(p for f in FOLDERS for p in (SHEETS / f).glob("*.xls*"))


FILES = _files()
_ABSENT = pytest.param(
    None, marks=pytest.mark.skip(reason=f"real government spreadsheets not found under {SHEETS}"), id="absent"
)


def _cases(paths: list[Path]) -> list:
    """The files as test cases, or one case skipped with the reason when the folder is absent."""
    return list(paths) or [_ABSENT]


@pytest.fixture(scope="module")
def config():
    return make_config()


@pytest.fixture(autouse=True)
def _need_realdata():
    if not FILES:
        pytest.skip(f"real government spreadsheets not found under {SHEETS}")


@pytest.mark.parametrize("path", _cases(FILES), ids=lambda p: p.name if p else "absent")
def test_real_file_ends_in_missing_header(config, path):
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert [i.code for i in res.issues] == ["missing-header"]
    issue = res.issues[0]
    assert issue.sheet == res.detail["sheet"] and issue.sheet in open_workbook(path).sheet_names
    assert issue.file == path.name and issue.row is None and issue.column is None
    assert issue.value.startswith("row ")  # what the loader saw instead of a header
    assert res.observations.is_empty() and res.department == "so_y_te"
    # nothing declared and no _meta sheet: refused before reading any cell
    undeclared = SOURCE.read(path, config)
    assert [i.code for i in undeclared.issues] == ["not-a-template"]
    assert SOURCE.sniff(path, config) is False


@pytest.mark.parametrize("path", _cases(FILES), ids=lambda p: p.name if p else "absent")
def test_every_sheet_loads_with_excel_rows(config, path):
    """Every sheet (hidden ones too) loads; rows are numbered 1..n and no header is invented."""
    lookup = HeaderLookup.build(config)
    reader = open_workbook(path)
    for name in reader.sheet_names:
        sheet = load_sheet(reader, name, path)
        assert sheet.frame["row"].to_list() == list(range(1, sheet.frame.height + 1)), name
        assert find_header(sheet, lookup) is None, name


@pytest.mark.parametrize(
    "path", _cases([p for p in FILES if p.suffix == ".xlsx"]), ids=lambda p: p.name if p else "absent"
)
def test_cells_sit_where_excel_shows_them(path):
    """Text cells read by the loader are at the same row and letter as openpyxl says (first 60 rows)."""
    reader = open_workbook(path)
    name = reader.sheet_names[0]
    sheet = load_sheet(reader, name, path)
    ours: dict[str, str] = {}
    for values in sheet.frame.head(60).iter_rows():
        for letter, v in zip(sheet.letters, values[1:], strict=True):
            if v is not None and v.strip():
                ours[f"{letter}{values[0]}"] = v.strip()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    theirs: dict[str, str] = {}
    for row in wb[name].iter_rows(min_row=1, max_row=60):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip():
                theirs[cell.coordinate] = cell.value.strip()
    wb.close()
    assert theirs, "the sheet has text cells"
    assert {k: ours.get(k) for k in theirs} == theirs
