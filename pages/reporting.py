"""Reporting status: departments × months — submitted on time, late, rejected or missing; newest month first."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_cache  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.period_labels import format_period  # noqa: E402
from ioc.views import deadline_text, report_tags, reporting_matrix, reporting_months  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("reporting.title", lang), ctx)
    deadlines = (
        ctx.config.targets.reporting.deadline_day
    )  # the same setting decides what scoring counts as due
    st.caption(f"{t('reporting.help', lang)} — {deadline_text(deadlines, lang)}")
    months = reporting_months(ctx.as_of)  # the period shown first, then the eleven months before it
    matrix = reporting_matrix(
        ui_cache.submissions(ctx.rev), ctx.config, months, lang, due_day=deadlines, timezone=ctx.timezone
    )
    labels, colours = report_tags(lang)
    ui.swatches(list(zip(labels, colours, strict=True)))
    # the unit and the period shown fit a phone's 356 px table side by side; a name too long for its column
    # wraps onto a second line rather than being cut
    unit_width = 230
    config = {"unit_name": st.column_config.TextColumn(t("col.unit", lang), width=unit_width)}
    config |= {
        m: st.column_config.MultiselectColumn(
            format_period(m, lang), options=labels, color=colours, width=120
        )
        for m in months
    }
    ui.table(
        matrix,
        config,
        key="reporting_table",
        row_height=ui.row_height_for(matrix["unit_name"].to_list(), unit_width, min_lines=1),
    )
