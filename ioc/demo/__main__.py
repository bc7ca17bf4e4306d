"""`python -m ioc.demo`: the demo generator's command line (what `python -m ioc demo` runs, and each
seeding worker process)."""

from ioc.demo.seed import main

raise SystemExit(main())
