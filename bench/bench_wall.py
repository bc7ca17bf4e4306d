"""Memory of the wall display over thousands of refreshes: does a wall left running for days grow?

Two passes, both on a seeded data folder:

1. Server code, in this process (`--refreshes`, default 2,000): drives the wall page (`/wall`, through the
   entry file) with Streamlit's AppTest — the same code a server runs for every tick: read the URL, check the
   token and the data revision, rebuild the slides when the data changed, draw the slide of the moment.
   Every refresh is a full run, so every one checks the data; every `--change-every` refreshes a submission
   is withdrawn or restored, so the revision moves and the slides are rebuilt as they are when new data
   arrives. The clock is advanced one slide per refresh so the wall walks round its whole playlist, map
   included. Prints the process's resident memory (RSS) at the very start, every 500 refreshes and at the
   end, with the growth from the start and the growth after the caches reached their caps.

   Why two growth figures: the app's caches are keyed on the data revision and capped (scores and composite
   scores 64 revisions each, slides 8, observations 4; `ioc/ui_cache.py`, `ioc/ui_wall.py`), so RSS rises
   while they fill — until `CACHE_CAP` = 64 data changes have happened (refresh 64 × `--change-every`,
   1,600 by default) — and must stay flat after. The growth from the start includes that filling; the
   growth after the caps is what a wall left running for days would add.

2. A real browser (`--browser-minutes`, default 5; 0 skips it): a `streamlit run` server on the same data
   folder and headless Chromium (/usr/bin/chromium via playwright) with the wall open at `every=2&refresh=2`
   for that long, a data change every `--browser-change-seconds`. Prints the tab's JS heap (CDP
   `Runtime.getHeapUsage`, after a garbage collection) and the server's RSS at the start, every minute and
   at the end.

    python bench/bench_wall.py                               # seeds two demo months into a temporary folder
    python bench/bench_wall.py --refreshes 50 --browser-minutes 1   # a quick check that it runs
    python bench/bench_wall.py --data-dir data --refreshes 5000

Target (PRODUCT.md §13, issue "The wall display"): growth under 50 MB over at least 2,000 refreshes once the
caches are at their caps.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BUDGET_MB = 50.0
CACHE_CAP = 64  # data revisions the largest revision-keyed caches hold (ui_cache.scores, ui_cache.composite)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]  # fmt: skip


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process in MB (Linux /proc; for this process, falls back to the peak)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    if pid != "self":
        return float("nan")
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seed(data_dir: Path) -> None:
    from ioc.config import load_config
    from ioc.demo import generate
    from ioc.settings import Settings
    from ioc.store import get_engine, migrate

    engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
    migrate(engine)
    print(f"seeding two demo months into {data_dir} …", flush=True)
    generate(load_config(ROOT / "targets.yaml"), data_dir, engine=engine, months=["2026-09", "2026-10"])
    engine.dispose()


class DataChanges:
    """Withdraws and restores one accepted submission in turn: each call moves the data revision."""

    def __init__(self, data_dir: Path) -> None:
        import polars as pl

        from ioc import ledger
        from ioc.settings import Settings
        from ioc.store import get_engine

        self.ledger = ledger
        self.engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
        accepted = ledger.submissions(self.engine).filter(pl.col("status") == "accepted")
        self.sub_id = int(accepted["id"][0])
        self.withdrawn = False
        self.count = 0

    def __call__(self) -> None:
        if self.withdrawn:
            self.sub_id = self.ledger.restore(self.engine, self.sub_id, "bench")
        else:
            self.ledger.withdraw(self.engine, self.sub_id, "bench")
        self.withdrawn = not self.withdrawn
        self.count += 1

    def close(self) -> None:
        if self.withdrawn:  # leave the data as it was
            self()
        self.engine.dispose()


def server_pass(args: argparse.Namespace, change: DataChanges) -> bool:
    """Pass 1: AppTest in this process. True when the growth after the caps is within budget (or unknown)."""
    from streamlit.testing.v1 import AppTest

    import ioc.ui_wall as ui_wall

    clock = [1_800_000_000.0]
    ui_wall._epoch = lambda: clock[0]  # one slide further on each refresh

    gc.collect()
    before_app = rss_mb()
    at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=600)
    at.query_params["_to"] = "wall"
    at.query_params["lang"] = args.lang
    at.run()
    assert not at.exception, at.exception
    gc.collect()
    start = rss_mb()
    capped_at = CACHE_CAP * args.change_every
    print(f"\n[1] server code, in-process (AppTest): {args.refreshes} refreshes, a data change every "
          f"{args.change_every}; caches at their caps after refresh {capped_at}")  # fmt: skip
    print(f"RSS before the first run of the wall {before_app:.1f} MB (imports, data folder)")
    print(
        f"{'refreshes':>9} {'changes':>8} {'RSS MB':>8} {'from start':>11} {'from caps':>10} {'ms/refresh':>11}"
    )
    print(f"{0:>9} {0:>8} {start:>8.1f} {0.0:>+11.1f} {'':>10} {'':>11}", flush=True)
    t0 = time.perf_counter()
    slides_seen: set[str] = set()
    capped: float | None = None
    now = start
    for i in range(1, args.refreshes + 1):
        clock[0] += 30
        if i % args.change_every == 0:  # new data: the revision moves, the slides are rebuilt
            change()
        at.run()
        if at.exception:
            raise SystemExit(f"refresh {i} failed: {at.exception}")
        for h in at.get("html"):
            body = str(h.proto.body)
            if 'data-slide="' in body:
                slides_seen.add(body.split('data-slide="', 1)[1].split('"', 1)[0])
        mark = "  <- caches at their caps" if i == capped_at else ""
        if i % 500 == 0 or i == args.refreshes or mark:
            gc.collect()
            now = rss_mb()
            if mark:
                capped = now
            per = (time.perf_counter() - t0) / i * 1000
            since = f"{now - capped:>+10.1f}" if capped is not None else f"{'':>10}"
            print(
                f"{i:>9} {change.count:>8} {now:>8.1f} {now - start:>+11.1f} {since} {per:>11.1f}{mark}",
                flush=True,
            )
    end = now  # the last line printed (the loop always prints its last refresh)
    print(f"slides drawn: {len(slides_seen)}; data changes: {change.count}")
    summary = f"RSS start {start:.1f} MB, end {end:.1f} MB: growth from the start {end - start:+.1f} MB"
    if capped is None:
        print(f"{summary} (caches still filling: they reach their caps at refresh {capped_at}; run more "
              "refreshes to judge the budget)")  # fmt: skip
        return True
    after = args.refreshes - capped_at
    growth = end - capped
    verdict = "OK" if growth < BUDGET_MB else "OVER BUDGET"
    print(f"{summary}; RSS at the caps {capped:.1f} MB, growth over the {after} refreshes after the caps "
          f"{growth:+.1f} MB (budget {BUDGET_MB:.0f} MB): {verdict}")  # fmt: skip
    return growth < BUDGET_MB


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir), "IOC_SEED_DEMO": "false"}
    env.pop("IOC_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "streamlit", "run", "ioc_app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    with open(log, "a") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def browser_pass(args: argparse.Namespace, data_dir: Path, change: DataChanges) -> None:
    """Pass 2: a real server and headless Chromium with the wall open for `--browser-minutes`."""
    if not Path(CHROMIUM).exists():
        print(f"\n[2] browser pass skipped: no Chromium at {CHROMIUM}")
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("\n[2] browser pass skipped: the playwright package is not installed")
        return
    log = data_dir / "bench-wall-server.log"
    proc, url = _start_server(data_dir, log)
    wall_url = f"{url}/wall?every=2&refresh=2&lang={args.lang}"
    minutes = args.browser_minutes
    print(f"\n[2] real server and headless Chromium: {wall_url} open for {minutes:g} min, a data change "
          f"every {args.browser_change_seconds:g} s")  # fmt: skip
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        cdp = page.context.new_cdp_session(page)
        page.goto(wall_url)
        page.wait_for_selector(".wall-headline", timeout=120_000)
        page.wait_for_timeout(5_000)  # a couple of slides and data checks: the page is fully built

        def heap_mb() -> float:
            cdp.send("HeapProfiler.collectGarbage")
            return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6

        def slide() -> str:
            return page.eval_on_selector("[data-slide]", "e => e.dataset.slide") or ""

        heap0, server0 = heap_mb(), rss_mb(proc.pid)
        print(
            f"{'minute':>6} {'JS heap MB':>11} {'from start':>11} {'server RSS MB':>14} {'from start':>11}  slide"
        )
        print(f"{0:>6} {heap0:>11.1f} {0.0:>+11.1f} {server0:>14.1f} {0.0:>+11.1f}  {slide()}", flush=True)
        start = time.monotonic()
        next_change = start + args.browser_change_seconds
        next_print = start + 60
        end_at = start + minutes * 60
        while (now := time.monotonic()) < end_at:
            if now >= next_change:
                change()
                next_change += args.browser_change_seconds
            if now >= next_print:
                heap, server = heap_mb(), rss_mb(proc.pid)
                m = round((now - start) / 60)
                print(f"{m:>6} {heap:>11.1f} {heap - heap0:>+11.1f} {server:>14.1f} {server - server0:>+11.1f}"
                      f"  {slide()}", flush=True)  # fmt: skip
                next_print += 60
            page.wait_for_timeout(1_000)
        heap, server = heap_mb(), rss_mb(proc.pid)
        print(
            f"{'end':>6} {heap:>11.1f} {heap - heap0:>+11.1f} {server:>14.1f} {server - server0:>+11.1f}  {slide()}"
        )
        print(f"JS heap {heap0:.1f} → {heap:.1f} MB ({heap - heap0:+.1f} MB); server RSS {server0:.1f} → "
              f"{server:.1f} MB ({server - server0:+.1f} MB) over {minutes:g} min")  # fmt: skip
        browser.close()
    finally:
        pw.stop()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a seeded data folder (default: seed a temporary one)")
    parser.add_argument("--refreshes", type=int, default=2000, help="in-process refreshes (0: skip pass 1)")
    parser.add_argument("--change-every", type=int, default=25, help="refreshes between data changes")
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--browser-minutes", type=float, default=5.0, help="browser pass length (0: skip)")
    parser.add_argument(
        "--browser-change-seconds", type=float, default=30.0, help="seconds between data changes"
    )
    args = parser.parse_args()
    temporary = args.data_dir is None
    data_dir = (args.data_dir or Path(tempfile.mkdtemp(prefix="ioc-bench-wall-"))).resolve()
    if temporary:
        _seed(data_dir)
    os.environ["IOC_DATA_DIR"] = str(data_dir)
    os.environ.pop("IOC_DATABASE_URL", None)
    change = DataChanges(data_dir)
    ok = True
    try:
        if args.refreshes > 0:
            ok = server_pass(args, change)
        if args.browser_minutes > 0:
            browser_pass(args, data_dir, change)
    finally:
        change.close()
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
