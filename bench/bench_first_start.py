"""First start of a fresh clone: seconds from `streamlit run ioc_app.py` until the overview is usable.

Each run starts a headless server on a free port with a fresh temporary data folder (as a fresh clone has
no `data/`), opens the app in headless Chromium (started beforehand: the visitor's browser is not the
app's start-up) and waits until the overview's status counts are drawn. It then waits for the rest of the
history to finish loading in the background and records when the page's "still loading" notice went
away. A second, in-process measurement splits the wait: seeding the opening months, then the first scoring.

    python bench/bench_first_start.py [--runs 2] [--no-browser]

The product target (PRODUCT.md §13): the overview usable within 20 s of `streamlit run` on 2 idle cores.
The load average is printed with every run: on a shared machine the figures move with it. The server's
CPU time until the overview is drawn is printed too: the work is one Python thread in the server, so on
idle cores the wait is about that long.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STATUS_WORD = "Đạt tiến độ"  # the first status count's label on the Vietnamese overview
WAIT_WORDS = "Đang tạo tỉnh mẫu"  # the first-start wait screen (Vietnamese by default)
FILLING_WORDS = "đang được nạp"  # the notice while the earlier history loads


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _state(data_dir: Path) -> dict:
    try:
        return json.loads((data_dir / "demo" / "seeding.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): what the wait costs on an idle machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir), "IOC_SEED_DEMO": "true", "PYTHONUNBUFFERED": "1"}
    for key in ("IOC_DATABASE_URL", "IOC_LANGUAGE", "IOC_TARGETS"):
        env.pop(key, None)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "ioc_app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    log = (data_dir / "server.log").open("wb")
    # its own process group, so the background fill it starts is stopped with it at the end
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def server_run(browser: object | None, timeout: float) -> dict[str, float | str | bool]:
    """One fresh start: seconds to a healthy server, to the overview's status counts, to a full history."""
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-first-start-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    out: dict[str, float | str | bool] = {"load_before": _load()}
    t0 = time.perf_counter()
    proc = _start(data_dir, port)
    try:
        while not _healthy(url):
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError((data_dir / "server.log").read_text(errors="replace")[-2000:])
            time.sleep(0.05)
        out["health_s"] = time.perf_counter() - t0
        if browser is not None:
            ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")  # type: ignore[attr-defined]
            page = ctx.new_page()
            page.goto(url, wait_until="domcontentloaded")
            wait_text = ""
            while True:
                spinner = page.locator('[data-testid="stSpinner"]')
                if spinner.count() and not wait_text:
                    wait_text = spinner.first.inner_text()
                metrics = page.locator('[data-testid="stMetric"]', has_text=STATUS_WORD)
                if metrics.count():
                    break
                if time.perf_counter() - t0 > timeout:
                    raise RuntimeError("the overview did not appear")
                time.sleep(0.05)
            out["overview_s"] = time.perf_counter() - t0
            out["server_cpu_s"] = _cpu_seconds(proc.pid)
            out["wait_screen"] = wait_text.strip()
            out["notice_shown"] = FILLING_WORDS in page.locator('[data-testid="stMain"]').inner_text()
            while (
                _state(data_dir).get("stage") not in ("done", None)
                and time.perf_counter() - t0 < 10 * timeout
            ):
                time.sleep(0.2)
            out["history_s"] = time.perf_counter() - t0
            deadline = time.perf_counter() + 30  # the notice reruns the app once the history is complete
            while FILLING_WORDS in page.locator('[data-testid="stMain"]').inner_text():
                if time.perf_counter() > deadline:
                    out["notice_gone_s"] = float("nan")
                    break
                time.sleep(0.2)
            else:
                out["notice_gone_s"] = time.perf_counter() - t0
            ctx.close()
        out["load_after"] = _load()
    finally:
        _stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)
    return out


def in_process_run() -> dict[str, float]:
    """The wait split in one fresh process: imports and config, the opening months, the first overview."""
    code = r"""
import json, sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from ioc.config import load_config
from ioc.store import get_engine, migrate
from ioc import ledger
from ioc.rollup import rollup
from ioc.scoring import score
from ioc.demo.seed import FIRST_MONTH, LAST_MONTH, generate
from ioc.demo.values import month_range
config = load_config(Path("targets.yaml"))
data_dir = Path(tempfile.mkdtemp(prefix="ioc-first-start-"))
engine = get_engine(f"sqlite:///{data_dir}/ioc.sqlite3")
migrate(engine)
t1 = time.perf_counter()
months = month_range(FIRST_MONTH, LAST_MONTH)
summary = generate(config, data_dir, engine=engine, months=months, phase="first")
t2 = time.perf_counter()
obs = rollup(ledger.current_observations(engine), config)
scores = score(obs, config, months[-1])
t3 = time.perf_counter()
engine.dispose()
import shutil
shutil.rmtree(data_dir, ignore_errors=True)
print(json.dumps({"imports_config_s": t1 - t0, "opening_months_s": t2 - t1, "files": summary.files,
                  "first_scoring_s": t3 - t2, "cpu_s": time.process_time()}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="fresh starts to measure (default 2)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds before a start counts as failed")
    parser.add_argument("--no-browser", action="store_true", help="only the in-process measurement")
    args = parser.parse_args()

    print(f"first start of a fresh clone — {_load()}")
    for k in range(args.runs):
        r = in_process_run()
        print(
            f"  in-process #{k + 1}: imports+config {r['imports_config_s']:.1f} s, opening months "
            f"{r['opening_months_s']:.1f} s ({r['files']} files), first scoring {r['first_scoring_s']:.1f} s, "
            f"CPU {r['cpu_s']:.1f} s"
        )
    if args.no_browser:
        return 0
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: skipping the server measurement")
        return 0
    from playwright.sync_api import sync_playwright

    overview = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for k in range(args.runs):
            r = server_run(browser, args.timeout)
            overview.append(float(r["overview_s"]))
            print(
                f"  server #{k + 1}: healthy {r['health_s']:.1f} s, overview usable {r['overview_s']:.1f} s "
                f"(server CPU {r['server_cpu_s']:.1f} s), "
                f"whole history {r['history_s']:.1f} s, notice gone {r['notice_gone_s']:.1f} s "
                f"[{r['load_before']} → {r['load_after']}]"
            )
            print(f"    wait screen: {r['wait_screen']!r}; loading notice shown: {r['notice_shown']}")
        browser.close()
    print(
        f"overview usable after `streamlit run`: median {statistics.median(overview):.1f} s of {len(overview)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
