"""``python -m gmspolicy``."""

from gmspolicy.cli import run

run()
