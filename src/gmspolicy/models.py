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

import attrs

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


class ReservationKind(enum.Enum):
    """A reservation or an interpretative declaration made on an instrument."""

    RESERVATION = "reservation"
    DECLARATION = "declaration"


class MouKind(enum.Enum):
    """What a bilateral or regional memorandum of understanding is about."""

    EMPLOYMENT = "employment"
    LABOUR_COOPERATION = "labour-cooperation"
    TRAFFICKING = "trafficking"
    OTHER = "other"


class EventSeries(enum.Enum):
    """Forum series that the dataset tracks."""

    AFML = "AFML"
    GFMD = "GFMD"
    ACSC_APF = "ACSC-APF"
    WSFM = "WSFM"
    APFF = "APFF"
    OTHER = "other"


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
class Document:
    """A document linked from a record (an MOU text, a forum's outcome statement)."""

    title: str
    url: str


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
class Action:
    """One action of a state on an instrument: a signature, ratification, denunciation...

    ``date`` is as precise as the source gives it: the day, or only the month or year
    (``PartialDate(1999)`` for "Ratification: 1999"); a :class:`datetime.date` given
    here is taken as a full date. ``str(action.date)`` shows it (``1999-08-23``,
    ``1999-08``, ``1999``).
    """

    kind: ActionKind
    date: PartialDate = attrs.field(converter=_partial)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    research_note: str | None = None

    def same_event(self, other: Action) -> bool:
        """True when ``other`` records the same event: the same kind, on dates that can
        mean the same day (``1992`` and ``1992-03-02``: one recorded at two precisions)."""
        return self.kind is other.kind and self.date.overlaps(other.date)


@attrs.frozen
class Reservation:
    """A reservation or declaration a state made, with its text (or a summary)."""

    kind: ReservationKind
    text: str
    date: dt.date | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    research_note: str | None = None


@attrs.frozen
class DatedFact:
    """A dated fact with its sources: an entry into force, a confirmed absence of action."""

    date: dt.date
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    research_note: str | None = None


_ACTION_ORDER = {kind: i for i, kind in enumerate(ActionKind)}


#: Actions that no other action can precede.
_FIRST_POSSIBLE = frozenset({ActionKind.SIGNATURE, ActionKind.ACCESSION, ActionKind.SUCCESSION})


def _fits(kind: ActionKind, bound: bool, signed: bool) -> bool:
    """Whether an action of ``kind`` can be taken by a country bound (or not, or signed)."""
    if kind is ActionKind.WITHDRAWAL:
        return bound or signed
    if kind is ActionKind.DENUNCIATION:
        return bound
    return not bound


def _sorted_actions(actions: Iterable[Action]) -> tuple[Action, ...]:
    """Actions in the order they were taken.

    By date; but an action known only to the month or year may have been taken on any
    day of it, so among the actions that could come next (those starting on or before the
    earliest end of the rest) the one that fits the country's standing at that point is
    taken first: a signature or consent while not bound, a denunciation or withdrawal
    while bound. (A denunciation known as ``1999`` comes after a ratification on
    1999-03-01, and before a re-accession on 1999-03-01 if the country was bound before
    1999.) Ties go by date, end and kind, so the order never depends on the input order.
    """
    remaining = sorted(
        actions, key=lambda a: (a.date.earliest(), a.date.latest(), _ACTION_ORDER[a.kind])
    )
    if len(remaining) < 2 or all(a.date.is_full for a in remaining):
        return tuple(remaining)
    out: list[Action] = []
    bound = signed = False
    while remaining:
        horizon = min(a.date.latest() for a in remaining)
        candidates = [a for a in remaining if a.date.earliest() <= horizon]

        pick = next((a for a in candidates if _fits(a.kind, bound, signed)), candidates[0])
        remaining.remove(pick)
        out.append(pick)
        if pick.kind is ActionKind.SIGNATURE:
            signed = True
        elif pick.kind.is_consent:
            bound = True
        elif pick.kind.is_exit:
            bound = signed = False
    return tuple(out)


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
class Participation:
    """What one country has done about one instrument, with sources for every fact.

    ``no_action`` records a source confirming that the country had taken no action as of
    its date. ``actions`` are kept in date order.
    """

    country: str
    instrument: str
    actions: tuple[Action, ...] = attrs.field(default=(), converter=_sorted_actions)
    reservations: tuple[Reservation, ...] = ()
    entry_into_force: DatedFact | None = None
    no_action: DatedFact | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(country, instrument)``."""
        return (self.country, self.instrument)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id cited by any fact of this participation, sorted."""
        ids: set[str] = set()
        for action in self.actions:
            ids.update(action.sources)
        for res in self.reservations:
            ids.update(res.sources)
        for fact in (self.entry_into_force, self.no_action):
            if fact is not None:
                ids.update(fact.sources)
        return tuple(sorted(ids))

    def actions_until(self, as_of: dt.date | None) -> tuple[Action, ...]:
        """The actions certainly taken on or before ``as_of`` (all of them when ``None``);
        an action known only to the month or year counts once that period has ended."""
        if as_of is None:
            return self.actions
        return tuple(a for a in self.actions if a.date.latest() <= as_of)

    def uncertain_at(self, as_of: dt.date | None) -> bool:
        """True when an action known only to the month or year may or may not have been
        taken by ``as_of`` (``as_of`` falls inside its period)."""
        if as_of is None:
            return False
        return any(a.date.earliest() <= as_of < a.date.latest() for a in self.actions)

    def status(self, as_of: dt.date | None = None, *, signature_step: bool = True) -> Status:
        """The status as of a date (``None``: as of the latest recorded fact).

        Before the first recorded action, the status is ``no_action`` (as of the date
        asked) only where that is certain: a source confirmed no action as of a later
        date, or the first recorded action is one no other can precede (a signature, an
        accession, a succession; or any first action where states do not sign, as for ILO
        conventions: pass ``signature_step=False``). A ratification recorded without its
        signature leaves the time before it ``unknown``: the signature may be missing.
        With nothing recorded, the status is ``unknown``, never ``no_action``.
        """
        if self.uncertain_at(as_of):
            return UNKNOWN
        actions = self.actions_until(as_of)
        eif = self.entry_into_force.date if self.entry_into_force is not None else None
        if eif is not None and (as_of is not None and eif > as_of):
            eif = None
        if not actions:
            if eif is not None:
                # In force for the country: it is party, though how it consented (and
                # when) is not recorded.
                return Status(StatusKind.PARTY, in_force=eif)
            if self.no_action is not None:
                confirmed = self.no_action.date
                if as_of is not None and as_of < confirmed:
                    confirmed = as_of
                return Status(StatusKind.NO_ACTION, date=PartialDate.from_date(confirmed))
            if self.actions and as_of is not None:
                first = self.actions[0].kind
                if not signature_step or first in _FIRST_POSSIBLE:
                    return Status(StatusKind.NO_ACTION, date=PartialDate.from_date(as_of))
            return UNKNOWN
        kind = StatusKind.UNKNOWN
        via: ActionKind | None = None
        date: PartialDate | None = None
        signed: PartialDate | None = None
        for action in actions:
            if action.kind is ActionKind.SIGNATURE:
                signed = action.date
                if kind is not StatusKind.PARTY:
                    kind, date = StatusKind.SIGNATORY, action.date
            elif action.kind.is_consent:
                kind, via, date = StatusKind.PARTY, action.kind, action.date
            elif action.kind is ActionKind.DENUNCIATION:
                kind, via, date = StatusKind.DENOUNCED, None, action.date
            elif action.kind is ActionKind.WITHDRAWAL:
                kind, via, date = StatusKind.WITHDRAWN, None, action.date
        in_force: dt.date | None = None
        if eif is not None:
            if kind is StatusKind.PARTY:
                in_force = eif
            elif kind is StatusKind.SIGNATORY:
                # Signed, and in force for it since: party, consent not recorded.
                kind, via, date = StatusKind.PARTY, None, None
                in_force = eif
        return Status(kind, via=via, date=date, signed=signed, in_force=in_force)


@attrs.frozen
class Mou:
    """A bilateral or regional memorandum of understanding (labour, trafficking...)."""

    id: str
    parties: tuple[str, ...] = attrs.field(converter=_tuple)
    kind: MouKind
    title: str
    signed: PartialDate | None = None
    place: str | None = None
    entry_into_force: PartialDate | None = None
    expiry: PartialDate | None = None
    supersedes: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    amends: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    documents: tuple[Document, ...] = ()
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    research_note: str | None = None


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


# -- reviews and reporting ------------------------------------------------------------


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
