"""The console-script entry point: answers ``gmspolicy --version`` before importing the
CLI (click alone costs several times a bare interpreter start-up), then hands over."""

from __future__ import annotations

import sys


def main() -> int:
    """Run ``gmspolicy``; return its exit code."""
    if sys.argv[1:] == ["--version"]:
        from gmspolicy._version import __version__

        sys.stdout.write(f"gmspolicy {__version__}\n")
        return 0
    from gmspolicy._gc import whole_process

    with whole_process():
        from gmspolicy.cli import main as cli_main

        return cli_main()
