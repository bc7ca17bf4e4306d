"""Wall display (`/wall`): the TV in the operations centre — rotating slides, live data, no input needed.

Everything is defined by the URL: `?playlist=overview,pillars,departments,communes,map&every=30&refresh=60
&lang=vi&token=…&night=22-6&map=INDICATOR` (see the README's "Wall display" section).
"""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_wall, wall_html  # noqa: E402
from ioc.wall import parse_params  # noqa: E402

params = parse_params(st.query_params.to_dict())
st.html(wall_html.wall_css(ui_wall.language(params)))
ui_wall.live(params)
