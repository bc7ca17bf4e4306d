"""Loaders, one per kind of input, each returning the tidy observation frame with provenance.

A new export format is one module here (declaring its `SOURCE = DataSource(...)`) plus one line in
`registry.REGISTRY` (and an `exports:` entry in targets.yaml when it is a report-system export).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ioc.config import Config
from ioc.exports_config import ExportConfig, ExportKind
from ioc.issues import Issue
from ioc.observations import empty_observations

# progress(rows_done, rows_total_or_None)
Progress = Callable[[int, int | None], None]


@dataclass
class ParseResult:
    """What a loader found in one file: observations, every problem, and what the file is about."""

    source: str  # name of the loader in SOURCES
    observations: pl.DataFrame = field(default_factory=empty_observations)
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    department: str | None = None  # the department the file reports for, when the file says
    export_id: str | None = None
    detail: dict[str, object] = field(default_factory=dict)  # e.g. detected encoding, layout

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def periods(self) -> list[str]:
        return sorted(self.observations["period"].unique().to_list())


@dataclass(frozen=True)
class DataSource:
    """One kind of input file, declared once in its module (`SOURCE`) and listed once in `registry.REGISTRY`.

    `sniffer(path, config)` says whether the file is of this kind (True, or the matching export config);
    `reader(path, config, export, *, display_name, progress, department, period)` parses it. A source with
    an `export_kind` reads that kind of `exports:` entry of targets.yaml (a report-system export, taken
    from the administrator); one without is a department workbook (the department page takes only those).
    `layout_sniffer` is a weaker second sniff the registry asks after the report-system exports had theirs.
    """

    name: str
    looks_for: tuple[str, str]  # (en, vi): what the sniff looks for, for the "unknown format" message
    is_a: tuple[str, str]  # (en, vi): what a file of this kind is, for the "not on this channel" message
    sniffer: Callable[[Path, Config], ExportConfig | bool]
    reader: Callable[..., ParseResult]
    export_kind: ExportKind | None = None
    layout_sniffer: Callable[[Path, Config], bool] | None = None

    def sniff(self, path: Path, config: Config) -> ExportConfig | bool:
        """Whether this loader reads the file: True / the matching export config, or False."""
        return self.sniffer(path, config)

    def read(
        self,
        path: Path,
        config: Config,
        export: ExportConfig | None = None,
        *,
        display_name: str | None = None,
        progress: Progress | None = None,
        department: str | None = None,
        period: str | None = None,
    ) -> ParseResult:
        """Parse the file into observations; problems go into `issues`, never raised.

        `department` and `period` are what the uploader declared (form or command line); a file that
        states its own (the template's `_meta` sheet) is checked against them.
        """
        return self.reader(
            path,
            config,
            export,
            display_name=display_name,
            progress=progress,
            department=department,
            period=period,
        )
