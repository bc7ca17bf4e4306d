"""A department head's whole month in headless Chromium, on a real server and a fresh demo database:
sign in → download the template → fill it (openpyxl) → upload → errors in Vietnamese → fix → the
replacement diff → confirm → the new status on the department page → withdraw → restore."""

from __future__ import annotations

import io
import re
import sys
import time
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import (
    SHOTS,
    _assert_clean,
    _open,
    _settle,
    _start_server,
    _stop_server,
    browser,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.e2e
PASSWORD = "mat-khau-so-gd-2026"
PERIOD_TEXT = "10/2026"  # a demo month: the department's earlier submission is what gets replaced


@pytest.fixture(scope="module")
def server(seeded_copy, browser):  # noqa: F811
    """A server on the whole demo history whose database already has a department account (created as an
    administrator would)."""
    from ioc import accounts, store

    data_dir = seeded_copy("upload-flow-data")
    engine = store.get_engine(f"sqlite:///{data_dir / 'ioc.sqlite3'}")
    store.migrate(engine)
    accounts.create_account(
        engine,
        "gd.nva",
        role="department",
        department="so_gd_dt",
        display_name="Nguyễn Văn A",
        password=PASSWORD,
        created_by="test",
    )
    engine.dispose()
    proc, url = _start_server(data_dir)
    yield url
    _stop_server(proc)


def _fill(template: bytes, value: object) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã chỉ tiêu")
    cols = {ws.cell(header, c).value: c for c in range(1, 20)}
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 1).value:
            ws.cell(r, cols["Giá trị"]).value = value
            ws.cell(r, cols["Tử số"]).value = None
            ws.cell(r, cols["Mẫu số"]).value = None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _wait_text(page, pattern: str, timeout: float = 120) -> str:
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        text = page.locator('[data-testid="stApp"]').inner_text()
        if re.search(pattern, text):
            text = _settle(page)  # stale elements of the previous run are gone once Streamlit has finished
            if re.search(pattern, text):
                return text
        time.sleep(0.5)
    raise AssertionError(f"{pattern!r} never appeared; the page says:\n{text[-3000:]}")


def _status_row(browser, server: str, name: str) -> str:  # noqa: F811
    """The department page's row of the indicator `name` for 10/2026, as an anonymous viewer's tab reads it
    (the table's accessible cells: status, value, target …)."""
    ctx, page, _ = _open(browser, f"{server}/department?lang=vi&dept=so_gd_dt&period=2026-10&gran=month")
    try:
        _settle(page)
        row = page.locator('[data-testid="stDataFrame"] [role="row"]').filter(has_text=name).first
        return re.sub(r"\s+", " ", row.inner_text(timeout=30_000)).strip()
    finally:
        ctx.close()


def _indicator_name(template: bytes) -> str:
    ws = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã chỉ tiêu")
    return str(ws.cell(header + 1, 2).value).split(" (")[0]


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    box.click()
    box.locator("input").fill(option)
    page.keyboard.press("Enter")


def test_a_department_head_uploads_fixes_confirms_withdraws_and_restores(
    browser,  # noqa: F811 - the fixture imported above
    server: str,
    tmp_path,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    ctx, page, guard = _open(browser, f"{server}/upload?lang=vi")
    try:
        text = _settle(page)
        assert "Cần đăng nhập" in text
        page.get_by_label("Tên đăng nhập").fill("gd.nva")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        text = _wait_text(page, "Đã đăng nhập")
        assert "Nguyễn Văn A" in text
        # the file widget speaks Vietnamese: what it draws, not only a caption beside it
        zone = page.locator('[data-testid="stFileUploaderDropzone"]').first
        drawn = zone.evaluate(
            """z => [z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"]'), z.querySelector('button')]
                .map(e => getComputedStyle(e, '::after').content)"""
        )
        assert drawn == ['"Kéo thả tệp vào đây · tối đa 20 MB · XLSX, XLS"', '"Chọn tệp"'], drawn
        assert zone.locator("button").is_visible()
        assert "per file" not in zone.inner_text() and "Upload" not in zone.inner_text()
        _choose(page, "Kỳ báo cáo", PERIOD_TEXT)
        _settle(page)

        with page.expect_download() as download:
            page.get_by_role("button", name="Tải biểu mẫu (.xlsx)").click()
        assert download.value.suggested_filename == "bieu-mau_so_gd_dt_2026-10.xlsx"
        template = Path(download.value.path()).read_bytes()
        name = _indicator_name(template)
        before = _status_row(browser, server, name)

        def upload(value: object, name: str, expect: str) -> str:
            path = tmp_path / name
            path.write_bytes(_fill(template, value))
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
            return _wait_text(page, expect)

        text = upload("không rõ", "so_gd_dt_sai.xlsx", "bị từ chối")
        _assert_clean(text, page)
        assert "Xác nhận nộp" not in text
        page.screenshot(path=str(SHOTS / "upload-flow-errors.png"), full_page=True)
        html = page.content()
        assert "Mức độ" in html and "Giá trị hợp lệ" in html  # the issue table's headers, in Vietnamese

        # fixed: the department's first report for the month
        upload(1, "so_gd_dt.xlsx", "Tệp hợp lệ")
        page.get_by_role("button", name="Xác nhận nộp").click()
        text = _wait_text(page, "Biên nhận")
        first = re.search(r"Lần nộp #(\d+) · ", text).group(1)
        assert "Nguyễn Văn A (gd.nva)" in text
        after_first = _status_row(browser, server, name)
        assert after_first != before, f"the department page did not change: {before!r}"

        # a correction: the page says which submission it replaces, and what changes, before confirming
        text = upload(99, "so_gd_dt_sua.xlsx", "Lần nộp này sẽ thay thế lần nộp #")
        assert re.search(rf"thay thế lần nộp #{first} \(\d\d/\d\d \d\d:\d\d, Nguyễn Văn A \(gd.nva\)\)", text)
        assert "Những gì thay đổi" in text
        page.screenshot(path=str(SHOTS / "upload-flow-diff.png"), full_page=True)
        page.get_by_role("button", name="Xác nhận nộp").click()
        text = _wait_text(page, "Biên nhận")
        submission = re.search(r"Lần nộp #(\d+) · ", text).group(1)
        after = _status_row(browser, server, name)
        assert after != after_first, "the correction did not change the department page"

        page.get_by_text("Rút hoặc khôi phục một lần nộp").click()
        _choose(page, "Lần nộp", f"#{submission} ·")
        page.get_by_label("Lý do (bắt buộc)").fill("Nhập nhầm số liệu")
        page.get_by_role("button", name="Rút lần nộp").click()
        _wait_text(page, f"Đã rút lần nộp #{submission}")
        # the withdrawn values leave the dashboard (the first report was superseded by it: what shows now is
        # whatever was still accepted before, and a restore brings the withdrawn one back)
        assert _status_row(browser, server, name) != after

        page.get_by_text("Rút hoặc khôi phục một lần nộp").click()
        _choose(page, "Lần nộp", f"#{submission} ·")
        page.get_by_label("Lý do (bắt buộc)").fill("Đã kiểm tra lại")
        page.get_by_role("button", name="Khôi phục lần nộp").click()
        text = _wait_text(page, f"Đã khôi phục lần nộp #{submission} thành lần nộp #")
        _assert_clean(text, page)
        page.screenshot(path=str(SHOTS / "upload-flow-restored.png"), full_page=True)
        assert _status_row(browser, server, name) == after
        assert not guard.requests, guard.requests[:5]
    finally:
        ctx.close()
