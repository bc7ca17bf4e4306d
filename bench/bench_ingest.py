"""Benchmark: ingest of a dossier-level export vs a bare Polars read vs pandas + openpyxl.

Generates deterministic dossier exports into bench/out/ (kept between runs), then times, each run in a
fresh subprocess (so that peak memory, read from /proc/self/status VmHWM, is the measurement's own):

  (a) bare     pl.read_excel / pl.read_csv of the file, every column;
  (b) ingest   the project's full ingest, `ioc.ingest.ingest_file` as the inbox and the upload page call it
               (no --source: the file's kind is detected): upload gate, archive copy (sha256, fsync),
               duplicate check, detection, read, normalise, the five dossier indicators per commune and
               month, crosswalk, validation, one write transaction into a fresh SQLite database;
      read     the loader alone (`data_sources.dossiers.SOURCE.read`), for reference;
      archive  the part of (b) that copies the file: read its bytes, sha256, write + fsync the archive copy;
  (c) pandas   pd.read_excel(engine="openpyxl") / pd.read_csv, then the same per-commune-per-month ratios.

Before its timed run each subprocess does the same work once on a 1,000-row file of the same kind, so that
lazy imports (fastexcel, pyarrow, openpyxl, SQLAlchemy's ORM, the loaders …) are not timed: the app and the
inbox watcher are long-running processes that pay them once.

Prints the median of --runs runs (wall clock, and CPU seconds of all threads), peak memory, the ratios
(b)/(a) and (c)/(b), the machine and its load average.
Usage: python bench/bench_ingest.py [--sizes 100k,300k,1m,3m] [--runs 3]   (a size may carry its own
number of runs: --sizes 100k,300k,1m,3m:1)
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ioc.config import Config

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
WARMUP_ROWS = 1_000
# what the ingest does not read: no indicator uses these (an xlsx sheet is still parsed whole by calamine)
UNUSED = ("Tên thủ tục", "Lĩnh vực")

HEADERS = {
    "code": "Mã hồ sơ",
    "procedure": "Tên thủ tục",
    "field": "Lĩnh vực",
    "unit": "Đơn vị tiếp nhận",
    "channel": "Hình thức nộp",
    "received_date": "Ngày tiếp nhận",
    "due_date": "Ngày hẹn trả",
    "result_date": "Ngày có kết quả",
    "e_result": "Kết quả điện tử",
    "digitised": "Số hóa",
    "fee": "Phí, lệ phí",
    "paid_online": "Thanh toán trực tuyến",
}
PROCEDURES = [
    ("Đăng ký khai sinh", "Hộ tịch"),
    ("Chứng thực bản sao từ bản chính", "Chứng thực"),
    ("Đăng ký biến động quyền sử dụng đất", "Đất đai"),
    ("Cấp giấy phép xây dựng", "Xây dựng"),
    ("Đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh"),
]


def parse_size(s: str) -> int:
    s = s.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1], 1)
    return int(float(s.rstrip("km")) * mult)


def file_for(n: int) -> Path:
    """Under 1M rows an xlsx (what systems export for a month), from 1M rows a CSV."""
    return OUT / (f"dossiers_{n}.xlsx" if n < 1_000_000 else f"dossiers_{n}.csv")


def generate(n: int, path: Path) -> None:
    """Deterministic dossiers over the demo province's 100 communes, August–September 2025."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(20250801 + n)
    communes = pl.read_csv(ROOT / "province" / "communes.csv", infer_schema=False)
    names = (communes["type"].str.to_titlecase() + " " + communes["name"]).to_list()
    start = dt.date(2025, 8, 1)
    received = rng.integers(0, 61, n)
    due = received + rng.integers(1, 16, n)
    has_result = rng.random(n) < 0.9
    result = np.maximum(received, due + rng.integers(-5, 4, n))  # never before the dossier was received
    proc = rng.integers(0, len(PROCEDURES), n)
    fee = rng.choice([0, 0, 0, 10000, 50000, 100000], n)
    df = pl.DataFrame(
        {
            "code": [f"HS{n:07d}-{i:08d}" for i in range(n)],
            "procedure": [PROCEDURES[p][0] for p in proc],
            "field": [PROCEDURES[p][1] for p in proc],
            "unit": [names[i] for i in rng.integers(0, len(names), n)],
            "channel": rng.choice(["Trực tuyến", "Trực tuyến", "Trực tiếp", "Bưu chính công ích"], n),
            "received_date": pl.Series([start + dt.timedelta(days=int(d)) for d in received]),
            "due_date": pl.Series([start + dt.timedelta(days=int(d)) for d in due]),
            "result_date": pl.Series(
                [
                    start + dt.timedelta(days=int(d)) if h else None
                    for d, h in zip(result, has_result, strict=True)
                ]
            ),
            "e_result": rng.choice(["Có", "Không"], n),
            "digitised": rng.choice(["Có", "Có", "Không"], n),
            "fee": fee,
            "paid_online": rng.choice(["Có", "Không"], n),
        }
    )
    tmp = path.with_suffix(path.suffix + ".part")
    if path.suffix == ".csv":
        df.with_columns(
            pl.col(c).dt.strftime("%d/%m/%Y") for c in ("received_date", "due_date", "result_date")
        ).rename(HEADERS).write_csv(tmp)
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Danh sách hồ sơ")
        ws.append(list(HEADERS.values()))
        for row in df.iter_rows():  # dates as real Excel date cells
            ws.append(list(row))
        wb.save(tmp)
    tmp.rename(path)


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM), MiB — counts Rust allocations, unlike tracemalloc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warmup_file(suffix: str) -> Path:
    """The small file of the same kind each measurement warms up on."""
    return OUT / f"warmup_{WARMUP_ROWS}{suffix}"


def _bare(path: Path) -> dict:
    import polars as pl

    df = pl.read_excel(path) if path.suffix == ".xlsx" else pl.read_csv(path)
    return {"rows": df.height}


@functools.cache
def _config() -> Config:
    from ioc.config import load_config

    return load_config(ROOT / "targets.yaml")  # loaded by the warm-up, not timed


def _read(path: Path) -> dict:
    from data_sources.dossiers import SOURCE

    res = SOURCE.read(path, _config())
    assert not res.errors, [str(i) for i in res.errors[:3]]
    return {"rows": res.rows_read, "observations": res.observations.height}


def _ingest(path: Path) -> dict:
    from ioc.ingest import ingest_file
    from ioc.store import get_engine, migrate

    config = _config()
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{tmp}/bench.sqlite3")
        migrate(engine)  # a fresh database: not timed
        t0 = time.perf_counter()
        c0 = time.process_time()
        # the gate reads up to max_bytes + 1 bytes at once: the file's own size lets any size through
        # without asking for a terabyte of memory
        rep = ingest_file(path, config, engine, Path(tmp), who="bench", max_bytes=path.stat().st_size)
        out = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}
        engine.dispose()
    assert rep.status == "accepted", [str(i) for i in rep.issues[:3]]
    assert (rep.source, rep.export_id) == ("dossiers", "dossiers"), (rep.source, rep.export_id)
    # the file is read in a worker process: its peak memory is added to this process's
    return {
        **out,
        "rows": rep.rows_read,
        "observations": rep.n_observations,
        "worker_peak_mb": rep.parse_peak_mb,
    }


def _archive(path: Path) -> dict:
    from ioc.ledger import archive_bytes

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        c0 = time.process_time()
        archive_bytes(path.read_bytes(), Path(tmp), path.name)
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def measure(kind: str, path: Path) -> dict:
    """One measurement (run inside its own subprocess): warm up on the small file, then time `path`."""
    work = {"bare": _bare, "read": _read, "ingest": _ingest, "archive": _archive, "pandas": measure_pandas}
    if kind not in work:
        raise SystemExit(f"unknown measurement {kind}")
    work[kind](warmup_file(path.suffix))
    t0 = time.perf_counter()
    c0 = time.process_time()
    out = work[kind](path)
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, **out}


def measure_pandas(path: Path) -> dict:
    """The baseline: pandas (+ openpyxl for xlsx), the same five ratios per commune and month."""
    import pandas as pd

    if path.suffix == ".xlsx":
        df = pd.read_excel(path, engine="openpyxl", dtype={HEADERS["fee"]: str})
    else:
        df = pd.read_csv(path, dtype=str)
    df = df.rename(columns={v: k for k, v in HEADERS.items()})
    for c in ("received_date", "due_date", "result_date"):
        df[c] = (
            pd.to_datetime(df[c], format="%d/%m/%Y", errors="coerce")
            if path.suffix == ".csv"
            else pd.to_datetime(df[c], errors="coerce")
        )
    communes = pd.read_csv(ROOT / "province" / "communes.csv", dtype=str)
    codes = dict(zip(communes["type"].str.title() + " " + communes["name"], communes["code"], strict=True))
    df["unit_code"] = df["unit"].map(codes)
    df["month"] = df["received_date"].dt.strftime("%Y-%m")
    fee = pd.to_numeric(df["fee"].astype(str).str.replace(".", "", regex=False), errors="coerce").fillna(0)
    has_result = df["result_date"].notna()
    flags = pd.DataFrame(
        {
            "unit_code": df["unit_code"],
            "month": df["month"],
            "n": 1,
            "online": (df["channel"] == "Trực tuyến").astype(int),
            "results": has_result.astype(int),
            "on_time": (has_result & (df["result_date"] <= df["due_date"])).astype(int),
            "e_result": (has_result & (df["e_result"] == "Có")).astype(int),
            "digitised": (df["digitised"] == "Có").astype(int),
            "with_fee": (fee > 0).astype(int),
            "paid_online": ((fee > 0) & (df["paid_online"] == "Có")).astype(int),
        }
    )
    g = flags.groupby(["unit_code", "month"]).sum()
    out = pd.DataFrame(
        {
            "online_rate": 100 * g["online"] / g["n"],
            "ontime_rate": 100 * g["on_time"] / g["results"],
            "e_result_rate": 100 * g["e_result"] / g["results"],
            "digitised_rate": 100 * g["digitised"] / g["n"],
            "payment_rate": 100 * g["paid_online"] / g["with_fee"],
        }
    )
    return {"rows": len(df), "observations": int(out.notna().sum().sum())}


def run_child(kind: str, path: Path) -> dict:
    """Run one measurement in a fresh interpreter; add its peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, "--file", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    """CPU model, cores, RAM, and the versions that matter, for the figures' caption."""
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem = next(
        (
            int(ln.split()[1]) / 2**20
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        0.0,
    )
    import fastexcel
    import openpyxl
    import pandas
    import polars

    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; Python {platform.python_version()}, "
        f"polars {polars.__version__}, fastexcel {fastexcel.__version__}, pandas {pandas.__version__}, "
        f"openpyxl {openpyxl.__version__}"
    )


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sizes", default="100k,300k,1m,3m", help="rows per file (< 1m → xlsx, ≥ 1m → CSV); size:runs"
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kinds", default="bare,ingest,read,archive,pandas")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        result = measure(args.measure, Path(args.file))
        result["peak_mb"] = round(peak_mb() + result.pop("worker_peak_mb", 0.0), 1)
        print(json.dumps(result))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    kinds = args.kinds.split(",")
    print(machine())
    print(f"start: {load()}")
    print(
        f"(b) reads 10 of the 12 columns: {' and '.join(repr(c) for c in UNUSED)} are used by no indicator;"
    )
    print("    (a) reads all 12. Each measurement warms up on a 1,000-row file first (see the docstring).")
    summary: list[str] = []
    print(
        f"{'file':<24}{'MB':>7}  {'measure':<8}{'median s':>10}{'cpu s':>8}{'peak MiB':>10}{'obs':>7}  runs (s)"
    )
    for spec in args.sizes.split(","):
        size, _, runs_text = spec.partition(":")
        runs = int(runs_text) if runs_text else args.runs
        n = parse_size(size)
        path = file_for(n)
        for p, rows in ((warmup_file(path.suffix), WARMUP_ROWS), (path, n)):
            if not p.exists():
                t0 = time.perf_counter()
                print(f"generating {p.name} …", flush=True)
                generate(rows, p)
                print(f"  {time.perf_counter() - t0:.1f} s", flush=True)
        mb = path.stat().st_size / 2**20
        med: dict[str, float] = {}
        peak: dict[str, float] = {}
        # rounds of every measurement in turn, so that a change in the machine's load hits them all alike
        by_kind: dict[str, list[dict]] = {kind: [] for kind in kinds}
        for _ in range(runs):
            for kind in kinds:
                by_kind[kind].append(run_child(kind, path))
        for kind, results in by_kind.items():
            secs = [r["seconds"] for r in results]
            med[kind] = statistics.median(secs)
            cpu = statistics.median(r["cpu"] for r in results)
            peak[kind] = max(r["peak_mb"] for r in results)
            shown = ", ".join(f"{s:.2f}" for s in secs)
            print(
                f"{path.name:<24}{mb:>7.1f}  {kind:<8}{med[kind]:>10.3f}{cpu:>8.2f}{peak[kind]:>10.0f}"
                f"{results[0].get('observations', ''):>7}  {shown}",
                flush=True,
            )
        ratios = []
        if "bare" in med and "ingest" in med:
            ratios.append(f"(b)/(a) = {med['ingest'] / med['bare']:.2f}")
        if "pandas" in med and "ingest" in med:
            ratios.append(f"(c)/(b) = {med['pandas'] / med['ingest']:.1f}")
        if "bare" in med and "read" in med:
            ratios.append(f"read/(a) = {med['read'] / med['bare']:.2f}")
        if "bare" in med and "ingest" in med and "archive" in med:
            ratios.append(f"((b) − archive)/(a) = {(med['ingest'] - med['archive']) / med['bare']:.2f}")
        print("  " + "; ".join(ratios) + f"  [{runs} run(s); {load()}]", flush=True)
        cells = [f"{n:,}", path.suffix[1:], f"{mb:.0f}"]
        for kind in ("bare", "ingest", "pandas"):
            cells.append(f"{med[kind]:.2f} s ({peak[kind]:.0f} MiB)" if kind in med else "—")
        cells.append(f"{med['ingest'] / med['bare']:.2f}" if "bare" in med and "ingest" in med else "—")
        cells.append(f"{med['pandas'] / med['ingest']:.1f}" if "pandas" in med and "ingest" in med else "—")
        summary.append("| " + " | ".join(cells) + " |")
    print(f"end: {load()}")
    print(
        "\n| rows | format | MB | (a) bare Polars read | (b) full ingest | (c) pandas | (b)/(a) | (c)/(b) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
