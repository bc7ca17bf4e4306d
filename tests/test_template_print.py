"""The department template prints like a Vietnamese report: A4 landscape, one page wide, the header row
on every page, the signature block, and last period's values rounded to the indicator's decimals."""

from __future__ import annotations

import io

import openpyxl
import polars as pl

from ioc.template import HEADER_ROW, build_template


def _sheet(config, dept: str, period: str, previous=None):
    wb = openpyxl.load_workbook(io.BytesIO(build_template(config, dept, period, previous=previous)))
    return wb.worksheets[0]


def test_print_setup_signature_and_rounded_previous_values(demo_config) -> None:
    ws0 = _sheet(demo_config, "so_gd_dt", "2026-10")
    ind = next(ws0.cell(r, 1).value for r in range(HEADER_ROW + 1, ws0.max_row + 1) if ws0.cell(r, 1).value)
    unit = next(
        ws0.cell(r, 3).value for r in range(HEADER_ROW + 1, ws0.max_row + 1) if ws0.cell(r, 1).value == ind
    )
    previous = pl.DataFrame(
        {"indicator": [ind], "unit_code": [unit], "period": ["2026-09"], "value": [84.05332166769956]}
    )
    ws = _sheet(demo_config, "so_gd_dt", "2026-10", previous)
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Người lập biểu" in texts and "Thủ trưởng đơn vị" in texts
    assert any(t.startswith("……………, ngày") for t in texts)
    header = {ws.cell(HEADER_ROW, c).value: c for c in range(1, 12)}
    values = [
        ws.cell(r, header["Kỳ trước"]).value
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(r, header["Kỳ trước"]).value is not None
    ]
    decimals = demo_config.targets.indicator(ind).decimals
    assert values == [round(84.05332166769956, decimals)]
    cell = next(
        ws.cell(r, header["Kỳ trước"])
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(r, header["Kỳ trước"]).value is not None
    )
    assert cell.number_format == "#,##0" + ("." + "0" * decimals if decimals else "")
