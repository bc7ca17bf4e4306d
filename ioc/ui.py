"""Small Streamlit helpers shared by the entry file and the pages: frame guard, context, badges, tables."""

from __future__ import annotations

import datetime as dt
import functools
import html
import inspect
import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ioc import ui_cache
from ioc.config import Config
from ioc.issues import Issue, issues_frame
from ioc.labels import STATUS, t
from ioc.periods import judged_month, local_today
from ioc.views import status_legend, status_tags

log = logging.getLogger("ioc")


def require_frame() -> None:
    """First line of every page: a deep link after a restart must go through the entry file.

    While a `pages/` folder sits beside the entry, Streamlit may run a page without the entry (legacy
    multipage mode) until some session reaches `st.navigation`; this sends such a run to the frame, which
    then opens the page that was asked for (`_to`), keeping the link's other parameters.
    """
    if not st.session_state.get("_framed"):
        caller = Path(inspect.stack()[1].filename).stem
        st.switch_page("ioc_app.py", query_params={**st.query_params.to_dict(), "_to": caller})


@dataclass(frozen=True)
class Context:
    """What every page needs: language, period, config and the data revision."""

    lang: str
    as_of: str
    config: Config
    rev: int
    # today in the province: decides which reports are due (a period not yet due is judged at its latest
    # month due); part of every cache key, so a wall display running past midnight moves on by itself
    today: dt.date = field(default_factory=lambda: local_today(ui_cache.settings().timezone))

    @property
    def sha(self) -> str:
        return self.config.sha256

    @property
    def judged(self) -> str:
        """The month the period shown is judged at (reports due by the `reporting.deadline_day` setting)."""
        return judged_month(self.as_of, self.today, self.config.targets.reporting.deadline_day)

    @property
    def timezone(self) -> str:
        """The province's time zone (the `IOC_TIMEZONE` setting): every time shown is in it."""
        return ui_cache.settings().timezone

    def scores(self, as_of: str | None = None) -> pl.DataFrame:
        """Scores of the period shown (or of `as_of`), judged as of today."""
        return ui_cache.scores(self.rev, self.sha, as_of or self.as_of, self.today)

    def composite(self, level: str) -> pl.DataFrame:
        """Units of `level` ranked on the composite score for the period shown."""
        return ui_cache.composite(self.rev, self.sha, self.as_of, level, self.today)

    def observations(self) -> pl.DataFrame:
        return ui_cache.observations(self.rev, self.sha)


def context() -> Context:
    """The context the entry file put in session state for this run."""
    return st.session_state["_ctx"]


def page_header(title: str, ctx: Context) -> None:
    """Page title, demo label and the period shown."""
    from ioc.period_labels import format_view

    st.title(title)
    cols = st.columns([3, 2])
    with cols[0]:
        st.caption(
            f"{_md_escape(ctx.config.targets.province.name.get(ctx.lang))} · {t('side.period', ctx.lang)}: "
            f"{format_view(ctx.as_of, ctx.judged, ctx.lang)}"
        )
    if ctx.config.targets.demo:
        with cols[1]:
            st.badge(t("demo.badge", ctx.lang), icon=":material/science:", color="violet")


def status_badge(status: str | None, lang: str) -> None:
    look = STATUS[status or "no_data"]
    st.badge(look.word(lang), icon=None, color=look.badge)  # type: ignore[arg-type]


def status_counts(counts: dict[str, int], lang: str) -> None:
    """The counts by status as one compact row of tags (icon, word and number on the status colour).

    One Markdown line of badges wraps like text, so on a phone it stays a short block instead of a stack of
    cards pushing the table below the first screen.
    """
    tags = [
        f":{STATUS[s].badge}-badge[{STATUS[s].label(lang)} **{n}**]" for s, n in counts.items() if s in STATUS
    ]
    st.markdown("&nbsp; ".join(tags), help=t("glance.counts", lang))


def swatches(entries: list[tuple[str, str]]) -> None:
    """A legend: one colour swatch and its label per entry, wrapping on a narrow screen.

    Labels and colours come from our own code (status words, band numbers); they are escaped all the same.
    """
    items = "".join(
        '<span style="display:inline-flex;align-items:center;gap:.35rem;margin:0 1rem .25rem 0;'
        'white-space:nowrap">'
        f'<span style="display:inline-block;width:1.1rem;height:1.1rem;border-radius:3px;'
        f'background:{html.escape(colour)};border:1px solid rgba(0,0,0,.25)"></span>'
        f"{html.escape(label)}</span>"
        for label, colour in entries
        if colour.startswith("#") and len(colour) in (4, 7)
    )
    st.markdown(f'<div style="display:flex;flex-wrap:wrap">{items}</div>', unsafe_allow_html=True)


def legend(lang: str) -> None:
    """The status legend: a swatch, icon and word per status; what each means, one click away."""
    entries = status_legend(lang)
    swatches([(label, colour) for label, colour, _explain in entries])
    with st.expander(t("glance.legend", lang)):
        st.markdown("\n".join(f"- **{label}** — {explain}" for label, _colour, explain in entries))


def status_column(label: str, lang: str, width: int = 150) -> Any:
    """Column config of a status tag: icon and word on the status colour (values: `status_chip` lists)."""
    options, colours = status_tags(lang)
    return st.column_config.MultiselectColumn(label, options=options, color=colours, width=width)


def show_issues(issues: list[Issue], lang: str) -> None:
    """Every problem in a table with its sheet, row, column, value and what was expected."""
    if not issues:
        return
    frame = issues_frame(issues, lang).select(
        "severity",
        "file",
        "line",
        "sheet",
        "row",
        "column",
        "field",
        "value",
        "expected",
        "message",
        "hint",
        "code",
    )
    frame = frame.select([c for c in frame.columns if frame[c].null_count() < frame.height])
    st.dataframe(frame, hide_index=True, width="stretch")


@contextmanager
def guarded(lang: str):
    """Run a page body; on an unexpected error show a plain message, never a traceback, and log it."""
    try:
        yield
    except ScriptControlException:  # st.rerun / st.stop / st.switch_page: not errors
        raise
    except Exception:  # the user sees a message; the log keeps the traceback
        log.exception("page failed")
        st.error(t("error.generic", lang))


ROW_HEIGHT = 72  # three wrapped lines: names and reasons read in full instead of being cut
# On a 390 px phone the table is 356 px wide inside its border: the row marker (~33 px), the name and the
# status tag (its longest common word, "✖ Chậm kế hoạch", fits 128 px) end within it, whole.
NAME_WIDTH = 190
STATUS_WIDTH = 128
_LINE_PX = 18  # one wrapped line of table text (3 lines fill the 72 px row)
_CELL_PAD_PX = 18  # above and below the lines of a row
_CELL_SIDE_PX = 16  # the grid's padding left and right of a cell's text
_FONT_PX = 14


@functools.cache
def _table_font() -> Any:
    """The font the table draws with (Streamlit's Source Sans, regular weight), or None if it cannot be read."""
    try:
        from PIL import ImageFont

        path = next(Path(st.__file__).parent.glob("static/static/media/SourceSansVF-Upright*.woff2"))
        font = ImageFont.truetype(str(path), _FONT_PX)
        font.set_variation_by_axes([400])
        return font
    except Exception:  # no Pillow, no font file: fall back to a per-character estimate
        log.info("table font not readable; row heights use a character estimate", exc_info=True)
        return None


def _text_px(text: str) -> float:
    font = _table_font()
    return float(font.getlength(text)) if font is not None else len(text) * 6.5


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a table column `width` px wide, wrapped at spaces as the grid does."""
    # the grid's own measure differs from ours by a pixel or two: a near miss counts as one more line
    room = width - _CELL_SIDE_PX - 4
    lines, line = 1, ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _text_px(candidate) > room:
            lines, line = lines + 1, word
        else:
            line = candidate
        while _text_px(line) > room and len(line) > 1:  # a word wider than the column breaks inside
            cut = max(1, int(len(line) * room / _text_px(line)))
            lines, line = lines + 1, line[cut:]
    return lines


_WRAP_MIN_PX = 65  # the grid wraps text only in rows taller than 4rem


def row_height_for(names: list[str], width: int = NAME_WIDTH, *, min_lines: int = 3) -> int | None:
    """Rows tall enough for the longest name to read in full, never below `min_lines` lines.

    The grid draws on a canvas and cuts whatever does not fit its row; the longest indicator names (~95
    characters) need a fourth line, and only a table holding one pays for it. None: one line is enough
    (the grid's default row).
    """
    lines = max([min_lines, *(wrapped_lines(n or "", width) for n in names)])
    if lines <= 1:
        return None
    return max(_WRAP_MIN_PX, lines * _LINE_PX + _CELL_PAD_PX)


def table(
    df: pl.DataFrame,
    columns: dict[str, Any],
    *,
    key: str | None = None,
    on_select: Callable | str = "ignore",
    height: int | str = "content",
    row_height: int | None = None,
) -> Any:
    """A read-only table showing only `columns` (name → column config), in that order.

    It grows to its rows (`height="content"`) rather than scrolling inside the page; a `row_height` above
    64 px lets text wrap in its cells.
    """
    return st.dataframe(
        df.select(list(columns)),
        hide_index=True,
        width="stretch",
        column_config=columns,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
        height=height,
        row_height=row_height,
    )


def picked_row(event: Any, rows: pl.DataFrame) -> dict | None:
    """The row a table selection points at, or None."""
    picked = event.selection.rows if event else []
    return rows.row(picked[0], named=True) if picked and picked[0] < rows.height else None


def row_detail(row: dict, lang: str, *, unit: str | None = None) -> None:
    """A selected row in full: status, indicator, the whole reason and the trend, and a link to the indicator."""
    with st.container(border=True, key="row_detail"):
        head = f"**{row['status_text']}** · **{_md_escape(row['name'])}**"
        if row.get("unit_name"):
            head += f" · {_md_escape(row['unit_name'])}"
        trend = (
            f"{row['trend_text']} — {row['trend_reason']}" if row.get("trend_reason") else row["trend_text"]
        )
        st.markdown(
            f"{head}  \n{t('col.reason', lang)}: {_md_escape(row['reason'] or '—')}  \n"
            f"{t('col.trend', lang)}: {_md_escape(trend or '—')}"
        )
        st.page_link(
            "pages/indicator.py",
            label=t("glance.open_indicator", lang),
            icon=":material/query_stats:",
            query_params={"indicator": row["indicator"], "unit": unit or row["unit_code"]},
        )


def url_selectbox(
    label: str,
    options: list[Any],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    container: Any = None,
) -> Any:
    """A selectbox whose value lives in the URL (`?key=value`), so a link or a reload shows the same view.

    A value arriving in the URL (a link, `st.switch_page(query_params=…)`) wins over the session's
    previous choice; the choice is written back to the URL on every run.
    """
    where = container or st
    options = list(options)
    incoming = st.query_params.get(key)
    seen_key = f"_url_{key}"
    if incoming in options and incoming != st.session_state.get(seen_key):
        st.session_state[key] = incoming
    elif st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)
    value = where.selectbox(label, options, format_func=format_func, key=key)
    if value is not None:
        st.query_params[key] = value
        st.session_state[seen_key] = value
    return value


GRANULARITIES = ("month", "quarter", "year")


def url_period(observations: pl.DataFrame, lang: str, *, container: Any = None) -> str | None:
    """The period and its granularity pickers, both in the URL (`?gran=quarter&period=2026-Q3`).

    A period arriving in the URL decides the granularity too (a link to "2026-Q3" opens the quarter view);
    `gran` alone opens that granularity at its newest period. Both are written back on every run.
    """
    from ioc.period_labels import format_period
    from ioc.views import granularity_of, period_choices

    where = container or st
    incoming_period = st.query_params.get("period")
    incoming_gran = st.query_params.get("gran")
    if incoming_period and incoming_period != st.session_state.get("_url_period"):
        try:
            gran = granularity_of(incoming_period)
        except ValueError:
            gran = None
        if gran and incoming_period in period_choices(observations, gran):
            st.session_state["granularity"] = gran
            st.session_state[f"period_{gran}"] = incoming_period
    elif incoming_gran in GRANULARITIES and incoming_gran != st.session_state.get("_url_gran"):
        st.session_state["granularity"] = incoming_gran
    st.session_state.setdefault("granularity", "month")
    granularity = (
        where.segmented_control(
            t("side.granularity", lang),
            list(GRANULARITIES),
            format_func=lambda g: t(f"gran.{g}", lang),
            key="granularity",
            required=True,
        )
        or "month"
    )
    choices = period_choices(observations, granularity)
    key = f"period_{granularity}"
    if st.session_state.get(key) not in choices:
        st.session_state.pop(key, None)
    as_of = where.selectbox(
        t("side.period", lang), choices, format_func=lambda p: format_period(p, lang), key=key
    )
    st.query_params["gran"] = granularity
    st.session_state["_url_gran"] = granularity
    if as_of is not None:
        st.query_params["period"] = as_of
        st.session_state["_url_period"] = as_of
    return as_of


def _md_escape(text: str) -> str:
    """Keep names from config or files from being read as Markdown."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|~$" else ch for ch in text)


def reason_markdown(row: dict, lang: str) -> str:
    """ "**Reason:** … / **Trend:** … — why" as Markdown; the row's own words escaped, read as text."""
    parts = (row.get("trend_text"), row.get("trend_reason"))
    trend = " — ".join(part for part in parts if part)  # no dangling dash
    return (
        f"**{t('col.reason', lang)}:** {_md_escape(row.get('reason') or '—')}  \n"
        f"**{t('col.trend', lang)}:** {_md_escape(trend or '—')}"
    )


def status_cards(rows: pl.DataFrame, lang: str, *, extra: str | None = None) -> None:
    """One bordered line per row: status (icon + word), the indicator, its reason, and its trend."""
    for r in rows.iter_rows(named=True):
        with st.container(border=True):
            head = f"**{r['status_text']}** · **{_md_escape(r['name'])}**"
            if extra and r.get(extra):
                head += f" · {_md_escape(str(r[extra]))}"
            reason, trend = _md_escape(r["reason"] or ""), _md_escape(r["trend_text"] or "")
            st.markdown(f"{head}  \n{reason}  \n{t('col.trend', lang)}: {trend}")
