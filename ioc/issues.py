"""The one problem type shared by config loading, file parsing, the CLI, the pages and the tests."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import polars as pl


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """A problem found in a config file or an input file.

    `code` is stable kebab-case (tests assert on it); `message` is English, `message_vi` Vietnamese.
    Locations are filled as far as they are known: `file`/`line`/`col` for YAML, and
    `sheet`/`row` (as Excel shows it, 1-based)/`column` (Excel letter, or the CSV header) for data files.
    """

    code: str
    message: str
    message_vi: str | None = None
    severity: Severity = Severity.ERROR
    file: str | None = None
    line: int | None = None
    col: int | None = None
    field: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    hint: str | None = None
    hint_vi: str | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def text(self, lang: str = "en") -> str:
        """The message in the language asked for (falls back to English)."""
        if lang == "vi" and self.message_vi:
            return self.message_vi
        return self.message

    def hint_text(self, lang: str = "en") -> str | None:
        if lang == "vi" and self.hint_vi:
            return self.hint_vi
        return self.hint

    def location(self) -> str:
        """Where the problem is, compiler style: `file:line:col` or `file › sheet › C12`."""
        if self.line is not None:
            parts = [self.file or "<config>", str(self.line)]
            if self.col is not None:
                parts.append(str(self.col))
            return ":".join(parts)
        parts = [p for p in (self.file, self.sheet) if p]
        if self.column and re.fullmatch(r"[A-Z]{1,3}", self.column):
            parts.append(f"{self.column}{self.row or ''}")  # an Excel cell, e.g. G12
        else:
            where = []
            if self.row is not None:
                where.append(f"row {self.row}")
            if self.column:
                where.append(f"column '{self.column}'")
            if where:
                parts.append(", ".join(where))
        return " › ".join(parts)

    def __str__(self) -> str:  # the CLI format
        where = self.location()
        head = f"{where}: " if where else ""
        fld = f"{self.field}: " if self.field else ""
        out = f"{head}{self.severity.value}[{self.code}] {fld}{self.message}"
        if self.hint:
            out += f" Hint: {self.hint}"
        return out


class IssueError(Exception):
    """Raised when a config or file cannot be used; carries every issue found, not only the first."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def issues_frame(issues: list[Issue], lang: str = "en") -> pl.DataFrame:
    """Flatten issues into a table for `st.dataframe`, reports and tests."""
    rows = []
    for i in issues:
        d = asdict(i)
        d.pop("extra")
        d["severity"] = i.severity.value
        d["message"] = i.text(lang)
        d["hint"] = i.hint_text(lang)
        d.pop("message_vi")
        d.pop("hint_vi")
        rows.append(d)
    schema = {
        "code": pl.String,
        "message": pl.String,
        "severity": pl.String,
        "file": pl.String,
        "line": pl.Int64,
        "col": pl.Int64,
        "field": pl.String,
        "sheet": pl.String,
        "row": pl.Int64,
        "column": pl.String,
        "value": pl.String,
        "expected": pl.String,
        "hint": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)
