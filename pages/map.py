"""Map: communes coloured by the status of a chosen indicator or by the composite score; works offline."""

from ioc import ui

ui.require_frame()

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

from ioc import charts  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.views import (  # noqa: E402
    composite_bands,
    composite_map_legend,
    composite_map_rows,
    indicator_rows,
    status_legend,
    with_composite_bands,
)

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
        # quantile bands on a colour-blind-safe sequential scale: units spread over the colours, never one amber
        ranking = ctx.composite("commune")
        bands = composite_bands(ranking["composite"])
        rows = with_composite_bands(composite_map_rows(ranking, ctx.config, lang), bands)
        value_label = t("map.composite", lang)
        legend = composite_map_legend(bands, lang)
    else:
        rows = indicator_rows(ctx.scores(), ctx.config, choice, lang).filter(pl.col("level") == "commune")
        value_label = commune_indicators[choice]
        legend = [(label, colour) for label, colour, _ in status_legend(lang)]

    registry = ctx.config.registry
    if not registry.boundaries:
        st.caption(t("map.no_geometry", lang))
    deck = charts.status_map(
        registry.boundaries,
        registry.communes.select("code", "lat", "lon"),
        rows,
        value_label=value_label,
        target_label=t("col.target", lang),
        # a 390 px phone leaves the map 326 px inside its bordered box: fit the province with a margin
        fit_px=300,
    )
    ui.swatches(legend)
    if choice == "__composite__":
        st.caption(t("map.bands_help", lang, n=len(bands)))
    # the bordered box keeps the chart's toolbar (fullscreen) inside it, clear of the picker above
    with st.container(border=True):
        event = st.pydeck_chart(
            deck, height=440, key="map", on_select="rerun", selection_mode="single-object"
        )
    picked = (event.selection.objects.get("communes") or []) if event else []
    if picked:
        code = picked[0].get("code") or picked[0].get("properties", {}).get("code")
        if code:
            st.switch_page("pages/commune.py", query_params={"commune": code})
    with st.expander(t("indicator.table", lang)):
        ui.table(
            rows.with_columns(pl.concat_list("status_text").alias("status_chip")),
            {
                "unit_name": st.column_config.TextColumn(t("col.unit", lang), width=150),
                "status_chip": ui.status_column(t("col.status", lang), lang),
                "value_text": st.column_config.TextColumn(value_label, width="medium"),
                "target_text": st.column_config.TextColumn(t("col.target", lang), width="small"),
            },
        )
