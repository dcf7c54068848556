"""The CLI: exit codes, one line per error, the main job on bundled and given data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from gmspolicy import __version__

Run = Callable[..., tuple[int, str, str]]


def test_version(cli: Run) -> None:
    assert cli("--version") == (0, f"gmspolicy {__version__}\n", "")


def test_table_on_given_data(cli: Run, make_dataset: Callable[..., Path]) -> None:
    code, out, err = cli("--data", str(make_dataset()), "table")
    assert (code, err) == (0, "")
    assert "| Conv | no action (as of 2020-01-01)[^1] | ratified 2005-05-05[^2][^1] |" in out
    assert "| Prot | unknown | unknown |" in out


def test_table_as_of(cli: Run, make_dataset: Callable[..., Path]) -> None:
    code, out, _ = cli(
        "--data", str(make_dataset()), "table", "--as-of", "2003-01-01", "-i", "CONV", "-c", "THA"
    )
    assert code == 0
    assert "| Conv | signed 2001-01-01, last confirmed 2001-01-01[^1] |" in out


def test_data_errors_exit_1_one_line_each(cli: Run, make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv="country,instrument,action,date,source,note\n"
        "THA,NOPE,ratification,2005-05-05,s1,\n"
    )
    code, out, err = cli("--data", str(root), "validate")
    assert code == 1
    assert out == ""
    assert root.name == "data"
    assert err == "data/participations.csv:2: unknown instrument 'NOPE'\n"


def test_usage_errors_exit_2(cli: Run, make_dataset: Callable[..., Path]) -> None:
    root = str(make_dataset())
    assert cli("--data", root, "table", "--as-of", "2014-02-30") == (
        2,
        "",
        "error: Invalid value for '--as-of': impossible date '2014-02-30'\n",
    )
    assert cli("--data", root, "table", "-c", "XXX") == (2, "", "error: unknown country 'XXX'\n")
    assert cli("--data", root, "table", "--format", "nope")[0] == 2
    assert cli("nosuchcommand")[0] == 2


def test_validate_ok(cli: Run, make_dataset: Callable[..., Path]) -> None:
    code, out, _ = cli("validate", str(make_dataset()))
    assert code == 0
    assert out == (
        "ok: 2 countries, 2 instruments, 2 participations (2 actions), 0 MOUs, "
        "0 events, 0 observations, 2 sources\n"
    )


def test_installed_console_script_runs_on_bundled_data() -> None:
    script = Path(sys.executable).with_name("gmspolicy")
    proc = subprocess.run([str(script), "table"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Ratification of UN, ILO and ASEAN instruments")
    proc = subprocess.run(
        [sys.executable, "-m", "gmspolicy", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout == f"gmspolicy {__version__}\n"


def test_table_shows_year_precision(cli: Run, make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv="country,instrument,action,date,source,note\n"
        "THA,CONV,accession,1999,s1,year only\n"
    )
    code, out, _ = cli("--data", str(root), "table", "-i", "CONV", "-c", "THA")
    assert code == 0
    assert "| Conv | acceded 1999[^1] |" in out
    code, out, _ = cli(
        "--data", str(root), "table", "-i", "CONV", "-c", "THA", "--as-of", "1999-06-01"
    )
    assert "| Conv | unknown[^1] |" in out
