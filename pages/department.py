"""Department: every indicator it owns, with value, target, expected, status and reason, trend and source."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc import ui_cache  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.views import department_rows  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("department.title", lang), ctx)
    departments = ctx.config.registry.departments
    names = dict(zip(departments["id"], departments["name_vi" if lang == "vi" else "name_en"], strict=True))
    dept = ui.url_selectbox(t("department.pick", lang), list(names), format_func=names.get, key="dept")

    st.caption(t("department.help", lang))
    rows = department_rows(ctx.scores(), ctx.config, dept, lang)
    if rows.is_empty():
        st.info(t("department.none", lang))
        st.stop()
    spark = ui_cache.sparklines(ctx.rev, ctx.sha, ctx.as_of)
    last = (
        ui_cache.submissions(ctx.rev)
        .filter(pl.col("status") == "accepted")
        .select(pl.col("id").alias("submission_id"), pl.col("submitted_at").alias("last_submission"))
    )
    rows = rows.join(spark, on=["indicator", "unit_code"], how="left").join(
        last, on="submission_id", how="left"
    )

    counts = {s: int((rows["status"] == s).sum()) for s in ("green", "amber", "red", "stale", "no_data")}
    ui.status_counts(counts, lang)
    st.caption(t("department.drill", lang))
    event = ui.table(
        rows,
        {
            "name": st.column_config.TextColumn(t("col.indicator", lang), width="medium", pinned=True),
            "unit_name": st.column_config.TextColumn(t("col.unit", lang)),
            "value_text": st.column_config.TextColumn(t("col.value", lang)),
            "target_text": st.column_config.TextColumn(t("col.target", lang)),
            "expected_text": st.column_config.TextColumn(t("col.expected", lang)),
            "status_text": st.column_config.TextColumn(t("col.status", lang)),
            "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
            "trend_text": st.column_config.TextColumn(t("col.trend", lang)),
            "spark": st.column_config.LineChartColumn(t("col.sparkline", lang)),
            "period_text": st.column_config.TextColumn(t("col.period", lang)),
            "last_submission": st.column_config.DatetimeColumn(
                t("col.last_submission", lang), format="DD/MM/YYYY HH:mm"
            ),
        },
        key="dept_table",
        on_select="rerun",
    )
    picked = event.selection.rows if event else []
    if picked:
        row = rows.row(picked[0], named=True)
        st.switch_page(
            "pages/indicator.py", query_params={"indicator": row["indicator"], "unit": row["unit_code"]}
        )
