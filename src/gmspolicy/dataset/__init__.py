"""Reading a dataset: files in, one validated :class:`~gmspolicy.query.policyset.PolicySet` out.

This area owns everything between bytes on disk and a validated set:

- :func:`load_dataset` reads a dataset directory (``countries.yaml``, ``participations/*.csv``
  ...), optionally through the snapshot cache (:mod:`gmspolicy.dataset.snapshot`);
- :func:`load_any` also reads a ``gmspolicy export --format json`` file back;
- :mod:`gmspolicy.dataset.validate` is the one validation pass every set goes through;
- the private modules read files with bounds (``_files``), parse YAML safely (``_yaml``)
  and turn located records into models (``_reader``, ``_json``).

The heavy modules (the YAML parser, the record converter) are imported only when a
dataset is actually parsed, so a run served from a snapshot never imports them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from gmspolicy.dataset._files import MAX_FILE_BYTES, bundled_data_dir, display_path

if TYPE_CHECKING:
    from gmspolicy.query.policyset import PolicySet

__all__ = [
    "MAX_FILE_BYTES",
    "bundled_data_dir",
    "display_path",
    "load_any",
    "load_dataset",
    "load_json_export",
]


def load_dataset(
    path: str | os.PathLike[str] | None = None,
    *,
    today: dt.date | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    cache: bool = False,
) -> PolicySet:
    """Read and validate a dataset directory (default: the bundled one).

    Raises :class:`~gmspolicy.errors.DataError` with every problem, each naming its file
    and line, and :class:`~gmspolicy.errors.UsageError` if ``path`` is not a directory.
    With ``cache=True``, a snapshot of an earlier load of the very same files is used
    when there is one, and a successful load is stored as one (see
    :mod:`gmspolicy.dataset.snapshot`; the command line does this).
    """
    if cache:
        from gmspolicy.dataset.snapshot import cached_load

        return cached_load(path, today=today, max_file_bytes=max_file_bytes)
    from gmspolicy.dataset._reader import read_dataset

    return read_dataset(path, today=today, max_file_bytes=max_file_bytes)


def load_any(path: Path) -> PolicySet:
    """A dataset directory, or a ``gmspolicy export --format json`` file."""
    if path.is_dir():
        return load_dataset(path)
    return load_json_export(path)


def load_json_export(path: Path) -> PolicySet:
    """Read a ``gmspolicy export --format json`` file back into a validated PolicySet."""
    from gmspolicy.dataset._json import read_json_export

    return read_json_export(path)
