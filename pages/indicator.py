"""Indicator: actual vs target vs expected path over time, the spread across communes, every unit's row."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc import charts, ui_cache, ui_meeting  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.source_text import source_sentence, unit_title  # noqa: E402
from ioc.views import indicator_rows, province_disagreement, with_provenance  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("indicator.title", lang), ctx)
    indicators = {i.id: i for i in ctx.config.targets.indicators}
    ind_id = ui.url_selectbox(
        t("indicator.pick", lang),
        list(indicators),
        format_func=lambda i: indicators[i].name.get(lang),
        key="indicator",
    )
    ind = indicators[ind_id]
    rows = indicator_rows(ctx.scores(), ctx.config, ind_id, lang)
    if rows.is_empty():
        st.info(t("empty.no_data", lang))
        st.stop()
    unit_names = dict(zip(rows["unit_code"], rows["unit_name"], strict=True))
    unit = ui.url_selectbox(
        t("indicator.unit_pick", lang),
        list(unit_names),
        format_func=lambda u: unit_names[u] or u,
        key="unit",
    )
    row = rows.filter(pl.col("unit_code") == unit).row(0, named=True)

    cols = st.columns(4)  # the status first: on a phone the cards stack, and it is what a reader looks for
    cols[0].metric(t("col.status", lang), row["status_text"], border=True)
    cols[1].metric(t("col.value", lang), row["value_text"], help=row["period_text"], border=True)
    cols[2].metric(t("col.target", lang), row["target_text"], help=row["deadline_text"], border=True)
    cols[3].metric(t("col.expected", lang), row["expected_text"], border=True)
    st.markdown(ui.reason_markdown(row, lang))

    ui_meeting.indicator_notes(ctx, ind_id, unit)  # what meetings noted and decided about it

    if note := province_disagreement(ctx.observations(), ctx.config, ind_id, ctx.judged, lang):
        st.warning(note, icon=":material/difference:")

    st.subheader(t("indicator.trend", lang))
    fmt = ",.1f" if ind.unit.value != "count" else ",.0f"
    history = ui_cache.history(ctx.rev, ctx.sha, ind_id, unit)
    axis = unit_title(ind, ctx.config, lang)
    st.altair_chart(charts.trend_chart(history, lang, fmt, unit_title=axis), width="stretch")

    st.subheader(t("indicator.spread", lang))
    communes = rows.filter(pl.col("level") == "commune")
    if communes.is_empty():
        st.caption(t("indicator.no_communes", lang))
    else:
        st.altair_chart(charts.spread_chart(communes, lang), width="stretch")

    st.subheader(t("indicator.table", lang))
    ui.table(
        with_provenance(rows, ctx.observations()),
        {
            "unit_name": st.column_config.TextColumn(t("col.unit", lang), pinned=True),
            "unit_code": st.column_config.TextColumn(t("col.code", lang)),
            "value_text": st.column_config.TextColumn(t("col.value", lang)),
            "target_text": st.column_config.TextColumn(t("col.target", lang)),
            "expected_text": st.column_config.TextColumn(t("col.expected", lang)),
            "status_text": st.column_config.TextColumn(t("col.status", lang)),
            "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
            "trend_text": st.column_config.TextColumn(t("col.trend", lang)),
            "pace_text": st.column_config.TextColumn(t("col.pace_needed", lang)),
            "period_text": st.column_config.TextColumn(t("col.period", lang)),
            "source_text": st.column_config.TextColumn(t("col.source", lang), width="medium"),
        },
        height=420,
    )
    with st.expander(t("indicator.about", lang)):
        about = [
            (t("col.pillar", lang), row["pillar_name"]),
            (t("col.deadline", lang), row["deadline_text"]),
            (t("col.source", lang), source_sentence(ind, ctx.config, lang)),
        ]
        if ind.description:
            about.append((t("indicator.description", lang), ind.description.get(lang)))
        st.markdown("\n".join(f"- {k}: {ui._md_escape(v)}" for k, v in about) + f"\n- id: `{ind.id}`")
