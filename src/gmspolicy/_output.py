"""Writing output: to stdout, or atomically to a file (temp file + rename).

The temporary file sits next to the target and is named
``.TARGET.gmspolicy-PID-RANDOM.tmp``. If the writing process is killed between writing
it and renaming it (``SIGKILL``, power loss), the target is untouched and the temp file
is left behind; the next write to the same target removes every such file whose process
is gone (:func:`remove_stale_temp_files`).

Output may come whole (``str`` or ``bytes``) or in chunks (an iterable of ``str`` or of
``bytes``, as an exporter's ``render_chunks`` yields it; see
:class:`gmspolicy.exporters.contract.Exporter`): chunks are written as they come, so a
large page is never held whole in memory, and the result is byte for byte the same as
writing their concatenation. A file written from chunks is still written atomically (the
chunks go to the temp file; a failure while one is made, including an error raised by
whatever yields them, removes the temp file and leaves the old file intact).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from gmspolicy.errors import ExportError

#: What :func:`write_atomic` and :func:`emit` write: a whole text or byte string, or an
#: iterable of chunks (text, or bytes) written as they come.
Output = str | bytes | Iterable[str] | Iterable[bytes]

_TEMP_TAG = ".gmspolicy-"
# What a terminal acts on rather than shows: C0 controls but newline and tab (ESC starts
# escape sequences; CR, BS overwrite what was printed), DEL, C1 controls (CSI U+009B,
# OSC U+009D) and the bidi overrides and isolates that reorder what is shown.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` as a terminal may print it: control characters (escape sequences
    included) and bidi overrides are shown as ``\\xNN``/``\\uNNNN``, not acted on;
    newlines and tabs are kept.

    >>> terminal_safe("red \\x1b[31m!\\n")
    'red \\\\x1b[31m!\\n'
    """
    return _TERMINAL_UNSAFE.sub(_shown, text)


def is_terminal(stream: object) -> bool:
    """True when ``stream`` is an interactive terminal."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):
        return False


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(f".{name}{_TEMP_TAG}") + r"(\d+)-[A-Za-z0-9_]+\.tmp")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, owned by someone else
        return True
    return True


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Remove the temp files a killed writer of ``path`` left next to it (those whose
    process no longer exists); return what was removed. Temp files of a writer that is
    still running, and every other file, are left alone."""
    folder = path.parent if str(path.parent) else Path(".")
    pattern = _temp_pattern(path.name)
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = pattern.fullmatch(name)
        if m is None or _process_alive(int(m.group(1))):
            continue
        stale = folder / name
        with contextlib.suppress(OSError):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
                removed.append(stale)
    return removed


def _not_unicode(path: Path, exc: UnicodeEncodeError, offset: int = 0) -> ExportError:
    return ExportError(
        f"{path}: cannot write: the output is not valid Unicode text "
        f"({exc.reason} at position {offset + exc.start})"
    )


def write_atomic(path: Path, data: Output) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a
    part: write a temporary file in the same directory, flush it to disk, rename it over.
    A failure (or a kill) midway leaves the old file untouched; the temp file is removed
    on failure, and by the next write to ``path`` after a kill.

    ``data`` is text (written as UTF-8), bytes, or an iterable of chunks of either,
    written to the temp file as they come (see the module's docstring): an exception
    raised while they are made propagates after the temp file is removed."""
    payload: bytes | None = None
    if isinstance(data, (str, bytes)):
        try:
            payload = data.encode("utf-8") if isinstance(data, str) else data
        except UnicodeEncodeError as exc:
            raise _not_unicode(path, exc) from None
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    if not folder.is_dir():
        raise ExportError(f"{path}: directory {folder} does not exist")
    with contextlib.suppress(OSError):
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            raise ExportError(
                f"{path}: not a regular file (leave out -o to write to standard output)"
            )
    remove_stale_temp_files(path)
    import tempfile  # here: printing to stdout does not need it (nor shutil, random...)

    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}{_TEMP_TAG}{os.getpid()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if payload is not None:
                fh.write(payload)
            else:
                _write_chunks(path, fh.write, data)  # type: ignore[arg-type]
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise


def _write_chunks(
    path: Path, write: Callable[[bytes], object], chunks: Iterable[str | bytes]
) -> None:
    """Write each chunk as it comes (text as UTF-8)."""
    offset = 0  # characters of text written so far, for the position of a bad one
    for chunk in chunks:
        if isinstance(chunk, str):
            try:
                write(chunk.encode("utf-8"))
            except UnicodeEncodeError as exc:
                raise _not_unicode(path, exc, offset) from None
            offset += len(chunk)
        else:
            write(chunk)


def emit(data: Output, output: Path | None) -> None:
    """Send rendered output (whole, or chunks as they come) to ``output`` (atomically) or
    to stdout. On stdout, chunks are printed as they come: an error raised while one is
    made ends the output there (what was printed stays printed)."""
    if output is not None:
        write_atomic(output, data)
        return
    chunks: Iterable[str | bytes] = (data,) if isinstance(data, (str, bytes)) else data
    terminal = None
    for chunk in chunks:
        if isinstance(chunk, bytes):
            sys.stdout.buffer.write(chunk)
            continue
        if terminal is None:
            terminal = is_terminal(sys.stdout)
        # a file or a pipe gets the text exactly; a terminal never gets escape sequences
        sys.stdout.write(terminal_safe(chunk) if terminal else chunk)
    sys.stdout.flush()  # the text layer, then its byte buffer
