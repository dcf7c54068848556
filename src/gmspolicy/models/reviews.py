"""Reviews of states (UPR cycles, treaty-body reviews), UPR recommendations and where
states stand in reporting. Re-exported by :mod:`gmspolicy.models`, where they are
documented."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from gmspolicy.dates import DatePrecision as DatePrecision
from gmspolicy.dates import PartialDate
from gmspolicy.models import (
    _tuple,
)


class Mechanism(enum.Enum):
    """A review mechanism: the Universal Periodic Review, a UN treaty body, or the ILO CEACR."""

    UPR = "UPR"
    CERD = "CERD"
    CCPR = "CCPR"
    CESCR = "CESCR"
    CEDAW = "CEDAW"
    CAT = "CAT"
    CRC = "CRC"
    CMW = "CMW"
    CRPD = "CRPD"
    CED = "CED"
    CEACR = "CEACR"


#: The treaty each treaty body supervises (CRC also its optional protocols).
MECHANISM_INSTRUMENTS: dict[Mechanism, str] = {
    Mechanism.CERD: "ICERD",
    Mechanism.CCPR: "ICCPR",
    Mechanism.CESCR: "ICESCR",
    Mechanism.CEDAW: "CEDAW",
    Mechanism.CAT: "CAT",
    Mechanism.CRC: "CRC",
    Mechanism.CMW: "ICRMW",
    Mechanism.CRPD: "CRPD",
    Mechanism.CED: "CPED",
}

#: How the symbol of each mechanism's outcome document starts.
OUTCOME_SYMBOL_PREFIXES: dict[Mechanism, tuple[str, ...]] = {
    Mechanism.UPR: ("A/HRC/",),
    Mechanism.CERD: ("CERD/C/",),
    Mechanism.CCPR: ("CCPR/C/", "CCPR/CO/"),
    Mechanism.CESCR: ("E/C.12/",),
    Mechanism.CEDAW: ("CEDAW/C/",),
    Mechanism.CAT: ("CAT/C/",),
    Mechanism.CRC: ("CRC/C/",),
    Mechanism.CMW: ("CMW/C/",),
    Mechanism.CRPD: ("CRPD/C/",),
    Mechanism.CED: ("CED/C/",),
}


class ReviewStatus(enum.Enum):
    """Whether a review took place, is scheduled, or was postponed."""

    HELD = "held"
    SCHEDULED = "scheduled"
    POSTPONED = "postponed"


class Response(enum.Enum):
    """A state's response to a UPR recommendation: supported or noted, or ``pending``
    where the Working Group report records that the state will respond later (in an
    addendum) and that later response is not recorded here."""

    SUPPORTED = "supported"
    NOTED = "noted"
    PENDING = "pending"


class CountedAt(enum.Enum):
    """When a source counted a UPR review's recommendations: on the day of the review (or
    the Working Group's adoption of its report), or after the state's final responses."""

    REVIEW = "review"
    ADOPTION = "adoption"


@attrs.frozen
class RecommendationCounts:
    """How many recommendations a state received, supported and noted in a UPR review
    (``None``: the source does not say)."""

    counted_at: CountedAt
    received: int | None = None
    supported: int | None = None
    noted: int | None = None


#: ``field_sources`` of a :class:`Review`: ``(field name, source ids)`` pairs, by name
#: (read from and written as a mapping).
FieldSources = tuple[tuple[str, tuple[str, ...]], ...]


def _field_sources(value: Iterable[tuple[str, Iterable[str]]]) -> FieldSources:
    return tuple(sorted((str(k), tuple(v)) for k, v in value))


@attrs.frozen
class Review:
    """One review of a state: a UPR cycle, or a treaty body's review of a periodic report.

    Dates are partial (``2027-01``); what a source does not give is ``None`` (unknown),
    never derived (no "next report due" from the usual cycle length). ``sources`` back
    the record; ``field_sources`` name other sources for single fields (e.g. ``start``).
    ``research_note`` is for maintainers and is never shown to readers.
    ``civil_society_deadline`` is the last day for civil-society submissions to the review,
    where a source (named in ``field_sources``) announces it.
    """

    id: str
    country: str
    mechanism: Mechanism
    status: ReviewStatus
    cycle: int | None = None
    report: str | None = None
    report_symbol: str | None = None
    submitted: PartialDate | None = None
    session: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    outcome_symbol: str | None = None
    observation: str | None = None
    next_report_due: PartialDate | None = None
    civil_society_deadline: PartialDate | None = None
    recommendations: RecommendationCounts | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    field_sources: FieldSources = attrs.field(default=(), converter=_field_sources)
    note: str | None = None
    research_note: str | None = attrs.field(default=None, eq=False, repr=False)

    def sources_of(self, field: str) -> tuple[str, ...]:
        """The sources behind one field: its own ``field_sources`` entry, else ``sources``."""
        for name, ids in self.field_sources:
            if name == field:
                return ids
        return self.sources

    @property
    def all_sources(self) -> tuple[str, ...]:
        """Every source the record cites, in first-cited order."""
        ids = dict.fromkeys(self.sources)
        for _, more in self.field_sources:
            ids.update(dict.fromkeys(more))
        return tuple(ids)

    @property
    def when(self) -> str | None:
        """The review's dates as known: ``2016-05-11``, ``2011-10`` or ``2005-07-19/20``."""
        if self.start is None:
            return None
        if self.end is None or self.end == self.start:
            return str(self.start)
        return f"{self.start}/{self.end}"


@attrs.frozen
class Recommendation:
    """A UPR recommendation to a state: its text, who made it, the state's response.

    ``response`` is required: a recommendation read without it is a validation error.
    ``instruments`` links a recommendation to ratify to the instruments it names.
    """

    id: str
    review: str
    paragraph: str
    text: str
    response: Response | None
    recommending: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    instruments: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None


#: The tags a recommendation may carry.
RECOMMENDATION_TAGS: frozenset[str] = frozenset(
    {"migrant-workers", "trafficking", "refugees", "statelessness", "labour-rights", "ratification"}
)


@attrs.frozen
class ReportingStatus:
    """What a source says about one report a state owes a treaty body, as of a date:
    when it was due and when (if by then) it was submitted (``None``: not submitted as
    of ``as_of``)."""

    country: str
    mechanism: Mechanism
    report: str
    due: PartialDate | None
    as_of: dt.date
    submitted: PartialDate | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None

    @property
    def id(self) -> str:
        """``COUNTRY/MECHANISM/report/due/as_of``: how the row is told apart from others."""
        return f"{self.country}/{self.mechanism.value}/{self.report}/{self.due}/{self.as_of}"
