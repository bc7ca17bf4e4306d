"""The demo province (§12 of the product): its units files, its simulated plan history, and the seeding of
that history through the same loaders users go through. Nothing in the core package imports it; the
command line (`python -m ioc demo`) and the app's first start (`ui_cache.ensure_seeded`) do.

Modules: `units` (the units files), `values` (simulated values), `plan` (which file arrives when, and its
bytes), `workbooks` (department workbooks), `dossiers` (report-system data), `seed` (generate and ingest).
"""

from __future__ import annotations

from ioc.demo.plan import plan
from ioc.demo.seed import DemoSummary, ensure_demo, generate, has_submissions, main, partition
from ioc.demo.units import write_units

__all__ = [
    "DemoSummary",
    "ensure_demo",
    "generate",
    "has_submissions",
    "main",
    "partition",
    "plan",
    "write_units",
]
