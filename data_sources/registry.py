"""The list of data sources and how a file is matched to one (explicit choice, else each source's sniff)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from data_sources import DataSource, dossiers, long_export, procedure_stats, workbook
from data_sources.xlsx_cells import one_read
from ioc.config import Config
from ioc.exports_config import ExportConfig, ExportKind
from ioc.issues import Issue, IssueError
from ioc.messages import Words, issue, words

log = logging.getLogger(__name__)

# Every data source, sniffed in this order: the template's `_meta` sheet first, since it is unambiguous;
# the generic long export last, since it matches any table with four plain columns. A new source is its
# module (declaring `SOURCE`) and one line here.
REGISTRY: tuple[DataSource, ...] = (
    workbook.SOURCE,
    procedure_stats.SOURCE,
    dossiers.SOURCE,
    long_export.SOURCE,
)
SOURCES: dict[str, DataSource] = {src.name: src for src in REGISTRY}  # by name, in sniffing order
# export kind (targets.yaml `exports:`) → the source that reads it
KIND_SOURCE: dict[ExportKind, str] = {src.export_kind: src.name for src in REGISTRY if src.export_kind}
# The kinds of file a channel may take (`detect(allowed=…)`): the department page reads department
# workbooks only; report-system exports come in through the administrator (and the command line).
DEPARTMENT_SOURCES: frozenset[str] = frozenset(src.name for src in REGISTRY if src.export_kind is None)
EXPORT_SOURCES: frozenset[str] = frozenset(KIND_SOURCE.values())


def sources() -> dict[str, DataSource]:
    """The data sources by name, in sniffing order."""
    return SOURCES


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
    with one_read():  # every sniff looks at one parse of the file
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
        chosen = SOURCES.get(source)
        if chosen is None:
            raise _error(
                "unknown-source",
                file,
                value=source,
                expected=", ".join(SOURCES),
            )
        if export is None and source in KIND_SOURCE.values() and (allowed is None or source in allowed):
            export = _export_for(chosen, path, config, source)
        return chosen, export
    available = SOURCES
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
    indicators: a source's `layout_sniffer`) comes after the specific exports; on a channel that takes
    department workbooks only it also comes before the generic long export, which matches any table with
    four plain columns.
    """
    order: list[tuple[DataSource, Callable[[Path, Config], ExportConfig | bool]]] = [
        (src, src.sniff) for src in available.values()
    ]
    for src in [s for s in available.values() if s.layout_sniffer is not None]:
        own_only = allowed is not None and src.name in allowed and not (set(allowed) & EXPORT_SOURCES)
        long_at = next((i for i, (s, _) in enumerate(order) if s.name == long_export.NAME), len(order))
        order.insert(long_at if own_only else len(order), (src, src.layout_sniffer))
    return order


def _is_a(name: str) -> tuple[str, str]:
    """What a file of source `name` is (en, vi); the name itself for a source that does not exist."""
    src = SOURCES.get(name)
    return src.is_a if src is not None else (name, name)


def _not_allowed(file: str, found: str, allowed: Collection[str]) -> SourceNotAllowedError:
    """The file is a kind this channel does not take: say what it is and where it goes."""
    return SourceNotAllowedError(_not_allowed_issues(file, found, allowed).issues, found)


def _not_allowed_issues(file: str, found: str, allowed: Collection[str]) -> IssueError:
    is_en, is_vi = _is_a(found)
    if set(allowed) <= DEPARTMENT_SOURCES:
        return _error(
            "source-not-allowed:department",
            file,
            value=found,
            expected="a department workbook",
            found=Words(is_vi, is_en),
        )
    takes_en = "; ".join(_is_a(n)[0] for n in sorted(allowed))
    takes_vi = "; ".join(_is_a(n)[1] for n in sorted(allowed))
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
    looked_en = "; ".join(available[n].looks_for[0] for n in names)
    looked_vi = "; ".join(available[n].looks_for[1] for n in names)
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
