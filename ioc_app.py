"""IOC Target Tracker — the entry file: page config, language, navigation, first-start seeding, period."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ioc import ui, ui_auth, ui_cache, ui_wall
from ioc.issues import IssueError
from ioc.labels import LANG_NAMES, LANGS, t
from ioc.period_labels import format_period
from ioc.views import data_as_of

st.set_page_config(
    page_title="IOC Target Tracker",
    page_icon=str(Path(__file__).parent / "assets" / "icon.png"),
    layout="wide",
)

settings = ui_cache.settings()
# ("wall", …): the TV display is a page of its own — no sidebar, no pickers; its URL defines it (ioc/ui_wall.py).
# It is routed before `require_viewer` because a TV never signs in: the wall reads `anonymous_view` itself and,
# when it is off, shows data only for a valid wall token in its URL (otherwise a full-screen notice, no form).
if ui_wall.requested():
    ui_wall.route()
try:
    config = ui_cache.config()
except IssueError as err:  # an administrator's mistake in targets.yaml: say exactly where, never a traceback
    lang = settings.language or "vi"
    st.error(t("error.config", lang))
    ui.show_issues(err.issues, lang)
    st.stop()

lang = ui.url_selectbox(
    "Ngôn ngữ / Language",
    list(LANGS),
    key="lang",
    format_func=LANG_NAMES.get,
    default=settings.language or config.targets.language.value,
    container=st.sidebar,
)

# url_path = the file's name, so that a deep link also resolves while Streamlit is still in its
# pages/-folder mode right after a restart (see ui.require_frame).
PAGES = [
    ("overview", "nav.overview", ":material/dashboard:"),
    ("department", "nav.department", ":material/apartment:"),
    ("commune", "nav.commune", ":material/holiday_village:"),
    ("indicator", "nav.indicator", ":material/query_stats:"),
    ("map", "nav.map", ":material/map:"),
    ("upload", "nav.upload", ":material/upload_file:"),
    ("reporting", "nav.reporting", ":material/fact_check:"),
    ("meeting", "nav.meeting", ":material/groups:"),
]
pages = {
    name: st.Page(
        f"pages/{name}.py", title=t(label, lang), icon=icon, url_path=name, default=name == "overview"
    )
    for name, label, icon in PAGES
}
page = st.navigation(list(pages.values()))
st.session_state["_framed"] = True
ui_auth.require_viewer(lang)  # when anonymous viewing is off: the sign-in form until someone signs in
ui_auth.sidebar_status(lang)
if (target := st.query_params.get("_to")) in pages:
    params = {k: v for k, v in st.query_params.to_dict().items() if k != "_to"}
    st.switch_page(pages[target], query_params=params)

with st.spinner(ui_cache.seeding_wait_text(lang)):
    ui_cache.ensure_seeded(settings.resolved_database_url(), config.sha256)
ui_cache.seeding_notice(lang)

rev = ui_cache.revision()
observations = ui_cache.observations(rev, config.sha256)
# period and granularity live in the URL like every other picker, so "Quý 3/2026, Sở Y tế" is a link
as_of = ui.url_period(observations, lang, container=st.sidebar)
if latest := data_as_of(observations):
    st.sidebar.caption(f"{t('side.data_as_of', lang)}: {format_period(latest, lang)}")
if config.targets.demo:
    st.sidebar.caption(f":violet[{t('demo.badge', lang)}]")
if as_of is None:
    st.info(t("empty.no_data", lang))
    st.stop()

st.session_state["_ctx"] = ui.Context(lang=lang, as_of=as_of, config=config, rev=rev)
page.run()
