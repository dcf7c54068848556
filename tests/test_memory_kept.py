"""Memory a command keeps: what a step leaves behind once its result is dropped (issue
16). A command runs without the cyclic garbage collector (gmspolicy._gc.whole_process),
so anything left in a reference cycle is never freed."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator

import pytest

from gmspolicy.dataset._yaml import load_yaml


@pytest.fixture
def no_cyclic_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def test_parsing_yaml_leaves_nothing_behind(no_cyclic_gc: None) -> None:
    text = "".join(
        f"- id: ev-{n}\n  title: Event {n}\n  start: 2001-01-{n % 28 + 1:02d}\n"
        f"  tags: [a, b, c]\n  sources: [s{n}]\n"
        for n in range(3000)
    )
    load_yaml(text, "warm-up.yaml")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        doc = load_yaml(text, "events.yaml")
        assert len(doc) == 3000
        held = tracemalloc.get_traced_memory()[0] - before
        del doc
        left = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # the parser's own bookkeeping (a set of every node seen, the nodes) was kept in a
    # cycle: about half as much again as the document itself
    assert left < held / 20, (left, held)
