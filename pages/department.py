"""Department: every indicator it owns, with value, target, expected, status and reason, trend and source."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc import ui_cache  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.views import count_statuses, department_rows, format_local_time, scale_sparklines  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("department.title", lang), ctx)
    departments = ctx.config.registry.departments
    names = dict(zip(departments["id"], departments["name_vi" if lang == "vi" else "name_en"], strict=True))
    dept = ui.url_selectbox(t("department.pick", lang), list(names), format_func=names.get, key="dept")

    rows = department_rows(ctx.scores(), ctx.config, dept, lang)
    if rows.is_empty():
        st.info(t("department.none", lang))
        st.stop()
    spark = scale_sparklines(
        ui_cache.sparklines(ctx.rev, ctx.sha, ctx.as_of), ctx.config.registry.units_frame()
    )
    last = (
        ui_cache.submissions(ctx.rev)
        .filter(pl.col("status") == "accepted")
        .select(pl.col("id").alias("submission_id"), "submitted_at")
    )
    rows = rows.join(spark, on=["indicator", "unit_code"], how="left").join(
        last, on="submission_id", how="left"
    )
    rows = rows.with_columns(
        pl.Series(
            "last_submission",
            [format_local_time(m, lang, ctx.timezone) for m in rows["submitted_at"].to_list()],
            dtype=pl.String,
        )
    )

    ui.status_counts(count_statuses(rows), lang)
    st.caption(f"{t('department.help', lang)} {t('glance.pick_row', lang)}")
    # the picked row opens above the table, next to where it was clicked: 24 rows below, a phone never sees it
    detail = st.container()
    # name → status → value → target → trend first: on a phone the status shows without scrolling sideways
    event = ui.table(
        rows,
        {
            "name": st.column_config.TextColumn(t("col.indicator", lang), width=ui.NAME_WIDTH),
            "status_chip": ui.status_column(t("col.status", lang), lang, width=ui.STATUS_WIDTH),
            "value_text": st.column_config.TextColumn(t("col.value", lang), width="small"),
            "target_text": st.column_config.TextColumn(t("col.target", lang), width="small"),
            "trend_text": st.column_config.TextColumn(t("col.trend", lang), width=140),
            "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
            "spark_scaled": st.column_config.BarChartColumn(
                t("col.sparkline", lang), y_min=0, y_max=1, help=t("glance.spark_help", lang), color="#0072B2"
            ),
            "expected_text": st.column_config.TextColumn(t("col.expected", lang), width="small"),
            "unit_name": st.column_config.TextColumn(t("col.unit", lang), width="medium"),
            "period_text": st.column_config.TextColumn(t("col.period", lang), width="small"),
            "last_submission": st.column_config.TextColumn(
                t("col.last_submission", lang), help=t("glance.submitted_local", lang, tz=ctx.timezone)
            ),
        },
        key="dept_table",
        on_select="rerun",
        row_height=ui.row_height_for(rows["name"].to_list()),  # the longest name in full
    )
    if (row := ui.picked_row(event, rows)) is not None:
        with detail:
            ui.row_detail(row, lang)
    ui.legend(lang)
