"""Text from files, settings and users reaches the screen as text: never as Markdown markup, never as HTML."""

from __future__ import annotations

import polars as pl

from ioc.charts import status_map
from ioc.ui import _md_escape, reason_markdown

TRICKY = "chậm *8,2* điểm_% [xem](http://x.example) `mã` #1 <b>đậm</b> | $5$ ~gạch~"


def _unescaped_specials(markdown: str, text: str) -> list[str]:
    """Markdown characters of `text` that appear in `markdown` without the backslash that makes them text."""
    escaped = _md_escape(text)
    where = markdown.find(escaped)
    assert where >= 0, (markdown, escaped)
    bare, chars = [], iter(markdown[where : where + len(escaped)])
    for ch in chars:
        if ch == "\\":
            next(chars, None)  # the escaped character is text
        elif ch in "`*_[]<>#|~$":
            bare.append(ch)
    return bare


def test_the_indicator_pages_reason_and_trend_are_read_as_text() -> None:
    row = {"reason": TRICKY, "trend_text": "↗ tăng", "trend_reason": "_3 kỳ_ [liên tiếp]"}
    for lang in ("vi", "en"):
        out = reason_markdown(row, lang)
        assert TRICKY not in out and "_3 kỳ_" not in out
        assert _unescaped_specials(out, TRICKY) == []
        assert _unescaped_specials(out, "↗ tăng — _3 kỳ_ [liên tiếp]") == []
    # a row with no reason and no trend reason: a dash, no dangling separator
    assert reason_markdown({"reason": None, "trend_text": "→", "trend_reason": None}, "vi").endswith(":** →")


def test_the_map_tooltip_never_renders_a_name_as_html() -> None:
    rows = pl.DataFrame(
        {
            "unit_code": ["90001"],
            "unit_name": ["Xã A"],
            "value_text": ["5"],
            "target_text": ["6"],
            "status": ["green"],
            "status_text": ["✔ Đạt"],
        }
    )
    points = pl.DataFrame({"code": ["90001"], "lat": [10.0], "lon": [106.0]})
    deck = status_map(
        None, points, rows, value_label='<img src=x onerror="alert(1)"> {unit_name}', target_label="T"
    )
    html = deck._tooltip["html"]  # what st.pydeck_chart hands to the browser's tooltip
    assert "<img" not in html and "&lt;img" in html
    assert "{unit_name}</b>" in html and "> {unit_name}:" not in html  # the label's braces are not a field
