"""The demo province: its units files (deterministic, valid, with the designed quirks) and a short history
generated and ingested into a fresh SQLite ledger through the real loaders."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
from collections import Counter
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from ioc import demo
from ioc.demo.dossiers import dossiers_for_month, rates_for
from ioc.demo.plan import plan
from ioc.demo.units import DEFAULT_SEED, units_texts, write_units
from ioc.demo.values import INDEPENDENT_PROVINCE, month_range, simulate, unit_sizes
from ioc.targets import WorkbookSource
from ioc.textnorm import canonical_key

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "province"
FILES = ("departments.csv", "communes.csv", "communes.geojson", "crosswalk.csv")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# ------------------------------------------------------------------------------------------ units files


def test_units_files_are_deterministic_and_match_the_committed_ones(tmp_path: Path) -> None:
    write_units(tmp_path / "a", DEFAULT_SEED)
    write_units(tmp_path / "b", DEFAULT_SEED)
    for name in FILES:
        a, b = tmp_path / "a" / name, tmp_path / "b" / name
        assert _sha(a) == _sha(b), name
        # the files under province/ are exactly what the default seed generates
        assert _sha(a) == _sha(PROVINCE / name), f"province/{name} is stale: run `python -m ioc demo units`"
    other = units_texts(DEFAULT_SEED + 1)
    assert other["communes.csv"] != units_texts(DEFAULT_SEED)["communes.csv"]


def test_departments_are_the_sixteen_fixed_ids() -> None:
    rows = _rows(PROVINCE / "departments.csv")
    assert [r["id"] for r in rows] == [
        "vp_ubnd", "so_khcn", "so_tai_chinh", "so_noi_vu", "so_tu_phap", "so_cong_thuong", "so_nn_mt",
        "so_xay_dung", "so_gd_dt", "so_y_te", "so_vh_tt_dl", "thue_tinh", "cong_an", "bhxh", "ttpvhcc", "nhnn",
    ]  # fmt: skip
    khcn = next(r for r in rows if r["id"] == "so_khcn")
    assert (khcn["name_vi"], khcn["short"]) == ("Sở Khoa học và Công nghệ", "Sở KH&CN")
    assert "Khoa học và Công nghệ" in khcn["aliases"].split("|")


def test_communes_codes_types_and_the_deliberate_tan_hoa_pair() -> None:
    rows = _rows(PROVINCE / "communes.csv")
    assert [r["code"] for r in rows] == [str(c) for c in range(90001, 90101)]
    assert Counter(r["type"] for r in rows) == {"xã": 70, "phường": 27, "đặc khu": 3}
    keys = Counter(canonical_key(r["name"]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == [canonical_key("Tân Hòa")]
    pair = sorted((r["type"], r["name"]) for r in rows if r["name"] == "Tân Hòa")
    assert pair == [("phường", "Tân Hòa"), ("xã", "Tân Hòa")]
    # aliases never collide with another commune's name or alias
    owner: dict[str, str] = {}
    for r in rows:
        for text in [r["name"], *filter(None, r["aliases"].split("|"))]:
            key = canonical_key(text)
            assert owner.setdefault(key, r["code"]) == r["code"] or r["name"] == "Tân Hòa", text
    assert any("oà" in a for r in rows for a in r["aliases"].split("|")), "an old-style tone alias"
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        assert 19.1 < lat < 20.3 and 105.1 < lon < 106.3, r


def test_registry_loads_the_files_and_resolves_the_pair(demo_config) -> None:
    reg = demo_config.registry
    assert not [i for i in reg.issues if i.is_error]
    both = reg.resolve("Tân Hòa")
    assert both.code is None and len(both.candidates) == 2
    xa, phuong = reg.resolve("Xã Tân Hòa"), reg.resolve("Phường Tân Hoà")
    assert {xa.code, phuong.code} == set(both.candidates) and xa.code != phuong.code


def _inside(x: float, y: float, ring: list[list[float]]) -> bool:
    hit = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def test_every_commune_has_a_closed_lon_lat_polygon_around_its_point() -> None:
    path = PROVINCE / "communes.geojson"
    assert path.stat().st_size < 400_000
    geo = json.loads(path.read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in geo["features"]}
    communes = _rows(PROVINCE / "communes.csv")
    assert set(features) == {r["code"] for r in communes}
    for r in communes:
        f = features[r["code"]]
        assert f["geometry"]["type"] == "Polygon"
        ring = f["geometry"]["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1], "closed ring"
        assert all(105 < x < 106.5 and 19 < y < 20.5 for x, y in ring), "lon, lat order"
        assert all(round(v, 5) == v for p in ring for v in p)
        point = (float(r["lon"]), float(r["lat"]))
        # the commune's point lies in its own polygon and in no other
        assert [c for c, g in features.items() if _inside(*point, g["geometry"]["coordinates"][0])] == [
            r["code"]
        ]


def test_crosswalk_weights_sum_to_one_per_former_unit() -> None:
    rows = _rows(PROVINCE / "crosswalk.csv")
    assert list(rows[0]) == ["former_code", "former_name", "former_type", "code", "weight", "valid_until"]
    weights: dict[str, float] = {}
    for r in rows:
        weights[r["former_code"]] = weights.get(r["former_code"], 0.0) + float(r["weight"])
        assert r["valid_until"] == "2025-06-30"
        assert 90001 <= int(r["code"]) <= 90100
    assert len(weights) == 300 and min(weights) == "80001"
    assert all(abs(w - 1) < 1e-9 for w in weights.values())
    split = [c for c, n in Counter(r["former_code"] for r in rows).items() if n > 1]
    assert len(split) == 10
    per_commune = Counter(r["code"] for r in rows if float(r["weight"]) == 1)
    assert len({r["code"] for r in rows}) == 100 and max(per_commune.values()) <= 4


def test_units_command_writes_the_files(tmp_path: Path) -> None:
    assert demo.main(["units", "--out", str(tmp_path)]) == 0
    assert all(_sha(tmp_path / n) == _sha(PROVINCE / n) for n in FILES)


# ------------------------------------------------------------------------------------------ simulated values


def test_simulated_values_stay_plausible(demo_config) -> None:
    months = month_range("2024-07", "2026-10")
    assert len(months) == 28
    v = simulate(demo_config, months, DEFAULT_SEED)
    assert v.equals(simulate(demo_config, months, DEFAULT_SEED))
    units = {i.id: i.unit.value for i in demo_config.targets.indicators}
    v = v.with_columns(pl.col("indicator").replace_strict(units).alias("measure"))
    pct = v.filter(pl.col("measure") == "percent")
    assert pct["value"].min() >= 0 and pct["value"].max() <= 100
    counts = v.filter(pl.col("measure") == "count")["value"]
    assert counts.min() >= 0 and (counts == counts.round(0)).all()
    ratio = v.filter(pl.col("denominator").is_not_null() & (pl.col("measure") == "percent"))
    assert ratio.height > 0
    err = (ratio["numerator"] / ratio["denominator"] * 100 - ratio["value"]).abs().max()
    assert err < 0.006  # value = numerator / denominator, as typed with two decimals
    # quarterly indicators have quarter periods, yearly ones years
    fibre = v.filter(pl.col("indicator") == "fibre_households")["period"].unique().sort().to_list()
    assert fibre[:2] == ["2024-Q3", "2024-Q4"]


def test_exports_before_july_2025_name_the_former_communes(demo_config) -> None:
    import random

    months = ["2025-06", "2025-07"]
    values = simulate(demo_config, months, DEFAULT_SEED)
    rates, sizes = rates_for(demo_config, values, months), unit_sizes(demo_config, DEFAULT_SEED)
    june = dossiers_for_month(demo_config, "2025-06", rates, sizes, random.Random(1))
    july = dossiers_for_month(demo_config, "2025-07", rates, sizes, random.Random(1))
    reg = demo_config.registry
    june_units = june.filter(pl.col("receiver").str.starts_with("8"))["unit"].unique().to_list()
    assert len(june_units) > 250
    assert all(reg.resolve_former(u).code is not None for u in june_units)
    july_codes = july.filter(pl.col("unit_code").str.contains(r"^\d+$"))["receiver"].unique()
    assert july_codes.str.starts_with("9").all()
    assert june["code"].is_unique().all() and 500 < june.height < 5_000


# ------------------------------------------------------------------------------ province vs its units


def _contradictions(obs: pl.DataFrame, config) -> list[str]:
    """Province values reported directly that disagree with their units' roll-up by more than the amber
    tolerance: communes where the indicator is measured for communes, else departments; ratio = Σnum/Σden,
    sum, mean as the indicator declares. Percent tolerances are points, others relative %."""
    province = config.registry.province_code
    communes = set(config.registry.communes["code"].cast(pl.String).to_list())
    departments = set(config.registry.departments["id"].to_list())
    default = config.targets.status.amber_tolerance
    found = []
    for ind in config.targets.indicators:
        levels = {lv.value for lv in ind.levels}
        if "province" not in levels or ind.id in INDEPENDENT_PROVINCE:
            continue
        units = communes if "commune" in levels else departments if "department" in levels else set()
        mine = obs.filter(pl.col("indicator") == ind.id)
        direct = mine.filter(pl.col("unit_code") == province).select("period", pl.col("value").alias("p"))
        below = mine.filter(pl.col("unit_code").is_in(sorted(units)))
        if direct.is_empty() or below.is_empty():
            continue
        per = 100.0 if ind.unit.value == "percent" else 1.0
        if ind.rollup.value == "ratio":
            parts = below.filter(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
            agg = (pl.col("numerator").sum() / pl.col("denominator").sum() * per).alias("r")
        elif ind.rollup.value == "sum":
            parts, agg = below.filter(pl.col("value").is_not_null()), pl.col("value").sum().alias("r")
        else:
            parts, agg = below.filter(pl.col("value").is_not_null()), pl.col("value").mean().alias("r")
        rolled = parts.group_by("period").agg(agg)
        tol = ind.tolerance(default)
        for period, p, r in direct.join(rolled, on="period").select("period", "p", "r").iter_rows():
            allowed = tol if ind.unit.value == "percent" else tol / 100 * max(abs(r), 1.0)
            if abs(p - r) > allowed:
                found.append(f"{ind.id} {period}: province {p:.2f} vs units' {ind.rollup.value} {r:.2f}")
    return found


def test_simulated_province_values_agree_with_their_units(demo_config) -> None:
    months = month_range("2024-07", "2026-10")
    values = simulate(demo_config, months, DEFAULT_SEED)
    assert _contradictions(values, demo_config) == []
    # the check has teeth: every indicator measured at the province and below is compared somewhere
    below = [
        i.id
        for i in demo_config.targets.indicators
        if len(i.levels) > 1 and isinstance(i.source, WorkbookSource)
    ]
    compared = values.filter(pl.col("indicator").is_in(below) & (pl.col("level") == "province"))
    assert set(compared["indicator"].unique().to_list()) == set(below) - set(INDEPENDENT_PROVINCE)
    # and a province value pushed to 100% above departments far below it is caught
    tampered = values.with_columns(
        pl.when((pl.col("indicator") == "tthc_full_online") & (pl.col("level") == "province"))
        .then(100.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    assert any(c.startswith("tthc_full_online") for c in _contradictions(tampered, demo_config))


def test_every_on_purpose_exception_says_why(demo_config) -> None:
    ids = {i.id for i in demo_config.targets.indicators}
    for ind, why in INDEPENDENT_PROVINCE.items():
        assert ind in ids and len(why) > 20, ind


# ------------------------------------------------------------------------------------------ short history

SHORT = month_range("2025-08", "2025-10")  # after the merger; 2025-09 ends a quarter


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, demo_config):
    from ioc.store import get_engine, migrate

    data_dir = tmp_path_factory.mktemp("demo")
    engine = get_engine(f"sqlite:///{(data_dir / 'ioc.sqlite3').as_posix()}")
    migrate(engine)
    summary = demo.generate(demo_config, data_dir, engine=engine, months=SHORT)
    return data_dir, engine, summary


def test_short_history_outcomes_are_as_designed(history) -> None:
    _, _, summary = history
    assert summary.unexpected == []
    assert summary.by_status["rejected"] == 3
    assert summary.by_scenario["resubmission"] == 3
    assert summary.by_scenario["wide"] == 1 and summary.by_scenario["revision"] == 1


def test_rejected_files_carry_the_expected_issue_codes(history) -> None:
    from ioc import ledger

    _, engine, _ = history
    subs = ledger.submissions(engine)
    rejected = subs.filter(pl.col("status") == "rejected").sort("id")
    codes = {}
    for sid, dept in rejected.select("id", "department").iter_rows():
        codes[dept] = {i.code for i in ledger.submission_issues(engine, sid) if i.is_error}
    assert codes == {
        "cong_an": {"value-out-of-range"},
        "bhxh": {"unknown-unit"},
        "thue_tinh": {"bad-number"},
    }
    # each was followed by a corrected file that was accepted
    for dept in codes:
        later = subs.filter((pl.col("department") == dept) & (pl.col("file_name") == f"{dept}-nop-lai.xlsx"))
        assert later["status"].to_list() == ["accepted"]


def test_a_revised_file_supersedes_the_accepted_one(history) -> None:
    from ioc import ledger

    _, engine, _ = history
    subs = ledger.submissions(engine).filter(pl.col("department") == "so_noi_vu").sort("id")
    revised = subs.filter(pl.col("file_name") == "so_noi_vu-dieu-chinh.xlsx")
    assert revised["status"].to_list() == ["accepted"]
    first = subs.filter((pl.col("id") < revised["id"][0]) & (pl.col("periods") == revised["periods"][0]))
    assert first["status"].to_list() == ["superseded"]


def test_observations_cover_workbooks_wide_sheet_and_exports(history, demo_config) -> None:
    from ioc import ledger

    data_dir, engine, _ = history
    obs = ledger.current_observations(engine)
    indicators = set(obs["indicator"].unique().to_list())
    assert {"vneid_level2", "e_documents_signed", "tthc_online_rate", "dossier_online_rate"} <= indicators
    assert len(indicators) >= 20
    assert set(obs["period"].unique().to_list()) >= set(SHORT)
    # the wide sheet (names instead of codes, "84,63" typed as text) gave one value per commune
    wide = ledger.submissions(engine).filter(pl.col("file_name") == "so_y_te-bang-ngang.xlsx")
    assert wide["status"].to_list() == ["accepted"]
    wide_obs = ledger.submission_observations(engine, int(wide["id"][0]))
    assert wide_obs.filter(pl.col("unit_code").str.contains(r"^\d{5}$")).height >= 95
    path = data_dir / "demo" / "inbox" / wide["periods"][0] / "so_y_te-bang-ngang.xlsx"
    ws = openpyxl.load_workbook(path)["Nhập liệu"]
    typed = [ws.cell(r, 3).value for r in range(6, 20)]
    assert all(isinstance(t, str) and "," in t for t in typed if t is not None)
    assert all(ws.cell(r, 1).value is None for r in range(6, 20))


@pytest.fixture(scope="module")
def latest_months(tmp_path_factory: pytest.TempPathFactory, demo_config):
    """The months the app opens on (2026-07..2026-10, as the page tests seed them), through the real loaders."""
    from tests.helpers_demo import MONTHS, seed_demo

    engine = seed_demo(demo_config, tmp_path_factory.mktemp("latest"), MONTHS)
    return MONTHS, engine


@pytest.mark.parametrize("ledger_of", ["history", "latest_months"])
def test_ingested_province_values_agree_with_their_units(ledger_of: str, request, demo_config) -> None:
    from ioc import ledger
    from ioc.consistency import province_disagreements

    engine = request.getfixturevalue(ledger_of)[1]
    obs = ledger.current_observations(engine)
    # what the dashboard reads: typed province rows beside typed unit rows (blanks and revisions included)
    assert obs.filter(pl.col("unit_code") == demo_config.registry.province_code).height > 0
    assert _contradictions(obs, demo_config) == []
    # and the Indicator page's own check (it reads the latest period) finds nothing to flag either
    latest = obs.filter(pl.col("period").str.contains(r"^\d{4}-\d{2}$"))["period"].max()
    flagged = province_disagreements(obs, demo_config, latest)
    assert flagged.select("indicator", "period").rows() == []


def test_second_run_changes_nothing(history, demo_config) -> None:
    from ioc import ledger
    from ioc.ingest import ingest_file

    data_dir, engine, first = history
    before = ledger.submissions(engine).height
    n_obs = ledger.current_observations(engine).height
    again = demo.generate(demo_config, data_dir, engine=engine, months=SHORT)
    assert again.by_status == {"already-in-ledger": first.files}
    assert ledger.submissions(engine).height == before
    assert ledger.current_observations(engine).height == n_obs
    # the ledger itself recognises the same bytes
    path = data_dir / "demo" / "inbox" / SHORT[0] / "vp_ubnd.xlsx"
    report = ingest_file(
        path, demo_config, engine, data_dir, who="vp_ubnd", department="vp_ubnd", period=SHORT[0]
    )
    assert report.status == "duplicate"
    assert demo.ensure_demo(demo_config, engine, data_dir) is False


def test_files_are_byte_identical_for_the_same_seed(history, demo_config, tmp_path: Path) -> None:
    data_dir, _, _ = history
    demo.generate(demo_config, tmp_path, months=SHORT)  # files only, no ledger
    ours = sorted(p.relative_to(tmp_path / "demo") for p in (tmp_path / "demo").rglob("*") if p.is_file())
    assert len(ours) > 30
    for rel in ours:
        assert _sha(tmp_path / "demo" / rel) == _sha(data_dir / "demo" / rel), rel


def test_two_workers_split_the_departments_and_report_back(demo_config, tmp_path: Path) -> None:
    from ioc import ledger
    from ioc.store import get_engine, migrate

    engine = get_engine(f"sqlite:///{(tmp_path / 'ioc.sqlite3').as_posix()}")
    migrate(engine)
    months = ["2025-09"]
    owner = demo.partition(demo_config, plan(demo_config, months, DEFAULT_SEED), 2)
    assert set(owner.values()) == {0, 1} and "exports" in owner
    summary = demo.generate(demo_config, tmp_path, engine=engine, months=months, workers=2)
    assert summary.unexpected == []
    assert summary.files == len(plan(demo_config, months, DEFAULT_SEED))
    subs = ledger.submissions(engine)
    assert subs.height == summary.files == sum(summary.by_status.values())
    # both processes' departments are in the one ledger
    assert {d for d, k in owner.items() if k == 1} & set(subs["department"].drop_nulls().to_list())


def test_command_line_writes_the_inbox_without_ingesting(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IOC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IOC_DATABASE_URL", f"sqlite:///{(tmp_path / 'never.sqlite3').as_posix()}")
    assert demo.main(["--months", "2025-09:2025-09", "--no-ingest"]) == 0
    written = sorted(p.name for p in (tmp_path / "demo" / "inbox" / "2025-09").iterdir())
    assert "danh-sach-ho-so-2025-09.csv" in written and "so_khcn.xlsx" in written
    assert not (tmp_path / "never.sqlite3").exists()


# ------------------------------------------------------------------------------------------ first start

OPENING = month_range("2025-11", "2026-04")  # a year end (2025-12) and two quarter ends
SHOWN = [
    "indicator", "level", "unit_code", "period", "value", "target", "expected", "gap", "status",
    "reason_vi", "reason_en", "trend", "trend_vi", "pace_needed", "reference_period", "lag",
]  # fmt: skip


def _engine(data_dir: Path):
    from ioc.store import get_engine, migrate

    engine = get_engine(f"sqlite:///{(data_dir / 'ioc.sqlite3').as_posix()}")
    migrate(engine)
    return engine


def _views(engine, config) -> dict[str, tuple]:
    """What the overview shows for the latest month and the month before, and every unit's score."""
    from ioc import ledger
    from ioc.rollup import rollup
    from ioc.scoring import score
    from ioc.views import overview, previous_period

    obs = rollup(ledger.current_observations(engine), config)
    out = {}
    for as_of in OPENING[-2:]:
        now, before = score(obs, config, as_of), score(obs, config, previous_period(as_of))
        ov = overview(now, before, config, "vi")
        out[as_of] = (
            ov.counts,
            ov.by_pillar,
            ov.completeness,
            ov.worst.select("indicator", "status", "reason_vi"),
            ov.improved.select("indicator", "change_text"),
            now.select(SHOWN).sort("indicator", "unit_code"),
        )
    return out, obs


@pytest.fixture(scope="module")
def opening(tmp_path_factory: pytest.TempPathFactory, demo_config):
    """A ledger seeded as the app's first start does it: the opening files (viewed), then the rest."""
    data_dir = tmp_path_factory.mktemp("opening")
    engine = _engine(data_dir)
    first = demo.generate(demo_config, data_dir, engine=engine, months=OPENING, phase="first")
    views_first, obs_first = _views(engine, demo_config)
    rest = demo.generate(demo_config, data_dir, engine=engine, months=OPENING, phase="rest")
    views_all, obs_all = _views(engine, demo_config)
    return data_dir, first, rest, (views_first, obs_first), (views_all, obs_all)


def test_the_opening_files_are_a_small_part_of_the_history(opening, demo_config) -> None:
    _, first, rest, (_, obs_first), (_, obs_all) = opening
    assert first.unexpected == [] and rest.unexpected == []
    assert first.files + rest.files == len(plan(demo_config, OPENING, DEFAULT_SEED))
    # over the demo's whole history the opening set is a small part of the files
    from ioc.demo.first_start import split
    from ioc.demo.seed import FIRST_MONTH, LAST_MONTH

    months = month_range(FIRST_MONTH, LAST_MONTH)
    events = plan(demo_config, months, DEFAULT_SEED)
    opening_set, later = split(demo_config, events, months)
    assert len(opening_set) + len(later) == len(events) and len(opening_set) * 8 < len(events)
    assert {ev.period for ev in opening_set} >= set(months[-2:])
    # the opening ledger really is partial: most departments' earlier months are missing from it
    assert obs_first.height < obs_all.height * 0.75


def test_the_opening_view_is_exactly_what_the_whole_history_gives(opening) -> None:
    _, _, _, (views_first, _), (views_all, _) = opening
    previous, latest = OPENING[-2:]
    # the overview of the latest month, which the app opens on, compared with the month before
    counts, by_pillar, completeness, worst, improved, scores = views_all[latest]
    f_counts, f_pillar, f_completeness, f_worst, f_improved, f_scores = views_first[latest]
    assert f_counts == counts and sum(counts.values()) > 20
    assert f_pillar.equals(by_pillar)
    assert f_completeness == completeness
    assert f_worst.equals(worst) and f_improved.equals(improved) and improved.height > 0
    # every unit's value, status, reason and trend in both months, not only the province's
    assert f_scores.equals(scores)
    assert views_first[previous][-1].equals(views_all[previous][-1])


def test_files_are_the_same_bytes_whichever_phase_makes_them(opening, demo_config, tmp_path: Path) -> None:
    data_dir = opening[0]
    demo.generate(demo_config, tmp_path, months=OPENING)  # every file in order, no ledger

    def files(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in (root / "demo" / "inbox").rglob("*") if p.is_file())

    ours = files(tmp_path)
    assert ours == files(data_dir) and len(ours) > 60
    for rel in ours:
        assert _sha(tmp_path / rel) == _sha(data_dir / rel), rel


def test_first_start_seeds_the_opening_months_then_the_rest_and_reports_progress(
    demo_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ioc import ledger
    from ioc.demo import first_start

    engine = _engine(tmp_path)
    months = month_range("2026-08", "2026-10")
    assert first_start.progress(tmp_path) is None
    seen = []
    real_fill = first_start.fill

    def spy(config, data_dir, eng, seed, ms, **kw):  # the state the page reads before the rest is in
        seen.append(first_start.progress(data_dir))
        return real_fill(config, data_dir, eng, seed, ms, **kw)

    monkeypatch.setattr(first_start, "fill", spy)
    assert first_start.ensure_demo(demo_config, engine, tmp_path, months=months) is True
    before = seen[0]
    assert before is not None and before.stage == "rest" and before.running
    assert before.months_total == 3 and before.months_done < 3
    assert f"{before.months_done}/3 tháng" in first_start.filling_text("vi", before)
    # on every page it is one line (the full text a click away), short enough for a phone's first screen
    assert f"{before.months_done}/3 tháng" in first_start.filling_line("vi", before)
    assert len(first_start.filling_line("vi", before)) < 80
    # done: nothing pending, every planned file in the ledger, and a second start does nothing
    assert first_start.progress(tmp_path) is None
    assert ledger.submissions(engine).height == len(plan(demo_config, months, DEFAULT_SEED))
    assert first_start.ensure_demo(demo_config, engine, tmp_path, months=months) is False


def test_an_interrupted_fill_resumes_on_the_next_start(demo_config, tmp_path: Path) -> None:
    from ioc import ledger
    from ioc.demo import first_start

    engine = _engine(tmp_path)
    months = month_range("2026-09", "2026-10")
    demo.generate(demo_config, tmp_path, engine=engine, months=months, phase="first")
    # the server stopped during the fill a while ago: its last heartbeat is old
    stale = first_start.Seeding("rest", 2, 0, beat=0.0)
    first_start._write_state(tmp_path, stale)
    assert not first_start.read_state(tmp_path).running
    assert "khởi động lại" in first_start.filling_text("vi", stale)
    assert first_start.ensure_demo(demo_config, engine, tmp_path, months=months) is False  # nothing to open
    assert first_start.progress(tmp_path) is None
    assert ledger.submissions(engine).height == len(plan(demo_config, months, DEFAULT_SEED))


def test_the_app_fills_the_history_in_a_background_process(demo_config, tmp_path: Path) -> None:
    import time

    from ioc import ledger
    from ioc.demo import first_start

    engine = _engine(tmp_path)
    months = month_range("2026-09", "2026-10")
    assert first_start.ensure_demo(demo_config, engine, tmp_path, background=True, months=months) is True
    # returns with the opening files in; the rest arrives from another process
    state = first_start.progress(tmp_path)
    assert state is not None and state.running
    deadline = time.time() + 240
    while first_start.progress(tmp_path) is not None and time.time() < deadline:
        time.sleep(0.5)
    assert first_start.progress(tmp_path) is None, (tmp_path / "demo" / "fill.log").read_text()
    assert ledger.submissions(engine).height == len(plan(demo_config, months, DEFAULT_SEED))


def test_the_wait_screen_speaks_the_ui_language_without_a_timer() -> None:
    from ioc.demo.first_start import wait_text

    vi, en = wait_text("vi"), wait_text("en")
    assert vi.startswith("Đang tạo tỉnh mẫu lần đầu") and "giây" in vi
    assert en.startswith("Creating the demo province") and "seconds" in en
