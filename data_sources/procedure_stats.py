"""Procedure statistics reports (thống kê tình hình giải quyết TTHC): one row per receiving unit → indicators.

The report has title rows (with the period), a multi-row merged header (received: total, online, in
person/postal, carried over; settled: total, early, on time, late; in progress: total, within deadline,
overdue), often a row of column numbers, unit rows (sometimes under group rows with subtotals), a total
row, then notes and signatures. The header is read as label paths ("Số hồ sơ nhận giải quyết › Trong kỳ
› Trực tuyến"); each measure is found by the path configured in `exports[].columns`, so another layout
is configuration. The grid is a few hundred cells: it is read whole with fastexcel; the values are
parsed with Polars.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from data_sources import DataSource, ParseResult, Progress
from data_sources._export_common import (
    FORMER_LAST_MONTH,
    ambiguous_column_issue,
    check_indicators,
    choose_export,
    export_indicators,
    header_key,
    is_spreadsheet,
    letter,
    letter_index,
    normalise_period,
    observations,
    period_from_text,
    quantities,
    resolve_units,
    restrict_to_period,
    unit_issue,
)
from data_sources.xlsx_cells import load_export_sheet
from ioc.config import Config
from ioc.csvread import check_legacy_font
from ioc.exports_config import PROCEDURE_IDENTITIES, PROCEDURE_MEASURES, ColumnSpec, ExportConfig, ExportKind
from ioc.filters import compile_quantity
from ioc.issues import Issue
from ioc.messages import Words, issue, period_words, unit_words, warning, words
from ioc.numbers import parse_number_column_both
from ioc.targets import Indicator
from ioc.textnorm import clean_text

NAME = "procedure_stats"
HEAD_ROWS = 30  # rows searched for the start of the header
MAX_HEADER_ROWS = 6
_NUMBER_ROW = re.compile(r"^[(\[]?[0-9a-z]{1,3}[)\]]?(\s*[=+\-*/x]\s*[(\[]?[0-9a-z]{1,3}[)\]]?)*$")
_GROUP_STT = re.compile(r"^(?:[ivxlc]+|[a-h])[.)]?$")  # I, II, III … or A, B …: group and subtotal rows
_GROUP_TEXT = ("cấp tỉnh", "cấp xã", "cấp huyện", "khối ", "các sở", "các cơ quan", "các xã", "các đơn vị")
_BLANK = {"", "-", "–", "—", "x"}


@dataclass
class Layout:
    """Where the table is in the grid: header rows, the unit column and each measure's column."""

    header_start: int  # 0-based row
    data_start: int  # 0-based row of the first row below the header (and the column-number row)
    unit_col: int  # 0-based position in the grid
    measures: dict[str, int]  # measure → position
    paths: list[list[str]]
    issues: list[Issue] = field(default_factory=list)


def _text(v: object) -> str | None:
    if v is None:
        return None
    s = clean_text(str(v))
    return s or None


def _tokens(s: str) -> list[str]:
    return header_key(s).replace(",", " ").split()


def _contains(spec: str, cell: str) -> bool:
    """True when the words of `spec` appear together, in order, in `cell`."""
    a, b = _tokens(spec), _tokens(cell)
    return bool(a) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))


def path_matches(spec_label: str, path: Sequence[str]) -> bool:
    """Whether a configured label path ("Đã giải quyết | Đúng hạn") names a column's header path.

    The last level must be in the column's own (lowest) header cell; the others must each be in a header
    cell above it, in order.
    """
    levels = [p.strip() for p in spec_label.split("|") if p.strip()]
    if not levels or not path or not _contains(levels[-1], path[-1]):
        return False
    i = 0
    for want in levels[:-1]:
        while i < len(path) - 1 and not _contains(want, path[i]):
            i += 1
        if i >= len(path) - 1:
            return False
        i += 1
    return True


def header_paths(rows: Sequence[Sequence[str | None]], *, merged: bool = False) -> list[list[str]]:
    """The label path of each column of a merged header block (top row first).

    With `merged`, every cell of a merged range already holds the range's value (the merges were read
    from the workbook's XML: `fill_merges`). Otherwise — an .xls, or a sheet saved with its merges undone —
    a merged cell is read with its value in the top-left cell only, and the merges are guessed: an empty
    cell takes the value on its left when both sit under the same parent cells (it is part of a horizontal
    merge), and stays empty otherwise (a vertical merge from above, or the spanned area of a cell on the
    left).
    """
    width = max((len(r) for r in rows), default=0)
    filled = [[r[c] if c < len(r) else None for c in range(width)] for r in rows]
    if not merged:
        filled = _guess_merges(filled)
    paths = []
    for c in range(width):
        p: list[str] = []
        for r in range(len(rows)):
            v = filled[r][c]
            if v is not None and (not p or p[-1] != v):
                p.append(v)
        paths.append(p)
    return paths


def _guess_merges(rows: list[list[str | None]]) -> list[list[str | None]]:
    """The block with each horizontal continuation of a cell (guessed from blanks) holding its value."""
    filled: list[list[str | None]] = []
    for r, row in enumerate(rows):
        out: list[str | None] = []
        for c, v in enumerate(row):
            if v is None and c > 0 and out[c - 1] is not None:
                same_parents = all(filled[k][c] == filled[k][c - 1] for k in range(r))
                has_parent = r == 0 or any(filled[k][c] is not None for k in range(r))
                if same_parents and has_parent:  # the horizontal continuation of the cell on the left
                    v = out[c - 1]
            out.append(v)
        filled.append(out)
    return filled


def fill_merges(
    grid: Sequence[Sequence[str | None]],
    start: int,
    height: int,
    absolute: Sequence[int],
    merges: Sequence[tuple[int, int, int, int]],
) -> list[list[str | None]] | None:
    """The header block (grid rows `start`…) with each merged range's value in all its cells.

    None when no merged range of the sheet touches the block: its merges, if any, were undone and are
    guessed from blanks instead. `merges` are (first row, first column, last row, last column), rows as
    Excel numbers them (grid row + 1), columns 0-based in the sheet.
    """
    pos = {a: i for i, a in enumerate(absolute)}
    rows = grid[start : start + height]
    width = max((len(r) for r in rows), default=0)
    block = [[r[c] if c < len(r) else None for c in range(width)] for r in rows]
    touched = False
    for r1, c1, r2, c2 in merges:
        lo, hi = max(r1 - 1, start), min(r2 - 1, start + height - 1)
        if lo > hi or (r1, c1) == (r2, c2):
            continue
        top_row = grid[r1 - 1] if r1 - 1 < len(grid) else ()
        top = top_row[pos[c1]] if c1 in pos and pos[c1] < len(top_row) else None
        for r in range(lo, hi + 1):
            for c in range(c1, c2 + 1):
                if c in pos and pos[c] < width:
                    block[r - start][pos[c]] = top
                    touched = True
    return block if touched else None


def _find_header_start(grid: list[list[str | None]], unit_spec: ColumnSpec) -> int | None:
    keys = {header_key(x) for x in unit_spec.labels} | {"stt", "số tt", "tt"}
    for i, row in enumerate(grid[:HEAD_ROWS]):
        if any(c is not None and header_key(c) in keys for c in row):
            return i
    return None


def _is_number_row(row: Sequence[str | None], width: int) -> bool:
    cells = [c for c in row if c is not None]
    return len(cells) >= max(2, width // 2) and all(_NUMBER_ROW.match(header_key(c)) for c in cells)


def find_layout(
    grid: list[list[str | None]],
    export: ExportConfig,
    *,
    absolute: Sequence[int],
    merges: Sequence[tuple[int, int, int, int]] = (),
) -> Layout | None:
    """Locate header, unit column and measure columns; None when the grid has no such table."""
    specs = export.column_specs()
    unit_spec = specs.get("unit") or ColumnSpec(labels=["Đơn vị"])
    start = export.header_row - 1 if export.header_row else _find_header_start(grid, unit_spec)
    if start is None or start >= len(grid):
        return None
    width = max(len(r) for r in grid)
    height = _header_height(grid, export, unit_spec, start, width)
    # the workbook's own merged ranges when it has them; else (.xls, merges undone) guessed from blanks
    block = fill_merges(grid, start, height, absolute, merges)
    paths = (
        header_paths(block, merged=True) if block is not None else header_paths(grid[start : start + height])
    )
    data_start = start + height
    if data_start < len(grid) and _is_number_row(grid[data_start], width):
        data_start += 1
    found, issues = _match_measures(specs, paths, absolute, start)
    unit_col = found.pop("unit", None)
    if unit_col is None:
        return None
    return Layout(start, data_start, unit_col, found, paths, issues)


def _header_height(
    grid: list[list[str | None]], export: ExportConfig, unit_spec: ColumnSpec, start: int, width: int
) -> int:
    """Header rows: as configured, else until a row with a unit name or the row of column numbers."""
    if export.header_rows > 1:
        return export.header_rows
    height = 1
    unit_guess = next(
        (
            c
            for c, v in enumerate(grid[start])
            if v is not None and any(_contains(lab, v) for lab in unit_spec.labels)
        ),
        None,
    )
    while start + height < len(grid) and height < MAX_HEADER_ROWS:
        row = grid[start + height]
        if _is_number_row(row, width) or (unit_guess is not None and row[unit_guess] is not None):
            break
        height += 1
    return height


def _match_measures(
    specs: dict[str, ColumnSpec], paths: list[list[str]], absolute: Sequence[int], start: int
) -> tuple[dict[str, int], list[Issue]]:
    """Each field's grid position (by letter, else by header path), and the fields several columns match."""
    found: dict[str, int] = {}
    issues: list[Issue] = []
    for fld, spec in specs.items():
        if spec.letter:
            want = letter_index(spec.letter)
            hits = [i for i, a in enumerate(absolute) if a == want]
        else:
            hits = []
            for lab in spec.labels:
                hits = [c for c, p in enumerate(paths) if path_matches(lab, p)]
                if hits:
                    break
        if fld == "unit" and len(hits) > 1:
            hits = hits[:1]  # "Đơn vị" may recur in a unit-of-measure column; the first is the name
        if len(hits) == 1:
            found[fld] = hits[0]
        elif len(hits) > 1:
            issues.append(
                ambiguous_column_issue(
                    fld, [letter(absolute[h]) for h in hits], file="", sheet=None, row=start + 1
                )
            )
    return found, issues


@dataclass
class Cells:
    """The sheet as the loader reads it: cleaned text rows, each column's sheet index, merges, sheet name."""

    rows: list[list[str | None]]
    absolute: list[int]
    merges: list[tuple[int, int, int, int]]
    sheet: str


def _load_grid(path: Path, export: ExportConfig, limit: int | None = None, *, merges: bool = True) -> Cells:
    """The sheet's cells as cleaned text (None when empty), from row 1; only the first `limit` rows if given.

    `merges=False` leaves the merged ranges unread (empty): the header's merges are then guessed from blanks.
    """
    grid = load_export_sheet(path, export.sheet, merges=merges)
    rows = [[_text(v) for v in row] for row in grid.text_rows(limit)]
    return Cells(rows, grid.absolute, grid.merges, grid.name)


def _label_of(row: Sequence[str | None], layout: Layout) -> tuple[str | None, str | None]:
    """(stt, unit name) of a data row; the name may sit in a column left of the unit column when merged."""
    name = row[layout.unit_col] if layout.unit_col < len(row) else None
    stt = row[0] if layout.unit_col > 0 else None
    return stt, name


def _starts(key: str, labels: Sequence[str]) -> bool:
    for lab in labels:
        k = header_key(lab)
        if key == k or (
            key.startswith(k) and (" " in k or k.endswith(".")) and not key[len(k) : len(k) + 1].isalnum()
        ):
            return True
    return False


@dataclass
class Where:
    """What every step's messages say about the file: its name, sheet, export and each column's letter."""

    file: str
    sheet: str
    export: ExportConfig
    absolute: list[int]

    def letter(self, position: int) -> str:
        """The Excel letter of a grid position."""
        return letter(self.absolute[position])


@dataclass
class UnitRows:
    """The unit rows below the header: Excel row and label, raw figures; the report's own total rows."""

    units: list[tuple[int, str]] = field(default_factory=list)
    raw: dict[str, list[str | None]] = field(default_factory=dict)
    total_rows: list[int] = field(default_factory=list)
    total_raw: dict[str, list[str | None]] = field(default_factory=dict)


def read(
    path: Path,
    config: Config,
    export: ExportConfig | None = None,
    *,
    display_name: str | None = None,
    progress: Progress | None = None,
    department: str | None = None,
    period: str | None = None,
) -> ParseResult:
    """Compute the procedure-statistics indicators per receiving unit; never raises on bad input.

    Steps: open → locate (header, columns) → period → rows → figures → units → checks → observations.
    """
    path = Path(path)
    file = display_name or path.name
    export = choose_export(config, ExportKind.PROCEDURE_STATS, export)
    res = ParseResult(source=NAME, department=department, export_id=export.id)
    t0 = time.perf_counter()
    if progress is not None:
        progress(0, None)
    indicators = export_indicators(config, export.id)
    types = {m: "number" for m in PROCEDURE_MEASURES} | {
        f: export.field_type(f) for f in export.column_specs() if f != "unit"
    }
    res.issues += check_indicators(export, indicators, types, sum_only=True)  # type: ignore[arg-type]
    if res.errors:
        return res
    cells, problems = _open(path, export, file)
    res.issues += problems
    if cells is None:
        return res
    res.detail.update({"format": "xlsx", "sheet": cells.sheet})
    where = Where(file, cells.sheet, export, cells.absolute)
    if not _read_cells(res, config, cells, where, indicators, types, period):
        return res
    res.detail["seconds"] = round(time.perf_counter() - t0, 3)
    if progress is not None:
        progress(res.rows_read, res.rows_read)
    return res


def _read_cells(
    res: ParseResult,
    config: Config,
    cells: Cells,
    where: Where,
    indicators: list[Indicator],
    types: dict[str, str],
    period: str | None,
) -> bool:
    """The steps after opening, each adding its issues to `res`; False when one stops the file."""
    file, sheet = where.file, where.sheet
    legacy = check_legacy_font(
        " ".join(c for row in cells.rows[:60] for c in row if c), file=file, sheet=sheet
    )
    if legacy is not None:
        res.issues.append(legacy)
        return False
    layout, problems = _locate(cells, where, indicators)
    res.issues += problems
    if layout is None:
        return False
    res.detail.update({"header_row": layout.header_start + 1, "data_row": layout.data_start + 1})
    chosen, problems = _period(cells.rows, layout, period, where)
    res.issues += problems
    if res.errors:
        return False
    assert chosen is not None
    rows, problems = _unit_rows(cells.rows, layout, where)
    res.issues += problems
    res.rows_read = len(rows.units)
    if not rows.units:
        res.issues.append(issue("no-unit-rows", file=file, sheet=sheet, row=layout.data_start + 1))
        return False
    frame, problems = _figures(rows, layout, where)
    res.issues += problems
    frame, problems = _units(frame, chosen, config, layout, where)
    res.issues += problems
    if res.errors:
        return False
    res.issues += _checks(frame, rows, config, layout, where)
    frame = frame.with_columns(pl.lit(chosen).alias("period"))
    obs, problems = _observations(frame, indicators, types, period, where)
    res.issues += problems
    res.observations = obs
    res.detail.update({"period": chosen, "units": frame.height})
    return True


def _open(path: Path, export: ExportConfig, file: str) -> tuple[Cells | None, list[Issue]]:
    """The sheet's cells, or why the file cannot be read as a spreadsheet."""
    if not is_spreadsheet(path):
        return None, [issue("not-a-workbook", file=file)]
    try:
        return _load_grid(path, export), []
    except Exception as e:
        return None, [issue("unreadable-file:workbook", file=file, error=e)]


def _locate(cells: Cells, where: Where, indicators: list[Indicator]) -> tuple[Layout | None, list[Issue]]:
    """The table's layout, with the columns that are ambiguous or missing (required or needed)."""
    file, sheet, export = where.file, where.sheet, where.export
    layout = find_layout(cells.rows, export, absolute=cells.absolute, merges=cells.merges)
    if layout is None:
        return None, [issue("header-not-found:procedure-stats", file=file, sheet=sheet, export=export.id)]
    out = [Issue(**{**i.__dict__, "file": file, "sheet": sheet}) for i in layout.issues]
    needed = {f for ind in indicators for q in quantities(ind).values() for f in (q.sum or [])}  # type: ignore[union-attr]
    for fld, spec in export.column_specs().items():
        if fld == "unit" or fld in layout.measures or any(i.field == fld for i in layout.issues):
            continue
        if spec.required or fld in needed:
            wanted = f"column {spec.letter}" if spec.letter else " / ".join(spec.labels)
            out.append(
                issue(
                    "missing-column:layout",
                    file=file,
                    sheet=sheet,
                    row=layout.header_start + 1,
                    field=fld,
                    expected=wanted,
                    fld=fld,
                    wanted=wanted,
                    export=export.id,
                )
            )
    return layout, out


def _period(
    grid: list[list[str | None]], layout: Layout, period: str | None, where: Where
) -> tuple[str | None, list[Issue]]:
    """The report's period: declared, else from the title rows; with the problems between the two."""
    file, sheet = where.file, where.sheet
    title_period, title_text = None, None
    for row in grid[: layout.header_start]:
        p, t = period_from_text(" ".join(c for c in row if c))
        if p is not None or t is not None:
            title_period, title_text = p, t
            break
    out: list[Issue] = []
    if period is not None and normalise_period(period) is None:
        out.append(
            issue(
                "bad-period:declared",
                file=file,
                value=period,
                expected="2025-08, 2025-Q3 or 2025",
                period=period,
            )
        )
    elif period is not None and title_period is not None and normalise_period(period) != title_period:
        out.append(
            issue(
                "period-mismatch:title",
                file=file,
                sheet=sheet,
                value=title_text,
                expected=period,
                title_period=period_words(title_period),
                title_text=title_text,
                period=period_words(normalise_period(period)),
            )
        )
    chosen = normalise_period(period) if period is not None else title_period
    if chosen is None and period is None:
        found = words("phrase.not-a-period", title=title_text) if title_text else ""
        out.append(issue("missing-period", file=file, sheet=sheet, found=found))
    return chosen, out


def _unit_rows(grid: list[list[str | None]], layout: Layout, where: Where) -> tuple[UnitRows, list[Issue]]:
    """The unit rows and total rows below the header, skipping group rows; stops at notes and signatures."""
    totals, stops = where.export.total_row_labels(), where.export.stop_row_labels()
    measures = layout.measures
    out = UnitRows(raw={m: [] for m in measures}, total_raw={m: [] for m in measures})
    issues: list[Issue] = []
    for r in range(layout.data_start, len(grid)):
        row = grid[r]
        stt, name = _label_of(row, layout)
        first_texts = [c for c in row[: layout.unit_col + 1] if c]
        if any(_starts(header_key(t), stops) for t in first_texts):
            break
        figures = {m: (row[c] if c < len(row) else None) for m, c in measures.items()}
        has_figures = any(v is not None and header_key(v) not in _BLANK for v in figures.values())
        key = header_key(name) if name else ""
        if not name and not has_figures:
            continue
        if (key and _starts(key, totals)) or (not name and stt and _starts(header_key(stt), totals)):
            out.total_rows.append(r + 1)
            for m in measures:
                out.total_raw[m].append(figures[m])
            continue
        if (stt and _GROUP_STT.match(header_key(stt))) or key.startswith(_GROUP_TEXT):
            continue  # a group heading, usually with its subtotal
        if not name:
            issues.append(
                issue(
                    "missing-unit:procedure-stats",
                    file=where.file,
                    sheet=where.sheet,
                    row=r + 1,
                    column=where.letter(layout.unit_col),
                )
            )
            continue
        if not has_figures:
            continue
        out.units.append((r + 1, name))
        for m in measures:
            out.raw[m].append(figures[m])
    return out, issues


def _figures(rows: UnitRows, layout: Layout, where: Where) -> tuple[pl.DataFrame, list[Issue]]:
    """One row per unit with its figures: whole non-negative numbers; blank or "-" is 0."""
    units = rows.units
    frame = pl.DataFrame(
        {"row": [u[0] for u in units], "label": [u[1] for u in units]},
        schema={"row": pl.Int64, "label": pl.String},
    )
    issues: list[Issue] = []
    for m, values in rows.raw.items():
        vals, reasons, bad = _counts(values, where.export.decimal_comma)
        frame = frame.with_columns(pl.Series(m, vals, dtype=pl.Float64))
        for i in bad:
            issues.append(
                issue(
                    "bad-number:count",
                    file=where.file,
                    sheet=where.sheet,
                    row=units[i][0],
                    column=where.letter(layout.measures[m]),
                    field=m,
                    value=str(values[i]),
                    expected="a whole number ≥ 0",
                    text=values[i],
                    measure=m,
                    reason=reasons[i],
                )
            )
    return frame, issues


def _units(
    frame: pl.DataFrame, chosen: str, config: Config, layout: Layout, where: Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """Each row's unit code (former communes before July 2025), with unknown and repeated units."""
    file, sheet, export = where.file, where.sheet, where.export
    former = chosen[:7] <= FORMER_LAST_MONTH if len(chosen) >= 7 else chosen <= FORMER_LAST_MONTH[:4]
    labels = frame.select("label", pl.lit(former).alias("former"))
    resolved = resolve_units(labels, config, export)
    frame = frame.join(resolved.select("label", "unit_code", "reason", "reason_vi"), on="label", how="left")
    column = where.letter(layout.unit_col)
    issues: list[Issue] = []
    for (label,), g in frame.filter(pl.col("unit_code").is_null()).group_by("label", maintain_order=True):
        issues.append(
            unit_issue(
                export,
                str(label),
                g["reason"][0],
                g["reason_vi"][0],
                count=g.height,
                rows=g["row"].to_list(),
                file=file,
                sheet=sheet,
                column=column,
            )
        )
    dup = frame.filter(pl.col("label").is_duplicated())
    for (label,), g in dup.group_by("label", maintain_order=True):
        issues.append(
            issue(
                "duplicate-unit",
                label=label,
                rows=", ".join(map(str, g["row"].to_list())),
                file=file,
                sheet=sheet,
                row=g["row"][1],
                column=column,
                value=str(label),
            )
        )
    return frame, issues


def _checks(frame: pl.DataFrame, rows: UnitRows, config: Config, layout: Layout, where: Where) -> list[Issue]:
    """Warnings: several rows for one unit, totals unequal to their parts, a total row unequal to the sum."""
    file, sheet = where.file, where.sheet
    out: list[Issue] = []
    shared = frame.filter(pl.col("unit_code").is_duplicated())
    for (code,), g in shared.group_by("unit_code", maintain_order=True):
        out.append(
            warning(
                "units-combined",
                rows=", ".join(map(str, g["row"].to_list())),
                labels=", ".join(g["label"].to_list()),
                unit=unit_words(config, code),
                file=file,
                sheet=sheet,
                row=g["row"][0],
                column=where.letter(layout.unit_col),
                value=str(code),
            )
        )
    out += _consistency(frame, layout.measures, where.absolute, file=file, sheet=sheet)
    out += _total_check(
        frame,
        rows.total_raw,
        rows.total_rows,
        layout.measures,
        where.absolute,
        where.export,
        file=file,
        sheet=sheet,
    )
    return out


def _observations(
    frame: pl.DataFrame,
    indicators: list[Indicator],
    types: dict[str, str],
    period: str | None,
    where: Where,
) -> tuple[pl.DataFrame, list[Issue]]:
    """The indicators per unit, kept to the declared period (a warning for what falls outside)."""
    parts = {
        ind.id: {side: compile_quantity(q, types) for side, q in quantities(ind).items()}  # type: ignore[arg-type]
        for ind in indicators
    }
    obs = observations(frame, indicators, parts, source_file=where.file, sheet=where.sheet)
    return restrict_to_period(obs, normalise_period(period) if period else None, file=where.file)


def _counts(
    values: list[str | None], decimal_comma: bool
) -> tuple[list[float | None], list[Words | None], list[int]]:
    """Parse cells as counts: (values, reasons in both languages, indices of bad cells); blank and '-' are 0."""
    cleaned = [None if v is None or header_key(v) in _BLANK else v for v in values]
    vals, reasons, reasons_vi = parse_number_column_both(pl.Series(cleaned, dtype=pl.String), decimal_comma)
    out_v: list[float | None] = []
    # each reason in both languages: the Vietnamese message must not quote an English reason
    out_r: list[Words | None] = [
        None if en is None else Words(vi or en, en)
        for en, vi in zip(reasons.to_list(), reasons_vi.to_list(), strict=True)
    ]
    bad: list[int] = []
    for i, (v, why) in enumerate(zip(vals.to_list(), out_r, strict=True)):
        if why is not None:
            bad.append(i)
            out_v.append(None)
        elif v is None:
            out_v.append(0.0)
        elif v < 0 or v != int(v):
            out_r[i] = words("phrase.not-whole-count")
            bad.append(i)
            out_v.append(None)
        else:
            out_v.append(float(v))
    return out_v, out_r, bad


def _consistency(
    frame: pl.DataFrame, measures: dict[str, int], absolute: Sequence[int], *, file: str, sheet: str
) -> list[Issue]:
    """Warnings where a total differs from the sum of its parts (received, settled, in progress)."""
    out: list[Issue] = []
    for total, parts in PROCEDURE_IDENTITIES:
        if total not in measures or not all(p in measures for p in parts):
            continue
        diff = frame.with_columns(pl.sum_horizontal(parts).alias("__parts")).filter(
            pl.col(total) != pl.col("__parts")
        )
        for row, label, t, s in diff.select("row", "label", total, "__parts").iter_rows():
            out.append(
                warning(
                    "inconsistent-total",
                    label=label,
                    total=total,
                    total_value=t,
                    parts=" + ".join(parts),
                    sum=s,
                    file=file,
                    sheet=sheet,
                    row=row,
                    column=letter(absolute[measures[total]]),
                    field=total,
                    value=f"{t:g}",
                    expected=f"{s:g}",
                )
            )
    return out


def _total_check(
    frame: pl.DataFrame,
    total_raw: dict[str, list[str | None]],
    total_rows: list[int],
    measures: dict[str, int],
    absolute: Sequence[int],
    export: ExportConfig,
    *,
    file: str,
    sheet: str,
) -> list[Issue]:
    """A warning when the report's own total row differs from the sum of the unit rows."""
    if len(total_rows) != 1:
        return []
    out = []
    for m in measures:
        vals, _, bad = _counts(total_raw[m], export.decimal_comma)
        if bad or vals[0] is None:
            continue
        s = float(frame.get_column(m).sum())
        if abs(vals[0] - s) > 1e-9:
            out.append(
                warning(
                    "total-row-mismatch",
                    measure=m,
                    total=vals[0],
                    sum=s,
                    file=file,
                    sheet=sheet,
                    row=total_rows[0],
                    column=letter(absolute[measures[m]]),
                    field=m,
                    value=f"{vals[0]:g}",
                    expected=f"{s:g}",
                )
            )
    return out


def sniff(path: Path, config: Config) -> ExportConfig | bool:
    """The procedure_stats export whose header layout is found with most of its measures, else False."""
    if not is_spreadsheet(Path(path)):
        return False
    exports = [e for e in config.targets.exports if e.kind == ExportKind.PROCEDURE_STATS]
    for export in exports or [ExportConfig(id=NAME, kind=ExportKind.PROCEDURE_STATS)]:
        try:
            # merges guessed from blanks: every file is sniffed, and reading a large dossier export's
            # merges would cost it a good share of its read; the read itself uses the real ones
            cells = _load_grid(Path(path), export, HEAD_ROWS + MAX_HEADER_ROWS + 2, merges=False)
        except Exception:
            return False
        layout = find_layout(cells.rows, export, absolute=cells.absolute, merges=cells.merges)
        required = [f for f, s in export.column_specs().items() if f != "unit" and s.required]
        if layout is not None and len(layout.measures) >= max(2, (len(required) + 1) // 2):
            return export
    return False


SOURCE = DataSource(
    name=NAME,
    looks_for=(
        "a procedure statistics table (received / settled / in progress per unit)",
        "bảng thống kê tình hình giải quyết TTHC theo đơn vị",
    ),
    is_a=(
        "a procedure statistics report exported from the administrative-procedure system",
        "báo cáo thống kê tình hình giải quyết TTHC xuất từ hệ thống",
    ),
    sniffer=sniff,
    reader=read,
    export_kind=ExportKind.PROCEDURE_STATS,
)
