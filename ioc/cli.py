"""The command line (`python -m ioc …`): ingest files or an inbox, check the config, list, withdraw and
restore submissions, manage accounts, and hand `demo` to `ioc.demo`.

Who acts: without `--user` the command runs as the trusted system path (whoever holds a shell on the
server already holds the database and the archive); with `--user NAME` it acts with that account's rights
(a department account writes for its own department only) and the ledger records the account. `lock` and
`unlock` have no system path: they need `--user` naming an administrator account.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ioc.issues import Issue, IssueError
from ioc.messages import issue

# Global options, accepted before the sub-command (and, for convenience, after it).
_GLOBAL_ENV = {"database_url": "IOC_DATABASE_URL", "data_dir": "IOC_DATA_DIR", "targets": "IOC_TARGETS"}
_GLOBAL_FLAGS = ("--database-url", "--data-dir", "--targets")


def _default_who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


def _globals_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a sub-command's copy must not overwrite a value given before the sub-command.
    p.add_argument("--database-url", default=argparse.SUPPRESS, help="SQLAlchemy URL (IOC_DATABASE_URL)")
    p.add_argument(
        "--data-dir", default=argparse.SUPPRESS, help="archive, inbox and SQLite folder (IOC_DATA_DIR)"
    )
    p.add_argument("--targets", default=argparse.SUPPRESS, help="path of targets.yaml (IOC_TARGETS)")
    return p


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m ioc`."""
    glob = _globals_parser()
    parser = argparse.ArgumentParser(
        prog="python -m ioc", description="IOC Target Tracker command line.", parents=[glob]
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ing = sub.add_parser("ingest", parents=[glob], help="ingest files, or every file in an inbox folder")
    ing.add_argument("files", nargs="*", type=Path, metavar="FILE")
    ing.add_argument(
        "--inbox", type=Path, help="ingest every file in this folder (moved to done/ or rejected/)"
    )
    ing.add_argument("--watch", action="store_true", help="with --inbox: keep polling until Ctrl-C")
    ing.add_argument("--interval", type=float, default=10.0, help="seconds between polls (default 10)")
    ing.add_argument("--max-cycles", type=int, default=None, help="with --watch: stop after N polls")
    ing.add_argument("--source", help="kind of file: workbook, procedure_stats, dossiers, long")
    ing.add_argument("--export", dest="export_id", help="export id from targets.yaml `exports:`")
    ing.add_argument("--department", help="department id the file reports for")
    ing.add_argument("--period", help="period the file reports (2025-08, 2025-Q3, 2025)")
    ing.add_argument(
        "--who", default=None, help="name recorded in the ledger (default: the account or cli:USER)"
    )
    ing.add_argument("--user", help="act as this account, with its rights (recorded in the ledger)")
    ing.add_argument("--dry-run", action="store_true", help="check only; store nothing")
    ing.add_argument("--max-mb", type=float, default=200.0, help="largest file accepted, in MB (default 200)")
    ing.add_argument("--lang", choices=("en", "vi"), default="en", help="language of messages")

    chk = sub.add_parser("check", parents=[glob], help="validate targets.yaml and its registry files")
    chk.add_argument("path", nargs="?", type=Path, help="targets.yaml (default: IOC_TARGETS)")
    chk.add_argument("--lang", choices=("en", "vi"), default="en")

    his = sub.add_parser("history", parents=[glob], help="list submissions, newest first")
    his.add_argument("--department")
    his.add_argument("--limit", type=int, default=50)
    his.add_argument("--lang", choices=("en", "vi"), default="en", help="language of dates")

    wd = sub.add_parser("withdraw", parents=[glob], help="withdraw an accepted submission")
    wd.add_argument("id", type=int)
    wd.add_argument("--who", default=None)
    wd.add_argument("--user", help="act as this account, with its rights")
    wd.add_argument("--note", help="why (kept with the submission)")

    rs = sub.add_parser("restore", parents=[glob], help="make a superseded or withdrawn submission current")
    rs.add_argument("id", type=int)
    rs.add_argument("--who", default=None)
    rs.add_argument("--user", help="act as this account, with its rights")
    rs.add_argument("--note", help="why (kept with the restored copy)")

    us = sub.add_parser("user", parents=[glob], help="add, list, disable or change accounts")
    us_sub = us.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    pw_help = "read the password from standard input (one line) instead of asking"
    us_add = us_sub.add_parser("add", parents=[glob], help="create an account (asks for its password)")
    us_add.add_argument("username")
    us_add.add_argument("--role", required=True, choices=("viewer", "department", "administrator"))
    us_add.add_argument("--department", help="department id (departments.csv), for a department account")
    us_add.add_argument("--name", help='the name history shows, e.g. "Nguyễn Văn A"')
    us_add.add_argument("--email", help="e-mail an OpenID Connect sign-in is matched by")
    us_add.add_argument("--password-stdin", action="store_true", help=pw_help)
    us_add.add_argument("--no-password", action="store_true", help="sign in through OpenID Connect only")
    us_sub.add_parser("list", parents=[glob], help="every account (never a password)")
    us_dis = us_sub.add_parser("disable", parents=[glob], help="disable an account; its sessions end")
    us_dis.add_argument("username")
    us_en = us_sub.add_parser("enable", parents=[glob], help="enable a disabled account again")
    us_en.add_argument("username")
    us_pw = us_sub.add_parser("reset-password", parents=[glob], help="set a new password (asks for it)")
    us_pw.add_argument("username")
    us_pw.add_argument("--password-stdin", action="store_true", help=pw_help)
    us_role = us_sub.add_parser("set-role", parents=[glob], help="change an account's role")
    us_role.add_argument("username")
    us_role.add_argument("role", choices=("viewer", "department", "administrator"))
    us_role.add_argument("--department", help="department id, for the department role")

    wt = sub.add_parser("wall-token", parents=[glob], help="create, list or revoke read-only wall links")
    wt_sub = wt.add_subparsers(dest="wall_command", required=True, metavar="ACTION")
    wt_new = wt_sub.add_parser("create", parents=[glob], help="create a wall token (the link is shown once)")
    wt_new.add_argument("--name", required=True, help='where the screen is, e.g. "TV phòng điều hành"')
    wt_new.add_argument("--who", default=_default_who())
    wt_new.add_argument("--url", default="http://HOST:8501", help="the app's address, to print the wall link")
    wt_sub.add_parser("list", parents=[glob], help="every wall token, revoked ones included")
    wt_rev = wt_sub.add_parser("revoke", parents=[glob], help="revoke a wall token: its screens say so")
    wt_rev.add_argument("id", type=int)
    wt_rev.add_argument("--who", default=_default_who())

    mp = sub.add_parser("meeting-pack", parents=[glob], help="write the meeting's Excel pack for a period")
    mp.add_argument("--period", required=True, help="the meeting's period (2026-10, 2026-Q4, 2026)")
    mp.add_argument("--lang", choices=("vi", "en"), default="vi")
    mp.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    lk = sub.add_parser("lock", parents=[glob], help="lock a period: no submission or withdrawal for it")
    ul = sub.add_parser("unlock", parents=[glob], help="unlock a locked period")
    for p in (lk, ul):
        p.add_argument("--period", required=True)
        # no system path here: a lock is a person's decision, so an administrator account must be named
        p.add_argument("--user", help="the administrator account that locks or unlocks (required)")
        p.add_argument("--note")
        p.add_argument("--lang", choices=("vi", "en"), default="en", help="language of messages and times")
    lks = sub.add_parser("locks", parents=[glob], help="every lock and unlock, newest first")
    lks.add_argument("--period")
    lks.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the times shown")

    sub.add_parser("demo", help="generate and ingest the demo province (see `python -m ioc demo --help`)")
    return parser


def _split_demo(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """(global options, demo arguments) when the command is `demo`; demo parses its own options."""
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in _GLOBAL_FLAGS:
            i += 2
            continue
        if tok.startswith(tuple(f + "=" for f in _GLOBAL_FLAGS)):
            i += 1
            continue
        return (argv[:i], argv[i + 1 :]) if tok == "demo" else None
    return None


def _apply_globals(args: argparse.Namespace) -> None:
    # Overrides go through the environment so every module (and ioc.demo) reads the same settings.
    for attr, env in _GLOBAL_ENV.items():
        value = getattr(args, attr, None)
        if value is not None:
            os.environ[env] = str(value)


def _print_issues(issues: Sequence[Issue], lang: str, file=None) -> None:  # type: ignore[no-untyped-def]
    for found in issues:
        if lang == "vi":
            where = found.location()
            head = f"{where}: " if where else ""
            line = f"{head}{found.severity.value}[{found.code}] {found.text('vi')}"
            if found.hint_text("vi"):
                line += f" Gợi ý: {found.hint_text('vi')}"
            if found.admin_hint_text("vi"):
                line += f" Quản trị viên: {found.admin_hint_text('vi')}"
            print(line, file=file or sys.stdout)
        else:
            print(str(found), file=file or sys.stdout)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*(str(c) for c in r)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


class _ProgressLine:
    """A percentage line on stderr fed by the loaders' progress callback."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tty = sys.stderr.isatty()
        self.last = -1
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            pct = min(100, int(100 * done / total))
            step = pct if self.tty else pct // 10 * 10
            if step == self.last:
                return
            self.last = step
            text = f"{self.name}: {pct}% ({done:,} / {total:,} rows)"
        else:
            if self.tty and done - self.last < 10_000 and self.last >= 0:
                return
            if not self.tty and done - self.last < 100_000 and self.last >= 0:
                return
            self.last = done
            text = f"{self.name}: {done:,} rows"
        self.shown = True
        if self.tty:
            sys.stderr.write("\r" + text + "\x1b[K")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _summary(reports: list, lang: str) -> None:  # type: ignore[type-arg]
    header = ["file", "status", "rows read", "observations", "units", "periods", "warnings", "errors"]
    rows = []
    for r in reports:
        status = r.status + (f" #{r.submission_id}" if r.submission_id else "")
        if r.status == "duplicate":
            status += f" of #{r.duplicate_of}"
        periods = ",".join(r.periods) if len(r.periods) <= 3 else f"{r.periods[0]}…{r.periods[-1]}"
        rows.append(
            [
                r.file_name,
                status,
                r.rows_read,
                r.n_observations,
                r.units,
                periods,
                len(r.warnings),
                len(r.errors),
            ]
        )
    print(_table(rows, header))
    for r in reports:
        if r.replacement is not None:
            print(f"{r.file_name}: {r.replacement.describe(lang)}")
        if r.issues:
            print()
            _print_issues(r.issues, lang)


def _engine():  # type: ignore[no-untyped-def]
    """The ledger's engine and the settings; the schema is migrated only when it is behind (checked with a
    read first, so a reading command never takes the write lock)."""
    from ioc import store
    from ioc.settings import get_settings

    settings = get_settings()
    engine = store.get_engine(settings.resolved_database_url())
    store.migrate(engine)
    return engine, settings


def _load_config(path: Path):  # type: ignore[no-untyped-def]
    from ioc.config import load_config

    return load_config(path)


def _config_broken(targets: Path, err: IssueError, args: argparse.Namespace) -> None:
    """Say that nothing is ingested because of targets.yaml; inbox files wait beside a note."""
    from ioc.ingest import hold_inbox

    print(f"{targets}: the configuration has errors; nothing was ingested.", file=sys.stderr)
    _print_issues(err.issues, args.lang, file=sys.stderr)
    if args.inbox is not None:
        held = hold_inbox(args.inbox, err.issues, min_age_seconds=2.0 if args.watch else 0.0)
        if held:
            print(f"{len(held)} file(s) wait in {args.inbox} until targets.yaml is fixed", file=sys.stderr)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from ioc.ingest import ingest_file, ingest_inbox
    from ioc.settings import get_settings

    if not args.files and args.inbox is None:
        print("ingest: give files to ingest, or --inbox DIR", file=sys.stderr)
        return 2
    if args.watch and args.inbox is None:
        print("ingest: --watch needs --inbox DIR", file=sys.stderr)
        return 2
    # The configuration first: a broken targets.yaml must not touch the ledger, nor judge any file.
    targets = get_settings().targets
    try:
        config = _load_config(targets)
    except IssueError as err:
        _config_broken(targets, err, args)
        if not args.watch:
            return 2
        config = None  # the inbox watch keeps polling: files are ingested once the config loads
    engine, settings = _engine()
    from ioc.ledger import sweep_incoming

    actor = _actor(engine, args.user)
    args.who = args.who or (actor.label if actor is not None else _default_who())
    sweep_incoming(settings.data_dir, engine)  # staged files a killed run left behind
    options = {
        "actor": actor,
        "source": args.source,
        "export_id": args.export_id,
        "department": args.department,
        "period": args.period,
        "dry_run": args.dry_run,
        "max_bytes": int(args.max_mb * 1024 * 1024),
    }
    reports = []
    for path in args.files:
        progress = _ProgressLine(path.name)
        try:
            reports.append(
                ingest_file(
                    path, config, engine, settings.data_dir, who=args.who, progress=progress, **options
                )
            )
        finally:
            progress.close()
    if args.inbox is None:
        _summary(reports, args.lang)
        if any(r.status == "waiting" for r in reports):
            return 2  # targets.yaml must be fixed; nothing was recorded for these files
        return 1 if any(r.status in ("rejected", "busy") for r in reports) else 0
    return _run_inbox(args, config, engine, settings, options, ingest_inbox)


def _run_inbox(args, config, engine, settings, options, ingest_inbox) -> int:  # type: ignore[no-untyped-def]
    from ioc.ingest import hold_inbox

    cycles = 0
    any_rejected = False
    config_mtime = settings.targets.stat().st_mtime_ns if settings.targets.exists() else 0
    try:
        while True:
            changed = settings.targets.exists() and settings.targets.stat().st_mtime_ns != config_mtime
            if args.watch and (config is None or changed):
                # while targets.yaml is broken, files wait in the inbox (with a note) rather than being
                # judged by a configuration that is no longer the one on disk
                try:
                    config = _load_config(settings.targets)
                    print(f"{settings.targets}: loaded", file=sys.stderr)
                except IssueError as err:
                    if config is not None or changed:  # news: say it once
                        _config_broken(settings.targets, err, args)
                    else:  # still broken: files that arrived since then get their note too
                        hold_inbox(args.inbox, err.issues, min_age_seconds=2.0)
                    config = None
                config_mtime = settings.targets.stat().st_mtime_ns if settings.targets.exists() else 0
            if config is None:
                cycles += 1
                if args.max_cycles is not None and cycles >= args.max_cycles:
                    break
                time.sleep(args.interval)
                continue
            reports = ingest_inbox(
                args.inbox,
                config,
                engine,
                settings.data_dir,
                who=args.who,
                min_age_seconds=2.0 if args.watch else 0.0,
                **options,
            )
            if reports:
                _summary(reports, args.lang)
                sys.stdout.flush()
            any_rejected |= any(r.status in ("rejected", "waiting", "busy") for r in reports)
            cycles += 1
            if not args.watch or (args.max_cycles is not None and cycles >= args.max_cycles):
                break
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
    return 1 if any_rejected and not args.watch else 0


def _cmd_check(args: argparse.Namespace) -> int:
    from ioc.config_loader import check_main
    from ioc.settings import get_settings

    return check_main(args.path or get_settings().targets, args.lang)


def _actor(engine, username: str | None):  # type: ignore[no-untyped-def]
    """The account `--user` names, as the acting user (None without `--user`: the system path)."""
    if not username:
        return None
    from ioc import accounts

    account = accounts.get_account(engine, username)
    if not account.active:
        raise accounts.AccountError([issue("account-disabled", username=account.username)])
    return account.user()


def _cmd_history(args: argparse.Namespace) -> int:
    from ioc import ledger
    from ioc.views import format_local_time

    engine, settings = _engine()
    df = ledger.submissions(engine, department=args.department, limit=args.limit)
    header = [
        "id",
        f"submitted ({settings.timezone})",
        "by",
        "department",
        "source",
        "periods",
        "status",
        "obs",
        "warn",
        "err",
        "file",
    ]
    rows = []
    for r in df.iter_rows(named=True):
        status = r["status"] + (f" (from #{r['restored_from']})" if r["restored_from"] else "")
        if r["status"] == "withdrawn" and r["withdrawn_by"]:
            when = format_local_time(r["withdrawn_at"], args.lang, settings.timezone)
            status += f" by {r['withdrawn_by']} {when}" + (
                f": {r['withdraw_note']}" if r["withdraw_note"] else ""
            )
        rows.append(
            [
                r["id"],
                format_local_time(r["submitted_at"], args.lang, settings.timezone),
                r["submitted_by"],
                r["department"] or "",
                r["source"],
                r["periods"] or "",
                status,
                r["n_observations"],
                r["n_warnings"],
                r["n_errors"],
                r["file_name"],
            ]
        )
    print(_table(rows, header) if rows else "no submissions yet")
    return 0


def _cmd_withdraw(args: argparse.Namespace) -> int:
    from ioc import ledger

    engine, _ = _engine()
    actor = _actor(engine, args.user)
    who = args.who or (actor.label if actor is not None else _default_who())
    ledger.withdraw(engine, args.id, who, note=args.note, actor=actor)
    print(f"submission #{args.id} withdrawn")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from ioc import ledger

    engine, _ = _engine()
    actor = _actor(engine, args.user)
    who = args.who or (actor.label if actor is not None else _default_who())
    new_id = ledger.restore(engine, args.id, who, note=args.note, actor=actor)
    print(f"submission #{args.id} restored as #{new_id}")
    return 0


def _cmd_wall_token(args: argparse.Namespace) -> int:
    from ioc import wall_tokens

    engine, _ = _engine()
    try:
        if args.wall_command == "create":
            token, secret = wall_tokens.create_token(engine, args.name, args.who)
            print(f"wall token #{token.id} created for {token.name!r}")
            print(f"token: {secret}")
            print(f"wall link: {args.url.rstrip('/')}/wall?token={secret}")
            print("the token is shown only now; only its hash is stored")
        elif args.wall_command == "list":
            rows = [
                [
                    tok.id,
                    tok.name,
                    tok.prefix + "…",
                    tok.created_at.strftime("%Y-%m-%d %H:%M") + " UTC",
                    tok.created_by,
                    f"revoked {tok.revoked_at:%Y-%m-%d %H:%M} UTC by {tok.revoked_by}"
                    if tok.revoked
                    else "active",
                ]
                for tok in wall_tokens.list_tokens(engine)
            ]
            header = ["id", "name", "token", "created", "by", "status"]
            print(_table(rows, header) if rows else "no wall tokens yet")
        else:
            token = wall_tokens.revoke_token(engine, args.id, args.who)
            print(
                f"wall token #{token.id} ({token.name}) revoked; its screens show that the link was revoked"
            )
    except wall_tokens.TokenError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _cmd_meeting_pack(args: argparse.Namespace) -> int:
    from ioc import ledger
    from ioc.meeting import build_view
    from ioc.meeting_pack import build_pack
    from ioc.periods import is_period, local_today
    from ioc.rollup import rollup
    from ioc.scoring import score
    from ioc.settings import get_settings
    from ioc.views import data_as_of

    if not is_period(args.period):
        print(f"meeting-pack: '{args.period}' is not a period (2026-10, 2026-Q4, 2026)", file=sys.stderr)
        return 2
    config = _load_config(get_settings().targets)
    engine, settings = _engine()
    today = local_today(settings.timezone)
    observations = rollup(ledger.current_observations(engine), config)
    view = build_view(
        engine,
        config,
        args.period,
        args.lang,
        scores_of=lambda p: score(observations, config, p, today=today),
        submissions=ledger.submissions(engine),
        today=today,
        data_as_of=data_as_of(observations),
        timezone=settings.timezone,
    )
    args.out.write_bytes(build_pack(view, config, timezone=settings.timezone))
    print(
        f"{args.out}: meeting pack for {args.period} ({view.at_risk.height} at risk, {view.actions.height} open actions)"
    )
    return 0


def _cmd_lock(args: argparse.Namespace) -> int:
    from ioc import meeting_locks
    from ioc.views import format_local_time

    engine, settings = _engine()
    # without --user the core refuses (None is no administrator), with the reason in both languages
    actor = _actor(engine, args.user)
    if args.command == "lock":
        lock = meeting_locks.lock_period(engine, args.period, actor, note=args.note)
        when = format_local_time(lock.at, args.lang, settings.timezone)
        print(f"period {lock.period} locked by {lock.who} at {when} ({settings.timezone})")
    else:
        meeting_locks.unlock_period(engine, args.period, actor, note=args.note)
        print(f"period {args.period} unlocked by {actor.label if actor else ''}")
    return 0


def _cmd_locks(args: argparse.Namespace) -> int:
    from ioc import meeting_locks
    from ioc.views import format_local_time

    engine, settings = _engine()
    df = meeting_locks.lock_history(engine, args.period)
    rows = [
        [
            r["id"],
            r["period"],
            r["action"],
            format_local_time(r["at"], args.lang, settings.timezone),
            r["who"],
            r["note"] or "",
        ]
        for r in df.iter_rows(named=True)
    ]
    header = ["id", "period", "action", f"at ({settings.timezone})", "who", "note"]
    print(_table(rows, header) if rows else "no locks yet")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """A new password from standard input (`--password-stdin`) or asked twice on the terminal; never an
    argument (it would stay in the shell history and the process list) and never a default."""
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise IssueError([issue("no-terminal")])
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise IssueError([issue("password-mismatch")])
    return first


def _departments() -> set[str] | None:
    """The registry's department ids, to refuse a typo (None when targets.yaml does not load)."""
    from ioc.settings import get_settings

    try:
        config = _load_config(get_settings().targets)
    except IssueError:
        return None
    return set(config.registry.departments["id"].to_list())


def _cmd_user(args: argparse.Namespace) -> int:
    from ioc import accounts

    engine, settings = _engine()
    from ioc.views import format_local_time

    cmd = args.user_command
    if cmd == "add":
        password = None if args.no_password else _read_password(args)
        account = accounts.create_account(
            engine,
            args.username,
            role=args.role,
            display_name=args.name,
            department=args.department,
            email=args.email,
            password=password,
            created_by=_default_who(),
            departments=_departments(),
        )
        where = f" for {account.department}" if account.department else ""
        print(f"account '{account.username}' created: {account.role}{where}")
    elif cmd == "list":
        rows = [
            [
                a.username,
                a.display_name,
                a.role,
                a.department or "",
                a.email or "",
                ("active" if a.active else "disabled") + ("" if a.has_password else ", OpenID Connect only"),
                format_local_time(a.last_login_at, "en", settings.timezone) if a.last_login_at else "never",
            ]
            for a in accounts.list_accounts(engine)
        ]
        header = ["user", "name", "role", "department", "e-mail", "status", "last sign-in"]
        print(
            _table(rows, header)
            if rows
            else "no accounts yet: create the first administrator with "
            "`python -m ioc user add NAME --role administrator`"
        )
    elif cmd in ("disable", "enable"):
        account = accounts.set_active(engine, args.username, cmd == "enable")
        print(f"account '{account.username}' {cmd}d")
    elif cmd == "reset-password":
        accounts.get_account(engine, args.username)  # an unknown name fails before the password is asked
        account = accounts.reset_password(engine, args.username, _read_password(args))
        print(f"password of '{account.username}' changed; its sessions ended")
    else:
        account = accounts.set_role(
            engine, args.username, args.role, args.department, departments=_departments()
        )
        where = f" for {account.department}" if account.department else ""
        print(f"account '{account.username}' is now {account.role}{where}")
    return 0


_COMMANDS = {
    "ingest": _cmd_ingest,
    "check": _cmd_check,
    "history": _cmd_history,
    "withdraw": _cmd_withdraw,
    "restore": _cmd_restore,
    "wall-token": _cmd_wall_token,
    "meeting-pack": _cmd_meeting_pack,
    "lock": _cmd_lock,
    "unlock": _cmd_lock,
    "locks": _cmd_locks,
    "user": _cmd_user,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (1 when a file was rejected, 2 on usage errors)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")  # Vietnamese text on a non-UTF-8 console
    demo = _split_demo(argv)
    if demo is not None:
        glob_args, rest = demo
        _apply_globals(_globals_parser().parse_args(glob_args))
        import ioc.demo

        return int(ioc.demo.main(rest) or 0)
    args = build_parser().parse_args(argv)
    _apply_globals(args)
    try:
        return _COMMANDS[args.command](args)
    except IssueError as err:
        _print_issues(err.issues, getattr(args, "lang", "en"), file=sys.stderr)
        return 1
