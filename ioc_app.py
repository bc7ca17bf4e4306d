"""IOC Target Tracker — the entry file: page config, first-start seeding, language and period, navigation."""

from __future__ import annotations

import streamlit as st

from ioc import ui, ui_cache
from ioc.i18n import format_period
from ioc.issues import IssueError
from ioc.labels import LANG_NAMES, LANGS, t
from ioc.views import data_as_of, period_choices

st.set_page_config(page_title="IOC Target Tracker", page_icon=":material/monitoring:", layout="wide")

settings = ui_cache.settings()
try:
    config = ui_cache.config()
except IssueError as err:  # an administrator's mistake in targets.yaml: say exactly where, never a traceback
    lang = settings.language or "vi"
    st.error(t("error.config", lang))
    ui.show_issues(err.issues, lang)
    st.stop()

default_lang = settings.language or config.targets.language.value
lang = ui.url_selectbox(
    "Ngôn ngữ / Language",
    list(LANGS),
    key="lang",
    format_func=LANG_NAMES.get,
    default=default_lang,
    container=st.sidebar,
)

with st.spinner(t("seeding", lang), show_time=True):
    ui_cache.ensure_seeded(settings.resolved_database_url(), config.sha256)

rev = ui_cache.revision()
observations = ui_cache.observations(rev, config.sha256)
granularities = ["month", "quarter", "year"]
granularity = (
    st.sidebar.segmented_control(
        t("side.granularity", lang),
        granularities,
        default="month",
        format_func=lambda g: t(f"gran.{g}", lang),
        key="granularity",
        required=True,
    )
    or "month"
)
choices = period_choices(observations, granularity)
as_of = st.sidebar.selectbox(
    t("side.period", lang),
    choices,
    format_func=lambda p: format_period(p, lang),
    key=f"period_{granularity}",
)
latest = data_as_of(observations)
if latest:
    st.sidebar.caption(f"{t('side.data_as_of', lang)}: {format_period(latest, lang)}")
if config.targets.demo:
    st.sidebar.caption(f":violet[{t('demo.badge', lang)}]")

if as_of is None:
    st.info(t("empty.no_data", lang))
    st.stop()

st.session_state["_ctx"] = ui.Context(lang=lang, as_of=as_of, config=config, rev=rev)
pages = [
    st.Page(
        "pages/overview.py",
        title=t("nav.overview", lang),
        icon=":material/dashboard:",
        url_path="tong-quan",
        default=True,
    ),
    st.Page(
        "pages/department.py",
        title=t("nav.department", lang),
        icon=":material/apartment:",
        url_path="so-nganh",
    ),
    st.Page(
        "pages/commune.py",
        title=t("nav.commune", lang),
        icon=":material/holiday_village:",
        url_path="xa-phuong",
    ),
    st.Page(
        "pages/indicator.py",
        title=t("nav.indicator", lang),
        icon=":material/query_stats:",
        url_path="chi-tieu",
    ),
    st.Page("pages/map.py", title=t("nav.map", lang), icon=":material/map:", url_path="ban-do"),
    st.Page(
        "pages/upload.py", title=t("nav.upload", lang), icon=":material/upload_file:", url_path="nop-so-lieu"
    ),
    st.Page(
        "pages/reporting.py",
        title=t("nav.reporting", lang),
        icon=":material/fact_check:",
        url_path="tinh-hinh-bao-cao",
    ),
]
page = st.navigation(pages)
st.session_state["_framed"] = True
page.run()
