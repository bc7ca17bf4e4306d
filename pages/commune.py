"""Commune: its scorecard, its rank among all communes on the composite score, and the province beside it."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc.labels import t  # noqa: E402
from ioc.views import commune_rows  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("commune.title", lang), ctx)
    communes = ctx.config.registry.communes.sort("display_name")
    names = dict(zip(communes["code"], communes["display_name"], strict=True))
    code = ui.url_selectbox(
        t("commune.pick", lang),
        list(names),
        format_func=lambda c: f"{names[c]} ({c})",
        key="commune",
    )

    ranking = ctx.composite("commune")
    mine = ranking.filter(pl.col("unit_code") == code)
    c1, c2, c3 = st.columns(3)
    if mine.height:
        r = mine.row(0, named=True)
        c1.metric(
            t("commune.rank", lang),
            t("commune.rank_value", lang, rank=r["rank"], total=ranking.height),
            border=True,
        )
        c2.metric(
            t("col.composite", lang),
            f"{r['composite'] * 100:.0f}%",
            help=t("commune.composite_help", lang),
            border=True,
        )
        c3.metric(
            "✔ / ▲ / ✖ / ○",
            f"{r['n_green']} / {r['n_amber']} / {r['n_red']} / {r['n_no_data'] + r['n_stale']}",
            border=True,
        )

    rows = commune_rows(ctx.scores(), ctx.config, code, lang)
    if rows.is_empty():
        st.info(t("empty.no_data", lang))
        st.stop()
    ui.legend(lang)
    event = ui.table(
        rows,
        {
            "name": st.column_config.TextColumn(t("col.indicator", lang), width="medium", pinned=True),
            "value_text": st.column_config.TextColumn(t("col.commune_value", lang)),
            "province_text": st.column_config.TextColumn(t("col.province_value", lang)),
            "target_text": st.column_config.TextColumn(t("col.target", lang)),
            "expected_text": st.column_config.TextColumn(t("col.expected", lang)),
            "status_text": st.column_config.TextColumn(t("col.status", lang)),
            "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
            "trend_text": st.column_config.TextColumn(t("col.trend", lang)),
            "period_text": st.column_config.TextColumn(t("col.period", lang)),
        },
        key="commune_table",
        on_select="rerun",
    )
    picked = event.selection.rows if event else []
    if picked:
        st.switch_page(
            "pages/indicator.py",
            query_params={"indicator": rows.row(picked[0], named=True)["indicator"], "unit": code},
        )
