"""Small Streamlit helpers shared by the entry file and the pages: frame guard, context, badges, tables."""

from __future__ import annotations

import datetime as dt
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
from ioc.views import status_legend

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
    today: dt.date = field(default_factory=local_today)

    @property
    def sha(self) -> str:
        return self.config.sha256

    @property
    def judged(self) -> str:
        """The month the period shown is judged at."""
        return judged_month(self.as_of, self.today)

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
    from ioc.i18n import format_view

    st.title(title)
    cols = st.columns([3, 2])
    with cols[0]:
        st.caption(
            f"{ctx.config.targets.province.name.get(ctx.lang)} · {t('side.period', ctx.lang)}: "
            f"{format_view(ctx.as_of, ctx.judged, ctx.lang)}"
        )
    if ctx.config.targets.demo:
        with cols[1]:
            st.badge(t("demo.badge", ctx.lang), icon=":material/science:", color="violet")


def status_badge(status: str | None, lang: str) -> None:
    look = STATUS[status or "no_data"]
    st.badge(look.word(lang), icon=None, color=look.badge)  # type: ignore[arg-type]


def status_counts(counts: dict[str, int], lang: str) -> None:
    """One metric per status: icon, word and the number, in a row."""
    cols = st.columns(len(counts))
    for col, (status, n) in zip(cols, counts.items(), strict=True):
        with col:
            st.metric(STATUS[status].label(lang), n, border=True)


def legend(lang: str) -> None:
    """The status legend: icon, word and what it means."""
    st.caption("  ·  ".join(f"**{label}** — {explain}" for label, _colour, explain in status_legend(lang)))


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


def table(
    df: pl.DataFrame,
    columns: dict[str, Any],
    *,
    key: str | None = None,
    on_select: Callable | str = "ignore",
    height: int | str = "auto",
) -> Any:
    """A read-only table showing only `columns` (name → column config), in that order."""
    return st.dataframe(
        df.select(list(columns)),
        hide_index=True,
        width="stretch",
        column_config=columns,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
        height=height,
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


def _md_escape(text: str) -> str:
    """Keep names from config or files from being read as Markdown."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|~$" else ch for ch in text)


def status_cards(rows: pl.DataFrame, lang: str, *, extra: str | None = None) -> None:
    """One bordered line per row: status (icon + word), the indicator, its reason, and its trend."""
    for r in rows.iter_rows(named=True):
        with st.container(border=True):
            head = f"**{r['status_text']}** · **{_md_escape(r['name'])}**"
            if extra and r.get(extra):
                head += f" · {r[extra]}"
            st.markdown(
                f"{head}  \n{_md_escape(r['reason'] or '')}  \n{t('col.trend', lang)}: {r['trend_text']}"
            )
