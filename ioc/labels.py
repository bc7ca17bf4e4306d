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
    "indicator.disagrees": (
        "Giá trị toàn tỉnh {period} được báo cáo là {value}, nhưng tổng hợp từ {n} đơn vị cấp {level} là "
        "{rollup}: chênh {diff}, vượt ngưỡng {tol}. Cần đối chiếu nguồn số liệu.",
        "The province value for {period} was reported as {value}, but the roll-up of its {n} {level} units is "
        "{rollup}: {diff} apart, beyond the tolerance of {tol}. The sources need checking.",
    ),
    "indicator.units_missing": (
        "Giá trị toàn tỉnh {period} được báo cáo là {value}; {n}/{total} đơn vị cấp {level} đã báo cáo, "
        "cộng lại được {rollup}. Chưa đủ đơn vị để đối chiếu với giá trị toàn tỉnh.",
        "The province value for {period} was reported as {value}; {n}/{total} {level} units have reported, "
        "adding up to {rollup}. Too few units have reported to check the province value against them.",
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
    # --- indicator source in words and chart units (ioc/source_text.py, ioc/charts.py) ---
    "source.ratio": (
        "Tử số: {numerator}; mẫu số: {denominator} — từ báo cáo {report}",
        "Numerator: {numerator}; denominator: {denominator} — from the report {report}",
    ),
    "source.value": ("Giá trị: {value} — từ báo cáo {report}", "Value: {value} — from the report {report}"),
    "source.workbook": (
        "{department} nhập trong biểu mẫu số liệu hằng tháng",
        "Typed in by {department} in its monthly workbook",
    ),
    "source.where": ("{rows} có {conditions}", "{rows} with {conditions}"),
    "source.all": ("mọi {rows}", "all {rows}"),
    "source.count_where": ("số {rows} có {conditions}", "the number of {rows} with {conditions}"),
    "source.count_all": ("tổng số {rows}", "the number of all {rows}"),
    "source.sum_one": ("cột {columns}", "column {columns}"),
    "source.sum_many": ("tổng các cột {columns}", "the sum of columns {columns}"),
    "source.and": ("và", "and"),
    "source.or": ("hoặc", "or"),
    "source.column_letter": ("cột {letter}", "column {letter}"),
    "source.op.in": ("{field} = {values}", "{field} = {values}"),
    "source.op.not_in": ("{field} khác {values}", "{field} other than {values}"),
    "source.op.null": ("{field} để trống", "{field} empty"),
    "source.op.not_null": ("{field} đã điền", "{field} filled in"),
    "source.rows.dossiers": ("hồ sơ", "dossiers"),
    "source.rows.procedure_stats": ("đơn vị", "units"),
    "source.rows.long": ("dòng", "rows"),
    "source.report.dossiers": ("Danh sách hồ sơ", "Dossier list"),
    "source.report.procedure_stats": ("Tình hình giải quyết TTHC", "Administrative procedure statistics"),
    "source.report.long": ("Dữ liệu dạng dài", "Long-format data"),
    "field.code": ("Mã hồ sơ", "Dossier code"),
    "field.procedure": ("Tên thủ tục", "Procedure"),
    "field.field": ("Lĩnh vực", "Field"),
    "field.unit": ("Đơn vị", "Unit"),
    "field.channel": ("Hình thức nộp", "Channel"),
    "field.received_date": ("Ngày tiếp nhận", "Received date"),
    "field.due_date": ("Ngày hẹn trả", "Due date"),
    "field.result_date": ("Ngày có kết quả", "Result date"),
    "field.e_result": ("Kết quả điện tử", "Electronic result"),
    "field.digitised": ("Số hóa", "Digitised"),
    "field.fee": ("Phí, lệ phí", "Fee"),
    "field.paid_online": ("Thanh toán trực tuyến", "Paid online"),
    "field.received_total": ("Nhận giải quyết › Tổng số", "Received › Total"),
    "field.received_online": ("Nhận giải quyết › Trực tuyến", "Received › Online"),
    "field.received_offline": ("Nhận giải quyết › Trực tiếp", "Received › In person"),
    "field.received_carried_over": ("Nhận giải quyết › Kỳ trước", "Received › Carried over"),
    "field.settled_total": ("Đã giải quyết › Tổng số", "Settled › Total"),
    "field.settled_early": ("Đã giải quyết › Trước hạn", "Settled › Early"),
    "field.settled_on_time": ("Đã giải quyết › Đúng hạn", "Settled › On time"),
    "field.settled_late": ("Đã giải quyết › Trễ hạn", "Settled › Late"),
    "field.in_progress_total": ("Đang giải quyết › Tổng số", "In progress › Total"),
    "field.in_progress_on_time": ("Đang giải quyết › Trong hạn", "In progress › Within time"),
    "field.in_progress_overdue": ("Đang giải quyết › Quá hạn", "In progress › Overdue"),
    "field.period": ("Kỳ", "Period"),
    "field.indicator": ("Chỉ tiêu", "Indicator"),
    "field.value": ("Giá trị", "Value"),
    "field.numerator": ("Tử số", "Numerator"),
    "field.denominator": ("Mẫu số", "Denominator"),
    "vocab.online": ("Trực tuyến", "Online"),
    "vocab.in_person": ("Trực tiếp", "In person"),
    "vocab.postal": ("Bưu chính công ích", "Postal"),
    "vocab.yes": ("Có", "Yes"),
    "vocab.no": ("Không", "No"),
    "axis.percent": ("%", "%"),
    "axis.money": ("đồng", "VND"),
    "axis.ratio": ("tỷ số", "ratio"),
    "axis.count": ("số lượng", "count"),
    "indicator.description": ("Mô tả", "Description"),
    "series.name": ("Đường", "Line"),
    # wall display (/wall)
    "wall.page_title": ("IOC — Màn hình điều hành", "IOC — Wall display"),
    "wall.title_overview": ("Tổng quan toàn tỉnh", "Province overview"),
    "wall.title_departments": ("Sở, ngành: xếp hạng", "Departments: ranking"),
    "wall.title_communes": ("Xã, phường nhiều chỉ tiêu chậm nhất", "Communes with the most red"),
    "wall.title_map": ("Bản đồ: {name}", "Map: {name}"),
    "wall.departments_sub": (
        "Xếp hạng theo điểm tổng hợp (tỷ lệ chỉ tiêu đạt, có trọng số), yếu nhất trước",
        "Ranked on the composite score (weighted share meeting plan), weakest first",
    ),
    "wall.map_sub_composite": (
        "Điểm tổng hợp: ✔ từ 67% · ▲ 33–67% · ✖ dưới 33%",
        "Composite score: ✔ 67% or more · ▲ 33–67% · ✖ below 33%",
    ),
    "wall.completeness": ("Đầy đủ số liệu", "Completeness"),
    "wall.indicators": ("chỉ tiêu", "indicators"),
    "wall.rank": ("Hạng {rank}/{total}", "Rank {rank} of {total}"),
    "wall.more_listed": (
        "… và {n} đơn vị khác (danh sách ở trang riêng)",
        "… and {n} more (listed on their own slide)",
    ),
    "wall.unreported_sub": (
        "{n}/{total} sở, ngành chưa báo cáo đủ kỳ này, ít nhất trước",
        "{n} of {total} departments have not fully reported this period, least reported first",
    ),
    "wall.not_reported": ("Chưa báo cáo đủ kỳ {period}", "Not fully reported for {period}"),
    "wall.all_reported": ("Tất cả sở, ngành đã báo cáo đủ.", "Every department has reported."),
    "wall.red_communes": (
        "{n}/{total} xã, phường có chỉ tiêu chậm kế hoạch",
        "{n} of {total} communes have indicators behind plan",
    ),
    "wall.none_red_communes": (
        "Không có xã, phường nào có chỉ tiêu chậm kế hoạch.",
        "No commune has an indicator behind plan.",
    ),
    "wall.legend": ("Chú giải", "Legend"),
    "wall.data_as_of": ("Số liệu đến {period} · cập nhật {time}", "Data as of {period} · updated {time}"),
    "wall.stale": (
        "⚠ Số liệu chưa cập nhật được từ {since} — đang hiển thị số liệu lúc {time}",
        "⚠ Data could not be refreshed since {since} — showing the values of {time}",
    ),
    "wall.next": ("Tiếp theo: {title}", "Next: {title}"),
    "wall.revoked": ("Liên kết màn hình đã bị thu hồi", "This wall link has been revoked"),
    "wall.revoked_help": (
        "Hãy liên hệ bộ phận kỹ thuật của Trung tâm IOC để nhận liên kết mới.",
        "Ask the IOC technical staff for a new link.",
    ),
    "wall.invalid": ("Liên kết màn hình không hợp lệ", "This wall link is not valid"),
    "wall.invalid_help": (
        "Mã trong liên kết không đúng. Hãy kiểm tra lại liên kết hoặc xin liên kết mới.",
        "The token in the link is not recognised. Check the link or ask for a new one.",
    ),
    "wall.link_needed": ("Màn hình này cần liên kết có mã", "This wall needs a link with a token"),
    "wall.link_needed_help": (
        "Xem số liệu cần đăng nhập, nên màn hình chỉ hiển thị khi mở bằng liên kết có mã (token). "
        'Quản trị viên tạo liên kết bằng lệnh: python -m ioc wall-token create --name "TV phòng điều hành"',
        "Viewing requires signing in, so a wall shows data only when opened with a link that carries a "
        'token. An administrator creates one with: python -m ioc wall-token create --name "TV phòng điều hành"',
    ),
    "wall.waiting": ("Đang chờ số liệu…", "Waiting for data…"),
    "wall.waiting_help": (
        "Chưa tải được số liệu (lần thử gần nhất lúc {time}); màn hình tự thử lại sau mỗi {every} giây.",
        "The data could not be loaded (last try at {time}); the wall tries again every {every} seconds.",
    ),
    "wall.empty": ("Chưa có số liệu.", "No data yet."),
    "wall.offline": (
        "⚠ Mất kết nối với máy chủ — đang tự kết nối lại; số liệu trên màn hình có thể đã cũ",
        "⚠ Lost the connection to the server — reconnecting; the figures on screen may be out of date",
    ),
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
    # meeting room (issue 14): the monthly review, its lock, notes and action items, data quality, the pack
    "nav.meeting": ("Họp giao ban", "Meeting"),
    "meeting.title": ("Họp giao ban tháng", "Monthly review meeting"),
    "meeting.locked": ("Số liệu đã khoá", "Figures locked"),
    "meeting.locked_by": (
        "Số liệu đã khoá lúc {time} bởi {who}: các con số trong cuộc họp không thay đổi.",
        "Figures locked at {time} by {who}: the numbers discussed will not move.",
    ),
    "meeting.unlocked": ("Số liệu kỳ này chưa khoá.", "The figures of this period are not locked."),
    "meeting.headline": ("Thay đổi chính", "Headline changes"),
    "meeting.changed": ("Những gì thay đổi", "What changed"),
    "meeting.vs_previous": ("So với kỳ trước ({period})", "Against the previous period ({period})"),
    "meeting.vs_last_year": (
        "So với cùng kỳ năm trước ({period})",
        "Against the same period last year ({period})",
    ),
    "meeting.no_comparison": (
        "Chưa có số liệu kỳ {period} để so sánh.",
        "No figures for {period} to compare with.",
    ),
    "meeting.no_change": (
        "Không có chỉ tiêu nào đổi màu hay biến động đáng kể.",
        "Nothing changed colour or moved.",
    ),
    "meeting.kind.turned_red": ("Chuyển sang chậm kế hoạch", "Turned behind plan"),
    "meeting.kind.turned_green": ("Chuyển sang đạt kế hoạch", "Turned to meeting plan"),
    "meeting.kind.up": ("Tiến bộ nhiều nhất", "Biggest movers up"),
    "meeting.kind.down": ("Đi xuống nhiều nhất", "Biggest movers down"),
    "meeting.units_changed": ("Đơn vị thay đổi ({n})", "Units that changed ({n})"),
    "meeting.at_risk": ("Có nguy cơ không đạt", "At risk"),
    "meeting.at_risk_help": (
        "Chỉ tiêu cần chú ý hoặc chậm kế hoạch, hoặc có tốc độ hiện tại không kịp đạt mục tiêu trước hạn; "
        "xếp theo mức thiếu hụt dự kiến khi đến hạn (điểm % với chỉ tiêu tỷ lệ, % mục tiêu với chỉ tiêu khác).",
        "Indicators at risk or behind plan, or whose current pace does not reach the target by the deadline; "
        "sorted by the shortfall projected at the deadline (pp for percentages, % of the target otherwise).",
    ),
    "meeting.none_at_risk": ("Không có chỉ tiêu nào có nguy cơ.", "Nothing is at risk."),
    "meeting.units_at_risk": ("Đơn vị có nguy cơ ({n})", "Units at risk ({n})"),
    "meeting.pace_vs": ("cần {needed}, đang {observed}", "needs {needed}, now {observed}"),
    "meeting.recorded_now": ("ghi nhận tại cuộc họp này", "recorded at this meeting"),
    "meeting.quality": ("Đúng, đủ, sạch, sống", "Correct, complete, clean, live"),
    "meeting.quality_help": (
        "Chất lượng số liệu của từng sở, ngành trong kỳ, theo bốn tiêu chí của Bộ Khoa học và Công nghệ.",
        "Each department's data quality for the period, by the Ministry's four words.",
    ),
    "meeting.definitions": ("Định nghĩa bốn tiêu chí", "What the four words mean"),
    "meeting.actions": ("Việc cần làm đang mở", "Open action items"),
    "meeting.no_actions": ("Không có việc nào đang mở.", "No open action items."),
    "meeting.notes": ("Ghi chú kỳ này", "Notes for this period"),
    "meeting.no_notes": ("Chưa có ghi chú nào cho kỳ này.", "No notes for this period yet."),
    "meeting.record": ("Ghi nhận quyết định", "Record decisions"),
    "meeting.read_only": (
        "Chỉ xem: quản trị viên đăng nhập để khoá kỳ và ghi nhận ghi chú, việc cần làm.",
        "Read only: an administrator signs in to lock the period and record notes and action items.",
    ),
    "meeting.sign_in": (
        "Quản trị viên: đăng nhập để khoá số liệu và ghi nhận quyết định",
        "Administrators: sign in to lock the figures and record decisions",
    ),
    "meeting.sign_in_title": ("Đăng nhập quản trị", "Administrator sign-in"),
    "meeting.not_admin": (
        "Đã đăng nhập: {name}. Chỉ quản trị viên mới khoá số liệu và ghi nhận quyết định; trang này để xem.",
        "Signed in: {name}. Only an administrator locks the figures and records decisions; this page is for reading.",
    ),
    "meeting.edit": ("Sửa ghi chú hoặc việc cần làm", "Edit a note or action item"),
    "meeting.pick_item": ("Mục cần sửa", "Item to edit"),
    "meeting.edit_help": (
        "Bản sửa là một phiên bản mới; các phiên bản trước vẫn được giữ trong lịch sử bên dưới.",
        "An edit is a new version; the earlier versions stay in the history below.",
    ),
    "meeting.col.version": ("Phiên bản", "Version"),
    "meeting.lock": ("Khoá số liệu kỳ này", "Lock this period"),
    "meeting.unlock": ("Mở khoá kỳ này", "Unlock this period"),
    "meeting.lock_done": ("Đã khoá kỳ {period}.", "Period {period} locked."),
    "meeting.unlock_done": ("Đã mở khoá kỳ {period}.", "Period {period} unlocked."),
    "meeting.lock_history": ("Lịch sử khoá", "Lock history"),
    "meeting.add_note": ("Thêm ghi chú", "Add a note"),
    "meeting.add_action": ("Thêm việc cần làm", "Add an action item"),
    "meeting.close_action": ("Đóng việc", "Close an action item"),
    "meeting.note_text": ("Nội dung", "Text"),
    "meeting.action_text": ("Việc cần làm", "What"),
    "meeting.owner": ("Đơn vị thực hiện", "Owner department"),
    "meeting.due": ("Hạn hoàn thành", "Due date"),
    "meeting.unit_optional": ("Đơn vị (không bắt buộc)", "Unit (optional)"),
    "meeting.whole_indicator": ("— cả chỉ tiêu —", "— the indicator as a whole —"),
    "meeting.closing_note": ("Ghi chú khi đóng", "Closing note"),
    "meeting.save": ("Lưu", "Save"),
    "meeting.saved": ("Đã lưu (#{id}, phiên bản {version}).", "Saved (#{id}, version {version})."),
    "meeting.pick_action": ("Việc", "Action item"),
    "meeting.download": ("Tải bộ tài liệu họp (Excel)", "Download the meeting pack (Excel)"),
    "meeting.print": (
        "In trang này (Ctrl+P): khổ A4 ngang, không có thanh bên và nút bấm.",
        "Print this page (Ctrl+P): A4 landscape, without the sidebar and buttons.",
    ),
    "meeting.counts": ("Số chỉ tiêu theo trạng thái", "Indicators by status"),
    "meeting.completeness": ("Mức đầy đủ số liệu", "Completeness"),
    "meeting.col.behind": ("Mức thiếu hụt", "Shortfall"),
    "meeting.col.pace": ("Tốc độ cần / hiện tại", "Pace needed / observed"),
    "meeting.col.owner": ("Đơn vị chịu trách nhiệm", "Responsible department"),
    "meeting.col.before": ("Trước đó", "Before"),
    "meeting.col.then": ("Khi ghi nhận", "When recorded"),
    "meeting.col.now": ("Hiện nay", "Now"),
    "meeting.col.author": ("Người ghi", "Recorded by"),
    "meeting.col.recorded": ("Thời điểm ghi", "Recorded at"),
    "meeting.col.kind": ("Loại", "Kind"),
    "meeting.state.open": ("Đang mở", "Open"),
    "meeting.state.closed": ("Đã đóng", "Closed"),
    "meeting.state.note": ("Ghi chú", "Note"),
    "meeting.indicator_notes": (
        "Ghi chú và việc cần làm từ các cuộc họp",
        "Notes and action items from meetings",
    ),
    "dq.du": ("Đủ", "Complete"),
    "dq.song": ("Sống", "Live"),
    "dq.sach": ("Sạch", "Clean"),
    "dq.dung": ("Đúng", "Correct"),
    "dq.du_def": (
        "Đủ: trong các giá trị (chỉ tiêu × đơn vị) sở, ngành phải báo cáo cho kỳ, tỷ lệ đã nhận được.",
        "Complete: of the indicator × unit values the department owes for the period, the share received.",
    ),
    "dq.song_def": (
        "Sống: tệp đầu tiên được nhận của kỳ có đến trước hạn báo cáo (giờ Việt Nam) không, trễ bao nhiêu "
        "ngày; chưa nộp mà đã quá hạn thì tính số ngày quá hạn đến hôm nay.",
        "Live: whether the first file taken in for the period arrived by the report deadline (local time) "
        "and how many days late; with nothing in after the deadline, the days overdue until today.",
    ),
    "dq.sach_def": (
        "Sạch: tỷ lệ tệp của kỳ được chấp nhận không có lỗi, và số cảnh báo trên 100 giá trị trong các tệp "
        "được chấp nhận.",
        "Clean: the share of the period's files accepted without errors, and warnings per 100 values in "
        "the files accepted.",
    ),
    "dq.dung_def": (
        "Đúng: số giá trị sau đó bị thay thế (nộp lại) hoặc bị rút, và số giá trị bị đánh dấu bất thường "
        "(lệch xa các xã khác hoặc tăng giảm đột ngột) khi kiểm tra.",
        "Correct: values later superseded (a corrected file) or withdrawn, and values flagged as outliers "
        "or sudden jumps when checked.",
    ),
    "dq.on_time": ("đúng hạn", "on time"),
    "dq.late_days": ("trễ {n} ngày", "{n} days late"),
    "dq.missing_days": ("chưa nộp, quá hạn {n} ngày", "not received, {n} days overdue"),
    "dq.not_due": ("chưa đến hạn", "not yet due"),
    "dq.clean": (
        "{ok}/{n} tệp ({share}); {warn} cảnh báo/100 giá trị",
        "{ok}/{n} files ({share}); {warn} warnings/100 values",
    ),
    "dq.correct": (
        "{replaced}/{sent} giá trị bị thay thế hoặc rút; {outliers} bất thường",
        "{replaced}/{sent} values superseded or withdrawn; {outliers} flagged",
    ),
    "pack.summary": ("Tổng hợp", "Summary"),
    "pack.at_risk": ("Có nguy cơ", "At risk"),
    "pack.actions": ("Việc cần làm", "Action items"),
    "pack.quality": ("Chất lượng số liệu", "Data quality"),
    "pack.title": ("Bộ tài liệu họp giao ban — kỳ {period}", "Meeting pack — period {period}"),
    "pack.data_as_of": ("Số liệu đến", "Data as of"),
    "pack.generated": ("Lập lúc", "Generated at"),
    "pack.lock": ("Tình trạng khoá", "Lock"),
    "pack.total": ("Tổng", "Total"),
    "pack.submission": ("Lần nộp số", "Submission no."),
    "pack.submitted": ("Ngày nộp", "Submitted on"),
    "pack.department": ("Sở, ngành gửi", "Sent by"),
    "pack.judged": ("Đánh giá đến", "Judged to"),
    # accounts and the Upload page a department head uses alone (issue 15)
    "auth.title": ("Đăng nhập để nộp số liệu", "Sign in to upload data"),
    "auth.required": (
        "Cần đăng nhập: chỉ tài khoản của sở, ngành hoặc quản trị viên mới được nộp, rút hay khôi phục số liệu.",
        "Sign in first: only a department or administrator account may upload, withdraw or restore data.",
    ),
    "auth.view_required": ("Cần đăng nhập để xem ứng dụng.", "Sign in to view the app."),
    "auth.username": ("Tên đăng nhập", "User name"),
    "auth.password": ("Mật khẩu", "Password"),
    "auth.submit": ("Đăng nhập", "Sign in"),
    "auth.oidc": ("Đăng nhập bằng tài khoản của tỉnh", "Sign in with the province account"),
    "auth.oidc_unknown": (
        "Tài khoản {email} chưa được cấp quyền trong ứng dụng; hãy đề nghị quản trị viên.",
        "{email} has no account in this app yet; ask the administrator.",
    ),
    "auth.signed_in": ("Đã đăng nhập: {name}", "Signed in: {name}"),
    "auth.sign_out": ("Đăng xuất", "Sign out"),
    "auth.expired": (
        "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.",
        "Your session has expired; please sign in again.",
    ),
    "auth.viewer_only": (
        "Tài khoản này chỉ được xem, không được nộp số liệu.",
        "This account may only view; it cannot upload data.",
    ),
    "role.viewer": ("Người xem", "Viewer"),
    "role.department": ("Sở, ngành", "Department"),
    "role.administrator": ("Quản trị viên", "Administrator"),
    "upload.drop_caption": (
        "Kéo thả tệp vào đây · tối đa {mb} MB · {types}",
        "Drag and drop the file here · up to {mb} MB · {types}",
    ),
    "upload.choose_file": ("Chọn tệp", "Choose file"),
    "upload.nothing_changed": ("Không có gì thay đổi.", "Nothing changed."),
    "upload.warnings_only": ("{n} cảnh báo", "{n} warnings"),
    "upload.replaces": (
        "Lần nộp này sẽ thay thế lần nộp #{id} ({when}, {who})",
        "This submission will replace submission #{id} ({when}, {who})",
    ),
    "upload.diff_title": ("Những gì thay đổi", "What changes"),
    "upload.diff_none": (
        "Không có giá trị nào thay đổi so với lần nộp trước.",
        "No value changes from the previous submission.",
    ),
    "diff.change": ("Thay đổi", "Change"),
    "diff.added": ("Thêm mới", "Added"),
    "diff.changed": ("Sửa", "Changed"),
    "diff.removed": ("Bỏ đi", "Removed"),
    "diff.old": ("Giá trị cũ", "Old value"),
    "diff.new": ("Giá trị mới", "New value"),
    "upload.receipt": ("Biên nhận", "Receipt"),
    "upload.receipt_text": (
        "Lần nộp #{id} · {when} · {who} · {n} giá trị · mã tệp {sha}",
        "Submission #{id} · {when} · {who} · {n} values · file code {sha}",
    ),
    "upload.marked_copy": (
        "Tải bản báo cáo có đánh dấu ô lỗi (.xlsx)",
        "Download the report with the problem cells marked (.xlsx)",
    ),
    "upload.only_ended": (
        "Chỉ nộp được kỳ đã kết thúc; kỳ gần nhất đến hạn: {period} (hạn {deadline}).",
        "Only periods that have ended can be reported; the latest due: {period} (due {deadline}).",
    ),
    "hist.who": ("Người nộp", "Submitted by"),
    "hist.status_note": ("Ghi chú", "Note"),
    "hist.actions": ("Rút hoặc khôi phục một lần nộp", "Withdraw or restore a submission"),
    "hist.pick": ("Lần nộp", "Submission"),
    "hist.reason": ("Lý do (bắt buộc)", "Reason (required)"),
    "hist.withdraw": ("Rút lần nộp", "Withdraw the submission"),
    "hist.restore": ("Khôi phục lần nộp", "Restore the submission"),
    "hist.withdrawn_note": ("Rút bởi {who} lúc {when}: {why}", "Withdrawn by {who} at {when}: {why}"),
    "hist.done_withdraw": ("Đã rút lần nộp #{id}.", "Submission #{id} withdrawn."),
    "hist.done_restore": (
        "Đã khôi phục lần nộp #{id} thành lần nộp #{new}.",
        "Submission #{id} restored as #{new}.",
    ),
    "hist.need_reason": ("Hãy ghi lý do.", "Please give a reason."),
    "issue.severity": ("Mức độ", "Severity"),
    "issue.error": ("Lỗi", "Error"),
    "issue.warning": ("Cảnh báo", "Warning"),
    "issue.sheet": ("Trang tính", "Sheet"),
    "issue.row": ("Dòng", "Row"),
    "issue.column": ("Cột", "Column"),
    "issue.value": ("Giá trị trong tệp", "Value found"),
    "issue.expected": ("Giá trị hợp lệ", "Expected"),
    "issue.message": ("Nội dung", "Problem"),
    "issue.hint": ("Cách sửa", "How to fix"),
    "issue.admin_hint": ("Việc của quản trị viên", "For the administrator"),
    "issue.file": ("Tệp", "File"),
    "issue.line": ("Dòng cấu hình", "Line"),
    "issue.field": ("Mục", "Field"),
    "issue.code": ("Mã lỗi", "Code"),
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
