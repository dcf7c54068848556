"""Pausing the cyclic garbage collector around work that makes many small objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored on exit, whatever happens).

    Loading and exporting a large dataset make hundreds of thousands of small objects and
    no reference cycles; the collector would rescan them all again and again (at world
    scale, half the time of a load).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
