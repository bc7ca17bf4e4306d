"""The demo history's script: which files arrive when (`plan`), and the bytes of each (`History`).

Deterministic from the seed: which department-months are missing, late or faulty, every value, every
file's bytes. Department workbooks come from `ioc.template` filled in by `ioc.demo.workbooks`; the
report-system exports from `ioc.demo.dossiers` written by `ioc.export_writers`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ioc import template as tpl
from ioc.config import Config
from ioc.demo.dossiers import dossiers_for_month, procedure_stats, rates_for
from ioc.demo.values import simulate, unit_sizes
from ioc.demo.workbooks import Fault, WorkbookMaker, stable_xlsx
from ioc.exports_config import ExportKind
from ioc.periods import is_due, last_month_expr, parse_period, period_end
from ioc.targets import Frequency, Level, Rollup

# (scenario, department, where in the history as a fraction of the months)
SCENARIOS: list[tuple[str, str, float]] = [
    ("percent-over-100", "cong_an", 0.25),
    ("supersede", "so_noi_vu", 0.4),
    ("unknown-commune", "bhxh", 0.55),
    ("wide", "so_y_te", 0.65),
    ("text-in-value", "thue_tinh", 0.8),
]
MISSING_RATE = 0.05
MISSING_RATE_LAST = 0.15  # the latest month: some reports are not in yet
LATE_RATE = 0.08


@dataclass(frozen=True)
class Event:
    """One file arriving at the IOC, in story time."""

    at: dt.datetime
    period: str
    kind: str  # workbook | wide | dossiers | procedure_stats
    department: str | None
    name: str
    expect: str  # accepted | rejected
    scenario: str = "regular"  # regular | late | a fault | resubmission | revision | wide
    fault: Fault | None = None
    revise: bool = False  # a corrected version of an accepted file


def _next_month(period: str) -> dt.date:
    return period_end(period) + dt.timedelta(days=1)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 17), rng.randint(0, 59)))


def _scenario_months(months: list[str]) -> dict[str, str]:
    """The month of each scenario within this run (every scenario happens, even in a 3-month run)."""
    out = {}
    after_merger = [m for m in months if m >= "2025-07"]
    for name, _dept, frac in SCENARIOS:
        pool = after_merger if name == "unknown-commune" and after_merger else months
        month = pool[min(len(pool) - 1, int(frac * len(pool)))]
        if name == "wide" and is_due(Frequency.QUARTERLY, month) and len(pool) > 1:
            # a quarter-end month would also carry province-level quarterly rows the wide sheet lacks
            i = pool.index(month)
            month = pool[i - 1] if i > 0 else pool[i + 1]
        out[name] = month
    return out


def plan(config: Config, months: list[str], seed: int) -> list[Event]:
    """Every file of the history, in the order it arrives: department workbooks (some missing, some
    late, a few faulty and resubmitted) and each month's two report-system exports."""
    rng = random.Random(f"{seed}:plan")
    departments = sorted(config.registry.departments["id"].to_list())
    scen_month = _scenario_months(months)
    scen_at = {(dept, scen_month[name]): name for name, dept, _ in SCENARIOS}
    events: list[Event] = []
    for k, period in enumerate(months):
        nxt = _next_month(period)
        last = k == len(months) - 1
        for dept in departments:
            if not tpl.due_indicators(config, dept, period):
                continue
            name = f"{dept}.xlsx"
            scenario = scen_at.get((dept, period))
            on_time = _at(nxt + dt.timedelta(days=rng.randint(0, 4)), rng)
            if scenario is None:
                if rng.random() < (MISSING_RATE_LAST if last else MISSING_RATE):
                    continue
                late = rng.random() < LATE_RATE
                when = _at(nxt + dt.timedelta(days=rng.randint(10, 24)), rng) if late else on_time
                events.append(
                    Event(when, period, "workbook", dept, name, "accepted", "late" if late else "regular")
                )
            elif scenario == "wide":
                events.append(
                    Event(on_time, period, "wide", dept, f"{dept}-bang-ngang.xlsx", "accepted", "wide")
                )
            elif scenario == "supersede":
                events.append(Event(on_time, period, "workbook", dept, name, "accepted", "regular"))
                events.append(
                    Event(
                        on_time + dt.timedelta(days=8),
                        period,
                        "workbook",
                        dept,
                        f"{dept}-dieu-chinh.xlsx",
                        "accepted",
                        "revision",
                        revise=True,
                    )
                )
            else:
                events.append(
                    Event(on_time, period, "workbook", dept, name, "rejected", scenario, fault=scenario)
                )
                events.append(
                    Event(
                        on_time + dt.timedelta(days=1, hours=2),
                        period,
                        "workbook",
                        dept,
                        f"{dept}-nop-lai.xlsx",
                        "accepted",
                        "resubmission",
                    )
                )
        export_at = dt.datetime.combine(nxt + dt.timedelta(days=1), dt.time(6, 30))
        events.append(Event(export_at, period, "dossiers", None, f"danh-sach-ho-so-{period}.csv", "accepted"))
        events.append(
            Event(
                export_at + dt.timedelta(minutes=5),
                period,
                "procedure_stats",
                None,
                f"bao-cao-tthc-{period}.xlsx",
                "accepted",
            )
        )
    return sorted(events, key=lambda e: e.at)


class History:
    """Makes each planned file's bytes from the simulated values."""

    def __init__(self, config: Config, months: list[str], seed: int):
        self.config = config
        self.seed = seed
        self.values = simulate(config, months, seed)
        self.sizes = unit_sizes(config, seed)
        self.rates = rates_for(config, self.values, months)
        self.maker = WorkbookMaker(config)
        self.months = list(months)
        self._open: dict[
            str, pl.DataFrame
        ] = {}  # per month: its dossiers still open at the end, per receiver
        owners = {i.id: i.owner for i in config.targets.indicators}
        self.values = self.values.with_columns(
            pl.col("indicator").replace_strict(owners).alias("owner"),
            # the month whose workbook carries the value
            last_month_expr("period").alias("month"),
        )
        self._by_owner = self.values.partition_by("owner", as_dict=True)
        # indicators whose province value is a sum typed beside its communes' values
        self._totals = sorted(
            i.id
            for i in config.targets.indicators
            if i.rollup == Rollup.SUM and {Level.PROVINCE, Level.COMMUNE} <= set(i.levels)
        )
        self.submitted = pl.DataFrame(schema={"month": pl.String})  # per department, set by `expect`

    def expect(self, events: list[Event]) -> None:
        """The department-months that will be accepted: "previous period" cells show only those values."""
        pairs = {
            (e.department, e.period)
            for e in events
            if e.kind in ("workbook", "wide") and e.expect == "accepted"
        }
        self.submitted = pl.DataFrame(sorted(pairs), schema=["owner", "month"], orient="row")

    def _filled(self, dept: str, period: str, rng: random.Random, revise: bool) -> pl.DataFrame:
        rows = self.maker.rows(dept, period)
        mine = self._by_owner.get((dept,), self.values.clear())
        prev = mine.filter(pl.col("period") < period)
        if "owner" in self.submitted.columns:
            prev = prev.join(self.submitted, on=["owner", "month"], how="semi")
        prev = prev.select("indicator", "unit_code", "period", "value")
        rows = tpl.attach_previous(rows, prev)
        rows = rows.join(
            mine.select("indicator", "unit_code", "period", "value", "numerator", "denominator"),
            on=["indicator", "unit_code", "period"],
            how="left",
            maintain_order="left",
        )
        # about one commune row in a hundred is left blank: not yet known. Never a commune of a total the
        # same workbook types for the province: that total adds up every commune, so a commune left out
        # would make the province disagree with its communes (17 villages vs the communes' 14)
        blank = [rng.random() < 0.01 for _ in range(rows.height)]
        is_commune = pl.col("level") == "commune"
        rows = rows.with_columns(pl.Series("_blank", blank))
        may_blank = is_commune & pl.col("value").is_not_null() & ~pl.col("indicator").is_in(self._totals)
        rows = rows.with_columns(pl.col("_blank") & may_blank).with_columns(
            pl.when(pl.col("_blank")).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("value", "numerator", "denominator")
        )  # `_blank` stays: which values the officer left out (see `reported`)
        if revise:  # a corrected version: a handful of commune values revised upwards
            fix = [rng.random() < 0.05 for _ in range(rows.height)]
            rows = (
                rows.with_columns(pl.Series("_fix", fix))
                .with_columns(
                    pl.when(pl.col("_fix") & is_commune & (pl.col("measure") == "percent") & ~pl.col("ratio"))
                    .then((pl.col("value") + 1.5).clip(0, 100))
                    .otherwise(pl.col("value"))
                    .alias("value"),
                    pl.when(pl.col("_fix") & is_commune & pl.col("ratio"))
                    .then((pl.col("numerator") + 1).clip(None, pl.col("denominator")))
                    .otherwise(pl.col("numerator"))
                    .alias("numerator"),
                )
                .drop("_fix")
            )
            per = pl.when(pl.col("measure") == "percent").then(100.0).otherwise(1.0)
            rows = rows.with_columns(
                pl.when(pl.col("ratio") & pl.col("denominator").is_not_null())
                .then((pl.col("numerator") / pl.col("denominator") * per).round(2))
                .otherwise(pl.col("value"))
                .alias("value")
            )
        return rows

    def _former_name(self) -> str:
        """A pre-2025 commune name that is not today's name of any commune (for the unknown-commune file)."""
        xw = self.config.registry.crosswalk
        today = set(self.config.registry.communes["name"].to_list())
        names = (
            [] if xw is None else [n for n in xw["former_name"].unique().sort().to_list() if n not in today]
        )
        return f"Xã {names[len(names) // 2]}" if names else "Xã Không Tồn Tại"

    def _rng(self, ev: Event) -> random.Random:
        return random.Random(f"{self.seed}:{ev.period}:{ev.department}:{ev.name}")

    def reported(self, ev: Event) -> pl.DataFrame:
        """indicator, unit_code, blank: every value the event's workbook would carry, and whether the officer
        left it blank (a wide sheet has only its communes) — what an accepted file puts in the ledger."""
        filled = self._filled(ev.department or "", ev.period, self._rng(ev), ev.revise)
        if ev.kind == "wide":
            filled = filled.filter(pl.col("level") == "commune")
        return filled.filter(pl.col("value").is_not_null() | pl.col("_blank")).select(
            "indicator", "unit_code", pl.col("_blank").alias("blank")
        )

    def workbook(self, ev: Event) -> bytes:
        """A department workbook for the event (long layout, or wide for the wide scenario)."""
        rng = self._rng(ev)
        filled = self._filled(ev.department or "", ev.period, rng, ev.revise)
        when = dt.datetime.combine(_next_month(ev.period), dt.time(0, 0))
        if ev.kind == "wide":
            return self.maker.wide(ev.department or "", ev.period, filled, when)
        text = self._former_name() if ev.fault == "unknown-commune" else None
        return self.maker.long(ev.department or "", ev.period, filled, when, fault=ev.fault, fault_text=text)

    def _dossiers(self, period: str) -> pl.DataFrame:
        rng = random.Random(f"{self.seed}:dossiers:{period}")
        return dossiers_for_month(self.config, period, self.rates, self.sizes, rng)

    def _carried(self, period: str) -> pl.DataFrame | None:
        """The previous month's dossiers still open (received from the previous period): made from that
        month's own dossiers, so a month's files are the same bytes whichever order the months are made in."""
        i = self.months.index(period) if period in self.months else 0
        if i == 0:
            return None  # the history's first month: nothing carried over
        prev = self.months[i - 1]
        if prev not in self._open:
            self._open[prev] = procedure_stats(self._dossiers(prev), None).select(
                "receiver", "in_progress_total"
            )
        return self._open[prev]

    def exports(self, period: str, folder: Path) -> tuple[Path, Path]:
        """The month's dossier list (CSV) and procedure statistics report (xlsx), written into `folder`."""
        from ioc.export_writers import write_dossiers, write_procedure_report

        dossiers = self._dossiers(period)
        stats = procedure_stats(dossiers, self._carried(period))
        self._open[period] = stats.select("receiver", "in_progress_total")
        export = next((e for e in self.config.targets.exports if e.kind == ExportKind.DOSSIERS), None)
        headers, labels = {}, {}
        if export is not None:
            headers = {f: spec.labels[0] for f, spec in export.column_specs().items() if spec.labels}
            labels = {
                f: {canon: vals[0] for canon, vals in v.items()} for f, v in export.vocabularies().items()
            }
        fields = [
            "code",
            "procedure",
            "field",
            "unit",
            "channel",
            "received_date",
            "due_date",
            "result_date",
            "e_result",
            "digitised",
            "fee",
            "paid_online",
        ]
        # the dossier list is the communes' (its indicators are measured for communes, not departments)
        communes_only = dossiers.filter(pl.col("unit_code").str.contains(r"^\d+$"))
        frame = communes_only.with_columns(
            pl.col(f).replace(labels[f])
            for f in ("channel", "e_result", "digitised", "paid_online")
            if f in labels
        ).select(fields)
        dos_path = folder / f"danh-sach-ho-so-{period}.csv"
        write_dossiers(
            dos_path, frame.iter_rows(named=True), fmt="csv-utf8-bom", headers=headers, fields=fields
        )
        y, m = parse_period(period).year, parse_period(period).index
        deps = stats.filter(~pl.col("unit_code").str.contains(r"^\d+$")).drop("receiver", "unit_code")
        communes = stats.filter(pl.col("unit_code").str.contains(r"^\d+$")).drop("receiver", "unit_code")
        stats_path = folder / f"bao-cao-tthc-{period}.xlsx"
        write_procedure_report(
            stats_path,
            [],
            period_text=f"Kỳ báo cáo: Tháng {m}/{y} (từ ngày 01/{m:02d}/{y} đến hết ngày cuối tháng)",
            agency=f"UBND {self.config.targets.province.name.vi.split(' (')[0].upper()}",
            groups=[("Cấp tỉnh", deps.to_dicts()), ("Cấp xã", communes.to_dicts())],
        )
        when = dt.datetime.combine(_next_month(period), dt.time(6, 0))
        stats_path.write_bytes(stable_xlsx(stats_path.read_bytes(), when))
        return dos_path, stats_path
