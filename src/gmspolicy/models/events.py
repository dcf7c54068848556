"""Forum events (:class:`Event`). Re-exported by :mod:`gmspolicy.models`, where they
are documented."""

from __future__ import annotations

import enum

import attrs

from gmspolicy.dates import DatePrecision as DatePrecision
from gmspolicy.dates import PartialDate
from gmspolicy.models import (
    _tuple,
)
from gmspolicy.models.mous import Document


class EventSeries(enum.Enum):
    """Forum series that the dataset tracks."""

    AFML = "AFML"
    GFMD = "GFMD"
    ACSC_APF = "ACSC-APF"
    WSFM = "WSFM"
    APFF = "APFF"
    OTHER = "other"


@attrs.frozen
class Event:
    """One edition of a forum (ASEAN Forum on Migrant Labour, GFMD, ACSC/APF, WSFM...)."""

    id: str
    series: EventSeries
    title: str
    start: PartialDate
    edition: int | None = None
    end: PartialDate | None = None
    city: str | None = None
    country: str | None = None
    theme: str | None = None
    outcome_documents: tuple[Document, ...] = ()
    notes: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    research_note: str | None = None

    @property
    def year(self) -> int:
        """The year the event started."""
        return self.start.year
