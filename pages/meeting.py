"""Meeting: what changed, what is at risk, open action items, data quality; lock, decide, take the pack away."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_meeting as um  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.views import count_statuses  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    um.print_style()
    ui.page_header(t("meeting.title", lang), ctx)
    v = um.view(ctx)
    um.lock_banner(v, ctx)
    ui.status_counts(count_statuses(v.head), lang)

    # on a phone the headline changes and the at-risk list come first, the tables after them
    um.headline_changes(v, lang)
    um.at_risk(v, lang)
    um.decisions_section(v, ctx)
    um.comparisons(v, lang)
    um.quality(v, lang)

    with st.container(key="no_print"):
        um.pack_button(ctx)
        st.caption(t("meeting.print", lang))
        um.admin_area(ctx, v)  # the administrator's panel, or the sign-in form to reach it
