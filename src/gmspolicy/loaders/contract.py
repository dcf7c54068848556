"""The loader contract: what a loader plugin provides, what it gets and what it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from gmspolicy.loaders.http import Fetcher
    from gmspolicy.models import (
        Country,
        Instrument,
        Participation,
        Recommendation,
        ReportingStatus,
        Source,
    )
    from gmspolicy.query.policyset import PolicySet

__all__ = ["LoadContext", "LoadResult", "Loader"]


@attrs.frozen
class LoadContext:
    """What a loader gets besides its location and options.

    - ``reference``: the dataset loaded records are checked against (country names,
      instrument ids);
    - ``fetcher``: the HTTP client to use for URLs (timeouts, retries, size cap, cache);
    - ``today``: the date recorded as each source's ``seen`` date.
    """

    reference: PolicySet
    fetcher: Fetcher | None = None
    today: dt.date = attrs.field(factory=dt.date.today)


@attrs.frozen
class LoadResult:
    """What a loader returns: records, each fact citing one of ``sources``.

    ``warnings`` are one-line notes for the user about what was left out (e.g.
    participants skipped with ``--opt unknown=skip``); the CLI prints them to stderr.
    ``reporting`` holds reporting-status rows (a report due and whether it was submitted,
    as of a date) for loaders of treaty-body reporting pages; ``recommendations`` holds
    UPR recommendations with the state's responses (each naming a review the reference
    dataset records) for loaders of UPR matrices.
    """

    participations: tuple[Participation, ...] = ()
    sources: tuple[Source, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    countries: tuple[Country, ...] = ()
    warnings: tuple[str, ...] = ()
    reporting: tuple[ReportingStatus, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()


@runtime_checkable
class Loader(Protocol):
    """What a loader plugin provides.

    ``load`` reads ``location`` (a file path or an ``http(s)://`` URL) and returns a
    :class:`LoadResult`, or raises :class:`~gmspolicy.errors.LoaderError` with a clear
    message; it never returns partial data after a fault. ``options`` are the
    ``--opt NAME=VALUE`` pairs; unknown option names are a
    :class:`~gmspolicy.errors.UsageError`.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    options: ClassVar[Mapping[str, str]]

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Load records from ``location``."""
        ...
