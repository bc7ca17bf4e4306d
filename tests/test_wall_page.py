"""The wall page through Streamlit's AppTest, via the entry file as a link opens it: both languages, the data
source failing and recovering (last good values kept and marked stale), tokens, and no sidebar."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from ioc.issues import Issue, IssueError, Severity

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ["2026-09", "2026-10"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, demo_config) -> Path:
    """A data folder with two demo months, ingested through the real loaders."""
    from ioc.demo import generate
    from ioc.settings import Settings
    from ioc.store import get_engine, migrate

    data_dir = tmp_path_factory.mktemp("wall-data")
    engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
    migrate(engine)
    generate(demo_config, data_dir, engine=engine, months=MONTHS)
    engine.dispose()
    old = {k: os.environ.get(k) for k in ("IOC_DATA_DIR", "IOC_DATABASE_URL")}
    os.environ["IOC_DATA_DIR"] = str(data_dir)
    os.environ.pop("IOC_DATABASE_URL", None)
    _clear()
    yield data_dir
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _clear()


def _clear() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _wall(**params: str) -> AppTest:
    """Open `/wall?…` as the entry forwards a deep link (`_to=wall`)."""
    at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=120)
    at.query_params["_to"] = "wall"
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def _screen(at: AppTest) -> str:
    """The wall's own markup (not its style sheet)."""
    return "\n".join(str(h.proto.body) for h in at.get("html") if "<style>" not in str(h.proto.body)[:10])


@pytest.mark.parametrize(
    ("lang", "title", "words", "stamp"),
    [
        ("vi", "Xã, phường nhiều chỉ tiêu chậm nhất", "✖ Chậm kế hoạch", "Số liệu đến 10/2026 · cập nhật "),
        ("en", "Communes with the most red", "✖ Behind plan", "Data as of 10/2026 · updated "),
    ],
)
def test_wall_in_both_languages_without_sidebar(
    seeded: Path, lang: str, title: str, words: str, stamp: str
) -> None:
    at = _wall(lang=lang, playlist="communes")
    screen = _screen(at)
    assert f'<h1 class="wall-headline">{title}</h1>' in screen
    assert words in screen and stamp in screen
    assert "wall-stale" not in screen
    assert len(at.sidebar.children) == 0  # no pickers, no menu
    assert not at.error and "Traceback" not in screen
    other = "Behind plan" if lang == "vi" else "Chậm kế hoạch"
    assert other not in screen
    assert at.query_params.get("lang") == lang  # the URL still defines the wall


def test_every_slide_of_the_playlist_is_drawn(seeded: Path, monkeypatch) -> None:
    import json

    import ioc.ui_wall as ui_wall

    seen = set()
    maps = 0
    for clock in range(0, 30 * 14, 30):  # one run per slot of 30 s: round the playlist
        monkeypatch.setattr(ui_wall, "_epoch", lambda c=clock: 1_800_000_000.0 + c)
        at = _wall(lang="vi")
        html = _screen(at)
        seen |= {part.split('"', 1)[0] for part in html.split('data-slide="')[1:]}
        for deck in at.get("deck_gl_json_chart"):
            spec = json.loads(deck.proto.json)
            assert spec.get("mapProvider") in (None, "") and "carto" not in deck.proto.json  # never tiles
            maps += 1
    assert maps >= 1
    assert {"overview", "departments:1", "communes", "map:composite"} <= seen
    assert any(k.startswith("pillar:gov:") for k in seen)


def test_data_source_failing_keeps_the_last_values_marked_stale_then_recovers(
    seeded: Path, monkeypatch
) -> None:
    import ioc.ui_cache as ui_cache

    for lang, banner in (
        ("vi", "Số liệu chưa cập nhật được từ"),
        ("en", "Data could not be refreshed since"),
    ):
        at = _wall(lang=lang, playlist="communes")
        good = _screen(at)
        assert "wall-stale" not in good
        rows_before = good.count("wall-item unit")
        assert rows_before > 0

        def down() -> int:
            raise OperationalError("SELECT max(id) FROM audit", {}, Exception("database is locked"))

        monkeypatch.setattr(ui_cache, "revision", down)
        at.run()
        assert not at.exception
        stale = _screen(at)
        assert banner in stale and 'role="status"' in stale
        assert stale.count("wall-item unit") == rows_before  # the last good values stay on screen
        assert "Traceback" not in stale and not at.error

        monkeypatch.undo()
        at.run()
        recovered = _screen(at)
        assert "wall-stale" not in recovered and recovered.count("wall-item unit") == rows_before


def test_a_broken_targets_yaml_marks_the_wall_stale(seeded: Path, monkeypatch) -> None:
    import ioc.ui_cache as ui_cache

    at = _wall(lang="vi", playlist="overview")
    assert "Tổng quan toàn tỉnh" in _screen(at)
    issue = Issue(code="yaml-syntax", message="error", message_vi="lỗi", severity=Severity.ERROR)

    def broken():  # type: ignore[no-untyped-def]
        raise IssueError([issue])

    monkeypatch.setattr(ui_cache, "config", broken)
    at.run()
    screen = _screen(at)
    assert "Tổng quan toàn tỉnh" in screen and "wall-stale" in screen
    assert not at.error and not at.exception


def test_first_open_while_the_data_source_is_down_waits_readably(seeded: Path, monkeypatch) -> None:
    import ioc.ui_cache as ui_cache

    _clear()  # a freshly started server: no last good values anywhere

    def down() -> int:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(ui_cache, "revision", down)
    at = _wall(lang="vi")
    screen = _screen(at)
    assert "Đang chờ số liệu…" in screen and "wall-notice" in screen
    assert not at.error and "Traceback" not in screen
    monkeypatch.undo()
    at.run()
    assert "wall-headline" in _screen(at) and "Đang chờ số liệu" not in _screen(at)


def test_the_server_keeps_last_good_values_for_at_most_sixteen_wall_urls(seeded: Path) -> None:
    import ioc.ui_wall as ui_wall

    _clear()
    urls = [f"made-up-{n}" for n in range(ui_wall.LAST_GOOD_URLS + 2)]
    for name in urls:  # every distinct URL is a new entry: a different map= each time
        assert "wall-tile" in _screen(_wall(lang="vi", playlist="overview", map=name))
    kept = ui_wall._last_good()
    assert len(kept) == ui_wall.LAST_GOOD_URLS
    maps = [key[2] for key in kept.urls()]
    assert maps == urls[2:]  # the two oldest URLs were dropped, the latest kept in order


@pytest.mark.parametrize("zone", ["America/Sao_Paulo", "Asia/Ho_Chi_Minh"])
def test_the_clock_follows_the_time_zone_setting(seeded: Path, monkeypatch, zone: str) -> None:
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo

    import ioc.ui_cache as ui_cache

    monkeypatch.setenv("IOC_TIMEZONE", zone)
    ui_cache.settings.clear()  # settings are read once per process
    try:
        before = dt.datetime.now(ZoneInfo(zone))
        screen = _screen(_wall(lang="en", playlist="overview"))
        after = dt.datetime.now(ZoneInfo(zone))
    finally:
        monkeypatch.undo()
        ui_cache.settings.clear()
    shown = {f"{before:%H:%M}", f"{after:%H:%M}"}  # the run may straddle a minute
    assert re.search(r'<div class="wall-time">(\d\d:\d\d)</div>', screen).group(1) in shown
    assert re.search(r"updated (\d\d:\d\d)<", screen).group(1) in shown


def test_night_hours_from_targets_yaml_dim_the_wall_unless_the_url_says_otherwise(
    seeded: Path, tmp_path: Path, monkeypatch
) -> None:
    import datetime as dt
    import shutil
    from zoneinfo import ZoneInfo

    import ioc.ui_cache as ui_cache

    now = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    around, later = now - dt.timedelta(hours=2), now + dt.timedelta(hours=2)
    assert "brightness" not in _screen(_wall(lang="vi", playlist="overview"))  # no night anywhere

    shutil.copytree(ROOT / "province", tmp_path / "province")
    text = (ROOT / "targets.yaml").read_text(encoding="utf-8")
    block = f'\nwall:\n  night: {{from: "{around:%H:%M}", to: "{later:%H:%M}"}}\n'
    (tmp_path / "targets.yaml").write_text(text + block, encoding="utf-8")
    monkeypatch.setenv("IOC_TARGETS", str(tmp_path / "targets.yaml"))
    ui_cache.settings.clear()
    try:
        night = _screen(_wall(lang="vi", playlist="overview"))
        assert "Tổng quan toàn tỉnh" in night and "brightness" in night  # targets.yaml's night: dimmed
        # the URL's night hours win: a night that is not now leaves the wall bright
        url_night = f"{now + dt.timedelta(hours=5):%H}-{now + dt.timedelta(hours=7):%H}"
        day = _screen(_wall(lang="vi", playlist="overview", night=url_night))
        assert "Tổng quan toàn tỉnh" in day and "brightness" not in day
    finally:
        monkeypatch.undo()
        ui_cache.settings.clear()


def test_tokens_valid_revoked_and_unknown(seeded: Path) -> None:
    from ioc.store import get_engine
    from ioc.wall_tokens import create_token, revoke_token

    engine = get_engine(f"sqlite:///{seeded / 'ioc.sqlite3'}")
    token, secret = create_token(engine, "TV phòng điều hành", "test")
    at = _wall(lang="vi", playlist="overview", token=secret)
    assert "Tổng quan toàn tỉnh" in _screen(at)

    revoke_token(engine, token.id, "test")
    at.run()  # the next check sees the revocation
    screen = _screen(at)
    assert "Liên kết màn hình đã bị thu hồi" in screen and "Tổng quan toàn tỉnh" not in screen
    assert not at.text_input and not at.button  # a sentence, never a form

    at = _wall(lang="en", token="not-a-token")
    assert "This wall link is not valid" in _screen(at)
    engine.dispose()


def test_the_other_pages_keep_their_sidebar(seeded: Path) -> None:
    at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=120)
    at.query_params["_to"] = "overview"
    at.run()
    assert not at.exception
    assert len(at.sidebar.children) > 0 and "wall-headline" not in _html(at)


@pytest.fixture()
def sign_in_required(monkeypatch) -> Iterator[None]:
    """The deployment requires sign-in to view (`IOC_ANONYMOUS_VIEW=false`; settings are read once per
    process, so the cached copy is dropped on the way in and out)."""
    import ioc.ui_cache as ui_cache

    monkeypatch.setenv("IOC_ANONYMOUS_VIEW", "false")
    ui_cache.settings.clear()
    yield
    monkeypatch.undo()
    ui_cache.settings.clear()


@pytest.mark.parametrize(
    ("lang", "title", "command"),
    [
        ("vi", "Màn hình này cần liên kết có mã", "Quản trị viên tạo liên kết bằng lệnh: python -m ioc"),
        ("en", "This wall needs a link with a token", "An administrator creates one with: python -m ioc"),
    ],
)
def test_without_anonymous_viewing_a_wall_needs_a_token(
    seeded: Path, request: pytest.FixtureRequest, lang: str, title: str, command: str
) -> None:
    from html import unescape

    # the same URL while viewing is open shows data, and leaves it in the process's last good values …
    assert "wall-tile" in _screen(_wall(lang=lang, playlist="overview"))
    # … which must not leak once viewing requires sign-in
    request.getfixturevalue("sign_in_required")
    at = _wall(lang=lang, playlist="overview")
    screen = unescape(_screen(at))
    assert title in screen and "wall-notice" in screen
    assert f'{command} wall-token create --name "TV phòng điều hành"' in screen
    assert "wall-item" not in screen and "data-slide" not in screen and "wall-tile" not in screen
    assert not at.text_input and not at.button and not at.get("form")  # a sentence, never a form
    assert len(at.sidebar.children) == 0


def test_without_anonymous_viewing_a_valid_token_shows_the_wall(seeded: Path, sign_in_required: None) -> None:
    from ioc.store import get_engine
    from ioc.wall_tokens import create_token, revoke_token

    engine = get_engine(f"sqlite:///{seeded / 'ioc.sqlite3'}")
    token, secret = create_token(engine, "TV hội trường", "test")
    at = _wall(lang="vi", playlist="overview", token=secret)
    screen = _screen(at)
    assert "Tổng quan toàn tỉnh" in screen and "wall-tile" in screen
    assert "cần liên kết có mã" not in screen and not at.text_input

    revoke_token(engine, token.id, "test")
    at.run()
    screen = _screen(at)
    assert "Liên kết màn hình đã bị thu hồi" in screen and "wall-tile" not in screen
    engine.dispose()
