"""The expected path of a target (PRODUCT §5): baseline → each milestone → target, straight between points.

A milestone is a point on the path, so the expected value never jumps back after it. Time is measured in
days and a period stands for its last day. One function answers "what was expected at this date" for the
traffic lights (`ioc.scoring.score`) and for the trend chart (`ioc.scoring.history`), so the two agree.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from ioc.periods import period_end
from ioc.targets import Indicator


@dataclass(frozen=True)
class Point:
    """One point of a path: a date, the value expected then, and the milestone period it stands for."""

    at: dt.date
    value: float
    milestone: str | None = None  # the declared period of a milestone ("2026-Q2"), else None


@dataclass(frozen=True)
class Expected:
    """The expected value at a date and how it was found.

    `kind`: "milestone" (a milestone's own date; `milestone` names its period), "target" (the deadline or
    after it, or no path to follow), "line" (on the straight line between two points, or at the baseline).
    """

    value: float
    kind: str
    milestone: str | None = None


@dataclass(frozen=True)
class TargetPath:
    """The path a unit is expected to follow to its target."""

    target: float
    deadline: dt.date
    baseline: Point | None
    milestones: tuple[Point, ...] = ()

    def points(self) -> list[Point]:
        """Baseline, milestones strictly between baseline and deadline in date order, then the target."""
        start = self.baseline.at if self.baseline else dt.date.min
        inner = sorted((m for m in self.milestones if start < m.at < self.deadline), key=lambda m: m.at)
        head = [self.baseline] if self.baseline else []
        return [*head, *inner, Point(self.deadline, self.target)]

    def at(self, when: dt.date) -> Expected:
        """The expected value at `when`."""
        if when >= self.deadline:
            return Expected(self.target, "target")
        pts = self.points()
        first = pts[0]
        if when <= first.at:
            if first is self.baseline:
                return Expected(first.value, "line")
            # no baseline: the first milestone (or the target itself) is expected until it is reached
            return Expected(first.value, "milestone" if first.milestone else "target", first.milestone)
        for a, b in itertools.pairwise(pts):
            if when == b.at:
                return Expected(b.value, "milestone" if b.milestone else "target", b.milestone)
            if a.at < when < b.at:
                share = (when - a.at).days / (b.at - a.at).days
                return Expected(a.value + (b.value - a.value) * share, "line")
        return Expected(self.target, "target")  # unreachable: `when` < deadline lies in some segment


def indicator_path(
    ind: Indicator,
    *,
    target: float | None = None,
    deadline: dt.date | None = None,
    scale: float | None = None,
    milestones: bool = True,
) -> TargetPath:
    """The path of an indicator, or of a unit under it.

    A unit with its own declared target (`target`, optionally `deadline`) follows the straight line from the
    baseline to that target (`milestones=False`); a unit holding a share of the province target has the
    whole path scaled by its share (`scale`).
    """
    k = 1.0 if scale is None else scale
    base = ind.target.baseline
    return TargetPath(
        target=(ind.target.value * k) if target is None else target,
        deadline=deadline or ind.target.by,
        baseline=Point(base.at, base.value * k) if base else None,
        milestones=tuple(Point(period_end(m.period), m.value * k, m.period) for m in ind.target.milestones)
        if milestones
        else (),
    )
