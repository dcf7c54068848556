"""Atomic writes: a writer killed with SIGKILL midway leaves the previous file intact,
and the next run removes the temp file the killed one left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy._output import remove_stale_temp_files, write_atomic

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

OLD = b'{"previous": "export"}\n'
GMSPOLICY = str(Path(sys.executable).with_name("gmspolicy"))

SLOW_EXPORTER = """\
import os, pathlib, time

class Slow:
    name = "slow"
    description = "signals, then sleeps in the middle of rendering"
    binary = False
    views = frozenset({"dataset"})

    def render(self, view):
        pathlib.Path(os.environ["MARKER"]).write_text("rendering")
        time.sleep(600)
        return "never returned"

EXPORTERS = [Slow]
"""

# Runs the real CLI, but stops for good right after the temp file is written and synced,
# before the rename: the window a SIGKILL can hit.
PAUSE_BEFORE_RENAME = """\
import os, pathlib, sys, time
real_fsync = os.fsync

def fsync(fd):
    real_fsync(fd)
    pathlib.Path(os.environ["MARKER"]).write_text("temp file written")
    time.sleep(600)

os.fsync = fsync
from gmspolicy.cli import main
sys.exit(main(sys.argv[1:]))
"""


def wait_for(marker: Path, proc: subprocess.Popen[bytes]) -> None:
    """Wait until the child wrote ``marker`` (fail if it exits first)."""
    deadline = time.monotonic() + 120  # a guard against a hang, not an assertion on time
    while not marker.exists():
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"exited early ({proc.returncode}): {err.decode()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the child never reached the point to kill it at")
        time.sleep(0.02)


def kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_kill_during_render_leaves_previous_output_and_no_temp_file(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    data = make_dataset()
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "slow.py").write_text(SLOW_EXPORTER)
    out = tmp_path / "out.json"
    out.write_bytes(OLD)
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [
            GMSPOLICY,
            "--data",
            str(data),
            "--plugins-dir",
            str(plugins),
            "export",
            "--format",
            "slow",
            "-o",
            str(out),
        ],
        env={**os.environ, "MARKER": str(marker)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(marker, proc)
    kill(proc)
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "marker", "out.json", "plugins"]


def test_kill_between_temp_write_and_rename_then_next_run_cleans_up(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    data = make_dataset()
    out = tmp_path / "out.json"
    out.write_bytes(OLD)
    marker = tmp_path / "marker"
    script = tmp_path / "pause.py"
    script.write_text(PAUSE_BEFORE_RENAME)
    proc = subprocess.Popen(
        [
            sys.executable,
            str(script),
            "--data",
            str(data),
            "export",
            "--format",
            "json",
            "-o",
            str(out),
        ],
        env={**os.environ, "MARKER": str(marker)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(marker, proc)
    kill(proc)
    assert out.read_bytes() == OLD
    left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1
    assert left[0].startswith(f".out.json.gmspolicy-{proc.pid}-")
    # the temp file is complete: the kill came after the write, before the rename
    assert json.loads((tmp_path / left[0]).read_text())["kind"] == "dataset"

    # the next run writes the new export and removes what the killed run left
    done = subprocess.run(
        [GMSPOLICY, "--data", str(data), "export", "--format", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert json.loads(out.read_text())["kind"] == "dataset"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "marker", "out.json", "pause.py"]


def test_stale_cleanup_spares_live_writers_and_other_files(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.json.gmspolicy-{dead.pid}-abc123.tmp"
    live = tmp_path / f".out.json.gmspolicy-{os.getppid()}-def456.tmp"  # pytest's parent
    other = tmp_path / f".other.json.gmspolicy-{dead.pid}-abc123.tmp"
    mine = tmp_path / ".out.json.abc.tmp"  # not named by gmspolicy
    for p in (stale, live, other, mine):
        p.write_text("x")
    assert remove_stale_temp_files(target) == [stale]
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, other.name, mine.name, "out.json"]
    )


def test_write_atomic_refuses_a_device_and_bad_text(tmp_path: Path) -> None:
    from gmspolicy.errors import ExportError

    if Path("/dev/null").exists():
        with pytest.raises(ExportError) as err:
            write_atomic(Path("/dev/null"), "x")
        assert str(err.value) == (
            "/dev/null: not a regular file (leave out -o to write to standard output)"
        )
    with pytest.raises(ExportError) as err:
        write_atomic(tmp_path / "out.txt", "lone \ud800 surrogate")
    assert str(err.value) == (
        f"{tmp_path / 'out.txt'}: cannot write: the output is not valid Unicode text "
        "(surrogates not allowed at position 5)"
    )
    assert list(tmp_path.iterdir()) == []
