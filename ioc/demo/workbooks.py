"""Department workbooks for the demo, filled in as a user would: the template of `ioc.template`, values typed
into its yellow cells with openpyxl — plus the mistakes people make (a percent of 130, a commune that no
longer exists, "n/a" in a value cell) and one wide sheet with commune names and numbers typed as text.

Speed matters (the app seeds the demo on first start): each department's template is built and loaded
once per set of due indicators, then only the cells that change with the period are rewritten.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

import polars as pl
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from ioc import template as tpl
from ioc.config import Config
from ioc.demo.units import old_style
from ioc.period_labels import format_period
from ioc.targets import Level, MeasureUnit

Fault = Literal["percent-over-100", "unknown-commune", "text-in-value"]


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def stable_xlsx(data: bytes, when: dt.datetime) -> bytes:
    """The same workbook with fixed zip timestamps and document dates, so equal content = equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return _zip({n: z.read(n) for n in z.namelist()}, when)


def _save(wb: Workbook, when: dt.datetime) -> bytes:
    wb.properties.creator = "IOC demo"
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue(), when)


def _vn_number(x: float, decimals: int) -> str:
    """A number typed the Vietnamese way: "84,63", "1.672"."""
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*?)(?:\s*/>|>.*?</c>)', re.S)
_T_ATTR = re.compile(rb'\s+t="[^"]*"')
_PERIOD_LINE = re.compile("Kỳ báo cáo: [^<]*".encode())


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(ref: str, attrs: bytes, value: object) -> bytes:
    """One cell as openpyxl writes it: a number, an inline string, or an empty styled cell."""
    attrs = _T_ATTR.sub(b"", attrs).rstrip(b" /")
    head = f'<c r="{ref}"'.encode() + attrs
    if value is None:
        return head + b' t="n" />'
    if isinstance(value, str):
        return head + f' t="inlineStr"><is><t>{_esc(value)}</t></is></c>'.encode()
    num = float(value)  # type: ignore[arg-type]
    text = str(int(num)) if num.is_integer() and abs(num) < 1e15 else repr(num)
    return head + f' t="n"><v>{text}</v></c>'.encode()


def patch_cells(xml: bytes, edits: dict[str, object]) -> tuple[bytes, int]:
    """Rewrite the cells named in `edits` (e.g. {"G6": 84.6}); return the sheet XML and how many were found."""
    found = 0

    def sub(m: re.Match[bytes]) -> bytes:
        nonlocal found
        ref = m.group(1).decode()
        if ref not in edits:
            return m.group(0)
        found += 1
        return _cell_xml(ref, m.group(2), edits[ref])

    return _CELL.sub(sub, xml), found


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → zip member, from workbook.xml and its relationships."""
    rels = {}
    for target, rid in re.findall(rb'Target="/?([^"]+)" Id="(rId\d+)"', parts["xl/_rels/workbook.xml.rels"]):
        t = target.decode()
        rels[rid.decode()] = t if t.startswith("xl/") else f"xl/{t}"
    out = {}
    for name, rid in re.findall(rb'<sheet name="([^"]*)"[^>]*?r:id="(rId\d+)"', parts["xl/workbook.xml"]):
        out[name.decode("utf-8").replace("&amp;", "&")] = rels[rid.decode()]
    return out


@dataclass
class _Base:
    """A department's blank template (as built by `ioc.template`) kept as zip members, to be re-filled."""

    parts: dict[str, bytes]
    sheets: dict[str, str]  # sheet name → zip member
    meta_rows: dict[str, int]  # _meta key → row
    keys: list[tuple[str, str]]  # (indicator, unit_code) of each data row, in order


def _zip(parts: dict[str, bytes], when: dt.datetime) -> bytes:
    """Zip the members with fixed timestamps and document dates, so equal content = equal bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            if name == "docProps/core.xml":
                body = _CORE_DATES.sub(rb"\g<1>" + stamp, body)
            zi = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, body)
    return out.getvalue()


class WorkbookMaker:
    """Builds filled department workbooks from the simulated values."""

    def __init__(self, config: Config):
        self.config = config
        self._cache: dict[tuple[str, tuple[str, ...]], _Base] = {}

    def rows(self, department: str, period: str) -> pl.DataFrame:
        """The template's rows for the department and period (empty when nothing is due)."""
        return tpl.template_rows(self.config, department, period)

    def _template(self, department: str, period: str, rows: pl.DataFrame, when: dt.datetime) -> _Base:
        due = tuple(ind.id for ind in tpl.due_indicators(self.config, department, period))
        key = (department, due)
        keys = list(zip(rows["indicator"].to_list(), rows["unit_code"].to_list(), strict=True))
        hit = self._cache.get(key)
        if hit is None or hit.keys != keys:
            data = tpl.build_template(self.config, department, period, generated_at=when)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                parts = {n: z.read(n) for n in z.namelist()}
            sheets = _sheet_parts(parts)
            cells = re.findall(
                rb'<c r="A(\d+)"[^>]*><is><t>([^<]*)</t></is></c>', parts[sheets[tpl.META_SHEET]]
            )
            meta_rows = {k.decode(): int(r) for r, k in cells}
            hit = _Base(parts, sheets, meta_rows, keys)
            self._cache[key] = hit
        return hit

    def long(
        self,
        department: str,
        period: str,
        filled: pl.DataFrame,
        when: dt.datetime,
        *,
        fault: Fault | None = None,
        fault_text: str | None = None,
    ) -> bytes:
        """The department's long-layout workbook for `period` with `filled` typed into its yellow cells.

        `filled` = template rows with `previous`, `value`, `numerator`, `denominator` (nulls left blank).
        The template is built once per department and set of due indicators; each period rewrites only
        the cells that change (title, names, previous values, values, the `_meta` period) in its XML,
        exactly as openpyxl writes them — saving the workbook through openpyxl for each of ~350 files
        would cost more than the whole ingest.
        """
        base = self._template(department, period, filled, when)
        col = {c.key: get_column_letter(i) for i, c in enumerate(tpl.LONG_COLUMNS, start=1)}
        edits: dict[str, object] = {}
        cols = ("indicator_name", "previous", "value", "numerator", "denominator", "measure", "ratio")
        for i, (name, prev, value, num, den, measure, ratio) in enumerate(filled.select(*cols).rows()):
            r = tpl.FIRST_DATA_ROW + i
            if measure == MeasureUnit.COUNT.value and value is not None:
                value = int(value)
            edits[f"{col['indicator_name']}{r}"] = name
            edits[f"{col['previous']}{r}"] = prev
            edits[f"{col['value']}{r}"] = value
            edits[f"{col['numerator']}{r}"] = int(num) if ratio and num is not None else None
            edits[f"{col['denominator']}{r}"] = int(den) if ratio and den is not None else None
        fault_row = _fault_row(filled, fault) if fault else None
        if fault_row is not None:
            r = tpl.FIRST_DATA_ROW + fault_row
            value, num, den = f"{col['value']}{r}", f"{col['numerator']}{r}", f"{col['denominator']}{r}"
            if fault == "percent-over-100":
                edits.update({value: 130, num: None, den: None})
            elif fault == "text-in-value":
                edits.update({value: "n/a", num: None, den: None, f"{col['note']}{r}": "chưa có số liệu"})
            elif fault == "unknown-commune":
                # the officer typed the commune as it was called before the 2025 merger
                edits.update({f"{col['unit_code']}{r}": fault_text, f"{col['unit_name']}{r}": fault_text})
        label = f"Kỳ báo cáo: {format_period(period, 'vi')}".encode()
        parts = dict(base.parts)
        sheet = base.sheets[tpl.INPUT_SHEET]
        parts[sheet], found = patch_cells(_PERIOD_LINE.sub(label, parts[sheet], count=1), edits)
        if found != len(edits):
            raise RuntimeError(f"the template's layout changed: {found} of {len(edits)} cells found")
        meta = base.sheets[tpl.META_SHEET]
        stamp = when.isoformat(timespec="seconds")
        parts[meta], _ = patch_cells(
            parts[meta], {f"B{base.meta_rows['period']}": period, f"B{base.meta_rows['generated_at']}": stamp}
        )
        if tpl.HELP_SHEET in base.sheets:
            part = base.sheets[tpl.HELP_SHEET]
            parts[part] = _PERIOD_LINE.sub(label, parts[part])
        if tpl.LISTS_SHEET in base.sheets:
            names = filled.unique("indicator", keep="first", maintain_order=True)["indicator_name"].to_list()
            part = base.sheets[tpl.LISTS_SHEET]
            parts[part], _ = patch_cells(parts[part], {f"B{i}": n for i, n in enumerate(names, start=2)})
        return _zip(parts, when)

    def wide(self, department: str, period: str, filled: pl.DataFrame, when: dt.datetime) -> bytes:
        """A wide workbook (communes × indicators) with names instead of codes and numbers as Vietnamese
        text ("84,63"), as many officers fill in their own sheets."""
        data = tpl.build_template(self.config, department, period, layout="wide", generated_at=when)
        wb = load_workbook(io.BytesIO(data))
        ws = wb[tpl.INPUT_SHEET]
        header = {ws.cell(tpl.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
        inds = {ind.id: ind for ind in self.config.targets.indicators}
        communes = filled.filter(pl.col("level") == Level.COMMUNE.value)
        by_unit: dict[str, dict[str, float | None]] = {}
        for ind_id, code, value in communes.select("indicator", "unit_code", "value").rows():
            by_unit.setdefault(code, {})[ind_id] = value
        ambiguous = _ambiguous_names(self.config)
        for r in range(tpl.FIRST_DATA_ROW, ws.max_row + 1):
            code = ws.cell(r, 1).value
            if code is None:
                continue
            name = ws.cell(r, 2).value or ""
            # keyboards differ: old-style tone marks; the type word left out where that stays unambiguous
            typed = old_style(name)
            bare = typed.split(" ", 1)[1] if typed.startswith(("Xã ", "Phường ")) else typed
            if bare not in ambiguous and r % 3 == 0:
                typed = bare
            ws.cell(r, 1).value = None
            ws.cell(r, 2).value = typed
            for ind_id, value in by_unit.get(str(code), {}).items():
                ind = inds[ind_id]
                col = header.get(tpl.wide_header(ind))
                if col is None or value is None:
                    continue
                decimals = 0 if ind.unit in (MeasureUnit.COUNT, MeasureUnit.MONEY) else 2
                ws.cell(r, col).value = _vn_number(value, decimals)
        return _save(wb, when)


def _ambiguous_names(config: Config) -> set[str]:
    """Commune names shared by two communes (only the type tells them apart)."""
    names = config.registry.communes.get_column("name")
    dup = names.filter(names.is_duplicated()).unique().to_list()
    return {*dup, *(old_style(n) for n in dup)}


def _fault_row(filled: pl.DataFrame, fault: Fault | None) -> int | None:
    """The row index a mistake goes into: a commune row of a percent indicator when there is one."""
    idx = filled.with_row_index("i").filter(
        (pl.col("level") == Level.COMMUNE.value) & (pl.col("measure") == MeasureUnit.PERCENT.value)
    )
    if idx.is_empty():
        idx = filled.with_row_index("i")
    if fault == "unknown-commune":
        idx = idx.filter(pl.col("level") == Level.COMMUNE.value) if not idx.is_empty() else idx
    return None if idx.is_empty() else int(idx["i"][min(7, idx.height - 1)])
