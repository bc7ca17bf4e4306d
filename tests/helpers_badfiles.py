"""Builders of hostile and careless spreadsheets for the upload gate, the parse worker and the bad-file corpus.

Each builder returns the file's bytes; nothing here reads a file. The raw `.xlsx` writer assembles the zip
by hand, so that a test can declare what no spreadsheet program would write (a cell at ZZZZ5000000, a
shared-strings count of 4294967295, a `<dimension>` of the whole sheet).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _ref_key(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m, ref
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def raw_xlsx(
    sheets: dict[str, dict[str, str | float]],
    *,
    dimension: str | None = None,
    sst_count: int | None = None,
    sst_unique: int | None = None,
    pad_bytes: int = 0,
) -> bytes:
    """An .xlsx with the given cells per sheet (text cells go to the shared-strings table).

    `dimension` is written into every sheet as declared; `sst_count` / `sst_unique` override the counts the
    shared-strings table declares; `pad_bytes` adds an uncompressed docProps part (to reach a given size).
    """
    strings: list[str] = []
    index: dict[str, int] = {}
    sheet_xml: list[str] = []
    for cells in sheets.values():
        rows: dict[int, list[str]] = {}
        for ref, value in sorted(cells.items(), key=lambda kv: _ref_key(kv[0])):
            row, _ = _ref_key(ref)
            if isinstance(value, str):
                if value not in index:
                    index[value] = len(strings)
                    strings.append(value)
                rows.setdefault(row, []).append(f'<c r="{ref}" t="s"><v>{index[value]}</v></c>')
            else:
                rows.setdefault(row, []).append(f'<c r="{ref}"><v>{value}</v></c>')
        body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        sheet_xml.append(
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">{dim}<sheetData>{body}</sheetData></worksheet>'
        )
    count = len(strings) if sst_count is None else sst_count
    unique = len(strings) if sst_unique is None else sst_unique
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="{count}" uniqueCount="{unique}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    names = list(sheets)
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
        + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(names))
        )
        + f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        + "</Relationships>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(names))
        )
        + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i, xml in enumerate(sheet_xml):
            zf.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
        zf.writestr("xl/sharedStrings.xml", sst)
        if pad_bytes:
            zf.writestr("docProps/padding.bin", bytes(pad_bytes), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def far_cell_xlsx() -> bytes:
    """An 18 KB workbook with one cell at ZZZZ5000000 (beyond XFD1048576): calamine asks for 76 TB."""
    return raw_xlsx({"Sheet1": {"A1": "x", "ZZZZ5000000": 1.0}}, pad_bytes=17_000)


def huge_shared_strings_xlsx() -> bytes:
    """A workbook whose shared-strings table declares count="4294967295": calamine asks for 103 GB."""
    return raw_xlsx({"Sheet1": {"A1": "x", "B1": 2.0}}, sst_count=4294967295, sst_unique=4294967295)


def with_cells(xlsx: bytes, sheet: str, cells: dict[str, str | float]) -> bytes:
    """An openpyxl-written workbook with extra cells set on one sheet (e.g. a stray space at XFD1048576)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def million_rows_xlsx(rows: int = 1_048_575, commune: str = "90001") -> bytes:
    """A department's own long table: a header and `rows` identical rows (a whole Excel sheet of duplicates)."""
    head = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>3</v></c><c r="B{r}" t="s"><v>4</v></c><c r="C{r}"><v>70</v></c></row>'
        for r in range(2, rows + 2)
    )
    data = raw_xlsx(
        {
            "Số liệu": {
                "A1": "Mã chỉ tiêu",
                "B1": "Mã đơn vị",
                "C1": "Giá trị",
                "A2": "online_rate",
                "B2": commune,
            }
        }
    )
    # replace the two-row sheet by the long one (the shared strings stay as written)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(
                    rb"<sheetData>.*</sheetData>", f"<sheetData>{head}{body}</sheetData>".encode(), part
                )
            zf.writestr(info.filename, part)
    return out.getvalue()


def run_inbox_cli(province: Path, inbox: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`python -m ioc ingest --inbox` as an administrator's scheduled job runs it, on a fresh SQLite database
    under `data_dir`; checks the process ended normally (exit 1: some files were rejected), no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        {
            "IOC_TARGETS": str(province),
            "IOC_DATA_DIR": str(data_dir),
            "IOC_DATABASE_URL": f"sqlite:///{data_dir / 'ioc.sqlite3'}",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    run = subprocess.run(
        [sys.executable, "-m", "ioc", "ingest", "--inbox", str(inbox), "--who", "inbox"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr[-3000:]
    assert run.returncode == 1, run.stderr[-3000:]  # files were rejected; the process ended normally
    return run
