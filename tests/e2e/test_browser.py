"""End to end in headless Chromium: a real `streamlit run` server on a fresh database, every page, both languages.

Any request to a host other than this machine fails the test (the app must work offline). Screenshots go to
`screenshots/` (git-ignored). With IOC_REQUIRE_BROWSER=1 (CI) a browser that cannot start fails the run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
PAGES = ["overview", "department", "commune", "indicator", "map", "upload", "reporting"]
STATUS_WORDS = {
    "vi": ["Đạt kế hoạch", "Cần chú ý", "Chậm kế hoạch", "Chưa có số liệu", "Số liệu cũ"],
    "en": ["Meeting plan", "At risk", "Behind plan", "No data", "Stale"],
}
pytestmark = pytest.mark.e2e


def _unavailable(reason: str) -> None:
    if os.environ.get("IOC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required but cannot run: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("IOC_DATABASE_URL", None)
    log = open(data_dir / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "ioc_app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: `_stop_server` stops what it started too
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"server did not start; log: {(data_dir / f'server-{port}.log').read_text()[-2000:]}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        _unavailable("Debian chromium is not installed (apt-get install chromium fonts-noto-core)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    except Exception as exc:
        pw.stop()
        _unavailable(f"chromium did not start: {exc}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="module")
def data_dir(seeded_copy) -> Path:
    """The whole demo history (a copy: these tests and a restarted server share it)."""
    return seeded_copy("browser-data")


@pytest.fixture(scope="module")
def server(data_dir: Path, browser) -> Iterator[str]:
    proc, url = _start_server(data_dir)
    yield url
    _stop_server(proc)


def _stop_server(proc: subprocess.Popen) -> None:
    """Stop the server and whatever it started (a first start's background fill of the demo history)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


class OffMachine:
    """Records (and blocks) every request to a host other than this machine."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def __call__(self, route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost", "::1"}:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()


def _open(browser, url: str, *, width: int = 1600, height: int = 1000):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    guard = OffMachine()
    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return ctx, page, guard


def _busy(page) -> bool:
    busy = '[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-testid="stSkeleton"], [data-stale="true"]'
    return page.locator(busy).count() > 0


def _settle(page, timeout: float = 240) -> str:
    """Wait until the page's title is drawn and Streamlit has stopped running, then return the visible text.

    The first request on a fresh database waits for the demo province to be seeded.
    """
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not _busy(page):
            time.sleep(1.5)
            if not _busy(page):
                return page.locator('[data-testid="stApp"]').inner_text()
        time.sleep(0.5)
    raise AssertionError("the page did not finish loading")


def _assert_clean(text: str, page) -> None:
    assert "Traceback" not in text
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Something went wrong" not in text and "Đã xảy ra lỗi" not in text
    assert "Page not found" not in page.locator("body").inner_text()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_shows_statuses_without_errors(browser, server: str, lang: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for path in PAGES:
        # the default page (overview) lives at the root URL
        url = f"{server}/?lang={lang}" if path == "overview" else f"{server}/{path}?lang={lang}"
        ctx, page, guard = _open(browser, url)
        try:
            text = _settle(page)
            _assert_clean(text, page)
            page.screenshot(path=str(SHOTS / f"{path}-{lang}.png"), full_page=True)
            if path not in {"upload", "reporting"}:
                found = [w for w in STATUS_WORDS[lang] if w in text]
                assert found, f"{path} ({lang}) shows no status word"
            assert not guard.requests, f"{path} requested off-machine URLs: {guard.requests[:5]}"
        finally:
            ctx.close()


@pytest.mark.parametrize("lang", ["vi"])
def test_a_first_start_on_an_empty_folder_opens_the_overview(
    browser, tmp_path_factory: pytest.TempPathFactory, lang: str
) -> None:
    """`streamlit run` on an empty data folder: the first visit waits while the demo's opening months load,
    then the overview shows statuses, saying the earlier history is still loading; nothing leaves the machine."""
    from ioc.demo.first_start import progress

    data_dir = tmp_path_factory.mktemp("first-start")
    proc, url = _start_server(data_dir)
    try:
        ctx, page, guard = _open(browser, f"{url}/?lang={lang}")
        try:
            text = _settle(page)
            _assert_clean(text, page)
            assert [w for w in STATUS_WORDS[lang] if w in text], text[:1500]
            assert progress(data_dir) is None or "Lịch sử tỉnh mẫu đang nạp" in text
            assert not guard.requests, guard.requests[:5]
        finally:
            ctx.close()
    finally:
        _stop_server(proc)


def test_overview_numbers_follow_the_language(browser, server: str) -> None:
    ctx, page, _ = _open(browser, f"{server}/?lang=vi")
    try:
        vi_text = _settle(page)
        assert "Tổng quan tiến độ mục tiêu" in vi_text
        assert re.search(r"\d+,\d%", vi_text), "Vietnamese percentages use a decimal comma"
    finally:
        ctx.close()
    ctx, page, _ = _open(browser, f"{server}/?lang=en")
    try:
        en_text = _settle(page)
        assert "Progress against plan targets" in en_text
        assert re.search(r"\d+\.\d%", en_text), "English percentages use a decimal point"
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_current_quarter_and_year_are_judged_as_of_their_latest_due_month(
    browser, server: str, lang: str
) -> None:
    """A period that has not ended says which month it is judged at ("Quý 4/2026 — đến 10/2026"), on a
    department's page opened by a link that carries the granularity and the period."""
    from ioc.period_labels import format_view
    from ioc.periods import Frequency, judged_month, last_due_month, local_today, period_end, period_of

    today = local_today()
    latest = last_due_month(today)
    for gran, frequency in (("quarter", Frequency.QUARTERLY), ("year", Frequency.YEARLY)):
        period = period_of(period_end(latest), frequency)
        label = format_view(period, judged_month(period, today), lang)
        ctx, page, guard = _open(browser, f"{server}/department?lang={lang}&gran={gran}&period={period}")
        try:
            text = _settle(page)
            _assert_clean(text, page)
            assert label in text, (label, text[:1500])
            assert not guard.requests, guard.requests[:5]
        finally:
            ctx.close()


def test_map_draws_offline(browser, server: str) -> None:
    ctx, page, guard = _open(browser, f"{server}/map?lang=en")
    try:
        _settle(page)
        canvas = page.locator("canvas")
        canvas.first.wait_for(timeout=30000)
        time.sleep(2)
        page.screenshot(path=str(SHOTS / "map-canvas.png"))
        assert canvas.count() >= 1
        assert not guard.requests, f"the map fetched {guard.requests[:5]}"
    finally:
        ctx.close()


def test_phone_width_has_no_horizontal_overflow(browser, server: str) -> None:
    ctx, page, _ = _open(browser, f"{server}/?lang=vi", width=390, height=844)
    try:
        _settle(page)
        page.screenshot(path=str(SHOTS / "overview-phone.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 2
    finally:
        ctx.close()


def test_deep_link_after_restart_goes_through_the_frame(browser, server: str, data_dir: Path) -> None:
    # A second, fresh server on the same (already seeded) data: the very first request is a deep link.
    proc, url = _start_server(data_dir)
    try:
        ctx, page, _ = _open(browser, f"{url}/department?lang=en")
        try:
            text = _settle(page)
            _assert_clean(text, page)
            # the frame ran (its language and period pickers are there) and the linked page opened
            assert "Ngôn ngữ / Language" in text
            assert "Period" in text
            assert "Department indicators" in text
        finally:
            ctx.close()
    finally:
        _stop_server(proc)
