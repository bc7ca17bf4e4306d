"""The data sources: each one declarative object in its module, the registry a plain tuple of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers_ledger import make_config

from data_sources import DataSource, dossiers, long_export, procedure_stats, registry, workbook
from ioc.exports_config import ExportKind
from ioc.issues import IssueError


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return make_config(tmp_path_factory.mktemp("province"))


def test_each_source_is_one_frozen_declaration_listed_once_in_a_plain_tuple() -> None:
    modules = (workbook, procedure_stats, dossiers, long_export)
    assert type(registry.REGISTRY) is tuple
    assert tuple(m.SOURCE for m in modules) == registry.REGISTRY  # the sniffing order
    assert list(registry.SOURCES) == ["workbook", "procedure_stats", "dossiers", "long"]
    for src in registry.REGISTRY:
        assert isinstance(src, DataSource)
        with pytest.raises(dataclasses.FrozenInstanceError):
            src.name = "other"  # type: ignore[misc]
        for en, vi in (src.looks_for, src.is_a):  # said in both languages
            assert en and vi and en != vi
    # which channel takes what follows from the declarations
    assert {"workbook"} == registry.DEPARTMENT_SOURCES
    assert {"procedure_stats", "dossiers", "long"} == registry.EXPORT_SOURCES
    assert {k: registry.KIND_SOURCE[k] for k in ExportKind} == {
        ExportKind.PROCEDURE_STATS: "procedure_stats",
        ExportKind.DOSSIERS: "dossiers",
        ExportKind.LONG: "long",
    }


def test_an_unrecognised_file_is_told_what_each_declared_source_looks_for(config, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(IssueError) as err:
        registry.detect(path, config)
    (issue,) = err.value.issues
    assert issue.code == "unknown-format"
    for src in registry.REGISTRY:
        assert src.looks_for[0] in issue.message and src.looks_for[1] in issue.message_vi
    with pytest.raises(IssueError) as err:  # the department page: only what department workbooks look like
        registry.detect(path, config, allowed=registry.DEPARTMENT_SOURCES)
    (issue,) = err.value.issues
    assert issue.message.endswith(f"Looked for: {workbook.SOURCE.looks_for[0]}.")
