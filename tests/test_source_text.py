"""The indicator's source said as a sentence: every filter shape of the config language, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from ioc.exports_config import Condition, ExportConfig, ExportKind, Quantity
from ioc.source_text import condition_text, quantity_text, report_title, source_sentence, unit_title
from ioc.targets import ExportSource, WorkbookSource

DOSSIERS = ExportConfig(
    id="dossiers",
    kind=ExportKind.DOSSIERS,
    name="Hệ thống thông tin giải quyết TTHC — danh sách hồ sơ",
    vocab={"channel": {"online": ["Trực tuyến"], "postal": ["Bưu chính công ích"], "kiosk": ["Ki-ốt"]}},
)
DEFAULTS = ExportConfig(id="plain", kind=ExportKind.DOSSIERS)  # default columns and vocabularies
STATS = ExportConfig(
    id="stats",
    kind=ExportKind.PROCEDURE_STATS,
    columns={"unit": ["Đơn vị"], "received_online": ["Tiếp nhận | Trực tuyến"], "extra": {"letter": "Q"}},
)


def _cond(**kw: object) -> Condition:
    return Condition.model_validate(kw)


@pytest.mark.parametrize(
    ("cond", "export", "vi", "en"),
    [
        (_cond(field="channel", eq="online"), DOSSIERS, "Hình thức nộp = Trực tuyến", "Channel = Online"),
        (_cond(field="channel", ne="online"), DOSSIERS, "Hình thức nộp ≠ Trực tuyến", "Channel ≠ Online"),
        (
            _cond(field="channel", **{"in": ["online", "postal"]}),
            DOSSIERS,
            "Hình thức nộp = Trực tuyến hoặc Bưu chính công ích",
            "Channel = Online or Postal",
        ),
        (
            _cond(field="channel", not_in=["postal", "kiosk"]),
            DOSSIERS,
            "Hình thức nộp khác Bưu chính công ích và Ki-ốt",
            # a value the product has no English name for keeps the export's own label
            "Channel other than Postal and Ki-ốt",
        ),
        (_cond(field="result_date", is_null=True), DOSSIERS, "Ngày có kết quả để trống", "Result date empty"),
        (
            _cond(field="result_date", is_null=False),
            DOSSIERS,
            "Ngày có kết quả đã điền",
            "Result date filled in",
        ),
        (_cond(field="fee", gt=50000), DOSSIERS, "Phí, lệ phí > 50.000", "Fee > 50,000"),
        (_cond(field="fee", ge=0.5), DOSSIERS, "Phí, lệ phí ≥ 0,5", "Fee ≥ 0.5"),
        (_cond(field="fee", lt=10), DOSSIERS, "Phí, lệ phí < 10", "Fee < 10"),
        (
            _cond(field="received_date", le=dt.date(2025, 12, 31)),
            DOSSIERS,
            "Ngày tiếp nhận ≤ 31/12/2025",
            "Received date ≤ 31 Dec 2025",
        ),
        (
            _cond(field="result_date", gt_field="due_date"),
            DOSSIERS,
            "Ngày có kết quả > Ngày hẹn trả",
            "Result date > Due date",
        ),
        (
            _cond(field="result_date", ge_field="received_date"),
            DOSSIERS,
            "Ngày có kết quả ≥ Ngày tiếp nhận",
            "Result date ≥ Received date",
        ),
        (
            _cond(field="result_date", lt_field="due_date"),
            DOSSIERS,
            "Ngày có kết quả < Ngày hẹn trả",
            "Result date < Due date",
        ),
        (
            _cond(field="result_date", le_field="due_date"),
            DOSSIERS,
            "Ngày có kết quả ≤ Ngày hẹn trả",
            "Result date ≤ Due date",
        ),
        (
            _cond(field="result_date", eq_field="due_date"),
            DOSSIERS,
            "Ngày có kết quả = Ngày hẹn trả",
            "Result date = Due date",
        ),
        # YAML reads an unquoted yes as true: it still reads as the vocabulary's word
        (_cond(field="digitised", eq=True), DEFAULTS, "Số hóa = Có", "Digitised = Yes"),
        # a header path of a statistics table reads level › level; a column known by letter only by its letter
        (
            _cond(field="received_online", gt=0),
            STATS,
            "Tiếp nhận › Trực tuyến > 0",
            "Received › Online > 0",
        ),
        (_cond(field="extra", gt=0), STATS, "cột Q > 0", "column Q > 0"),
    ],
)
def test_every_operator_reads_as_words(cond: Condition, export: ExportConfig, vi: str, en: str) -> None:
    assert condition_text(cond, export, "vi") == vi
    assert condition_text(cond, export, "en") == en


@pytest.mark.parametrize(
    ("quantity", "export", "count", "vi", "en"),
    [
        (
            Quantity(where={"channel": "online"}),
            DOSSIERS,
            False,
            "hồ sơ có Hình thức nộp = Trực tuyến",
            "dossiers with Channel = Online",
        ),
        (
            Quantity(where={"channel": ["online", "postal"], "digitised": "yes"}),
            DEFAULTS,
            False,
            "hồ sơ có Hình thức nộp = Trực tuyến hoặc Bưu chính công ích và Số hóa = Có",
            "dossiers with Channel = Online or Postal and Digitised = Yes",
        ),
        (
            Quantity(where={"channel": "online"}),
            DOSSIERS,
            True,
            "số hồ sơ có Hình thức nộp = Trực tuyến",
            "the number of dossiers with Channel = Online",
        ),
        (Quantity(all=True), DOSSIERS, False, "mọi hồ sơ", "all dossiers"),
        (Quantity(all=True), DOSSIERS, True, "tổng số hồ sơ", "the number of all dossiers"),
        (
            Quantity(sum=["received_online"]),
            STATS,
            False,
            "cột Tiếp nhận › Trực tuyến",
            "column Received › Online",
        ),
        (
            Quantity(sum=["settled_early", "settled_on_time", "settled_late"]),
            STATS,
            True,
            # fields without a configured title use the default headers
            "tổng các cột Đã giải quyết › Trước hạn, Đã giải quyết › Đúng hạn và Đã giải quyết › Trễ hạn",
            "the sum of columns Settled › Early, Settled › On time and Settled › Late",
        ),
    ],
)
def test_every_quantity_shape_reads_as_words(
    quantity: Quantity, export: ExportConfig, count: bool, vi: str, en: str
) -> None:
    assert quantity_text(quantity, export, "vi", count=count) == vi
    assert quantity_text(quantity, export, "en", count=count) == en


def test_report_names_the_kind_and_adds_the_configured_name_only_when_it_says_more() -> None:
    assert report_title(DOSSIERS, "vi") == "Danh sách hồ sơ"  # the name already says "danh sách hồ sơ"
    assert report_title(DOSSIERS, "en") == "Dossier list"
    named = ExportConfig(id="igate", kind=ExportKind.DOSSIERS, name="iGate Hà Tĩnh")
    assert report_title(named, "vi") == "Danh sách hồ sơ (iGate Hà Tĩnh)"
    assert report_title(named, "en") == "Dossier list (iGate Hà Tĩnh)"


def test_dossier_online_rate_reads_as_the_spec_example(demo_config) -> None:
    ind = demo_config.targets.indicator("dossier_online_rate")
    assert source_sentence(ind, demo_config, "vi") == (
        "Tử số: hồ sơ có Hình thức nộp = Trực tuyến; mẫu số: mọi hồ sơ — từ báo cáo Danh sách hồ sơ"
    )
    assert source_sentence(ind, demo_config, "en") == (
        "Numerator: dossiers with Channel = Online; denominator: all dossiers — from the report Dossier list"
    )


def test_a_workbook_source_names_the_department(demo_config) -> None:
    ind = demo_config.targets.indicator("vneid_level2")
    assert isinstance(ind.source, WorkbookSource) and ind.owner == "cong_an"
    assert source_sentence(ind, demo_config, "vi") == "Công an tỉnh nhập trong biểu mẫu số liệu hằng tháng"
    assert source_sentence(ind, demo_config, "en") == "Typed in by Provincial Police in its monthly workbook"


def test_a_count_from_an_export_says_what_it_counts(demo_config) -> None:
    ind = demo_config.targets.indicator("tthc_overdue_backlog")
    assert source_sentence(ind, demo_config, "vi") == (
        "Giá trị: cột Đang giải quyết › Quá hạn — từ báo cáo Tình hình giải quyết TTHC"
    )
    assert unit_title(ind, demo_config, "vi") == "hồ sơ"
    assert unit_title(ind, demo_config, "en") == "dossiers"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_configured_indicator_has_a_plain_sentence(demo_config, lang: str) -> None:
    """No JSON, no canonical field ids (they hold underscores), no brackets left from the config."""
    for ind in demo_config.targets.indicators:
        text = source_sentence(ind, demo_config, lang)
        assert text.strip(), ind.id
        assert not set(text) & set('{}[]"_'), (ind.id, text)
        if isinstance(ind.source, ExportSource):
            assert ("Tử số" if lang == "vi" else "Numerator") in text or ind.source.value is not None
            assert ("từ báo cáo" if lang == "vi" else "from the report") in text, (ind.id, text)


@pytest.mark.parametrize(
    ("unit", "vi", "en"), [("percent", "%", "%"), ("money", "đồng", "VND"), ("ratio", "tỷ số", "ratio")]
)
def test_axis_title_names_the_unit(demo_config, unit: str, vi: str, en: str) -> None:
    ind = next(i for i in demo_config.targets.indicators if i.unit.value == unit)
    assert unit_title(ind, demo_config, "vi") == vi
    assert unit_title(ind, demo_config, "en") == en


def test_a_typed_count_is_a_count(demo_config) -> None:
    ind = demo_config.targets.indicator("public_wifi_points")
    assert (unit_title(ind, demo_config, "vi"), unit_title(ind, demo_config, "en")) == ("số lượng", "count")
