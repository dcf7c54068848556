"""Helpers shared by the reliability tests (``tests/reliability/test_rel_*.py``)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: What a killed or crashed command must leave alone: the bytes of an earlier output.
OLD_OUTPUT = b"<!-- the previous out.html: must stay byte-identical -->\n"

Run = Callable[..., tuple[int, str, str]]


def count_example(prop: str) -> None:
    """Note that property ``prop`` ran one example: ``tests/reliability/figures.py`` sets
    ``GMSPOLICY_RELIABILITY_EXAMPLES`` to a file and counts the lines per property."""
    target = os.environ.get("GMSPOLICY_RELIABILITY_EXAMPLES")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(prop + "\n")


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under ``root``: file bytes, or what a symlink/FIFO/directory is."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "symlink -> " + os.readlink(path)
            elif path.is_dir():
                out[rel] = "dir"
            elif path.is_file():
                out[rel] = path.read_bytes()
            else:
                out[rel] = "special"
    return out


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def no_traceback(err: str) -> None:
    """Assert stderr holds no Python traceback."""
    assert "Traceback" not in err, err
    assert 'File "' not in err, err


def html_structure(text: str) -> list[Any]:
    """The tags of an HTML page in order, with their attribute names (not values), and
    every piece of text; parsed with :mod:`html.parser`."""
    from html.parser import HTMLParser

    events: list[Any] = []

    class P(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            events.append(("start", tag, tuple(sorted(a for a, _ in attrs))))

        def handle_endtag(self, tag: str) -> None:
            events.append(("end", tag))

        def handle_data(self, data: str) -> None:
            events.append(("data", data))

        def handle_comment(self, data: str) -> None:
            events.append(("comment", data))

        def handle_decl(self, decl: str) -> None:
            events.append(("decl", decl))

        def unknown_decl(self, data: str) -> None:
            events.append(("unknown_decl", data))

        def handle_pi(self, data: str) -> None:
            events.append(("pi", data))

    parser = P(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return events
