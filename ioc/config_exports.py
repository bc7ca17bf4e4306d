"""Stage 3 rules on report-system exports: the keys under `columns`, and every filter, vocabulary value,
`*_field` operand and `sum` an indicator computes from an export — caught when targets.yaml loads, so that
a correct data file is never rejected at ingest for a mistake in the configuration."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from ioc.config_shape import did_you_mean, located
from ioc.config_yaml import Located, Path_
from ioc.exports_config import ExportConfig, ExportKind, Quantity
from ioc.filters import FilterProblem, quantity_fields, quantity_findings
from ioc.issues import Issue
from ioc.messages import words
from ioc.targets import ExportSource, Indicator, TargetsFile

_SIDES = ("numerator", "denominator", "value")


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()


class _ExportRules:
    """Each method yields the issues of one rule."""

    def __init__(self, targets: TargetsFile, doc: Located, file: str):
        self.t = targets
        self.doc = doc
        self.file = file
        self.exports: dict[str, tuple[int, ExportConfig]] = {}
        for e, export in enumerate(targets.exports):
            self.exports.setdefault(export.id, (e, export))  # a duplicate id is reported by its own rule

    def issue(self, key: str, path: Path_, **kw: Any) -> Issue:
        """The catalog's issue `key` (`ioc.messages`) at `path` of targets.yaml."""
        return located(self.doc, self.file, key, path, **kw)

    def all(self) -> Iterator[Issue]:
        for e, export in self.exports.values():
            yield from self.columns(e, export)
            yield from self.period_field(e, export)
        for i, ind in enumerate(self.t.indicators):
            src = ind.source
            if isinstance(src, ExportSource) and src.export in self.exports:
                yield from self.quantities(i, ind, self.exports[src.export][1])

    def _quantities(self, export: ExportConfig) -> list[Quantity]:
        out = []
        for ind in self.t.indicators:
            if isinstance(ind.source, ExportSource) and ind.source.export == export.id:
                out += [q for q in (getattr(ind.source, s) for s in _SIDES) if q is not None]
        return out

    def columns(self, e: int, export: ExportConfig) -> Iterator[Issue]:
        """A key under `columns` is a field the reader knows, or (dossiers, statistics) one a filter reads."""
        canonical = list(export.canonical_fields())
        if export.kind == ExportKind.LONG:
            own: set[str] = set()  # long rows name their indicator: no filter ever reads another field
        else:
            own = set().union(*(quantity_fields(q) for q in self._quantities(export)), export.vocab)
            if export.kind == ExportKind.DOSSIERS:
                own.add(export.period_field)
        kind = export.kind.value
        for name in export.columns:
            if name in canonical or name in own:
                continue
            yield self.issue(
                "unknown-column:export",
                ("exports", e, "columns", name),
                value=name,
                expected=", ".join(canonical),
                kind=kind,
                guess=did_you_mean(name, canonical),
                fields=", ".join(canonical),
                own="" if export.kind == ExportKind.LONG else words("phrase.own-field-note"),
            )

    def period_field(self, e: int, export: ExportConfig) -> Iterator[Issue]:
        """The date that decides a dossier's month must be a date column of the export."""
        if export.kind != ExportKind.DOSSIERS:
            return
        fields = export.filter_fields()
        name = export.period_field
        path = ("exports", e, "period_field")
        if name not in fields:
            dates = sorted(f for f, t in fields.items() if t == "date")
            yield self.issue(
                "unknown-export-field:period",
                path,
                value=name,
                expected=", ".join(dates) or None,
                guess=did_you_mean(name, dates),
                dates=", ".join(dates),
            )
        elif fields[name] != "date":
            yield self.issue(
                "bad-period-field", path, value=name, expected="a date column", type=fields[name]
            )

    def quantities(self, i: int, ind: Indicator, export: ExportConfig) -> Iterator[Issue]:
        """Every numerator, denominator or value of an indicator checked against its export's fields."""
        if export.kind == ExportKind.LONG:
            return  # long rows carry the indicator's own values: nothing is filtered or summed
        src = ind.source
        assert isinstance(src, ExportSource)
        types = export.filter_fields()
        vocab = export.vocabularies()
        for side in _SIDES:
            q: Quantity | None = getattr(src, side)
            if q is None:
                continue
            base: Path_ = ("indicators", i, "source", side)
            if export.kind == ExportKind.PROCEDURE_STATS and q.sum is None:
                yield self.issue(
                    "bad-filter:sum-only",
                    base,
                    side=side,
                    export=export.id,
                    measures=", ".join(sorted(types)),
                )
                continue
            for p in quantity_findings(q, types, vocab):
                yield self._finding(side, (*base, *p.steps), p, export, vocab)

    def _finding(
        self,
        side: str,
        path: Path_,
        p: FilterProblem,
        export: ExportConfig,
        vocab: dict[str, dict[str, list[str]]],
    ) -> Issue:
        eid, v, options = export.id, p.value or "", ", ".join(p.options)
        guess = did_you_mean(v, list(p.options))
        common = {"value": v, "expected": options, "side": side, "export": eid}
        if p.code == "unknown-export-field" and v in export.canonical_fields():
            # a field the reader knows, left out of a `columns` block (which replaces the kind's defaults)
            return self.issue("unknown-export-field:undeclared", path, **common)
        if p.code == "unknown-export-field":
            return self.issue("unknown-export-field", path, guess=guess, options=options, **common)
        if p.code == "unknown-vocab-value":
            labels = vocab.get(p.field or "", {})
            by_label = [c for c, labs in labels.items() if _key(v) in {_key(lab) for lab in labs}]
            if by_label:  # the file's label written where the canonical value belongs
                guess = words("phrase.label-value", canonical=by_label[0], label=v)
            return self.issue(
                "unknown-vocab-value", path, guess=guess, options=options, vocab=p.field or "", **common
            )
        if p.code == "unknown-measure":
            return self.issue("unknown-measure", path, guess=guess, options=options, **common)
        # the filter's own words (ioc.filters states them in English only)
        return self.issue(
            "bad-filter", path, value=v or None, expected=options or None, side=side, problem=p.message
        )


def check_exports(targets: TargetsFile, doc: Located, file: str) -> list[Issue]:
    """Every issue of the exports' `columns` and of the filters and sums computed from them."""
    return list(_ExportRules(targets, doc, file).all())
