"""The typed core: countries, instruments, participations, MOUs, events, observations, sources.

Every model is an immutable ``attrs`` class; every closed set is an :class:`enum.Enum`.
Status is never stored: it is derived from a participation's actions by
:meth:`Participation.status`.

Absence is not a fact. A country with no recorded participation in an instrument has
status :attr:`StatusKind.UNKNOWN`; :attr:`StatusKind.NO_ACTION` is only reported where a
source confirmed it as of a date (or where the recorded actions all come later).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from gmspolicy._lazy import attach
from gmspolicy.dates import DatePrecision as DatePrecision
from gmspolicy.dates import PartialDate


class Body(enum.Enum):
    """The organisation under whose auspices an instrument was adopted."""

    __hash__ = object.__hash__  # members are singletons: hashed by identity, in C

    UN = "UN"
    ILO = "ILO"
    ASEAN = "ASEAN"


class InstrumentKind(enum.Enum):
    """What kind of instrument it is."""

    CONVENTION = "convention"
    PROTOCOL = "protocol"
    DECLARATION = "declaration"
    CONSENSUS = "consensus"


class Group(enum.Enum):
    """Country groupings the tables can select."""

    GMS = "GMS"
    ASEAN = "ASEAN"


class ActionKind(enum.Enum):
    """What a state did about an instrument, on a date."""

    __hash__ = object.__hash__  # members are singletons: hashed by identity, in C

    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCESSION = "accession"
    SUCCESSION = "succession"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    FORMAL_CONFIRMATION = "formal_confirmation"
    DENUNCIATION = "denunciation"
    WITHDRAWAL = "withdrawal"

    @property
    def is_consent(self) -> bool:
        """True for the actions by which a state becomes bound (ratification, accession...)."""
        return self in CONSENT_ACTIONS

    @property
    def is_exit(self) -> bool:
        """True for the actions by which a state stops being bound."""
        return self in (ActionKind.DENUNCIATION, ActionKind.WITHDRAWAL)


CONSENT_ACTIONS = frozenset(
    {
        ActionKind.RATIFICATION,
        ActionKind.ACCESSION,
        ActionKind.SUCCESSION,
        ActionKind.ACCEPTANCE,
        ActionKind.APPROVAL,
        ActionKind.FORMAL_CONFIRMATION,
    }
)


class StatusKind(enum.Enum):
    """A country's standing on an instrument at a moment, derived from its actions."""

    __hash__ = object.__hash__  # members are singletons: hashed by identity, in C

    PARTY = "party"
    SIGNATORY = "signatory"
    DENOUNCED = "denounced"
    WITHDRAWN = "withdrawn"
    NO_ACTION = "no_action"
    #: The date asked about is before the instrument was adopted.
    NOT_ADOPTED = "not_adopted"
    #: The instrument is open only to a group the country is not in (see
    #: :attr:`Instrument.open_to`), e.g. an ASEAN convention and a non-member.
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


class ObservationBody(enum.Enum):
    """A supervisory body whose comments are tracked."""

    ILO_CEACR = "ILO-CEACR"
    CMW = "CMW"
    CEDAW = "CEDAW"
    CESCR = "CESCR"
    CERD = "CERD"
    CRC = "CRC"
    CAT = "CAT"
    CCPR = "CCPR"
    CRPD = "CRPD"
    CED = "CED"
    UPR = "UPR"


class Authority(enum.Enum):
    """How much weight a source carries for the facts it gives, strongest first.

    - ``depositary``: the depositary's own record (the UN Treaty Collection for UN
      treaties, NORMLEX or ILO records for ILO instruments, the ASEAN Secretariat for
      ASEAN instruments);
    - ``official``: another official body (OHCHR and UN treaty-body documents, ILO
      offices, a government's gazette or ministry page, an intergovernmental body);
    - ``secondary``: a published secondary work (NGO or academic report, research
      dataset, encyclopedia, news report);
    - ``copy``: a copy of someone else's document on a third-party site (mirrors,
      document-copy sites, reposts). No cell may rest on copies alone.
    """

    __hash__ = object.__hash__  # members are singletons: hashed by identity, in C

    DEPOSITARY = "depositary"
    OFFICIAL = "official"
    SECONDARY = "secondary"
    COPY = "copy"

    @property
    def rank(self) -> int:
        """0 for the strongest (``depositary``), 3 for the weakest (``copy``)."""
        return _AUTHORITY_RANK[self]


_AUTHORITY_RANK = {a: n for n, a in enumerate(Authority)}


def strongest_authority(authorities: Iterable[Authority]) -> Authority | None:
    """The strongest of ``authorities`` (depositary > official > secondary > copy), or
    ``None`` when there is none.

    >>> strongest_authority([Authority.COPY, Authority.OFFICIAL])
    <Authority.OFFICIAL: 'official'>
    """
    return min(authorities, key=_AUTHORITY_RANK.__getitem__, default=None)


class ObservationKind(enum.Enum):
    """The kind of supervisory comment."""

    OBSERVATION = "observation"
    DIRECT_REQUEST = "direct_request"
    CONCLUDING_OBSERVATIONS = "concluding_observations"
    UPR_RECOMMENDATION = "upr_recommendation"


def _tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _partial(value: PartialDate | dt.date) -> PartialDate:
    return PartialDate.of(value)


def _partial_or_none(value: PartialDate | dt.date | None) -> PartialDate | None:
    if value is None or type(value) is PartialDate:  # most statuses: no call
        return value
    return PartialDate.of(value)


@attrs.frozen
class Source:
    """Where a fact was seen: the page, who published it, and when we read it.

    ``as_of`` is the date the source's content is current to, where it says or implies
    one (e.g. the UN Treaty Collection's "status as at" date). ``authority`` says how
    much weight it carries (see :class:`Authority`; required, given by keyword).
    ``note`` is written for readers; ``research_note`` is the team's own memory of how
    the source was found or read, and no export to readers shows it.
    """

    id: str
    url: str
    title: str
    publisher: str
    seen: dt.date
    as_of: dt.date | None = None
    note: str | None = None
    authority: Authority = attrs.field(kw_only=True)
    research_note: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class Country:
    """A state, identified by its ISO 3166-1 alpha-3 code."""

    code: str
    alpha2: str
    m49: str
    name: str
    names: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    groups: tuple[Group, ...] = ()
    subdivisions: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    research_note: str | None = None

    def in_group(self, group: Group) -> bool:
        """True when the country belongs to ``group``."""
        return group in self.groups


@attrs.frozen
class Instrument:
    """A UN treaty, ILO convention or protocol, or ASEAN instrument.

    A protocol names its ``parent``; ``requires_parent`` says whether only parties to the
    parent may become party to the protocol. ``open_to`` names the group whose members
    alone may join (ASEAN instruments: :attr:`Group.ASEAN`); ``None`` means any state.
    """

    id: str
    body: Body
    kind: InstrumentKind
    title: str
    short_name: str
    adopted: dt.date | None = None
    entry_into_force: dt.date | None = None
    parent: str | None = None
    requires_parent: bool = False
    binding: bool = True
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    url: str | None = None
    reference: str | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    open_to: Group | None = None
    research_note: str | None = None

    def open_for(self, country: Country) -> bool:
        """True when ``country`` may join (it is in :attr:`open_to`, or that is ``None``)."""
        return self.open_to is None or country.in_group(self.open_to)


@attrs.frozen
class Status:
    """A participation's status at a moment, as derived by :meth:`Participation.status`.

    - ``kind``: party, signatory, denounced, withdrawn, no action or unknown;
    - ``via``: for a party, how it became bound (ratification, accession, succession...);
    - ``date``: the date of the action that gives the status, as precisely as it is known
      (for ``no_action``: the day as of which a source confirmed it);
    - ``signed``: the signature date, kept after a withdrawal or denunciation;
    - ``in_force``: for a party, the date the instrument entered into force for it, if known.

    ``date`` and ``signed`` are :class:`~gmspolicy.dates.PartialDate` (a
    :class:`datetime.date` given here is taken as a full date).
    """

    kind: StatusKind
    via: ActionKind | None = None
    date: PartialDate | None = attrs.field(default=None, converter=_partial_or_none)
    signed: PartialDate | None = attrs.field(default=None, converter=_partial_or_none)
    in_force: dt.date | None = None

    @property
    def is_known(self) -> bool:
        """False only for :attr:`StatusKind.UNKNOWN`."""
        return self.kind is not StatusKind.UNKNOWN


UNKNOWN = Status(StatusKind.UNKNOWN)


@attrs.frozen
class Excerpt:
    """A quoted passage of a supervisory document, with its paragraph number."""

    paragraph: str
    text: str


@attrs.frozen
class Observation:
    """A comment of a supervisory body (ILO CEACR, a UN treaty body, the UPR) to a state."""

    id: str
    body: ObservationBody
    kind: ObservationKind
    country: str
    url: str
    instrument: str | None = None
    adopted_year: int | None = None
    published_year: int | None = None
    session: str | None = None
    symbol: str | None = None
    excerpts: tuple[Excerpt, ...] = ()
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    research_note: str | None = None


# -- the records a table does not need, imported when first named ----------------------

if TYPE_CHECKING:
    from gmspolicy.models.events import Event, EventSeries
    from gmspolicy.models.mous import Document, Mou, MouKind
    from gmspolicy.models.participation import (
        Action,
        DatedFact,
        Participation,
        Reservation,
        ReservationKind,
    )
    from gmspolicy.models.reviews import (
        MECHANISM_INSTRUMENTS,
        OUTCOME_SYMBOL_PREFIXES,
        RECOMMENDATION_TAGS,
        CountedAt,
        FieldSources,
        Mechanism,
        Recommendation,
        RecommendationCounts,
        ReportingStatus,
        Response,
        Review,
        ReviewStatus,
    )

#: The module of this package each record not defined above lives in. Each is imported
#: when one of its names is first asked for (``gmspolicy.models.Participation``, or
#: ``from gmspolicy.models import Participation``): a command that prints a table from a
#: cached snapshot never builds their classes.
_LATER = {
    **dict.fromkeys(
        ("Action", "DatedFact", "Participation", "Reservation", "ReservationKind"),
        ".participation",
    ),
    **dict.fromkeys(("Document", "Mou", "MouKind"), ".mous"),
    **dict.fromkeys(("Event", "EventSeries"), ".events"),
    **dict.fromkeys(
        (
            "MECHANISM_INSTRUMENTS",
            "OUTCOME_SYMBOL_PREFIXES",
            "RECOMMENDATION_TAGS",
            "CountedAt",
            "FieldSources",
            "Mechanism",
            "Recommendation",
            "RecommendationCounts",
            "ReportingStatus",
            "Response",
            "Review",
            "ReviewStatus",
        ),
        ".reviews",
    ),
}


__all__ = [
    "CONSENT_ACTIONS",
    "MECHANISM_INSTRUMENTS",
    "OUTCOME_SYMBOL_PREFIXES",
    "RECOMMENDATION_TAGS",
    "UNKNOWN",
    "Action",
    "ActionKind",
    "Authority",
    "Body",
    "CountedAt",
    "Country",
    "DatedFact",
    "Document",
    "Event",
    "EventSeries",
    "Excerpt",
    "FieldSources",
    "Group",
    "Instrument",
    "InstrumentKind",
    "Mechanism",
    "Mou",
    "MouKind",
    "Observation",
    "ObservationBody",
    "ObservationKind",
    "Participation",
    "Recommendation",
    "RecommendationCounts",
    "ReportingStatus",
    "Reservation",
    "ReservationKind",
    "Response",
    "Review",
    "ReviewStatus",
    "Source",
    "Status",
    "StatusKind",
    "strongest_authority",
]

__getattr__, __dir__ = attach(__name__, _LATER, __all__)
