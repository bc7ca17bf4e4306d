"""`python -m ioc`: the command line (see `ioc.cli`)."""

from ioc.cli import main

raise SystemExit(main())
