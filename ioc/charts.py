"""Charts and maps as data: Altair specs and pydeck decks built from page frames (no Streamlit here).

Maps never use a basemap (`map_provider=None`): the app works with no internet access.
"""

from __future__ import annotations

import copy
import html
import json
import math

import altair as alt
import polars as pl
import pydeck as pdk

from ioc.labels import STATUS, t

_VEGA_LOCALE = {
    "vi": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
        "time": {
            "dateTime": "%d/%m/%Y %H:%M",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["SA", "CH"],
            "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
            "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
            "months": [f"tháng {i}" for i in range(1, 13)],
            "shortMonths": [f"Th{i}" for i in range(1, 13)],
        },
    },
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " VND"]},
    },
}


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """Numbers and dates on axes and tooltips in the UI language (vi: 1.234,5 and Vietnamese months)."""
    return chart.configure(locale=_VEGA_LOCALE["vi" if lang == "vi" else "en"])


def _hex_to_rgba(hex_colour: str, alpha: int = 220) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


# Series colours of the trend chart: Okabe–Ito blue for the actual values, grey for the expected path, and a
# dark purple for the target — none of them a status colour (green, amber, red), so a line never reads as a
# status; each series also has its own dash pattern, so the chart reads without colour.
SERIES_COLOURS = {"value": "#0072B2", "expected": "#7F7F7F", "target": "#5E3C99"}
SERIES_DASHES = {"value": [1, 0], "expected": [6, 4], "target": [2, 3]}


def _series_label_expr(names: dict[str, str]) -> str:
    """A Vega expression naming each folded column in the UI language: key "value" → "Thực hiện" …"""
    *first, (_last_key, last_name) = names.items()
    text = json.dumps(last_name, ensure_ascii=False)
    for key, name in reversed(first):
        text = f"datum.key === {json.dumps(key)} ? {json.dumps(name, ensure_ascii=False)} : {text}"
    return text


def _value_axis(value_format: str) -> alt.Axis:
    """The value axis: whole numbers never get ticks between them (no "0, 0, 1, 1" for 0–3 dossiers)."""
    whole = value_format.endswith(".0f")
    return alt.Axis(format=value_format, tickMinStep=1) if whole else alt.Axis(format=value_format)


def trend_chart(
    history: pl.DataFrame, lang: str, value_format: str = ",.1f", *, unit_title: str | None = None
) -> alt.LayerChart:
    """Actual values (line + points), the expected path and the target over time, one legend entry each.

    The chart's data is `history` itself (period_end, value, expected, target), folded into series in the
    spec; `unit_title` names the y axis ("%", "hồ sơ", "VND" …).
    """
    data = history.select("period_end", "value", "expected", "target")
    names = {
        "value": t("series.actual", lang),
        "expected": t("series.expected", lang),
        "target": t("series.target", lang),
    }
    shown = [k for k in names if data[k].drop_nulls().len()] or ["value"]
    domain = [names[k] for k in shown]
    label = _series_label_expr({k: names[k] for k in shown})
    legend = alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=3)
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=domain, range=[SERIES_COLOURS[k] for k in shown]), legend=legend
    )
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=domain, range=[SERIES_DASHES[k] for k in shown]), legend=legend
    )
    x = alt.X("period_end:T", title=None, axis=alt.Axis(format="%m/%Y"))
    when = alt.Tooltip("period_end:T", title=t("col.period", lang), format="%m/%Y")
    lines = (
        alt.Chart()
        .transform_fold(shown, as_=["key", "y"])
        .transform_filter("isValid(datum.y)")
        .transform_calculate(series=label)
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("y:Q", title=unit_title, axis=_value_axis(value_format)),
            color=colour,
            strokeDash=dash,
            tooltip=[
                when,
                alt.Tooltip("series:N", title=t("series.name", lang)),
                alt.Tooltip("y:Q", title=t("col.value", lang), format=value_format),
            ],
        )
    )
    points = (
        alt.Chart()
        .transform_filter("isValid(datum.value)")
        .mark_point(filled=True, size=60, color=SERIES_COLOURS["value"])
        .encode(
            x=x,
            y=alt.Y("value:Q", title=unit_title, axis=_value_axis(value_format)),
            tooltip=[when, alt.Tooltip("value:Q", title=names["value"], format=value_format)],
        )
    )
    return localised(alt.layer(lines, points, data=data).properties(height=320), lang)


def spread_chart(rows: pl.DataFrame, lang: str) -> alt.Chart:
    """Every commune's value as a bar, coloured (and labelled) by status, sorted."""
    data = rows.filter(pl.col("value").is_not_null()).select("unit_name", "value", "status", "status_text")
    domain = [STATUS[s].label(lang) for s in STATUS]
    colours = [STATUS[s].colour for s in STATUS]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("unit_name:N", sort="-y", title=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "status_text:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("unit_name:N", title=t("col.unit", lang)),
                alt.Tooltip("value:Q", title=t("col.value", lang), format=",.1f"),
                alt.Tooltip("status_text:N", title=t("col.status", lang)),
            ],
        )
        .properties(height=260)
    )
    return localised(chart, lang)


def status_map(
    boundaries: dict | None,
    points: pl.DataFrame,
    rows: pl.DataFrame,
    *,
    value_label: str,
    target_label: str,
    fit_px: int = 340,
) -> pdk.Deck:
    """A map of communes coloured by status; polygons when boundaries exist, else points.

    `rows` has unit_code, unit_name, value_text, target_text, status, status_text (one per commune), and
    optionally `fill` (hex) — e.g. the composite score's band — which then colours the commune instead of
    its status. `points` has code, lat, lon. The view is zoomed so the whole province fits in `fit_px`
    pixels: on a 390 px phone nothing is cut, and on a desk screen the reader zooms in.
    """
    fields = ["unit_code", "unit_name", "value_text", "target_text", "status", "status_text"]
    info = {
        r["unit_code"]: r
        for r in rows.select(*fields, *(["fill"] if "fill" in rows.columns else [])).to_dicts()
    }

    def fill_of(r: dict) -> list[int]:
        return _hex_to_rgba(r.get("fill") or STATUS[r["status"] or "no_data"].colour)

    # the labels (an indicator's name from targets.yaml) are escaped here; Streamlit escapes each {field}
    value_label, target_label = (html.escape(x).replace("{", "&#123;") for x in (value_label, target_label))
    tooltip = {
        "html": (
            "<b>{unit_name}</b><br/>"
            + f"{value_label}: {{value_text}}<br/>{target_label}: {{target_text}}<br/>"
            + "{status_text}"
        ),
        "style": {"fontSize": "15px"},
    }
    layers = []
    coords = points.drop_nulls(["lat", "lon"])
    if boundaries and boundaries.get("features"):
        features = []
        for feature in boundaries["features"]:
            code = str(feature.get("properties", {}).get("code"))
            r = info.get(code)
            if r is None:
                continue
            f = copy.copy(feature)
            f["properties"] = {
                "code": code,
                **{k: v for k, v in r.items() if k not in ("unit_code", "fill")},
                "fill": fill_of(r),
            }
            features.append(f)
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                id="communes",
                data={"type": "FeatureCollection", "features": features},
                pickable=True,
                stroked=True,
                filled=True,
                get_fill_color="properties.fill",
                get_line_color=[255, 255, 255, 255],
                line_width_min_pixels=1,
            )
        )
    else:
        records = []
        for p in coords.to_dicts():
            r = info.get(p["code"])
            if r is None:
                continue
            records.append(
                {
                    **{k: v for k, v in r.items() if k != "fill"},
                    "lon": round(p["lon"], 5),
                    "lat": round(p["lat"], 5),
                    "fill": fill_of(r),
                }
            )
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="communes",
                data=records,
                pickable=True,
                get_position=["lon", "lat"],
                get_fill_color="fill",
                get_radius=1500,
                radius_min_pixels=6,
            )
        )
    lat, lon, zoom = _fit_view(boundaries, coords, fit_px)
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
        map_provider=None,  # no basemap: nothing is fetched from the internet
        tooltip=tooltip,
    )


def _extent(boundaries: dict | None, coords: pl.DataFrame) -> tuple[float, float, float, float] | None:
    """(min lon, max lon, min lat, max lat) of the boundaries, else of the commune points."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(c: list) -> None:
        if c and isinstance(c[0], int | float):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
        else:
            for part in c:
                walk(part)

    for feature in (boundaries or {}).get("features") or []:
        walk((feature.get("geometry") or {}).get("coordinates") or [])
    if not xs and len(coords):
        xs, ys = coords["lon"].to_list(), coords["lat"].to_list()
    return (min(xs), max(xs), min(ys), max(ys)) if xs else None


def _fit_view(boundaries: dict | None, coords: pl.DataFrame, fit_px: int) -> tuple[float, float, float]:
    """Centre and zoom (Web Mercator, 512 px tiles) that fit the province in a `fit_px` square."""
    box = _extent(boundaries, coords)
    if box is None:
        return 16.0, 106.0, 5.0
    x0, x1, y0, y1 = box
    lat = (y0 + y1) / 2
    # a degree of latitude is 1/cos(lat) times taller than a degree of longitude on the map
    span = max(x1 - x0, (y1 - y0) / math.cos(math.radians(lat)), 1e-3)
    zoom = math.log2(fit_px * 360 / (512 * span))
    return lat, (x0 + x1) / 2, round(max(1.0, min(zoom, 13.0)), 2)


def pillar_chart(by_pillar: pl.DataFrame, lang: str) -> alt.Chart:
    """Stacked bars: for each pillar, how many indicators are in each status (labelled counts)."""
    statuses = [s for s in STATUS if s in by_pillar.columns]
    long = by_pillar.unpivot(
        index="pillar_name", on=statuses, variable_name="status", value_name="n"
    ).with_columns(
        pl.col("status").replace_strict({s: STATUS[s].label(lang) for s in statuses}).alias("status_text"),
        pl.col("status").replace_strict({s: i for i, s in enumerate(statuses)}).alias("order"),
    )
    long = long.filter(pl.col("n") > 0)
    colour = alt.Color(
        "status_text:N",
        scale=alt.Scale(
            domain=[STATUS[s].label(lang) for s in statuses], range=[STATUS[s].colour for s in statuses]
        ),
        # the page draws the status legend as swatches that wrap; a chart legend is cut on a phone
        legend=None,
    )
    base = alt.Chart(long).encode(
        y=alt.Y("pillar_name:N", title=None, sort=None),
        x=alt.X("n:Q", stack="zero", title=None, axis=alt.Axis(tickMinStep=1)),
        order=alt.Order("order:Q"),
    )
    bars = base.mark_bar().encode(color=colour, tooltip=["pillar_name:N", "status_text:N", "n:Q"])
    text = base.mark_text(align="center", dx=0, color="white", fontWeight="bold", fontSize=14).encode(
        x=alt.X("n:Q", stack="zero", bandPosition=0.5), text="n:Q"
    )
    return localised((bars + text).properties(height=max(120, 56 * by_pillar.height)), lang)
