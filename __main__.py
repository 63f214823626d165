"""``python -m spikestudio``: the same command line as the ``spikestudio`` script."""

from .cli import main

raise SystemExit(main())
