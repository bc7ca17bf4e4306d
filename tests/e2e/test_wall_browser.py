"""The wall display in headless Chromium against a real `streamlit run` server: readable at 1920×1080 and
3840×2160, no chrome or scrollbars, rotates by itself, turns stale when the data source fails, and comes back
by itself after the server is killed and started again. Any request off this machine fails the test."""

from __future__ import annotations

import os
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
FLAGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]  # fmt: skip
EVERY = 8  # seconds per slide in these tests
pytestmark = pytest.mark.e2e


def _unavailable(reason: str) -> None:
    if os.environ.get("IOC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required but cannot run: {reason}")
    pytest.skip(reason)


class Server:
    """A `streamlit run` of the app on a fixed port, which can be killed and started again."""

    def __init__(self, data_dir: Path, targets: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "IOC_DATA_DIR": str(data_dir), "IOC_TARGETS": str(targets)}
        self.env.pop("IOC_DATABASE_URL", None)
        self.log = data_dir / "server.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "streamlit", "run", "ioc_app.py", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=20)


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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two demo months in a fresh database, and a copy of targets.yaml that a test may break."""
    from ioc.config import load_config
    from ioc.demo import generate
    from ioc.settings import Settings
    from ioc.store import get_engine, migrate

    data_dir = tmp_path_factory.mktemp("wall-e2e")
    conf_dir = data_dir / "conf"
    conf_dir.mkdir()
    shutil.copy(ROOT / "targets.yaml", conf_dir / "targets.yaml")
    shutil.copytree(ROOT / "province", conf_dir / "province")
    engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
    migrate(engine)
    generate(load_config(conf_dir / "targets.yaml"), data_dir, engine=engine, months=["2026-09", "2026-10"])
    engine.dispose()
    srv = Server(data_dir, conf_dir / "targets.yaml")
    srv.start()
    yield srv
    if srv.proc and srv.proc.poll() is None:
        srv.proc.terminate()
        srv.proc.wait(timeout=20)


class OffMachine:
    """Records (and blocks) every request to a host other than this machine."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def __call__(self, route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost", "::1"}:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()


def _open(browser, url: str, width: int, height: int):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    guard = OffMachine()
    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".wall-headline", timeout=120_000)
    page.wait_for_selector(".wall-legend", timeout=30_000)  # the footer: the whole slide is drawn
    return ctx, page, guard


def _slide(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("[data-slide]").first.get_attribute("data-slide") or ""


def _wait_for(predicate, timeout: float, step: float = 0.25) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until `predicate()` held, or None."""
    start = time.time()
    while time.time() - start < timeout:
        if predicate():
            return time.time() - start
        time.sleep(step)
    return None


@pytest.mark.parametrize(("width", "height", "min_headline"), [(1920, 1080, 64), (3840, 2160, 128)])
def test_wall_is_readable_chromeless_and_rotates_by_itself(
    browser, server: Server, width: int, height: int, min_headline: int
) -> None:
    url = f"{server.url}/wall?playlist=overview,communes,departments&every={EVERY}&lang=vi"
    ctx, page, guard = _open(browser, url, width, height)
    try:
        facts = page.evaluate(
            """() => {
              const px = (sel) => { const e = document.querySelector(sel);
                                    return e ? parseFloat(getComputedStyle(e).fontSize) : 0; };
              const shown = (sel) => [...document.querySelectorAll(sel)].some(e => e.offsetParent !== null);
              const d = document.documentElement, main = document.querySelector('[data-testid="stMain"]');
              const legend = document.querySelector('.wall-legend');
              return {
                headline: px('.wall-headline'), body: px('.wall-stamp'),
                sidebar: shown('[data-testid="stSidebar"]') || shown('[data-testid="stSidebarCollapsedControl"]'),
                toolbar: shown('[data-testid="stToolbar"]') || shown('[data-testid="stHeader"]')
                         || shown('[data-testid="stMainMenu"]') || shown('[data-testid="stAppDeployButton"]'),
                hScroll: d.scrollWidth > d.clientWidth || (main && main.scrollWidth > main.clientWidth),
                vScroll: d.scrollHeight > d.clientHeight || (main && main.scrollHeight > main.clientHeight),
                heights: [d.scrollHeight, d.clientHeight, main && main.scrollHeight, main && main.clientHeight],
                slide: (document.querySelector('[data-slide]') || {}).outerHTML?.slice(0, 80),
                legendBottom: legend ? legend.getBoundingClientRect().bottom : 1e9,
                background: getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor,
                text: document.body.innerText,
              };
            }"""
        )
        assert facts["headline"] >= min_headline, facts["headline"]
        assert facts["body"] >= min_headline * 28 / 64, facts["body"]  # body ≥ 28 px at 1920
        assert not facts["sidebar"] and not facts["toolbar"]
        assert "Deploy" not in facts["text"] and "Traceback" not in facts["text"]
        assert not facts["hScroll"] and not facts["vScroll"], {k: v for k, v in facts.items() if k != "text"}
        assert facts["legendBottom"] <= height  # the whole slide is on the screen, nothing cut below
        assert facts["background"] == "rgb(11, 15, 20)"  # dark
        first = _slide(page)
        took = _wait_for(lambda: _slide(page) != first, timeout=EVERY + 4)
        assert took is not None, f"the slide {first!r} did not change by itself"
        assert took <= EVERY + 3
        if width == 1920:
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / "wall-1920.png"))
        assert not guard.requests, guard.requests[:5]
    finally:
        ctx.close()


def test_stale_when_the_data_source_fails_then_recovers(browser, server: Server) -> None:
    targets = Path(server.env["IOC_TARGETS"])
    good = targets.read_text(encoding="utf-8")
    ctx, page, guard = _open(
        browser, f"{server.url}/wall?playlist=communes&every={EVERY}&refresh=5", 1920, 1080
    )
    try:
        assert page.locator(".wall-stale").count() == 0
        rows = page.locator(".wall-item").count()
        targets.write_text(good + "\nindicators: [\n", encoding="utf-8")  # an administrator's broken edit
        assert _wait_for(lambda: page.locator(".wall-stale").count() > 0, timeout=20) is not None
        banner = page.locator(".wall-stale").inner_text()
        assert "Số liệu chưa cập nhật được từ" in banner
        assert page.locator(".wall-item").count() == rows  # last good values still on screen
        assert "Xã, phường nhiều chỉ tiêu chậm nhất" in page.locator(".wall-headline").inner_text()
        assert "Traceback" not in page.locator("body").inner_text()
        targets.write_text(good, encoding="utf-8")
        assert _wait_for(lambda: page.locator(".wall-stale").count() == 0, timeout=20) is not None
        assert not guard.requests
    finally:
        targets.write_text(good, encoding="utf-8")
        ctx.close()


def test_wall_comes_back_by_itself_after_the_server_is_killed_and_restarted(browser, server: Server) -> None:
    url = f"{server.url}/wall?playlist=overview,communes,departments&every={EVERY}&refresh=5"
    ctx, page, guard = _open(browser, url, 1920, 1080)
    try:
        page.evaluate("window.__no_reload = 42")  # gone if anything reloads the page
        server.kill()
        offline = _wait_for(
            lambda: "Mất kết nối" in page.evaluate("getComputedStyle(document.body, '::after').content"),
            timeout=30,
        )
        assert offline is not None, "no offline banner while the server is down"
        assert page.locator('[data-testid="stDialog"]').first.is_hidden()  # not Streamlit's English box
        time.sleep(3)
        server.start()
        back = _wait_for(
            lambda: (
                page.locator('[data-testid="stDialog"]').count() == 0
                and page.locator(".wall-headline").count()
            ),
            timeout=60,
        )
        assert back is not None, "the wall did not reconnect"
        # live again: the slide keeps changing by itself
        first = _slide(page)
        assert _wait_for(lambda: _slide(page) != first, timeout=EVERY + 4) is not None
        assert page.evaluate("window.__no_reload") == 42  # the test never reloaded it
        assert "Mất kết nối" not in page.evaluate("getComputedStyle(document.body, '::after').content")
        assert not guard.requests
    finally:
        ctx.close()
