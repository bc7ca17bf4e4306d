"""Server time of every page: the first view after start (cold caches) and re-runs with warm caches.

Runs each page through Streamlit's AppTest in this process against a seeded database:

    python bench/bench_pages.py --data-dir data        # an existing, seeded data folder
    python bench/bench_pages.py                        # seeds the demo province into a temporary folder first

Target (PRODUCT.md §13): a re-run under 300 ms, the first view under 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGES = ["overview", "department", "commune", "indicator", "map", "upload", "reporting"]


def _seed(data_dir: Path) -> None:
    from ioc.config import load_config
    from ioc.demo import ensure_demo
    from ioc.settings import Settings
    from ioc.store import get_engine

    engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
    print(f"seeding the demo province into {data_dir} …", flush=True)
    ensure_demo(load_config(ROOT / "targets.yaml"), engine, data_dir)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a seeded data folder (default: seed a temporary one)")
    parser.add_argument("--runs", type=int, default=5, help="warm re-runs per page")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ioc-bench-pages-"))
    if args.data_dir is None:
        _seed(data_dir)
    os.environ["IOC_DATA_DIR"] = str(data_dir.resolve())
    os.environ.pop("IOC_DATABASE_URL", None)

    from streamlit.testing.v1 import AppTest

    print(f"{'page':<12} {'first view':>11} {'re-run (median)':>16} {'re-run (max)':>13}")
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "ioc_app.py"), default_timeout=600)
        t0 = time.perf_counter()
        at.run()
        at.switch_page(f"pages/{page}.py")
        at.run()
        first = time.perf_counter() - t0
        assert not at.exception, at.exception
        warm = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        print(
            f"{page:<12} {first * 1000:>9.0f} ms {statistics.median(warm) * 1000:>13.0f} ms {max(warm) * 1000:>10.0f} ms"
        )
    print(
        "(the first view of the first page includes loading targets.yaml and every observation; "
        "AppTest adds its own overhead to each run)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
