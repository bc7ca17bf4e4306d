"""The wall display's logic (PRODUCT.md §8): what its URL means, which slides it shows, what is on each,
in which order, which slide is up at a given moment, the night schedule and who may see it.

Pure: no Streamlit. `ioc/ui_wall.py` reads the URL and the data, calls `build_wall`, and draws the slides
with `ioc/wall_html.py`.

Decisions taken here:
- the slide on screen is a function of the clock (`slide_at`): a wall that reloads, reconnects or restarts —
  or a second TV opened on the same URL — shows the slide an uninterrupted wall would show, with no state to
  keep anywhere;
- a slide holds at most `PAGE_SIZE` items (indicators take two lines, units one) and at most `MAX_ROWS` rows
  with its side list; a longer list continues on a next slide ("2/2") rather than being cut, so no red item
  ever falls off the wall — the departments that have not fully reported stand beside the ranking when they
  fit, else the first of them do with "and N more" and all of them follow on a slide of their own;
- red first on every slide: items are ordered by status (red, amber, green, stale, no data, no unit
  target), and within a status the furthest behind first;
- a bad URL parameter falls back to its default: a TV has no one to read an error.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Generic, TypeVar

import polars as pl

from ioc.config import Config
from ioc.i18n import format_period, format_value
from ioc.labels import LANGS, STATUS, STATUS_ORDER, TREND, t
from ioc.scoring import composite
from ioc.targets import Level, WallNight
from ioc.views import (
    completeness,
    composite_map_rows,
    composite_status,
    decorate,
    headline,
    indicator_rows,
    unit_names,
)
from ioc.wall_tokens import TokenState

_V = TypeVar("_V")
SLIDE_KINDS = ("overview", "pillars", "departments", "communes", "map")
DEFAULT_EVERY = 30  # seconds per slide
DEFAULT_REFRESH = 60  # seconds between data checks
DEFAULT_NIGHT_REFRESH = 600  # seconds between data checks at night
EVERY_RANGE = (5, 3600)
REFRESH_RANGE = (5, 86_400)
# items per slide: indicators take two lines (value line and reason), units one. A slide draws at most
# MAX_ROWS rows in all, its side list included: departments 8 ranked + 4 "not reported" beside them.
MAX_ROWS = 12
PAGE_SIZE = {"pillar": 7, "departments": 8, "communes": 10, "side": 4, "unreported": MAX_ROWS}


# ---------------------------------------------------------------------------------------------- the URL


@dataclass(frozen=True)
class NightSchedule:
    """From–to local hours when the wall is dimmed and checks for data less often (may cross midnight)."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str | None) -> NightSchedule | None:
        """`22-6`, `22:30-06:00` → a schedule; anything else (or equal ends) → None."""
        if not text or "-" not in text:
            return None
        try:
            start, end = (_parse_hour(part) for part in text.split("-", 1))
        except ValueError:
            return None
        return None if start == end else cls(start, end)

    @classmethod
    def from_config(cls, night: WallNight | None) -> NightSchedule | None:
        """targets.yaml's `wall: {night: {from: "22:00", to: "06:00"}}` (validated on load) → a schedule."""
        return None if night is None else cls.parse(f"{night.start}-{night.end}")

    def active(self, now: dt.time) -> bool:
        """Whether `now` (local time) is within the night."""
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _parse_hour(text: str) -> dt.time:
    hour, _, minute = text.strip().partition(":")
    h, m = int(hour), int(minute or 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(text)
    return dt.time(h, m)


@dataclass(frozen=True)
class WallParams:
    """Everything that defines a wall, read from its URL."""

    playlist: tuple[str, ...] = SLIDE_KINDS
    every: int = DEFAULT_EVERY
    refresh: int = DEFAULT_REFRESH
    lang: str | None = None  # None: the configured default
    token: str | None = None
    night: NightSchedule | None = None
    night_refresh: int = DEFAULT_NIGHT_REFRESH
    map_indicator: str | None = None  # None: the map shows the composite score

    def with_night(self, default: NightSchedule | None) -> WallParams:
        """These settings with targets.yaml's night hours when the URL gives none (the URL wins)."""
        if self.night is not None or default is None:
            return self
        return replace(self, night=default)

    def refresh_at(self, now: dt.datetime) -> int:
        """Seconds between data checks at local time `now` (slower at night)."""
        if self.night and self.night.active(now.time()):
            return max(self.refresh, self.night_refresh)
        return self.refresh

    def is_night(self, now: dt.datetime) -> bool:
        return bool(self.night and self.night.active(now.time()))

    def tick(self) -> float:
        """Seconds between redraws: often enough that a slide changes within a few seconds of its time and
        the clock stays right, seldom enough to cost nothing (a redraw reads only cached values)."""
        return float(max(1.0, min(5.0, self.every / 3)))

    def query(self) -> dict[str, str]:
        """The URL parameters that give back these settings (defaults left out)."""
        out: dict[str, str] = {}
        if self.playlist != SLIDE_KINDS:
            out["playlist"] = ",".join(self.playlist)
        if self.every != DEFAULT_EVERY:
            out["every"] = str(self.every)
        if self.refresh != DEFAULT_REFRESH:
            out["refresh"] = str(self.refresh)
        if self.lang:
            out["lang"] = self.lang
        if self.token:
            out["token"] = self.token
        if self.night:
            out["night"] = self.night.text()
        if self.night_refresh != DEFAULT_NIGHT_REFRESH:
            out["night_refresh"] = str(self.night_refresh)
        if self.map_indicator:
            out["map"] = self.map_indicator
        return out


def _int_param(value: str | None, default: int, bounds: tuple[int, int]) -> int:
    try:
        number = int(float(value)) if value is not None else default
    except ValueError:
        return default
    if not math.isfinite(number):
        return default
    return min(max(number, bounds[0]), bounds[1])


def parse_params(query: Mapping[str, str]) -> WallParams:
    """Read a wall URL's parameters; unknown slide names are skipped, bad numbers fall back to defaults,
    numbers out of range are clamped."""
    raw = query.get("playlist")
    playlist: list[str] = []
    for name in (raw or "").split(","):
        name = name.strip().lower()
        if name in SLIDE_KINDS and name not in playlist:
            playlist.append(name)
    lang = query.get("lang")
    token = (query.get("token") or "").strip() or None
    return WallParams(
        playlist=tuple(playlist) or SLIDE_KINDS,
        every=_int_param(query.get("every"), DEFAULT_EVERY, EVERY_RANGE),
        refresh=_int_param(query.get("refresh"), DEFAULT_REFRESH, REFRESH_RANGE),
        lang=lang if lang in LANGS else None,
        token=token,
        night=NightSchedule.parse(query.get("night")),
        night_refresh=_int_param(query.get("night_refresh"), DEFAULT_NIGHT_REFRESH, REFRESH_RANGE),
        map_indicator=(query.get("map") or "").strip() or None,
    )


# ------------------------------------------------------------------------------------- access and time


class Access(StrEnum):
    """What the wall may show for the token in its URL."""

    SHOW = "show"
    REVOKED = "revoked"  # full-screen "link revoked"
    INVALID = "invalid"  # full-screen "link not valid"
    LINK_NEEDED = "link_needed"  # viewing requires sign-in and the URL has no token: full-screen notice


def access(state: TokenState, *, open_viewing: bool) -> Access:
    """The wall's answer to a token: never a login form, always a full-screen readable sentence.

    `open_viewing` is the deployment's `anonymous_view` setting (`IOC_ANONYMOUS_VIEW`): when it is off, a
    wall without a token shows no data, only how to get a link with a token.
    """
    if state == TokenState.REVOKED:
        return Access.REVOKED
    if state == TokenState.UNKNOWN:
        return Access.INVALID
    if state == TokenState.MISSING and not open_viewing:
        return Access.LINK_NEEDED
    return Access.SHOW


def slide_at(epoch_seconds: float, n_slides: int, every: int) -> int:
    """Index of the slide on screen at `epoch_seconds`: slot `⌊t / every⌋`, round the playlist."""
    if n_slides <= 0:
        return 0
    return int(epoch_seconds // every) % n_slides


def slide_elapsed(epoch_seconds: float, every: int) -> float:
    """Seconds the current slide has been up (0 ≤ x < every)."""
    return epoch_seconds % every


def check_due(last_check: float | None, now: float, interval: int) -> bool:
    """Whether it is time to check the data again (first check at once)."""
    return last_check is None or now - last_check >= interval


class LastGood(Generic[_V]):
    """The last good snapshot per wall URL, shared by a server's sessions so that a reconnecting TV shows its
    values at once, at most `max_entries` URLs (least recently used dropped first).

    Every distinct URL (language, playlist, map, token) is an entry holding a whole wall and its map: without a
    cap, anyone requesting made-up URLs would grow the server's memory for as long as it runs. A room has a
    handful of TVs, so 16 is plenty; a wall whose entry was dropped just waits for its next check.
    """

    def __init__(self, max_entries: int = 16) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()  # sessions run in threads of one process

    def get(self, key: Hashable) -> _V | None:
        """The snapshot for `key` (now the most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: _V) -> None:
        """Keep `value` for `key`, dropping the least recently used URLs beyond the cap."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def urls(self) -> list[Hashable]:
        """The URLs kept, least recently used first."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)


# ------------------------------------------------------------------------------------------ the slides


@dataclass(frozen=True)
class Tile:
    """A big number with its label (status counts, completeness)."""

    label: str
    value: str
    status: str | None = None


@dataclass(frozen=True)
class Item:
    """One line on a slide: a status (icon + word), a name, figures and a short explanation."""

    status: str
    status_text: str
    name: str
    value_text: str = ""
    target_text: str = ""
    detail: str = ""
    trend_text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Slide:
    """What one slide shows; `title` and the rest come from the same snapshot, so they never disagree."""

    kind: str  # overview, pillar, departments, unreported (departments behind on reporting), communes, map
    key: str  # stable id, e.g. "pillar:gov:1"
    title: str
    subtitle: str = ""
    tiles: tuple[Tile, ...] = ()
    items: tuple[Item, ...] = ()
    side_title: str = ""
    side: tuple[Item, ...] = ()
    empty_text: str = ""


@dataclass(frozen=True)
class Wall:
    """Every slide of a wall for one data revision, in one language."""

    lang: str
    province: str
    as_of: str
    as_of_text: str  # "10/2026"
    demo: bool
    slides: tuple[Slide, ...]
    map_rows: pl.DataFrame | None = field(default=None, compare=False)
    map_label: str = ""


def _status_label(status: str | None, lang: str) -> str:
    return STATUS[status or "no_data"].label(lang)


def counts_text(counts: Mapping[str, int], lang: str) -> str:
    """Icons and numbers, red first, zeros left out: "✖ 2 · ▲ 5 · ✔ 3"."""
    return " · ".join(f"{STATUS[s].icon} {counts[s]}" for s in STATUS_ORDER if counts.get(s))


def counts_words(counts: Mapping[str, int], lang: str) -> str:
    """Icon, number and word, red first, zeros left out: "✖ 3 Chậm kế hoạch · ▲ 9 Cần chú ý"."""
    return " · ".join(
        f"{STATUS[s].icon} {counts[s]} {STATUS[s].word(lang)}" for s in STATUS_ORDER if counts.get(s)
    )


def _pct(share: float | None, lang: str) -> str:
    return "—" if share is None else format_value(share * 100, "percent", lang, 0)


def _chunks(items: Sequence[Item], size: int) -> list[tuple[Item, ...]]:
    if not items:
        return [()]
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


def _paged(title: str, n_pages: int, i: int) -> str:
    return title if n_pages == 1 else f"{title} · {i + 1}/{n_pages}"


def _short_reason(reason: str | None, value_text: str) -> str:
    """The reason without its leading value (shown in its own column): "66,3% — hạn … qua" → "hạn … qua"."""
    reason = reason or ""
    head = f"{value_text} — "
    return reason[len(head) :] if value_text and reason.startswith(head) else reason


def _severity_sorted(rows: pl.DataFrame) -> pl.DataFrame:
    """Red first, then amber, green, stale, no data; within a status the furthest behind first."""
    severity = (
        pl.col("gap") / pl.when(pl.col("tolerance") > 0).then(pl.col("tolerance")).otherwise(1.0)
    ).fill_null(0.0)
    return rows.with_columns(severity.alias("_sev")).sort(
        ["status_rank", "_sev", "order"], descending=[False, True, False]
    )


def _indicator_items(rows: pl.DataFrame, lang: str) -> list[Item]:
    return [
        Item(
            status=r["status"] or "no_data",
            status_text=_status_label(r["status"], lang),
            name=r["name"] or r["indicator"],
            value_text=r["value_text"],
            target_text=r["target_text"],
            detail=_short_reason(r["reason"], r["value_text"]),
            trend_text=TREND[r["trend"] or "insufficient"].label(lang),
        )
        for r in _severity_sorted(rows).iter_rows(named=True)
    ]


def _counts(statuses: pl.Series) -> dict[str, int]:
    return {s: int((statuses == s).sum()) for s in STATUS_ORDER}


def _tiles(counts: Mapping[str, int], lang: str) -> list[Tile]:
    # "no unit target" is neutral and counted in no colour: a tile only when it happens
    return [
        Tile(STATUS[s].label(lang), format_value(counts.get(s, 0), "count", lang, 0), s)
        for s in STATUS_ORDER
        if s != "no_target" or counts.get(s)
    ]


def overview_slide(head: pl.DataFrame, scores: pl.DataFrame, config: Config, lang: str) -> Slide:
    """Counts by status, each pillar's counts (red first) and reporting completeness."""
    counts = _counts(head["status"])
    comp = completeness(scores, config)
    total = comp["expected"].sum()
    share = float(comp["reported"].sum() / total) if total else None
    tiles = [*_tiles(counts, lang), Tile(t("wall.completeness", lang), _pct(share, lang))]
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    keyed: list[tuple[tuple[int, int, int], Item]] = []
    for n, pillar in enumerate(config.targets.pillars):
        rows = head.filter(pl.col("pillar") == pillar.id)
        if rows.is_empty():
            continue
        pc = _counts(rows["status"])
        worst = next((s for s in ("red", "amber", "green", "stale", "no_data") if pc[s]), "no_data")
        judged = pc["green"] + pc["amber"] + pc["red"]
        item = Item(
            status=worst,
            status_text=_status_label(worst, lang),
            name=pillar.name.get(lang),
            value_text=f"{STATUS['green'].icon} {pc['green']}/{judged}" if judged else "—",
            detail=counts_text(pc, lang),
            note=f"{rows.height} {t('wall.indicators', lang)}",
        )
        keyed.append(((order[worst], -pc["red"], n), item))
    items = [item for _key, item in sorted(keyed, key=lambda pair: pair[0])]
    return Slide(
        kind="overview",
        key="overview",
        title=t("wall.title_overview", lang),
        tiles=tuple(tiles),
        items=tuple(items),
    )


def pillar_slides(head: pl.DataFrame, config: Config, lang: str) -> list[Slide]:
    """One slide per pillar (more when it has more than a page of indicators), red first."""
    slides = []
    for pillar in config.targets.pillars:
        rows = head.filter(pl.col("pillar") == pillar.id)
        if rows.is_empty():
            continue
        items = _indicator_items(rows, lang)
        pages = _chunks(items, PAGE_SIZE["pillar"])
        summary = counts_words(_counts(rows["status"]), lang)
        for i, page in enumerate(pages):
            slides.append(
                Slide(
                    kind="pillar",
                    key=f"pillar:{pillar.id}:{i + 1}",
                    title=_paged(pillar.name.get(lang), len(pages), i),
                    subtitle=summary,
                    items=page,
                )
            )
    return slides


def department_slides(scores: pl.DataFrame, config: Config, lang: str, as_of_text: str) -> list[Slide]:
    """Departments ranked on the composite (worst first, so red leads), and who has not fully reported."""
    ranking = composite(scores, config, Level.DEPARTMENT)
    names = unit_names(config, lang)
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    ranked = (
        ranking.join(names, on="unit_code", how="left")
        .with_columns(composite_status(pl.col("composite")).alias("status"))
        .with_columns(pl.col("status").replace_strict(order, default=9).alias("_o"))
        .sort(["_o", "composite", "unit_code"], nulls_last=True)
    )
    total = ranked.height
    items = [
        Item(
            status=r["status"],
            status_text=_status_label(r["status"], lang),
            name=r["unit_name"] or r["unit_code"],
            value_text=_pct(r["composite"], lang),
            detail=counts_text({s: r[f"n_{s}"] for s in STATUS_ORDER}, lang),
            note=t("wall.rank", lang, rank=r["rank"], total=total) if r["rank"] is not None else "",
        )
        for r in ranked.iter_rows(named=True)
    ]
    comp = completeness(scores, config).filter(pl.col("reported") < pl.col("expected"))
    comp = comp.sort("share", "owner")
    name_col = "name_vi" if lang == "vi" else "name_en"
    behind = [
        Item(
            status="no_data",
            status_text=f"{STATUS['no_data'].icon} {r['reported']}/{r['expected']}",
            name=r[name_col] or r["owner"],
            value_text=_pct(r["share"], lang),
        )
        for r in comp.iter_rows(named=True)
    ]
    not_reported = t("wall.not_reported", lang, period=as_of_text)
    side = tuple(behind)
    if len(behind) > PAGE_SIZE["side"]:  # the first few beside the ranking, all of them on their own slide
        shown = PAGE_SIZE["side"] - 1
        side = (*behind[:shown], Item("no_data", "", t("wall.more_listed", lang, n=len(behind) - shown)))
    pages = _chunks(items, PAGE_SIZE["departments"])
    slides = [
        Slide(
            kind="departments",
            key=f"departments:{i + 1}",
            title=_paged(t("wall.title_departments", lang), len(pages), i),
            subtitle=t("wall.departments_sub", lang),
            items=page,
            side_title=not_reported,
            side=side,
            empty_text=t("wall.all_reported", lang) if not behind else "",
        )
        for i, page in enumerate(pages)
    ]
    if len(behind) > PAGE_SIZE["side"]:
        lists = _chunks(behind, PAGE_SIZE["unreported"])
        subtitle = t("wall.unreported_sub", lang, n=len(behind), total=total)
        slides.extend(
            Slide(
                kind="unreported",
                key=f"departments:unreported:{i + 1}",
                title=_paged(not_reported, len(lists), i),
                subtitle=subtitle,
                items=page,
            )
            for i, page in enumerate(lists)
        )
    return slides


def commune_slide(scores: pl.DataFrame, config: Config, lang: str) -> Slide:
    """The communes with the most indicators behind plan (red), most first."""
    ranking = composite(scores, config, Level.COMMUNE)
    names = unit_names(config, lang)
    total = ranking.height
    red = (
        ranking.filter(pl.col("n_red") > 0)
        .join(names, on="unit_code", how="left")
        .sort(["n_red", "n_amber", "composite", "unit_code"], descending=[True, True, False, False])
    )
    items = tuple(
        Item(
            status="red",
            status_text=_status_label("red", lang),
            name=r["unit_name"] or r["unit_code"],
            value_text=f"{STATUS['red'].icon} {r['n_red']}",
            detail=counts_text({s: r[f"n_{s}"] for s in STATUS_ORDER if s != "red"}, lang),
            note=t("wall.rank", lang, rank=r["rank"], total=total) if r["rank"] is not None else "",
        )
        for r in red.head(PAGE_SIZE["communes"]).iter_rows(named=True)
    )
    return Slide(
        kind="communes",
        key="communes",
        title=t("wall.title_communes", lang),
        subtitle=t("wall.red_communes", lang, n=red.height, total=total),
        items=items,
        empty_text=t("wall.none_red_communes", lang) if not items else "",
    )


def map_rows(
    scores: pl.DataFrame, config: Config, lang: str, indicator: str | None
) -> tuple[pl.DataFrame, str, str | None]:
    """(rows for the map, what colours it, the indicator used or None): the composite score unless the URL
    names an indicator measured per commune."""
    commune_inds = {
        i.id: i.name.get(lang) for i in config.targets.indicators if Level.COMMUNE in list(i.levels)
    }
    if indicator in commune_inds:
        rows = indicator_rows(scores, config, indicator, lang).filter(pl.col("level") == "commune")
        return rows, commune_inds[indicator], indicator
    rows = composite_map_rows(composite(scores, config, Level.COMMUNE), config, lang)
    return rows, t("map.composite", lang), None


def map_slide(rows: pl.DataFrame, label: str, indicator: str | None, lang: str) -> Slide:
    """The map's frame: title, counts of communes by status, and the legend beside it."""
    counts = _counts(rows["status"]) if not rows.is_empty() else {}
    shown = [s for s in STATUS_ORDER if counts.get(s)] or ["red", "amber", "green"]
    legend = tuple(
        Item(s, STATUS[s].label(lang), "", value_text=format_value(counts.get(s, 0), "count", lang, 0))
        for s in shown
    )
    return Slide(
        kind="map",
        key=f"map:{indicator or 'composite'}",
        title=t("wall.title_map", lang, name=label),
        subtitle=t("wall.map_sub_composite", lang) if indicator is None else "",
        side_title=t("wall.legend", lang),
        side=legend,
    )


def build_wall(
    scores: pl.DataFrame,
    config: Config,
    *,
    lang: str,
    as_of: str,
    playlist: Sequence[str] = SLIDE_KINDS,
    map_indicator: str | None = None,
) -> Wall:
    """Every slide of the playlist, in its order, from the scores of `as_of` (judged as of today)."""
    head = decorate(headline(scores, config), config, lang)
    as_of_text = format_period(as_of, lang)
    slides: list[Slide] = []
    rows, label, used = None, "", None
    for kind in playlist:
        if kind == "overview":
            slides.append(overview_slide(head, scores, config, lang))
        elif kind == "pillars":
            slides.extend(pillar_slides(head, config, lang))
        elif kind == "departments":
            slides.extend(department_slides(scores, config, lang, as_of_text))
        elif kind == "communes":
            slides.append(commune_slide(scores, config, lang))
        elif kind == "map":
            rows, label, used = map_rows(scores, config, lang, map_indicator)
            slides.append(map_slide(rows, label, used, lang))
    return Wall(
        lang=lang,
        province=config.targets.province.name.get(lang),
        as_of=as_of,
        as_of_text=as_of_text,
        demo=bool(config.targets.demo),
        slides=tuple(slides),
        map_rows=rows,
        map_label=label,
    )
