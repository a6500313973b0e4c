"""``python -m deepdiff`` runs the command line."""

from deepdiff.cli import main

raise SystemExit(main())
