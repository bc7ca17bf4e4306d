"""Benchmark: score() at national scale against a bare vectorised Polars pass over the same frame.

PRODUCT.md §13: 3,321 communes × 60 indicators × 60 months (≈ 12M observations); scoring must take at
most 3× a bare group_by of the latest value per indicator × unit plus one arithmetic column.

    python bench/bench_scoring.py            # national scale
    python bench/bench_scoring.py --small    # 200 communes × 20 indicators × 24 months, a quick check
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ioc.config import Config
from ioc.scoring import score
from ioc.targets import TargetsFile, Text
from ioc.units import UnitRegistry

SEED = 20250701
AS_OF = "2025-10"  # two of the 60 months lie after it: the as-of filter has work to do


def build_config(n_communes: int, n_indicators: int) -> Config:
    """A province of `n_communes` communes and `n_indicators` monthly commune indicators of every kind."""
    units = ["percent", "count", "money", "ratio"]
    indicators = []
    for i in range(n_indicators):
        unit = units[i % 4]
        higher = i % 5 != 0
        target: dict = {"value": 80.0 if unit == "percent" else 1000.0 * (i + 1), "by": "2025-12-31"}
        if i % 3:  # two thirds have a baseline, some a milestone at the reference month
            target["baseline"] = {"value": 40.0 if unit == "percent" else 500.0 * (i + 1), "at": "2020-12-31"}
        if i % 7 == 0:
            target["milestones"] = [{"period": AS_OF, "value": target["value"] * 0.9}]
        indicators.append(
            {
                "id": f"ind_{i:02d}",
                "name": {"vi": f"Chỉ tiêu {i}", "en": f"Indicator {i}"},
                "pillar": ["gov", "eco", "soc"][i % 3],
                "unit": unit,
                "direction": "higher" if higher else "lower",
                "levels": ["province", "commune"],
                "owner": "so_khcn",
                "rollup": "mean",
                "target": target,
                "overrides": [{"unit": "00001", "value": target["value"] * 1.1}],
            }
        )
    targets = TargetsFile.model_validate(
        {
            "province": {"code": "99", "name": {"vi": "Quốc gia (bench)", "en": "Nation (bench)"}},
            "registry": {"departments": "departments.csv", "communes": "communes.csv"},
            "status": {"amber_tolerance": 10, "stale_after_periods": 1},
            "pillars": [{"id": p, "name": {"vi": p, "en": p}} for p in ("gov", "eco", "soc")],
            "indicators": indicators,
        }
    )
    communes = pl.DataFrame(
        {
            "code": [f"{i:05d}" for i in range(1, n_communes + 1)],
            "name": [f"Số {i}" for i in range(1, n_communes + 1)],
            "type": ["xã"] * n_communes,
        }
    )
    departments = pl.DataFrame(
        {"id": ["so_khcn"], "name_vi": ["Sở Khoa học và Công nghệ"], "name_en": ["Department of Science"]}
    )
    registry = UnitRegistry.from_frames("99", Text(vi="Quốc gia", en="Nation"), departments, communes)
    return Config(targets=targets, registry=registry, path=Path("targets.yaml"), sha256="bench")


def build_observations(n_communes: int, n_indicators: int, n_months: int) -> pl.DataFrame:
    """Every commune × indicator × month (ending 2025-12) with a noisy upward trend; 2% of rows missing."""
    rng = np.random.default_rng(SEED)
    units = pl.Series([f"{i:05d}" for i in range(1, n_communes + 1)])
    inds = pl.Series([f"ind_{i:02d}" for i in range(n_indicators)])
    first = 2026 * 12 - n_months  # months counted as year*12 + month-1; the last one is 2025-12
    months = pl.Series([f"{(first + m) // 12}-{(first + m) % 12 + 1:02d}" for m in range(n_months)])
    n = n_communes * n_indicators * n_months
    i_ind = np.repeat(np.arange(n_indicators), n_communes * n_months)
    i_unit = np.tile(np.repeat(np.arange(n_communes), n_months), n_indicators)
    i_month = np.tile(np.arange(n_months), n_communes * n_indicators)
    scale = np.where(i_ind % 4 == 0, 1.0, 25.0 * (i_ind + 1))
    value = (30 + 50 * i_month / n_months + rng.normal(0, 8, n)) * scale
    frame = pl.DataFrame(
        {
            "indicator": inds.gather(i_ind),
            "unit_code": units.gather(i_unit),
            "period": months.gather(i_month),
            "value": value,
            "numerator": None,
            "denominator": None,
            "source_file": "bench.xlsx",
            "sheet": None,
            "row": None,
            "column": None,
        },
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64, "sheet": pl.String,
                          "row": pl.Int64, "column": pl.String},
    )  # fmt: skip
    keep = rng.random(n) >= 0.02
    return frame.filter(pl.Series(keep))


def bare_pass(obs: pl.DataFrame) -> pl.DataFrame:
    """The yardstick: latest value per indicator × unit plus one arithmetic column, fully vectorised."""
    return (
        obs.lazy()
        .group_by("indicator", "unit_code")
        .agg(pl.col("value").sort_by("period").last())
        .with_columns((pl.col("value") * 1.1).alias("scaled"))
        .collect()
    )


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process — all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="200 communes × 20 indicators × 24 months")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (median reported)")
    args = parser.parse_args(argv)
    n_communes, n_indicators, n_months = (200, 20, 24) if args.small else (3321, 60, 60)

    t0 = time.perf_counter()
    config = build_config(n_communes, n_indicators)
    obs = build_observations(n_communes, n_indicators, n_months)
    print(
        f"observations: {obs.height:,} ({n_communes} communes × {n_indicators} indicators × {n_months} months)"
    )
    print(f"setup: {time.perf_counter() - t0:.2f} s")

    scores = score(obs, config, AS_OF)  # warm-up, and a sanity check of the output
    expected_rows = n_indicators * (n_communes + 1)
    assert scores.height == expected_rows, (scores.height, expected_rows)
    assert scores["indicator"].is_sorted()
    print("status counts:", dict(scores.group_by("status").len().sort("status").iter_rows()))

    # Alternate the two so that both see the same machine load; report medians.
    bare, scored = [], []
    for _ in range(args.repeat):
        bare.append(timed(lambda: bare_pass(obs)))
        scored.append(timed(lambda: score(obs, config, AS_OF)))
    for label, i in (("wall", 0), ("CPU ", 1)):
        t_bare = statistics.median(t[i] for t in bare)
        t_score = statistics.median(t[i] for t in scored)
        ratio = t_score / t_bare
        print(
            f"{label}: bare Polars pass {t_bare:.3f} s, score() {t_score:.3f} s "
            f"(median of {args.repeat}) → {ratio:.2f}× (target ≤ 3×) {'OK' if ratio <= 3 else 'OVER'}"
        )
    if args.small:
        print("(at this size fixed costs dominate — the 3× target is for the national scale)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
