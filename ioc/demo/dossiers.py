"""Simulated report-system data for the demo: one row per administrative-procedure dossier, and the
procedure statistics table aggregated from the same dossiers.

Rates (online submission, on-time settlement, electronic results, digitisation, online payment) follow
the simulated values of the export-sourced indicators of targets.yaml where one drives the field, so the
dashboard's numbers trend like the department workbooks do. Before 1 July 2025 dossiers are received by
the FORMER communes of the crosswalk.
"""

from __future__ import annotations

import random

import polars as pl

from ioc.config import Config
from ioc.exports_config import FORMER_UNITS_UNTIL, ExportKind
from ioc.periods import period_end, period_start
from ioc.targets import ExportSource, Level

# (procedure, field, fee in VND, working days allowed, level that receives it)
PROCEDURES: list[tuple[str, str, int, int, str]] = [
    ("Đăng ký khai sinh", "Hộ tịch", 0, 1, "commune"),
    ("Đăng ký kết hôn", "Hộ tịch", 0, 3, "commune"),
    ("Đăng ký khai tử", "Hộ tịch", 0, 1, "commune"),
    ("Cấp bản sao trích lục hộ tịch", "Hộ tịch", 8_000, 1, "commune"),
    ("Chứng thực bản sao từ bản chính", "Chứng thực", 2_000, 1, "commune"),
    ("Chứng thực chữ ký", "Chứng thực", 10_000, 1, "commune"),
    ("Đăng ký biến động quyền sử dụng đất", "Đất đai", 50_000, 10, "commune"),
    ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai", 100_000, 20, "commune"),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 75_000, 15, "commune"),
    ("Đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 100_000, 3, "commune"),
    ("Trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", 0, 10, "commune"),
    ("Đăng ký thành lập doanh nghiệp", "Thành lập và hoạt động doanh nghiệp", 50_000, 3, "department"),
    ("Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", 200_000, 10, "department"),
    ("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh", 360_000, 20, "department"),
    ("Cấp giấy phép lái xe", "Đường bộ", 135_000, 10, "department"),
    ("Cấp giấy phép kinh doanh bán lẻ rượu", "Lưu thông hàng hóa", 1_200_000, 10, "department"),
]
# Departments that receive dossiers directly (the rest go through the communes or the centre).
RECEIVING_DEPARTMENTS = [
    "ttpvhcc", "so_tu_phap", "so_xay_dung", "so_y_te", "so_cong_thuong", "so_tai_chinh", "so_nn_mt",
    "so_gd_dt", "so_vh_tt_dl", "so_noi_vu", "so_khcn", "cong_an", "thue_tinh", "bhxh", "nhnn", "vp_ubnd",
]  # fmt: skip

# dossier volume of a receiving department, in the same "inhabitants" unit as the communes' sizes
_DEPARTMENT_SIZE = {"ttpvhcc": 150_000.0, "so_tu_phap": 60_000.0, "so_xay_dung": 60_000.0, "so_y_te": 50_000.0,
                    "so_cong_thuong": 40_000.0, "so_tai_chinh": 60_000.0, "cong_an": 40_000.0}  # fmt: skip

# field → default (start, end) probability over the history when no indicator drives it
_DEFAULT_RATES = {
    "online": (0.45, 0.82),
    "on_time": (0.86, 0.97),
    "e_result": (0.40, 0.85),
    "digitised": (0.35, 0.80),
    "paid_online": (0.30, 0.70),
}
_FLAG_FIELDS = {
    "channel": "online",
    "e_result": "e_result",
    "digitised": "digitised",
    "paid_online": "paid_online",
}


def rate_drivers(config: Config) -> dict[str, str]:
    """Which simulated indicator drives each dossier flag (online, on_time, e_result, …)."""
    kinds = (ExportKind.DOSSIERS, ExportKind.PROCEDURE_STATS)
    ids = {e.id for e in config.targets.exports if e.kind in kinds}
    out: dict[str, str] = {}
    for ind in config.targets.indicators:
        src = ind.source
        if not isinstance(src, ExportSource) or src.export not in ids or src.numerator is None:
            continue
        if ind.unit.value != "percent" or Level.COMMUNE not in ind.levels:
            continue
        if src.numerator.sum is not None:  # statistics table: received_online / settled_on_time …
            measures = set(src.numerator.sum)
            if measures & {"received_online"}:
                out.setdefault("online", ind.id)
            elif measures & {"settled_on_time", "settled_early"}:
                out.setdefault("on_time", ind.id)
            continue
        for c in src.numerator.conditions():  # dossier list: {channel: online}, result_date ≤ due_date …
            if c.field in _FLAG_FIELDS and c.operator in ("eq", "in"):
                out.setdefault(_FLAG_FIELDS[c.field], ind.id)
            elif c.field == "result_date" and c.operator in ("le_field", "lt_field"):
                out.setdefault("on_time", ind.id)
    return out


def rates_for(config: Config, values: pl.DataFrame, months: list[str]) -> pl.DataFrame:
    """Per commune and month the probability of each flag: from the driving indicator or a default trend."""
    communes = config.registry.commune_codes()
    n = max(len(months) - 1, 1)
    base = pl.DataFrame({"unit_code": communes}).join(
        pl.DataFrame({"period": months, "step": [i / n for i in range(len(months))]}), how="cross"
    )
    drivers = rate_drivers(config)
    for flag, (a, b) in _DEFAULT_RATES.items():
        ind = drivers.get(flag)
        default = pl.lit(a) + (b - a) * pl.col("step")
        if ind is None:
            base = base.with_columns(default.alias(flag))
            continue
        v = values.filter(pl.col("indicator") == ind).select(
            "unit_code", "period", (pl.col("value") / 100).alias(flag)
        )
        base = base.join(v, on=["unit_code", "period"], how="left").with_columns(
            pl.col(flag).fill_null(default)
        )
    return base.with_columns(pl.col(f).clip(0.0, 1.0) for f in _DEFAULT_RATES).drop("step")


def _receivers(config: Config, period: str, sizes: pl.DataFrame) -> pl.DataFrame:
    """Receiving units of a month: unit_code (current commune or department), label, weight (dossier share)."""
    reg = config.registry
    communes = reg.communes.select(
        pl.col("code").alias("unit_code"), pl.col("display_name").alias("label")
    ).join(sizes, on="unit_code")
    month_end = period_start(period).replace(day=28)
    if month_end <= FORMER_UNITS_UNTIL and reg.crosswalk is not None:
        # the former communes received the dossiers: their share of today's commune, by crosswalk weight
        xw = reg.crosswalk.with_columns(
            (
                pl.col("former_type").str.slice(0, 1).str.to_uppercase()
                + pl.col("former_type").str.slice(1)
                + " "
                + pl.col("former_name")
            ).alias("label")
        )
        per = xw.group_by("code").agg(pl.col("weight").sum().alias("total"))
        communes = (
            xw.join(per, on="code")
            .join(sizes, left_on="code", right_on="unit_code")
            .select(
                pl.col("code").alias("unit_code"),
                pl.col("former_code").alias("receiver"),
                "label",
                (pl.col("size") * pl.col("weight") / pl.col("total")).alias("size"),
            )
        )
    else:
        communes = communes.with_columns(pl.col("unit_code").alias("receiver"))
    deps = reg.departments.filter(pl.col("id").is_in(RECEIVING_DEPARTMENTS)).select(
        pl.col("id").alias("unit_code"),
        pl.col("id").alias("receiver"),
        pl.col("name_vi").alias("label"),
        # the service centre receives most department-level dossiers; the big departments follow
        pl.col("id")
        .replace_strict(_DEPARTMENT_SIZE, default=15_000.0, return_dtype=pl.Float64)
        .alias("size"),
    )
    return pl.concat(
        [communes.select("unit_code", "receiver", "label", pl.col("size").cast(pl.Float64)), deps]
    )


def dossiers_for_month(
    config: Config,
    period: str,
    rates: pl.DataFrame,
    sizes: pl.DataFrame,
    rng: random.Random,
    per_10k: float = 16.0,
) -> pl.DataFrame:
    """One month's dossiers with canonical fields and values (channel online/in_person/postal, yes/no)."""
    recv = _receivers(config, period, sizes)
    counts = [max(1, round(s / 10_000 * per_10k * rng.uniform(0.7, 1.3))) for s in recv.get_column("size")]
    recv = recv.with_columns(pl.Series("n", counts)).sort("receiver")
    df = recv.select(pl.all().repeat_by("n").explode()).drop("n")
    n = df.height
    first, days_in = period_start(period), period_end(period).day
    is_dep = df.get_column("unit_code").is_in(config.registry.departments.get_column("id").implode())
    commune_procs = [i for i, p in enumerate(PROCEDURES) if p[4] == "commune"]
    dep_procs = [i for i, p in enumerate(PROCEDURES) if p[4] == "department"]
    proc = [rng.choice(dep_procs if d else commune_procs) for d in is_dep.to_list()]
    u = {k: [rng.random() for _ in range(n)] for k in ("ch", "ch2", "t", "late", "e", "dg", "pay", "open")}
    day = [rng.randint(1, days_in) for _ in range(n)]
    df = df.with_columns(
        pl.Series("proc", proc),
        pl.Series("day", day),
        *(pl.Series(f"u_{k}", v) for k, v in u.items()),
        pl.lit(period).alias("period"),
    )
    # departments follow the province-wide mean rates of the month
    mean = rates.filter(pl.col("period") == period).select(pl.exclude("unit_code", "period").mean())
    dep_rates = pl.DataFrame(
        {"unit_code": RECEIVING_DEPARTMENTS, "period": [period] * len(RECEIVING_DEPARTMENTS)}
    )
    dep_rates = dep_rates.join(mean, how="cross")
    df = df.join(
        pl.concat([rates.filter(pl.col("period") == period), dep_rates]),
        on=["unit_code", "period"],
        how="left",
    )
    procs = pl.DataFrame(
        {
            "proc": list(range(len(PROCEDURES))),
            "procedure": [p[0] for p in PROCEDURES],
            "field": [p[1] for p in PROCEDURES],
            "fee": [float(p[2]) for p in PROCEDURES],
            "days": [p[3] for p in PROCEDURES],
        }
    )
    df = df.join(procs, on="proc", how="left")
    received = pl.date(first.year, first.month, pl.col("day"))
    due = received.dt.add_business_days(pl.col("days"), roll="forward")
    # settled early / on the day / late; the last days' dossiers are more often still in progress
    still_open = pl.col("u_open") < (0.04 + 0.25 * (pl.col("day") > days_in - 5).cast(pl.Float64))
    on_time = pl.col("u_t") < pl.col("on_time")
    early_days = (pl.col("u_late") * pl.col("days")).floor().cast(pl.Int32)
    result = (
        pl.when(still_open)
        .then(None)
        .when(on_time)
        .then(due.dt.add_business_days(-early_days))
        .otherwise(due.dt.add_business_days(1 + (pl.col("u_late") * 6).floor().cast(pl.Int32)))
    )
    yes_no = lambda cond: pl.when(cond).then(pl.lit("yes")).otherwise(pl.lit("no"))  # noqa: E731
    out = df.with_columns(
        received.alias("received_date"),
        due.alias("due_date"),
        result.alias("result_date"),
        pl.when(pl.col("u_ch") < pl.col("online"))
        .then(pl.lit("online"))
        .when(pl.col("u_ch2") < 0.15)
        .then(pl.lit("postal"))
        .otherwise(pl.lit("in_person"))
        .alias("channel"),
    ).with_columns(
        yes_no(pl.col("result_date").is_not_null() & (pl.col("u_e") < pl.col("e_result"))).alias("e_result"),
        yes_no(pl.col("u_dg") < pl.col("digitised")).alias("digitised"),
        yes_no(
            (pl.col("fee") > 0) & (pl.col("channel") == "online") & (pl.col("u_pay") < pl.col("paid_online"))
        ).alias("paid_online"),
    )
    out = out.sort("received_date", "receiver", "u_ch").with_columns(
        (
            pl.lit(f"H{config.targets.province.code}.")
            + pl.col("receiver")
            + pl.lit("-")
            + pl.col("received_date").dt.strftime("%y%m%d")
            + pl.lit("-")
            + (pl.int_range(pl.len()).over("receiver", "received_date") + 1).cast(pl.String).str.zfill(4)
        ).alias("code")
    )
    return out.select(
        "code",
        "procedure",
        "field",
        pl.col("label").alias("unit"),
        "receiver",
        "unit_code",
        "channel",
        "received_date",
        "due_date",
        "result_date",
        "e_result",
        "digitised",
        "fee",
        "paid_online",
    )


def procedure_stats(dossiers: pl.DataFrame, carried: pl.DataFrame | None) -> pl.DataFrame:
    """The statistics table of a month per receiving unit (label), from its dossiers.

    `carried` (receiver, in_progress_total) is the previous month's dossiers still open: they count as
    received from the previous period and settled on time this month.
    """
    settled = pl.col("result_date").is_not_null()
    # one row per receiving unit: a former commune split between two of today's is still one row
    agg = dossiers.group_by("receiver", "unit").agg(
        pl.col("unit_code").first(),
        (pl.col("channel") == "online").sum().alias("received_online"),
        (pl.col("channel") != "online").sum().alias("received_offline"),
        (settled & (pl.col("result_date") < pl.col("due_date"))).sum().alias("settled_early"),
        (settled & (pl.col("result_date") == pl.col("due_date"))).sum().alias("settled_on_time"),
        (settled & (pl.col("result_date") > pl.col("due_date"))).sum().alias("settled_late"),
        (~settled).sum().alias("in_progress_total"),
    )
    if carried is None:
        agg = agg.with_columns(pl.lit(0, dtype=pl.UInt32).alias("received_carried_over"))
    else:
        agg = agg.join(
            carried.select("receiver", pl.col("in_progress_total").alias("received_carried_over")),
            on="receiver",
            how="left",
        ).with_columns(pl.col("received_carried_over").fill_null(0))
    last_day = dossiers.get_column("received_date").max()
    open_due = (
        dossiers.filter(~settled)
        .group_by("receiver")
        .agg((pl.col("due_date") < last_day).sum().alias("in_progress_overdue"))
    )
    agg = agg.join(open_due, on="receiver", how="left").with_columns(
        pl.col("in_progress_overdue").fill_null(0)
    )
    return (
        agg.with_columns(
            (pl.col("received_online") + pl.col("received_offline") + pl.col("received_carried_over")).alias(
                "received_total"
            ),
            # carried-over dossiers are settled on time this month
            (pl.col("settled_on_time") + pl.col("received_carried_over")).alias("settled_on_time"),
            (pl.col("in_progress_total") - pl.col("in_progress_overdue")).alias("in_progress_on_time"),
        )
        .with_columns(
            (pl.col("settled_early") + pl.col("settled_on_time") + pl.col("settled_late")).alias(
                "settled_total"
            ),
        )
        .select(
            "receiver",
            "unit",
            "unit_code",
            "received_total",
            "received_online",
            "received_offline",
            "received_carried_over",
            "settled_total",
            "settled_early",
            "settled_on_time",
            "settled_late",
            "in_progress_total",
            "in_progress_on_time",
            "in_progress_overdue",
        )
        .sort(pl.col("unit_code").str.contains(r"^\d").not_(), "receiver")
    )
