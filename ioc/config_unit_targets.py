"""Whole-file rules for how province targets apply to units (`unit_target`, `share_basis`; PRODUCT §5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ioc.config_shape import located_issue, suggest
from ioc.config_yaml import Located
from ioc.issues import Issue
from ioc.periods import is_period
from ioc.targets import Level, MeasureUnit, TargetsFile, UnitTarget


def check_unit_targets(
    targets: TargetsFile, doc: Located, file: str, registry: Any | None
) -> Iterator[Issue]:
    """A `share_basis` that names neither a period nor a numeric column of the communes registry is an error
    (a share would silently fall back to the first period); a basis without `unit_target: share`, a share of a
    percentage, and a rule on an indicator measured at the province only are warnings."""
    columns = [] if registry is None else [c for c in registry.communes.columns if c not in ("code", "name")]
    for i, ind in enumerate(targets.indicators):
        base = ("indicators", i)
        below = [lv for lv in ind.levels if lv != Level.PROVINCE]
        basis = ind.share_basis
        if basis is not None and not is_period(basis) and registry is not None:
            numeric = (
                basis in columns and registry.communes[basis].cast(float, strict=False).null_count() == 0
            )
            if not numeric:
                en, vi = suggest(basis, columns)
                yield located_issue(
                    doc, file, "bad-share-basis", (*base, "share_basis"),
                    f"share_basis '{basis}' is neither a period (2025-01, 2025-Q1, 2025) nor a numeric column "
                    f"of {targets.registry.communes}.{en}",
                    f"share_basis '{basis}' không phải một kỳ (2025-01, 2025-Q1, 2025) hay một cột số của "
                    f"{targets.registry.communes}.{vi}",
                    value=basis,
                    hint="name a reference period, or add the column (e.g. population) to the communes file",
                    hint_vi="ghi một kỳ tham chiếu, hoặc thêm cột (ví dụ population) vào tệp xã, phường",
                )  # fmt: skip
        if basis is not None and ind.effective_unit_target() != UnitTarget.SHARE:
            yield located_issue(
                doc, file, "unused-share-basis", (*base, "share_basis"),
                f"share_basis is set but unit_target is {ind.effective_unit_target().value}: it is not used",
                f"có share_basis nhưng unit_target là {ind.effective_unit_target().value}: không được dùng",
                warning=True, value=basis, hint="write unit_target: share, or remove share_basis",
                hint_vi="ghi unit_target: share, hoặc bỏ share_basis",
            )  # fmt: skip
        if ind.unit_target == UnitTarget.SHARE and ind.unit == MeasureUnit.PERCENT:
            yield located_issue(
                doc, file, "share-of-percent", (*base, "unit_target"),
                "a share of a percentage means little: each unit would be held to a fraction of the rate",
                "chia tỷ lệ phần trăm theo tỷ trọng ít ý nghĩa: mỗi đơn vị chỉ phải đạt một phần của tỷ lệ",
                warning=True, value="share", hint="use unit_target: same for rates",
                hint_vi="dùng unit_target: same cho các tỷ lệ",
            )  # fmt: skip
        if ind.unit_target is not None and not below:
            yield located_issue(
                doc, file, "unit-target-unused", (*base, "unit_target"),
                "unit_target is set but the indicator is measured at the province only",
                "có unit_target nhưng chỉ tiêu chỉ đo ở cấp tỉnh",
                warning=True, value=ind.unit_target.value, hint="remove it, or add the levels it applies to",
                hint_vi="bỏ dòng này, hoặc thêm cấp áp dụng vào levels",
            )  # fmt: skip
