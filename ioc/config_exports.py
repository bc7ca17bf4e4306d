"""Stage 3 rules on report-system exports: the keys under `columns`, and every filter, vocabulary value,
`*_field` operand and `sum` an indicator computes from an export — caught when targets.yaml loads, so that
a correct data file is never rejected at ingest for a mistake in the configuration."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from ioc.config_shape import located_issue, suggest
from ioc.config_yaml import Located, Path_
from ioc.exports_config import ExportConfig, ExportKind, Quantity
from ioc.filters import FilterProblem, quantity_fields, quantity_findings
from ioc.issues import Issue
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

    def issue(self, code: str, path: Path_, en: str, vi: str, **kw: Any) -> Issue:
        return located_issue(self.doc, self.file, code, path, en, vi, **kw)

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
            en, vi = suggest(name, canonical)
            extra_en = (
                ""
                if export.kind == ExportKind.LONG
                else "; a field of your own belongs here only when a filter reads it"
            )
            extra_vi = (
                ""
                if export.kind == ExportKind.LONG
                else "; trường riêng chỉ khai báo ở đây khi có bộ lọc dùng đến"
            )
            yield self.issue(
                "unknown-column",
                ("exports", e, "columns", name),
                f"columns: '{name}' is not a field of a {kind} export.{en}",
                f"columns: '{name}' không phải trường của nguồn xuất loại {kind}.{vi}",
                value=name,
                expected=", ".join(canonical),
                hint=f"the fields of a {kind} export: {', '.join(canonical)}{extra_en}",
                hint_vi=f"các trường của nguồn xuất loại {kind}: {', '.join(canonical)}{extra_vi}",
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
            en, vi = suggest(name, dates)
            yield self.issue(
                "unknown-export-field",
                path,
                f"period_field: '{name}' is not a column of this export.{en}",
                f"period_field: '{name}' không phải cột của nguồn xuất này.{vi}",
                value=name,
                expected=", ".join(dates) or None,
                hint=f"name a date column ({', '.join(dates)}), or declare '{name}' under columns",
                hint_vi=f"chọn một cột ngày ({', '.join(dates)}), hoặc khai báo '{name}' trong columns",
            )
        elif fields[name] != "date":
            yield self.issue(
                "bad-period-field",
                path,
                f"period_field: '{name}' is read as {fields[name]}, not as a date",
                f"period_field: '{name}' được đọc là {fields[name]}, không phải ngày",
                value=name,
                expected="a date column",
                hint=f"set 'type: date' on columns.{name}, or name another date column",
                hint_vi=f"đặt 'type: date' cho columns.{name}, hoặc chọn cột ngày khác",
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
                    "bad-filter",
                    base,
                    f"{side}: a procedure_stats export has one row per unit: use 'sum: [measures]'",
                    f"{side}: nguồn procedure_stats có một dòng cho mỗi đơn vị: hãy dùng 'sum: [chỉ số]'",
                    hint=f"measures of export '{export.id}': {', '.join(sorted(types))}",
                    hint_vi=f"các chỉ số của '{export.id}': {', '.join(sorted(types))}",
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
        en, vi = suggest(v, list(p.options))
        if p.code == "unknown-export-field" and v in export.canonical_fields():
            # a field the reader knows, left out of a `columns` block (which replaces the kind's defaults)
            return self.issue(
                p.code,
                path,
                f"{side}: '{v}' is not among the columns declared for export '{eid}'",
                f"{side}: '{v}' không có trong các cột khai báo cho nguồn xuất '{eid}'",
                value=v,
                expected=options,
                hint=f"add '{v}' with its header labels under the export's columns: "
                "a columns block replaces the defaults of the kind",
                hint_vi=f"thêm '{v}' cùng tiêu đề cột vào columns của nguồn xuất: "
                "khối columns thay thế các cột mặc định",
            )
        if p.code == "unknown-export-field":
            return self.issue(
                p.code,
                path,
                f"{side}: '{v}' is not a field of export '{eid}'.{en}",
                f"{side}: '{v}' không phải trường của nguồn xuất '{eid}'.{vi}",
                value=v,
                expected=options,
                hint=f"the fields of export '{eid}': {options}",
                hint_vi=f"các trường của nguồn xuất '{eid}': {options}",
            )
        if p.code == "unknown-vocab-value":
            labels = vocab.get(p.field or "", {})
            by_label = [c for c, labs in labels.items() if _key(v) in {_key(lab) for lab in labs}]
            if by_label:  # the file's label written where the canonical value belongs
                en = f" Did you mean '{by_label[0]}' (the value of the label '{v}')?"
                vi = f" Có phải ý bạn là '{by_label[0]}' (giá trị của nhãn '{v}')?"
            return self.issue(
                p.code,
                path,
                f"{side}: '{v}' is not a value of '{p.field}' in export '{eid}'.{en}",
                f"{side}: '{v}' không phải giá trị của '{p.field}' trong nguồn xuất '{eid}'.{vi}",
                value=v,
                expected=options,
                hint=f"filters use the values of exports[{eid}].vocab.{p.field}: {options} "
                "(the labels of the file are listed under each of them)",
                hint_vi=f"bộ lọc dùng các giá trị của exports[{eid}].vocab.{p.field}: {options} "
                "(nhãn trong tệp được liệt kê dưới mỗi giá trị)",
            )
        if p.code == "unknown-measure":
            return self.issue(
                p.code,
                path,
                f"{side}: '{v}' is not a measure of export '{eid}'.{en}",
                f"{side}: '{v}' không phải chỉ số của nguồn xuất '{eid}'.{vi}",
                value=v,
                expected=options,
                hint=f"sum adds measure columns of the export: {options}",
                hint_vi=f"sum cộng các cột chỉ số của nguồn xuất: {options}",
            )
        return self.issue(
            p.code,
            path,
            f"{side}: {p.message}",
            f"{side}: {p.message}",
            value=v or None,
            expected=options or None,
        )


def check_exports(targets: TargetsFile, doc: Located, file: str) -> list[Issue]:
    """Every issue of the exports' `columns` and of the filters and sums computed from them."""
    return list(_ExportRules(targets, doc, file).all())
