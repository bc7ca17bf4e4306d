"""The meeting page's Streamlit pieces: the cached `MeetingView`, the pack download, cards, the print style and
the administrator's sign-in and forms (lock, notes, action items, edits). The logic is in `ioc.meeting`,
`ioc.decisions`, `ioc.meeting_locks` and `ioc.meeting_pack`; this module only lays it out and calls them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from ioc import decisions, meeting_locks, ui_auth, ui_cache
from ioc.accounts import User
from ioc.i18n import format_period
from ioc.issues import IssueError
from ioc.labels import STATUS, t
from ioc.meeting import MeetingView, build_view
from ioc.period_labels import period_file_stem
from ioc.ui import Context, _md_escape, show_issues
from ioc.views import data_as_of, format_local_time


def meeting_revision() -> tuple[int, int]:
    """(decisions, locks) revision: part of the view's cache key, so a note or a lock shows at once."""
    engine = ui_cache.db()
    return decisions.revision(engine), meeting_locks.revision(engine)


@st.cache_data(max_entries=16, show_spinner=False)
def _view(rev: int, sha: str, as_of: str, today: dt.date, lang: str, mrev: tuple[int, int]) -> MeetingView:
    engine = ui_cache.db()
    return build_view(
        engine,
        ui_cache.config(),
        as_of,
        lang,
        scores_of=lambda p: ui_cache.scores(rev, sha, p, today),
        submissions=ui_cache.submissions(rev),
        today=today,
        data_as_of=data_as_of(ui_cache.observations(rev, sha)),
        timezone=ui_cache.settings().timezone,
    )


def view(ctx: Context) -> MeetingView:
    """The meeting of the period shown, cached on the ledger, config, day, language and meeting revisions."""
    return _view(ctx.rev, ctx.sha, ctx.as_of, ctx.today, ctx.lang, meeting_revision())


@st.cache_data(max_entries=8, show_spinner=False)
def _pack(rev: int, sha: str, as_of: str, today: dt.date, lang: str, mrev: tuple[int, int]) -> bytes:
    from ioc.meeting_pack import build_pack

    return build_pack(
        _view(rev, sha, as_of, today, lang, mrev), ui_cache.config(), timezone=ui_cache.settings().timezone
    )


def pack_button(ctx: Context) -> None:
    """The Excel pack, built only when it is asked for."""
    key = (ctx.rev, ctx.sha, ctx.as_of, ctx.today, ctx.lang, meeting_revision())
    st.download_button(
        t("meeting.download", ctx.lang),
        data=lambda: _pack(*key),
        file_name=f"hop-{period_file_stem(ctx.as_of)}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="meeting_pack",
    )


# Our own style sheet (no data inside): printing gives A4 landscape without the sidebar, toolbar or any
# widget; cards and table rows are never cut across pages; status colours are kept.
PRINT_CSS = """
<style>
@page { size: A4 landscape; margin: 10mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stExpander"],
  [data-testid="stElementToolbar"], [data-testid="stDataFrame"], .st-key-meeting_admin, .st-key-no_print,
  footer { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 !important; margin: 0 !important; max-width: 100% !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"] { overflow: visible !important; position: static !important; }
  * { -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }
  table, thead { break-inside: auto; }
  tr, [data-testid="stVerticalBlockBorderWrapper"], [class*="st-key-card_"], .stMarkdown {
    break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
}
</style>
"""
# Each card's left edge in its status colour (STATUS, our constants), on screen and on paper; the icon and the
# word stay in the card, so the colour is never the only sign. A card's key ends in "_s_<status>".
CARD_CSS = (
    "<style>"
    + "".join(
        f'[class*="st-key-card_"][class*="_s_{s}"] {{ border-left: 6px solid {look.colour} !important; }}'
        for s, look in STATUS.items()
    )
    + "</style>"
)


def print_style() -> None:
    """Inject the print style sheet and the cards' status edges (constants of ours; never data)."""
    st.html(PRINT_CSS + CARD_CSS)


def lock_banner(v: MeetingView, ctx: Context) -> None:
    """ "Số liệu đã khoá" with who and when, or that the period is not locked."""
    if v.lock is not None:
        when = format_local_time(v.lock.at, ctx.lang, ctx.timezone)
        st.success(
            f"**{t('meeting.locked', ctx.lang)}** — "
            + _md_escape(t("meeting.locked_by", ctx.lang, time=when, who=v.lock.who)),
            icon=":material/lock:",
        )
    else:
        st.caption(t("meeting.unlocked", ctx.lang))


def cards(rows: pl.DataFrame, lang: str, *, lines: list[str], key: str) -> None:
    """One bordered card per row, its left edge in the status colour: status and name, then each of `lines`
    (columns) that has text. `key` tells this list's cards from another's on the same page."""
    for i, r in enumerate(rows.iter_rows(named=True)):
        with st.container(border=True, key=f"card_{key}_{i}_s_{r.get('status') or 'no_data'}"):
            head = f"**{r['status_text']}** · **{_md_escape(r['name'] or '')}**"
            if r.get("unit_name") and not r.get("headline", True):
                head += f" · {_md_escape(r['unit_name'])}"
            body = [_md_escape(str(r[c])) for c in lines if r.get(c) not in (None, "", "—")]
            st.markdown("  \n".join([head, *body]))


def static_table(df: pl.DataFrame, columns: dict[str, str]) -> None:
    """A plain table (prints whole, never cut; every value shown as text, never as HTML)."""
    if df.is_empty():
        return
    st.table(
        df.select([pl.col(c).cast(pl.String).fill_null("—").alias(label) for c, label in columns.items()])
    )


# ---------------------------------------------------------------------------------------- writing


def admin_area(ctx: Context, v: MeetingView) -> None:
    """The administrator's panel when one is signed in; otherwise the sign-in form, folded, so a chair can
    sign in right here. Anyone else reads the page: a department account or a viewer is told who writes."""
    lang = ctx.lang
    user = ui_auth.current_user()
    if user is not None and user.is_admin:
        admin_panel(ctx, v, user)
    elif user is not None:
        st.caption(t("meeting.not_admin", lang, name=_md_escape(user.label)))
    else:
        st.caption(t("meeting.read_only", lang))
        with st.expander(t("meeting.sign_in", lang), icon=":material/login:"):
            ui_auth.sign_in_form(lang, key="meeting_signin", title=t("meeting.sign_in_title", lang))


def _local_times(df: pl.DataFrame, ctx: Context, column: str = "recorded_at") -> pl.DataFrame:
    """`column` (UTC moments) as the province's local time in words ("08:00 01/11/2026")."""
    if df.is_empty():
        return df
    return df.with_columns(
        pl.col(column).map_elements(
            lambda m: format_local_time(m, ctx.lang, ctx.timezone), return_dtype=pl.String
        )
    )


def _attempt(lang: str, action: Any) -> Any:
    try:
        return action()
    except IssueError as err:
        for issue in err.issues:
            st.error(issue.text(lang))
        show_issues([i for i in err.issues if i.row is not None], lang)
        return None


def _saved(saved: decisions.Decision | None, lang: str, text_key: str) -> None:
    """After a save: empty the text box and run again, so the page lists the new version at once."""
    if saved is None:
        return
    st.session_state["_meeting_flash"] = t("meeting.saved", lang, id=saved.decision_id, version=saved.version)
    st.session_state.pop(text_key, None)
    st.rerun()


def admin_panel(ctx: Context, v: MeetingView, actor: User) -> None:
    """Lock or unlock the period, add a note, record an action item, close one (administrators only)."""
    lang, engine = ctx.lang, ui_cache.db()
    with st.container(key="meeting_admin"):
        st.subheader(t("meeting.record", lang))
        if flash := st.session_state.pop("_meeting_flash", None):
            st.success(flash)
        period = format_period(ctx.as_of, lang)
        if v.lock is None:
            locked = st.button(t("meeting.lock", lang), icon=":material/lock:", key="meeting_lock")
            if locked and _attempt(lang, lambda: meeting_locks.lock_period(engine, ctx.as_of, actor)):
                st.rerun()
        elif st.button(t("meeting.unlock", lang), icon=":material/lock_open:", key="meeting_unlock"):
            _attempt(lang, lambda: meeting_locks.unlock_period(engine, ctx.as_of, actor))
            st.rerun()
        history = meeting_locks.lock_history(engine, ctx.as_of)
        if not history.is_empty():
            with st.expander(t("meeting.lock_history", lang) + f" — {period}"):
                static_table(
                    history.with_columns(
                        pl.col("at").map_elements(
                            lambda m: format_local_time(m, lang, ctx.timezone), return_dtype=pl.String
                        )
                    ),
                    {
                        "action": t("meeting.col.kind", lang),
                        "at": t("meeting.col.recorded", lang),
                        "who": t("meeting.col.author", lang),
                    },
                )
        indicators = {i.id: i.name.get(lang) for i in ctx.config.targets.indicators}
        units = ctx.config.registry.units_frame()
        unit_names = dict(
            zip(units["unit_code"], units["name_vi" if lang == "vi" else "name_en"], strict=True)
        )
        departments = ctx.config.registry.departments
        dept_names = dict(
            zip(departments["id"], departments["name_vi" if lang == "vi" else "name_en"], strict=True)
        )
        unit_options = ["", *list(unit_names)]

        def unit_label(code: str) -> str:
            return t("meeting.whole_indicator", lang) if not code else unit_names.get(code, code)

        with st.expander(t("meeting.add_note", lang), icon=":material/sticky_note_2:"):
            ind = st.selectbox(
                t("col.indicator", lang), list(indicators), format_func=indicators.get, key="note_ind"
            )
            unit = st.selectbox(
                t("meeting.unit_optional", lang), unit_options, format_func=unit_label, key="note_unit"
            )
            text = st.text_area(t("meeting.note_text", lang), key="note_text", max_chars=decisions.MAX_TEXT)
            if st.button(t("meeting.save", lang), key="note_save"):
                saved = _attempt(
                    lang,
                    lambda: decisions.add_note(
                        engine,
                        period=ctx.as_of,
                        indicator=ind,
                        unit_code=unit or None,
                        text=text,
                        actor=actor,
                    ),
                )
                _saved(saved, lang, "note_text")
        with st.expander(t("meeting.add_action", lang), icon=":material/task_alt:"):
            ind = st.selectbox(
                t("col.indicator", lang), list(indicators), format_func=indicators.get, key="act_ind"
            )
            unit = st.selectbox(
                t("meeting.unit_optional", lang), unit_options, format_func=unit_label, key="act_unit"
            )
            text = st.text_area(t("meeting.action_text", lang), key="act_text", max_chars=decisions.MAX_TEXT)
            owner_default = ctx.config.targets.indicator(ind).owner
            owners = list(dept_names)
            owner = st.selectbox(
                t("meeting.owner", lang),
                owners,
                index=owners.index(owner_default) if owner_default in owners else 0,
                format_func=dept_names.get,
                key=f"act_owner_{ind}",  # a new indicator offers its own owner first
            )
            due = st.date_input(
                t("meeting.due", lang),
                value=ctx.today + dt.timedelta(days=30),
                key="act_due",
                format="DD/MM/YYYY",
            )
            if st.button(t("meeting.save", lang), key="act_save"):
                saved = _attempt(
                    lang,
                    lambda: decisions.add_action(
                        engine,
                        period=ctx.as_of,
                        indicator=ind,
                        unit_code=unit or None,
                        text=text,
                        owner=owner,
                        due=due,
                        actor=actor,
                    ),
                )
                _saved(saved, lang, "act_text")
        _edit_form(ctx, v, actor, dept_names)
        if not v.actions.is_empty():
            with st.expander(t("meeting.close_action", lang), icon=":material/check_circle:"):
                labels = {
                    r["decision_id"]: f"#{r['decision_id']} · {r['name']} — {r['text'][:60]}"
                    for r in v.actions.iter_rows(named=True)
                }
                pick = st.selectbox(
                    t("meeting.pick_action", lang), list(labels), format_func=labels.get, key="close_pick"
                )
                note = st.text_area(t("meeting.closing_note", lang), key="close_note")
                if st.button(t("meeting.close_action", lang), key="close_save"):
                    saved = _attempt(
                        lang, lambda: decisions.close_action(engine, pick, actor=actor, note=note)
                    )
                    _saved(saved, lang, "close_note")


def _editable(v: MeetingView) -> pl.DataFrame:
    """What an edit may change: the period's notes and items not closed, and the open items carried over."""
    parts = [p for p in (v.notes, v.actions) if not p.is_empty()]
    if not parts:
        return v.notes
    every = pl.concat([p.select("decision_id", "kind", "state", "indicator", "text") for p in parts])
    return every.filter(pl.col("state") != "closed").unique("decision_id", keep="first").sort("decision_id")


def _edit_form(ctx: Context, v: MeetingView, actor: User, dept_names: dict[str, str]) -> None:
    """Edit a note's or an action item's text (and an item's owner and due date): a new version, the old
    ones listed below it and kept in the history."""
    lang, engine = ctx.lang, ui_cache.db()
    items = _editable(v)
    if items.is_empty():
        return
    names = {i.id: i.name.get(lang) for i in ctx.config.targets.indicators}
    states = {s: t(f"meeting.state.{s}", lang) for s in ("note", "open", "closed")}
    labels = {
        r["decision_id"]: f"#{r['decision_id']} · {states[r['state']]} · "
        f"{names.get(r['indicator'], r['indicator'])} — {r['text'][:60]}"
        for r in items.iter_rows(named=True)
    }
    with st.expander(t("meeting.edit", lang), icon=":material/edit:"):
        pick = st.selectbox(
            t("meeting.pick_item", lang), list(labels), format_func=labels.get, key="edit_pick"
        )
        versions = decisions.all_versions(engine, pick)
        last = versions.row(-1, named=True)
        # keys carry the item and its version, so picking another item (or saving) starts from its text
        suffix = f"{pick}_{last['version']}"
        text = st.text_area(
            t("meeting.note_text", lang),
            value=last["text"],
            key=f"edit_text_{suffix}",
            max_chars=decisions.MAX_TEXT,
            help=t("meeting.edit_help", lang),
        )
        owner, due = None, None
        if last["kind"] == "action":
            owners = list(dept_names)
            owner = st.selectbox(
                t("meeting.owner", lang),
                owners,
                index=owners.index(last["owner"]) if last["owner"] in owners else 0,
                format_func=dept_names.get,
                key=f"edit_owner_{suffix}",
            )
            due = st.date_input(
                t("meeting.due", lang), value=last["due"], key=f"edit_due_{suffix}", format="DD/MM/YYYY"
            )
        if st.button(t("meeting.save", lang), key="edit_save"):
            saved = _attempt(
                lang, lambda: decisions.edit(engine, pick, actor=actor, text=text, owner=owner, due=due)
            )
            _saved(saved, lang, f"edit_text_{suffix}")
        static_table(
            _local_times(versions.sort("version", descending=True), ctx),
            {
                "version": t("meeting.col.version", lang),
                "text": t("meeting.note_text", lang),
                "author": t("meeting.col.author", lang),
                "recorded_at": t("meeting.col.recorded", lang),
            },
        )


def indicator_notes(ctx: Context, indicator: str, unit: str | None) -> None:
    """The Indicator page's small block: current notes and action items of the indicator (and its unit)."""
    lang = ctx.lang
    items = decisions.for_indicator(ui_cache.db(), indicator, unit)
    if items.is_empty():
        return
    units = ctx.config.registry.units_frame()
    unit_names = dict(zip(units["unit_code"], units["name_vi" if lang == "vi" else "name_en"], strict=True))
    st.subheader(t("meeting.indicator_notes", lang))
    rows = items.with_columns(
        pl.col("period").map_elements(lambda p: format_period(p, lang), return_dtype=pl.String),
        pl.col("state").map_elements(lambda s: t(f"meeting.state.{s}", lang), return_dtype=pl.String),
        pl.col("unit_code").replace_strict(unit_names, default=None).alias("unit_name"),
        pl.col("owner").replace_strict(unit_names, default=None).alias("owner_name"),
        pl.col("due").dt.strftime("%d/%m/%Y"),
        pl.col("recorded_at").map_elements(
            lambda m: format_local_time(m, lang, ctx.timezone), return_dtype=pl.String
        ),
    )
    static_table(
        rows,
        {
            "period": t("col.period", lang),
            "state": t("meeting.col.kind", lang),
            "unit_name": t("col.unit", lang),
            "text": t("meeting.note_text", lang),
            "owner_name": t("meeting.owner", lang),
            "due": t("meeting.due", lang),
            "closing_note": t("meeting.closing_note", lang),
            "author": t("meeting.col.author", lang),
            "recorded_at": t("meeting.col.recorded", lang),
        },
    )


# ---------------------------------------------------------------------------------------- sections


def headline_changes(v: MeetingView, lang: str) -> None:
    """The indicators that turned red or green since the previous period, and the biggest movers."""
    st.subheader(t("meeting.headline", lang))
    if v.vs_previous.is_empty():
        st.info(t("meeting.no_comparison", lang, period=format_period(v.previous, lang)))
        return
    heads = v.vs_previous.filter(pl.col("headline"))
    for kind in ("turned_red", "turned_green", "up", "down"):
        part = heads.filter(pl.col("kind") == kind)
        if not part.is_empty():
            st.markdown(f"**{t(f'meeting.kind.{kind}', lang)}**")
            cards(part, lang, lines=["change_text", "before_text", "reason"], key=kind)


def at_risk(v: MeetingView, lang: str) -> None:
    """Indicators at risk as cards (reason, department, pace needed vs observed, months left, shortfall);
    units at risk in a table below."""
    from ioc import ui

    st.subheader(t("meeting.at_risk", lang), help=t("meeting.at_risk_help", lang))
    if v.at_risk.is_empty():
        st.success(t("meeting.none_at_risk", lang))
        return
    line = pl.format(
        "{}: {} · {}: {}",
        pl.lit(t("col.months_left", lang)),
        "months_text",
        pl.lit(t("meeting.col.behind", lang)),
        "behind_text",
    )
    risk = v.at_risk.with_columns(line.alias("months_line"))
    cards(
        risk.filter(pl.col("headline")),
        lang,
        lines=["reason", "owner_name", "pace_vs", "months_line"],
        key="risk",
    )
    units = risk.filter(~pl.col("headline"))
    if units.is_empty():
        return
    with st.expander(t("meeting.units_at_risk", lang, n=units.height)):
        ui.table(
            units,
            {
                "name": st.column_config.TextColumn(t("col.indicator", lang), pinned=True),
                "unit_name": st.column_config.TextColumn(t("col.unit", lang)),
                "status_chip": ui.status_column(t("col.status", lang), lang),
                "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
                "pace_vs": st.column_config.TextColumn(t("meeting.col.pace", lang)),
                "behind_text": st.column_config.TextColumn(t("meeting.col.behind", lang)),
            },
            height=420,
            row_height=ui.ROW_HEIGHT,
        )


def decisions_section(v: MeetingView, ctx: Context) -> None:
    """Open action items beside their indicator's movement since recorded; the period's notes."""
    lang = ctx.lang
    st.subheader(t("meeting.actions", lang))
    if v.actions.is_empty():
        st.caption(t("meeting.no_actions", lang))
    static_table(
        _local_times(v.actions, ctx).with_columns(pl.col("due").dt.strftime("%d/%m/%Y")),
        {
            "decision_id": "#",
            "name": t("col.indicator", lang),
            "unit_name": t("col.unit", lang),
            "text": t("meeting.action_text", lang),
            "owner_name": t("meeting.owner", lang),
            "due": t("meeting.due", lang),
            "then_text": t("meeting.col.then", lang),
            "now_text": t("meeting.col.now", lang),
            "movement_text": t("col.change", lang),
            "author": t("meeting.col.author", lang),
            "recorded_at": t("meeting.col.recorded", lang),
        },
    )
    st.subheader(t("meeting.notes", lang))
    notes = v.notes.filter(pl.col("kind") == "note") if not v.notes.is_empty() else v.notes
    if notes.is_empty():
        st.caption(t("meeting.no_notes", lang))
        return
    names = {i.id: i.name.get(lang) for i in ctx.config.targets.indicators}
    units = ctx.config.registry.units_frame()
    unit_names = dict(zip(units["unit_code"], units["name_vi" if lang == "vi" else "name_en"], strict=True))
    static_table(
        _local_times(notes, ctx).with_columns(
            pl.col("indicator").replace_strict(names, default=None),
            pl.col("unit_code").replace_strict(unit_names, default=None),
        ),
        {
            "indicator": t("col.indicator", lang),
            "unit_code": t("col.unit", lang),
            "text": t("meeting.note_text", lang),
            "author": t("meeting.col.author", lang),
            "recorded_at": t("meeting.col.recorded", lang),
        },
    )


def comparisons(v: MeetingView, lang: str) -> None:
    """What changed against the previous period and the same period last year (units in a table apart)."""
    from ioc import ui

    st.subheader(t("meeting.changed", lang))
    for title, changes, period in (
        (t("meeting.vs_previous", lang, period=format_period(v.previous, lang)), v.vs_previous, v.previous),
        (
            t("meeting.vs_last_year", lang, period=format_period(v.last_year, lang)),
            v.vs_last_year,
            v.last_year,
        ),
    ):
        st.markdown(f"**{title}**")
        if changes.is_empty():
            st.caption(t("meeting.no_comparison", lang, period=format_period(period, lang)))
            continue
        kinds = {k: t(f"meeting.kind.{k}", lang) for k in ("turned_red", "turned_green", "up", "down")}
        shown = changes.with_columns(pl.col("kind").replace_strict(kinds, default=None).alias("kind_text"))
        static_table(
            shown.filter(pl.col("headline")),
            {
                "kind_text": t("meeting.col.kind", lang),
                "name": t("col.indicator", lang),
                "status_text": t("col.status", lang),
                "change_text": t("col.change", lang),
                "before_text": t("meeting.col.before", lang),
            },
        )
        units = shown.filter(~pl.col("headline"))
        if not units.is_empty():
            with st.expander(t("meeting.units_changed", lang, n=units.height)):
                ui.table(
                    units,
                    {
                        "kind_text": st.column_config.TextColumn(t("meeting.col.kind", lang)),
                        "name": st.column_config.TextColumn(t("col.indicator", lang)),
                        "unit_name": st.column_config.TextColumn(t("col.unit", lang)),
                        "status_chip": ui.status_column(t("col.status", lang), lang),
                        "change_text": st.column_config.TextColumn(t("col.change", lang)),
                        "before_text": st.column_config.TextColumn(t("meeting.col.before", lang)),
                        "reason": st.column_config.TextColumn(t("col.reason", lang), width="large"),
                    },
                    height=420,
                )


def quality(v: MeetingView, lang: str) -> None:
    """The "đúng, đủ, sạch, sống" scorecard per department, each word's definition one click away."""
    from ioc.data_quality import definitions

    st.subheader(t("meeting.quality", lang), help=t("meeting.quality_help", lang))
    static_table(
        v.quality,
        {
            "department_name": t("col.unit", lang),
            "du_text": t("dq.du", lang),
            "song_text": t("dq.song", lang),
            "sach_text": t("dq.sach", lang),
            "dung_text": t("dq.dung", lang),
        },
    )
    with st.expander(t("meeting.definitions", lang), icon=":material/help:"):
        st.markdown("\n".join(f"- **{word}** — {_md_escape(meaning)}" for word, meaning in definitions(lang)))
