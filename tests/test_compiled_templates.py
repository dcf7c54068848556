"""The command line keeps the HTML page template compiled in its cache directory (issue 16:
compiling it was a tenth of a small page's run): the page is the same byte for byte with
and without it, a damaged or planted one is never used, and nothing is kept without the
cache or by a library caller."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
GOLDEN_DATA = HERE / "golden" / "data"
COMMAND = [sys.executable, "-m", "gmspolicy", "--data", str(GOLDEN_DATA)]


def run(cache: Path, *args: str, **env: str) -> bytes:
    environ = {**os.environ, "GMSPOLICY_CACHE_DIR": str(cache), **env}
    if "GMSPOLICY_CACHE" not in env:
        environ.pop("GMSPOLICY_CACHE", None)
    done = subprocess.run([*COMMAND, *args], capture_output=True, env=environ, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    return done.stdout


def templates(cache: Path) -> list[Path]:
    return sorted(cache.glob("template-*.jinja")) if cache.is_dir() else []


PAGE = ("table", "--format", "html")


def test_the_page_is_the_same_with_the_compiled_template(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run(cache, *PAGE)
    (kept,) = templates(cache)
    assert (kept.stat().st_mode & 0o777) == 0o600
    stamp = kept.stat().st_mtime_ns
    assert run(cache, *PAGE) == first
    assert kept.stat().st_mtime_ns == stamp  # read, not written again
    # another page, the same template
    assert run(cache, "show", "THA", "--format", "html").startswith(b"<!DOCTYPE html>")
    assert templates(cache) == [kept]
    assert run(tmp_path / "other", "--no-cache", *PAGE) == first


def test_a_damaged_compiled_template_is_compiled_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run(cache, *PAGE)
    (kept,) = templates(cache)
    good = kept.read_bytes()
    for damage in (b"", good[:40], good[:-20], b"not a template at all " * 10):
        kept.write_bytes(damage)
        assert run(cache, *PAGE) == first
        assert kept.read_bytes() == good  # replaced


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners")
def test_one_others_could_write_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run(cache, *PAGE)
    (kept,) = templates(cache)
    kept.chmod(0o666)  # a good one, but anyone could have written it
    inode = kept.stat().st_ino
    assert run(cache, *PAGE) == first
    # compiled again (a trusted one is only read): replaced by one only this user can write
    assert kept.stat().st_ino != inode
    assert (kept.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("off", [("--no-cache",), ()])
def test_nothing_is_kept_without_the_cache(tmp_path: Path, off: tuple[str, ...]) -> None:
    cache = tmp_path / "cache"
    env = {} if off else {"GMSPOLICY_CACHE": "0"}
    run(cache, *off, *PAGE, **env)
    assert templates(cache) == []


def test_the_cache_command_clears_them(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(cache, *PAGE)
    assert len(templates(cache)) == 1
    assert run(cache, "cache", "--clear") == f"removed 1 snapshots from {cache}\n".encode()
    assert templates(cache) == []


def test_a_library_caller_keeps_nothing(tmp_path: Path) -> None:
    code = (
        "from gmspolicy.dataset import load_dataset\n"
        "from gmspolicy.plugins import exporters, render\n"
        "from gmspolicy.query.views import TableView\n"
        f"p = load_dataset({str(GOLDEN_DATA)!r})\n"
        "page = render(exporters().get('html'), TableView(p, p.matrix()))\n"
        "assert page.startswith('<!DOCTYPE html>')\n"
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "GMSPOLICY_CACHE_DIR": str(cache)}
    env.pop("GMSPOLICY_CACHE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    assert templates(cache) == []
