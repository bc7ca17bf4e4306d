"""Memory of the wall display over thousands of refreshes: does a wall left running for days grow?

Drives the wall page (`/wall`, through the entry file) with Streamlit's AppTest in this process — the same
code a server runs for every tick: read the URL, check the token and the data revision, rebuild the slides
when the data changed, draw the slide of the moment. Every refresh is a full run, so every one checks the
data; every `--change-every` refreshes a submission is withdrawn or restored, so the revision moves and
the slides are rebuilt as they are when new data arrives. The clock is advanced one slide per refresh so
the wall walks round its whole playlist, map included.

    python bench/bench_wall.py                       # seeds two demo months into a temporary folder
    python bench/bench_wall.py --data-dir data --refreshes 5000

Prints the process's resident memory (RSS) at the start, every 500 refreshes and at the end. The app's caches
are keyed on the data revision and capped (scores: 64 entries, observations: 4, slides: 8), so they grow
until about 64 data changes have happened; the budget is judged from the end of that warm-up (`--warmup`
refreshes with a data change every `--change-every`: 80 changes by default, printed too), so what is
measured is growth over time, not the caches reaching their fixed ceilings. The growth from the very start
is printed as well.
Target (PRODUCT.md §13, issue "The wall display"): growth under 50 MB over at least 2,000 refreshes.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BUDGET_MB = 50.0


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; falls back to the peak from resource)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a seeded data folder (default: seed a temporary one)")
    parser.add_argument("--refreshes", type=int, default=2000)
    parser.add_argument("--change-every", type=int, default=25, help="refreshes between data changes")
    parser.add_argument("--lang", default="vi")
    parser.add_argument(
        "--warmup", type=int, default=2000, help="refreshes before the baseline (caches reach their caps)"
    )
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ioc-bench-wall-"))
    if args.data_dir is None:
        _seed(data_dir)
    os.environ["IOC_DATA_DIR"] = str(data_dir.resolve())
    os.environ.pop("IOC_DATABASE_URL", None)

    from streamlit.testing.v1 import AppTest

    import ioc.ui_wall as ui_wall
    from ioc import ledger
    from ioc.settings import Settings
    from ioc.store import get_engine

    engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
    accepted = ledger.submissions(engine).filter(ledger_status_is("accepted"))
    sub_id = int(accepted["id"][0])
    clock = [1_800_000_000.0]
    ui_wall._epoch = lambda: clock[0]  # one slide further on each refresh

    at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=600)
    at.query_params["_to"] = "wall"
    at.query_params["lang"] = args.lang
    at.run()
    assert not at.exception, at.exception
    gc.collect()
    start = rss_mb()
    print(f"{'refreshes':>9} {'RSS MB':>8} {'growth MB':>10} {'ms/refresh':>11}")
    print(f"{0:>9} {start:>8.1f} {0.0:>10.1f} {'':>11}", flush=True)
    t0 = time.perf_counter()
    withdrawn = False
    slides_seen: set[str] = set()
    baseline = start
    total = args.warmup + args.refreshes
    for i in range(1, total + 1):
        clock[0] += 30
        if i % args.change_every == 0:  # new data: the revision moves, the slides are rebuilt
            if withdrawn:
                sub_id = ledger.restore(engine, sub_id, "bench")
            else:
                ledger.withdraw(engine, sub_id, "bench")
            withdrawn = not withdrawn
        at.run()
        if at.exception:
            raise SystemExit(f"refresh {i} failed: {at.exception}")
        for h in at.get("html"):
            body = str(h.proto.body)
            if 'data-slide="' in body:
                slides_seen.add(body.split('data-slide="', 1)[1].split('"', 1)[0])
        if i == args.warmup:
            gc.collect()
            baseline = rss_mb()
            print(f"{i:>9} {baseline:>8.1f} {baseline - start:>10.1f} {'':>11}  <- end of warm-up: baseline")
        if i % 500 == 0 or i == total:
            gc.collect()
            now = rss_mb()
            per = (time.perf_counter() - t0) / i * 1000
            print(f"{i:>9} {now:>8.1f} {now - start:>10.1f} {per:>11.1f}", flush=True)
    end = rss_mb()
    growth = end - baseline
    verdict = "OK" if growth < BUDGET_MB else "OVER BUDGET"
    print(f"slides drawn: {len(slides_seen)}; data changes: {total // args.change_every}")
    print(
        f"RSS start {start:.1f} MB, after warm-up {baseline:.1f} MB, end {end:.1f} MB; "
        f"growth over the {args.refreshes} refreshes after warm-up {growth:+.1f} MB "
        f"(budget {BUDGET_MB:.0f} MB): {verdict}; from the very start {end - start:+.1f} MB"
    )
    engine.dispose()
    return 0 if growth < BUDGET_MB else 1


def ledger_status_is(status: str):  # type: ignore[no-untyped-def]
    import polars as pl

    return pl.col("status") == status


if __name__ == "__main__":
    raise SystemExit(main())
