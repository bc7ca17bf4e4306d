"""Loaders, one per kind of input, each returning the tidy observation frame with provenance.

A new export format is one module here plus one line in `SOURCES` (and an `exports:` entry in
targets.yaml when it is a report-system export).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from ioc.config import Config
from ioc.exports_config import ExportConfig
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


class DataSource(Protocol):
    """One kind of input file."""

    name: str

    def sniff(self, path: Path, config: Config) -> ExportConfig | bool:
        """Whether this loader reads the file: True / the matching export config, or False."""
        ...

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
        ...
