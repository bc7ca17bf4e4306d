"""The upload page's pieces: template bytes, a dry-run check, the commit, and how reports are shown.

Uploads go through `ioc.ingest.ingest_bytes`, the same function the command line uses. The department's
check and commit take department workbooks only (`DEPARTMENT_SOURCES`, enforced in the core ingest); the
administrator's export upload takes report-system exports only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from data_sources.registry import DEPARTMENT_SOURCES, EXPORT_SOURCES
from ioc.config import Config
from ioc.filegate import EXTENSIONS
from ioc.i18n import format_period
from ioc.ingest import IngestReport, ingest_bytes
from ioc.labels import t
from ioc.periods import frequency_of, shift
from ioc.template import build_template
from ioc.ui import show_issues

# Words of this page that the shared labels do not have (vi, en).
_WORDS: dict[str, tuple[str, str]] = {
    "busy": (
        "Hệ thống đang bận lưu một tệp khác; chưa có gì được lưu. Hãy thử lại sau một phút.",
        "The system is busy storing another file; nothing was stored. Try again in a minute.",
    ),
    "kept": (
        "Tệp được giữ trong lịch sử nộp (lần nộp #{id}, bị từ chối).",
        "The file is kept in the submission history (submission #{id}, rejected).",
    ),
}


def word(key: str, lang: str, **kwargs: object) -> str:
    """One of this page's own words in `lang`, with `{placeholders}` filled."""
    vi, en = _WORDS[key]
    text = vi if lang == "vi" else en
    return text.format(**kwargs) if kwargs else text


# What the administrator's uploader offers: exactly what the upload gate accepts (never a type it refuses).
ADMIN_UPLOAD_TYPES = [ext.lstrip(".") for ext in EXTENSIONS]


def open_periods(as_of: str, n: int = 6) -> list[str]:
    """Months a department may report for: the month shown and the ones before it, newest first."""
    if frequency_of(as_of).value != "monthly":
        from ioc.periods import period_end

        end = period_end(as_of)
        as_of = f"{end.year}-{end.month:02d}"
    return [shift(as_of, -k) for k in range(n)]


@st.cache_data(max_entries=32, show_spinner=False)
def _template(
    _config: Config, sha: str, _observations: pl.DataFrame, rev_key: int, dept: str, period: str
) -> bytes:
    previous = _observations.filter(pl.col("period") == shift(period, -1))
    return build_template(_config, dept, period, previous=previous)


def template_bytes(config: Config, observations: pl.DataFrame, dept: str, period: str) -> bytes:
    """The department's template for the period, with last period's values for reference."""
    return _template(config, config.sha256, observations, observations.height, dept, period)


def check(
    data: bytes, name: str, config: Config, engine: Engine, data_dir: Path, *, who: str, **kwargs: object
) -> IngestReport:
    """Check a department's upload (department workbooks only) without storing its values.

    A file the check rejects is archived and recorded as a rejected submission (every file's bytes are
    kept); a valid one stores nothing until `commit`. Remembered for this file in the session.
    """
    key = ("up_check", hashlib.sha256(data).hexdigest(), who, tuple(sorted(kwargs.items())))
    cached = st.session_state.get("_up_check")
    if cached and cached[0] == key:
        return cached[1]
    report = ingest_bytes(
        data,
        name,
        config,
        engine,
        data_dir,
        who=who,
        dry_run=True,
        record_rejected=True,
        kinds=DEPARTMENT_SOURCES,
        **kwargs,  # type: ignore[arg-type]
    )
    if report.status != "busy":  # a busy ledger is asked again on the next run
        st.session_state["_up_check"] = (key, report)
    return report


def commit(
    data: bytes, name: str, config: Config, engine: Engine, data_dir: Path, *, who: str, **kwargs: object
) -> IngestReport:
    """Store a department's workbook as a submission (accepted or rejected as a whole)."""
    st.session_state.pop("_up_check", None)
    return ingest_bytes(data, name, config, engine, data_dir, who=who, kinds=DEPARTMENT_SOURCES, **kwargs)  # type: ignore[arg-type]


def commit_export(
    data: bytes, name: str, config: Config, engine: Engine, data_dir: Path, *, who: str, export_id: str
) -> IngestReport:
    """Store a report-system export uploaded by the administrator (exports only)."""
    return ingest_bytes(
        data, name, config, engine, data_dir, who=who, export_id=export_id, kinds=EXPORT_SOURCES
    )


def show_report(report: IngestReport, lang: str) -> None:
    """The outcome in one sentence, then every issue with its cell."""
    errors = [i for i in report.issues if i.is_error]
    warnings = [i for i in report.issues if not i.is_error]
    if report.status == "duplicate":
        st.info(t("upload.duplicate", lang, id=report.duplicate_of))
    elif report.status == "busy":
        st.warning(word("busy", lang))
        return
    elif errors:
        st.error(t("upload.rejected", lang, n=len(errors)))
        if report.submission_id is not None:
            st.caption(word("kept", lang, id=report.submission_id))
    elif report.status == "dry-run":
        st.success(t("upload.valid", lang, n=report.n_observations, units=report.units))
        show_replacement(report, lang)
        show_preview(report, lang)
    elif report.status == "accepted":
        st.success(
            t(
                "upload.accepted",
                lang,
                id=report.submission_id,
                n=report.n_observations,
                sha=report.sha256[:16],
            )
        )
    if warnings:
        st.warning(t("upload.warnings", lang, n=len(warnings)))
    show_issues(report.issues, lang)


def show_replacement(report: IngestReport, lang: str) -> None:
    """Which earlier file this one replaces for which months, and the province values old → new."""
    plan = report.replacement
    if plan is None:
        return
    st.info(plan.describe(lang))
    vi = lang == "vi"
    st.dataframe(
        plan.totals,
        hide_index=True,
        width="stretch",
        column_config={
            "indicator": st.column_config.TextColumn(t("col.indicator", lang)),
            "period": st.column_config.TextColumn(t("col.period", lang)),
            "old_value": st.column_config.NumberColumn(
                "Toàn tỉnh (cũ)" if vi else "Province (old)", format="%.2f"
            ),
            "new_value": st.column_config.NumberColumn(
                "Toàn tỉnh (mới)" if vi else "Province (new)", format="%.2f"
            ),
            "old_values": st.column_config.NumberColumn(
                "Số giá trị (cũ)" if vi else "Values (old)", format="%d"
            ),
            "new_values": st.column_config.NumberColumn(
                "Số giá trị (mới)" if vi else "Values (new)", format="%d"
            ),
        },
    )


def show_preview(report: IngestReport, lang: str) -> None:
    """What the file would store, before the department confirms: each value with the cell it came from."""
    from ioc.ui import context
    from ioc.views import preview_rows

    if report.observations is None or report.observations.is_empty():
        return
    rows = preview_rows(report.observations, context().config, lang)
    with st.expander(t("upload.preview", lang), expanded=True):
        st.dataframe(
            rows.select("name", "unit_name", "period_text", "value_text", "cell"),
            hide_index=True,
            width="stretch",
            height=300,
            column_config={
                "name": st.column_config.TextColumn(t("col.indicator", lang)),
                "unit_name": st.column_config.TextColumn(t("col.unit", lang)),
                "period_text": st.column_config.TextColumn(t("col.period", lang)),
                "value_text": st.column_config.TextColumn(t("col.value", lang)),
                "cell": st.column_config.TextColumn(t("col.source", lang)),
            },
        )


def show_history(submissions: pl.DataFrame, lang: str) -> None:
    """The department's submissions, newest first, with what happened to each."""
    if submissions.is_empty():
        st.caption(t("upload.no_history", lang))
        return
    statuses = {k: t(f"sub.{k}", lang) for k in ("accepted", "rejected", "superseded", "withdrawn")}
    df = submissions.sort("id", descending=True).with_columns(
        pl.col("periods").map_elements(
            lambda ps: ", ".join(format_period(p, lang) for p in ps.split(",") if p), return_dtype=pl.String
        ),
        pl.col("status").replace(statuses),
    )
    st.dataframe(
        df.select(
            "id", "submitted_at", "file_name", "periods", "status", "n_observations", "n_errors", "n_warnings"
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.NumberColumn("#", format="%d"),
            "submitted_at": st.column_config.DatetimeColumn(
                t("hist.submitted_at", lang), format="DD/MM/YYYY HH:mm"
            ),
            "file_name": st.column_config.TextColumn(t("hist.file", lang)),
            "periods": st.column_config.TextColumn(t("col.period", lang)),
            "status": st.column_config.TextColumn(t("col.status", lang)),
            "n_observations": st.column_config.NumberColumn(t("hist.values", lang), format="%d"),
            "n_errors": st.column_config.NumberColumn(t("hist.errors", lang), format="%d"),
            "n_warnings": st.column_config.NumberColumn(t("hist.warnings", lang), format="%d"),
        },
    )
