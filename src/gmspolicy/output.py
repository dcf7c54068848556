"""Writing output: to stdout, or atomically to a file (temp file + rename)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from gmspolicy.errors import ExportError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a
    part: write a temporary file in the same directory, flush it to disk, rename it over.
    A failure (or a kill) midway leaves the old file untouched; the temp file is removed
    on failure."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    if not folder.is_dir():
        raise ExportError(f"{path}: directory {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
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


def emit(data: str | bytes, output: Path | None) -> None:
    """Send rendered output to ``output`` (atomically) or to stdout."""
    if output is not None:
        write_atomic(output, data)
        return
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data)
        sys.stdout.flush()
