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


@contextlib.contextmanager
def whole_process() -> Iterator[None]:
    """Around a whole command-line process (the console script, ``python -m gmspolicy``;
    never code that runs inside another program, such as the tests): no cyclic garbage
    collection while the command runs, and none over every object at exit.

    A command makes its objects, prints, and ends: what it drops is freed by reference
    counting, and the few cycles it leaves (modules, classes) live until the end anyway,
    so the collector's passes only rescan what is still in use. At exit, Python's
    finalization runs full collections over everything still alive (for the cached
    ``table`` of the bundled data, about a tenth of the run); :func:`gc.freeze` moves
    those objects out of the collector's sight, so finalization frees what reference
    counting frees and skips the scans. Standard streams are still flushed and closed by
    the interpreter, and every file gmspolicy writes is closed (and renamed into place)
    before the command returns; Python never promised ``__del__`` at exit for objects
    still alive, which is all the frozen ones could lose.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
