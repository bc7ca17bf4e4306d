"""Map: communes coloured by the status of a chosen indicator or by the composite score; works offline."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc import charts  # noqa: E402
from ioc.labels import STATUS, t  # noqa: E402
from ioc.views import composite_map_rows, indicator_rows  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("map.title", lang), ctx)
    commune_indicators = {
        i.id: i.name.get(lang)
        for i in ctx.config.targets.indicators
        if "commune" in [lv.value for lv in i.levels]
    }
    options = ["__composite__", *commune_indicators]
    choice = ui.url_selectbox(
        t("map.colour_by", lang),
        options,
        key="map_indicator",
        format_func=lambda o: t("map.composite", lang) if o == "__composite__" else commune_indicators[o],
    )
    if choice == "__composite__":
        rows = composite_map_rows(ctx.composite("commune"), ctx.config, lang)
        value_label = t("map.composite", lang)
    else:
        rows = indicator_rows(ctx.scores(), ctx.config, choice, lang).filter(pl.col("level") == "commune")
        value_label = commune_indicators[choice]

    registry = ctx.config.registry
    if not registry.boundaries:
        st.caption(t("map.no_geometry", lang))
    deck = charts.status_map(
        registry.boundaries,
        registry.communes.select("code", "lat", "lon"),
        rows,
        value_label=value_label,
        target_label=t("col.target", lang),
    )
    event = st.pydeck_chart(deck, height=620, key="map", on_select="rerun", selection_mode="single-object")
    if choice == "__composite__":
        words = {s: STATUS[s].label(lang) for s in ("green", "amber", "red")}
        st.caption(t("map.composite_help", lang, **words))
    else:
        ui.legend(lang)
    picked = (event.selection.objects.get("communes") or []) if event else []
    if picked:
        code = picked[0].get("code") or picked[0].get("properties", {}).get("code")
        if code:
            st.switch_page("pages/commune.py", query_params={"commune": code})
    with st.expander(t("indicator.table", lang)):
        ui.table(
            rows,
            {
                "unit_name": st.column_config.TextColumn(t("col.unit", lang)),
                "value_text": st.column_config.TextColumn(value_label),
                "target_text": st.column_config.TextColumn(t("col.target", lang)),
                "status_text": st.column_config.TextColumn(t("col.status", lang)),
            },
        )
