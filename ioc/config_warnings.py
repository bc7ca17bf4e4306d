"""Stage 3 warnings: settings that are valid but probably not what was meant (a target behind its
baseline, a percentage written as a fraction, the stale rule left at its default). The file still loads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ioc.config_shape import located_issue
from ioc.config_yaml import Located, Path_
from ioc.issues import Issue
from ioc.targets import Direction, Indicator, MeasureUnit, StatusRules, TargetsFile

STALE_DEFAULT = StatusRules.model_fields["stale_after_periods"].default


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class _Warnings:
    def __init__(self, targets: TargetsFile, doc: Located, file: str):
        self.t = targets
        self.doc = doc
        self.file = file

    def issue(self, code: str, path: Path_, en: str, vi: str, **kw: Any) -> Issue:
        return located_issue(self.doc, self.file, code, path, en, vi, warning=True, **kw)

    def all(self) -> Iterator[Issue]:
        yield from self.stale_default()
        for i, ind in enumerate(self.t.indicators):
            yield from self.target_side(i, ind)
            if ind.unit == MeasureUnit.PERCENT:
                yield from self.fractions(i, ind)

    def stale_default(self) -> Iterator[Issue]:
        """`status.stale_after_periods` not written: the default is strict, and a choice worth making."""
        if self.doc.get(("status", "stale_after_periods")) is not None:
            return
        path: Path_ = ("status", "stale_after_periods") if "status" in self.doc.data else ()
        yield self.issue(
            "stale-default",
            path,
            f"stale_after_periods is not set: the default {STALE_DEFAULT} makes a value stale as soon "
            "as one report that is due is missing (one missed month, quarter or year)",
            f"chưa đặt stale_after_periods: mặc định {STALE_DEFAULT} coi số liệu là cũ ngay khi thiếu "
            "một báo cáo đã đến hạn (chậm một tháng, quý hoặc năm)",
            value=None,
            expected="a number of reporting periods, e.g. stale_after_periods: 1",
            hint="write it under status: (1 tolerates one missed reporting period)",
            hint_vi="hãy khai báo trong status: (1 cho phép chậm một kỳ báo cáo)",
        )

    def target_side(self, i: int, ind: Indicator) -> Iterator[Issue]:
        """A target behind its own baseline for the indicator's direction would plan a decline."""
        tgt = ind.target
        if tgt.baseline is None:
            return
        b, v = tgt.baseline.value, tgt.value
        higher = ind.direction == Direction.HIGHER
        if (higher and v >= b) or (not higher and v <= b):
            return
        side_en, side_vi = ("below", "thấp hơn") if higher else ("above", "cao hơn")
        better_en, better_vi = ("higher", "cao") if higher else ("lower", "thấp")
        yield self.issue(
            "target-behind-baseline",
            ("indicators", i, "target", "value"),
            f"the target {_num(v)} is {side_en} the baseline {_num(b)} although {better_en} is better: "
            "the plan would go backwards",
            f"chỉ tiêu {_num(v)} {side_vi} giá trị gốc {_num(b)} trong khi càng {better_vi} càng tốt: "
            "kế hoạch sẽ đi lùi",
            value=_num(v),
            expected=f"{'at least' if higher else 'at most'} {_num(b)}",
            hint="check 'direction' (higher / lower), the target value and the baseline value",
            hint_vi="kiểm tra 'direction' (higher / lower), giá trị chỉ tiêu và giá trị gốc",
        )

    def fractions(self, i: int, ind: Indicator) -> Iterator[Issue]:
        """A percent value in (0, 1] was most likely written as a fraction (0.8 meaning 80%)."""
        base: Path_ = ("indicators", i, "target")
        values: list[tuple[Path_, float]] = [((*base, "value"), ind.target.value)]
        if ind.target.baseline is not None:
            values.append(((*base, "baseline", "value"), ind.target.baseline.value))
        values += [((*base, "milestones", k, "value"), m.value) for k, m in enumerate(ind.target.milestones)]
        values += [(("indicators", i, "overrides", k, "value"), o.value) for k, o in enumerate(ind.overrides)]
        for path, v in values:
            if 0 < v <= 1:
                yield self.issue(
                    "percent-as-fraction",
                    path,
                    f"{_num(v)} looks like a fraction, but percent values are written 0–100 "
                    f"({_num(v)} means {_num(v)}%, not {_num(v * 100)}%)",
                    f"{_num(v)} trông như một phân số, nhưng tỷ lệ viết theo thang 0–100 "
                    f"({_num(v)} nghĩa là {_num(v)}%, không phải {_num(v * 100)}%)",
                    value=_num(v),
                    expected="a percentage on the 0–100 scale",
                    hint=f"write {_num(v * 100)} if {_num(v * 100)}% is meant",
                    hint_vi=f"hãy viết {_num(v * 100)} nếu ý là {_num(v * 100)}%",
                )


def check_warnings(targets: TargetsFile, doc: Located, file: str) -> list[Issue]:
    """The warnings of a shape-valid file (never errors: the configuration still loads)."""
    return list(_Warnings(targets, doc, file).all())
