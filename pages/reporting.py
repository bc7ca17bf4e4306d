"""Reporting status: departments × months — submitted on time, late, rejected or missing."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_cache  # noqa: E402
from ioc.i18n import format_period  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.periods import period_end, periods_between, shift  # noqa: E402
from ioc.views import reporting_matrix  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("reporting.title", lang), ctx)
    st.caption(t("reporting.help", lang))
    end = period_end(ctx.as_of)  # the last month of the month, quarter or year shown
    last_month = f"{end.year}-{end.month:02d}"
    months = periods_between(shift(last_month, -11), last_month)
    matrix = reporting_matrix(ui_cache.submissions(ctx.rev), ctx.config, months, lang)
    config = {"unit_name": st.column_config.TextColumn(t("col.unit", lang), pinned=True)}
    config |= {m: st.column_config.TextColumn(format_period(m, lang)) for m in months}
    ui.table(matrix, config, height=620)
