"""Every UI label in Vietnamese and English, and how each status and trend is drawn (icon, word, colour)."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("vi", "en")
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}

_LABELS: dict[str, tuple[str, str]] = {
    # navigation
    "nav.overview": ("Tổng quan", "Overview"),
    "nav.department": ("Sở, ngành", "Department"),
    "nav.commune": ("Xã, phường", "Commune"),
    "nav.indicator": ("Chỉ tiêu", "Indicator"),
    "nav.map": ("Bản đồ", "Map"),
    "nav.upload": ("Nộp số liệu", "Upload"),
    "nav.reporting": ("Tình hình báo cáo", "Reporting status"),
    # sidebar
    "side.language": ("Ngôn ngữ", "Language"),
    "side.granularity": ("Loại kỳ", "Period type"),
    "side.period": ("Kỳ", "Period"),
    "gran.month": ("Tháng", "Month"),
    "gran.quarter": ("Quý", "Quarter"),
    "gran.year": ("Năm", "Year"),
    "side.data_as_of": ("Số liệu đến", "Data as of"),
    "demo.badge": ("Dữ liệu demo — không phải số liệu thật", "Demo data — not real figures"),
    # common columns
    "col.indicator": ("Chỉ tiêu", "Indicator"),
    "col.pillar": ("Trụ cột", "Pillar"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.value": ("Giá trị", "Value"),
    "col.target": ("Mục tiêu", "Target"),
    "col.deadline": ("Thời hạn", "Deadline"),
    "col.expected": ("Kỳ vọng", "Expected"),
    "col.status": ("Trạng thái", "Status"),
    "col.reason": ("Lý do", "Reason"),
    "col.trend": ("Xu hướng", "Trend"),
    "col.sparkline": ("Diễn biến", "History"),
    "col.period": ("Kỳ số liệu", "Data period"),
    "col.last_submission": ("Lần nộp gần nhất", "Last submission"),
    "col.source": ("Nguồn", "Source"),
    "col.province_value": ("Toàn tỉnh", "Province"),
    "col.commune_value": ("Xã, phường", "Commune"),
    "col.rank": ("Hạng", "Rank"),
    "col.composite": ("Điểm tổng hợp", "Composite score"),
    "col.pace_needed": ("Tốc độ cần/tháng", "Pace needed/month"),
    "col.months_left": ("Số tháng còn lại", "Months left"),
    "col.level": ("Cấp", "Level"),
    "col.code": ("Mã", "Code"),
    "col.change": ("Thay đổi", "Change"),
    "col.completeness": ("Mức đầy đủ", "Completeness"),
    "level.province": ("Tỉnh", "Province"),
    "level.department": ("Sở, ngành", "Department"),
    "level.commune": ("Xã, phường", "Commune"),
    # overview
    "overview.title": ("Tổng quan tiến độ mục tiêu", "Progress against plan targets"),
    "overview.by_pillar": ("Theo trụ cột", "By pillar"),
    "overview.worst": ("Chỉ tiêu đáng lo nhất", "Indicators most behind"),
    "overview.improved": ("Cải thiện nhiều nhất so với kỳ trước", "Most improved since the previous period"),
    "overview.completeness": ("Mức đầy đủ số liệu kỳ này", "Reporting completeness this period"),
    "overview.completeness_help": (
        "Tỷ lệ cặp chỉ tiêu × đơn vị có số liệu hiện hành cho kỳ đang xem",
        "Share of indicator × unit pairs with current data for the period shown",
    ),
    "overview.none_red": ("Không có chỉ tiêu nào chậm kế hoạch.", "No indicator is behind plan."),
    "overview.none_improved": (
        "Chưa có so sánh với kỳ trước.",
        "No comparison with the previous period yet.",
    ),
    "overview.indicators": ("chỉ tiêu", "indicators"),
    # department
    "department.title": ("Chỉ tiêu của sở, ngành", "Department indicators"),
    "department.help": (
        "Các chỉ tiêu đo cho sở, ngành này và các chỉ tiêu sở, ngành phụ trách báo cáo.",
        "Indicators measured for this department and the indicators it is responsible for reporting.",
    ),
    "department.pick": ("Chọn sở, ngành", "Choose a department"),
    "department.none": (
        "Chưa có chỉ tiêu nào do sở, ngành này phụ trách hoặc đo cho sở, ngành này.",
        "No indicator is owned by or measured for this department.",
    ),
    "department.drill": ("Chọn một dòng để xem chi tiết chỉ tiêu.", "Select a row to open the indicator."),
    # commune
    "commune.title": ("Bảng điểm xã, phường", "Commune scorecard"),
    "commune.pick": ("Chọn xã, phường", "Choose a commune"),
    "commune.rank": ("Xếp hạng", "Rank"),
    "commune.rank_value": ("{rank}/{total}", "{rank} of {total}"),
    "commune.composite_help": (
        "Tỷ lệ chỉ tiêu đạt (màu xanh), có trọng số theo trụ cột và chỉ tiêu",
        "Share of indicators meeting plan (green), weighted by pillar and indicator weights",
    ),
    # indicator
    "indicator.title": ("Chi tiết chỉ tiêu", "Indicator detail"),
    "indicator.pick": ("Chọn chỉ tiêu", "Choose an indicator"),
    "indicator.unit_pick": ("Đơn vị", "Unit"),
    "indicator.trend": ("Thực hiện, mục tiêu và lộ trình kỳ vọng", "Actual vs target vs expected path"),
    "indicator.spread": ("Phân bố giữa các xã, phường", "Spread across communes"),
    "indicator.table": ("Tất cả đơn vị", "All units"),
    "indicator.no_communes": (
        "Chỉ tiêu này không đo ở cấp xã.",
        "This indicator is not measured per commune.",
    ),
    "indicator.about": ("Thông tin chỉ tiêu", "About this indicator"),
    "series.actual": ("Thực hiện", "Actual"),
    "series.expected": ("Lộ trình kỳ vọng", "Expected path"),
    "series.target": ("Mục tiêu", "Target"),
    # map
    "map.title": ("Bản đồ xã, phường", "Commune map"),
    "map.colour_by": ("Tô màu theo", "Colour by"),
    "map.composite": ("Điểm tổng hợp", "Composite score"),
    "map.legend": ("Chú giải", "Legend"),
    "map.composite_help": (
        "Điểm tổng hợp = tỷ lệ chỉ tiêu đạt kế hoạch (có trọng số): **{green}** từ 67% · **{amber}** 33–67% · "
        "**{red}** dưới 33%.",
        "Composite = weighted share of indicators meeting plan: **{green}** 67% or more · **{amber}** 33–67% · "
        "**{red}** below 33%.",
    ),
    "trend.pace": (
        "cần {pace} trong {months} tháng còn lại để đạt {target} vào {deadline}",
        "needs {pace} over the {months} months left to reach {target} by {deadline}",
    ),
    "trend.met": ("mục tiêu đã đạt — cần giữ vững", "target met — hold it"),
    "trend.passed": (
        "hạn {deadline} đã qua, chưa đạt {target}",
        "deadline {deadline} passed, {target} not reached",
    ),
    "trend.due_now": (
        "kỳ này là kỳ hạn {deadline}: chưa đạt {target}",
        "this period holds the deadline {deadline}: {target} not reached",
    ),
    "map.no_geometry": (
        "Chưa có ranh giới xã; hiển thị theo điểm.",
        "No commune boundaries loaded; showing points.",
    ),
    # upload
    "upload.title": ("Nộp số liệu hằng tháng", "Monthly data upload"),
    "upload.department": ("Sở, ngành nộp", "Submitting department"),
    "upload.period": ("Kỳ báo cáo", "Reporting period"),
    "upload.template": ("Tải biểu mẫu (.xlsx)", "Download the template (.xlsx)"),
    "upload.file": ("Chọn tệp đã điền (.xlsx, .xls)", "Choose the filled file (.xlsx, .xls)"),
    "upload.check": ("Kiểm tra tệp", "Check the file"),
    "upload.confirm": ("Xác nhận nộp", "Confirm submission"),
    "upload.valid": (
        "Tệp hợp lệ: {n} giá trị cho {units} đơn vị. Kiểm tra rồi bấm Xác nhận nộp.",
        "The file is valid: {n} values for {units} units. Review, then confirm.",
    ),
    "upload.rejected": (
        "Tệp bị từ chối: {n} lỗi. Không có số liệu nào được ghi. Sửa các ô dưới đây rồi nộp lại.",
        "The file was rejected: {n} errors. Nothing was stored. Fix the cells below and upload again.",
    ),
    "upload.duplicate": (
        "Tệp này đã được nộp (lần nộp #{id}); không có gì thay đổi.",
        "This exact file was already submitted (submission #{id}); nothing changed.",
    ),
    "upload.accepted": (
        "Đã tiếp nhận: lần nộp #{id}, {n} giá trị. Mã tệp (SHA-256): {sha}",
        "Accepted: submission #{id}, {n} values. File fingerprint (SHA-256): {sha}",
    ),
    "upload.warnings": ("{n} cảnh báo (vẫn được tiếp nhận)", "{n} warnings (accepted anyway)"),
    "upload.history": ("Lịch sử nộp của sở, ngành", "The department's submission history"),
    "upload.preview": ("Xem trước số liệu", "Preview of the values"),
    "upload.admin": ("Quản trị: nhập tệp xuất từ hệ thống báo cáo", "Admin: ingest a report-system export"),
    "upload.export_kind": ("Loại tệp xuất", "Export format"),
    "upload.export_file": ("Tệp xuất (.xlsx, .csv)", "Export file (.xlsx, .csv)"),
    "upload.ingest": ("Nhập tệp", "Ingest the file"),
    "upload.no_history": ("Chưa có lần nộp nào.", "No submission yet."),
    "hist.submitted_at": ("Thời điểm nộp", "Submitted at"),
    "hist.file": ("Tệp", "File"),
    "hist.values": ("Số giá trị", "Values"),
    "hist.errors": ("Lỗi", "Errors"),
    "hist.warnings": ("Cảnh báo", "Warnings"),
    "sub.accepted": ("✔ Đã tiếp nhận", "✔ Accepted"),
    "sub.rejected": ("✖ Bị từ chối", "✖ Rejected"),
    "sub.superseded": ("↻ Đã được thay thế", "↻ Superseded"),
    "sub.withdrawn": ("⊘ Đã rút", "⊘ Withdrawn"),
    # reporting status
    "reporting.title": ("Tình hình nộp báo cáo", "Reporting status"),
    "reporting.help": (
        "Mỗi ô: nộp đúng hạn, nộp muộn, bị từ chối, chưa nộp, hoặc không đến hạn (chỉ tiêu quý, năm). "
        "Tháng mới nhất ở bên trái.",
        "Each cell: submitted on time, late, rejected, missing, or not due (quarterly and yearly reports). "
        "The newest month is on the left.",
    ),
    "report.on_time": ("Đúng hạn", "On time"),
    "report.late": ("Muộn", "Late"),
    "report.missing": ("Chưa nộp", "Missing"),
    "report.rejected": ("Bị từ chối", "Rejected"),
    "report.not_due": ("Không đến hạn", "Not due"),
    # errors
    "error.generic": (
        "Đã xảy ra lỗi khi hiển thị trang này. Bộ phận kỹ thuật đã được ghi nhận; hãy thử tải lại.",
        "Something went wrong while showing this page. It has been logged; please reload.",
    ),
    "error.config": ("Tệp cấu hình targets.yaml có lỗi:", "The targets.yaml configuration has errors:"),
    "empty.no_data": ("Chưa có số liệu.", "No data yet."),
    "seeding": ("Đang tạo dữ liệu tỉnh mẫu lần đầu…", "Seeding the demo province on first start…"),
    # at a glance: tables, counts, commune search, reporting deadline, map bands
    "glance.counts": ("Số chỉ tiêu theo trạng thái", "Indicators by status"),
    "glance.pick_row": (
        "Chọn một dòng để đọc đủ lý do và mở chi tiết chỉ tiêu.",
        "Select a row to read the whole reason and open the indicator.",
    ),
    "glance.open_indicator": ("Mở chi tiết chỉ tiêu", "Open the indicator"),
    "glance.legend": ("Ý nghĩa các trạng thái", "What the statuses mean"),
    "glance.spark_help": (
        "12 kỳ gần nhất, cột từ 0, cùng thang đo cho mọi đơn vị cùng cấp của chỉ tiêu (không tự phóng to)",
        "The last 12 periods as bars from 0, on one scale for every unit of the indicator at the same level "
        "(never stretched to the row)",
    ),
    "glance.submitted_local": ("Giờ Việt Nam ({tz})", "Local time ({tz})"),
    "commune.search": ("Tìm xã, phường (có dấu hoặc không dấu)", "Find a commune (diacritics optional)"),
    "commune.no_match": ("Không có xã, phường nào khớp «{q}».", "No commune matches “{q}”."),
    "commune.counts": ("Chỉ tiêu theo trạng thái", "Indicators by status"),
    "reporting.deadline": (
        "hạn: hết ngày {day} tháng sau",
        "due: by the end of day {day} of the following month",
    ),
    "reporting.deadline_prefix": ("hạn: ", "due: "),
    "reporting.deadline_monthly": (
        "báo cáo tháng hết ngày {day} tháng sau",
        "monthly reports by the end of day {day} of the following month",
    ),
    "reporting.deadline_quarterly": (
        "báo cáo quý hết ngày {day} tháng sau",
        "quarterly reports by the end of day {day} of the following month",
    ),
    "reporting.deadline_yearly": (
        "báo cáo năm hết ngày {day} tháng sau",
        "yearly reports by the end of day {day} of the following month",
    ),
    "map.bands_help": (
        "Điểm tổng hợp = tỷ lệ chỉ tiêu đạt kế hoạch (có trọng số), chia {n} nhóm có số xã, phường gần bằng nhau; "
        "màu càng đậm điểm càng cao.",
        "Composite = weighted share of indicators meeting plan, in {n} bands holding about as many communes "
        "each; the darker, the higher.",
    ),
}


def t(key: str, lang: str, **kwargs: object) -> str:
    """The label for `key` in `lang`, with `{placeholders}` filled."""
    vi, en = _LABELS[key]
    text = vi if lang == "vi" else en
    return text.format(**kwargs) if kwargs else text


def all_keys() -> list[str]:
    return list(_LABELS)


@dataclass(frozen=True)
class Look:
    """How a status or trend is drawn: never colour alone — an icon and a word too."""

    icon: str
    vi: str
    en: str
    colour: str  # hex, Okabe–Ito based (safe for colour-blind viewers)
    badge: str  # Streamlit badge colour name

    def word(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def label(self, lang: str) -> str:
        return f"{self.icon} {self.word(lang)}"


# Status words and trend words never share a word: a status says where a value stands against the plan,
# a trend (the SDG dashboards' words) how fast it moves toward the target.
STATUS_ORDER = ("red", "amber", "green", "stale", "no_data", "no_target")
STATUS: dict[str, Look] = {
    "green": Look("✔", "Đạt kế hoạch", "Meeting plan", "#009E73", "green"),
    "amber": Look("▲", "Cần chú ý", "At risk", "#E69F00", "orange"),
    "red": Look("✖", "Chậm kế hoạch", "Behind plan", "#D55E00", "red"),
    "stale": Look("◷", "Số liệu cũ", "Stale", "#7F7F7F", "gray"),
    "no_data": Look("○", "Chưa có số liệu", "No data", "#BDBDBD", "gray"),
    # a unit below the province with no target of its own (unit_target: none): neutral, counted in no colour
    "no_target": Look("◇", "Không giao mục tiêu riêng", "No unit target", "#56B4E9", "blue"),
}

TREND: dict[str, Look] = {
    "on_track": Look("↑", "Đúng tiến độ", "On track", "#009E73", "green"),
    "improving": Look("↗", "Cải thiện vừa phải", "Moderately improving", "#56B4E9", "blue"),
    "stagnating": Look("→", "Chững lại", "Stagnating", "#E69F00", "orange"),
    "worsening": Look("↘", "Đi xuống", "Worsening", "#D55E00", "red"),
    "insufficient": Look("·", "Chưa đủ số liệu", "Not enough data", "#BDBDBD", "gray"),
}


def status_label(status: str | None, lang: str) -> str:
    return STATUS[status or "no_data"].label(lang)


def trend_label(trend: str | None, lang: str) -> str:
    return TREND[trend or "insufficient"].label(lang)
