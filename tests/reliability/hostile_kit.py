"""Measuring work on hostile input without timed assertions (issue 14).

:func:`measure` runs a function on a harmless input and on a hostile input *of the same
size* in a fresh Python process, and returns the CPU time and peak allocation of each.
The test asserts that the process finished within a generous timeout
(:data:`TIMEOUT`): the inputs are sized so that a super-linear case (quadratic
backtracking, a quadratic parser) would need hours to days, orders of magnitude past
it, while a linear one needs well under a second; a machine slower by 100x still passes.
Memory is asserted as a ratio to the harmless input's peak allocation, or to the input's
size when that is larger (allocation is deterministic); the time ratio is only
recorded, for ``docs/reliability.md`` (``figures.py`` sets ``GMSPOLICY_RELIABILITY_MEASURE``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

#: Seconds a measured process may take (both inputs, timed and traced).
TIMEOUT = 120.0

_RUNNER = r"""
import gc, json, sys, time, tracemalloc
spec = json.loads(sys.stdin.read())
ns = {}
exec(spec["setup"], ns)
run = ns["run"]
out = {}
for label in ("harmless", "hostile"):
    arg = eval(spec[label], ns)
    run(arg)  # warm up (imports, caches)
    gc.collect()
    t = time.process_time()
    run(arg)
    seconds = time.process_time() - t
    tracemalloc.start()
    run(arg)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out[label] = {"seconds": seconds, "peak": peak, "size": len(arg)}
print(json.dumps(out))
"""


def measure(setup: str, harmless: str, hostile: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Run ``run(arg)`` (defined by ``setup``) on the inputs the expressions ``harmless``
    and ``hostile`` build, in a subprocess; fail if it does not finish in ``timeout``.

    Returns ``{"harmless": {...}, "hostile": {...}, "time_ratio", "memory_ratio"}``.
    """
    spec = json.dumps({"setup": setup, "harmless": harmless, "hostile": hostile})
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _RUNNER],
            input=spec,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"hostile input not done in {timeout:.0f} s: super-linear work\n{hostile}"
        ) from None
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, Any] = json.loads(proc.stdout)
    assert out["harmless"]["size"] == out["hostile"]["size"], "inputs must be the same size"
    base_t = max(out["harmless"]["seconds"], 1e-4)
    out["time_ratio"] = out["hostile"]["seconds"] / base_t
    # a harmless input may allocate next to nothing (a function that returns its input):
    # the input's own size is the floor, so the ratio says "how many copies of the input"
    floor = max(out["harmless"]["peak"], out["harmless"]["size"])
    out["memory_ratio"] = out["hostile"]["peak"] / floor
    return out


def record(kind: str, case: str, result: dict[str, Any]) -> None:
    """Note a measurement for ``docs/reliability.md`` (only when figures.py asks)."""
    target = os.environ.get("GMSPOLICY_RELIABILITY_MEASURE")
    if not target:
        return
    line = {
        "class": kind,
        "case": case,
        "size": result["hostile"]["size"],
        "time_ratio": round(result["time_ratio"], 2),
        "memory_ratio": round(result["memory_ratio"], 2),
    }
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
