"""The one problem type shared by config loading, file parsing, the CLI, the pages and the tests."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import polars as pl

MAX_SHOWN = 80  # characters of a cell's text quoted in a message
MAX_MESSAGE = 1_000  # characters of one message
_LONG_RUN = re.compile(r"\S{" + str(MAX_SHOWN + 1) + ",}")


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """`text` cut to `limit` characters, with "…" when something was cut."""
    return text if len(text) <= limit else text[:limit] + "…"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """A problem found in a config file or an input file.

    `code` is stable kebab-case (tests assert on it); `message` is English, `message_vi` Vietnamese.
    Locations are filled as far as they are known: `file`/`line`/`col` for YAML, and
    `sheet`/`row` (as Excel shows it, 1-based)/`column` (Excel letter, or the CSV header) for data files.
    The texts come from the catalog in `ioc.messages` (build issues with `ioc.messages.issue`).
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
    admin_hint: str | None = (
        None  # for the administrator ("add an alias in communes.csv"), never a department
    )
    admin_hint_vi: str | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # A 32,000-character cell must not be echoed whole into every message, report and ledger row.
        if self.value is not None and len(self.value) > MAX_SHOWN:
            full, short = self.value, shorten(self.value)
            object.__setattr__(self, "value", short)
            for attr in ("message", "message_vi"):
                text = getattr(self, attr)
                if text and full in text:
                    object.__setattr__(self, attr, text.replace(full, short))
        for attr in ("message", "message_vi"):
            text = getattr(self, attr)
            if text and len(text) > 2 * MAX_SHOWN:
                text = _LONG_RUN.sub(lambda m: shorten(m.group(0)), text)
                object.__setattr__(self, attr, shorten(text, MAX_MESSAGE))

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def text(self, lang: str = "en") -> str:
        """The message in the language asked for (falls back to English)."""
        if lang == "vi" and self.message_vi:
            return self.message_vi
        return self.message

    def hint_text(self, lang: str = "en") -> str | None:
        """The hint for whoever sent the file (fix the cell, save as .xlsx) in `lang`."""
        if lang == "vi" and self.hint_vi:
            return self.hint_vi
        return self.hint

    def admin_hint_text(self, lang: str = "en") -> str | None:
        """The hint only an administrator can act on (add an alias, change the config) in `lang`."""
        if lang == "vi" and self.admin_hint_vi:
            return self.admin_hint_vi
        return self.admin_hint

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
        if self.admin_hint:  # the command line is the administrator's tool: their hint is shown too
            out += f" Administrator: {self.admin_hint}"
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
        d["admin_hint"] = i.admin_hint_text(lang)
        d.pop("message_vi")
        d.pop("hint_vi")
        d.pop("admin_hint_vi")
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
        "admin_hint": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


MAX_PER_CODE = 50  # issues listed per code and severity; the rest are counted in one more issue


def more_like_this(first: Issue, more: int) -> Issue:
    """The issue that stands for `more` unlisted issues like `first` ("… and 1,048,421 more like this")."""
    from ioc.messages import CATALOG, Words, render  # the catalog builds issues, so it imports this module

    msg = CATALOG["phrase.more-like-this"]
    fields = {"more": more, "code": first.code, "noun": Words("lỗi" if first.is_error else "cảnh báo", "")}
    return Issue(
        code=first.code,
        message=render(msg.en, "en", fields) or "",
        message_vi=render(msg.vi, "vi", fields),
        severity=first.severity,
        file=first.file,
        sheet=first.sheet,
        extra={"omitted": more},
    )


class IssueCap:
    """Collects issues, keeping at most `limit` per code and severity and counting the rest.

    Loaders add to it as they find problems, so that a file of a million identical bad rows costs fifty
    `Issue` objects, not a million; `issues()` ends each capped code with one `more_like_this` issue.
    """

    def __init__(self, limit: int = MAX_PER_CODE) -> None:
        self.limit = limit
        self._kept: list[Issue] = []
        self._seen: dict[tuple[str, Severity], int] = {}
        self._first: dict[tuple[str, Severity], Issue] = {}

    def room(self, code: str, severity: Severity = Severity.ERROR) -> int:
        """How many more issues with this code and severity would still be listed."""
        return max(self.limit - self._seen.get((code, severity), 0), 0)

    def add(self, issue: Issue) -> None:
        """Keep `issue` if its code has room, else count it (a summary issue counts what it stands for)."""
        key = (issue.code, issue.severity)
        n = int(issue.extra.get("omitted", 0)) if issue.extra else 0
        if n:  # an earlier cap's "… and N more": count N, list nothing
            self._seen[key] = self._seen.get(key, 0) + n
            self._first.setdefault(key, issue)
            return
        self._seen[key] = self._seen.get(key, 0) + 1
        self._first.setdefault(key, issue)
        if self._seen[key] <= self.limit:
            self._kept.append(issue)

    def count(self, code: str, n: int, severity: Severity = Severity.ERROR) -> None:
        """Count `n` issues of `code` that were found but never built (their first ones were added)."""
        key = (code, severity)
        self._seen[key] = self._seen.get(key, 0) + n

    def issues(self) -> list[Issue]:
        """The kept issues in the order found, each capped code followed by its count of the rest."""
        out = list(self._kept)
        listed: dict[tuple[str, Severity], int] = {}
        for i in self._kept:
            listed[(i.code, i.severity)] = listed.get((i.code, i.severity), 0) + 1
        for key, seen in self._seen.items():
            if seen > listed.get(key, 0) and key in self._first:
                out.append(more_like_this(self._first[key], seen - listed.get(key, 0)))
        return out


def cap_issues(issues: list[Issue], limit: int = MAX_PER_CODE) -> list[Issue]:
    """At most `limit` issues per code and severity, then one issue counting the rest (used everywhere)."""
    cap = IssueCap(limit)
    for issue in issues:
        cap.add(issue)
    return cap.issues()
