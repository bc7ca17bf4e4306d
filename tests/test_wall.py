"""The wall display's core: its URL, the clock-driven playlist, the night schedule, access by token, which
slides and items it shows (red first, at most a page each), its markup (escaped), and the wall-token store
and command line."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from sqlalchemy import select

from ioc import store
from ioc.labels import STATUS, STATUS_ORDER
from ioc.wall import (
    DEFAULT_EVERY,
    MAX_ROWS,
    PAGE_SIZE,
    SLIDE_KINDS,
    Access,
    Item,
    LastGood,
    NightSchedule,
    Slide,
    Wall,
    WallParams,
    access,
    build_wall,
    check_due,
    counts_text,
    parse_params,
    slide_at,
)
from ioc.wall_html import body, footer, header, notice, wall_css
from ioc.wall_tokens import (
    TokenError,
    TokenState,
    check_token,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
)

# ------------------------------------------------------------------------------------------------ URL


def test_defaults_when_the_url_says_nothing() -> None:
    p = parse_params({})
    assert p.playlist == SLIDE_KINDS
    assert (p.every, p.refresh, p.lang, p.token, p.night, p.map_indicator) == (30, 60, None, None, None, None)


def test_url_parameters_define_the_wall() -> None:
    p = parse_params(
        {
            "playlist": "map, departments,overview,nonsense,map",
            "every": "45",
            "refresh": "120",
            "lang": "en",
            "token": " abc ",
            "night": "22-6",
            "map": "dossier_online_rate",
        }
    )
    assert p.playlist == ("map", "departments", "overview")  # order kept, unknown and repeated dropped
    assert (p.every, p.refresh, p.lang, p.token) == (45, 120, "en", "abc")
    assert p.night == NightSchedule(dt.time(22), dt.time(6))
    assert p.map_indicator == "dossier_online_rate"
    # and the parameters written back give the same wall
    assert parse_params(p.query()) == p


@pytest.mark.parametrize(
    ("query", "every", "refresh"),
    [
        ({"every": "abc", "refresh": ""}, 30, 60),  # not numbers: defaults
        ({"every": "1", "refresh": "0"}, 5, 5),  # too fast: clamped
        ({"every": "99999", "refresh": "9999999"}, 3600, 86400),
        ({"every": "nan"}, 30, 60),
        ({"every": "12.7"}, 12, 60),
    ],
)
def test_bad_numbers_never_break_the_wall(query: dict, every: int, refresh: int) -> None:
    p = parse_params(query)
    assert (p.every, p.refresh) == (every, refresh)


def test_unknown_language_and_empty_playlist_fall_back() -> None:
    p = parse_params({"lang": "fr", "playlist": "x,y"})
    assert p.lang is None and p.playlist == SLIDE_KINDS


# --------------------------------------------------------------------------------------- time and night


def test_the_slide_on_screen_follows_the_clock_round_the_playlist() -> None:
    assert [slide_at(t, 4, 30) for t in (0, 29.9, 30, 89, 90, 120, 150)] == [0, 0, 1, 2, 3, 0, 1]
    assert slide_at(1_000_000, 0, 30) == 0  # no slide: no crash
    # a reload, a reconnect or a second TV at the same moment shows the same slide
    now = 1_764_600_000.0
    assert slide_at(now, 7, 30) == slide_at(now, 7, 30)


def test_a_redraw_tick_is_short_enough_for_the_slide_to_change_on_time() -> None:
    for every in (5, 8, 30, 600):
        tick = WallParams(every=every).tick()
        assert 1 <= tick <= 5 and tick <= every / 2


def test_check_due() -> None:
    assert check_due(None, 100.0, 60)
    assert not check_due(100.0, 159.0, 60)
    assert check_due(100.0, 160.0, 60)


@pytest.mark.parametrize(
    ("text", "at", "night"),
    [
        ("22-6", dt.time(23, 0), True),
        ("22-6", dt.time(2, 0), True),
        ("22-6", dt.time(6, 0), False),
        ("22-6", dt.time(12, 0), False),
        ("22-6", dt.time(22, 0), True),
        ("1:30-5:15", dt.time(1, 29), False),
        ("1:30-5:15", dt.time(1, 30), True),
        ("1:30-5:15", dt.time(5, 15), False),
    ],
)
def test_night_schedule_crosses_midnight(text: str, at: dt.time, night: bool) -> None:
    schedule = NightSchedule.parse(text)
    assert schedule is not None and schedule.active(at) is night


@pytest.mark.parametrize("text", [None, "", "22", "25-6", "22-6-7", "a-b", "6-6", "22:61-6"])
def test_a_bad_night_schedule_is_ignored(text: str | None) -> None:
    assert NightSchedule.parse(text) is None


def test_checks_are_slower_at_night() -> None:
    p = parse_params({"refresh": "60", "night": "22-6", "night_refresh": "900"})
    assert p.refresh_at(dt.datetime(2026, 12, 1, 23, 0)) == 900
    assert p.refresh_at(dt.datetime(2026, 12, 1, 12, 0)) == 60
    assert p.is_night(dt.datetime(2026, 12, 1, 3, 0)) and not p.is_night(dt.datetime(2026, 12, 1, 9, 0))


def _night_config(tmp_path, block: str):  # type: ignore[no-untyped-def]
    """The minimal test province with `block` appended to its targets.yaml; (config or None, issues, line of
    the block's first line)."""
    from test_config_loader import MINIMAL, write_config

    from ioc.config_loader import check_config

    path = write_config(tmp_path, MINIMAL + block)
    config, issues = check_config(path)
    return config, [i for i in issues if i.is_error], MINIMAL.count("\n") + 1


def test_night_hours_from_targets_yaml_and_the_url_wins(tmp_path) -> None:
    config, errors, _ = _night_config(tmp_path, 'wall:\n  night: {from: "22:00", to: "6:30"}\n')
    assert errors == [] and config is not None
    default = NightSchedule.from_config(config.targets.wall.night)
    assert default == NightSchedule(dt.time(22), dt.time(6, 30))
    # no night in the URL: targets.yaml's hours (dimmed, slower checks at night)
    p = parse_params({"refresh": "60"}).with_night(default)
    assert p.is_night(dt.datetime(2026, 12, 1, 23, 0)) and p.refresh_at(dt.datetime(2026, 12, 1, 5, 0)) == 600
    assert (
        not p.is_night(dt.datetime(2026, 12, 1, 6, 30)) and p.refresh_at(dt.datetime(2026, 12, 1, 12)) == 60
    )
    # a night in the URL wins over targets.yaml's
    url = parse_params({"night": "1-4"}).with_night(default)
    assert url.night == NightSchedule(dt.time(1), dt.time(4))
    assert not url.is_night(dt.datetime(2026, 12, 1, 23, 0)) and url.is_night(dt.datetime(2026, 12, 1, 2, 0))
    # and a file without a wall block leaves the wall as its URL says
    plain, errors, _ = _night_config(tmp_path, "")
    assert errors == [] and plain.targets.wall.night is None
    assert parse_params({}).with_night(NightSchedule.from_config(plain.targets.wall.night)).night is None


@pytest.mark.parametrize(
    ("block", "line", "field", "words"),
    [
        # unquoted, YAML reads 22:00 as the number 1320
        (
            "wall:\n  night:\n    from: 22:00\n    to: '06:00'\n",
            3,
            "wall.night.from",
            'write the time in quotes, e.g. "22:00"',
        ),
        (
            "wall:\n  night:\n    from: '22:00'\n    to: '25:00'\n",
            4,
            "wall.night.to",
            'a time of day like "22:00"',
        ),
        ("wall:\n  night:\n    from: '6'\n    to: '06:00'\n", 2, "wall.night", "the same time"),
        ("wall:\n  nigth: {from: '22:00', to: '06:00'}\n", 2, "wall.nigth", "Did you mean 'night'?"),
        (
            "wall:\n  night: {from: '22:00', until: '06:00'}\n",
            2,
            "wall.night.to",
            "required field 'to' is missing",
        ),
    ],
)
def test_a_wrong_night_block_is_an_error_with_its_line(
    tmp_path, block: str, line: int, field: str, words: str
) -> None:
    config, errors, first = _night_config(tmp_path, block)
    assert config is None and errors, "a wrong wall block must stop the load"
    match = [i for i in errors if i.field == field]
    assert match, [(i.field, i.message) for i in errors]
    assert match[0].line == first + line - 1 and words in match[0].message


# ------------------------------------------------------------------------------------------------ access


def test_access_never_asks_for_a_form() -> None:
    assert access(TokenState.VALID, open_viewing=True) == Access.SHOW
    assert access(TokenState.MISSING, open_viewing=True) == Access.SHOW  # IOC_ANONYMOUS_VIEW=true
    assert access(TokenState.REVOKED, open_viewing=True) == Access.REVOKED
    assert access(TokenState.UNKNOWN, open_viewing=True) == Access.INVALID
    # once viewing requires sign-in, a valid token still shows the wall and no token gets a notice
    assert access(TokenState.VALID, open_viewing=False) == Access.SHOW
    assert access(TokenState.MISSING, open_viewing=False) == Access.LINK_NEEDED
    assert access(TokenState.REVOKED, open_viewing=False) == Access.REVOKED


def test_last_good_values_are_kept_for_a_bounded_number_of_urls() -> None:
    kept: LastGood[str] = LastGood(16)
    for n in range(16):
        kept.put(("vi", n), f"wall {n}")
    assert kept.get(("vi", 0)) == "wall 0"  # read: now the most recently used
    for n in range(16, 1000):  # made-up URLs, one after another
        kept.put(("vi", n), f"wall {n}")
        assert len(kept) <= 16
    assert len(kept) == 16 and kept.get(("vi", 999)) == "wall 999" and kept.get(("vi", 1)) is None
    kept.put(("vi", 999), "newer")  # the same URL again replaces its entry, it does not add one
    assert len(kept) == 16 and kept.get(("vi", 999)) == "newer"


# ------------------------------------------------------------------------------------------------ tokens


@pytest.fixture()
def engine(tmp_path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


def test_a_token_is_stored_as_a_hash_only(engine) -> None:
    token, secret = create_token(engine, "TV phòng điều hành", "admin")
    assert len(secret) >= 32 and token.name == "TV phòng điều hành" and token.prefix == secret[:6]
    with engine.connect() as conn:
        rows = conn.execute(select(store.wall_tokens)).mappings().all()
    stored = " ".join(str(v) for v in rows[0].values())
    assert secret not in stored
    assert rows[0]["token_sha256"] == hash_token(secret) and len(rows[0]["token_sha256"]) == 64


def test_check_revoke_and_list(engine) -> None:
    first, secret = create_token(engine, "TV 1", "admin")
    second, other = create_token(engine, "TV 2", "admin")
    assert secret != other
    assert check_token(engine, secret) == TokenState.VALID
    assert check_token(engine, f"  {secret}  ") == TokenState.VALID  # pasted with spaces
    assert check_token(engine, secret[:-1] + ("A" if secret[-1] != "A" else "B")) == TokenState.UNKNOWN
    assert check_token(engine, None) == TokenState.MISSING
    assert check_token(engine, "") == TokenState.MISSING

    revoked = revoke_token(engine, first.id, "admin2")
    assert revoked.revoked and revoked.revoked_by == "admin2"
    assert check_token(engine, secret) == TokenState.REVOKED
    assert check_token(engine, other) == TokenState.VALID  # the other TV keeps working
    again = revoke_token(engine, first.id, "someone else")  # revoking twice changes nothing
    assert again.revoked_at == revoked.revoked_at and again.revoked_by == "admin2"
    assert [(t.id, t.revoked) for t in list_tokens(engine)] == [(first.id, True), (second.id, False)]


def test_token_errors(engine) -> None:
    with pytest.raises(TokenError, match="name"):
        create_token(engine, "   ", "admin")
    with pytest.raises(TokenError, match="no wall token with id 42"):
        revoke_token(engine, 42, "admin")


def test_wall_token_command_line(tmp_path, monkeypatch, capsys) -> None:
    from ioc.cli import main

    monkeypatch.setenv("IOC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IOC_DATABASE_URL", raising=False)
    assert main(["wall-token", "create", "--name", "TV phòng điều hành", "--url", "http://ioc:8501"]) == 0
    out = capsys.readouterr().out
    secret = re.search(r"token: (\S+)", out).group(1)
    assert f"http://ioc:8501/wall?token={secret}" in out
    assert main(["wall-token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "TV phòng điều hành" in listing and "active" in listing and secret not in listing
    assert main(["wall-token", "revoke", "1"]) == 0
    capsys.readouterr()
    assert main(["wall-token", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["wall-token", "revoke", "7"]) == 1
    assert "no wall token with id 7" in capsys.readouterr().err
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    assert check_token(eng, secret) == TokenState.REVOKED
    eng.dispose()


# ------------------------------------------------------------------------------------------------ slides


def _scores(demo_config) -> pl.DataFrame:
    """Province, department and commune rows with statuses spread over every colour."""
    statuses = ["red", "amber", "green", "stale", "no_data"]
    rows = []
    for i, ind in enumerate(demo_config.targets.indicators):
        status = statuses[i % len(statuses)]
        rows.append(_row(ind, "province", "00", status, gap=float(i)))
    depts = demo_config.registry.departments["id"].to_list()
    for j, dept in enumerate(depts):
        for k, ind in enumerate(demo_config.targets.indicators[:6]):
            rows.append(_row(ind, "department", dept, "red" if k < j % 4 else "green"))
    communes = demo_config.registry.communes["code"].to_list()
    for j, code in enumerate(communes):
        for k, ind in enumerate(demo_config.targets.indicators[:5]):
            rows.append(_row(ind, "commune", code, "red" if k < j % 5 else "amber" if k == 4 else "green"))
    return pl.DataFrame(rows, infer_schema_length=None)


def _row(ind, level: str, unit: str, status: str, gap: float = 1.0) -> dict:
    value = None if status == "no_data" else 50.0
    return {
        "indicator": ind.id,
        "pillar": ind.pillar,
        "level": level,
        "unit_code": unit,
        "period": "2026-10",
        "value": value,
        "target": 80.0,
        "expected": 60.0,
        "gap": gap,
        "tolerance": 10.0,
        "status": status,
        "reason_vi": f"{'50,0%' if value else '—'} — lý do {ind.id}",
        "reason_en": f"{'50.0%' if value else '—'} — reason {ind.id}",
        "trend": "worsening" if status == "red" else "on_track",
        "months_left": 2.0,
        "pace_needed": 1.0,
        "deadline": dt.date(2026, 12, 31),
        "deadline_passed": False,
        "weight": 1.0,
        "reference_period": "2026-10",
    }


@pytest.fixture(scope="module")
def wall_vi(demo_config) -> Wall:
    return build_wall(_scores(demo_config), demo_config, lang="vi", as_of="2026-10")


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status)


def test_slides_follow_the_playlist_with_one_or_more_per_pillar(wall_vi: Wall, demo_config) -> None:
    kinds = [s.kind for s in wall_vi.slides]
    assert kinds[0] == "overview" and kinds[-2:] == ["communes", "map"]
    pillar_keys = [s.key for s in wall_vi.slides if s.kind == "pillar"]
    for pillar in demo_config.targets.pillars:
        n = sum(1 for i in demo_config.targets.indicators if i.pillar == pillar.id)
        pages = -(-n // PAGE_SIZE["pillar"])
        assert [k for k in pillar_keys if k.startswith(f"pillar:{pillar.id}:")] == [
            f"pillar:{pillar.id}:{i + 1}" for i in range(pages)
        ]
    assert len({s.key for s in wall_vi.slides}) == len(wall_vi.slides)  # every slide has its own key

    only = build_wall(
        _scores(demo_config), demo_config, lang="en", as_of="2026-10", playlist=("map", "overview")
    )
    assert [s.kind for s in only.slides] == ["map", "overview"]
    assert only.slides[1].title == "Province overview"


def test_no_slide_holds_more_than_a_page_and_red_comes_first(wall_vi: Wall) -> None:
    for slide in wall_vi.slides:
        assert len(slide.items) <= 12, slide.key
        ranks = [_rank(i.status) for i in slide.items]
        assert ranks == sorted(ranks), f"{slide.key}: red first, then amber, green, …"
        if slide.kind == "unreported":  # a count of reports, on the "no data" colour: "○ 3/5"
            assert all(re.fullmatch(r"○ \d+/\d+", i.status_text) for i in slide.items)
            continue
        for item in slide.items:
            # every status is drawn with its icon and its word
            assert item.status_text == STATUS[item.status].label("vi"), slide.key


def test_pillar_pages_together_hold_every_indicator_once(wall_vi: Wall, demo_config) -> None:
    shown = [i.name for s in wall_vi.slides if s.kind == "pillar" for i in s.items]
    assert sorted(shown) == sorted(i.name.vi for i in demo_config.targets.indicators)
    first = next(s for s in wall_vi.slides if s.kind == "pillar")
    red_first = first.items[0]
    assert red_first.status == "red" and red_first.trend_text == "↘ Đi xuống"
    assert red_first.value_text == "50,0%" and red_first.target_text == "80,0%"
    assert red_first.detail.startswith("lý do ")  # the reason, without repeating the value


def test_overview_counts_statuses_of_the_headline_rows(wall_vi: Wall, demo_config) -> None:
    overview = wall_vi.slides[0]
    n = len(demo_config.targets.indicators)
    counts = {tile.status: int(tile.value) for tile in overview.tiles if tile.status}
    assert sum(counts.values()) == n
    assert counts["red"] == len(range(0, n, 5))
    assert overview.tiles[-1].label == "Đầy đủ số liệu" and overview.tiles[-1].value.endswith("%")
    assert [i.name for i in overview.items] != [] and overview.items[0].status == "red"


def test_departments_ranked_weakest_first_with_who_has_not_reported(wall_vi: Wall, demo_config) -> None:
    slides = [s for s in wall_vi.slides if s.kind == "departments"]
    n_depts = demo_config.registry.departments.height
    assert sum(len(s.items) for s in slides) == n_depts
    items = [i for s in slides for i in s.items]
    shares = [float(i.value_text.rstrip("%").replace(",", ".")) for i in items]
    assert shares == sorted(shares)  # weakest first
    assert items[0].note.startswith("Hạng ") and f"/{n_depts}" in items[0].note
    assert slides[0].side_title == "Chưa báo cáo đủ kỳ 10/2026"


def test_every_slide_draws_at_most_twelve_rows_and_no_unreported_department_is_cut(
    wall_vi: Wall, demo_config
) -> None:
    from ioc.views import completeness

    for slide in wall_vi.slides:  # every row drawn: items and the side list beside them
        drawn = body(slide).count('class="wall-item ')
        assert drawn == len(slide.items) + len(slide.side) and drawn <= MAX_ROWS, slide.key
    comp = completeness(_scores(demo_config), demo_config).filter(pl.col("reported") < pl.col("expected"))
    behind = comp.sort("share", "owner")["name_vi"].to_list()
    assert len(behind) > PAGE_SIZE["side"]  # the case where they do not all fit beside the ranking
    ranking = [s for s in wall_vi.slides if s.kind == "departments"]
    for slide in ranking:  # the least reported first beside the ranking, then "and N more"
        assert [i.name for i in slide.side[:-1]] == behind[: PAGE_SIZE["side"] - 1]
        assert slide.side[-1].name == f"… và {len(behind) - 3} đơn vị khác (danh sách ở trang riêng)"
    listed = [s for s in wall_vi.slides if s.kind == "unreported"]
    assert [i.name for s in listed for i in s.items] == behind  # all of them, in order, on their own slide
    kinds = [s.kind for s in wall_vi.slides]
    assert kinds.index("unreported") == kinds.index("departments") + len(ranking)  # right after the ranking
    assert listed[0].title == "Chưa báo cáo đủ kỳ 10/2026"
    assert listed[0].subtitle.startswith(f"{len(behind)}/{demo_config.registry.departments.height} sở, ngành")


def test_few_unreported_departments_stand_beside_the_ranking(demo_config) -> None:
    inds = demo_config.targets.indicators
    late = sorted({i.owner for i in inds if i.owner})[:2]
    late_inds = [i.id for i in inds if i.owner in late]
    scores = _scores(
        demo_config
    ).with_columns(  # only the indicators the two late departments owe are missing
        pl.when(pl.col("indicator").is_in(late_inds))
        .then(pl.lit("no_data"))
        .otherwise(pl.lit("green"))
        .alias("status")
    )
    wall = build_wall(scores, demo_config, lang="en", as_of="2026-10")
    names = dict(zip(*demo_config.registry.departments.select("id", "name_en"), strict=True))
    ranking = [s for s in wall.slides if s.kind == "departments"]
    assert ranking and "unreported" not in [s.kind for s in wall.slides]
    for slide in ranking:
        assert sorted(i.name for i in slide.side) == sorted(names[d] for d in late)  # all of them, no "more"


def test_communes_with_the_most_red(wall_vi: Wall) -> None:
    slide = next(s for s in wall_vi.slides if s.kind == "communes")
    reds = [int(i.value_text.split()[-1]) for i in slide.items]
    assert len(slide.items) == PAGE_SIZE["communes"] and reds == sorted(reds, reverse=True) and reds[0] == 4
    assert all(i.status == "red" for i in slide.items)


def test_map_is_coloured_by_the_composite_or_a_named_indicator(wall_vi: Wall, demo_config) -> None:
    assert wall_vi.map_rows is not None and wall_vi.map_rows.height == demo_config.registry.communes.height
    assert wall_vi.slides[-1].key == "map:composite"
    ind = next(i for i in demo_config.targets.indicators if "commune" in [lv.value for lv in i.levels])
    named = build_wall(
        _scores(demo_config), demo_config, lang="en", as_of="2026-10", playlist=("map",), map_indicator=ind.id
    )
    assert named.slides[0].key == f"map:{ind.id}" and named.map_label == ind.name.en
    unknown = build_wall(
        _scores(demo_config), demo_config, lang="en", as_of="2026-10", playlist=("map",), map_indicator="nope"
    )
    assert unknown.slides[0].key == "map:composite"


def test_counts_text_is_red_first_without_zeros() -> None:
    assert counts_text({"green": 3, "red": 2, "amber": 0, "no_data": 1}, "vi") == "✖ 2 · ✔ 3 · ○ 1"


# ------------------------------------------------------------------------------------------------ markup


def _tiny_wall(name: str) -> Wall:
    item = Item("red", STATUS["red"].label("en"), name, "1", "2", f"reason {name}", "↘ Worsening", "Rank 1")
    slides = (
        Slide("communes", "communes", f"Title {name}", items=(item,)),
        Slide("departments", "departments:1", "Departments", items=(item,), side_title="x", side=(item,)),
    )
    return Wall("en", f"Province {name}", "2026-10", "10/2026", True, slides)


def test_every_data_string_is_escaped() -> None:
    evil = '<img src=x onerror="alert(1)">&'
    wall = _tiny_wall(evil)
    now = dt.datetime(2026, 12, 1, 14, 5)
    html = "".join(
        [
            header(wall, wall.slides[0], now=now, updated_at=now, stale_since=None),
            body(wall.slides[0]),
            body(wall.slides[1]),
            footer(wall, 0, every=30, elapsed=3.0),
            notice(evil, evil),
        ]
    )
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in html


def test_header_has_the_clock_the_stamp_and_the_stale_banner_only_when_stale() -> None:
    wall = _tiny_wall("A")
    now, good = dt.datetime(2026, 12, 1, 14, 7), dt.datetime(2026, 12, 1, 14, 5)
    fresh = header(wall, wall.slides[0], now=now, updated_at=good, stale_since=None)
    assert "14:07" in fresh and "Data as of 10/2026 · updated 14:05" in fresh and "wall-stale" not in fresh
    stale = header(
        wall, wall.slides[0], now=now, updated_at=good, stale_since=dt.datetime(2026, 12, 1, 14, 6)
    )
    assert 'class="wall-stale"' in stale and "since 14:06" in stale and "values of 14:05" in stale
    assert "brightness" in header(
        wall, wall.slides[0], now=now, updated_at=good, stale_since=None, night=True
    )


def test_footer_shows_where_the_playlist_is_and_what_comes_next() -> None:
    wall = _tiny_wall("A")
    foot = footer(wall, 0, every=30, elapsed=12.5)
    assert len(re.findall(r'class="wall-dot( on)?"', foot)) == 2 and foot.count("wall-dot on") == 1
    assert "Next: Departments" in foot and "animation-delay:-12.5s" in foot
    for s in STATUS_ORDER:  # the legend: icon and word of every status
        assert STATUS[s].label("en") in foot


def test_sizes_scale_with_the_screen() -> None:
    css = wall_css("vi")
    # 3.4vw is 65 px at 1920 wide and 130 px at 3840; body text 1.5vw is 29 px at 1920
    assert re.search(r"\.wall-headline \{ font-size: 3\.4vw", css)
    assert "font-size: 1.5vw" in css and not re.search(r"font-size:\s*[\d.]+px", css)
    assert "Mất kết nối với máy chủ" in css and "Lost the connection" in wall_css("en")
    assert DEFAULT_EVERY == 30
