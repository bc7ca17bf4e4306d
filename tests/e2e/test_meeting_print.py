"""The Meeting page in headless Chromium: printed to PDF it is a clean A4 landscape document (no sidebar, no
widgets, the at-risk list's text present, a sensible number of pages, the status colours kept — checked with
poppler's pdfinfo, pdftotext and pdftoppm), and on a phone (390 px) the headline changes and the at-risk list come first without sideways
overflow. Screenshots go to `screenshots/meeting/` (git-ignored). IOC_E2E_DATA_DIR reuses a seeded data folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
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

from ioc.labels import STATUS

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots" / "meeting"
PERIOD = "2026-10"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(seeded_copy) -> Iterator[str]:
    """A server on the whole demo history (a copy of it: the tests lock a period)."""
    proc, url = _start_server(seeded_copy("meeting-data"))
    yield url
    _stop_server(proc)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("IOC_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{tool} (poppler-utils) is needed to check the printed PDF")
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    return path


def _ready(page, heading: str) -> str:
    """The page once its sections are drawn (the meeting is built after the title is shown)."""
    _settle(page)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=180_000)
    return _settle(page)


def _at_risk_names(page) -> list[str]:
    """The indicator names of the at-risk cards, read from the page before printing."""
    return page.evaluate(
        """() => {
          const heads = [...document.querySelectorAll('h2, h3')];
          const start = heads.find(h => /Có nguy cơ|At risk/.test(h.textContent));
          const end = heads.find(h => /Việc cần làm đang mở|Open action items/.test(h.textContent));
          if (!start || !end) return [];
          const after = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
          return [...document.querySelectorAll('[data-testid="stMarkdownContainer"] strong')]
            .filter(s => after(start, s) && after(s, end))
            .map(s => s.textContent);
        }"""
    )


def _pixels_near(png: Path, colour: str, distance: int = 40) -> int:
    """How many pixels of `png` lie within `distance` (RGB) of the hex `colour`."""
    from PIL import Image

    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(png) as img:
        data = img.convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for p in pixels if sum((a - b) ** 2 for a, b in zip(p, want, strict=True)) <= distance**2)


def test_the_meeting_page_prints_to_a_clean_a4_landscape_pdf(browser, server: str, tmp_path: Path) -> None:  # noqa: F811
    pdfinfo, pdftotext = _poppler("pdfinfo"), _poppler("pdftotext")
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, page, guard = _open(browser, f"{server}/meeting?lang=vi&period={PERIOD}", width=1600, height=1000)
    try:
        text = _ready(page, "Đúng, đủ, sạch, sống")
        _assert_clean(text, page)
        assert "Có nguy cơ không đạt" in text
        time.sleep(1)
        page.screenshot(path=str(SHOTS / "meeting-vi-1600.png"))
        names = [n for n in _at_risk_names(page) if n and not n.startswith(("✖", "▲", "✔", "◷", "○", "◇"))]
        assert names, "no at-risk card on the page"
        pdf = SHOTS / "meeting-vi.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        assert not guard.requests
    finally:
        ctx.close()
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    width, height = float(size.group(1)), float(size.group(2))
    assert abs(width - 841.89) < 2 and abs(height - 595.28) < 2, f"not A4 landscape: {width} x {height}"
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 40, f"{pages} pages"
    printed = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(printed.split())
    assert "Có nguy cơ không đạt" in flat and "Đúng, đủ, sạch, sống" in flat
    for name in names[:5]:  # the at-risk list's text is in the document
        assert " ".join(name.split())[:40] in flat, name
    assert "cần +" in flat and "đang" in flat
    # no sidebar, no widgets: the language picker, the download button and the admin caption are not printed
    for absent in ("Ngôn ngữ / Language", "Tải bộ tài liệu họp", "Loại kỳ", "Chỉ xem: quản trị viên"):
        assert absent not in flat, absent
    # colours kept: page 1, rasterised small, shows the cards' status edges in the STATUS colours
    prefix = tmp_path / "page"
    subprocess.run(
        [_poppler("pdftoppm"), "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    found = {s: _pixels_near(png, STATUS[s].colour) for s in ("red", "amber", "green")}
    assert max(found.values()) >= 15, f"no status colour on the printed first page: {found}"


def test_on_a_phone_the_headline_changes_and_at_risk_come_first(browser, server: str) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang, first, second, later in (
        ("vi", "Thay đổi chính", "Có nguy cơ không đạt", "Việc cần làm đang mở"),
        ("en", "Headline changes", "At risk", "Open action items"),
    ):
        ctx, page, _ = _open(browser, f"{server}/meeting?lang={lang}&period={PERIOD}", width=390, height=844)
        try:
            text = _ready(page, later)
            _assert_clean(text, page)
            time.sleep(1)
            page.screenshot(path=str(SHOTS / f"meeting-{lang}-390.png"))
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"the meeting page overflows sideways at 390 px ({lang})"
            tops = [
                page.get_by_role("heading", name=h).first.bounding_box()["y"] for h in (first, second, later)
            ]
            assert tops[0] < tops[1] < tops[2], tops
            assert tops[0] < 844, "the headline changes start below the first screen"
        finally:
            ctx.close()
