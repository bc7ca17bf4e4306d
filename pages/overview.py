"""Overview: the province's status per pillar, the indicators most behind and most improved, completeness."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc import charts  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.views import overview, previous_period  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("overview.title", lang), ctx)
    ov = overview(ctx.scores(), ctx.scores(previous_period(ctx.as_of)), ctx.config, lang)

    ui.status_counts(ov.counts, lang)
    ui.legend(lang)

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("overview.by_pillar", lang))
        st.altair_chart(charts.pillar_chart(ov.by_pillar, lang), width="stretch")
    with right:
        st.subheader(t("overview.completeness", lang))
        share = "—" if ov.completeness is None else f"{ov.completeness * 100:.0f}%"
        st.metric(t("col.completeness", lang), share, help=t("overview.completeness_help", lang), border=True)
        name_col = "name_vi" if lang == "vi" else "name_en"
        ui.table(
            ov.completeness_by_department.head(8).with_columns(
                (pl.col("share") * 100).round(0).alias("share")
            ),
            {
                name_col: st.column_config.TextColumn(t("col.unit", lang)),
                "share": st.column_config.ProgressColumn(
                    t("col.completeness", lang), format="%d%%", min_value=0, max_value=100
                ),
            },
        )

    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.worst", lang))
        if ov.worst.is_empty():
            st.success(t("overview.none_red", lang))
        ui.status_cards(ov.worst, lang)
    with right:
        st.subheader(t("overview.improved", lang))
        if ov.improved.is_empty():
            st.info(t("overview.none_improved", lang))
        ui.status_cards(ov.improved, lang, extra="change_text")
