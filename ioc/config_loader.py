"""Loading `targets.yaml`: runs the three stages (`config_yaml`, `config_shape`, `config_rules`) in order.

Every stage collects all of its issues; `load_config` raises one `IssueError` carrying them all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path
from typing import Any

from ioc import messages
from ioc.config import Config
from ioc.config_rules import check_rules
from ioc.config_shape import validate_shape
from ioc.config_yaml import Located, read_yaml
from ioc.issues import Issue, IssueError
from ioc.targets import Rollup, TargetsFile, explain_unit_target

__all__ = [
    "Located",
    "check_config",
    "check_main",
    "format_issues",
    "load_config",
    "read_yaml",
    "validate_shape",
]

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------
# Registry files named in targets.yaml


def _registry_files(
    targets: TargetsFile, doc: Located, file: str, base_dir: Path
) -> tuple[bool, list[Issue]]:
    """Check that the registry files exist; return whether the required ones (departments, communes) do."""
    issues = []
    required_ok = True
    for name in ("departments", "communes", "boundaries", "crosswalk"):
        rel = getattr(targets.registry, name)
        if rel is None or (base_dir / rel).is_file():
            continue
        required_ok = required_ok and name not in ("departments", "communes")
        pos = doc.position(("registry", name)) or (None, None)
        issues.append(
            messages.issue(
                "missing-file",
                file=file,
                line=pos[0],
                col=pos[1],
                field=f"registry.{name}",
                value=rel,
                name=name,
                path=base_dir / rel,
            )
        )
    return required_ok, issues


def _load_registry(targets: TargetsFile, doc: Located, file: str, base_dir: Path) -> tuple[Any, list[Issue]]:
    from ioc.units import load_registry

    required_ok, issues = _registry_files(targets, doc, file, base_dir)
    if not required_ok:
        return None, issues
    files = targets.registry
    # optional files that are missing are already reported: load the rest so the other rules still run
    missing = {
        name: None
        for name in ("boundaries", "crosswalk")
        if getattr(files, name) is not None and not (base_dir / getattr(files, name)).is_file()
    }
    if missing:
        files = files.model_copy(update=missing)
    try:
        registry = load_registry(files, base_dir=base_dir, province=targets.province)
    except IssueError as err:
        return None, issues + list(err.issues)
    return registry, issues + list(getattr(registry, "issues", []))  # the registry's warnings


# ---------------------------------------------------------------------------------------------------
# Entry points


def _sort_key(issue: Issue) -> tuple:
    return (issue.file or "", issue.line if issue.line is not None else 1 << 30, issue.col or 0)


def check_config(path: Path | str) -> tuple[Config | None, list[Issue]]:
    """Run all three stages; return the config (None when there is any error) and every issue found."""
    path = Path(path)
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [messages.issue("missing-file:targets", file=file, error=err.strerror or err)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [messages.issue("encoding", file=file, line=line)]
    doc, issues = read_yaml(text, file)
    if doc is None:
        return None, issues
    targets, shape_issues = validate_shape(doc, file)
    issues += shape_issues
    registry = None
    if targets is not None:
        registry, registry_issues = _load_registry(targets, doc, file, path.parent)
        issues += registry_issues
        issues += check_rules(targets, doc, file, registry)
    issues.sort(key=_sort_key)
    if targets is None or registry is None or any(i.is_error for i in issues):
        return None, issues
    config = Config(
        targets=targets,
        registry=registry,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=[i for i in issues if not i.is_error],
    )
    return config, issues


def load_config(path: Path | str) -> Config:
    """Load and validate targets.yaml and its registry; raise `IssueError` listing every error."""
    config, issues = check_config(path)
    if config is None:
        raise IssueError([i for i in issues if i.is_error] or issues)
    for issue in config.warnings:
        log.warning("%s", issue)
    return config


def format_issues(issues: list[Issue], lang: str = "en") -> str:
    """Compiler-style lines (`targets.yaml:42:5: error[code] field: message Hint: …`), sorted by line."""
    lines = []
    for issue in sorted(issues, key=_sort_key):
        shown = str(dataclasses.replace(issue, message=issue.text(lang), hint=None, admin_hint=None))
        hint = issue.hint_text(lang)
        if hint:
            shown += f" {'Gợi ý' if lang == 'vi' else 'Hint'}: {hint}"
        admin = issue.admin_hint_text(lang)
        if admin:
            shown += f" {'Quản trị viên' if lang == 'vi' else 'Administrator'}: {admin}"
        lines.append(shown)
    return "\n".join(lines)


def check_main(path: Path | str, lang: str = "en") -> int:
    """`python -m ioc check`: print every issue of targets.yaml; exit code 0 when usable, 1 otherwise."""
    config, issues = check_config(path)
    if issues:
        print(format_issues(issues, lang))
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    if config is None:
        print(f"{path}: {errors} error(s), {warnings} warning(s)")
        return 1
    t = config.targets
    summed = [ind for ind in t.indicators if ind.rollup == Rollup.SUM]
    if summed:
        print("Unit targets of the indicators summed over units (unit_target):")
        for ind in summed:
            print(f"  {explain_unit_target(ind)}")
    print(
        f"{path}: OK — {len(t.indicators)} indicators, {len(t.pillars)} pillars, "
        f"{len(t.exports)} exports; {warnings} warning(s)"
    )
    return 0
