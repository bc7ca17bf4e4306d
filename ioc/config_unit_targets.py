"""Whole-file rules for how province targets apply to units (`unit_target`, `share_basis`; PRODUCT §5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ioc.config_shape import did_you_mean, located
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
                yield located(
                    doc,
                    file,
                    "bad-share-basis",
                    (*base, "share_basis"),
                    value=basis,
                    communes=targets.registry.communes,
                    guess=did_you_mean(basis, columns),
                )
        if basis is not None and ind.effective_unit_target() != UnitTarget.SHARE:
            yield located(
                doc,
                file,
                "unused-share-basis",
                (*base, "share_basis"),
                warning=True,
                value=basis,
                unit_target=ind.effective_unit_target().value,
            )
        if ind.unit_target == UnitTarget.SHARE and ind.unit == MeasureUnit.PERCENT:
            yield located(doc, file, "share-of-percent", (*base, "unit_target"), warning=True, value="share")
        if ind.unit_target is not None and not below:
            yield located(
                doc,
                file,
                "unit-target-unused",
                (*base, "unit_target"),
                warning=True,
                value=ind.unit_target.value,
            )
