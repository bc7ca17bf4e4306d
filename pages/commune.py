"""Commune: its scorecard, its rank among all communes on the composite score, and the province beside it."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc.labels import t  # noqa: E402
from ioc.views import commune_choices, commune_rows, composite_counts, count_statuses  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("commune.title", lang), ctx)
    query = st.text_input(t("commune.search", lang), key="commune_q", placeholder="tan hoa, 90053…")
    choices = dict(commune_choices(ctx.config.registry.communes, lang, query))
    if not choices:
        st.info(t("commune.no_match", lang, q=ui._md_escape(query)))  # what was typed, read as text
        st.stop()
    code = ui.url_selectbox(t("commune.pick", lang), list(choices), format_func=choices.get, key="commune")

    ranking = ctx.composite("commune")
    mine = ranking.filter(pl.col("unit_code") == code)
    rows = commune_rows(ctx.scores(), ctx.config, code, lang)
    if mine.height:
        r = mine.row(0, named=True)
        score = "—" if r["composite"] is None else f"{r['composite'] * 100:.0f}%"
        st.markdown(
            f"**{t('commune.rank', lang)}: {t('commune.rank_value', lang, rank=r['rank'], total=ranking.height)}**"
            f" · {t('col.composite', lang)}: **{score}**",
            help=t("commune.composite_help", lang),
        )
        # every status apart, in words: stale is not "no data", no unit target is counted in no colour
        ui.status_counts(composite_counts(r), lang)
    elif not rows.is_empty():
        ui.status_counts(count_statuses(rows), lang)

    if rows.is_empty():
        st.info(t("empty.no_data", lang))
        st.stop()
    st.caption(t("glance.pick_row", lang))
    # the picked row opens above the table, next to where it was clicked: 24 rows below, a phone never sees it
    detail = st.container()
    event = ui.table(
        rows,
        {
            "name": st.column_config.TextColumn(t("col.indicator", lang), width=ui.NAME_WIDTH),
            "status_chip": ui.status_column(t("col.status", lang), lang, width=ui.STATUS_WIDTH),
            "value_text": st.column_config.TextColumn(t("col.commune_value", lang), width="small"),
            "target_text": st.column_config.TextColumn(t("col.target", lang), width="small"),
            "trend_text": st.column_config.TextColumn(t("col.trend", lang), width=150),
            "province_text": st.column_config.TextColumn(t("col.province_value", lang), width="small"),
            "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
            "expected_text": st.column_config.TextColumn(t("col.expected", lang), width="small"),
            "period_text": st.column_config.TextColumn(t("col.period", lang), width="small"),
        },
        key="commune_table",
        on_select="rerun",
        row_height=ui.row_height_for(rows["name"].to_list()),  # the longest name in full
    )
    if (row := ui.picked_row(event, rows)) is not None:
        with detail:
            ui.row_detail(row, lang, unit=code)
    ui.legend(lang)
