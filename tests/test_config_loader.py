"""targets.yaml loading: the demo file is complete and valid; each broken variant yields the right issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioc.config_loader import check_config, check_main, format_issues, load_config, read_yaml
from ioc.issues import Issue, IssueError, Severity
from ioc.targets import (
    Direction,
    ExportSource,
    Frequency,
    Level,
    MeasureUnit,
    Rollup,
    WorkbookSource,
)

ROOT = Path(__file__).resolve().parents[1]

# A minimal valid config. Line numbers are quoted in the tests below: edit with care.
MINIMAL = """\
province:
  code: "99"
  name: {vi: "Tỉnh Thử", en: "Test Province"}
registry:
  departments: departments.csv
  communes: communes.csv
pillars:
  - id: gov
    name: {vi: "Chính quyền số", en: "Digital government"}
  - id: economy
    name: {vi: "Kinh tế số", en: "Digital economy"}
exports:
  - id: dossiers
    kind: dossiers
indicators:
  - id: online_rate
    name: {vi: "Tỷ lệ hồ sơ trực tuyến", en: "Online dossiers"}
    pillar: gov
    unit: percent
    direction: higher
    levels: [province, commune]
    owner: ttpvhcc
    frequency: monthly
    rollup: ratio
    source:
      export: dossiers
      numerator: {where: {channel: online}}
      denominator: {all: true}
    target:
      value: 80
      by: 2025-12-31
      baseline: {value: 40, at: 2024-06-30}
      milestones:
        - {period: "2025-06", value: 60}
    overrides:
      - {unit: "90001", value: 70}
  - id: shops
    name: {vi: "Số cửa hàng số", en: "Digital shops"}
    pillar: economy
    unit: count
    levels: [province, commune]
    owner: so_cong_thuong
    frequency: quarterly
    rollup: sum
    min: 0
    max: 1000
    target:
      value: 500
      by: 2026-12-31
status:
  stale_after_periods: 1
"""

DEPARTMENTS = """\
id,name_vi,name_en,short,aliases
ttpvhcc,Trung tâm Phục vụ hành chính công,Public Administration Service Centre,TTPVHCC,
so_cong_thuong,Sở Công Thương,Department of Industry and Trade,Sở CT,Công Thương
so_y_te,Sở Y tế,Department of Health,Sở YT,
"""

COMMUNES = """\
code,name,type,aliases,lat,lon
90001,Tân Hòa,xã,,20.1,105.4
90002,Phú Lợi,phường,,20.2,105.5
90003,Hòn Ngọc,đặc khu,,19.4,105.9
"""


def write_config(tmp_path: Path, text: str = MINIMAL) -> Path:
    """targets.yaml plus a three-commune, three-department registry in tmp_path."""
    (tmp_path / "departments.csv").write_text(DEPARTMENTS, encoding="utf-8")
    (tmp_path / "communes.csv").write_text(COMMUNES, encoding="utf-8")
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def variant(*edits: tuple[str, str]) -> str:
    """MINIMAL with each `old` (which must occur exactly once) replaced by `new`."""
    text = MINIMAL
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def issues_of(tmp_path: Path, text: str) -> list[Issue]:
    """Every issue of a config, after checking that load_config refuses it with the same errors."""
    path = write_config(tmp_path, text)
    _, issues = check_config(path)
    with pytest.raises(IssueError) as exc:
        load_config(path)
    assert exc.value.issues == [i for i in issues if i.is_error]
    return issues


def one(issues: list[Issue], code: str) -> Issue:
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, f"expected one {code}, got: {format_issues(issues)}"
    return found[0]


# --- the demo province's targets.yaml ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return load_config(ROOT / "targets.yaml")


def test_minimal_config_loads(tmp_path):
    config = load_config(write_config(tmp_path))
    assert [i.id for i in config.targets.indicators] == ["online_rate", "shops"]
    assert config.registry.level_of("90001") == Level.COMMUNE
    assert len(config.sha256) == 64


def test_demo_targets_load_without_any_issue(demo):
    _, issues = check_config(ROOT / "targets.yaml")
    assert [i for i in issues if i.is_error] == []
    assert len(demo.targets.indicators) >= 25
    assert demo.targets.province.code == "99"
    assert demo.targets.demo is True
    assert {i.pillar for i in demo.targets.indicators} == {"gov", "economy", "society"}


def test_demo_targets_use_every_feature(demo):
    inds = demo.targets.indicators
    assert {i.direction for i in inds} == set(Direction)
    assert {i.unit for i in inds} == set(MeasureUnit)
    assert {lv for i in inds for lv in i.levels} == set(Level)
    assert {i.frequency for i in inds} == set(Frequency)
    assert {i.rollup for i in inds} == set(Rollup)
    commune_ratio = [i for i in inds if Level.COMMUNE in i.levels and i.rollup == Rollup.RATIO]
    commune_sum = [i for i in inds if Level.COMMUNE in i.levels and i.rollup == Rollup.SUM]
    commune_mean = [i for i in inds if Level.COMMUNE in i.levels and i.rollup == Rollup.MEAN]
    assert len(commune_ratio) >= 3 and len(commune_sum) >= 2 and len(commune_mean) >= 1
    assert sum(i.target.baseline is not None for i in inds) > len(inds) / 2
    assert {i.target.baseline.at.isoformat() for i in inds if i.target.baseline} <= {
        "2023-12-31",
        "2024-06-30",
    }
    assert sum(bool(i.target.milestones) for i in inds) >= 5
    periods = {m.period for i in inds for m in i.target.milestones}
    assert any(len(p) == 7 and "Q" not in p for p in periods)  # monthly
    assert any("Q" in p for p in periods) and any(len(p) == 4 for p in periods)
    override_levels = {demo.registry.level_of(o.unit) for i in inds for o in i.overrides}
    assert override_levels == {Level.COMMUNE, Level.DEPARTMENT}
    assert any(o.by is not None for i in inds for o in i.overrides)
    assert any(i.amber_tolerance is not None for i in inds)
    assert any(i.weight != 1 for i in inds)
    assert any(i.min is not None and i.max is not None for i in inds)
    assert any(i.description is not None for i in inds)
    deadlines = {i.target.by.isoformat() for i in inds}
    assert {"2025-06-30", "2025-12-31", "2026-12-31", "2030-12-31"} <= deadlines
    workbook = [i for i in inds if isinstance(i.source, WorkbookSource)]
    assert len(workbook) >= 27
    assert len({i.owner for i in workbook}) >= 10


def test_demo_export_indicators_match_the_brief(demo):
    t = demo.targets
    assert [e.id for e in t.exports] == ["dossiers", "procedure_stats", "long"]
    by_export = {i.id: i.source.export for i in t.indicators if isinstance(i.source, ExportSource)}
    assert by_export == {
        "tthc_online_rate": "procedure_stats",
        "tthc_ontime_rate": "procedure_stats",
        "tthc_overdue_backlog": "procedure_stats",
        "dossier_online_rate": "dossiers",
        "dossier_ontime_rate": "dossiers",
        "dossier_e_result_rate": "dossiers",
        "dossier_digitised_rate": "dossiers",
        "dossier_online_payment_rate": "dossiers",
    }
    backlog = t.indicator("tthc_overdue_backlog")
    assert (backlog.unit, backlog.direction, backlog.rollup) == (
        MeasureUnit.COUNT,
        Direction.LOWER,
        Rollup.SUM,
    )
    assert backlog.source.value.sum == ["in_progress_overdue"]
    ontime = t.indicator("dossier_ontime_rate").source
    assert [c.operator for c in ontime.numerator.conditions()] == ["is_null", "le_field"]
    payment = t.indicator("dossier_online_payment_rate").source
    assert payment.numerator.conditions()[1].operand == "yes"
    for ind_id in by_export:
        ind = t.indicator(ind_id)
        assert ind.owner == "ttpvhcc" and ind.pillar == "gov" and ind.frequency == Frequency.MONTHLY


def test_demo_positions_point_at_the_source_lines():
    text = (ROOT / "targets.yaml").read_text(encoding="utf-8")
    doc, issues = read_yaml(text, "targets.yaml")
    assert issues == []
    lines = text.splitlines()
    line, col = doc.position(("indicators", 0, "target", "by"))
    assert lines[line - 1][col - 1 :].startswith("by: 2025-12-31")
    line, _ = doc.position(("indicators", 0))
    assert lines[line - 1].strip() == "- id: tthc_full_online"


def test_shipped_targets_write_out_every_reporting_deadline():
    """The deadline setting is visible in the file an administrator edits, with the values the app uses."""
    import yaml

    from ioc.targets import ReportDeadlines

    written = yaml.safe_load((ROOT / "targets.yaml").read_text(encoding="utf-8"))["reporting"]["deadline_day"]
    assert set(written) == set(ReportDeadlines.model_fields)
    loaded = load_config(ROOT / "targets.yaml").targets.reporting.deadline_day
    assert {f: loaded.day(f) for f in written} == written


# --- one broken variant per rule: code, exact line, field path, key words ---------------------------


def test_wrong_type_says_a_number(tmp_path):
    i = one(issues_of(tmp_path, variant(("value: 80", 'value: "eighty"'))), "wrong-type")
    assert (i.line, i.col, i.field) == (30, 7, "indicators[0].target.value")
    assert i.message == "indicator 'online_rate': expected a number, got 'eighty'"
    assert "cần một số" in i.message_vi
    assert i.file == str(tmp_path / "targets.yaml")


def test_unknown_pillar_with_did_you_mean(tmp_path):
    i = one(issues_of(tmp_path, variant(("pillar: economy", "pillar: econmy"))), "unknown-pillar")
    assert (i.line, i.field) == (39, "indicators[1].pillar")
    assert "indicator 'shops'" in i.message and "Did you mean 'economy'?" in i.message
    assert "trụ cột 'econmy'" in i.message_vi


def test_unknown_owner_is_checked_against_the_registry(tmp_path):
    i = one(issues_of(tmp_path, variant(("owner: ttpvhcc", "owner: ttpvhc"))), "unknown-owner")
    assert (i.line, i.field) == (22, "indicators[0].owner")
    assert "Did you mean 'ttpvhcc'?" in i.message
    assert "departments.csv" in i.hint


def test_duplicate_indicator_id(tmp_path):
    i = one(issues_of(tmp_path, variant(("- id: shops", "- id: online_rate"))), "duplicate-id")
    assert (i.line, i.field) == (37, "indicators[1].id")
    assert "used twice (first at line 16)" in i.message


def test_missing_target_points_at_the_indicator(tmp_path):
    text = variant(("    target:\n      value: 500\n      by: 2026-12-31\n", ""))
    i = one(issues_of(tmp_path, text), "missing-field")
    assert (i.line, i.field) == (37, "indicators[1].target")
    assert i.message == "indicator 'shops': required field 'target' is missing"
    assert "thiếu trường bắt buộc 'target'" in i.message_vi


@pytest.mark.parametrize("bad", ["2025-13-31", "31/12/2025", '"next year"'])
def test_bad_date(tmp_path, bad):
    i = one(issues_of(tmp_path, variant(("by: 2025-12-31", f"by: {bad}"))), "wrong-type")
    assert (i.line, i.field) == (31, "indicators[0].target.by")
    assert "expected a date like 2025-12-31" in i.message


def test_unknown_field_with_did_you_mean(tmp_path):
    i = one(issues_of(tmp_path, variant(("direction: higher", "directon: higher"))), "unknown-field")
    assert (i.line, i.col, i.field) == (20, 5, "indicators[0].directon")
    assert i.message == "indicator 'online_rate': unknown field 'directon'. Did you mean 'direction'?"
    assert "direction" in i.hint


def test_unknown_field_inside_an_export_source_suggests_its_fields(tmp_path):
    issues = issues_of(tmp_path, variant(("numerator: {where", "numerater: {where")))
    # the workbook-source branch of the union is not reported: the user clearly meant an export source
    i = one(issues, "unknown-field")
    assert (i.line, i.field) == (27, "indicators[0].source.numerater")
    assert "Did you mean 'numerator'?" in i.message


def test_duplicate_yaml_key(tmp_path):
    issues = issues_of(tmp_path, variant(("      value: 80\n", "      value: 80\n      value: 85\n")))
    i = one(issues, "duplicate-key")
    assert (i.line, i.field) == (31, "indicators[0].target.value")
    assert "key 'value' appears twice" in i.message and "first at line 30" in i.message


def test_yaml_syntax_error(tmp_path):
    issues = issues_of(tmp_path, variant(("frequency: monthly", "frequency: monthly: every month")))
    i = one(issues, "yaml-syntax")
    assert (i.line, i.col) == (23, 23)
    assert "mapping values are not allowed" in i.message
    assert "quotes" in i.hint
    assert len(issues) == 1


def test_tab_indentation_is_a_syntax_error_with_a_hint(tmp_path):
    i = one(issues_of(tmp_path, variant(("    unit: percent", "\tunit: percent"))), "yaml-syntax")
    assert i.line == 19
    assert "tabs" in i.hint


def test_milestone_after_deadline(tmp_path):
    i = one(issues_of(tmp_path, variant(('"2025-06"', '"2026-06"'))), "bad-milestone")
    assert (i.line, i.field) == (34, "indicators[0].target.milestones[0].period")
    assert "lies after the deadline 2025-12-31" in i.message


def test_milestone_of_the_wrong_granularity(tmp_path):
    i = one(issues_of(tmp_path, variant(('"2025-06"', '"2025-Q2"'))), "bad-milestone")
    assert i.line == 34
    assert "does not match the indicator's monthly reporting" in i.message
    assert '"2025-06"' in i.hint


def test_milestone_before_baseline(tmp_path):
    i = one(issues_of(tmp_path, variant(('"2025-06"', '"2024-03"'))), "bad-milestone")
    assert i.line == 34 and "before the baseline date 2024-06-30" in i.message


def test_unknown_override_unit(tmp_path):
    i = one(issues_of(tmp_path, variant(('unit: "90001"', 'unit: "90999"'))), "unknown-unit")
    assert (i.line, i.field) == (36, "indicators[0].overrides[0].unit")
    assert "'90999' is neither a commune code nor a department id" in i.message


def test_override_unit_given_by_name_suggests_the_code(tmp_path):
    i = one(issues_of(tmp_path, variant(('unit: "90001"', 'unit: "Tân Hòa"'))), "unknown-unit")
    assert "Did you mean '90001' (Xã Tân Hòa)?" in i.message


def test_override_unit_at_a_level_the_indicator_lacks(tmp_path):
    i = one(issues_of(tmp_path, variant(('unit: "90001"', "unit: so_y_te"))), "override-level")
    assert (i.line, i.field) == (36, "indicators[0].overrides[0].unit")
    assert "is a department but the indicator is measured at: province, commune" in i.message


def test_unquoted_commune_code_is_refused_with_a_hint(tmp_path):
    i = one(issues_of(tmp_path, variant(('unit: "90001"', "unit: 90001"))), "wrong-type")
    assert (i.line, i.field) == (36, "indicators[0].overrides[0].unit")
    assert 'put it in quotes: "90001"' in i.hint


def test_unknown_export(tmp_path):
    i = one(issues_of(tmp_path, variant(("export: dossiers", "export: dosiers"))), "unknown-export")
    assert (i.line, i.field) == (26, "indicators[0].source.export")
    assert "Did you mean 'dossiers'?" in i.message


def test_percent_target_above_100(tmp_path):
    i = one(issues_of(tmp_path, variant(("value: 80", "value: 120"))), "bad-target")
    assert (i.line, i.field) == (30, "indicators[0].target.value")
    assert "target value 120 is outside the range 0–100" in i.message
    assert "80 means 80%" in i.hint


def test_missing_registry_file(tmp_path):
    i = one(issues_of(tmp_path, variant(("communes: communes.csv", "communes: communs.csv"))), "missing-file")
    assert (i.line, i.field) == (6, "registry.communes")
    assert "registry.communes: file 'communs.csv' not found" in i.message


def test_bad_direction_enum(tmp_path):
    i = one(issues_of(tmp_path, variant(("direction: higher", "direction: up"))), "wrong-type")
    assert (i.line, i.field) == (20, "indicators[0].direction")
    assert "expected one of: higher, lower, got 'up'" in i.message
    assert "một trong: higher, lower" in i.message_vi


def test_min_greater_than_max(tmp_path):
    i = one(issues_of(tmp_path, variant(("min: 0", "min: 2000"))), "bad-range")
    assert (i.line, i.field) == (45, "indicators[1].min")
    assert "min (2000) is greater than max (1000)" in i.message


def test_baseline_not_before_deadline(tmp_path):
    i = one(issues_of(tmp_path, variant(("at: 2024-06-30", "at: 2026-01-31"))), "bad-baseline")
    assert (i.line, i.field) == (32, "indicators[0].target.baseline.at")
    assert "not before the deadline 2025-12-31" in i.message


def test_bad_amber_tolerance(tmp_path):
    i = one(
        issues_of(tmp_path, variant(("    rollup: sum\n", "    rollup: sum\n    amber_tolerance: 150\n"))),
        "bad-tolerance",
    )
    assert (i.line, i.field) == (45, "indicators[1].amber_tolerance")


def test_bad_id_pattern_is_a_bad_value(tmp_path):
    i = one(issues_of(tmp_path, variant(("- id: shops", "- id: Digital Shops"))), "bad-value")
    assert (i.line, i.field) == (37, "indicators[1].id")
    assert "lower-case letters, digits and '_'" in i.message


def test_python_tags_are_refused_never_run(tmp_path):
    text = variant(("value: 80", "value: !!python/object/apply:os.system [echo pwned]"))
    issues = issues_of(tmp_path, text)
    i = next(i for i in issues if i.code == "yaml-tag")
    assert i.line == 30 and "python/object/apply:os.system" in i.message


def test_rollup_mismatch_is_only_a_warning(tmp_path):
    path = write_config(tmp_path, variant(("rollup: ratio", "rollup: mean")))
    config, issues = check_config(path)
    assert config is not None
    i = one(issues, "rollup-mismatch")
    assert (i.severity, i.line, i.field) == (Severity.WARNING, 24, "indicators[0].rollup")
    assert "set 'rollup: ratio'" in i.hint
    assert load_config(path).targets.indicator("online_rate").rollup == Rollup.MEAN


def test_workbook_indicator_may_roll_up_as_ratio(tmp_path):
    text = variant(
        (
            "    rollup: ratio\n    source:\n      export: dossiers\n"
            "      numerator: {where: {channel: online}}\n      denominator: {all: true}\n",
            "    rollup: ratio\n",
        )
    )
    _, issues = check_config(write_config(tmp_path, text))
    assert issues == []


def test_a_yearly_milestone_may_be_written_as_a_bare_year(tmp_path):
    text = variant(
        ("frequency: quarterly", "frequency: yearly"),
        ("      by: 2026-12-31\n", "      by: 2026-12-31\n      milestones: [{period: 2025, value: 300}]\n"),
    )
    config = load_config(write_config(tmp_path, text))
    assert config.targets.indicator("shops").target.milestones[0].period == "2025"


def test_several_independent_errors_are_all_reported_at_once(tmp_path):
    text = variant(
        ("pillar: economy", "pillar: econmy"),
        ("owner: ttpvhcc", "owner: nobody"),
        ('"2025-06"', '"2026-06"'),
        ('unit: "90001"', 'unit: "90999"'),
        ("min: 0", "min: 2000"),
    )
    issues = issues_of(tmp_path, text)
    got = {(i.code, i.line) for i in issues}
    assert got == {
        ("unknown-pillar", 39),
        ("unknown-owner", 22),
        ("bad-milestone", 34),
        ("unknown-unit", 36),
        ("bad-range", 45),
        ("unused-pillar", 10),  # a warning: no indicator is left in 'economy'
    }


def test_several_shape_errors_are_all_reported_with_yaml_ones(tmp_path):
    text = variant(
        ("value: 80", 'value: "eighty"'),
        ("direction: higher", "directon: higher"),
        ("    target:\n      value: 500\n      by: 2026-12-31\n", ""),
        ('  code: "99"\n', '  code: "99"\n  code: "98"\n'),
        ("unit: count", "unit: pieces"),
    )
    issues = issues_of(tmp_path, text)
    got = sorted((i.code, i.line, i.field) for i in issues)
    assert got == [
        ("duplicate-key", 3, "province.code"),
        ("missing-field", 38, "indicators[1].target"),
        ("unknown-field", 21, "indicators[0].directon"),
        ("wrong-type", 31, "indicators[0].target.value"),
        ("wrong-type", 41, "indicators[1].unit"),
    ]
    # sorted by line, compiler style
    lines = format_issues(issues).splitlines()
    assert lines[0].startswith(f"{tmp_path / 'targets.yaml'}:3:3: error[duplicate-key] province.code:")
    assert [int(line.split(":")[1]) for line in lines] == [3, 21, 31, 38, 41]


def test_check_main_prints_issues_and_returns_the_exit_code(tmp_path, capsys):
    good = write_config(tmp_path)
    assert check_main(good) == 0
    assert "OK — 2 indicators, 2 pillars, 1 exports" in capsys.readouterr().out
    bad = write_config(tmp_path, variant(("direction: higher", "direction: up")))
    assert check_main(bad, lang="vi") == 1
    out = capsys.readouterr().out
    assert (
        f"{bad}:20:5: error[wrong-type] indicators[0].direction: chỉ tiêu 'online_rate': cần một trong" in out
    )
    assert "1 error(s), 0 warning(s)" in out


def test_missing_and_empty_files(tmp_path):
    _, issues = check_config(tmp_path / "nope.yaml")
    assert [i.code for i in issues] == ["missing-file"]
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    _, issues = check_config(tmp_path / "empty.yaml")
    assert [i.code for i in issues] == ["empty-file"]


def test_a_value_of_no_accepted_type_is_one_issue_not_one_per_type(tmp_path):
    text = variant(
        ("numerator: {where: {channel: online}}", "numerator: {where: [{field: channel, eq: [1, 2]}]}")
    )
    issues = issues_of(tmp_path, text)
    assert len(issues) == 1
    i = issues[0]
    assert (i.code, i.line, i.field) == ("wrong-type", 27, "indicators[0].source.numerator.where[0].eq")
    assert (
        "expected text, a number, true/false or a date like 2025-12-31 or a period like 2025-12, 2025-Q4, 2025 (its last day), got [1, 2]"
        in i.message
    )


@pytest.mark.parametrize(
    ("written", "meaning"),
    [
        ("2025-12-31", "2025-12-31"),
        ("2025-12", "2025-12-31"),
        ("2025-Q2", "2025-06-30"),
        ("2025", "2025-12-31"),
    ],
)
def test_deadline_and_baseline_accept_a_period_meaning_its_last_day(tmp_path, written, meaning):
    import datetime as dt

    config = load_config(write_config(tmp_path, variant(("by: 2025-12-31", f"by: {written}"))))
    assert config.targets.indicators[0].target.by == dt.date.fromisoformat(meaning)


# --- exports and their filters: caught at load, never at ingest ----------------------------------------

STATS = (
    ("  - id: dossiers\n    kind: dossiers\n", "  - id: stats\n    kind: procedure_stats\n"),
    (
        "      export: dossiers\n      numerator: {where: {channel: online}}\n      denominator: {all: true}\n",
        "      export: stats\n      numerator: {sum: [received_onlin]}\n      denominator: {sum: [received_total]}\n",
    ),
)


def test_filter_on_an_unknown_field_of_the_export(tmp_path):
    issues = issues_of(tmp_path, variant(("{where: {channel: online}}", "{where: {chanel: online}}")))
    i = one(issues, "unknown-export-field")
    assert (i.line, i.field) == (27, "indicators[0].source.numerator.where.chanel")
    assert i.message.startswith(
        "indicator 'online_rate': numerator: 'chanel' is not a field of export 'dossiers'"
    )
    assert "Did you mean 'channel'?" in i.message and "Có phải ý bạn là 'channel'?" in i.message_vi
    assert "channel" in i.expected and "received_date" in i.hint


def test_filter_on_an_unknown_vocabulary_value(tmp_path):
    issues = issues_of(tmp_path, variant(("{channel: online}", "{channel: onlin}")))
    i = one(issues, "unknown-vocab-value")
    assert (i.line, i.field, i.value) == (27, "indicators[0].source.numerator.where.channel", "onlin")
    assert "'onlin' is not a value of 'channel' in export 'dossiers'. Did you mean 'online'?" in i.message
    assert i.expected == "in_person, online, postal"


def test_a_label_of_the_file_written_as_a_filter_value_suggests_its_canonical_value(tmp_path):
    text = variant(
        (
            "numerator: {where: {channel: online}}",
            "numerator: {where: [{field: channel, in: [postal, Trực tuyến]}]}",
        )
    )
    i = one(issues_of(tmp_path, text), "unknown-vocab-value")
    assert (i.line, i.field) == (27, "indicators[0].source.numerator.where[0].in[1]")
    assert "Did you mean 'online' (the value of the label 'Trực tuyến')?" in i.message


def test_unknown_key_under_an_export_s_columns(tmp_path):
    columns = '    columns: {code: ["Mã hồ sơ"], unit: ["Đơn vị"], chanel: ["Hình thức nộp"], received_date: ["Ngày"]}\n'
    issues = issues_of(tmp_path, variant(("    kind: dossiers\n", "    kind: dossiers\n" + columns)))
    i = one(issues, "unknown-column")
    assert (i.line, i.field) == (15, "exports[0].columns.chanel")
    assert (
        i.message
        == "export 'dossiers': columns: 'chanel' is not a field of a dossiers export. Did you mean 'channel'?"
    )
    assert "paid_online" in i.expected
    # the filter on channel, left without a column, says so rather than suggesting the misspelt key
    f = one(issues, "unknown-export-field")
    assert (f.line, f.field) == (28, "indicators[0].source.numerator.where.channel")
    assert "'channel' is not among the columns declared for export 'dossiers'" in f.message
    assert "Did you mean" not in f.message


def test_a_column_of_one_s_own_is_allowed_when_a_filter_reads_it(tmp_path):
    columns = (
        '    columns: {unit: ["Đơn vị"], received_date: ["Ngày"], level: ["Mức độ"], channel: ["Kênh"]}\n'
    )
    text = variant(
        ("    kind: dossiers\n", "    kind: dossiers\n" + columns),
        ("{where: {channel: online}}", "{where: {level: toan_trinh}}"),
    )
    _, issues = check_config(write_config(tmp_path, text))
    assert issues == []


def test_sum_of_an_unknown_measure(tmp_path):
    i = one(issues_of(tmp_path, variant(*STATS)), "unknown-measure")
    assert (i.line, i.field, i.value) == (27, "indicators[0].source.numerator.sum[0]", "received_onlin")
    assert (
        "numerator: 'received_onlin' is not a measure of export 'stats'. Did you mean 'received_online'?"
        in (i.message)
    )
    assert "settled_on_time" in i.expected


def test_a_statistics_export_is_summed_not_filtered(tmp_path):
    text = variant(*STATS, ("{sum: [received_total]}", "{all: true}"), ("received_onlin", "received_online"))
    i = one(issues_of(tmp_path, text), "bad-filter")
    assert (i.line, i.field) == (28, "indicators[0].source.denominator")
    assert "use 'sum: [measures]'" in i.message


def test_unknown_field_operand(tmp_path):
    text = variant(
        (
            "numerator: {where: {channel: online}}",
            "numerator: {where: [{field: result_date, le_field: due_dat}]}",
        )
    )
    i = one(issues_of(tmp_path, text), "unknown-export-field")
    assert (i.line, i.field, i.value) == (27, "indicators[0].source.numerator.where[0].le_field", "due_dat")
    assert "'due_dat' is not a field of export 'dossiers'. Did you mean 'due_date'?" in i.message


def test_a_period_field_that_is_no_column(tmp_path):
    text = variant(("    kind: dossiers\n", "    kind: dossiers\n    period_field: recieved_date\n"))
    i = one(issues_of(tmp_path, text), "unknown-export-field")
    assert (i.line, i.field) == (15, "exports[0].period_field")
    assert "Did you mean 'received_date'?" in i.message
    # a column that exists but is not read as a date cannot decide a dossier's month
    text = variant(("    kind: dossiers\n", "    kind: dossiers\n    period_field: channel\n"))
    i = one(issues_of(tmp_path, text), "bad-period-field")
    assert (
        i.field == "exports[0].period_field"
        and "not as a date" in i.message
        and "không phải ngày" in i.message_vi
    )


# --- warnings: the file loads, `check` shows them with their line and exits 0 -------------------------


def warnings_of(tmp_path: Path, text: str) -> list[Issue]:
    """The warnings of a config that loads: `config.warnings` is what `check_config` reports."""
    path = write_config(tmp_path, text)
    config, issues = check_config(path)
    assert config is not None, format_issues(issues)
    assert all(not i.is_error for i in issues)
    assert load_config(path).warnings == issues
    return issues


def test_target_behind_the_baseline_for_its_direction(tmp_path):
    i = one(warnings_of(tmp_path, variant(("value: 80", "value: 30"))), "target-behind-baseline")
    assert (i.severity, i.line, i.field) == (Severity.WARNING, 30, "indicators[0].target.value")
    assert "the target 30 is below the baseline 40 although higher is better" in i.message
    lower = variant(("direction: higher", "direction: lower"))
    i = one(warnings_of(tmp_path, lower), "target-behind-baseline")
    assert "the target 80 is above the baseline 40 although lower is better" in i.message


def test_percent_written_as_a_fraction(tmp_path):
    text = variant(
        ("      value: 80\n", "      value: 0.8\n"),
        ("value: 40, at", "value: 0.4, at"),
        ("value: 60}", "value: 0.6}"),
    )
    issues = warnings_of(tmp_path, text)
    found = [(i.line, i.field) for i in issues if i.code == "percent-as-fraction"]
    assert found == [
        (30, "indicators[0].target.value"),
        (32, "indicators[0].target.baseline.value"),
        (34, "indicators[0].target.milestones[0].value"),
    ]
    i = next(i for i in issues if i.code == "percent-as-fraction")
    assert "0.8 means 0.8%, not 80%" in i.message and i.hint == "write 80 if 80% is meant"
    override = one(warnings_of(tmp_path, variant(("value: 70}", "value: 0.7}"))), "percent-as-fraction")
    assert (override.line, override.field) == (36, "indicators[0].overrides[0].value")
    # a count is not a percentage: 0.5 shops is odd, but not this warning
    assert "percent-as-fraction" not in {
        i.code for i in warnings_of(tmp_path, variant(("value: 500", "value: 1")))
    }


def test_stale_rule_left_at_its_default(tmp_path):
    text = variant(("  stale_after_periods: 1\n", "  amber_tolerance: 10\n"))
    i = one(warnings_of(tmp_path, text), "stale-default")
    assert (i.line, i.field) == (50, "status.stale_after_periods")  # the status block: the key is absent
    assert "the default 0 makes a value stale as soon as one report that is due is missing" in i.message
    no_status = variant(("status:\n  stale_after_periods: 1\n", ""))
    assert one(warnings_of(tmp_path, no_status), "stale-default").line == 1


def test_check_prints_warnings_with_their_line_and_exits_0(tmp_path, capsys, caplog):
    path = write_config(tmp_path, variant(("value: 80", "value: 30")))
    assert check_main(path) == 0
    out = capsys.readouterr().out
    assert f"{path}:30:7: warning[target-behind-baseline] indicators[0].target.value:" in out
    assert "OK — 2 indicators, 2 pillars, 1 exports; 1 warning(s)" in out
    with caplog.at_level("WARNING", logger="ioc.config_loader"):
        load_config(path)
    assert [r.getMessage().split(": ")[0] for r in caplog.records] == [f"{path}:30:7"]


def test_check_explains_the_unit_target_rule_of_every_sum_indicator(capsys):
    from ioc.config_loader import check_main

    assert check_main(Path(__file__).parent.parent / "targets.yaml") == 0
    out = capsys.readouterr().out
    demo = load_config(Path(__file__).parent.parent / "targets.yaml")
    summed = [i for i in demo.targets.indicators if i.rollup.value == "sum"]
    assert summed
    for ind in summed:
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(f"{ind.id}: unit_target"))
        assert ind.effective_unit_target().value in line
        assert ("declared" in line) == (ind.unit_target is not None)


def test_share_basis_must_be_a_period_or_a_communes_column(tmp_path):
    text = variant(
        ("    rollup: sum\n", "    rollup: sum\n    unit_target: share\n    share_basis: populaton\n")
    )
    i = one(issues_of(tmp_path, text), "bad-share-basis")
    assert i.field == "indicators[1].share_basis" and i.line == 46
    assert "neither a period" in i.message and "communes.csv" in i.message
    ok = variant(("    rollup: sum\n", "    rollup: sum\n    unit_target: share\n    share_basis: 2025-Q1\n"))
    assert load_config(write_config(tmp_path, ok)).targets.indicators[1].share_basis == "2025-Q1"


def test_share_of_a_percentage_is_a_warning(tmp_path):
    text = variant(("    rollup: ratio\n", "    rollup: ratio\n    unit_target: share\n"))
    config = load_config(write_config(tmp_path, text))
    assert [w.code for w in config.warnings] == ["share-of-percent"]


def test_unit_target_rules_that_do_nothing_are_warnings(tmp_path):
    """share_basis without unit_target: share, and unit_target on a province-only indicator, are noted."""
    text = variant(
        ("    rollup: sum\n", "    rollup: sum\n    unit_target: same\n    share_basis: 2025-Q1\n")
    )
    (w,) = load_config(write_config(tmp_path, text)).warnings
    assert w.code == "unused-share-basis" and w.field == "indicators[1].share_basis" and "same" in w.message
    text = variant(
        (
            "    levels: [province, commune]\n    owner: so_cong_thuong",
            "    levels: [province]\n    owner: so_cong_thuong",
        ),
        ("    rollup: sum\n", "    rollup: sum\n    unit_target: same\n"),
    )
    (w,) = load_config(write_config(tmp_path, text)).warnings
    assert w.code == "unit-target-unused" and "province only" in w.message and "cấp tỉnh" in w.message_vi


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("base: &b {a: 1}\nother:\n  <<: *b\n", "yaml-merge"),
        ("? [a, b]\n: 1\n", "yaml-bad-key"),
        ("a: &x\n  - *x\n", "yaml-recursion"),
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
                for p, n in zip("abcdefg", "bcdefgh", strict=True)
            ),
            "yaml-too-large",
        ),
    ],
)
def test_yaml_constructs_targets_yaml_does_not_take(text: str, code: str) -> None:
    """Merge keys, non-text keys, self-referring aliases and alias bombs: each one precise issue, no crash."""
    from ioc.config_yaml import read_yaml

    _, issues = read_yaml(text, "targets.yaml")
    (found,) = [i for i in issues if i.code == code] or [None]
    assert (
        found is not None
        and found.line is not None
        and found.message_vi
        and found.message != found.message_vi
    )


def test_duplicate_pillar_export_and_override(tmp_path):
    """A pillar or export id used twice, and two overrides for one unit: each at the repeat's line."""
    text = variant(("  - id: economy\n", "  - id: gov\n"))
    i = one(issues_of(tmp_path, text), "duplicate-pillar")
    assert i.field == "pillars[1].id" and "trụ cột 'gov'" in i.message_vi
    text = variant(("    kind: dossiers\n", "    kind: dossiers\n  - id: dossiers\n    kind: dossiers\n"))
    assert one(issues_of(tmp_path, text), "duplicate-export").field == "exports[1].id"
    text = variant(
        (
            '      - {unit: "90001", value: 70}\n',
            '      - {unit: "90001", value: 70}\n      - {unit: "90001", value: 75}\n',
        )
    )
    i = one(issues_of(tmp_path, text), "duplicate-override")
    assert i.field == "indicators[0].overrides[1].unit" and i.value == "90001"
