"""Stage 3 of loading `targets.yaml`: whole-file rules (unknown ids, milestones after the deadline, …)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ioc.config_exports import check_exports
from ioc.config_shape import did_you_mean, located
from ioc.config_unit_targets import check_unit_targets
from ioc.config_warnings import check_warnings
from ioc.config_yaml import Located, Path_
from ioc.issues import Issue
from ioc.messages import Words, text, words
from ioc.periods import frequency_of, period_end, period_start
from ioc.targets import ExportSource, Indicator, MeasureUnit, Rollup, TargetsFile


class _Rules:
    """The whole-file rules; each method yields the issues of one rule."""

    def __init__(self, targets: TargetsFile, doc: Located, file: str, registry: Any | None):
        self.t = targets
        self.doc = doc
        self.file = file
        self.registry = registry

    def issue(self, key: str, path: Path_, *, warning: bool = False, **kw: Any) -> Issue:
        """The catalog's issue `key` (`ioc.messages`) at `path` of targets.yaml."""
        return located(self.doc, self.file, key, path, warning=warning, **kw)

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
        for section, code in (
            ("indicators", "duplicate-id"),
            ("pillars", "duplicate-pillar"),
            ("exports", "duplicate-export"),
        ):
            first: dict[str, int] = {}
            for i, item in enumerate(getattr(self.t, section)):
                if item.id in first:
                    line = (self.doc.position((section, first[item.id], "id")) or (0, 0))[0]
                    yield self.issue(code, (section, i, "id"), value=item.id, first=str(line))
                else:
                    first[item.id] = i

    def pillars(self) -> Iterator[Issue]:
        ids = [p.id for p in self.t.pillars]
        used = set()
        for i, ind in enumerate(self.t.indicators):
            used.add(ind.pillar)
            if ind.pillar not in ids:
                yield self.issue(
                    "unknown-pillar",
                    ("indicators", i, "pillar"),
                    value=ind.pillar,
                    expected=", ".join(ids),
                    guess=did_you_mean(ind.pillar, ids),
                    ids=", ".join(ids),
                )
        for i, p in enumerate(self.t.pillars):
            if p.id not in used:
                yield self.issue("unused-pillar", ("pillars", i, "id"), warning=True, pillar=p.id)

    def exports(self) -> Iterator[Issue]:
        ids = [e.id for e in self.t.exports]
        for i, ind in enumerate(self.t.indicators):
            if isinstance(ind.source, ExportSource) and ind.source.export not in ids:
                yield self.issue(
                    "unknown-export:undeclared" if ids else "unknown-export:none-declared",
                    ("indicators", i, "source", "export"),
                    value=ind.source.export,
                    expected=", ".join(ids) or None,
                    guess=did_you_mean(ind.source.export, ids),
                    ids=", ".join(ids),
                )

    def rollups(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            src = ind.source
            if not isinstance(src, ExportSource):
                continue  # a workbook indicator may roll up any way (ratio: the template asks for both parts)
            path = ("indicators", i, "rollup") if "rollup" in self._raw(i) else ("indicators", i, "source")
            if src.numerator is not None and ind.rollup != Rollup.RATIO:
                yield self.issue("rollup-mismatch", path, warning=True, rollup=ind.rollup.value)
            if src.value is not None and ind.rollup == Rollup.RATIO:
                yield self.issue("rollup-mismatch:single-value", path, warning=True)

    def _raw(self, i: int) -> dict[str, Any]:
        raw = self.doc.get(("indicators", i))
        return raw if isinstance(raw, dict) else {}

    def ranges(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            if ind.min is not None and ind.max is not None and ind.min > ind.max:
                yield self.issue(
                    "bad-range", ("indicators", i, "min"), value=_num(ind.min), max=_num(ind.max)
                )
                continue
            yield from self._target_values(i, ind)

    def _target_values(self, i: int, ind: Indicator) -> Iterator[Issue]:
        lo, hi = ind.value_range()
        base: Path_ = ("indicators", i, "target")
        checks: list[tuple[Path_, float, Words]] = [
            ((*base, "value"), ind.target.value, words("phrase.target"))
        ]
        if ind.target.baseline is not None:
            checks.append(((*base, "baseline", "value"), ind.target.baseline.value, words("phrase.baseline")))
        for k, m in enumerate(ind.target.milestones):
            checks.append(
                ((*base, "milestones", k, "value"), m.value, words("phrase.milestone", period=m.period))
            )
        for k, o in enumerate(ind.overrides):
            checks.append(
                (("indicators", i, "overrides", k, "value"), o.value, words("phrase.override", unit=o.unit))
            )
        if hi is None:
            span_en, span = f"at least {_num(lo)}", words("phrase.not-below", low=_num(lo))
        else:
            span_en = f"{_num(lo)}–{_num(hi)}"
            span = Words(span_en, span_en)
        for path, value, what in checks:
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                yield self.issue(
                    "bad-target:percent" if ind.unit == MeasureUnit.PERCENT else "bad-target",
                    path,
                    value=_num(value),
                    expected=span_en,
                    what=what,
                    span=span,
                )

    def tolerances(self) -> Iterator[Issue]:
        if self.t.status.amber_tolerance > 100:
            yield self._tolerance(("status", "amber_tolerance"), self.t.status.amber_tolerance)
        for i, ind in enumerate(self.t.indicators):
            if ind.amber_tolerance is not None and ind.amber_tolerance > 100:
                yield self._tolerance(("indicators", i, "amber_tolerance"), ind.amber_tolerance)

    def _tolerance(self, path: Path_, value: float) -> Issue:
        return self.issue("bad-tolerance", path, value=_num(value), expected="0–100")

    def dates(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            tgt = ind.target
            base: Path_ = ("indicators", i, "target")
            if tgt.baseline is not None and tgt.baseline.at >= tgt.by:
                yield self.issue(
                    "bad-baseline", (*base, "baseline", "at"), value=str(tgt.baseline.at), by=str(tgt.by)
                )
            seen: set[str] = set()
            for k, m in enumerate(tgt.milestones):
                yield from self._milestone(ind, (*base, "milestones", k, "period"), m.period, seen)

    def _milestone(self, ind: Indicator, path: Path_, period: str, seen: set[str]) -> Iterator[Issue]:
        freq, start, end = frequency_of(period), period_start(period), period_end(period)
        tgt = ind.target
        key: str | None = None
        fields: dict[str, Any] = {}
        if freq != ind.frequency:
            key = "bad-milestone"
            fields = {
                "frequency": words(f"phrase.every-{ind.frequency.value}"),
                "shape": words(f"phrase.shape-{ind.frequency.value}"),
            }
        elif start > tgt.by:
            key, fields = "bad-milestone:after-deadline", {"by": str(tgt.by)}
        elif tgt.baseline is not None and end < tgt.baseline.at:
            key, fields = "bad-milestone:before-baseline", {"at": str(tgt.baseline.at)}
        elif period in seen:
            key = "bad-milestone:twice"
        seen.add(period)
        if key:
            yield self.issue(key, path, value=period, **fields)

    def owners(self) -> Iterator[Issue]:
        dept_ids = list(self.registry.departments["id"].to_list())
        for i, ind in enumerate(self.t.indicators):
            if ind.owner not in dept_ids:
                yield self.issue(
                    "unknown-owner",
                    ("indicators", i, "owner"),
                    value=ind.owner,
                    guess=did_you_mean(ind.owner, dept_ids),
                    departments=self.t.registry.departments,
                )

    def overrides(self) -> Iterator[Issue]:
        dept_ids = list(self.registry.departments["id"].to_list())
        for i, ind in enumerate(self.t.indicators):
            seen: set[str] = set()
            for k, o in enumerate(ind.overrides):
                path = ("indicators", i, "overrides", k, "unit")
                level = self.registry.level_of(o.unit)
                if level is None:
                    yield self.issue(
                        "unknown-unit:override",
                        path,
                        value=o.unit,
                        guess=self._unit_suggestion(o.unit, dept_ids),
                    )
                elif level not in ind.levels:
                    yield self.issue(
                        "override-level",
                        path,
                        value=o.unit,
                        level=words(f"phrase.{level.value}"),
                        levels=Words(
                            *(
                                ", ".join(text(f"phrase.{lv.value}", lang) for lv in ind.levels)
                                for lang in ("vi", "en")
                            )
                        ),
                        level_id=level.value,
                    )
                elif o.unit in seen:
                    yield self.issue("duplicate-override", path, value=o.unit)
                seen.add(o.unit)

    def _unit_suggestion(self, typed: str, dept_ids: list[str]) -> Words | str:
        """A did-you-mean for an override's unit: the closest department id, or the code of a name typed."""
        guess = did_you_mean(typed, dept_ids)
        if guess:
            return guess
        # a name typed instead of a code ("Tân Hòa") resolves to the code to write
        res = self.registry.resolve(typed)
        code = res.code or next(iter(res.suggestions), None)
        if code is None:
            return ""
        return words("phrase.did-you-mean-code", code=code, name=self.registry.name_of(code))


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
