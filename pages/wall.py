"""Wall display (`/wall`): the operations-centre TV, defined by its URL alone (README, "Wall display")."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_wall, wall_html  # noqa: E402
from ioc.wall import parse_params  # noqa: E402

params = parse_params(st.query_params.to_dict())
st.html(wall_html.wall_css(ui_wall.language(params)))
ui_wall.live(params)
