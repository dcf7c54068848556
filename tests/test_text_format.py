"""`--format text`: the table laid out for a terminal of $COLUMNS, the default of
`gmspolicy table` when stdout is a terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable

import pytest

from gmspolicy.exporters.text import cells, printable, wrap

Run = Callable[..., tuple[int, str, str]]
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _table_lines(out: str) -> list[str]:
    """The grid lines: from the header to the blank line after the last row."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("----"))
    end = lines.index("", start)
    return lines[start - 1 : end]


@pytest.mark.parametrize("width", [40, 80, 120, 200])
@pytest.mark.parametrize("lang", ["en", "zh", "th", "my"])
def test_fits_the_terminal_and_never_breaks_a_date(
    cli: Run, monkeypatch: pytest.MonkeyPatch, width: int, lang: str
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = cli("table", "--format", "text", "--lang", lang)
    assert (code, err) == (0, "")
    grid = _table_lines(out)
    # Six date columns need at least 6 x 11 + 8 cells: narrower terminals overflow.
    limit = max(width, 8 + 6 * 11)
    assert all(cells(line) <= limit for line in grid), max(grid, key=cells)
    # Every date of the table appears whole on one line.
    assert set(DATE.findall("\n".join(grid))) >= {"1969-02-26", "2007-03-05"}
    for line in grid:
        for fragment in re.findall(r"\b\d{4}-\d{2}-\d?\b(?!-|\d)", line):
            assert DATE.fullmatch(fragment), f"a date is broken: {line!r}"


def test_footnotes_follow_the_table(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    _, out, _ = cli("table", "--format", "text", "-c", "THA", "-i", "ILO-C029")
    assert "ratified 1969-02-26 [1]" in " ".join(out.split())
    notes = [line for line in out.splitlines() if line.startswith("[1] ")]
    assert len(notes) == 1 and "https://" in notes[0]


def test_wrap_and_width_helpers() -> None:
    assert cells("中国") == 4 and cells("ให้สัตยาบัน") == 8 and cells("abc") == 3
    assert wrap("ratified 2007-03-05 [1,2]", 10) == ["ratified", "2007-03-05", "[1,2]"]
    assert wrap("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]
    assert wrap("", 5) == [""]
    # Shown, never acted on (validation keeps them out of a dataset in the first place).
    assert printable("a\x1b[0mb\u202ec\nd") == "a\\x1b[0mb\\u202ec d"


def _run_on_tty(args: list[str]) -> str:
    """Run gmspolicy with stdout on a pseudo-terminal; return what it printed."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "90"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gmspolicy", *args], stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_text_is_the_default_on_a_terminal_and_markdown_otherwise() -> None:
    on_tty = _run_on_tty(["table", "-c", "THA", "-i", "ILO-C029"])
    assert "-+-" in on_tty and "| --- |" not in on_tty
    piped = subprocess.run(
        [sys.executable, "-m", "gmspolicy", "table", "-c", "THA", "-i", "ILO-C029"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "| --- | --- |" in piped


def test_format_help_lists_the_formats(cli: Run) -> None:
    code, out, _ = cli("table", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "--format [csv|html|json|markdown|text]" in flat
    assert "[default: text on a terminal, else markdown]" in flat
