"""Overview: the province's status per pillar, the indicators most behind and most improved, completeness."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import charts, ui_cache  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.views import overview, previous_period  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("overview.title", lang), ctx)
    ov = overview(
        ctx.scores(), ui_cache.scores(ctx.rev, ctx.sha, previous_period(ctx.as_of)), ctx.config, lang
    )

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
            ov.completeness_by_department.head(8),
            {
                name_col: st.column_config.TextColumn(t("col.unit", lang)),
                "share": st.column_config.ProgressColumn(
                    t("col.completeness", lang), format="percent", min_value=0, max_value=1
                ),
            },
        )

    st.subheader(t("overview.worst", lang))
    if ov.worst.is_empty():
        st.success(t("overview.none_red", lang))
    else:
        ui.table(
            ov.worst,
            {
                "name": st.column_config.TextColumn(t("col.indicator", lang), width="medium"),
                "status_text": st.column_config.TextColumn(t("col.status", lang)),
                "value_text": st.column_config.TextColumn(t("col.value", lang)),
                "target_text": st.column_config.TextColumn(t("col.target", lang)),
                "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
                "trend_text": st.column_config.TextColumn(t("col.trend", lang)),
            },
        )

    st.subheader(t("overview.improved", lang))
    if ov.improved.is_empty():
        st.info(t("overview.none_improved", lang))
    else:
        ui.table(
            ov.improved,
            {
                "name": st.column_config.TextColumn(t("col.indicator", lang), width="medium"),
                "change_text": st.column_config.TextColumn(t("col.change", lang)),
                "value_text": st.column_config.TextColumn(t("col.value", lang)),
                "status_text": st.column_config.TextColumn(t("col.status", lang)),
                "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
            },
        )
