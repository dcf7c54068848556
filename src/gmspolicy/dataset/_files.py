"""Where a dataset's files are and how they are read, without importing the readers.

Shared by :mod:`gmspolicy.dataset` (which parses the files) and :mod:`gmspolicy.dataset.snapshot`
(which fingerprints them), so that both see the same files the same way.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: Largest dataset file read, in bytes.
MAX_FILE_BYTES = 32 * 1024 * 1024

#: The kinds of YAML records, each read from ``KIND.yaml`` and ``KIND/*.yaml``.
YAML_KIND_NAMES = (
    "sources",
    "countries",
    "instruments",
    "mous",
    "events",
    "observations",
    "reviews",
    "recommendations",
    "reporting",
)


def kind_files(root: Path, stem: str, suffix: str) -> tuple[list[Path], Path | None]:
    """The files one kind of record is read from: ``STEM.SUFFIX`` and ``STEM/*.SUFFIX``
    (sorted), and ``root/STEM`` when it exists but is not a directory (an error the
    reader reports; ``None`` otherwise)."""
    found: list[Path] = []
    single = root / f"{stem}{suffix}"
    if single.exists() or single.is_symlink():
        found.append(single)
    folder = root / stem
    if folder.is_dir():
        found.extend(sorted(p for p in folder.iterdir() if p.name.endswith(suffix)))
        return found, None
    return found, (folder if folder.exists() else None)


#: Every kind of file, as ``(stem, suffix)``, in reading order.
KINDS: tuple[tuple[str, str], ...] = (
    *((k, ".yaml") for k in YAML_KIND_NAMES),
    ("participations", ".csv"),
)


def dataset_files(root: Path) -> tuple[list[Path], list[Path]]:
    """Every file a dataset directory's records are read from, in reading order, and the
    ``KIND`` paths that should be directories but are not."""
    files: list[Path] = []
    misplaced: list[Path] = []
    for stem, suffix in KINDS:
        found, wrong = kind_files(root, stem, suffix)
        files.extend(found)
        if wrong is not None:
            misplaced.append(wrong)
    return files, misplaced


def bundled_data_dir() -> Path:
    """The dataset shipped with the package (inside the wheel, or ``datasets/`` in a checkout)."""
    package = Path(__file__).resolve().parent.parent  # src/gmspolicy
    packaged = package / "_data"
    if packaged.is_dir():
        return packaged
    return package.parent.parent / "datasets"


def display_path(path: Path, root: Path | None = None) -> str:
    """A short path for messages: relative to the working directory when inside it;
    files of the bundled dataset are shown as ``datasets/...``."""
    bundled = bundled_data_dir()
    try:
        return "datasets/" + path.resolve().relative_to(bundled.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        pass
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def escaping_link(path: Path, root: Path) -> Path | None:
    """The symbolic link that takes ``path`` outside the directory ``root`` (``path``
    itself, or the folder between ``root`` and it that is the link), or ``None`` when
    ``path`` resolves inside ``root``. Nothing is read from the target. A link loop is
    not followed anywhere: ``None`` (opening it fails, and the reader says so)."""
    try:
        base = root.resolve()
        path.resolve().relative_to(base)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return None
    except ValueError:
        pass
    else:
        return None
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return path
    here = root
    for part in parts:
        here = here / part
        if here.is_symlink():
            try:
                here.resolve().relative_to(base)
            except (OSError, RuntimeError):
                return None
            except ValueError:
                return here
    return path


#: What is said of a link out of the dataset directory (the target is never named).
OUTSIDE_LINK = "symbolic link to a place outside the dataset directory: refused (copy the file in)"


def read_text_bounded(path: Path, max_bytes: int, name: str | None = None) -> str:
    """The UTF-8 text of the regular file ``path`` (a BOM is dropped), read with
    :func:`read_file_bounded`; any problem is a :class:`~gmspolicy.errors.DataError`
    with one ``NAME: message`` (``NAME:LINE:`` for bytes that are not UTF-8)."""
    from gmspolicy.errors import DataError, Problem
    from gmspolicy.errors import ProblemCode as C

    label = name if name is not None else display_path(path)
    data = read_file_bounded(path, max_bytes)
    if isinstance(data, str):
        raise DataError([Problem(label, data, C.UNREADABLE_FILE)])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    f"{label}:{line}",
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                    C.NOT_UTF8,
                )
            ]
        ) from None


def read_file_bounded(path: Path, max_bytes: int) -> bytes | str:
    """The bytes of the regular file ``path``, or a one-line reason it cannot be read.

    Never blocks or reads without bound: a FIFO, socket or device (``/dev/zero``) is
    refused before reading, and at most ``max_bytes + 1`` bytes are ever read, so a file
    that grows while it is read is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the links lead back to themselves)"
        if path.is_symlink() and not path.exists():
            return "broken symbolic link (its target does not exist)"
        return f"cannot read file: {exc.strerror or exc}"
    try:
        st = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        return "expected a file, found a directory"
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        return "not a regular file (a pipe, socket or device?)"
    with os.fdopen(fd, "rb") as fh:
        too_large = (
            f"file is too large ({st.st_size / 1048576:.1f} MB; the limit is "
            f"{max_bytes / 1048576:.0f} MB)"
        )
        if st.st_size > max_bytes:
            return too_large
        try:
            # read(n) allocates n bytes up front: ask for the size stat gave (plus one, to
            # notice a file that grew), and for the rest up to the limit only if it did
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(max_bytes + 1 - len(data))
        except OSError as exc:
            return f"cannot read file: {exc.strerror or exc}"
    if len(data) > max_bytes:
        return too_large
    return data
