"""Every page through Streamlit's AppTest, in both languages, on a real SQLite database seeded with demo months."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers_demo import MONTHS, seed_demo

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "overview": "pages/overview.py",
    "department": "pages/department.py",
    "commune": "pages/commune.py",
    "indicator": "pages/indicator.py",
    "map": "pages/map.py",
    "upload": "pages/upload.py",
    "reporting": "pages/reporting.py",
}
STATUS_WORDS = {
    "vi": ["Đạt kế hoạch", "Cần chú ý", "Chậm kế hoạch", "Chưa có số liệu", "Số liệu cũ"],
    "en": ["Meeting plan", "At risk", "Behind plan", "No data", "Stale"],
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, demo_config) -> Path:
    """A data folder whose database holds four demo months, ingested through the real loaders."""
    data_dir = tmp_path_factory.mktemp("pages-data")
    seed_demo(demo_config, data_dir, MONTHS).dispose()
    old = {k: os.environ.get(k) for k in ("IOC_DATA_DIR", "IOC_DATABASE_URL")}
    os.environ["IOC_DATA_DIR"] = str(data_dir)
    os.environ.pop("IOC_DATABASE_URL", None)
    _clear_streamlit_caches()
    yield data_dir
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _clear_streamlit_caches()


def _clear_streamlit_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _app(lang: str, page: str | None = None, *, state: dict | None = None, **params: str) -> AppTest:
    """Open the app as a link would: the entry runs first (language, period, context), then the page.

    `_to` is how the entry forwards a deep link; it makes the frame run in the same request as the page.
    """
    at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    if page:
        at.query_params["_to"] = page
    for k, v in params.items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


def _counts(at: AppTest) -> dict[str, int]:
    """The compact row of counts: `:green-badge[✔ Đạt kế hoạch **3**]` … → {"✔ Đạt kế hoạch": 3, …}."""
    for m in at.markdown:
        found = re.findall(r":[a-z]+-badge\[(.+?) \*\*(\d+)\*\*\]", str(m.value))
        if found:
            return {label: int(n) for label, n in found}
    raise AssertionError("no row of counts on the page")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_and_shows_statuses(seeded: Path, page: str, lang: str) -> None:
    at = _app(lang, page)
    text = _text(at)
    assert not at.error, [e.value for e in at.error]
    if page not in {"upload", "reporting"}:
        assert any(w in text for w in STATUS_WORDS[lang]), f"{page}/{lang}: no status word shown"
    other = "en" if lang == "vi" else "vi"
    # the chrome follows the language: no label of the other language's status words leaks in
    assert not any(f"✔ {w}" in text for w in STATUS_WORDS[other][:1])


def test_overview_counts_match_scores_and_use_vietnamese_numbers(seeded: Path, demo_config) -> None:
    from ioc import ledger
    from ioc.rollup import rollup
    from ioc.scoring import score
    from ioc.store import get_engine
    from ioc.views import headline

    at = _app("vi", "overview")
    engine = get_engine(f"sqlite:///{seeded / 'ioc.sqlite3'}")
    scores = score(rollup(ledger.current_observations(engine), demo_config), demo_config, MONTHS[-1])
    head = headline(scores, demo_config)
    counts = _counts(at)
    assert counts["✔ Đạt kế hoạch"] == int((head["status"] == "green").sum())
    assert counts["✖ Chậm kế hoạch"] == int((head["status"] == "red").sum())
    reasons = "\n".join(m.value for m in at.markdown)
    assert re.search(r"\d+,\d%", reasons), "reasons show Vietnamese percentages, e.g. 84,6%"


def test_department_page_lists_owned_and_measured_indicators_with_reasons(seeded: Path, demo_config) -> None:
    dept = "ttpvhcc"
    owned = {i.name.en for i in demo_config.targets.indicators if i.owner == dept}
    measured = {
        i.name.en for i in demo_config.targets.indicators if "department" in [lv.value for lv in i.levels]
    }
    at = _app("en", "department", dept=dept)
    table = at.dataframe[0].value
    names = set(table["name"])
    assert owned <= names  # every indicator it answers for
    assert names <= owned | measured  # and otherwise only indicators measured per department
    assert table.shape[0] == len(names)  # one row per indicator
    assert set(table["unit_name"]) <= {"Public Administration Service Centre", "Demo Province (demo data)"}
    assert table["reason"].astype(str).str.len().min() > 5


def test_commune_page_shows_rank_and_province_value(seeded: Path) -> None:
    at = _app("en", "commune", commune="90001")
    assert re.search(r"\*\*Rank: \d+ of 100\*\*", _text(at))
    table = at.dataframe[0].value
    # the commune's value and the province's value side by side, both formatted
    assert {"value_text", "province_text"} <= set(table.columns)
    assert table["province_text"].ne("—").any()


def test_indicator_page_draws_actual_expected_and_target(seeded: Path) -> None:
    at = _app("en", "indicator", indicator="dossier_online_rate")
    assert not at.error, [e.value for e in at.error]
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) == 2  # the trend over time and the spread across communes
    # every value in the table of units names its source: the file (and, for spreadsheets, sheet and cell)
    table = at.dataframe[0].value
    valued = table[table["value_text"] != "—"]
    assert valued["source_text"].notna().all()
    assert valued["source_text"].str.contains("danh-sach-ho-so|rollup|crosswalk").all()
    spec = charts[0].proto.spec
    assert "Actual" in spec and "Expected path" in spec


def test_map_page_draws_without_basemap(seeded: Path) -> None:
    at = _app("en", "map")
    assert not at.error, [e.value for e in at.error]
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = json.loads(decks[0].proto.json)
    assert spec.get("mapProvider") in (None, "")
    assert "http" not in decks[0].proto.json.replace("https://deck.gl", "")
    layer = spec["layers"][0]
    assert layer["id"] == "communes"


def _filled_template(config, dept: str, period: str, value: float | str) -> bytes:
    from ioc.template import build_template

    wb = openpyxl.load_workbook(io.BytesIO(build_template(config, dept, period)))
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã chỉ tiêu")
    value_col = next(c for c in range(1, 20) if ws.cell(header_row, c).value == "Giá trị")
    num_col = next(c for c in range(1, 20) if ws.cell(header_row, c).value == "Tử số")
    for r in range(header_row + 1, ws.max_row + 1):
        if ws.cell(r, 1).value:
            ws.cell(r, value_col).value = value
            ws.cell(r, num_col).value = None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


PASSWORD = "mat-khau-thu-nghiem-2026"


def _account(data_dir: Path, username: str, role: str, department: str | None = None) -> None:
    """An account in the seeded database (created once per module)."""
    from ioc import accounts, store

    engine = store.get_engine(f"sqlite:///{data_dir / 'ioc.sqlite3'}")
    try:
        accounts.get_account(engine, username)
    except accounts.AccountError:
        accounts.create_account(
            engine,
            username,
            role=role,
            department=department,
            display_name=f"Nguyễn Văn {username.upper()}",
            password=PASSWORD,
            created_by="test",
        )
    engine.dispose()


def _signed_in(data_dir: Path, lang: str, username: str, role: str, department: str | None = None) -> AppTest:
    """The Upload page after signing in through its own form."""
    _account(data_dir, username, role, department)
    at = _app(lang, "upload")
    at.text_input(key="signin_user").input(username)
    at.text_input(key="signin_password").input(PASSWORD)
    next(b for b in at.button if b.label in ("Sign in", "Đăng nhập")).click()
    at.run()
    assert not at.exception, at.exception
    assert "ioc_user" in at.session_state and at.session_state["ioc_user"].username == username
    return at


def test_upload_asks_for_a_sign_in_before_anything_can_be_written(seeded: Path) -> None:
    at = _app("vi", "upload")
    assert "Cần đăng nhập" in _text(at)
    assert not at.file_uploader and not at.download_button
    at.text_input(key="signin_user").input("khong_co")
    at.text_input(key="signin_password").input("sai-mat-khau-roi")
    next(b for b in at.button if b.label == "Đăng nhập").click()
    at.run()
    assert any("Tên đăng nhập hoặc mật khẩu không đúng" in e.value for e in at.error)
    assert "ioc_user" not in at.session_state


def test_a_department_account_sees_only_its_department_and_ended_periods(seeded: Path) -> None:
    at = _signed_in(seeded, "vi", "gd_dt", "department", "so_gd_dt")
    box = at.selectbox(key="up_dept")
    assert box.options == ["Sở Giáo dục và Đào tạo"] or len(box.options) == 1
    assert box.disabled
    from ioc.periods import local_today, period_end

    period = at.selectbox(key="up_period")
    assert (
        period_end(period.value) < local_today() and len(period.options) == 6
    )  # the newest ended month first
    # the file widget's own words are in Vietnamese: its drop zone and button (drawn by CSS), and its help
    uploader = at.file_uploader[0]
    assert uploader.help == "Kéo thả tệp vào đây · tối đa 20 MB · XLSX, XLS"
    css = " ".join(str(h.proto.body) for h in at.get("html"))
    assert 'content: "Kéo thả tệp vào đây · tối đa 20 MB · XLSX, XLS"' in css and 'content: "Chọn tệp"' in css
    assert not any(s.value == "Quản trị: nhập tệp xuất từ hệ thống báo cáo" for s in at.subheader)


def test_upload_checks_then_accepts_a_filled_template(seeded: Path, demo_config) -> None:
    at = _signed_in(seeded, "en", "quantri", "administrator")
    at.selectbox(key="up_dept").set_value("so_gd_dt")
    at.run()
    # the seeded months' last one: a newer month would move the other pages' "latest period"
    at.selectbox(key="up_period").set_value(MONTHS[-1])
    at.run()
    period = at.selectbox(key="up_period").value
    data = _filled_template(demo_config, "so_gd_dt", period, 55)
    at.file_uploader[0].set_value(("so_gd_dt.xlsx", data, "application/vnd.ms-excel"))
    at.run()
    assert not at.exception
    assert any("The file is valid" in s.value for s in at.success), [e.value for e in at.error]
    # the preview names each value and the cell it came from, before anything is stored
    # the demo's earlier report for the month is named, with what changes, before anything is stored
    assert any(re.match(r"This submission will replace submission #\d+ \(", w.value) for w in at.warning)
    preview = next(d.value for d in at.dataframe if "value_text" in d.value.columns)
    assert set(preview["value_text"]) <= {"55.0%", "55", "55.0", "55 VND"}  # every cell was filled with 55
    assert preview["cell"].str.startswith("Nhập liệu G").all()
    confirm = next(b for b in at.button if b.label == "Confirm submission")
    confirm.click()
    at.run()
    assert any("Accepted: submission #" in s.value for s in at.success)
    history = at.dataframe[-1].value
    assert "✔ Accepted" in set(history["status"])
    assert "Nguyễn Văn QUANTRI (quantri)" in set(history["who"])


def test_upload_rejects_a_bad_value_naming_the_cell(seeded: Path, demo_config) -> None:
    at = _signed_in(seeded, "en", "quantri", "administrator")
    at.selectbox(key="up_dept").set_value("so_gd_dt")
    at.run()
    # the seeded months' last one: a newer month would move the other pages' "latest period"
    at.selectbox(key="up_period").set_value(MONTHS[-1])
    at.run()
    period = at.selectbox(key="up_period").value
    data = _filled_template(demo_config, "so_gd_dt", period, "n/a")
    at.file_uploader[0].set_value(("bad.xlsx", data, "application/vnd.ms-excel"))
    at.run()
    assert any("rejected" in e.value for e in at.error)
    issues = at.dataframe[0].value
    assert {"Sheet", "Row", "Column", "Expected", "Severity"} <= set(issues.columns)
    # every cell named; past 50 of one kind the rest are counted in one line without a cell ("… and N more")
    located = issues[issues["Row"].notna()]
    assert len(located) == 50 and len(issues) - len(located) <= 1
    assert list(located["Row"]) == sorted(located["Row"])  # sorted by sheet, row, column
    assert not any(b.label == "Confirm submission" for b in at.button)
    assert any(
        d.label.startswith("Download the report with the problem cells marked") for d in at.download_button
    )


def test_upload_refuses_an_export_on_the_department_page_in_the_ui_language(
    seeded: Path, demo_config, tmp_path: Path
) -> None:
    from ioc import ledger, store
    from ioc.export_writers import write_procedure_report

    units = [
        dict(
            unit="Sở Tư pháp",
            received_online=120,
            received_offline=30,
            received_carried_over=10,
            settled_early=40,
            settled_on_time=90,
            settled_late=10,
            in_progress_on_time=15,
            in_progress_overdue=5,
        )
    ]
    data = write_procedure_report(tmp_path / "thong_ke.xlsx", units).read_bytes()
    at = _signed_in(seeded, "vi", "gd_dt", "department", "so_gd_dt")
    at.file_uploader[0].set_value(("bao_cao.xlsx", data, "application/vnd.ms-excel"))
    at.run()
    assert not at.exception
    assert any("bị từ chối" in e.value for e in at.error)
    shown = at.dataframe[0].value.to_csv()
    assert (
        "Mức độ" in shown and "Lỗi" in shown and "Giá trị hợp lệ" in shown
    )  # headers, severities in Vietnamese
    assert "biểu số liệu của sở, ngành" in shown  # and the expected column
    assert "Trang này chỉ nhận biểu số liệu hằng tháng" in shown and "quản trị viên" in shown
    assert not any(b.label == "Xác nhận nộp" for b in at.button)
    engine = store.get_engine(f"sqlite:///{seeded / 'ioc.sqlite3'}")
    latest = ledger.submissions(engine, department="so_gd_dt", limit=1).row(0, named=True)
    assert (latest["status"], latest["source"], latest["file_name"]) == (
        "rejected",
        "procedure_stats",
        "bao_cao.xlsx",
    )
    engine.dispose()


def test_admin_upload_ingests_a_long_export(seeded: Path, demo_config) -> None:
    at = _signed_in(seeded, "en", "quantri", "administrator")
    csv = "unit,period,indicator,value\n99,2026-10,digital_economy_share,18.5\n"
    ids = [e.id for e in demo_config.targets.exports]
    at.selectbox(key="adm_export").set_value("long" if "long" in ids else ids[0])
    at.run()
    at.file_uploader[1].set_value(("long.csv", csv.encode(), "text/csv"))
    at.run()
    next(b for b in at.button if b.label == "Ingest the file").click()
    at.run()
    assert not at.exception
    outcome = [s.value for s in at.success] + [e.value for e in at.error]
    assert outcome, "the admin upload reported nothing"


def test_config_error_is_shown_with_line_not_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = (
        (ROOT / "targets.yaml")
        .read_text(encoding="utf-8")
        .replace("direction: lower", "direction: downward", 1)
    )
    path = tmp_path / "targets.yaml"
    path.write_text(broken, encoding="utf-8")
    for f in ("province",):
        (tmp_path / f).symlink_to(ROOT / f)
    monkeypatch.setenv("IOC_TARGETS", str(path))
    monkeypatch.setenv("IOC_DATA_DIR", str(tmp_path / "data"))
    _clear_streamlit_caches()
    at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=60)
    at.run()
    _clear_streamlit_caches()
    assert not at.exception
    assert at.error, "a broken targets.yaml must be reported"
    issues = at.dataframe[0].value
    assert "direction" in " ".join(issues.astype(str).to_numpy().ravel())
    assert pl.Series(issues["line"]).drop_nulls().len() >= 1


@pytest.mark.parametrize(
    ("page", "key", "choices"),
    [
        ("indicator", "indicator", lambda c: [i.id for i in c.targets.indicators]),
        ("department", "dept", lambda c: c.registry.departments["id"].to_list()),
        (
            "map",
            "map_indicator",
            lambda c: (
                ["__composite__"]
                + [i.id for i in c.targets.indicators if "commune" in [lv.value for lv in i.levels]]
            ),
        ),
        ("commune", "commune", lambda c: c.registry.communes["code"].to_list()[::9]),
    ],
)
def test_every_choice_renders_without_error(seeded: Path, demo_config, page: str, key: str, choices) -> None:
    at = _app("vi", page)
    for choice in choices(demo_config):
        at.selectbox(key=key).set_value(choice)
        at.run()
        assert not at.exception, (choice, at.exception)
        assert not at.error, (choice, [e.value for e in at.error])


PERIOD_SHOWN = {
    # the header names the period shown: "Q3 2026" / "Quý 3/2026" for a quarter, "2026" for a year
    ("en", "quarter"): r"Period: Q\d 20\d\d",
    ("en", "year"): r"Period: 20\d\d\b",
    ("vi", "quarter"): r"Kỳ: Quý \d/20\d\d",
    ("vi", "year"): r"Kỳ: 20\d\d\b",
}


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("granularity", ["quarter", "year"])
@pytest.mark.parametrize("page", list(PAGES))
def test_quarter_and_year_periods_render_every_page(
    seeded: Path, granularity: str, page: str, lang: str
) -> None:
    at = _app(lang, page, state={"granularity": granularity})
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(c.value for c in at.caption)
    assert re.search(PERIOD_SHOWN[(lang, granularity)], captions), captions


# Units with a target override on some indicator (the chart once crashed for them on every other one), a
# commune with a share of a summed provincial target, and the overridden indicators themselves.
OVERRIDE_UNITS = ["90017", "90027", "90037", "90046", "90055", "90098", "90099", "cong_an", "so_xay_dung"]
INDICATOR_SAMPLE = {
    ("vi", "e_documents_signed"): OVERRIDE_UNITS,
    ("en", "dossier_online_rate"): ["90017", "90099", "99"],
    ("en", "cashless_acceptance_points"): ["90098", "99"],
    ("vi", "dossier_e_settled"): ["cong_an"],
    ("en", "tthc_full_online"): ["so_xay_dung"],
}


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")]


@pytest.mark.parametrize(("lang", "indicator"), list(INDICATOR_SAMPLE))
def test_indicator_page_draws_every_sampled_unit(seeded: Path, lang: str, indicator: str) -> None:
    """Opened by link at a unit, then switched unit by unit: chart, spread, table and texts for each."""
    units = INDICATOR_SAMPLE[(lang, indicator)]
    target_word, trend_word, source_word = (
        ("Mục tiêu", "**Xu hướng:**", "Nguồn:") if lang == "vi" else ("Target", "**Trend:**", "Source:")
    )
    at = _app(lang, "indicator", indicator=indicator, unit=units[0])
    for unit in units:
        if at.selectbox(key="unit").value != unit:
            at.selectbox(key="unit").set_value(unit)
            at.run()
        assert not at.exception, (unit, at.exception)
        assert not at.error, (unit, [e.value for e in at.error])
        assert at.selectbox(key="unit").value == unit  # the unit asked for, not a fallback
        specs = _charts(at)
        assert specs, unit
        trend = specs[0]["layer"][0]["encoding"]
        assert target_word in trend["color"]["scale"]["domain"], unit  # the target has a legend entry
        assert trend["y"]["title"], unit  # the axis says the unit
        table = at.dataframe[0].value
        assert unit in set(table["unit_code"]), unit
        lines = [m.value for m in at.markdown]
        trend_line = next(m for m in lines if trend_word in m)
        assert not trend_line.rstrip().endswith("—"), trend_line  # no separator before an empty reason
        about = next(m for m in lines if source_word in m)
        assert not set('{}"') & set(about), about  # the source as words, not JSON


def test_indicator_page_says_where_a_dossier_rate_comes_from(seeded: Path) -> None:
    at = _app("vi", "indicator", indicator="dossier_online_rate")
    about = next(m.value for m in at.markdown if "Nguồn:" in m.value)
    assert "Tử số: hồ sơ có Hình thức nộp = Trực tuyến; mẫu số: mọi hồ sơ" in about
    at = _app("en", "indicator", indicator="vneid_level2")
    about = next(m.value for m in at.markdown if "Source:" in m.value)
    assert "Typed in by Provincial Police in its monthly workbook" in about


# ---- at a glance ------------------------------------------------------------------------------------


def test_department_table_puts_name_status_value_target_trend_first(seeded: Path) -> None:
    at = _app("vi", "department", dept="ttpvhcc")
    table = at.dataframe[0].value
    assert list(table.columns[:5]) == ["name", "status_chip", "value_text", "target_text", "trend_text"]
    # the status cell is a tag with icon and word (coloured by the column's options)
    words = {tag for tags in table["status_chip"] for tag in tags}
    assert words and all(w[0] in "✔▲✖◷○◇" and len(w) > 3 for w in words)
    counts = _counts(at)
    assert sum(counts.values()) == len(table)
    assert "◷ Số liệu cũ" in counts and "◇ Không giao mục tiêu riêng" in counts


def test_selecting_a_row_shows_its_whole_reason_and_a_link(seeded: Path) -> None:
    at = _app(
        "en", "department", dept="ttpvhcc", state={"dept_table": {"selection": {"rows": [1], "columns": []}}}
    )
    table = at.dataframe[0].value
    reason = table["reason"].iloc[1]
    detail = "\n".join(str(m.value) for m in at.markdown)
    assert len(reason) > 20 and reason in detail  # the whole reason, not a cut cell
    assert any("Open the indicator" in str(getattr(e, "proto", "")) for e in at.get("page_link"))


def test_commune_counts_say_every_status_apart_in_words(seeded: Path, demo_config) -> None:
    at = _app("vi", "commune", commune="90001")
    counts = _counts(at)
    assert list(counts) == [
        "✖ Chậm kế hoạch",
        "▲ Cần chú ý",
        "✔ Đạt kế hoạch",
        "◷ Số liệu cũ",
        "○ Chưa có số liệu",
        "◇ Không giao mục tiêu riêng",
    ]
    table = at.dataframe[0].value
    assert sum(counts.values()) == len(table)


def test_commune_picker_is_in_name_order_and_searchable_without_diacritics(seeded: Path) -> None:
    at = _app("vi", "commune")
    options = at.selectbox(key="commune").options
    names = [o.split(" (")[0] for o in options]
    assert not all(o.endswith(")") and "(phường" in o for o in options[:10])  # not every Phường first
    from ioc.views import commune_sort_key

    assert names == sorted(names, key=commune_sort_key)
    at.text_input(key="commune_q").set_value("tan hoa").run()
    found = at.selectbox(key="commune").options
    assert found and all(o.startswith("Tân Hòa") for o in found)


def test_reporting_starts_at_the_period_shown_and_states_the_deadline(seeded: Path) -> None:
    at = _app("vi", "reporting")
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["unit_name", MONTHS[-1]]  # the current period first
    assert table["unit_name"].notna().all() and len(table) > 0  # no empty rows
    assert all(len(cell) == 1 for cell in table[MONTHS[-1]])  # one coloured tag per cell
    assert "hạn: hết ngày 10 tháng sau" in _text(at)


def test_reporting_deadline_follows_the_setting(seeded: Path, tmp_path: Path, monkeypatch) -> None:
    text = (ROOT / "targets.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "reporting:\n  deadline_day:\n    monthly: 10\n", "reporting:\n  deadline_day:\n    monthly: 12\n", 1
    )
    assert changed != text
    for name in ("targets.yaml",):
        (tmp_path / name).write_text(changed, encoding="utf-8")
    for item in ROOT.iterdir():
        if item.is_dir() and item.name in {"province", "data_sources"}:
            (tmp_path / item.name).symlink_to(item)
    monkeypatch.setenv("IOC_TARGETS", str(tmp_path / "targets.yaml"))
    _clear_streamlit_caches()
    try:
        at = _app("vi", "reporting")
        captions = [c.value for c in at.caption]
        # only the monthly day changed: the caption names each frequency's day
        assert any("báo cáo tháng hết ngày 12 tháng sau" in c for c in captions), captions
        assert any("báo cáo quý hết ngày 10 tháng sau" in c for c in captions), captions
    finally:
        monkeypatch.delenv("IOC_TARGETS")
        _clear_streamlit_caches()


@pytest.mark.parametrize(
    ("params", "gran", "period", "shown"),
    [
        ({"period": "2026-Q3"}, "quarter", "2026-Q3", "Quý 3/2026"),
        ({"gran": "year"}, "year", "2026", "Kỳ: 2026"),
        ({"period": "2026-08"}, "month", "2026-08", "Kỳ: 08/2026"),
    ],
)
def test_period_and_granularity_round_trip_through_the_url(
    seeded: Path, params: dict, gran: str, period: str, shown: str
) -> None:
    at = _app("vi", "department", dept="so_y_te", **params)
    assert shown in " ".join(c.value for c in at.caption)
    assert at.query_params["gran"] in (gran, [gran])
    assert at.query_params["period"] in (period, [period])
    assert at.query_params["dept"] in ("so_y_te", ["so_y_te"])
    # the same link opened at the root (no forwarding through `_to`) shows the same period
    at = _app("vi", None, **params)
    assert shown in " ".join(c.value for c in at.caption)
    assert at.query_params["period"] in (period, [period])


def test_composite_map_separates_units_and_single_indicators_keep_status_colours(seeded: Path) -> None:
    at = _app("en", "map")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    fills = {tuple(f["properties"]["fill"]) for f in spec["layers"][0]["data"]["features"]}
    assert len(fills) >= 4  # quantile bands, not one amber
    assert spec.get("mapProvider") in (None, "")
    at = _app("en", "map", map_indicator="dossier_online_rate")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    from ioc.charts import _hex_to_rgba
    from ioc.labels import STATUS

    status_fills = {tuple(_hex_to_rgba(look.colour)) for look in STATUS.values()}
    assert {tuple(f["properties"]["fill"]) for f in spec["layers"][0]["data"]["features"]} <= status_fills


def test_a_submission_arriving_from_elsewhere_never_changes_the_picked_one(seeded: Path) -> None:
    """The withdraw/restore picker keeps the user's choice while new submissions arrive for the department
    (the inbox, an administrator, the demo history still loading): withdrawing must act on what was picked."""
    from ioc import ledger, store

    def ids(options: list[str]) -> list[int]:
        return [int(o.split(" ·")[0].lstrip("#")) for o in options]

    at = _signed_in(seeded, "vi", "gd_dt", "department", "so_gd_dt")
    older = ids(at.selectbox(key="hist_pick").options)[1]  # not the newest, where a reset would land
    at.session_state["hist_pick"] = (
        older  # the form holds a choice until it is sent: set it as the browser does
    )
    at.run()
    assert at.selectbox(key="hist_pick").value == older

    engine = store.get_engine(f"sqlite:///{seeded / 'ioc.sqlite3'}")
    try:  # a newer submission for the same department arrives from elsewhere, its values unchanged
        subs = ledger.submissions(engine, department="so_gd_dt")
        newest = subs.filter((pl.col("status") == "accepted") & pl.col("export_id").is_null())["id"].max()
        ledger.withdraw(engine, newest, "test", note="kiểm tra")
        copy = ledger.restore(engine, newest, "test", note="kiểm tra")
    finally:
        engine.dispose()
    _clear_streamlit_caches()
    at.run()
    assert not at.exception, at.exception
    box = at.selectbox(key="hist_pick")
    assert ids(box.options)[0] == copy  # the new one is offered first …
    assert box.value == older  # … and the user's choice stands


def test_the_indicator_page_shows_the_status_first(seeded: Path) -> None:
    """On a phone the cards stack: the status is the first thing a reader meets, before value and target."""
    at = _app("vi", "indicator", indicator="dossier_online_rate")
    assert at.metric[0].label == "Trạng thái"
    assert any(word in at.metric[0].value for word in STATUS_WORDS["vi"])
