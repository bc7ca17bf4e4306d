"""Stage 3 warnings: settings that are valid but probably not what was meant (a target behind its
baseline, a percentage written as a fraction, the stale rule left at its default). The file still loads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ioc.config_shape import located
from ioc.config_yaml import Located, Path_
from ioc.issues import Issue
from ioc.messages import words
from ioc.targets import Direction, Indicator, MeasureUnit, StatusRules, TargetsFile

STALE_DEFAULT = StatusRules.model_fields["stale_after_periods"].default


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class _Warnings:
    def __init__(self, targets: TargetsFile, doc: Located, file: str):
        self.t = targets
        self.doc = doc
        self.file = file

    def issue(self, key: str, path: Path_, **kw: Any) -> Issue:
        """The catalog's warning `key` at `path`."""
        return located(self.doc, self.file, key, path, warning=True, **kw)

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
            value=None,
            expected="a number of reporting periods, e.g. stale_after_periods: 1",
            default=str(STALE_DEFAULT),
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
        yield self.issue(
            "target-behind-baseline",
            ("indicators", i, "target", "value"),
            value=_num(v),
            expected=f"{'at least' if higher else 'at most'} {_num(b)}",
            target=_num(v),
            baseline=_num(b),
            side=words("phrase.below" if higher else "phrase.above"),
            better=words("phrase.higher" if higher else "phrase.lower"),
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
                    value=_num(v),
                    expected="a percentage on the 0–100 scale",
                    percent=_num(v * 100),
                )


def check_warnings(targets: TargetsFile, doc: Located, file: str) -> list[Issue]:
    """The warnings of a shape-valid file (never errors: the configuration still loads)."""
    return list(_Warnings(targets, doc, file).all())
