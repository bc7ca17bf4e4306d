"""The demo province: generate its units files and 28 months of history, and ingest that history through
the same loaders users go through (`python -m ioc demo`; the app's first start is `ioc.demo.first_start`).

Everything is deterministic from the seed: the units files, the values, which department-months are
missing, late or faulty, and the bytes of every file (so a second run finds only duplicates).
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from ioc import template as tpl
from ioc.config import Config
from ioc.demo.plan import Event, History, plan
from ioc.demo.units import DEFAULT_SEED, write_units
from ioc.demo.values import month_range

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
PROVINCE_DIR = ROOT / "province"
FIRST_MONTH, LAST_MONTH = "2024-07", "2026-10"
WHO_EXPORTS = "ttpvhcc"  # the service centre exports the procedure system's files

# all: the whole history; first: the files the opening view depends on; rest: the others (`first_start`)
Phase = Literal["all", "first", "rest"]
PHASES: tuple[Phase, ...] = ("all", "first", "rest")

__all__ = ["DemoSummary", "generate", "main", "partition", "plan", "write_units"]


@dataclass
class DemoSummary:
    """What a demo run produced."""

    files: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_scenario: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)  # files whose outcome was not the designed one
    seconds: float = 0.0
    make_seconds: float = 0.0  # writing the files
    ingest_seconds: float = 0.0  # the ingest path (parse, validate, store)

    def line(self) -> str:
        """One line for the console."""
        st = ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items()))
        return (
            f"{self.files} files ({st}) in {self.seconds:.1f} s "
            f"(writing {self.make_seconds:.1f} s, ingesting {self.ingest_seconds:.1f} s)"
        )


def _known_hashes(engine: Engine) -> set[str]:
    from ioc import ledger

    subs = ledger.submissions(engine)
    return set(subs["sha256"].to_list()) if "sha256" in subs.columns else set()


def stream_of(ev: Event) -> str:
    """The ordered stream an event belongs to: its department, or the report-system exports."""
    return ev.department if ev.kind in ("workbook", "wide") and ev.department else "exports"


def partition(config: Config, events: list[Event], parts: int) -> dict[str, int]:
    """Streams (departments, exports) spread over `parts` workers by estimated work, heaviest first.

    Each stream stays in one worker, so a department's files still arrive in their own order."""
    load: dict[str, float] = {}
    rows: dict[tuple[str, str], int] = {}
    for ev in events:
        stream = stream_of(ev)
        if stream == "exports":
            load[stream] = load.get(stream, 0.0) + 650  # a month's two exports, written and ingested: ~0.6 s
            continue
        key = (stream, ev.period)
        if key not in rows:
            rows[key] = tpl.template_rows(config, stream, ev.period).height
        # measured: ~0.1 s per file plus ~0.4 ms per row to ingest
        load[stream] = load.get(stream, 0.0) + 230 + rows[key]
    totals = [0.0] * parts
    out: dict[str, int] = {}
    for name, work in sorted(load.items(), key=lambda kv: (-kv[1], kv[0])):
        k = totals.index(min(totals))
        out[name] = k
        totals[k] += work
    return out


def _file_url(engine: Engine) -> str | None:
    """The engine's URL when other processes can open the same database (not an in-memory SQLite)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def worker_env(config: Config, data_dir: Path, url: str) -> dict[str, str]:
    """The environment of a seeding process started from this one: same database, data and targets."""
    import os

    return {
        **os.environ,
        "IOC_DATABASE_URL": url,
        "IOC_DATA_DIR": str(Path(data_dir).resolve()),
        "IOC_TARGETS": str(Path(config.path).resolve()),
        # small frames: one Polars thread per worker costs less than two processes sharing two cores
        "POLARS_MAX_THREADS": "1",
    }


def _spawn(
    config: Config, data_dir: Path, url: str, seed: int, months: list[str], phase: Phase, k: int, n: int
) -> subprocess.Popen[bytes]:
    """Start worker `k` of `n` as a fresh interpreter (no fork of a threaded server process)."""
    cmd = [
        sys.executable,
        "-m",
        "ioc.demo",
        "history",
        "--force",
        "--seed",
        str(seed),
        "--months",
        f"{months[0]}:{months[-1]}",
        "--phase",
        phase,
        "--part",
        f"{k}/{n}",
        "--json",
    ]
    # output goes to files, not pipes: a pipe nobody reads until the end would stall a chatty worker
    logs = Path(data_dir) / "demo"
    logs.mkdir(parents=True, exist_ok=True)
    env = worker_env(config, data_dir, url)
    with (logs / f"worker-{k}.out").open("wb") as out, (logs / f"worker-{k}.log").open("wb") as err:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)


def _collect(data_dir: Path, k: int, proc: subprocess.Popen[bytes]) -> tuple[dict | None, str]:
    """Wait for worker `k`; its JSON summary (None if it failed) and the tail of its log."""
    proc.wait()
    logs = Path(data_dir) / "demo"
    out = (logs / f"worker-{k}.out").read_text(encoding="utf-8", errors="replace")
    err = (logs / f"worker-{k}.log").read_text(encoding="utf-8", errors="replace")
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if proc.returncode not in (0, 1) or not lines:
        return None, err.strip()[-500:]
    return json.loads(lines[-1]), ""


def _merge(summary: DemoSummary, other: dict) -> None:
    summary.files += other["files"]
    summary.by_status.update(other["by_status"])
    summary.by_scenario.update(other["by_scenario"])
    summary.unexpected += other["unexpected"]
    summary.make_seconds += other["make_seconds"]
    summary.ingest_seconds += other["ingest_seconds"]


def generate(
    config: Config,
    data_dir: Path,
    *,
    engine: Engine | None = None,
    seed: int = DEFAULT_SEED,
    months: list[str] | None = None,
    echo: Callable[[str], None] | None = None,
    workers: int = 1,
    part: tuple[int, int] | None = None,
    phase: Phase = "all",
    on_file: Callable[[Event], None] | None = None,
    history: History | None = None,
) -> DemoSummary:
    """Write the history's files under `data_dir/demo/inbox/<period>/` and, with an engine, ingest each
    the moment it "arrives". A file whose bytes the ledger already holds is skipped, so a second run
    changes nothing.

    `months` is the whole history (it decides every value and file); `phase` picks which of its files
    this run makes: all, the `first` ones the opening view depends on, or the `rest`
    (`first_start.split`). Each file's bytes are the same in any phase. `on_file` is called after each
    file (progress). `history`: the simulated history of these months and seed, when the caller has it.

    `workers` > 1 spreads the departments over that many processes (this one and `workers - 1` fresh
    interpreters); `part=(k, n)` is what such a worker runs: only the streams `partition` gives it.
    """
    import hashlib

    from ioc.demo.first_start import split
    from ioc.ingest import ingest_file

    t0 = time.perf_counter()
    data_dir = Path(data_dir)
    months = months or month_range(FIRST_MONTH, LAST_MONTH)
    events = everything = plan(config, months, seed)
    history = history or History(config, months, seed)
    if phase != "all":
        events = split(config, everything, months, history)[0 if phase == "first" else 1]
    url = _file_url(engine) if engine is not None else None
    children = []
    if part is None and workers > 1 and url is not None:
        part = (0, workers)
        children = [_spawn(config, data_dir, url, seed, months, phase, k, workers) for k in range(1, workers)]
    if part is not None:
        owner = partition(config, events, part[1])
        events = [ev for ev in events if owner.get(stream_of(ev), 0) == part[0]]
    history.expect(everything)
    inbox = data_dir / "demo" / "inbox"
    known = _known_hashes(engine) if engine is not None else set()
    # story time for each file, as soon as the ingest path accepts it (until then files arrive in order)
    backdate = "submitted_at" in inspect.signature(ingest_file).parameters
    summary = DemoSummary()
    exported: dict[str, tuple[Path, Path]] = {}
    current = None
    for ev in events:
        t_make = time.perf_counter()
        folder = inbox / ev.period
        folder.mkdir(parents=True, exist_ok=True)
        if ev.kind in ("dossiers", "procedure_stats"):
            if ev.period not in exported:
                exported[ev.period] = history.exports(ev.period, folder)
            path = exported[ev.period][0 if ev.kind == "dossiers" else 1]
        else:
            path = folder / ev.name
            path.write_bytes(history.workbook(ev))
        summary.make_seconds += time.perf_counter() - t_make
        summary.files += 1
        summary.by_scenario[ev.scenario] += 1
        if echo and ev.period != current:
            current = ev.period
            echo(f"  {ev.period}  {time.perf_counter() - t0:5.1f} s")
        if engine is None:
            continue
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha in known:
            summary.by_status["already-in-ledger"] += 1
            if on_file is not None:
                on_file(ev)
            continue
        known.add(sha)
        is_export = ev.kind in ("dossiers", "procedure_stats")
        report = ingest_file(
            path,
            config,
            engine,
            data_dir,
            who=WHO_EXPORTS if is_export else (ev.department or "demo"),
            source=ev.kind if is_export else "workbook",
            export_id=_export_id(config, ev.kind) if is_export else None,
            department=None if is_export else ev.department,
            period=ev.period,
            note=f"demo: {ev.scenario}" if ev.scenario != "regular" else None,
            **({"submitted_at": ev.at} if backdate else {}),
        )
        summary.ingest_seconds += report.seconds
        summary.by_status[report.status] += 1
        if report.status != ev.expect and report.status != "duplicate":
            errs = "; ".join(f"{i.code} {i.location()}: {i.message}" for i in report.errors[:3])
            summary.unexpected.append(f"{ev.period} {ev.name}: {report.status} (expected {ev.expect}) {errs}")
        if on_file is not None:
            on_file(ev)
    for k, proc in enumerate(children, start=1):
        result, tail = _collect(data_dir, k, proc)
        if result is None:
            summary.unexpected.append(f"worker {k} failed (exit {proc.returncode}): {tail}")
        else:
            _merge(summary, result)
    summary.seconds = time.perf_counter() - t0
    return summary


def _export_id(config: Config, kind: str) -> str | None:
    for e in config.targets.exports:
        if e.kind.value == kind:
            return e.id
    return None


def has_submissions(engine: Engine) -> bool:
    """Whether the ledger holds any submission at all."""
    from ioc import ledger

    return not ledger.submissions(engine, limit=1).is_empty()


def default_workers() -> int:
    """Two processes where there are two cores (the demo's files are independent per department)."""
    import os

    return 2 if (os.cpu_count() or 1) >= 2 else 1


def _parse_months(text: str) -> list[str]:
    first, _, last = text.partition(":")
    try:
        months = month_range(first, last or first)
    except ValueError:
        months = []
    if not months:
        raise argparse.ArgumentTypeError(f"no months in '{text}' (expected e.g. 2024-07:2026-10)")
    return months


def _parse_part(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and int(k) < int(n)):
        raise argparse.ArgumentTypeError(f"'{text}' is not k/n with k < n")
    return int(k), int(n)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ioc demo",
        description="Generate the demo province's history (deterministic from the seed) and ingest it. "
        "`python -m ioc demo units` rewrites the units files under province/.",
    )
    p.add_argument(
        "what",
        nargs="?",
        choices=("history", "units"),
        default="history",
        help="history (default): generate and ingest the months; units: rewrite the units files",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--force", action="store_true", help="ingest even when the ledger already has submissions")
    p.add_argument("--no-ingest", action="store_true", help="only write the files into the inbox folder")
    p.add_argument(
        "--months",
        type=_parse_months,
        default=None,
        metavar="FIRST:LAST",
        help=f"months to generate (default {FIRST_MONTH}:{LAST_MONTH})",
    )
    p.add_argument("--workers", type=int, default=None, help="processes to use (default: 2 on 2+ cores)")
    p.add_argument(
        "--phase",
        choices=PHASES,
        default="all",
        help="all (default); first: only the files the opening view needs; rest: the others",
    )
    p.add_argument("--out", type=Path, default=PROVINCE_DIR, help="folder of the units files (units only)")
    # internal: what a worker process runs (its share k/n) and how it reports back to its parent
    p.add_argument("--part", type=_parse_part, default=None, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    # internal: the app's first start fills the rest of the history in the background with this
    p.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    """Command line of the demo generator; returns the exit status."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.what == "units":
        for p in write_units(args.out, args.seed):
            print(f"wrote {p} ({p.stat().st_size:,} bytes)")
        return 0
    from ioc.config import load_config
    from ioc.issues import IssueError
    from ioc.settings import get_settings
    from ioc.store import get_engine, migrate

    settings = get_settings()
    try:
        config = load_config(settings.targets)
    except IssueError as err:
        for issue in err.issues:
            print(issue, file=sys.stderr)
        return 2
    months = args.months or month_range(FIRST_MONTH, LAST_MONTH)
    if args.fill:
        from ioc.demo.first_start import fill
        from ioc.store import get_engine

        engine = get_engine(settings.resolved_database_url())
        return fill(config, settings.data_dir, engine, args.seed, months, nice=True)
    engine = None
    if not args.no_ingest:
        engine = get_engine(settings.resolved_database_url())
        migrate(engine)
        if has_submissions(engine) and not args.force:
            print("the ledger already has submissions; nothing done (use --force to ingest anyway)")
            return 0
    echo = None if args.json else print
    if echo:
        echo(f"demo province: {months[0]} … {months[-1]} ({len(months)} months), seed {args.seed}")
    workers = args.workers or (default_workers() if engine is not None else 1)
    summary = generate(
        config,
        settings.data_dir,
        engine=engine,
        seed=args.seed,
        months=months,
        echo=echo,
        workers=workers,
        part=args.part,
        phase=args.phase,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "files": summary.files,
                    "by_status": summary.by_status,
                    "by_scenario": summary.by_scenario,
                    "unexpected": summary.unexpected,
                    "make_seconds": summary.make_seconds,
                    "ingest_seconds": summary.ingest_seconds,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(summary.line())
        for line in summary.unexpected:
            print(f"  unexpected: {line}", file=sys.stderr)
    return 1 if summary.unexpected else 0
