"""A whole command-line process (console script, ``python -m gmspolicy``) runs without
cyclic garbage collection and skips the collections at exit: its outputs, written to a
file or to stdout, are still every byte of the pinned ones."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]

HERE = Path(__file__).resolve().parent
GOLDEN_DATA = HERE / "golden" / "data"
PINNED: dict[str, str] = json.loads((HERE / "golden" / "outputs.json").read_text("utf-8"))

#: Pinned outputs (tests/golden/outputs.py), text and binary, with their arguments.
CASES = {
    "table.markdown": ["table", "--format", "markdown"],
    "table-all.html": ["table", "--all-countries", "--format", "html"],
    "export.json": ["export", "--format", "json"],
    "export.sqlite": ["export", "--format", "sqlite"],
    "events.ics": ["events", "--format", "ics"],
}

LAUNCHERS = {
    "console script": [
        sys.executable,
        "-c",
        "import sys; from gmspolicy._launch import main; "
        "sys.argv[0] = 'gmspolicy'; sys.exit(main())",
    ],
    "python -m": [sys.executable, "-m", "gmspolicy"],
}


def digest(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha256(data).hexdigest()}"


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_whole_process_writes_every_byte(name: str, launcher: str, tmp_path: Path) -> None:
    env = {**os.environ, "GMSPOLICY_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "100"}
    env.pop("GMSPOLICY_CACHE", None)
    args = [*LAUNCHERS[launcher], "--data", str(GOLDEN_DATA), *CASES[name]]
    for run in ("stores a snapshot", "reads it back"):
        out = tmp_path / f"{run}.out"
        done = subprocess.run([*args, "-o", str(out)], capture_output=True, env=env, check=False)
        assert (done.returncode, done.stderr) == (0, b""), run
        assert digest(out.read_bytes()) == PINNED[name], run
        if name != "export.sqlite":  # binary: refused on a terminal only, fine on a pipe
            done = subprocess.run(args, capture_output=True, env=env, check=False)
            assert (done.returncode, done.stderr) == (0, b""), run
            assert digest(done.stdout) == PINNED[name], run


def test_whole_process_pauses_the_collector_and_freezes_what_is_left() -> None:
    code = (
        "import gc\n"
        "from gmspolicy._gc import whole_process\n"
        "with whole_process():\n"
        "    during = gc.isenabled()\n"
        "    junk = [[] for _ in range(1000)]\n"
        "print(during, gc.get_freeze_count() >= 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "False True\n"


def test_whole_process_freezes_even_when_the_command_fails() -> None:
    code = (
        "import gc\n"
        "from gmspolicy._gc import whole_process\n"
        "try:\n"
        "    with whole_process():\n"
        "        raise KeyError('x')\n"
        "except KeyError:\n"
        "    print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "False True\n"


def test_main_itself_leaves_the_collector_alone(cli: Run) -> None:
    # main() is what programs (and these tests) call in-process: no pause, no freeze
    frozen = gc.get_freeze_count()
    assert cli("--data", str(GOLDEN_DATA), "table", "--format", "csv")[0] == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
