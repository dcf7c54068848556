"""Benchmarks at world scale, each against a baseline measured in the same run.

    python benchmarks/run.py [--repeat N] [--startup-runs N] [--output docs/performance.md]

(``nox -s bench`` runs it.) Generates the world dataset (``benchmarks/generate.py``) at
1/4, 1/2 and full size in a temporary directory, measures each operation and its
baseline several times, and writes the medians, ratios and targets to
``docs/performance.md`` together with the command and the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import http.server
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

CLOADER = hasattr(yaml, "CSafeLoader")
_FloorLoader: Any = yaml.CSafeLoader if CLOADER else yaml.SafeLoader
PAGES = 200


# -- measuring -------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_process(cmd: Sequence[str]) -> float:
    """Run a whole process; return its wall time in seconds. Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.run(
        list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]!r}")
    return wall


def timed_process(cmd: Sequence[str], repeat: int) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs (after one warm-up run)."""
    run_process(cmd)
    return statistics.median(run_process(cmd) for _ in range(repeat))


# A child's ru_maxrss counts the RSS of the process it was forked from (Linux keeps the
# high-water mark across exec), so a big benchmark process would report its own size:
# a small Python process starts the command and reports the command's peak RSS.
_PEAK = """\
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_rss(cmd: Sequence[str]) -> float:
    """Peak resident memory of ``cmd`` (a whole process), in MB."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    if out[1] != "0":
        raise SystemExit(f"{shlex.join(cmd)} failed ({out[1]})")
    return int(out[0]) / 1024  # Linux: kilobytes


def parse_floor(root: Path) -> int:
    """The floor for loading: parse every dataset file with yaml/csv alone."""
    n = 0
    for path in sorted(root.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_FloorLoader)
        n += len(data or ())
    for path in sorted(root.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            n += sum(1 for _ in csv.reader(fh))
    return n


# -- the local HTTP server ---------------------------------------------------------------


class _PageHandler(http.server.BaseHTTPRequestHandler):
    """Serves UNTC-style status pages at ``/treaty/N``; counts the requests it gets."""

    count = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        with _PageHandler.lock:
            _PageHandler.count += 1
        n = self.path.rsplit("/", 1)[-1]
        rows = "".join(
            f"<tr><td>Country {k}</td><td>{1 + k % 28} Jun {1960 + k % 60}</td>"
            f"<td>{1 + k % 27} Jan {1970 + k % 50} a</td></tr>"
            for k in range(150)
        )
        body = (
            f"<html><head><title>IV-{n}</title></head><body><h1>Status of treaty IV-{n}</h1>"
            "<p>Status as at: 30-06-2025 09:00:00 EDT</p><table><tr><th>Participant</th>"
            "<th>Signature, Succession to signature(d)</th>"
            f"<th>Ratification, Accession(a), Succession(d)</th></tr>{rows}</table>"
            "</body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def page_server() -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 (an ephemeral port); yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def fetch_pages(base: str, cache_dir: Path) -> tuple[float, int, int]:
    """Fetch PAGES pages through a new Fetcher; (seconds, requests the server got, bytes)."""
    from gmspolicy.loaders.http import Fetcher

    before = _PageHandler.count
    fetcher = Fetcher(cache_dir=cache_dir, retries=0)
    size = 0
    start = time.perf_counter()
    try:
        for k in range(PAGES):
            size += len(fetcher.get(f"{base}/treaty/{k}").body)
    finally:
        fetcher.close()
    return time.perf_counter() - start, _PageHandler.count - before, size


# -- the report ------------------------------------------------------------------------


class Row:
    """One line of the results table."""

    def __init__(
        self,
        what: str,
        ours: float,
        baseline_name: str,
        baseline: float | None,
        target: float | None,
        unit: str = "s",
    ) -> None:
        self.what = what
        self.ours = ours
        self.baseline_name = baseline_name
        self.baseline = baseline
        self.target = target
        self.unit = unit

    @property
    def ratio(self) -> float | None:
        """ours / baseline."""
        return self.ours / self.baseline if self.baseline else None

    @property
    def value(self) -> float:
        """What the target is checked against: the ratio, or the absolute value."""
        ratio = self.ratio
        return ratio if ratio is not None else self.ours

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None: no target)."""
        return None if self.target is None else self.value <= self.target

    def cells(self) -> list[str]:
        """The table cells."""

        def fmt(v: float) -> str:
            return f"{v:.3f} s" if self.unit == "s" else f"{v:.0f} {self.unit}"

        ratio = self.ratio
        target = (
            ""
            if self.target is None
            else (
                f"<= {self.target:g}x" if ratio is not None else f"<= {self.target:g} {self.unit}"
            )
        )
        verdict = {
            None: "",
            True: "met",
            False: f"missed ({self.value / self.target:.1f}x over)" if self.target else "missed",
        }[self.met]
        return [
            self.what,
            fmt(self.ours),
            f"{self.baseline_name}: {fmt(self.baseline)}"
            if self.baseline is not None
            else self.baseline_name,
            f"{ratio:.2f}x" if ratio is not None else "",
            target,
            verdict,
        ]


def table(rows: list[Row]) -> list[str]:
    """A Markdown table of ``rows``."""
    header = ["Measurement", "gmspolicy", "Baseline", "Ratio", "Target", "Result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |" for r in rows]
    return lines


def machine() -> list[str]:
    """Lines describing the machine."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import pandas

    floor_loader = (
        "the C loader (yaml.CSafeLoader, libyaml)"
        if CLOADER
        else "the pure-Python yaml.SafeLoader (no libyaml)"
    )
    return [
        f"- CPUs: {os.cpu_count()} ({cpu})",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"- PyYAML {yaml.__version__}, parse floor uses {floor_loader}; "
        f"pandas {pandas.__version__}",
    ]


# -- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument(
        "--startup-runs", type=int, default=20, help="runs per start-up measurement"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "benchmarks/run.py", *given])

    import gmspolicy
    from gmspolicy.exporters.json_export import JsonExporter, document
    from gmspolicy.plugins import exporters
    from gmspolicy.query.views import DatasetView

    bindir = Path(sys.executable).parent
    gms = (
        str(bindir / "gmspolicy") if (bindir / "gmspolicy").exists() else shutil.which("gmspolicy")
    )
    if gms is None:
        raise SystemExit("the gmspolicy command is not installed in this environment")
    py = sys.executable
    have_html = "html" in exporters().names()
    formats = ["html", "markdown"] if have_html else ["markdown"]
    growth_format = formats[0]
    rows: list[Row] = []
    notes: list[str] = []
    growth: dict[str, dict[str, float]] = {"load + validate": {}, f"{growth_format} matrix": {}}
    rep = args.repeat

    with tempfile.TemporaryDirectory(prefix="gmspolicy-bench-") as tmp:
        work = Path(tmp)
        worlds = {}
        for label, scale in (("1/4", Fraction(1, 4)), ("1/2", Fraction(1, 2)), ("1", Fraction(1))):
            worlds[label] = work / f"world-{scale.numerator}-{scale.denominator}"
            generate(worlds[label], scale)
            print(f"generated world at scale {label}", file=sys.stderr)
        world = worlds["1"]

        # load + validate vs the parse floor (and growth)
        for label, path in worlds.items():
            t = timed(functools.partial(gmspolicy.load_dataset, path), rep)
            growth["load + validate"][label] = t
        floor = timed(lambda: parse_floor(world), rep)
        rows.append(
            Row(
                "Load + validate the world dataset (in process)",
                growth["load + validate"]["1"],
                "csv + yaml parse only",
                floor,
                5,
            )
        )
        print("load done", file=sys.stderr)

        # JSON export vs json.dumps of the same plain data
        pset = gmspolicy.load_dataset(world)
        view = DatasetView(pset, "en")
        exporter = JsonExporter()
        plain = document(view)
        t_json = timed(lambda: exporter.render(view), rep)
        t_dumps = timed(
            lambda: json.dumps(plain, ensure_ascii=False, sort_keys=True, indent=2), rep
        )
        rows.append(
            Row(
                "JSON export of the world dataset (in process)",
                t_json,
                "json.dumps of the same dicts",
                t_dumps,
                2,
            )
        )
        print("json done", file=sys.stderr)

        # matrices, whole process, vs pandas (and growth, and peak RSS): cold (the files
        # read and validated: --no-cache) and warm (a snapshot of the same files cached)
        os.environ["GMSPOLICY_CACHE_DIR"] = str(work / "snapshots")
        rss: dict[str, float] = {}
        for fmt in formats:
            out = work / f"matrix.{fmt}"
            t_cold = t_warm = 0.0
            for label, path in worlds.items():
                if fmt != growth_format and label != "1":
                    continue
                args_ = ["--data", str(path), "table", "--all-countries", "--format", fmt]
                cold = [gms, "--no-cache", *args_, "-o", str(out)]
                t = timed_process(cold, rep)
                if fmt == growth_format:
                    growth[f"{growth_format} matrix"][label] = t
                if label == "1":
                    rss[fmt] = peak_rss(cold)
                    t_cold = t
                    t_warm = timed_process([gms, *args_, "-o", str(out)], rep)
            pandas_cmd = [py, str(HERE / "pandas_matrix.py"), str(world), "--format", fmt]
            pandas_cmd += ["-o", str(out)]
            t_pd = timed_process(pandas_cmd, rep)
            rss[f"pandas {fmt}"] = peak_rss(pandas_cmd)
            name = "HTML" if fmt == "html" else "Markdown"
            baseline = "pandas read_csv + pivot + " + (
                "to_html" if fmt == "html" else "to_markdown"
            )
            target = 0.5 if fmt == "html" else None
            rows.append(
                Row(
                    f"{name} matrix, 197 x 400, whole process, cold", t_cold, baseline, t_pd, target
                )
            )
            rows.append(
                Row(
                    f"{name} matrix, 197 x 400, whole process, cached snapshot",
                    t_warm,
                    baseline,
                    t_pd,
                    target,
                )
            )
        if not have_html:
            notes.append(
                "The HTML exporter is not installed yet (no `html` format registered): "
                "the HTML rows are missing and growth is measured on the Markdown matrix."
            )
        print("matrix done", file=sys.stderr)

        # start-up
        t_bare = timed_process([py, "-c", "pass"], args.startup_runs)
        rss_bare = peak_rss([py, "-c", "pass"])
        t_version = timed_process([gms, "--version"], args.startup_runs)
        t_table_cold = timed_process([gms, "--no-cache", "table"], args.startup_runs)
        t_table = timed_process([gms, "table"], args.startup_runs)
        rows.append(Row("`gmspolicy --version`", t_version, "`python -c pass`", t_bare, 4))
        rows.append(
            Row(
                "`gmspolicy table` (bundled data), cold",
                t_table_cold,
                "`python -c pass`",
                t_bare,
                8,
            )
        )
        rows.append(
            Row(
                "`gmspolicy table` (bundled data), cached snapshot",
                t_table,
                "`python -c pass`",
                t_bare,
                8,
            )
        )
        print("startup done", file=sys.stderr)

        # peak memory
        for fmt in formats:
            rows.append(
                Row(
                    f"Peak RSS, load + {fmt} matrix of the world",
                    rss[fmt],
                    f"pandas pipeline {rss[f'pandas {fmt}']:.0f} MB; "
                    f"`python -c pass` {rss_bare:.0f} MB",
                    None,
                    250,
                    unit="MB",
                )
            )

        # remote fetching through the persistent cache
        cache = work / "http-cache"
        with page_server() as base:
            cold, cold_requests, size = fetch_pages(base, cache)
            warm, warm_requests, _ = fetch_pages(base, cache)
        rows.append(
            Row(
                f"Fetch {PAGES} pages from a local server, warm cache",
                warm,
                f"cold: {cold_requests} requests, {size / PAGES / 1024:.0f} KiB/page",
                cold,
                None,
            )
        )
        rows.append(
            Row(
                "Requests the server got on the warm run",
                warm_requests,
                "",
                None,
                0,
                unit="requests",
            )
        )
        notes.append(
            "Peak RSS is the peak resident memory of the whole `gmspolicy table` process "
            "(`ru_maxrss` from `os.wait4`, read by a small intermediate Python process so "
            "that the benchmark's own size does not count)."
        )
        notes.append(
            "Fetching uses `gmspolicy.loaders.http.Fetcher` directly (with its persistent cache), "
            "the client every loader plugin uses, so that the figure is the client's own."
        )
        print("fetch done", file=sys.stderr)

    lines = [
        "# Performance",
        "",
        "Generated by `benchmarks/run.py` (`nox -s bench`); do not edit by hand.",
        "Every figure is the median of several runs; every ratio is against a baseline",
        "measured in the same run on the same machine. The world dataset comes from",
        "`benchmarks/generate.py` (seeded): 197 countries, 400 instruments, 60,000",
        "participations with 1-3 actions each, 500 MOUs, 2,000 events.",
        "",
        f"Command: `{command}` ({rep} runs per measurement, {args.startup_runs} per start-up "
        "measurement; whole-process figures include Python start-up and imports).",
        "",
        "Machine:",
        "",
        *machine(),
        "",
        "## Results",
        "",
        *table(rows),
        "",
        "## Growth",
        "",
        "Time at 1/4, 1/2 and full world size (countries and all per-country records scale;",
        "the 400 instruments stay). Linear growth gives full/half near 2; quadratic near 4.",
        "",
        "| Operation | 1/4 | 1/2 | 1 | full / half |",
        "|---|---|---|---|---|",
    ]
    for what, times in growth.items():
        lines.append(
            f"| {what} | {times['1/4']:.3f} s | {times['1/2']:.3f} s | {times['1']:.3f} s "
            f"| {times['1'] / times['1/2']:.2f} |"
        )
    missed = [r for r in rows if r.met is False]
    lines += ["", "## Targets missed", ""]
    if not missed:
        lines.append("None.")
    for r in missed:
        over = f"{r.value / r.target:.1f}x over" if r.target else "should be 0"
        lines.append(
            f"- **{r.what}**: {r.value:.2f} against a target of {r.target:g} "
            f"({over}). {WHY.get(r.what, WHY.get(r.what.split(',')[0], ''))}".rstrip()
        )
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    from gmspolicy._output import write_atomic

    write_atomic(args.output, text)
    print(text)
    return 0


#: Why a target is missed, where we know (keyed by the start of the measurement's name).
#: Figures in these notes come from profiling (cProfile, -X importtime) on the machine
#: above when the notes were written; the table is what this run measured.
WHY = {
    "HTML matrix, 197 x 400, whole process, cold": (
        "The pandas pipeline parses only the participations CSV (in C) and pivots it. "
        "gmspolicy reads and validates every file of the dataset first (the load row above), "
        "derives 78,800 statuses, then writes each cell with its CSS class, sort key, "
        "footnote numbers and observation link, plus the legend and the numbered sources "
        "(the page is about 4.4 times the size of pandas' `to_html`). Table bodies are "
        "rendered by one Python function, not a template macro per cell (that took the "
        "cold run from 4.8 s to about 3 s). Reaching 0.5x would need a load without "
        "validation, which the tool deliberately does not offer."
    ),
    "HTML matrix, 197 x 400, whole process, cached snapshot": (
        "With the files unchanged, the validated set is read from its snapshot (about "
        "0.4 s to unpickle at world size) instead of being parsed and validated. What "
        "remains is deriving the matrix (about 0.2 s) and writing 78,800 cells with their "
        "sources and links (about 0.7 s), plus imports."
    ),
    "`gmspolicy --version`": (
        "The console script (`gmspolicy._launch`) answers `--version` before importing "
        "click; what is left is the interpreter and `gmspolicy._version`."
    ),
    "`gmspolicy table` (bundled data), cold": (
        "Exporters are imported only when asked for. What remains (cProfile, -X "
        "importtime): importing click, attrs, cattrs and PyYAML, attrs and cattrs "
        "generating and compiling the model classes' methods and structuring functions "
        "(about 50 ms of `compile`), and reading and validating the bundled dataset's YAML "
        "and CSV (about 100 ms). The cached snapshot (next row) skips the last two."
    ),
    "`gmspolicy table` (bundled data), cached snapshot": (
        "PyYAML and cattrs are not imported at all on this path. What remains is Python "
        "start-up, click (about 14 ms), attrs and the model classes (about 20 ms), the "
        "plugin registry's scan of installed entry points through importlib.metadata "
        "(about 18 ms: it is how a third-party exporter with a clashing name is caught), "
        "hashing the dataset files and reading the snapshot."
    ),
    "JSON export of the world dataset (in process)": (
        "The document is built record by record with cattrs' unstructure hooks, and each "
        "participation's current status is derived."
    ),
    "Load + validate the world dataset (in process)": (
        "Each record is structured into attrs classes and checked (order of actions, dates "
        "against adoption and against when each source was seen)."
    ),
}


if __name__ == "__main__":
    sys.exit(main())
