"""The wall display's markup: a dark, high-contrast screen readable at 5 m, sized in viewport units so that a
3840×2160 TV looks exactly like a 1920×1080 one.

Pure string building (no Streamlit). Every text that comes from data or configuration — names, reasons,
values — goes through `html.escape`; the only unescaped markup is the CSS and tags written here.

Sizes: 1vw is 19.2 px at 1920 wide, so the headline (3.4vw) is 65 px and body text (1.5vw) 29 px; at
3840 wide both double. The wall page's CSS (`wall_css`) is only ever sent by the wall page, so no other
page is touched by it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from ioc.labels import STATUS, STATUS_ORDER, t
from ioc.wall import Item, Slide, Tile, Wall

BACKGROUND = "#0b0f14"
PANEL = "#151c25"
TEXT = "#f4f6f8"
MUTED = "#b8c2cc"  # 10:1 on the background
STALE_BG = "#ffd166"  # the stale banner: black on yellow, unmistakable from across the room

# Streamlit's chrome hidden, the page locked to the screen (no scrollbars), our own classes styled.
WALL_CSS = f"""
<style>
html, body {{ overflow: hidden !important; background: {BACKGROUND}; }}
[data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
  background: {BACKGROUND} !important; color: {TEXT}; overflow: hidden !important;
}}
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stBottom"], footer {{ display: none !important; }}
[data-testid="stMainBlockContainer"], .block-container {{
  padding: 1.2vw 2vw 0.6vw 2vw !important; max-width: 100% !important;
}}
[data-testid="stVerticalBlock"] {{ gap: 0.6vw !important; }}
[data-testid="stHorizontalBlock"] {{ gap: 1.5vw !important; }}
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"]) {{ margin: 0 !important; }}
.wall {{ font-family: "Source Sans 3", "Source Sans Pro", sans-serif; color: {TEXT}; line-height: 1.25; }}
.wall * {{ box-sizing: border-box; }}
.wall-head {{ display: flex; justify-content: space-between; align-items: flex-end; gap: 2vw;
  border-bottom: 0.15vw solid #2b3642; padding-bottom: 0.5vw; }}
.wall-headline {{ font-size: 3.4vw; font-weight: 700; margin: 0; line-height: 1.1;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.wall-sub {{ font-size: 1.5vw; color: {MUTED}; margin-top: 0.2vw; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.wall-clock {{ text-align: right; white-space: nowrap; }}
.wall-time {{ font-size: 3.4vw; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }}
.wall-stamp {{ font-size: 1.5vw; color: {MUTED}; }}
.wall-stale {{ background: {STALE_BG}; color: #000; font-size: 1.6vw; font-weight: 700;
  padding: 0.4vw 1vw; border-radius: 0.4vw; margin-top: 0.6vw; }}
.wall-tiles {{ display: flex; gap: 1vw; margin: 0.6vw 0; }}
.wall-tile {{ flex: 1 1 0; background: {PANEL}; border-radius: 0.6vw; padding: 0.6vw 1vw;
  border-top: 0.5vw solid #55606b; }}
.wall-tile .n {{ font-size: 3.6vw; font-weight: 800; line-height: 1.1; font-variant-numeric: tabular-nums; }}
.wall-tile .l {{ font-size: 1.5vw; color: {MUTED}; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.wall-tiles.small .n {{ font-size: 2.2vw; }}
.wall-list {{ display: flex; flex-direction: column; gap: 0.35vw; }}
.wall-item {{ display: grid; align-items: center; column-gap: 1.2vw; background: {PANEL};
  border-radius: 0.5vw; padding: 0.2vw 1vw; border-left: 0.6vw solid #55606b; font-size: 1.5vw; }}
.wall-item.ind {{ grid-template-columns: 15vw minmax(0, 1fr) 9vw 9vw 15vw; }}
.wall-item.unit {{ grid-template-columns: 15vw minmax(0, 1fr) 7vw minmax(0, 16vw) 10vw; }}
.wall-item.rank {{ grid-template-columns: 14vw minmax(0, 1fr) 5.5vw 8.5vw; }}
.wall-item.side {{ grid-template-columns: 9vw minmax(0, 1fr) 6vw; }}
.wall-item.legend {{ grid-template-columns: minmax(0, 1fr) 6vw; }}
.wall-item .name {{ font-weight: 700; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.wall-item .num {{ font-weight: 800; text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }}
.wall-item .muted {{ color: {MUTED}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.wall-item .reason {{ grid-column: 2 / 6; color: {MUTED}; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.wall-chip {{ display: inline-block; border-radius: 0.4vw; padding: 0 0.6vw; font-weight: 800;
  color: #000; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%; }}
.wall-cols {{ display: grid; grid-template-columns: minmax(0, 62fr) minmax(0, 38fr); gap: 1.5vw; }}
.wall-h2 {{ font-size: 1.9vw; font-weight: 700; margin: 0.2vw 0 0.5vw 0; }}
.wall-empty {{ font-size: 2.2vw; color: {MUTED}; padding: 2vw 0; }}
.wall-foot {{ display: flex; justify-content: space-between; align-items: center; gap: 2vw;
  font-size: 1.5vw; color: {MUTED}; border-top: 0.15vw solid #2b3642; padding-top: 0.4vw; }}
.wall-dots {{ display: flex; gap: 0.5vw; align-items: center; }}
.wall-dot {{ width: 1.1vw; height: 1.1vw; border-radius: 50%; background: #3a4653; }}
.wall-dot.on {{ background: {TEXT}; width: 2.6vw; border-radius: 0.6vw; }}
.wall-bar {{ height: 0.35vw; background: #2b3642; border-radius: 0.2vw; overflow: hidden; }}
.wall-bar > div {{ height: 100%; background: {TEXT}; width: 0; animation-name: wallbar;
  animation-timing-function: linear; animation-fill-mode: forwards; }}
@keyframes wallbar {{ from {{ width: 0; }} to {{ width: 100%; }} }}
.wall-legend {{ font-size: 1.5vw; color: {MUTED}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.wall-notice {{ height: 92vh; display: flex; flex-direction: column; justify-content: center;
  align-items: center; text-align: center; gap: 2vw; }}
.wall-notice .big {{ font-size: 4.2vw; font-weight: 800; }}
.wall-notice .help {{ font-size: 2vw; color: {MUTED}; max-width: 70vw; }}
.wall-demo {{ color: #c9a7ff; }}
[data-testid="stDeckGlJsonChart"], [data-testid="stDeckGlJsonChart"] > div {{ height: 38vw !important; }}
</style>
"""

# Dims everything at night (the room is dark; a full-brightness TV would glare).
NIGHT_CSS = '<style>[data-testid="stMain"] { filter: brightness(0.55); }</style>'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def wall_css(lang: str) -> str:
    """The wall page's style sheet (sent once, outside the ticking fragment).

    While the browser has lost the server (restart, network drop) Streamlit would cover the wall with an
    English "Connection error" box; the wall hides it and shows its own banner instead, in its language,
    until the connection is back (the frontend reconnects by itself and the wall redraws).
    """
    offline = (
        '[data-testid="stDialog"] { display: none !important; }\n'
        'body:has([data-testid="stDialog"])::after { content: '
        + _css_string(t("wall.offline", lang))
        + "; position: fixed; left: 0; right: 0; bottom: 0; z-index: 100000; background: "
        + STALE_BG
        + "; color: #000; font: 700 1.8vw/1.3 sans-serif; padding: 0.6vw 2vw; }\n"
    )
    return WALL_CSS.replace("</style>", offline + "</style>")


def _status_colour(status: str | None) -> str:
    return STATUS[status or "no_data"].colour


def chip(status: str | None, text: str) -> str:
    """A status as a coloured label carrying its icon and word (never colour alone)."""
    return f'<span class="wall-chip" style="background:{_status_colour(status)}">{escape(text)}</span>'


def _tile(tile: Tile) -> str:
    border = f' style="border-top-color:{_status_colour(tile.status)}"' if tile.status else ""
    return (
        f'<div class="wall-tile"{border}><div class="n wall-figure">{escape(tile.value)}</div>'
        f'<div class="l">{escape(tile.label)}</div></div>'
    )


def tiles(items: tuple[Tile, ...], *, small: bool = False) -> str:
    cls = "wall-tiles small" if small else "wall-tiles"
    return f'<div class="{cls}">{"".join(_tile(x) for x in items)}</div>'


def _edge(item: Item) -> str:
    return f' style="border-left-color:{_status_colour(item.status)}"'


def indicator_row(item: Item) -> str:
    """Two lines: status, name, value, target, trend; then the reason."""
    return (
        f'<div class="wall-item ind"{_edge(item)}>'
        f"<div>{chip(item.status, item.status_text)}</div>"
        f'<div class="name">{escape(item.name)}</div>'
        f'<div class="num">{escape(item.value_text)}</div>'
        f'<div class="muted">/ {escape(item.target_text)}</div>'
        f'<div class="muted">{escape(item.trend_text)}</div>'
        f'<div class="reason">{escape(item.detail)}</div>'
        "</div>"
    )


def unit_row(item: Item) -> str:
    """One line: status, name, the main figure, counts, rank."""
    return (
        f'<div class="wall-item unit"{_edge(item)}>'
        f"<div>{chip(item.status, item.status_text)}</div>"
        f'<div class="name">{escape(item.name)}</div>'
        f'<div class="num">{escape(item.value_text)}</div>'
        f'<div class="muted">{escape(item.detail)}</div>'
        f'<div class="muted">{escape(item.note)}</div>'
        "</div>"
    )


def rank_row(item: Item) -> str:
    """One line in a half-width column: status, name, the main figure, rank."""
    return (
        f'<div class="wall-item rank"{_edge(item)}>'
        f"<div>{chip(item.status, item.status_text)}</div>"
        f'<div class="name">{escape(item.name)}</div>'
        f'<div class="num">{escape(item.value_text)}</div>'
        f'<div class="muted">{escape(item.note)}</div>'
        "</div>"
    )


def side_row(item: Item) -> str:
    first = chip(item.status, item.status_text) if item.status_text else ""
    return (
        f'<div class="wall-item side"{_edge(item)}>'
        f"<div>{first}</div>"
        f'<div class="name">{escape(item.name)}</div>'
        f'<div class="num">{escape(item.value_text)}</div>'
        "</div>"
    )


def legend_row(item: Item) -> str:
    return (
        f'<div class="wall-item legend"{_edge(item)}>'
        f"<div>{chip(item.status, item.status_text)}</div>"
        f'<div class="num">{escape(item.value_text)}</div>'
        "</div>"
    )


def _list(rows: list[str], empty: str = "") -> str:
    if not rows:
        return f'<div class="wall-empty">{escape(empty)}</div>' if empty else ""
    return f'<div class="wall-list">{"".join(rows)}</div>'


def header(
    wall: Wall,
    slide: Slide,
    *,
    now: dt.datetime,
    updated_at: dt.datetime,
    stale_since: dt.datetime | None,
    night: bool = False,
) -> str:
    """Title of the slide, the clock, "data as of … · updated hh:mm", and the stale banner when refreshes fail."""
    lang = wall.lang
    sub = slide.subtitle or wall.province
    if wall.demo:
        sub = f'{escape(sub)} · <span class="wall-demo">{escape(t("demo.badge", lang))}</span>'
    else:
        sub = escape(sub)
    stamp = t("wall.data_as_of", lang, period=wall.as_of_text, time=f"{updated_at:%H:%M}")
    banner = ""
    if stale_since is not None:
        text = t("wall.stale", lang, since=f"{stale_since:%H:%M}", time=f"{updated_at:%H:%M}")
        banner = f'<div class="wall-stale" role="status">{escape(text)}</div>'
    return (
        f'<div class="wall" data-slide="{escape(slide.key)}">'
        f'<div class="wall-head"><div style="min-width:0">'
        f'<h1 class="wall-headline">{escape(slide.title)}</h1>'
        f'<div class="wall-sub">{sub}</div></div>'
        f'<div class="wall-clock"><div class="wall-time">{now:%H:%M}</div>'
        f'<div class="wall-stamp">{escape(stamp)}</div></div></div>'
        f"{banner}{NIGHT_CSS if night else ''}</div>"
    )


def body(slide: Slide) -> str:
    """Everything below the header for a slide (for the map: the panel beside the map)."""
    if slide.kind == "overview":
        return f'<div class="wall">{tiles(slide.tiles)}{_list([unit_row(i) for i in slide.items])}</div>'
    if slide.kind == "pillar":
        return (
            f'<div class="wall">{tiles(slide.tiles, small=True) if slide.tiles else ""}'
            f"{_list([indicator_row(i) for i in slide.items], slide.empty_text)}</div>"
        )
    if slide.kind == "departments":
        side = _list([side_row(i) for i in slide.side], slide.empty_text)
        return (
            f'<div class="wall wall-cols"><div>{_list([rank_row(i) for i in slide.items])}</div>'
            f'<div><div class="wall-h2">{escape(slide.side_title)}</div>{side}</div></div>'
        )
    if slide.kind == "unreported":
        return f'<div class="wall">{_list([side_row(i) for i in slide.items])}</div>'
    if slide.kind == "communes":
        return f'<div class="wall">{_list([unit_row(i) for i in slide.items], slide.empty_text)}</div>'
    if slide.kind == "map":
        return (
            f'<div class="wall"><div class="wall-h2">{escape(slide.side_title)}</div>'
            f"{_list([legend_row(i) for i in slide.side])}</div>"
        )
    return f'<div class="wall-empty">{escape(slide.empty_text)}</div>'


def footer(wall: Wall, index: int, *, every: int, elapsed: float) -> str:
    """Where the playlist is: a dot per slide (the current one long), the next slide's title, the time left
    on this slide as a filling bar, and the status legend (icon and word for every status)."""
    n = len(wall.slides)
    dots = "".join(f'<div class="wall-dot{" on" if i == index else ""}"></div>' for i in range(n))
    nxt = wall.slides[(index + 1) % n].title if n > 1 else ""
    legend = " · ".join(STATUS[s].label(wall.lang) for s in STATUS_ORDER)
    bar = (
        f'<div class="wall-bar"><div style="animation-duration:{every}s;'
        f'animation-delay:-{elapsed:.1f}s"></div></div>'
    )
    nxt_html = f"<div>{escape(t('wall.next', wall.lang, title=nxt))}</div>" if nxt else "<div></div>"
    return (
        f'<div class="wall">{bar}<div class="wall-foot">'
        f'<div class="wall-dots" aria-label="{index + 1}/{n}">{dots}</div>{nxt_html}</div>'
        f'<div class="wall-legend">{escape(legend)}</div></div>'
    )


def notice(title: str, help_text: str, *, now: dt.datetime | None = None) -> str:
    """A full-screen sentence (revoked link, waiting for data): readable from across the room, no form."""
    clock = f'<div class="wall-time">{now:%H:%M}</div>' if now else ""
    return (
        f'<div class="wall wall-notice">{clock}<div class="big wall-headline" style="white-space:normal">'
        f'{escape(title)}</div><div class="help">{escape(help_text)}</div></div>'
    )
