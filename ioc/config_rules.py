"""Stage 3 of loading `targets.yaml`: whole-file rules (unknown ids, milestones after the deadline, …)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ioc.config_exports import check_exports
from ioc.config_shape import located_issue, suggest
from ioc.config_unit_targets import check_unit_targets
from ioc.config_warnings import check_warnings
from ioc.config_yaml import Located, Path_
from ioc.issues import Issue
from ioc.period_labels import frequency_text, period_shape
from ioc.periods import frequency_of, period_end, period_start
from ioc.targets import ExportSource, Indicator, Level, MeasureUnit, Rollup, TargetsFile


class _Rules:
    """The whole-file rules; each method yields the issues of one rule."""

    def __init__(self, targets: TargetsFile, doc: Located, file: str, registry: Any | None):
        self.t = targets
        self.doc = doc
        self.file = file
        self.registry = registry

    def issue(self, code: str, path: Path_, en: str, vi: str, *, warning: bool = False, **kw: Any) -> Issue:
        return located_issue(self.doc, self.file, code, path, en, vi, warning=warning, **kw)

    def all(self) -> Iterator[Issue]:
        yield from self.duplicate_ids()
        yield from self.pillars()
        yield from self.exports()
        yield from self.rollups()
        yield from self.ranges()
        yield from self.tolerances()
        yield from self.dates()
        if self.registry is not None:
            yield from self.owners()
            yield from self.overrides()

    def duplicate_ids(self) -> Iterator[Issue]:
        for section, code, en_kind, vi_kind in (
            ("indicators", "duplicate-id", "indicator", "chỉ tiêu"),
            ("pillars", "duplicate-pillar", "pillar", "trụ cột"),
            ("exports", "duplicate-export", "export", "nguồn xuất"),
        ):
            first: dict[str, int] = {}
            for i, item in enumerate(getattr(self.t, section)):
                if item.id in first:
                    line = (self.doc.position((section, first[item.id], "id")) or (0, 0))[0]
                    yield self.issue(
                        code,
                        (section, i, "id"),
                        f"{en_kind} id '{item.id}' is used twice (first at line {line})",
                        f"mã {vi_kind} '{item.id}' bị dùng hai lần (lần đầu ở dòng {line})",
                        value=item.id,
                        hint=f"give every {en_kind} its own id",
                        hint_vi=f"mỗi {vi_kind} cần một mã riêng",
                    )
                else:
                    first[item.id] = i

    def pillars(self) -> Iterator[Issue]:
        ids = [p.id for p in self.t.pillars]
        used = set()
        for i, ind in enumerate(self.t.indicators):
            used.add(ind.pillar)
            if ind.pillar not in ids:
                en, vi = suggest(ind.pillar, ids)
                yield self.issue(
                    "unknown-pillar",
                    ("indicators", i, "pillar"),
                    f"pillar '{ind.pillar}' is not declared under 'pillars'.{en}",
                    f"trụ cột '{ind.pillar}' chưa được khai báo trong 'pillars'.{vi}",
                    value=ind.pillar,
                    expected=", ".join(ids),
                    hint=f"declared pillars: {', '.join(ids)}",
                    hint_vi=f"các trụ cột đã khai báo: {', '.join(ids)}",
                )
        for i, p in enumerate(self.t.pillars):
            if p.id not in used:
                yield self.issue(
                    "unused-pillar",
                    ("pillars", i, "id"),
                    f"pillar '{p.id}' has no indicators",
                    f"trụ cột '{p.id}' chưa có chỉ tiêu nào",
                    warning=True,
                    hint="add indicators to it or remove it",
                    hint_vi="thêm chỉ tiêu hoặc xóa trụ cột này",
                )

    def exports(self) -> Iterator[Issue]:
        ids = [e.id for e in self.t.exports]
        for i, ind in enumerate(self.t.indicators):
            if isinstance(ind.source, ExportSource) and ind.source.export not in ids:
                en, vi = suggest(ind.source.export, ids)
                yield self.issue(
                    "unknown-export",
                    ("indicators", i, "source", "export"),
                    f"export '{ind.source.export}' is not declared under 'exports'.{en}",
                    f"nguồn xuất '{ind.source.export}' chưa được khai báo trong 'exports'.{vi}",
                    value=ind.source.export,
                    expected=", ".join(ids) or None,
                    hint=f"declared exports: {', '.join(ids)}"
                    if ids
                    else "declare the export under 'exports:'",
                    hint_vi=f"các nguồn đã khai báo: {', '.join(ids)}"
                    if ids
                    else "khai báo nguồn trong 'exports:'",
                )

    def rollups(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            src = ind.source
            if not isinstance(src, ExportSource):
                continue  # a workbook indicator may roll up any way (ratio: the template asks for both parts)
            path = ("indicators", i, "rollup") if "rollup" in self._raw(i) else ("indicators", i, "source")
            if src.numerator is not None and ind.rollup != Rollup.RATIO:
                yield self.issue(
                    "rollup-mismatch",
                    path,
                    f"the source gives a numerator and a denominator but rollup is '{ind.rollup.value}': "
                    "the province value would not be the share of the summed counts",
                    f"nguồn có tử số và mẫu số nhưng rollup là '{ind.rollup.value}': giá trị toàn tỉnh "
                    "sẽ không phải tỷ lệ của tổng",
                    warning=True,
                    hint="set 'rollup: ratio'",
                    hint_vi="đặt 'rollup: ratio'",
                )
            if src.value is not None and ind.rollup == Rollup.RATIO:
                yield self.issue(
                    "rollup-mismatch",
                    path,
                    "rollup is 'ratio' but the source gives a single value, no numerator and denominator",
                    "rollup là 'ratio' nhưng nguồn chỉ cho một giá trị, không có tử số và mẫu số",
                    warning=True,
                    hint="use 'rollup: sum' for counts, or give numerator and denominator",
                    hint_vi="dùng 'rollup: sum' cho số đếm, hoặc khai báo tử số và mẫu số",
                )

    def _raw(self, i: int) -> dict[str, Any]:
        raw = self.doc.get(("indicators", i))
        return raw if isinstance(raw, dict) else {}

    def ranges(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            if ind.min is not None and ind.max is not None and ind.min > ind.max:
                yield self.issue(
                    "bad-range",
                    ("indicators", i, "min"),
                    f"min ({_num(ind.min)}) is greater than max ({_num(ind.max)})",
                    f"min ({_num(ind.min)}) lớn hơn max ({_num(ind.max)})",
                    value=_num(ind.min),
                    hint="swap them, or correct one of them",
                    hint_vi="đổi chỗ hai giá trị, hoặc sửa một trong hai",
                )
                continue
            yield from self._target_values(i, ind)

    def _target_values(self, i: int, ind: Indicator) -> Iterator[Issue]:
        lo, hi = ind.value_range()
        base: Path_ = ("indicators", i, "target")
        checks: list[tuple[Path_, float, str, str]] = [
            ((*base, "value"), ind.target.value, "target", "chỉ tiêu")
        ]
        if ind.target.baseline is not None:
            checks.append(
                ((*base, "baseline", "value"), ind.target.baseline.value, "baseline", "giá trị gốc")
            )
        for k, m in enumerate(ind.target.milestones):
            checks.append(
                ((*base, "milestones", k, "value"), m.value, f"milestone {m.period}", f"mốc {m.period}")
            )
        for k, o in enumerate(ind.overrides):
            checks.append(
                (
                    ("indicators", i, "overrides", k, "value"),
                    o.value,
                    f"override for {o.unit}",
                    f"chỉ tiêu riêng của {o.unit}",
                )
            )
        if hi is None:
            span_en, span_vi = f"at least {_num(lo)}", f"không nhỏ hơn {_num(lo)}"
        else:
            span_en = span_vi = f"{_num(lo)}–{_num(hi)}"
        for path, value, what_en, what_vi in checks:
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                yield self.issue(
                    "bad-target",
                    path,
                    f"{what_en} value {_num(value)} is outside the range {span_en}",
                    f"giá trị {what_vi} {_num(value)} nằm ngoài khoảng {span_vi}",
                    value=_num(value),
                    expected=span_en,
                    hint="percent values are written as 0–100 (80 means 80%)"
                    if ind.unit == MeasureUnit.PERCENT
                    else "correct the value, or the indicator's min/max",
                    hint_vi="tỷ lệ viết theo thang 0–100 (80 nghĩa là 80%)"
                    if ind.unit == MeasureUnit.PERCENT
                    else "sửa giá trị, hoặc min/max của chỉ tiêu",
                )

    def tolerances(self) -> Iterator[Issue]:
        if self.t.status.amber_tolerance > 100:
            yield self._tolerance(("status", "amber_tolerance"), self.t.status.amber_tolerance)
        for i, ind in enumerate(self.t.indicators):
            if ind.amber_tolerance is not None and ind.amber_tolerance > 100:
                yield self._tolerance(("indicators", i, "amber_tolerance"), ind.amber_tolerance)

    def _tolerance(self, path: Path_, value: float) -> Issue:
        return self.issue(
            "bad-tolerance",
            path,
            f"amber_tolerance {_num(value)} is more than 100: every shortfall would show amber, never red",
            f"amber_tolerance {_num(value)} lớn hơn 100: mọi mức thiếu hụt đều thành vàng, không bao giờ đỏ",
            value=_num(value),
            expected="0–100",
            hint="percentage points for percent indicators, a relative % for others (10 = within 10%)",
            hint_vi="điểm phần trăm với chỉ tiêu tỷ lệ, % tương đối với loại khác (10 = trong phạm vi 10%)",
        )

    def dates(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            tgt = ind.target
            base: Path_ = ("indicators", i, "target")
            if tgt.baseline is not None and tgt.baseline.at >= tgt.by:
                yield self.issue(
                    "bad-baseline",
                    (*base, "baseline", "at"),
                    f"the baseline date {tgt.baseline.at} is not before the deadline {tgt.by}",
                    f"ngày gốc {tgt.baseline.at} không trước hạn {tgt.by}",
                    value=str(tgt.baseline.at),
                    hint="the baseline is where the plan starts: a date before 'by'",
                    hint_vi="giá trị gốc là điểm xuất phát: ngày phải trước 'by'",
                )
            seen: set[str] = set()
            for k, m in enumerate(tgt.milestones):
                yield from self._milestone(ind, (*base, "milestones", k, "period"), m.period, seen)

    def _milestone(self, ind: Indicator, path: Path_, period: str, seen: set[str]) -> Iterator[Issue]:
        freq, start, end = frequency_of(period), period_start(period), period_end(period)
        tgt = ind.target
        problem: tuple[str, str] | None = None
        hint = hint_vi = None
        if freq != ind.frequency:
            shape_en, shape_vi = period_shape(ind.frequency, "en"), period_shape(ind.frequency, "vi")
            problem = (
                f"milestone period '{period}' does not match the indicator's {ind.frequency.value} reporting",
                f"kỳ của mốc '{period}' không khớp với tần suất báo cáo {frequency_text(ind.frequency, 'vi')}",
            )
            hint, hint_vi = f"write {shape_en}", f"hãy viết {shape_vi}"
        elif start > tgt.by:
            problem = (
                f"milestone '{period}' lies after the deadline {tgt.by}",
                f"mốc '{period}' nằm sau hạn {tgt.by}",
            )
            hint, hint_vi = "milestones lead up to the deadline", "các mốc phải trước hạn hoàn thành"
        elif tgt.baseline is not None and end < tgt.baseline.at:
            problem = (
                f"milestone '{period}' lies before the baseline date {tgt.baseline.at}",
                f"mốc '{period}' nằm trước ngày gốc {tgt.baseline.at}",
            )
            hint, hint_vi = "milestones come after the baseline", "các mốc phải sau ngày gốc"
        elif period in seen:
            problem = (f"milestone '{period}' is declared twice", f"mốc '{period}' được khai báo hai lần")
            hint, hint_vi = "keep one", "giữ lại một"
        seen.add(period)
        if problem:
            yield self.issue(
                "bad-milestone", path, problem[0], problem[1], value=period, hint=hint, hint_vi=hint_vi
            )

    def owners(self) -> Iterator[Issue]:
        dept_ids = list(self.registry.departments["id"].to_list())
        for i, ind in enumerate(self.t.indicators):
            if ind.owner not in dept_ids:
                en, vi = suggest(ind.owner, dept_ids)
                yield self.issue(
                    "unknown-owner",
                    ("indicators", i, "owner"),
                    f"owner '{ind.owner}' is not a department of the registry.{en}",
                    f"đơn vị chủ trì '{ind.owner}' không có trong danh mục sở, ngành.{vi}",
                    value=ind.owner,
                    hint=f"department ids are listed in {self.t.registry.departments}",
                    hint_vi=f"mã các sở, ngành nằm trong {self.t.registry.departments}",
                )

    def overrides(self) -> Iterator[Issue]:
        dept_ids = list(self.registry.departments["id"].to_list())
        for i, ind in enumerate(self.t.indicators):
            seen: set[str] = set()
            for k, o in enumerate(ind.overrides):
                path = ("indicators", i, "overrides", k, "unit")
                level = self.registry.level_of(o.unit)
                if level is None:
                    en, vi = self._unit_suggestion(o.unit, dept_ids)
                    yield self.issue(
                        "unknown-unit",
                        path,
                        f"unit '{o.unit}' is neither a commune code nor a department id of the registry.{en}",
                        f"đơn vị '{o.unit}' không phải mã xã/phường hay mã sở, ngành trong danh mục.{vi}",
                        value=o.unit,
                        hint='write a 5-digit commune code in quotes ("90001") or a department id',
                        hint_vi='ghi mã xã 5 chữ số trong dấu nháy ("90001") hoặc mã sở, ngành',
                    )
                elif level not in ind.levels:
                    levels = ", ".join(lv.value for lv in ind.levels)
                    yield self.issue(
                        "override-level",
                        path,
                        f"unit '{o.unit}' is a {level.value} but the indicator is measured at: {levels}",
                        f"đơn vị '{o.unit}' thuộc cấp {_LEVEL_VI[level]} nhưng chỉ tiêu chỉ đo ở cấp: "
                        + ", ".join(_LEVEL_VI[lv] for lv in ind.levels),
                        value=o.unit,
                        hint=f"add '{level.value}' to levels, or remove the override",
                        hint_vi=f"thêm '{level.value}' vào levels, hoặc bỏ chỉ tiêu riêng này",
                    )
                elif o.unit in seen:
                    yield self.issue(
                        "duplicate-override",
                        path,
                        f"unit '{o.unit}' has two overrides",
                        f"đơn vị '{o.unit}' có hai chỉ tiêu riêng",
                        value=o.unit,
                        hint="keep one",
                        hint_vi="giữ lại một",
                    )
                seen.add(o.unit)

    def _unit_suggestion(self, text: str, dept_ids: list[str]) -> tuple[str, str]:
        en, vi = suggest(text, dept_ids)
        if en:
            return en, vi
        # a name typed instead of a code ("Tân Hòa") resolves to the code to write
        res = self.registry.resolve(text)
        code = res.code or next(iter(res.suggestions), None)
        if code is None:
            return "", ""
        name = self.registry.name_of(code)
        return f" Did you mean '{code}' ({name})?", f" Có phải ý bạn là '{code}' ({name})?"


_LEVEL_VI = {Level.PROVINCE: "tỉnh", Level.DEPARTMENT: "sở, ngành", Level.COMMUNE: "xã"}


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_rules(targets: TargetsFile, doc: Located, file: str, registry: Any | None) -> list[Issue]:
    """Run every whole-file rule over a shape-valid file; `registry` is None when it could not be loaded."""
    return [
        *_Rules(targets, doc, file, registry).all(),
        *check_exports(targets, doc, file),
        *check_warnings(targets, doc, file),
        *check_unit_targets(targets, doc, file, registry),
    ]
