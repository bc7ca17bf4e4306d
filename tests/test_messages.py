"""The message catalog (ioc/messages.py): every code worded once, in both languages, filled at every call
site, and tried by a test; no problem text written inline at a call site any more."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from ioc.issues import Severity
from ioc.messages import CATALOG, Msg, Num, Words, issue

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("ioc/*.py"), *ROOT.glob("data_sources/*.py"), *ROOT.glob("pages/*.py")])
# Being edited elsewhere; their issues move to the catalog later (their codes are in it already).
NOT_YET_MIGRATED: set[str] = set()
# Codes no test can cause honestly: an OSError while a CSV is transcoded (a full disk).
UNTRIGGERABLE = {"csv-read-failed"}
# Vietnamese names what is counted ("lỗi" / "cảnh báo") where English says "more like this"; English says
# what a lock forbids where Vietnamese just says whom to ask.
VI_ONLY_FIELDS = {"phrase.more-like-this", "period-locked"}
# The builders that take a catalog key first: issue("code", ...), ctx.add("code", ...) and friends.
BUILDERS = {"issue", "warning", "words", "text", "msg_text", "add", "_issue", "_error", "_warn", "located"}


def _codes() -> set[str]:
    return {key.split(":", 1)[0] for key in CATALOG if not key.startswith("phrase.")}


def _calls() -> list[tuple[str, int, str, set[str], bool]]:
    """Every call of a catalog builder with a literal key: (file, line, key, keyword names, has **kw)."""
    out = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel in NOT_YET_MIGRATED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # ioc/validation.py's rules return (key, {fields}) for its collector to build
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Dict):
                keys = node.elts[0]
                options = [keys.body, keys.orelse] if isinstance(keys, ast.IfExp) else [keys]
                fields = {k.value for k in node.elts[1].keys if isinstance(k, ast.Constant)}
                for opt in options:
                    if isinstance(opt, ast.Constant) and opt.value in CATALOG:
                        out.append((rel, node.lineno, opt.value, fields, None in node.elts[1].keys))
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[2] if name == "located" and len(node.args) > 2 else node.args[0]
            if name in BUILDERS and isinstance(first, ast.Constant) and first.value in CATALOG:
                kws = {k.arg for k in node.keywords if k.arg}
                out.append((rel, node.lineno, first.value, kws, any(k.arg is None for k in node.keywords)))
    return out


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_has_both_languages_and_both_hints_or_neither(key: str) -> None:
    msg = CATALOG[key]
    assert msg.vi.strip() and msg.en.strip()
    assert bool(msg.hint_vi) == bool(msg.hint_en), "a hint in one language only"
    assert bool(msg.admin_hint_vi) == bool(msg.admin_hint_en), "an administrator's hint in one language only"
    for lang_pair in (("vi", "en"), ("hint_vi", "hint_en"), ("admin_hint_vi", "admin_hint_en")):
        vi, en = (getattr(msg, a) or "" for a in lang_pair)
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        if key not in VI_ONLY_FIELDS:
            assert fields_vi == fields_en, f"{lang_pair}: the two languages say different things"
    # no format specs: numbers are formatted per language by the catalog, not by "{n:,}"
    for template in msg.templates().values():
        assert all(not spec and not conv for _, _, spec, conv in string.Formatter().parse(template))


def test_keys_are_kebab_case_codes_with_an_optional_variant() -> None:
    for key in CATALOG:
        assert re.fullmatch(r"(phrase\.)?[a-z0-9]+(-[a-z0-9]+)*(:[a-z0-9]+(-[a-z0-9]+)*)?", key), key


def test_every_call_site_fills_every_field_of_its_message() -> None:
    """Each builder call passes every field its message's templates use (or the message would raise)."""
    location = {"file", "field", "sheet", "row", "column", "value"}
    auto = {"cell"}  # ReadContext.add fills the cell reference itself
    calls = _calls()
    assert len(calls) > 100  # the scan sees the call sites (a broken scan would pass vacuously)
    missing = []
    for rel, line, key, kws, splat in calls:
        if splat:
            continue  # fields passed as **mapping: checked by the tests that build those issues
        lacking = CATALOG[key].fields() - kws - location - auto
        if lacking:
            missing.append(f"{rel}:{line} {key}: {sorted(lacking)}")
    assert missing == []


def test_every_message_is_used_somewhere() -> None:
    """A catalog entry nobody builds is a wording that drifted away from its code."""
    used = {key for _, _, key, _, _ in _calls()}
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    unused = [k for k in CATALOG if k not in used and f'"{k}"' not in text and "phrase.{" not in k]
    # phrases picked by a computed key (f"phrase.{frequency}") are used through their prefix
    computed = re.findall(r'f"(phrase\.[a-z-]*)\{', text)
    unused = [k for k in unused if not any(k.startswith(p) for p in computed)]
    assert unused == [], unused


def test_every_code_is_tried_by_a_test() -> None:
    """Every issue code appears in a test other than this one (a test that triggers it and checks it)."""
    tests = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py") if p.name != "test_messages.py"
    )
    untested = sorted(c for c in _codes() - UNTRIGGERABLE if f'"{c}"' not in tests and f"'{c}'" not in tests)
    assert untested == [], untested


def test_no_problem_text_is_written_inline_outside_the_catalog() -> None:
    """No `Issue(...)` with message text at a call site: texts come from `ioc.messages`."""
    inline = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel in NOT_YET_MIGRATED or rel in ("ioc/messages.py", "ioc/issues.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Issue"
            ):
                texts = [a for a in node.args[1:3] if isinstance(a, ast.Constant | ast.JoinedStr)]
                texts += [
                    k.value for k in node.keywords if k.arg in ("message", "message_vi", "hint", "hint_vi")
                ]
                if texts:
                    inline.append(f"{rel}:{node.lineno}")
            if (
                isinstance(node, ast.keyword)
                and node.arg in ("message_vi", "hint_vi")
                and isinstance(node.value, ast.Constant | ast.JoinedStr)
            ):
                inline.append(f"{rel}:{node.value.lineno}")
    assert inline == [], sorted({i.split(":")[0] for i in inline})


def test_the_issue_carries_both_languages_numbers_and_the_administrators_hint_apart() -> None:
    found = issue(
        "unknown-unit",
        sheet="Nhập liệu",
        row=7,
        column="C",
        value="Tân Hoà Mới",
        reason=Words("Không tìm thấy đơn vị 'Tân Hoà Mới'", "Unknown unit 'Tân Hoà Mới'"),
        cell="C7",
    )
    assert found.code == "unknown-unit" and found.severity == Severity.ERROR
    assert found.message_vi.startswith("Không tìm thấy") and found.message.startswith("Unknown unit")
    assert "C7" in found.hint and "C7" in found.hint_vi and "communes.csv" not in found.hint + found.hint_vi
    assert "communes.csv" in found.admin_hint and "communes.csv" in found.admin_hint_vi
    n = issue(
        "inconsistent-total", label="A", total="t", total_value=1048421, parts="a + b", sum=Num(95.24, 1)
    )
    assert "1.048.421" in n.message_vi and "1,048,421" in n.message and "95,2" in n.message_vi


def test_a_variant_keeps_its_code_and_an_unknown_field_is_caught() -> None:
    assert issue("header-not-found:long", export="long").code == "header-not-found"
    with pytest.raises(KeyError):
        issue("duplicate-unit", label="x")  # `rows` missing


def test_msg_fields_lists_what_a_call_must_pass() -> None:
    assert Msg("{a} {b}", "{b} {a}", "{c}", "{c}").fields() == {"a", "b", "c"}
