"""The app's first start with the demo province: the files the opening view depends on are ingested while
the user waits, the rest of the history fills in behind it, and the app can say how far that has got.

Every file still goes through the real ingest path; only the order changes. The opening set is chosen so
that every unit's score for the latest month and the month before (which the overview compares with) is
what the complete history gives: for each department and each frequency it reports, its latest accepted
workbook up to each of those two months — and earlier ones while a cell left blank hides a unit's latest
value — plus the first one for indicators whose commune targets are shares of the first reported period;
the report-system exports of the two latest months up to each (a commune without a dossier in a month has
no rate that month). A test checks the equality on a short history. Until the rest is in, every page says
the earlier history is still loading (`progress`, `filling_text`), so a partial history is never shown
as complete.

The background fill is a separate, lower-priority process that records its progress and a heartbeat in
`data_dir/demo/seeding.json`; a fill cut short (server stopped) resumes on the next start, skipping the
files the ledger already holds.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from sqlalchemy import Engine

from ioc import template as tpl
from ioc.config import Config
from ioc.demo.plan import Event, History, plan
from ioc.demo.seed import (
    FIRST_MONTH,
    LAST_MONTH,
    ROOT,
    generate,
    has_submissions,
    stream_of,
    worker_env,
)
from ioc.demo.units import DEFAULT_SEED
from ioc.demo.values import month_range
from ioc.targets import ExportSource, Level, Rollup

log = logging.getLogger(__name__)

STATE_FILE = "seeding.json"
HEARTBEAT_SECONDS = 60.0  # a fill that has not reported for this long has stopped
# The opening set on 2 cores, measured with bench/bench_first_start.py (the wait screen's estimate).
FIRST_PHASE_SECONDS_2_CORES = 12

Stage = Literal["first", "rest", "done"]
_FILLERS: list[
    subprocess.Popen[bytes]
] = []  # background fills started by this process (reaped by `progress`)


# ---- which files open the app ------------------------------------------------------------------------


def _streams_of_indicators(config: Config) -> tuple[dict[str, set], dict[str, set]]:
    """Per stream (a department, or "exports"): the frequencies it reports, and those whose first period
    decides commune targets (a summed provincial target shared out by the first reported values)."""
    reports: dict[str, set] = {}
    first_matters: dict[str, set] = {}
    for ind in config.targets.indicators:
        stream = "exports" if isinstance(ind.source, ExportSource) else ind.owner
        reports.setdefault(stream, set()).add(ind.frequency)
        if ind.rollup == Rollup.SUM and {Level.COMMUNE, Level.PROVINCE} <= set(ind.levels):
            first_matters.setdefault(stream, set()).add(ind.frequency)
    return reports, first_matters


def opening_pairs(
    config: Config, events: list[Event], months: list[str], history: History
) -> set[tuple[str, str]]:
    """(stream, month) pairs whose files the overview of the latest month and the month before depend on."""
    by_month: dict[tuple[str, str], list[Event]] = {}
    for ev in events:
        if ev.expect == "accepted":
            by_month.setdefault((stream_of(ev), ev.period), []).append(ev)
    reports, first_matters = _streams_of_indicators(config)
    frequency = {ind.id: ind.frequency for ind in config.targets.indicators}
    pairs: set[tuple[str, str]] = set()
    for stream in sorted({s for s, _ in by_month}):
        have = sorted(m for s, m in by_month if s == stream)
        for freq in reports.get(stream, set()):
            carrying = [m for m in have if tpl.is_due(freq, m)]
            if not carrying:
                continue
            if freq in first_matters.get(stream, set()):
                pairs.add((stream, carrying[0]))
            for bound in months[-2:]:
                upto = [m for m in carrying if m <= bound]
                if stream == "exports":
                    # a commune with no dossier in a month reports no rate that month: one month more
                    pairs |= {(stream, m) for m in upto[-2:]}
                    continue
                for m in _back_to_every_value(
                    upto, [by_month[(stream, m)] for m in upto], history, freq, frequency
                ):
                    pairs.add((stream, m))
    return pairs


def _back_to_every_value(
    months: list[str], files: list[list[Event]], history: History, freq: object, frequency: dict[str, object]
) -> list[str]:
    """The latest of `months`, and earlier ones until every value of frequency `freq` that the department
    reports has been found at least once (a cell left blank in the latest file shows the one before)."""
    wanted: set[tuple[str, str]] | None = None
    found: set[tuple[str, str]] = set()
    out = []
    for month, evs in zip(reversed(months), reversed(files), strict=True):
        out.append(month)
        for ev in evs:
            rows = history.reported(ev).filter(
                pl.col("indicator").replace_strict(frequency, default=None) == freq
            )
            keys = set(rows.select("indicator", "unit_code").iter_rows())
            wanted = keys if wanted is None else wanted
            found |= set(rows.filter(~pl.col("blank")).select("indicator", "unit_code").iter_rows())
        if wanted is not None and wanted <= found:
            break
    return out


def split(
    config: Config, events: list[Event], months: list[str], history: History | None = None
) -> tuple[list[Event], list[Event]]:
    """The events of the opening set (every file of a chosen department-month, rejected ones and their
    resubmissions included) and the rest, each in arrival order."""
    if history is None:
        history = History(config, months, DEFAULT_SEED)
    pairs = opening_pairs(config, events, months, history)
    first = [ev for ev in events if (stream_of(ev), ev.period) in pairs]
    rest = [ev for ev in events if (stream_of(ev), ev.period) not in pairs]
    return first, rest


# ---- progress ------------------------------------------------------------------------------------------


@dataclass
class Seeding:
    """Where the demo's seeding stands (the contents of `seeding.json`)."""

    stage: Stage
    months_total: int
    months_done: int
    beat: float  # time.time() of the last sign of life

    @property
    def running(self) -> bool:
        """Whether a seeding process reported recently (a stopped fill resumes on the next start)."""
        return self.stage != "done" and time.time() - self.beat < HEARTBEAT_SECONDS


def _state_path(data_dir: Path) -> Path:
    return Path(data_dir) / "demo" / STATE_FILE


def read_state(data_dir: Path) -> Seeding | None:
    """The recorded seeding state, or None when this data folder was never seeded by a first start."""
    try:
        raw = json.loads(_state_path(data_dir).read_text(encoding="utf-8"))
        return Seeding(**raw)
    except (OSError, ValueError, TypeError):
        return None


def _write_state(data_dir: Path, state: Seeding) -> None:
    path = _state_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file


def progress(data_dir: Path) -> Seeding | None:
    """The seeding state while the history is still incomplete; None when nothing is pending."""
    for proc in list(_FILLERS):
        if proc.poll() is not None:
            _FILLERS.remove(proc)
    state = read_state(data_dir)
    return None if state is None or state.stage == "done" else state


def _months_left(events: list[Event]) -> Counter:
    return Counter(ev.period for ev in events)


# ---- seeding -------------------------------------------------------------------------------------------


def ensure_demo(
    config: Config,
    engine: Engine,
    data_dir: Path,
    *,
    background: bool = False,
    months: list[str] | None = None,
) -> bool:
    """Seed the demo history when the ledger is empty (the app's first start); True when it did.

    The opening set is ingested now, in this process. The rest follows in this call, or with
    `background=True` in a lower-priority process while the app is already in use (`progress` says how
    far it has got). A fill interrupted earlier is resumed. `months`: the history (default: the demo's).
    """
    from ioc.store import migrate

    migrate(engine)
    data_dir = Path(data_dir)
    state = read_state(data_dir)
    empty = not has_submissions(engine)
    if not empty and (state is None or state.stage == "done" or (state.stage == "rest" and state.running)):
        return False
    months = months or month_range(FIRST_MONTH, LAST_MONTH)
    events = plan(config, months, DEFAULT_SEED)
    left = _months_left(split(config, events, months)[1])
    seeded = False
    if empty or state is None or state.stage == "first":
        _write_state(data_dir, Seeding("first", len(months), 0, time.time()))
        # one process: the opening set is ~35 files, and a second interpreter's start-up (imports, config,
        # simulation: ~2.5 s of CPU) costs about what it would save on two cores (measured)
        summary = generate(config, data_dir, engine=engine, months=months, phase="first", workers=1)
        log.info("demo province: opening months seeded: %s", summary.line())
        for line in summary.unexpected:
            log.warning("demo seeding: %s", line)
        seeded = True
    _write_state(data_dir, Seeding("rest", len(months), len(months) - len(left), time.time()))
    url = engine.url
    in_memory = url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:")
    if background and not in_memory:
        _start_fill(config, data_dir, url.render_as_string(hide_password=False), months)
    else:
        fill(config, data_dir, engine, DEFAULT_SEED, months)
    return seeded


def _start_fill(config: Config, data_dir: Path, url: str, months: list[str]) -> None:
    """Start the background fill as a fresh interpreter (never a fork of the threaded server)."""
    cmd = [sys.executable, "-m", "ioc.demo", "history", "--fill", "--months", f"{months[0]}:{months[-1]}"]
    logs = data_dir / "demo"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "fill.log").open("ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=worker_env(config, data_dir, url), stdout=out, stderr=subprocess.STDOUT
        )
    _FILLERS.append(proc)


def fill(
    config: Config, data_dir: Path, engine: Engine, seed: int, months: list[str], *, nice: bool = False
) -> int:
    """Ingest the rest of the history, recording progress; the exit status. `nice` lowers this process's
    priority (the background fill: the app's page runs come first on a small machine)."""
    if nice and hasattr(os, "nice"):
        os.nice(10)
    data_dir = Path(data_dir)
    left = _months_left(split(config, plan(config, months, seed), months)[1])
    done = len(months) - len(left)
    _write_state(data_dir, Seeding("rest", len(months), done, time.time()))

    def on_file(ev: Event) -> None:
        nonlocal done
        left[ev.period] -= 1
        if left[ev.period] == 0:
            done += 1
        _write_state(data_dir, Seeding("rest", len(months), done, time.time()))

    summary = generate(
        config, data_dir, engine=engine, seed=seed, months=months, phase="rest", on_file=on_file
    )
    log.info("demo province: history filled: %s", summary.line())
    for line in summary.unexpected:
        log.warning("demo seeding: %s", line)
    _write_state(data_dir, Seeding("done", len(months), len(months), time.time()))
    return 1 if summary.unexpected else 0


# ---- what the app says (the demo owns these words; ioc.labels owns the product's) -----------------------


def wait_text(lang: str) -> str:
    """The first-start wait screen's line, with the expected wait on this machine."""
    cores = max(1, min(2, os.cpu_count() or 1))
    seconds = round(FIRST_PHASE_SECONDS_2_CORES * 2 / cores / 5) * 5 or 5
    if lang == "vi":
        return f"Đang tạo tỉnh mẫu lần đầu… (khoảng {seconds} giây)"
    return f"Creating the demo province on first start… (about {seconds} seconds)"


def filling_line(lang: str, state: Seeding) -> str:
    """The notice's one line (its full text is a click away), short enough for a phone's first screen."""
    done, total = state.months_done, state.months_total
    if lang == "vi":
        if not state.running:
            return f"Lịch sử tỉnh mẫu mới nạp {done}/{total} tháng và đã dừng"
        return f"Lịch sử tỉnh mẫu đang nạp: {done}/{total} tháng — kỳ mới nhất đã đủ"
    if not state.running:
        return f"Demo history stopped loading at {done}/{total} months"
    return f"Demo history loading: {done}/{total} months — the latest period is complete"


def filling_text(lang: str, state: Seeding) -> str:
    """The notice shown on every page while the earlier history is still loading (or has stopped)."""
    done, total = state.months_done, state.months_total
    if lang == "vi":
        head = (
            f"Tỉnh mẫu: kỳ mới nhất đã đủ số liệu; lịch sử các kỳ trước đang được nạp ({done}/{total} tháng)."
        )
        if not state.running:
            head = (
                f"Tỉnh mẫu: lịch sử các kỳ trước mới nạp {done}/{total} tháng và đã dừng; "
                "sẽ nạp tiếp khi khởi động lại ứng dụng."
            )
        return (
            head
            + " Biểu đồ xu hướng, các kỳ trước và trang Tình hình báo cáo chưa đầy đủ cho đến khi nạp xong."
        )
    head = f"Demo province: the latest period is complete; earlier history is still loading ({done}/{total} months)."
    if not state.running:
        head = (
            f"Demo province: loading earlier history stopped at {done}/{total} months; "
            "it resumes when the app is restarted."
        )
    return (
        head
        + " Trend charts, earlier periods and the Reporting status page are incomplete until it finishes."
    )
