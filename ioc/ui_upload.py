"""The upload page's pieces: template bytes, a dry-run check, the commit, and how reports are shown.

Uploads go through `ioc.ingest.ingest_bytes`, the same function the command line uses. The department's
check and commit take department workbooks only (`DEPARTMENT_SOURCES`, enforced in the core ingest); the
administrator's export upload takes report-system exports only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from data_sources.registry import DEPARTMENT_SOURCES, EXPORT_SOURCES
from ioc import ledger, upload_view
from ioc.accounts import User
from ioc.config import Config
from ioc.filegate import EXTENSIONS
from ioc.i18n import format_number
from ioc.ingest import IngestReport, ingest_bytes
from ioc.labels import t
from ioc.marked_copy import marked_copy
from ioc.period_labels import format_period
from ioc.periods import shift
from ioc.resubmission import Resubmission, plan_resubmission
from ioc.store import utcnow
from ioc.template import build_template
from ioc.ui import _md_escape

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
UPLOAD_LIMIT_MB = 20  # as server.maxUploadSize in .streamlit/config.toml, which the server enforces

# Streamlit draws the file widget's own words ("Upload", "20MB per file • XLSX") in English only. They are
# replaced, in the UI language, through CSS generated content: our own constant words, never file text.
_FILE_WIDGET_CSS = """
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none; }}
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"]::after {{ content: "{drop}"; font-size: 0.875rem; }}
.st-key-{key} [data-testid="stFileUploaderDropzone"] button > * {{ display: none; }}
.st-key-{key} [data-testid="stFileUploaderDropzone"] button::after {{ content: "{button}"; font-size: 0.875rem; }}
"""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def drop_words(lang: str, types: list[str]) -> str:
    """What the file widget says in the UI language: where to drop, the size limit and the file types."""
    return t("upload.drop_caption", lang, mb=UPLOAD_LIMIT_MB, types=", ".join(x.upper() for x in types))


def file_uploader(label: str, lang: str, *, types: list[str], key: str) -> Any:
    """`st.file_uploader` whose own words (drop zone, button, limit) are in the UI language."""
    css = _FILE_WIDGET_CSS.format(
        key=key, drop=_css_string(drop_words(lang, types)), button=_css_string(t("upload.choose_file", lang))
    )
    st.html(f"<style>{css}</style>")
    return st.file_uploader(
        label, type=types, key=key, max_upload_size=UPLOAD_LIMIT_MB, help=drop_words(lang, types)
    )


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
    data: bytes, name: str, config: Config, engine: Engine, data_dir: Path, *, actor: User, **kwargs: object
) -> IngestReport:
    """Check a department's upload (department workbooks only) without storing its values.

    A file the check rejects is archived and recorded as a rejected submission (every file's bytes are
    kept); a valid one stores nothing until `commit`. Remembered for this file (bytes and name) in the session.
    """
    # the name is part of the verdict (its extension decides how the bytes are read), and of the ledger row
    key = ("up_check", hashlib.sha256(data).hexdigest(), name, actor, tuple(sorted(kwargs.items())))
    cached = st.session_state.get("_up_check")
    if cached and cached[0] == key:
        return cached[1]
    report = ingest_bytes(
        data,
        name,
        config,
        engine,
        data_dir,
        actor=actor,
        dry_run=True,
        record_rejected=True,
        kinds=DEPARTMENT_SOURCES,
        **kwargs,  # type: ignore[arg-type]
    )
    if report.status != "busy":  # a busy ledger is asked again on the next run
        st.session_state["_up_check"] = (key, report)
    return report


def commit(
    data: bytes, name: str, config: Config, engine: Engine, data_dir: Path, *, actor: User, **kwargs: object
) -> IngestReport:
    """Store a department's workbook as a submission (accepted or rejected as a whole)."""
    st.session_state.pop("_up_check", None)
    return ingest_bytes(
        data,
        name,
        config,
        engine,
        data_dir,
        actor=actor,
        kinds=DEPARTMENT_SOURCES,
        **kwargs,  # type: ignore[arg-type]
    )


def commit_export(
    data: bytes, name: str, config: Config, engine: Engine, data_dir: Path, *, actor: User, export_id: str
) -> IngestReport:
    """Store a report-system export uploaded by the administrator (exports only; the core refuses others)."""
    return ingest_bytes(
        data, name, config, engine, data_dir, actor=actor, export_id=export_id, kinds=EXPORT_SOURCES
    )


def show_report(report: IngestReport, lang: str, data: bytes | None = None, *, admin: bool = False) -> None:
    """The outcome in one sentence, then every issue with its cell; a copy of the file with the problem
    cells marked when there are any (`data`: the file's bytes). `admin`: the signed-in user is an
    administrator, who also sees the hints only they can act on."""
    errors = [i for i in report.issues if i.is_error]
    warnings = [i for i in report.issues if not i.is_error]
    if report.status == "duplicate":
        st.info(t("upload.duplicate", lang, id=report.duplicate_of))
        return  # nothing changed: no warnings to accept, no table
    if report.status == "busy":
        st.warning(word("busy", lang))
        return
    if errors:
        st.error(t("upload.rejected", lang, n=upload_view.issue_count(errors)))
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
        key = (
            "upload.warnings"
            if report.status in ("accepted", "dry-run") and not errors
            else "upload.warnings_only"
        )
        st.warning(t(key, lang, n=upload_view.issue_count(warnings)))
    show_issues(report.issues, lang, admin=admin)
    if data is not None and any(i.sheet and i.row for i in report.issues):
        marked = marked_copy(data, report.issues, lang)
        if marked is not None:
            st.download_button(
                t("upload.marked_copy", lang),
                marked,
                file_name=f"{Path(report.file_name).stem}_danh-dau.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/download:",
                key=f"marked_{report.sha256[:12]}_{report.status}",
            )


def show_issues(issues: list, lang: str, *, admin: bool = False) -> None:  # type: ignore[type-arg]
    """The issues table: sorted by sheet, row, column; headers, severities and values in the UI language;
    the administrator's hints only for an administrator (`admin`)."""
    if not issues:
        return
    rows = upload_view.issue_rows(issues, lang, admin=admin)
    headers = upload_view.issue_headers(lang)
    # the headers are the frame's own column names: the table, its CSV download and tests read the same words
    st.dataframe(rows.rename({c: headers[c] for c in rows.columns}), hide_index=True, width="stretch")


def show_resubmission(plan: Resubmission | None, lang: str, timezone: str, config: Config) -> None:
    """Before confirming: which submission this one replaces, and each value that changes (old → new)."""
    if plan is None:
        return
    when = upload_view.short_local_time(plan.previous_at, timezone)
    st.warning(
        t("upload.replaces", lang, id=plan.previous_id, when=when, who=_md_escape(plan.previous_by or ""))
    )
    if plan.diff.is_empty():
        st.caption(t("upload.diff_none", lang))
        return
    from ioc.views import indicator_meta, unit_names

    words = {k: t(f"diff.{k}", lang) for k in ("added", "changed")}
    words["kept"] = (
        "Không có trong tệp mới (giữ giá trị cũ)" if lang == "vi" else "Not in the new file (kept)"
    )
    meta = indicator_meta(config, lang).select("indicator", "name", "decimals")
    rows = (
        plan.diff.join(meta, on="indicator", how="left")
        .join(unit_names(config, lang), on="unit_code", how="left")
        .with_columns(
            pl.col("change").replace(words).alias("change_text"),
            pl.col("period").map_elements(lambda p: format_period(p, lang), return_dtype=pl.String),
        )
    )
    rows = rows.with_columns(
        pl.Series("old_text", [_num(v, d, lang) for v, d in zip(rows["old"], rows["decimals"], strict=True)]),
        pl.Series("new_text", [_num(v, d, lang) for v, d in zip(rows["new"], rows["decimals"], strict=True)]),
    )
    st.markdown(f"**{t('upload.diff_title', lang)}**")
    st.dataframe(
        rows.select("change_text", "name", "unit_name", "period", "old_text", "new_text"),
        hide_index=True,
        width="stretch",
        key="resubmission_diff",
        column_config={
            "change_text": st.column_config.TextColumn(t("diff.change", lang)),
            "name": st.column_config.TextColumn(t("col.indicator", lang)),
            "unit_name": st.column_config.TextColumn(t("col.unit", lang)),
            "period": st.column_config.TextColumn(t("col.period", lang)),
            "old_text": st.column_config.TextColumn(t("diff.old", lang)),
            "new_text": st.column_config.TextColumn(t("diff.new", lang)),
        },
    )


def _num(value: float | None, decimals: int | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang, 2 if decimals is None else int(decimals))


def resubmission(engine: Engine, report: IngestReport, department: str) -> Resubmission | None:
    """What a valid checked file would replace (None for a first submission)."""
    if report.status != "dry-run" or report.observations is None:
        return None
    return plan_resubmission(engine, report.observations, department)


def show_receipt(report: IngestReport, lang: str, timezone: str, actor: User) -> None:
    """After the commit: the receipt (number, local time, who, values, file code)."""
    if report.status != "accepted" or report.submission_id is None:
        return
    from ioc.views import format_local_time

    st.markdown(f"**{t('upload.receipt', lang)}**")
    st.code(
        t(
            "upload.receipt_text",
            lang,
            id=report.submission_id,
            when=format_local_time(utcnow(), lang, timezone),
            who=actor.label,
            n=format_number(report.n_observations, lang, 0),
            sha=report.sha256[:16],
        ),
        language=None,
    )


def show_replacement(report: IngestReport, lang: str) -> None:
    """Which earlier file this one replaces for which months, and the province values old → new."""
    plan = report.replacement
    if plan is None:
        return
    st.info(_md_escape(plan.describe(lang)))  # names the earlier file: its name is read as text
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


def show_history(submissions: pl.DataFrame, lang: str, timezone: str) -> pl.DataFrame:
    """The department's submissions, newest first: who, when (local time), status, counts, notes."""
    if submissions.is_empty():
        st.caption(t("upload.no_history", lang))
        return upload_view.history_rows(submissions, lang, timezone)
    rows = upload_view.history_rows(submissions, lang, timezone)
    st.dataframe(
        rows.select(
            "id",
            "when",
            "who",
            "file_name",
            "periods",
            "status",
            "n_observations",
            "n_errors",
            "n_warnings",
            "note",
        ),
        hide_index=True,
        width="stretch",
        key="history_table",
        column_config={
            "id": st.column_config.NumberColumn("#", format="%d"),
            "when": st.column_config.TextColumn(t("hist.submitted_at", lang)),
            "who": st.column_config.TextColumn(t("hist.who", lang)),
            "file_name": st.column_config.TextColumn(t("hist.file", lang)),
            "periods": st.column_config.TextColumn(t("col.period", lang)),
            "status": st.column_config.TextColumn(t("col.status", lang)),
            "n_observations": st.column_config.NumberColumn(t("hist.values", lang), format="%d"),
            "n_errors": st.column_config.NumberColumn(t("hist.errors", lang), format="%d"),
            "n_warnings": st.column_config.NumberColumn(t("hist.warnings", lang), format="%d"),
            "note": st.column_config.TextColumn(t("hist.status_note", lang)),
        },
    )
    return rows


HISTORY_PICK_KEY = "hist_pick"


def forget_history_pick() -> None:
    """Start the history picker at the newest submission on the next run (after the user's own upload)."""
    st.session_state.pop(HISTORY_PICK_KEY, None)


def history_actions(rows: pl.DataFrame, lang: str, engine: Engine, actor: User) -> None:
    """Withdraw an accepted submission or restore a superseded or withdrawn one, with a reason.

    Only the actor's own department's workbooks are offered (administrators: every workbook); the core
    refuses anything else all the same.
    """
    mine = rows.filter(
        pl.col("raw_status").is_in(["accepted", "superseded", "withdrawn"]) & pl.col("export_id").is_null()
    )
    if mine.is_empty():
        return
    with st.expander(t("hist.actions", lang)), st.form("history_action", border=False):
        labels = {
            r["id"]: f"#{r['id']} · {r['when']} · {r['status']} · {r['file_name']}"
            for r in mine.iter_rows(named=True)
        }
        # A stable key: a submission arriving from elsewhere (the inbox, an administrator, the demo history
        # still loading) must never change the one the user has picked. The user's own new submission
        # starts the picker at the newest again (`forget_history_pick`).
        picked = st.selectbox(
            t("hist.pick", lang), list(labels), format_func=labels.get, key=HISTORY_PICK_KEY
        )
        reason = st.text_input(t("hist.reason", lang), key="hist_reason")
        c1, c2 = st.columns(2)
        withdraw = c1.form_submit_button(t("hist.withdraw", lang), icon=":material/remove_circle:")
        restore = c2.form_submit_button(t("hist.restore", lang), icon=":material/restore:")
    if not (withdraw or restore):
        return
    if not (reason or "").strip():
        st.error(t("hist.need_reason", lang))
        return
    from ioc.issues import IssueError

    try:
        if withdraw:
            ledger.withdraw(engine, int(picked), note=reason.strip(), actor=actor)
            st.session_state["_hist_done"] = t("hist.done_withdraw", lang, id=picked)
        else:
            new_id = ledger.restore(engine, int(picked), note=reason.strip(), actor=actor)
            st.session_state["_hist_done"] = t("hist.done_restore", lang, id=picked, new=new_id)
    except IssueError as err:
        for issue in err.issues:
            st.error(_md_escape(issue.text(lang)))
        return
    st.rerun()
