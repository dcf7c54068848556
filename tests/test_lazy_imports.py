"""What a cached ``gmspolicy table`` imports: the start-up target (issue 16) rests on the
table never building the records, views and libraries it does not show."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import gmspolicy

#: Modules a cached Markdown table of the bundled data must not import, and why.
NOT_NEEDED = {
    "hashlib": "the cache's keys use the interpreter's SHA-256 (gmspolicy._keyhash)",
    "pickle": "the snapshot is read by the C unpickler (_pickle)",
    "difflib": "only a misspelt name needs suggestions",
    "importlib.metadata": "the entry-point index answers",
    "yaml": "the snapshot answers",
    "gmspolicy.models.participation": "the table reads the latest cells as plain values",
    "gmspolicy.models.mous": "MOUs are read only when a query needs them",
    "gmspolicy.models.events": "events too",
    "gmspolicy.models.reviews": "reviews, recommendations and reporting rows too",
    "gmspolicy.query.views.dataset": "the other views are imported when first named",
    "gmspolicy.query.views.rows": "their rows too",
    "gmspolicy.query.reviews": "the reporting summaries too",
    "gmspolicy.loaders.contract": "a command that only exports never needs it",
    "gmspolicy._problems": "a cached snapshot has no problems to report",
}

_PROBE = """
import json, sys
from gmspolicy.cli import main
sys.argv = ["gmspolicy", "table"]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    cache = tmp_path_factory.mktemp("cache")
    env = {"GMSPOLICY_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    # a code file changed in the last two seconds makes the code signature hold its bytes,
    # and the next run, once it is older, another signature (gmspolicy.dataset.snapshot):
    # wait until the package has settled, so that both runs share one snapshot
    newest = max(p.stat().st_mtime for p in Path(gmspolicy.__file__).parent.rglob("*.py"))
    time.sleep(max(0.0, newest + 2.5 - time.time()))
    probe = [sys.executable, "-c", _PROBE]
    for _ in range(2):  # the first run stores the snapshot, digest memo and entry-point index
        done = subprocess.run(probe, capture_output=True, text=True, env=env, cwd=cache)
    report = json.loads(done.stderr)
    assert report["code"] in (0, None)
    assert "| Instrument |" in done.stdout
    return set(report["modules"])


@pytest.mark.parametrize("module", sorted(NOT_NEEDED))
def test_a_cached_table_does_not_import(imported: set[str], module: str) -> None:
    assert module not in imported, NOT_NEEDED[module]


def test_the_probe_sees_what_the_table_needs(imported: set[str]) -> None:
    # the list above is only meaningful if the probe ran the table from the snapshot
    assert {"gmspolicy.dataset.snapshot", "gmspolicy.query.views.table", "_pickle"} <= imported
