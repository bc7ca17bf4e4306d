"""Reading a file in a separate worker process with memory, CPU-time and wall-clock limits (PRODUCT §10).

Spreadsheet readers trust what a file declares, and a Rust allocation failure aborts the whole process (no
`try` catches it: ECOSYSTEM §3.2). So every file is detected and read in a child process: whatever happens
there — an abort, a MemoryError, a runaway loop, a kill — the caller gets a `ParseOutcome` with a precise
rejection ("the file cannot be read safely: …"), and the web server, the CLI and the inbox carry on.

Children are forked from a `forkserver` that has imported the loaders once, so a child starts in a few
milliseconds (spawning a fresh interpreter would cost the Polars and loader imports, ~1 s, per file). The
child sets its own limits before touching the file: RLIMIT_DATA (the heap: what the file makes the readers
allocate), RLIMIT_AS (address space, with headroom for the thread stacks and arenas that are reserved but
never used), RLIMIT_CPU; the parent enforces the wall-clock timeout.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from data_sources import ParseResult, Progress
from ioc.config import Config
from ioc.issues import Issue, IssueError
from ioc.messages import Words, issue, words

log = logging.getLogger(__name__)

MB = 1024 * 1024
# What the forkserver imports once, so that a child reads at once.
_PRELOAD = [
    "ioc.parse_worker",
    "data_sources.registry",
    "data_sources.workbook",
    "data_sources.procedure_stats",
    "data_sources.dossiers",
    "data_sources.long_export",
    "data_sources.xlsx_trim",
]
_MEMORY_PER_FILE_BYTE = 8  # a large export may need this many times its size in memory (the limit grows)
_AS_HEADROOM = 4 * 1024 * MB  # address space reserved but not used (thread stacks, allocator arenas)


@dataclass(frozen=True)
class ParseLimits:
    """How much one file's read may use. `isolated=False` reads in this process (for tests that patch loaders).

    The environment may change the defaults: IOC_PARSE_MEMORY_MB, IOC_PARSE_CPU_SECONDS,
    IOC_PARSE_TIMEOUT_SECONDS.
    """

    memory_mb: int = 2048
    cpu_seconds: int = 300
    wall_seconds: float = 600.0
    isolated: bool = True
    fault: str | None = None  # tests only: every worker misbehaves so (see `ParseRequest.fault`)

    @classmethod
    def from_env(cls) -> ParseLimits:
        """The defaults, as changed by the environment."""
        env = os.environ
        return cls(
            memory_mb=int(env.get("IOC_PARSE_MEMORY_MB", cls.memory_mb)),
            cpu_seconds=int(env.get("IOC_PARSE_CPU_SECONDS", cls.cpu_seconds)),
            wall_seconds=float(env.get("IOC_PARSE_TIMEOUT_SECONDS", cls.wall_seconds)),
        )

    def memory_bytes(self, file_size: int) -> int:
        """The heap limit for a file of `file_size` bytes: the configured limit, more for a very large file."""
        return max(self.memory_mb * MB, _MEMORY_PER_FILE_BYTE * file_size)


@dataclass(frozen=True)
class ParseRequest:
    """What to read: the file, the name the user knows it by, what the uploader declared."""

    path: str
    name: str
    source: str | None = None
    export_id: str | None = None
    department: str | None = None
    period: str | None = None
    sparse_parts: tuple[str, ...] = ()  # .xlsx sheets whose blank cells are dropped first (from the gate)
    sheet_names: tuple[tuple[str, str], ...] = ()  # (zip part, sheet name), for messages
    allowed: tuple[str, ...] | None = None  # the data sources this channel takes (None: any)
    fault: str | None = None  # tests only: "abort", "kill", "raise", "memory", "spin" in the worker


@dataclass
class ParseOutcome:
    """What the worker found: the loader's result, or the issues that stop the file before any result."""

    result: ParseResult | None = None
    source: str | None = None
    export_id: str | None = None
    issues: list[Issue] = field(default_factory=list)
    crash: str | None = None  # a loader's exception ("TypeError: …"), for an internal-error issue
    crash_trace: str | None = None  # its traceback, for the log
    peak_rss_mb: float = 0.0  # the worker's peak resident memory
    isolated: bool = False


# ---------------------------------------------------------------------------------------------- the work


def read_here(request: ParseRequest, config: Config, progress: Progress | None = None) -> ParseOutcome:
    """Trim sparse sheets, detect the source, read: the worker's job (also callable in-process)."""
    from data_sources.registry import detect
    from data_sources.xlsx_cells import one_read
    from data_sources.xlsx_trim import drop_blank_cells

    path = Path(request.path)
    with tempfile.TemporaryDirectory(prefix="ioc-parse-") as tmp:
        if request.sparse_parts:
            trimmed = Path(tmp) / path.name  # the same name: loaders look at the extension
            issues = drop_blank_cells(
                path, trimmed, request.sparse_parts, dict(request.sheet_names), request.name
            )
            if issues:
                return ParseOutcome(issues=issues)
            path = trimmed
        stage = "detect"
        try:
            with one_read():  # the sniffs and the read parse the file's sheet once
                chosen, export = detect(
                    path, config, source=request.source, export_id=request.export_id, allowed=request.allowed
                )
                stage = "read"
                result = chosen.read(
                    path,
                    config,
                    export,
                    display_name=request.name,
                    progress=progress,
                    department=request.department,
                    period=request.period,
                )
        except IssueError as err:  # refused: say what the file was taken for (a refused export's kind)
            return ParseOutcome(issues=err.issues, source=getattr(err, "source", None))
        except MemoryError:
            raise
        except (
            Exception
        ) as exc:  # a loader bug becomes an internal-error issue, never a traceback at the user
            return ParseOutcome(
                source=chosen.name if stage == "read" else None,
                crash=f"{type(exc).__name__}: {exc}",
                crash_trace=f"{stage}: " + traceback.format_exc(),
            )
    return ParseOutcome(
        result=result, source=chosen.name, export_id=export.id if export is not None else request.export_id
    )


def _set_limits(memory: int, cpu_seconds: int) -> None:
    with open("/proc/self/statm") as fh:
        address_space = int(fh.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    limit_as = address_space + memory + _AS_HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _fault(kind: str) -> None:
    """Misbehave as a crashing parser would (tests only)."""
    if kind == "abort":
        os.abort()
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "raise":
        raise RuntimeError("a loader bug")
    if kind == "memory":
        hog = []
        while True:
            hog.append(bytearray(64 * MB))
    if kind == "spin":
        while True:
            pass


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(conn: Connection, request: ParseRequest, config: Config, memory: int, cpu_seconds: int) -> None:
    """The worker process: limits, then the read; every outcome goes back through `conn`."""
    try:
        _set_limits(memory, cpu_seconds)
        if request.fault:
            _fault(request.fault)

        def progress(done: int, total: int | None) -> None:
            conn.send(("progress", done, total))

        outcome = read_here(request, config, progress)
        outcome.peak_rss_mb = _peak_rss_mb()
        conn.send(("done", outcome))
    except MemoryError:
        try:
            conn.send(("memory", _peak_rss_mb()))
        finally:
            os._exit(3)
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------- the parent

_ctx: Any = None
_ctx_lock = threading.Lock()


@contextmanager
def _without_main_module() -> Iterator[None]:
    """Start a worker without it re-running the main module: under `streamlit run` the main module is the
    app script itself, which a new process would otherwise execute again (seeding, pages) before reading.
    The worker needs nothing from it: the loaders are preloaded in the fork server."""
    with _ctx_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


def _context() -> Any:
    """The forkserver context, its server preloaded with the loaders (started on first use)."""
    global _ctx
    with _ctx_lock:
        if _ctx is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _ctx = ctx
    return _ctx


def unsafe(name: str, reason: Words, value: str | None = None) -> Issue:
    """The rejection of a file whose read had to be stopped (`reason`: a `phrase.*` of the catalog)."""
    return issue("unsafe-file", file=name, value=value, reason=reason)


def _exit_reason(name: str, code: int | None, limits: ParseLimits, memory: int) -> Issue:
    mb = memory // MB
    if code is not None and code < 0:
        sig = -code
        if sig == signal.SIGABRT:
            return unsafe(name, words("phrase.reader-aborted", mb=str(mb)), "SIGABRT")
        if sig == signal.SIGXCPU:
            return unsafe(name, words("phrase.cpu-limit", seconds=limits.cpu_seconds), "SIGXCPU")
        if sig == signal.SIGKILL:
            return unsafe(name, words("phrase.killed"), "SIGKILL")
        return unsafe(
            name, words("phrase.crashed", signal=signal.Signals(sig).name), signal.Signals(sig).name
        )
    return unsafe(name, words("phrase.exited", code=str(code)), f"exit {code}")


def read_file(
    request: ParseRequest,
    config: Config,
    limits: ParseLimits | None = None,
    progress: Progress | None = None,
) -> ParseOutcome:
    """Detect and read `request.path` in a worker process within `limits`; never raises for the file's sake."""
    limits = limits or ParseLimits.from_env()
    if not limits.isolated:
        return read_here(request, config, progress)
    size = Path(request.path).stat().st_size if Path(request.path).exists() else 0
    memory = limits.memory_bytes(size)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    if limits.fault and not request.fault:
        request = replace(request, fault=limits.fault)
    proc = ctx.Process(target=_child, args=(sender, request, config, memory, limits.cpu_seconds), daemon=True)
    with _without_main_module():
        proc.start()
    sender.close()
    deadline = time.monotonic() + limits.wall_seconds
    outcome: ParseOutcome | None = None
    open_pipe = True
    try:
        while outcome is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                proc.kill()
                outcome = ParseOutcome(
                    issues=[
                        unsafe(request.name, words("phrase.timeout", seconds=limits.wall_seconds), "timeout")
                    ]
                )
                break
            ready = wait([receiver, proc.sentinel] if open_pipe else [proc.sentinel], timeout=remaining)
            if receiver in ready:
                try:
                    message = receiver.recv()
                except (EOFError, OSError):  # the worker is gone without a word: its exit code says why
                    open_pipe = False
                    continue
                if message[0] == "progress":
                    if progress is not None:
                        progress(message[1], message[2])
                elif message[0] == "done":
                    outcome = message[1]
                elif message[0] == "memory":
                    outcome = ParseOutcome(
                        issues=[
                            unsafe(request.name, words("phrase.memory", mb=str(memory // MB)), "MemoryError")
                        ],
                        peak_rss_mb=message[1],
                    )
            elif proc.sentinel in ready:
                if open_pipe and receiver.poll():
                    continue  # read what it sent before it ended
                proc.join()
                log.warning("the parse worker for %s ended with exit code %s", request.name, proc.exitcode)
                outcome = ParseOutcome(issues=[_exit_reason(request.name, proc.exitcode, limits, memory)])
    finally:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
            proc.join()
        receiver.close()
    outcome.isolated = True
    return outcome
