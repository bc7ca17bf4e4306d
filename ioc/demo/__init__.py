"""The demo province (§12 of the product): its units files, its simulated plan history, and the seeding of
that history through the same loaders users go through. Nothing in the core package imports it; the
command line (`python -m ioc demo`) and the app's first start (`ui_cache.ensure_seeded`) do.

Modules: `units` (the units files), `values` (simulated values), `plan` (which file arrives when, and its
bytes), `workbooks` (department workbooks), `dossiers` (report-system data), `seed` (generate and ingest),
`first_start` (the app's first start: the opening months now, the rest in the background).
"""

from __future__ import annotations

from ioc.demo.first_start import ensure_demo, progress
from ioc.demo.seed import DemoSummary, generate, has_submissions, main, partition
from ioc.demo.units import write_units

__all__ = [
    "DemoSummary",
    "ensure_demo",
    "generate",
    "has_submissions",
    "main",
    "partition",
    "progress",
    "write_units",
]
