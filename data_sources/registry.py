"""The list of data sources and how a file is matched to one (explicit choice, else each source's sniff)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from data_sources import DataSource
from ioc.config import Config
from ioc.exports_config import ExportConfig, ExportKind
from ioc.issues import Issue, IssueError
from ioc.messages import Words, issue, words

log = logging.getLogger(__name__)

# name → module exposing `SOURCE`; sniffed in this order (the template's `_meta` sheet first, since it
# is unambiguous; the generic long export last, since it matches any table with four plain columns).
_MODULES: dict[str, str] = {
    "workbook": "data_sources.workbook",
    "procedure_stats": "data_sources.procedure_stats",
    "dossiers": "data_sources.dossiers",
    "long": "data_sources.long_export",
}
# export kind (targets.yaml `exports:`) → the source that reads it
KIND_SOURCE: dict[ExportKind, str] = {
    ExportKind.PROCEDURE_STATS: "procedure_stats",
    ExportKind.DOSSIERS: "dossiers",
    ExportKind.LONG: "long",
}
# The kinds of file a channel may take (`detect(allowed=…)`): the department page reads department
# workbooks only; report-system exports come in through the administrator (and the command line).
DEPARTMENT_SOURCES: frozenset[str] = frozenset({"workbook"})
EXPORT_SOURCES: frozenset[str] = frozenset(KIND_SOURCE.values())
# What each source looks for, for the "unknown format" message.
_LOOKS_FOR = {
    "workbook": (
        "a department workbook (the app's template, or a table whose header row names the units and "
        "the indicators)",
        "biểu số liệu của sở, ngành (biểu mẫu của ứng dụng, hoặc bảng có dòng tiêu đề ghi đơn vị và chỉ tiêu)",
    ),
    "procedure_stats": (
        "a procedure statistics table (received / settled / in progress per unit)",
        "bảng thống kê tình hình giải quyết TTHC theo đơn vị",
    ),
    "dossiers": ("a dossier list (one row per dossier)", "danh sách hồ sơ (mỗi dòng một hồ sơ)"),
    "long": (
        "a long table with columns unit, period, indicator, value",
        "bảng dạng dọc với các cột đơn vị, kỳ, chỉ tiêu, giá trị",
    ),
}
# What a recognised file is, for the "not on this page" message.
_IS_A = {
    "workbook": ("a department workbook", "biểu số liệu của sở, ngành"),
    "procedure_stats": (
        "a procedure statistics report exported from the administrative-procedure system",
        "báo cáo thống kê tình hình giải quyết TTHC xuất từ hệ thống",
    ),
    "dossiers": (
        "a dossier list exported from the administrative-procedure system",
        "danh sách hồ sơ xuất từ hệ thống giải quyết TTHC",
    ),
    "long": ("a long export from a report system", "tệp xuất dạng dọc từ hệ thống báo cáo"),
}

_loaded: dict[str, DataSource] | None = None
_imported: dict[str, DataSource] = {}  # the loaders imported so far, by name
UNAVAILABLE: dict[str, str] = {}  # source name → why it could not be imported


def _load_one(name: str) -> DataSource | None:
    """One loader, imported on first use (an explicit --source needs no other loader's imports)."""
    if name not in _imported and name not in UNAVAILABLE and name in _MODULES:
        try:
            _imported[name] = importlib.import_module(_MODULES[name]).SOURCE
        except Exception as exc:  # one broken loader must not take the others down
            UNAVAILABLE[name] = f"{type(exc).__name__}: {exc}"
            log.warning("data source %r is unavailable: %s", name, UNAVAILABLE[name])
    return _imported.get(name)


def _load() -> dict[str, DataSource]:
    global _loaded
    if _loaded is None:
        found: dict[str, DataSource] = {}
        for name in _MODULES:
            src = _load_one(name)
            if src is not None:
                found[name] = src
        _loaded = found
    return _loaded


def __getattr__(name: str) -> Any:
    # `SOURCES` is built on first use, so importing this module never imports every loader.
    if name == "SOURCES":
        return _load()
    raise AttributeError(name)


def sources() -> dict[str, DataSource]:
    """The available data sources by name, in sniffing order."""
    return _load()


class SourceNotAllowedError(IssueError):
    """The file was recognised, as a kind the channel does not take; `source` says which kind it is."""

    def __init__(self, issues: list[Issue], source: str) -> None:
        super().__init__(issues)
        self.source = source


def _error(code: str, file: str, **kw: Any) -> IssueError:
    """The one issue `code` (texts from `ioc.messages`) about `file`, raised as an IssueError."""
    return IssueError([issue(code, file=file, **kw)])


def detect(
    path: Path,
    config: Config,
    *,
    source: str | None = None,
    export_id: str | None = None,
    allowed: Collection[str] | None = None,
) -> tuple[DataSource, ExportConfig | None]:
    """The source that reads `path` and its export config: an explicit choice wins, else the first sniff.

    `allowed` names the sources this channel takes (None: any). A file recognised as another kind is
    refused with `source-not-allowed`, saying what it is and where it goes — so the department page never
    reads a report-system export, however it is named or re-saved.
    """
    file = Path(path).name
    chosen, export = _detect(path, config, file, source, export_id, allowed)
    if allowed is not None and chosen.name not in allowed:
        raise _not_allowed(file, chosen.name, allowed)
    return chosen, export


def _detect(
    path: Path,
    config: Config,
    file: str,
    source: str | None,
    export_id: str | None,
    allowed: Collection[str] | None,
) -> tuple[DataSource, ExportConfig | None]:
    export: ExportConfig | None = None
    if export_id is not None:
        try:
            export = config.targets.export(export_id)
        except KeyError:
            ids = [e.id for e in config.targets.exports]
            raise _error(
                "unknown-export",
                file,
                value=export_id,
                expected=", ".join(ids) or "an id under `exports:`",
            ) from None
        kind_source = KIND_SOURCE[export.kind]
        if source is not None and source != kind_source:
            raise _error(
                "source-export-mismatch",
                file,
                export=export_id,
                kind=export.kind.value,
                reader=kind_source,
                value=source,
                expected=kind_source,
            )
        source = kind_source
    if source is not None:
        chosen = _load_one(source)
        if chosen is None:
            available = _load()
            why = UNAVAILABLE.get(source)
            raise _error(
                "unknown-source",
                file,
                why=words("phrase.failed-to-load", why=why) if why else "",
                value=source,
                expected=", ".join(available) or ", ".join(_MODULES),
            )
        if export is None and source in KIND_SOURCE.values() and (allowed is None or source in allowed):
            export = _export_for(chosen, path, config, source)
        return chosen, export
    available = _load()
    for chosen, sniff in _sniffs(available, allowed):
        try:
            found = sniff(Path(path), config)
        except Exception as exc:  # a sniff that trips over an odd file means "not mine"
            log.info("sniff of %s by %s failed: %s", file, chosen.name, exc)
            continue
        if isinstance(found, ExportConfig):
            return chosen, found
        if found:
            return chosen, None
    raise _unknown_format(file, config, available, allowed)


def _sniffs(
    available: dict[str, DataSource], allowed: Collection[str] | None
) -> list[tuple[DataSource, Callable[[Path, Config], ExportConfig | bool]]]:
    """Every sniff in the order they are asked.

    The template (`_meta`) first: it is unambiguous. Then the report-system exports, so that an export is
    recognised as one wherever it is uploaded. A department's own layout (a header naming units and
    indicators) comes after the specific exports; on a channel that takes workbooks only it also comes
    before the generic long export, which matches any table with four plain columns.
    """
    order: list[tuple[DataSource, Callable[[Path, Config], ExportConfig | bool]]] = [
        (src, src.sniff) for src in available.values()
    ]
    workbook = available.get("workbook")
    layout = getattr(workbook, "sniff_layout", None)
    if workbook is None or layout is None:
        return order
    workbooks_only = allowed is not None and "workbook" in allowed and not (set(allowed) & EXPORT_SOURCES)
    long_at = next((i for i, (src, _) in enumerate(order) if src.name == "long"), len(order))
    order.insert(long_at if workbooks_only else len(order), (workbook, layout))
    return order


def _not_allowed(file: str, found: str, allowed: Collection[str]) -> SourceNotAllowedError:
    """The file is a kind this channel does not take: say what it is and where it goes."""
    return SourceNotAllowedError(_not_allowed_issues(file, found, allowed).issues, found)


def _not_allowed_issues(file: str, found: str, allowed: Collection[str]) -> IssueError:
    is_en, is_vi = _IS_A.get(found, (found, found))
    if set(allowed) <= DEPARTMENT_SOURCES:
        return _error(
            "source-not-allowed:department",
            file,
            value=found,
            expected="a department workbook",
            found=Words(is_vi, is_en),
        )
    takes_en = "; ".join(_IS_A.get(n, (n, n))[0] for n in sorted(allowed))
    takes_vi = "; ".join(_IS_A.get(n, (n, n))[1] for n in sorted(allowed))
    return _error(
        "source-not-allowed",
        file,
        found=Words(is_vi, is_en),
        takes=Words(takes_vi, takes_en),
        value=found,
        expected=", ".join(sorted(allowed)),
    )


def _export_for(chosen: DataSource, path: Path, config: Config, source: str) -> ExportConfig | None:
    """The export config of an explicitly chosen source: what its sniff says, else the only one of its kind."""
    try:
        found = chosen.sniff(Path(path), config)
    except Exception:
        found = False
    if isinstance(found, ExportConfig):
        return found
    same_kind = [e for e in config.targets.exports if KIND_SOURCE[e.kind] == source]
    return same_kind[0] if len(same_kind) == 1 else None


def _unknown_format(
    file: str, config: Config, available: dict[str, DataSource], allowed: Collection[str] | None = None
) -> IssueError:
    names = [n for n in available if allowed is None or n in allowed]
    looked_en = "; ".join(_LOOKS_FOR.get(n, (n, n))[0] for n in names)
    looked_vi = "; ".join(_LOOKS_FOR.get(n, (n, n))[1] for n in names)
    looked = Words(looked_vi, looked_en)
    if allowed is not None and set(allowed) <= DEPARTMENT_SOURCES:
        # a department head on the Upload page: no command-line flags, say what a readable table looks like
        return _error("unknown-format:department", file, expected=looked_en, looked=looked)
    exports = ", ".join(e.id for e in config.targets.exports)
    return _error(
        "unknown-format",
        file,
        expected=looked_en,
        looked=looked,
        sources=", ".join(available),
        exports=words("phrase.or-export", exports=exports) if exports else "",
    )
