"""The wall display's Streamlit shell: routing `/wall` without the sidebar, the ticking fragment that rotates
slides and checks for new data, and keeping the last good values on screen when a check fails.

What is shown and in which order is decided in `ioc/wall.py`; the markup is `ioc/wall_html.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ioc import charts, ui_cache, wall_html
from ioc.labels import t
from ioc.views import data_as_of
from ioc.wall import (
    Access,
    LastGood,
    NightSchedule,
    Wall,
    WallParams,
    access,
    build_wall,
    check_due,
    slide_at,
    slide_elapsed,
)
from ioc.wall_tokens import TokenState, check_token

log = logging.getLogger("ioc.wall")
URL_PATH = "wall"
_STATE = "_wall_state"
_SESSION = "_wall_session"
LAST_GOOD_URLS = 16  # wall URLs whose last good values the server keeps (one per TV in practice)


def requested() -> bool:
    """Whether this run is for the wall: its URL is `/wall`, a deep link forwarded as `?_to=wall`, or the
    session is a wall's (a wall session never navigates elsewhere; a typed URL starts a new session)."""
    if st.query_params.get("_to") == URL_PATH or st.session_state.get(_SESSION):
        return True
    url = (st.context.url or "").rstrip("/")
    return url.endswith("/" + URL_PATH)


def route() -> None:
    """Run the wall page with no navigation menu or sidebar, then stop the entry file.

    The overview stays the default page so that the browser keeps `/wall` in its address bar (the default
    page lives at `/`), and a reload or a reconnect comes back to the wall.
    """
    st.set_page_config(page_title="IOC", layout="wide", initial_sidebar_state="collapsed")
    wall = st.Page(f"pages/{URL_PATH}.py", title="Wall", url_path=URL_PATH, visibility="hidden")
    home = st.Page("pages/overview.py", title="IOC", url_path="overview", default=True)
    page = st.navigation([home, wall], position="hidden")
    st.session_state["_framed"] = True
    st.session_state[_SESSION] = True
    if st.query_params.get("_to") == URL_PATH:
        params = {k: v for k, v in st.query_params.to_dict().items() if k != "_to"}
        st.switch_page(wall, query_params=params)
    page.run()
    st.stop()


def _epoch() -> float:
    """Seconds since the epoch: decides the slide on screen (one place, so tests can set the clock)."""
    return time.time()


def local_now() -> dt.datetime:
    """Now, in the deployment's time zone (`IOC_TIMEZONE`): the clock, every time on the wall, the night
    schedule and "today" (which reports are due) all follow it, as on every other page."""
    return dt.datetime.now(ZoneInfo(ui_cache.settings().timezone))


@dataclass
class WallState:
    """What one wall session keeps between ticks: the last good snapshot and how the last checks went."""

    wall: Wall | None = None
    deck: Any = None  # the map for `wall`, built once per snapshot
    updated_at: dt.datetime | None = None  # last good refresh (local time)
    stale_since: dt.datetime | None = None  # first failed refresh since the last good one
    last_try: float | None = None  # epoch seconds of the last check, good or not
    access: Access = Access.SHOW
    key: tuple = field(default_factory=tuple)
    night: NightSchedule | None = None  # targets.yaml's night hours, as of the last good check


def state(params: WallParams) -> WallState:
    """This session's wall state; a different URL (language, playlist, map) starts afresh."""
    key = (params.lang, params.playlist, params.map_indicator, params.token)
    current = st.session_state.get(_STATE)
    if not isinstance(current, WallState) or current.key != key:
        current = WallState(key=key)
        last = _last_good().get(key)
        if last is not None:  # a reconnecting session shows the process's last good values at once
            current.wall, current.deck, current.updated_at = last
        st.session_state[_STATE] = current
    return current


@st.cache_resource(show_spinner=False)
def _last_good() -> LastGood[tuple[Wall, Any, dt.datetime]]:
    """Last good snapshot per wall URL, shared by the process's sessions (at most `LAST_GOOD_URLS` URLs)."""
    return LastGood(LAST_GOOD_URLS)


@st.cache_resource(max_entries=8, show_spinner=False)
def wall_model(
    rev: int, sha: str, as_of: str, today: dt.date, lang: str, playlist: tuple[str, ...], map_ind: str | None
) -> Wall:
    """Every slide for one data revision (shared by every wall showing the same URL; never copied)."""
    config = ui_cache.config()
    scores = ui_cache.scores(rev, sha, as_of, today)
    return build_wall(scores, config, lang=lang, as_of=as_of, playlist=playlist, map_indicator=map_ind)


def language(params: WallParams) -> str:
    """The URL's language, else the deployment's, else targets.yaml's, else Vietnamese."""
    if params.lang:
        return params.lang
    settings = ui_cache.settings()
    if settings.language:
        return settings.language
    try:
        return ui_cache.config().targets.language.value
    except Exception:  # a broken targets.yaml must not stop the wall from saying so in Vietnamese
        return "vi"


def refresh(params: WallParams, st_state: WallState, lang: str, now: dt.datetime) -> None:
    """Check the token and the data; on success replace the snapshot, on failure keep it and mark it stale."""
    # Who may see the wall is settled before anything that can fail: with anonymous viewing off, a URL
    # without a token gets the "link with a token needed" notice even while the database is down, and never
    # the values another session left in `_last_good`.
    open_viewing = ui_cache.settings().anonymous_view
    if not params.token:
        st_state.access = access(TokenState.MISSING, open_viewing=open_viewing)
        if st_state.access != Access.SHOW:
            return
    try:
        if params.token:
            st_state.access = access(check_token(ui_cache.db(), params.token), open_viewing=open_viewing)
            if st_state.access != Access.SHOW:
                return
        config = ui_cache.config()  # raises IssueError while targets.yaml is broken
        st_state.night = NightSchedule.from_config(config.targets.wall.night)
        ui_cache.ensure_seeded(ui_cache.settings().resolved_database_url(), config.sha256)
        rev = ui_cache.revision()
        as_of = data_as_of(ui_cache.observations(rev, config.sha256))
        if as_of is None:
            raise LookupError("no data yet")
        wall = wall_model(rev, config.sha256, as_of, now.date(), lang, params.playlist, params.map_indicator)
        if wall is not st_state.wall:
            st_state.deck = _deck(wall, config) if wall.map_rows is not None else None
            st_state.wall = wall
        st_state.updated_at, st_state.stale_since = now, None
        _last_good().put(st_state.key, (wall, st_state.deck, now))
    except ScriptControlException:
        raise
    except Exception:  # the wall keeps its last good values and says since when they are stale
        log.warning("wall refresh failed; keeping the last good values", exc_info=True)
        if st_state.stale_since is None:
            st_state.stale_since = now


def _deck(wall: Wall, config) -> Any:  # type: ignore[no-untyped-def]
    registry = config.registry
    deck = charts.status_map(
        registry.boundaries,
        registry.communes.select("code", "lat", "lon"),
        wall.map_rows,
        value_label=wall.map_label,
        target_label=t("col.target", wall.lang),
    )
    deck.initial_view_state.zoom += 0.6  # the wall's map is larger than the Map page's: fill it
    return deck


def draw(params: WallParams, st_state: WallState, lang: str, now: dt.datetime) -> None:
    """The screen for this tick: a notice, or the current slide with its header and footer."""
    if st_state.access == Access.REVOKED:
        st.html(wall_html.notice(t("wall.revoked", lang), t("wall.revoked_help", lang), now=now))
        return
    if st_state.access == Access.INVALID:
        st.html(wall_html.notice(t("wall.invalid", lang), t("wall.invalid_help", lang), now=now))
        return
    if st_state.access == Access.LINK_NEEDED:
        st.html(wall_html.notice(t("wall.link_needed", lang), t("wall.link_needed_help", lang), now=now))
        return
    wall = st_state.wall
    if wall is None or st_state.updated_at is None or not wall.slides:
        tried = f"{(st_state.stale_since or now):%H:%M}"
        help_text = t("wall.waiting_help", lang, time=tried, every=params.refresh_at(now))
        st.html(wall_html.notice(t("wall.waiting", lang), help_text, now=now))
        return
    epoch = _epoch()
    index = slide_at(epoch, len(wall.slides), params.every)
    slide = wall.slides[index]
    st.html(
        wall_html.header(
            wall,
            slide,
            now=now,
            updated_at=st_state.updated_at,
            stale_since=st_state.stale_since,
            night=params.is_night(now),
        )
    )
    if slide.kind == "map" and st_state.deck is not None:
        left, right = st.columns([64, 36])
        with left:
            st.pydeck_chart(st_state.deck, height=720, key="wall_map")
        with right:
            st.html(wall_html.body(slide))
    else:
        st.html(wall_html.body(slide))
    st.html(wall_html.footer(wall, index, every=params.every, elapsed=slide_elapsed(epoch, params.every)))


def live(params: WallParams) -> None:
    """The wall: a fragment redrawn every few seconds, checking for new data every `refresh` seconds."""
    lang = language(params)
    st_state = state(params)
    st_state.last_try = None  # a full run (first open, reload, reconnect) checks the data at once

    @st.fragment(run_every=params.tick())
    def screen() -> None:
        now = local_now()
        # the URL's night hours, else targets.yaml's (kept from the last good check while it is broken)
        if check_due(st_state.last_try, time.time(), params.with_night(st_state.night).refresh_at(now)):
            st_state.last_try = time.time()
            refresh(params, st_state, lang, now)
        draw(params.with_night(st_state.night), st_state, lang, now)

    screen()
