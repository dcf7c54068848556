"""The loader side: sources in, records out, merged into a dataset.

- :mod:`gmspolicy.loaders.contract`: what a loader plugin provides (:class:`Loader`), what
  it is given (:class:`LoadContext`) and what it returns (:class:`LoadResult`);
- :mod:`gmspolicy.loaders.kit`: building blocks for writing one (reading a location,
  parsing tables and dates, matching country names, citing the source);
- :mod:`gmspolicy.loaders.http`: the HTTP client every loader uses (timeouts, retries,
  size cap, cache);
- :mod:`gmspolicy.loaders.merge`: merging a loader's result into a dataset directory
  (``gmspolicy fetch``).
"""

from __future__ import annotations

from gmspolicy.loaders.contract import LoadContext, Loader, LoadResult

__all__ = ["LoadContext", "LoadResult", "Loader"]
