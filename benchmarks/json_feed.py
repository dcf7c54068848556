"""The JSON feed against the C JSON encoder on the same document, in one process.

    python benchmarks/generate.py /tmp/world --scale 1
    python benchmarks/json_feed.py /tmp/world [--runs 7]

Loads the dataset once, then times, interleaved (A, B, A, B ...) so that a drifting
machine moves both alike, ``JsonExporter().render(DatasetView(...))`` (building the
document and writing it, indented, as the feed is written) and ``json.dumps(document)``
without indent (Python's C encoder) on the same document. Prints the CPU seconds of each
(min and median) and their ratio, and checks that the feed is byte for byte what
``json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2)`` writes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from gmspolicy.dataset import load_dataset
from gmspolicy.exporters.json_export import JsonExporter, document, dumps
from gmspolicy.query.views import DatasetView


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    view = DatasetView(load_dataset(args.data), "en")
    exporter = JsonExporter()
    doc = document(view)
    feed = exporter.render(view)
    if feed != dumps(doc):
        print("the feed differs from json.dumps of its document", file=sys.stderr)
        return 1
    feed_times: list[float] = []
    c_times: list[float] = []
    exporter.render(view)  # warm-up
    json.dumps(doc)
    for _ in range(args.runs):
        start = time.process_time()
        exporter.render(view)
        feed_times.append(time.process_time() - start)
        start = time.process_time()
        json.dumps(doc)
        c_times.append(time.process_time() - start)
    ratios = [a / b for a, b in zip(feed_times, c_times, strict=True)]
    print(f"{len(feed):,} bytes; {args.runs} runs each, interleaved; CPU seconds")
    for name, times in (("feed (render)", feed_times), ("json.dumps, no indent", c_times)):
        print(f"{name:22s} min {min(times):.3f}  median {statistics.median(times):.3f}")
    ratio = statistics.median(ratios)
    print(f"{'ratio (pair by pair)':22s} min {min(ratios):.2f}  median {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
