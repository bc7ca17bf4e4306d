"""Pages read at a glance, in headless Chromium at a desk size (1600×1000) and a phone size (390×844).

Both languages, every page: no sideways overflow of the page; on Department, Commune and Reporting the status
of the first rows is in the first screen, whole; the Meeting page opens on its headline changes; the Reporting
table starts at the period shown; a row's whole reason and name can be read; the map's toolbar leaves the
picker free; the Upload page of a signed-in department fits too. st.dataframe draws on a canvas, so tables are
read through the grid's accessible table (the cells it renders, i.e. the ones in view), and where a cell sits
through the grid's own keyboard focus: it scrolls a focused cell fully into view, so a status cell focused
without the grid scrolling sideways is whole on screen. Screenshots go to `screenshots/glance/` (git-ignored).
IOC_E2E_DATA_DIR reuses an already seeded data folder (faster locally).

The wall (`/wall`) is left out: it is a full-screen display for a TV with its own layout, rotation and tests
(tests/e2e/test_wall_browser.py); a phone or a desk window is not what it is made for.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import (
    _assert_clean,
    _open,
    _settle,
    _start_server,
    _stop_server,
    browser,  # noqa: F401 - fixture
)

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots" / "glance"
PAGES = ["overview", "department", "commune", "indicator", "map", "upload", "reporting", "meeting"]
SIZES = {"desk": (1600, 1000), "phone": (390, 844)}
STATUS_ICONS = "✔▲✖◷○◇"
REPORT_ICONS = "✔◷✖○·"
PASSWORD = "mat-khau-xem-nhanh-2026"
REASON = {"vi": "Lý do", "en": "Reason"}
HEADLINE = {"vi": "Thay đổi chính", "en": "Headline changes"}
SIGN_IN = {"vi": ("Tên đăng nhập", "Mật khẩu", "Đăng nhập"), "en": ("User name", "Password", "Sign in")}
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(seeded_copy, browser) -> Iterator[str]:  # noqa: F811
    """A server on a fully seeded demo: these tests measure the steady layout a reader meets, not the first
    minutes after a fresh start (when a one-line notice says the earlier history is still loading)."""
    from ioc import accounts, store

    data_dir = seeded_copy("glance-data")
    # a department account, created as an administrator would before the server starts (upload page test)
    engine = store.get_engine(f"sqlite:///{data_dir / 'ioc.sqlite3'}")
    store.migrate(engine)
    with contextlib.suppress(accounts.AccountError):  # a reused data folder already has it
        accounts.create_account(
            engine,
            "glance.gd",
            role="department",
            department="so_gd_dt",
            display_name="Trần Thị B",
            password=PASSWORD,
            created_by="test",
        )
    engine.dispose()
    proc, url = _start_server(data_dir)
    yield url
    _stop_server(proc)


def _grid(page, index: int = 0) -> dict:
    """The rows the grid renders (header first) and where the table sits on the page."""
    return page.evaluate(
        """(index) => {
          const df = document.querySelectorAll('[data-testid="stDataFrame"]')[index];
          if (!df) return null;
          const box = df.getBoundingClientRect();
          const rows = [...df.querySelectorAll('table tr')].map(tr => [...tr.children].map(td => td.textContent));
          return {top: box.top, left: box.left, width: box.width, height: box.height, rows};
        }""",
        index,
    )


def _focused_cell(page) -> tuple[int, int, str, float] | None:
    """(column, row, text, the grid's sideways scroll) of the grid cell that has the keyboard focus."""
    return page.evaluate(
        """() => {
          const a = document.activeElement;
          const m = a && a.id && a.id.match(/^glide-cell-(\\d+)-(\\d+)$/);
          const s = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
          return m ? [+m[1], +m[2], a.textContent, s ? s.scrollLeft : -1] : null;
        }"""
    )


def _status_cells_in_view(page, grid: dict, width: int, icons: str) -> None:
    """The first two rows' status cells are whole inside the viewport: focus the first row's name cell, step
    right onto its status and down to the next row; the grid would scroll sideways to show a cut cell."""
    page.mouse.click(grid["left"] + 100, grid["top"] + 50)  # the name (or unit) cell of the first row
    page.wait_for_timeout(300)
    start = _focused_cell(page)
    assert start and start[1] == 0 and start[3] == 0, start
    for key, row in (("ArrowRight", 0), ("ArrowDown", 1)):
        page.keyboard.press(key)
        page.wait_for_timeout(300)
        cell = _focused_cell(page)
        assert cell and cell[0] == start[0] + 1 and cell[1] == row, (key, start, cell)
        assert cell[2][:1] in icons, cell  # the status column
        assert cell[3] == 0, (
            f"the status cell of row {row} is cut at {width}px: the grid scrolled {cell[3]}px"
        )
    assert grid["left"] >= 0 and grid["left"] + grid["width"] <= width


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _url(server: str, page: str, lang: str, extra: str = "") -> str:
    return (f"{server}/?lang={lang}" if page == "overview" else f"{server}/{page}?lang={lang}") + extra


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_fits_and_shows_status_first(browser, server: str, lang: str, size: str) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    for name in PAGES:
        ctx, page, guard = _open(browser, _url(server, name, lang), width=width, height=height)
        try:
            text = _settle(page)
            _assert_clean(text, page)
            time.sleep(1)
            page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"))
            assert _overflow(page) <= 1, f"{name} ({lang}, {width}px) overflows sideways"
            assert not guard.requests, f"{name} requested off-machine URLs: {guard.requests[:5]}"
            if name in {"department", "commune", "reporting"}:
                grid = _grid(page)
                assert grid and len(grid["rows"]) >= 3, f"{name}: no table rows rendered"
                header, first, second = grid["rows"][:3]
                status_at = 1  # name (or unit) first, then the status (or the period shown)
                icons = REPORT_ICONS if name == "reporting" else STATUS_ICONS
                for row in (first, second):
                    assert len(row) > status_at and row[status_at][:1] in icons, (name, width, header, row)
                # the first two rows are inside the first screen, their status cells whole within its width
                assert grid["top"] + 40 + 2 * 72 <= height, (name, width, grid["top"])
                _status_cells_in_view(page, grid, width, icons)
            if name == "meeting":  # the headline changes open the page, even on a phone
                headline = page.get_by_role("heading", name=HEADLINE[lang]).first
                assert headline.bounding_box()["y"] < height * 0.9, (
                    "the headline changes are below the first screen"
                )
            if name == "overview":
                counts = page.get_by_text("✖ ", exact=False).first
                assert counts.bounding_box()["y"] < height, "the counts are not in the first screen"
        finally:
            ctx.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_reporting_starts_at_the_period_shown(browser, server: str, size: str) -> None:  # noqa: F811
    width, height = SIZES[size]
    ctx, page, _ = _open(
        browser, _url(server, "reporting", "vi", "&period=2026-09&gran=month"), width=width, height=height
    )
    try:
        text = _settle(page)
        assert "hạn: hết ngày 10 tháng sau" in text
        header = _grid(page)["rows"][0]
        assert header[:2] == ["Đơn vị", "09/2026"], header  # the period's column is the first after the unit
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("name", "lang", "extra"),
    [
        ("department", "vi", "&dept=vp_ubnd"),
        ("department", "en", "&dept=so_khcn"),  # the LGSP indicator: the demo's longest name
        ("commune", "vi", ""),
        ("commune", "en", ""),
    ],
)
def test_a_rows_whole_reason_and_name_open_on_click(
    browser,  # noqa: F811 - the fixture imported above
    server: str,
    name: str,
    lang: str,
    extra: str,
) -> None:
    for width, height in SIZES.values():
        ctx, page, _ = _open(browser, _url(server, name, lang, extra), width=width, height=height)
        try:
            _settle(page)
            grid = _grid(page)
            header = grid["rows"][0]
            # click the second row's selection box (left edge of the grid)
            page.mouse.click(grid["left"] + 16, grid["top"] + 36 + 72 + 36)
            detail = page.locator(".st-key-row_detail")
            detail.wait_for(timeout=60000)
            _settle(page)
            shown = detail.inner_text()
            assert f"{REASON[lang]}:" in shown and not shown.rstrip().endswith("…")
            box = detail.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            assert box["y"] < height, "the picked row opens out of sight (below the table)"
            # the whole name, as the grid holds it (its cell may cut it on screen), is in the panel
            assert grid["rows"][2][0] and grid["rows"][2][0] in shown, (grid["rows"][2], shown)
            if REASON[lang] in header:  # the reason column is in view: the panel holds all of it
                reason = grid["rows"][2][header.index(REASON[lang])]
                assert reason and reason in shown, (reason, shown)
            page.screenshot(path=str(SHOTS / f"{name}-detail-{lang}-{width}.png"))
        finally:
            ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_signed_in_departments_upload_page_fits(browser, server: str, lang: str) -> None:  # noqa: F811
    user_label, password_label, submit = SIGN_IN[lang]
    for size, (width, height) in SIZES.items():
        ctx, page, guard = _open(browser, _url(server, "upload", lang), width=width, height=height)
        try:
            _settle(page)
            page.get_by_label(user_label, exact=True).fill("glance.gd")
            page.get_by_label(password_label, exact=True).fill(PASSWORD)
            page.get_by_role("button", name=submit, exact=True).click()
            # signed in, the page shows the department's file drop (the sidebar with the name is folded on a phone)
            page.locator('[data-testid="stFileUploader"]').first.wait_for(timeout=120_000)
            text = _settle(page)
            _assert_clean(text, page)
            assert user_label not in text  # the sign-in form is gone
            uploader = page.locator('[data-testid="stFileUploader"]').first.bounding_box()
            assert uploader["x"] >= 0 and uploader["x"] + uploader["width"] <= width
            time.sleep(1)
            page.screenshot(path=str(SHOTS / f"upload-signed-in-{lang}-{width}.png"))
            assert _overflow(page) <= 1, f"the signed-in upload page ({lang}, {size}) overflows sideways"
            assert not guard.requests
        finally:
            ctx.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_map_toolbar_leaves_the_picker_free(browser, server: str, size: str) -> None:  # noqa: F811
    width, height = SIZES[size]
    ctx, page, guard = _open(browser, _url(server, "map", "en"), width=width, height=height)
    try:
        _settle(page)
        deck = page.locator('[data-testid="stDeckGlJsonChart"]').first
        deck.wait_for(timeout=30000)
        deck.hover()
        time.sleep(1)
        picker = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.bounding_box()
        deck_box = deck.bounding_box()
        assert deck_box["x"] >= 0 and deck_box["x"] + deck_box["width"] <= width
        for button in page.locator('[data-testid="stElementToolbarButton"]').all():
            b = button.bounding_box()
            if not b:
                continue
            overlaps = not (
                b["x"] + b["width"] <= picker["x"]
                or picker["x"] + picker["width"] <= b["x"]
                or b["y"] + b["height"] <= picker["y"]
                or picker["y"] + picker["height"] <= b["y"]
            )
            assert not overlaps, ("a toolbar button covers the picker", b, picker)
        page.screenshot(path=str(SHOTS / f"map-hover-{width}.png"))
        assert not guard.requests
    finally:
        ctx.close()
