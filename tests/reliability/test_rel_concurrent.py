"""Issue 14.8: concurrent writers, with real processes.

- Two ``gmspolicy fetch`` runs into one dataset directory, each valid alone but not
  together (two different signature dates for one pair, through two loaders that write
  two different files). A server on 127.0.0.1 answers neither until both have asked, so
  both have read the dataset before either writes: without the lock both would succeed
  and leave a dataset that no longer validates. With it, exactly one succeeds, the other
  re-reads the dataset under the lock, finds the conflict and changes nothing.
- Two exports to the same ``-o`` file, five times over: the file is always one complete
  output, never a mix, and no temporary file is left.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from reliability_kit import Run, no_traceback, snapshot

GMSPOLICY = Path(sys.executable).with_name("gmspolicy")

SHEET = b"Country,Instrument,Date,Action\nLaos,CONV,2021-03-01,signed\n"
STATUS = b"Participant,Signature,Ratification\nLao People's Democratic Republic,1 Apr 2021,\n"


class _Both(BaseHTTPRequestHandler):
    barrier: threading.Barrier

    def do_GET(self) -> None:
        self.barrier.wait()  # answer nobody until both fetches have asked
        body = SHEET if self.path.endswith("sheet.csv") else STATUS
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    handler = type("Handler", (_Both,), {"barrier": threading.Barrier(2, timeout=60)})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(GMSPOLICY), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_fetches_into_one_dataset_leave_it_valid(
    make_dataset: Callable[..., Path], tmp_path: Path, server: str
) -> None:
    make_dataset()
    csv_run = start(
        tmp_path,
        "fetch",
        "csv",
        f"{server}/sheet.csv",
        "--into",
        "data",
        "--opt",
        "source_url=https://example.org/sheet",
        "--opt",
        "source_title=Sheet",
    )
    untc_run = start(
        tmp_path,
        "fetch",
        "untc",
        f"{server}/status.csv",
        "--into",
        "data",
        "--opt",
        "instrument=CONV",
    )
    results = {}
    for name, proc in (("csv", csv_run), ("untc", untc_run)):
        out, err = proc.communicate(timeout=120)
        results[name] = (proc.returncode, out, err)
        no_traceback(err)
    codes = sorted(code for code, _, _ in results.values())
    assert codes == [0, 1], results
    winner = next(n for n, r in results.items() if r[0] == 0)
    loser = "untc" if winner == "csv" else "csv"
    assert "1 new facts" in results[winner][1]
    assert "the dataset has signature on 2021-0" in results[loser][2], results[loser]
    # what is on disk validates, and holds the winner's fact only
    check = subprocess.run(
        [str(GMSPOLICY), "--no-cache", "--data", "data", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    files = sorted(p.name for p in (tmp_path / "data" / "participations").iterdir())
    assert files == [f"fetched-{winner}.csv"]


def test_a_fetch_waits_for_the_lock_and_times_out_clearly(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock held by another process (a real one) makes a fetch wait, then give up with
    one line; nothing is written."""
    from gmspolicy.loaders import merge

    root = make_dataset()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock\n"
            f"lock = FileLock({str(root / merge.LOCK_NAME)!r}); lock.acquire()\n"
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setattr(merge, "LOCK_TIMEOUT", 0.5)
        sheet = tmp_path / "s.csv"
        sheet.write_text("Country,Instrument,Date,Action\nLaos,CONV,2021-03-01,signed\n")
        before = snapshot(root)
        code, out, err = cli(
            "fetch",
            "csv",
            str(sheet),
            "--into",
            "data",
            "--opt",
            "source_url=https://example.org/sheet",
        )
        assert (code, out) == (2, "")
        assert err == (
            "error: data: another gmspolicy fetch has been writing this dataset for over 0.5 s "
            "(lock .gmspolicy.lock); try again when it is done\n"
        )
        assert snapshot(root) == before
    finally:
        holder.kill()
        holder.wait()


def test_two_exports_to_one_file_leave_one_complete_file(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    make_dataset()
    commands = {
        "json": ("--data", "data", "export", "--format", "json"),
        "html": ("--data", "data", "table", "--format", "html"),
    }
    complete = {
        name: subprocess.run(
            [str(GMSPOLICY), *args], cwd=tmp_path, capture_output=True, check=True
        ).stdout
        for name, args in commands.items()
    }
    target = tmp_path / "out.txt"
    for _ in range(5):
        procs = [start(tmp_path, *args, "-o", "out.txt") for args in commands.values()]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        assert target.read_bytes() in complete.values()
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.txt")) == []
