"""The list of data sources and how a file is matched to one (explicit choice, else each source's sniff)."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from data_sources import DataSource
from ioc.config import Config
from ioc.exports_config import ExportConfig, ExportKind
from ioc.issues import Issue, IssueError

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
# What each source looks for, for the "unknown format" message.
_LOOKS_FOR = {
    "workbook": (
        "a department template (a hidden '_meta' sheet)",
        "tệp mẫu của sở, ngành (có trang ẩn '_meta')",
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


def _error(code: str, message: str, message_vi: str, file: str, **kw: str | None) -> IssueError:
    return IssueError([Issue(code=code, message=message, message_vi=message_vi, file=file, **kw)])


def detect(
    path: Path, config: Config, *, source: str | None = None, export_id: str | None = None
) -> tuple[DataSource, ExportConfig | None]:
    """The source that reads `path` and its export config: an explicit choice wins, else the first sniff."""
    file = Path(path).name
    export: ExportConfig | None = None
    if export_id is not None:
        try:
            export = config.targets.export(export_id)
        except KeyError:
            ids = [e.id for e in config.targets.exports]
            raise _error(
                "unknown-export",
                f"There is no export '{export_id}' in targets.yaml.",
                f"Không có định dạng xuất '{export_id}' trong targets.yaml.",
                file,
                value=export_id,
                expected=", ".join(ids) or "an id under `exports:`",
            ) from None
        kind_source = KIND_SOURCE[export.kind]
        if source is not None and source != kind_source:
            raise _error(
                "source-export-mismatch",
                f"Export '{export_id}' is a {export.kind.value} export, read by source '{kind_source}', "
                f"not '{source}'.",
                f"Định dạng '{export_id}' thuộc loại {export.kind.value}, do bộ đọc '{kind_source}' xử lý, "
                f"không phải '{source}'.",
                file,
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
                f"There is no data source '{source}'" + (f" (it failed to load: {why})." if why else "."),
                f"Không có bộ đọc dữ liệu '{source}'.",
                file,
                value=source,
                expected=", ".join(available) or ", ".join(_MODULES),
            )
        if export is None and source in KIND_SOURCE.values():
            export = _export_for(chosen, path, config, source)
        return chosen, export
    available = _load()
    for chosen in available.values():
        try:
            found = chosen.sniff(Path(path), config)
        except Exception as exc:  # a sniff that trips over an odd file means "not mine"
            log.info("sniff of %s by %s failed: %s", file, chosen.name, exc)
            continue
        if isinstance(found, ExportConfig):
            return chosen, found
        if found:
            return chosen, None
    raise _unknown_format(file, config, available)


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


def _unknown_format(file: str, config: Config, available: dict[str, DataSource]) -> IssueError:
    looked_en = "; ".join(_LOOKS_FOR.get(n, (n, n))[0] for n in available)
    looked_vi = "; ".join(_LOOKS_FOR.get(n, (n, n))[1] for n in available)
    exports = ", ".join(e.id for e in config.targets.exports)
    hint = f"Choose the kind with --source ({', '.join(available)})" + (
        f" or the export with --export ({exports})." if exports else "."
    )
    hint_vi = f"Hãy chọn loại tệp bằng --source ({', '.join(available)})" + (
        f" hoặc định dạng bằng --export ({exports})." if exports else "."
    )
    return _error(
        "unknown-format",
        f"Could not tell what kind of file this is. Looked for: {looked_en}.",
        f"Không nhận ra loại tệp. Đã tìm: {looked_vi}.",
        file,
        expected=looked_en,
        hint=hint,
        hint_vi=hint_vi,
    )
