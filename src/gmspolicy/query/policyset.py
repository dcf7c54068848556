"""PolicySet: the validated, indexed, immutable collection of records, and its queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, cast

import attrs

from gmspolicy._text import fold
from gmspolicy.dates import first_day_iso
from gmspolicy.errors import DataError, UsageError
from gmspolicy.models import (
    UNKNOWN,
    ActionKind,
    Authority,
    Body,
    Country,
    Group,
    Instrument,
    InstrumentKind,
    Observation,
    Source,
    Status,
    StatusKind,
    strongest_authority,
)

if TYPE_CHECKING:
    from gmspolicy.models import (
        Event,
        EventSeries,
        Mechanism,
        Mou,
        Participation,
        Recommendation,
        ReportingStatus,
        Review,
    )
    from gmspolicy.query.diff import Change
    from gmspolicy.query.reviews import ReportingSummary

#: Keys of :attr:`PolicySet.places`: ``("country", code)``, ``("instrument", id)``,
#: ``("source", id)``, ``("mou", id)``, ``("event", id)``, ``("observation", id)``,
#: ``("participation", country, instrument)`` and
#: ``("action", country, instrument, kind, iso_date)`` (also ``no_action``,
#: ``entry_into_force``, ``reservation``). Values are ``"FILE:LINE"``.
PlaceKey = tuple[str, ...]


class LatestFacts:
    """What a participation's cell shows as of the latest recorded facts, derived once per
    set (:meth:`PolicySet.latest`): the status (``kind``, ``via``, ``date`` as text, ``signed``,
    ``in_force``; the :class:`~gmspolicy.models.Status` itself is built when first asked
    for), the sources behind it, when a cited source last confirmed it and the strongest
    authority among those sources."""

    __slots__ = (
        "_status",
        "authority",
        "confirmed",
        "date",
        "in_force",
        "kind",
        "signed",
        "sources",
        "via",
    )

    def __init__(
        self,
        kind: StatusKind,
        via: ActionKind | None,
        date: str | None,
        signed: str | None,
        in_force: dt.date | None,
        sources: tuple[str, ...],
        confirmed: dt.date | None,
        authority: Authority | None,
        status: Status | None = None,
    ) -> None:
        self.kind = kind
        self.via = via
        self.date = date
        self.signed = signed
        self.in_force = in_force
        self.sources = sources
        self.confirmed = confirmed
        self.authority = authority
        self._status = status

    @classmethod
    def of(
        cls,
        status: Status,
        sources: tuple[str, ...],
        confirmed: dt.date | None,
        authority: Authority | None,
    ) -> LatestFacts:
        """The facts of a derived status."""
        return cls(
            status.kind,
            status.via,
            status.date.isoformat() if status.date is not None else None,
            status.signed.isoformat() if status.signed is not None else None,
            status.in_force,
            sources,
            confirmed,
            authority,
            status,
        )

    @staticmethod
    def plain_of(
        status: Status,
        sources: tuple[str, ...],
        confirmed: dt.date | None,
        authority: Authority | None,
    ) -> PlainFacts:
        """``LatestFacts.of(...).plain()``, without making the object."""
        via, date, signed = status.via, status.date, status.signed
        return (  # an enum member's _value_ (its value property is a Python call)
            status.kind._value_,
            via._value_ if via is not None else None,
            date.isoformat() if date is not None else None,
            signed.isoformat() if signed is not None else None,
            status.in_force,
            sources,
            confirmed,
            authority._value_ if authority is not None else None,
        )

    @property
    def status(self) -> Status:
        """The status (built from the plain values the first time)."""
        found = self._status
        if found is None:
            from gmspolicy.dates import PartialDate

            found = self._status = Status(
                self.kind,
                self.via,
                PartialDate.parse(self.date) if self.date is not None else None,
                PartialDate.parse(self.signed) if self.signed is not None else None,
                self.in_force,
            )
        return found

    @property
    def earliest(self) -> str | None:
        """The first day the status's date can mean (ISO), or ``None`` without a date."""
        return first_day_iso(self.date) if self.date is not None else None

    def plain(self) -> PlainFacts:
        """The facts as strings, dates and tuples (fast to pickle and unpickle)."""
        return (
            self.kind.value,
            self.via.value if self.via is not None else None,
            self.date,
            self.signed,
            self.in_force,
            self.sources,
            self.confirmed,
            self.authority.value if self.authority is not None else None,
        )

    @classmethod
    def from_plain(cls, plain: PlainFacts, status: Status | None = None) -> LatestFacts:
        """:meth:`plain` undone (``status``: the status they describe, if already made)."""
        kind, via, date, signed, in_force, sources, confirmed, authority = plain
        return cls(
            STATUS_KINDS[kind],
            ACTION_KINDS[via] if via is not None else None,
            date,
            signed,
            in_force,
            sources,
            confirmed,
            AUTHORITIES[authority] if authority is not None else None,
            status,
        )


#: :class:`LatestFacts` as plain values (:meth:`LatestFacts.plain`).
PlainFacts = tuple[
    str,
    str | None,
    str | None,
    str | None,
    dt.date | None,
    tuple[str, ...],
    dt.date | None,
    str | None,
]
#: The members of :class:`StatusKind`, :class:`ActionKind` and :class:`Authority` by value
#: (for :data:`PlainFacts`).
STATUS_KINDS: Mapping[str, StatusKind] = {k.value: k for k in StatusKind}
ACTION_KINDS: Mapping[str, ActionKind] = {k.value: k for k in ActionKind}
AUTHORITIES: Mapping[str, Authority] = {a.value: a for a in Authority}


class _FactsMap(Mapping[tuple[str, str], LatestFacts]):
    """:meth:`PolicySet.latest`: the facts kept as plain values (:meth:`LatestFacts.plain`,
    as a snapshot keeps them), each made a :class:`LatestFacts` when first asked for (a
    table as of today reads the plain values, :meth:`PolicySet.latest_plain`), with its
    status when it was derived in this process."""

    __slots__ = ("_made", "_plain", "_statuses")

    def __init__(
        self,
        plain: Mapping[tuple[str, str], PlainFacts],
        statuses: Mapping[tuple[str, str], Status] | None = None,
    ) -> None:
        self._plain = plain
        self._statuses = statuses or {}
        self._made: dict[tuple[str, str], LatestFacts] = {}

    def __getitem__(self, key: tuple[str, str]) -> LatestFacts:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: tuple[str, str], default: object = None) -> LatestFacts | None:  # type: ignore[override]
        """The facts of ``key``, or ``default``."""
        found = self._made.get(key)
        if found is None:
            plain = self._plain.get(key)
            if plain is None:
                return default  # type: ignore[return-value]
            found = self._made[key] = LatestFacts.from_plain(plain, self._statuses.get(key))
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)


class _PartRef:
    """A participation named by its key, looked up only when asked for (a cell of a
    table as of the latest facts does not need it)."""

    __slots__ = ("key", "pset")

    def __init__(self, pset: PolicySet, key: tuple[str, str]) -> None:
        self.pset = pset
        self.key = key

    def get(self) -> Participation | None:
        return self.pset.participation(*self.key)


@attrs.frozen
class Cell:
    """One cell of a :class:`Matrix`: a status and the participation it comes from.

    A status that follows from the instrument alone (not applicable, not yet adopted) has
    no participation; ``sources`` are then the instrument's. A cell of a table as of the
    latest facts carries them (``facts``, from :meth:`PolicySet.latest`).
    """

    _st: Status | None = attrs.field(alias="status")
    _part: Participation | _PartRef | None = attrs.field(alias="participation")
    sources: tuple[str, ...] = ()
    facts: LatestFacts | None = None

    @property
    def status(self) -> Status:
        """The cell's status."""
        st = self._st
        if st is None:
            assert self.facts is not None
            return self.facts.status
        return st

    @property
    def kind(self) -> StatusKind:
        """The kind of the cell's status (without building the status)."""
        st = self._st
        if st is None:
            assert self.facts is not None
            return self.facts.kind
        return st.kind

    @property
    def participation(self) -> Participation | None:
        """The participation the status comes from (``None`` for a fixed status)."""
        part = self._part
        return part.get() if isinstance(part, _PartRef) else part

    @property
    def has_participation(self) -> bool:
        """True when the status comes from a participation (without looking it up)."""
        return self._part is not None

    def source_ids(self, as_of: dt.date | None) -> tuple[str, ...]:
        """The sources behind what the cell shows as of ``as_of``."""
        if as_of is None and self.facts is not None:
            return self.facts.sources
        part = self.participation
        if part is not None:
            return _cell_sources(part, as_of)
        return self.sources


@attrs.frozen
class Matrix:
    """A countries x instruments table of statuses as of a date."""

    countries: tuple[Country, ...]
    instruments: tuple[Instrument, ...]
    as_of: dt.date | None
    cells: Mapping[tuple[str, str], Cell]

    def cell(self, country: str, instrument: str) -> Cell:
        """The cell for a country code and instrument id."""
        return self.cells[(country, instrument)]

    def source_ids(self) -> tuple[str, ...]:
        """Every source cited by a shown cell, in first-seen order (row by row)."""
        seen: dict[str, None] = {}
        for country in self.countries:
            for inst in self.instruments:
                for sid in self.cells[(country.code, inst.id)].source_ids(self.as_of):
                    seen.setdefault(sid, None)
        return tuple(seen)

    def coverage(self) -> tuple[int, int]:
        """``(known cells, all cells)``."""
        cells = self.cells
        if isinstance(cells, LatestCells):
            return cells.known(), len(cells)
        known = sum(1 for c in cells.values() if c.kind is not StatusKind.UNKNOWN)
        return known, len(cells)


class LatestCells(Mapping[tuple[str, str], Cell]):
    """The cells of a :class:`Matrix` as of the latest facts (:meth:`PolicySet.matrix`
    without a date), each made when first asked for: a table laid out from the set's
    plain latest facts (:meth:`PolicySet.latest_plain`, :meth:`plain_parts`) makes none
    of the cells that come from a participation."""

    __slots__ = ("_countries", "_fixable", "_instruments", "_made", "_plain", "_pset", "_unknown")

    def __init__(
        self, pset: PolicySet, countries: Sequence[Country], instruments: Sequence[Instrument]
    ) -> None:
        self._pset = pset
        self._countries = {c.code: c for c in countries}  # in order, each once
        self._instruments = {i.id: i for i in instruments}
        self._fixable = frozenset(i.id for i in instruments if _may_fix(i, None))
        self._plain = pset.latest_plain()
        self._made: dict[tuple[str, str], Cell] = {}
        self._unknown = Cell(UNKNOWN, None)  # immutable: one for every empty cell

    def __getitem__(self, key: tuple[str, str]) -> Cell:
        found = self._made.get(key)
        if found is None:
            code, ident = key
            country, inst = self._countries[code], self._instruments[ident]
            found = self._made[key] = self._make(country, inst, key)
        return found

    def _make(self, country: Country, inst: Instrument, key: tuple[str, str]) -> Cell:
        if inst.id in self._fixable:
            fixed = fixed_status(country, inst, None)
            if fixed is not None:
                return Cell(fixed, None, inst.sources)
        if key in self._plain:
            return Cell(None, _PartRef(self._pset, key), facts=self._pset.latest()[key])
        return self._unknown

    def plain_parts(self) -> tuple[Mapping[tuple[str, str], PlainFacts], frozenset[str]]:
        """What the cells are made from: the set's plain latest facts
        (:meth:`PolicySet.latest_plain`) and the ids of the instruments whose cells may
        show a status the instrument alone fixes (:func:`fixed_status`). A cell of
        another instrument shows its pair's facts, or is unknown without any; ask the
        cell itself (``self[key]``) for the others."""
        return self._plain, self._fixable

    def known(self) -> int:
        """How many cells are not unknown."""
        unknown = StatusKind.UNKNOWN.value
        plain = self._plain
        count = 0
        for code in self._countries:
            for ident in self._instruments:
                key = (code, ident)
                if ident in self._fixable:
                    count += self[key].kind is not StatusKind.UNKNOWN
                    continue
                facts = plain.get(key)
                count += facts is not None and facts[0] != unknown
        return count

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((code, ident) for code in self._countries for ident in self._instruments)

    def __len__(self) -> int:
        return len(self._countries) * len(self._instruments)

    def __repr__(self) -> str:
        return f"<{len(self)} cells as of the latest facts>"


def fixed_status(country: Country, instrument: Instrument, as_of: dt.date | None) -> Status | None:
    """The status that follows from the instrument alone, whatever the country did.

    :attr:`StatusKind.NOT_APPLICABLE` when the instrument is not open to the country
    (:attr:`Instrument.open_to`); :attr:`StatusKind.NOT_ADOPTED` when ``as_of`` is before
    the instrument was adopted; otherwise ``None`` (the country's actions decide).
    """
    if not instrument.open_for(country):
        return Status(StatusKind.NOT_APPLICABLE)
    if _before_adoption(instrument, as_of):
        return Status(StatusKind.NOT_ADOPTED)
    return None


def _before_adoption(instrument: Instrument, as_of: dt.date | None) -> bool:
    return as_of is not None and instrument.adopted is not None and as_of < instrument.adopted


def _may_fix(instrument: Instrument, as_of: dt.date | None) -> bool:
    """Whether :func:`fixed_status` can give a status for some country (so the matrix asks
    it only for those instruments)."""
    return instrument.open_to is not None or _before_adoption(instrument, as_of)


def _cell_sources(part: Participation, as_of: dt.date | None) -> tuple[str, ...]:
    """Sources behind what a cell shows as of a date."""
    ids: list[str] = []
    for action in part.actions_until(as_of):
        ids.extend(action.sources)
    if not ids and part.no_action is not None:
        ids.extend(part.no_action.sources)
    if not ids:
        ids.extend(part.sources)
    return tuple(dict.fromkeys(ids))


cell_sources = _cell_sources

#: The status kinds that say what a country did (or confirmed it did not): a cell of one of
#: these kinds is *decided* and carries a ``confirmed_as_of`` date.
DECIDED_KINDS: frozenset[StatusKind] = frozenset(
    {
        StatusKind.PARTY,
        StatusKind.SIGNATORY,
        StatusKind.DENOUNCED,
        StatusKind.WITHDRAWN,
        StatusKind.NO_ACTION,
    }
)


def confirmed_as_of(
    part: Participation | None,
    status: Status,
    as_of: dt.date | None,
    sources: Mapping[str, Source],
) -> dt.date | None:
    """The latest date on which a cited source confirmed the state a cell shows.

    For each fact shown (the actions up to ``as_of``, and an entry into force), each of its
    sources confirms the state as of the date it is current to (:attr:`Source.as_of`),
    else as of the fact's own date (the last day of it, for a fact known only to the
    month or year); never earlier than the fact. A ``no_action`` cell is confirmed as of
    its own date. Never later than ``as_of``. ``None`` for a cell that is not decided
    (unknown, not applicable, not yet adopted).
    """
    if part is None or status.kind not in DECIDED_KINDS:
        return None
    if status.kind is StatusKind.NO_ACTION:
        return status.date.to_date() if status.date is not None else None
    facts = [(a.date.latest(), a.sources) for a in part.actions_until(as_of)]
    eif = part.entry_into_force
    if eif is not None and (as_of is None or eif.date <= as_of):
        facts.append((eif.date, eif.sources))
    best: dt.date | None = None
    for day, ids in facts:
        for sid in ids:
            src = sources.get(sid)
            when = day if src is None or src.as_of is None else max(src.as_of, day)
            if best is None or when > best:
                best = when
    if best is not None and as_of is not None and best > as_of:
        best = as_of
    return best


class _Deferred:
    """A part of a set restored from a cached snapshot, read only when a query needs it:
    the participations and places (:attr:`PolicySet.participations`,
    :attr:`PolicySet.places`), the MOUs and events (:attr:`PolicySet.mous`,
    :attr:`PolicySet.events`), or the reviews, recommendations and reporting rows
    (:attr:`PolicySet.review_records`...); a Markdown table as of the latest facts reads
    none of them. Read once: sets that share it (:func:`attrs.evolve`) share what was
    read."""

    __slots__ = ("_found", "_load")

    def __init__(self, load: Callable[[], tuple[object, ...]]) -> None:
        self._load: Callable[[], tuple[object, ...]] | None = load
        self._found: tuple[object, ...] | None = None

    def load(self) -> tuple[object, ...]:
        """What the part holds (read the first time)."""
        found = self._found
        if found is None:
            assert self._load is not None
            found = self._found = self._load()
            self._load = None
        return found


#: The fields of a :class:`PolicySet` each deferred part fills: the bulk (participations
#: and places), the MOUs and events, and the reviews, recommendations and reporting rows.
_BULK_FIELDS = ("_parts", "_place_map")
_AGREEMENT_FIELDS = ("_mou_records", "_event_records")
_REVIEW_FIELDS = ("_review_list", "_recommendation_list", "_reporting_list")
#: Each deferred field with the fields read with it.
_READ_TOGETHER = {
    field: group for group in (_BULK_FIELDS, _AGREEMENT_FIELDS, _REVIEW_FIELDS) for field in group
}

#: What :meth:`PolicySet.snapshot_parts` gives apart from the bulk: every other record
#: (countries, instruments, MOUs, events, sources, observations, reviews,
#: recommendations, reporting rows, in that order).
Records = tuple[tuple[object, ...], ...]

if TYPE_CHECKING:
    #: A snapshot's MOUs and events, and its reviews, recommendations and reporting rows:
    #: the two parts it unpickles only when a query needs them.
    Agreements = tuple[tuple[Mou, ...], tuple[Event, ...]]
    ReviewParts = tuple[tuple[Review, ...], tuple[Recommendation, ...], tuple[ReportingStatus, ...]]


@attrs.frozen(eq=False)
class PolicySet:
    """A validated collection of countries, instruments, participations, MOUs, events,
    observations and sources. Build it with :meth:`build`, which validates everything once
    and reports every problem together.
    """

    countries: tuple[Country, ...]
    instruments: tuple[Instrument, ...]
    #: The participations (see :attr:`participations`); ``_Deferred`` after unpickling.
    _parts: tuple[Participation, ...] | _Deferred = attrs.field(alias="participations")
    #: The MOUs and events (see :attr:`mous`, :attr:`events`); ``_Deferred`` after
    #: unpickling.
    _mou_records: tuple[Mou, ...] | _Deferred = attrs.field(alias="mous")
    _event_records: tuple[Event, ...] | _Deferred = attrs.field(alias="events")
    sources: tuple[Source, ...]
    observations: tuple[Observation, ...] = ()
    _place_map: Mapping[PlaceKey, str] | _Deferred = attrs.field(
        factory=dict, repr=False, alias="places"
    )
    #: The reviews, recommendations and reporting rows (see :attr:`review_records`,
    #: :attr:`recommendations`, :attr:`reporting`); ``_Deferred`` after unpickling.
    _review_list: tuple[Review, ...] | _Deferred = attrs.field(default=(), alias="reviews")
    _recommendation_list: tuple[Recommendation, ...] | _Deferred = attrs.field(
        default=(), alias="recommendations"
    )
    _reporting_list: tuple[ReportingStatus, ...] | _Deferred = attrs.field(
        default=(), alias="reporting"
    )
    _country_index: dict[str, Country] = attrs.field(init=False, repr=False)
    _instrument_index: dict[str, Instrument] = attrs.field(init=False, repr=False)
    _part_index: dict[tuple[str, str], Participation] | None = attrs.field(
        init=False, repr=False, default=None
    )
    _source_index: dict[str, Source] = attrs.field(init=False, repr=False)
    _mou_index: dict[str, Mou] | None = attrs.field(init=False, repr=False, default=None)
    _names: dict[str, str] | None = attrs.field(init=False, repr=False, default=None)
    _authority_cache: dict[tuple[str, ...], Authority | None] = attrs.field(init=False, repr=False)
    _latest: Mapping[tuple[str, str], LatestFacts] | None = attrs.field(
        init=False, repr=False, default=None
    )
    _latest_plain: Mapping[tuple[str, str], PlainFacts] | None = attrs.field(
        init=False, repr=False, default=None
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_country_index", {c.code: c for c in self.countries})
        object.__setattr__(self, "_instrument_index", {i.id: i for i in self.instruments})
        object.__setattr__(self, "_part_index", None)
        object.__setattr__(self, "_source_index", {s.id: s for s in self.sources})
        object.__setattr__(self, "_mou_index", None)
        object.__setattr__(self, "_names", None)
        # cells citing the same sources share one answer (a memo: the set is immutable)
        object.__setattr__(self, "_authority_cache", {})
        object.__setattr__(self, "_latest", None)
        object.__setattr__(self, "_latest_plain", None)

    @property
    def participations(self) -> tuple[Participation, ...]:
        """Every participation, sorted by ``(country, instrument)``."""
        return cast("tuple[Participation, ...]", self._read_deferred("_parts"))

    @property
    def places(self) -> Mapping[PlaceKey, str]:
        """Where each record was read (``FILE:LINE``, see :data:`PlaceKey`), when the set
        came from files."""
        return cast(Mapping[PlaceKey, str], self._read_deferred("_place_map"))

    @property
    def review_records(self) -> tuple[Review, ...]:
        """Every review (the constructor argument is ``reviews``; :meth:`reviews` selects)."""
        return cast("tuple[Review, ...]", self._read_deferred("_review_list"))

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        """Every UPR recommendation."""
        return cast("tuple[Recommendation, ...]", self._read_deferred("_recommendation_list"))

    @property
    def reporting(self) -> tuple[ReportingStatus, ...]:
        """Every reporting row (what a source says about one report a state owes)."""
        return cast("tuple[ReportingStatus, ...]", self._read_deferred("_reporting_list"))

    @property
    def mous(self) -> tuple[Mou, ...]:
        """Every MOU."""
        return cast("tuple[Mou, ...]", self._read_deferred("_mou_records"))

    @property
    def events(self) -> tuple[Event, ...]:
        """Every forum event."""
        return cast("tuple[Event, ...]", self._read_deferred("_event_records"))

    def _read_deferred(self, name: str) -> object:
        """The field ``name``; if it is a part of a restored snapshot not read yet, the
        part is read first (it fills the field and the one read with it)."""
        found = getattr(self, name)
        if isinstance(found, _Deferred):
            from gmspolicy._gc import without_gc

            with without_gc():  # many small objects, no cycles
                values = found.load()
            for field, value in zip(_READ_TOGETHER[name], values, strict=True):
                object.__setattr__(self, field, value)
            found = getattr(self, name)
        return found

    @property
    def _name_index(self) -> dict[str, str]:
        """Each country's code by every name it is known by, folded (made on first use: a
        table names no country)."""
        found = self._names
        if found is None:
            found = {}
            for c in self.countries:
                for name in (c.code, c.alpha2, c.name, *c.names):
                    found.setdefault(_fold(name), c.code)
            object.__setattr__(self, "_names", found)
        return found

    @property
    def _participation_index(self) -> dict[tuple[str, str], Participation]:
        found = self._part_index
        if found is None:
            found = {p.key: p for p in self.participations}
            object.__setattr__(self, "_part_index", found)
        return found

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its records (participations and places read if deferred)."""
        records, (parts, places), _ = self.snapshot_parts(latest=False)
        return (_rebuild, (records, parts, places))

    def snapshot_parts(
        self, latest: bool = True
    ) -> tuple[
        Records,
        tuple[tuple[Participation, ...], Mapping[PlaceKey, str]],
        dict[tuple[str, str], PlainFacts],
    ]:
        """What a cached snapshot keeps: the records, the bulk (participations and places,
        which a snapshot stores apart so that they are read only when needed) and
        :meth:`latest` as plain values (``{}`` when ``latest`` is false)."""
        records = (
            self.countries,
            self.instruments,
            self.mous,
            self.events,
            self.sources,
            self.observations,
            self.review_records,
            self.recommendations,
            self.reporting,
        )
        plain = dict(self.latest_plain()) if latest else {}
        from gmspolicy.query.places import Places

        return records, (self.participations, Places.of(self.places)), plain

    @classmethod
    def from_snapshot(
        cls,
        records: Records,
        bulk: Callable[[], tuple[tuple[Participation, ...], Mapping[PlaceKey, str]]],
        latest: Mapping[tuple[str, str], PlainFacts],
        agreements: Callable[[], Agreements] | None = None,
        reviews: Callable[[], ReviewParts] | None = None,
    ) -> PolicySet:
        """A set from :meth:`snapshot_parts` as a snapshot kept it: ``bulk`` reads the
        participations and places when a query first needs them, ``agreements`` (when
        given) the MOUs and events, ``reviews`` the reviews, recommendations and
        reporting rows, which ``records`` then does not hold."""
        deferred = _Deferred(bulk)
        pset = _rebuild(records, deferred, deferred)
        for read, fields_ in ((agreements, _AGREEMENT_FIELDS), (reviews, _REVIEW_FIELDS)):
            if read is not None:
                later = _Deferred(read)
                for field in fields_:
                    object.__setattr__(pset, field, later)
        object.__setattr__(pset, "_latest_plain", latest)
        object.__setattr__(pset, "_latest", _FactsMap(latest))
        return pset

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolicySet):
            return NotImplemented
        return _content(self) == _content(other)

    def __hash__(self) -> int:
        return hash(_content(self))

    # -- construction ------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        *,
        countries: Iterable[Country] = (),
        instruments: Iterable[Instrument] = (),
        participations: Iterable[Participation] = (),
        mous: Iterable[Mou] = (),
        events: Iterable[Event] = (),
        sources: Iterable[Source] = (),
        observations: Iterable[Observation] = (),
        places: Mapping[PlaceKey, str] | None = None,
        today: dt.date | None = None,
        reviews: Iterable[Review] = (),
        recommendations: Iterable[Recommendation] = (),
        reporting: Iterable[ReportingStatus] = (),
    ) -> PolicySet:
        """Validate the records and build a PolicySet.

        Raises :class:`~gmspolicy.errors.DataError` listing every problem found:
        unknown codes, duplicates, actions out of order or before adoption, dates in the
        future or after their source was seen, protocols without their parent, MOUs
        superseding unknown MOUs, events ending before they start; reviews, recommendations
        and reporting rows that do not fit (see :mod:`gmspolicy.dataset.validate`).
        """
        from gmspolicy.query.places import Places

        pset = cls(
            countries=tuple(sorted(countries, key=lambda c: c.code)),
            instruments=tuple(instruments),
            participations=tuple(sorted(participations, key=lambda p: p.key)),
            mous=tuple(mous),
            events=tuple(sorted(events, key=lambda e: (e.start.sort_key(), e.id))),
            sources=tuple(sorted(sources, key=lambda s: s.id)),
            observations=tuple(observations),
            places=Places.of(places or {}),
            reviews=tuple(sorted(reviews, key=review_sort_key)),
            recommendations=tuple(recommendations),
            reporting=tuple(reporting),
        )
        from gmspolicy.dataset.validate import validate

        problems = validate(pset, today=today)
        if problems:
            raise DataError(problems)
        return pset

    # -- lookups -----------------------------------------------------------------------

    def country(self, code: str) -> Country:
        """The country with this ISO alpha-3 code, or known by this name (as
        :meth:`resolve_country`); :class:`UsageError` if unknown, suggesting close names."""
        found = self._country_index.get(code)
        if found is None:
            resolved = self.resolve_country(code)
            if resolved is None:
                raise UsageError(f"unknown country {code!r}{self._country_hint(code)}")
            found = self._country_index[resolved]
        return found

    def instrument(self, ident: str) -> Instrument:
        """The instrument with this id (case ignored); :class:`UsageError` if unknown,
        suggesting the closest ids (``unknown instrument 'C029'; did you mean ILO-C029?``)."""
        found = self._instrument_index.get(ident)
        if found is None:
            found = self._instrument_index.get(ident.strip().upper())
        if found is None:
            raise UsageError(f"unknown instrument {ident!r}{self._instrument_hint(ident)}")
        return found

    def _instrument_hint(self, ident: str) -> str:
        """``; did you mean X?`` with the ids closest to ``ident`` (by id, ILO or UNTC
        reference, or short name), or nothing."""
        wanted = _fold(ident[:200])
        by_key: dict[str, str] = {}
        for inst in self.instruments:
            for key in (inst.id, inst.reference or "", inst.short_name):
                if key:
                    by_key.setdefault(_fold(key), inst.id)
        exact = by_key.get(wanted)
        if exact is not None:
            return f"; did you mean {exact}?"
        import difflib

        close = difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.75)
        ids = list(dict.fromkeys(by_key[k] for k in close))[:3]
        return f"; did you mean {' or '.join(ids)}?" if ids else ""

    def _country_hint(self, name: str) -> str:
        """``; did you mean X (Name)?`` with the closest country names, or nothing."""
        wanted = _fold(name[:200])
        import difflib

        close = difflib.get_close_matches(wanted, list(self._name_index), n=6, cutoff=0.8)
        codes = list(dict.fromkeys(self._name_index[k] for k in close))[:3]
        if not codes:
            return ""
        named = [f"{c} ({self._country_index[c].name})" for c in codes]
        return f"; did you mean {' or '.join(named)}?"

    def source(self, ident: str) -> Source:
        """The source with this id; :class:`UsageError` if unknown."""
        try:
            return self._source_index[ident]
        except KeyError:
            raise UsageError(f"unknown source {ident!r}") from None

    def mou(self, ident: str) -> Mou:
        """The MOU with this id; :class:`UsageError` if unknown."""
        index = self._mou_index
        if index is None:
            index = {m.id: m for m in self.mous}
            object.__setattr__(self, "_mou_index", index)
        try:
            return index[ident]
        except KeyError:
            raise UsageError(f"unknown MOU {ident!r}") from None

    def has_country(self, code: str) -> bool:
        """True when a country with this code is in the set."""
        return code in self._country_index

    def has_instrument(self, ident: str) -> bool:
        """True when an instrument with this id is in the set."""
        return ident in self._instrument_index

    def has_source(self, ident: str) -> bool:
        """True when a source with this id is in the set."""
        return ident in self._source_index

    def authority_of(self, ids: Iterable[str]) -> Authority | None:
        """The strongest authority among the sources ``ids`` (depositary > official >
        secondary > copy); ``None`` when none of them is in the set."""
        key = tuple(ids)
        cache = self._authority_cache
        if key in cache:
            return cache[key]
        index = self._source_index
        found = strongest_authority([index[s].authority for s in key if s in index])
        cache[key] = found
        return found

    def confirmed_as_of(
        self, country: str, instrument: str, as_of: dt.date | None = None
    ) -> dt.date | None:
        """When the state :meth:`status` gives was last confirmed by a cited source (see
        :func:`confirmed_as_of`); ``None`` for a cell that is not decided."""
        status = self.status(country, instrument, as_of)
        part = self._participation_index.get((country, instrument))
        return confirmed_as_of(part, status, as_of, self._source_index)

    def latest(self) -> Mapping[tuple[str, str], LatestFacts]:
        """Every participation's cell as of the latest recorded facts, by ``(country,
        instrument)``: derived once (the set is immutable) and kept in a cached snapshot,
        so a table as of today needs neither the participations' actions nor a status
        derivation per cell. The same as :meth:`status`, :meth:`sources_for`,
        :meth:`confirmed_as_of` and :meth:`authority_of` give for a known pair whose
        status is not fixed by the instrument alone (:func:`fixed_status`)."""
        found = self._latest
        if found is None:
            self._derive_latest()
            found = self._latest
            assert found is not None
        return found

    def latest_plain(self) -> Mapping[tuple[str, str], PlainFacts]:
        """:meth:`latest` as plain values (:meth:`LatestFacts.plain`): what a cached
        snapshot keeps, and what a table as of today is laid out from (no object per
        cell)."""
        found = self._latest_plain
        if found is None:
            self._derive_latest()
            found = self._latest_plain
            assert found is not None
        return found

    def _derive_latest(self) -> None:
        from gmspolicy._gc import without_gc

        plain: dict[tuple[str, str], PlainFacts] = {}
        statuses: dict[tuple[str, str], Status] = {}
        sources = self._source_index
        ilo = {i.id for i in self.instruments if i.body is Body.ILO}
        facts_of = LatestFacts.plain_of
        with without_gc():  # many small objects, no cycles
            for part in self.participations:
                status = part.status(None, signature_step=part.instrument not in ilo)
                ids = _cell_sources(part, None)
                key = part.key
                statuses[key] = status
                plain[key] = facts_of(
                    status,
                    ids,
                    confirmed_as_of(part, status, None, sources),
                    self.authority_of(ids),
                )
        object.__setattr__(self, "_latest_plain", plain)
        object.__setattr__(self, "_latest", _FactsMap(plain, statuses))

    def cell_confirmed_as_of(self, cell: Cell, as_of: dt.date | None) -> dt.date | None:
        """:meth:`confirmed_as_of` for a cell of a :class:`Matrix` as of ``as_of``."""
        if as_of is None and cell.facts is not None:
            return cell.facts.confirmed
        return confirmed_as_of(cell.participation, cell.status, as_of, self._source_index)

    def newest_source_date(self) -> dt.date | None:
        """The newest date a source of the set is current to (its ``as_of``, else the
        day it was seen), or ``None`` for a set without sources."""
        return max((s.as_of or s.seen for s in self.sources), default=None)

    def resolve_country(self, name: str) -> str | None:
        """The code of the country known by ``name`` (code, ISO alpha-2, UN name or a
        recorded variant; case, accents and punctuation ignored), or ``None``."""
        return self._name_index.get(_fold(name))

    def participation(self, country: str, instrument: str) -> Participation | None:
        """The participation of a country in an instrument, if any is recorded."""
        return self._participation_index.get((country, instrument))

    # -- queries -----------------------------------------------------------------------

    def status(self, country: str, instrument: str, as_of: dt.date | None = None) -> Status:
        """The status of ``country`` on ``instrument`` as of a date (default: latest).

        Unknown codes raise :class:`UsageError`; a known pair with nothing recorded is
        :attr:`StatusKind.UNKNOWN`. An instrument not open to the country is
        :attr:`StatusKind.NOT_APPLICABLE`; a date before its adoption gives
        :attr:`StatusKind.NOT_ADOPTED` (see :func:`fixed_status`).
        """
        ctry, inst = self.country(country), self.instrument(instrument)
        fixed = fixed_status(ctry, inst, as_of)
        if fixed is not None:
            return fixed
        part = self._participation_index.get((ctry.code, inst.id))
        if part is None:
            return UNKNOWN
        return part.status(as_of, signature_step=inst.body is not Body.ILO)

    def sources_for(
        self, country: str, instrument: str, as_of: dt.date | None = None
    ) -> tuple[str, ...]:
        """The sources behind :meth:`status` for the same arguments: the instrument's for a
        status that follows from it alone, else those of the facts shown as of the date."""
        ctry, inst = self.country(country), self.instrument(instrument)
        if fixed_status(ctry, inst, as_of) is not None:
            return inst.sources
        part = self._participation_index.get((ctry.code, inst.id))
        return _cell_sources(part, as_of) if part is not None else ()

    def select_countries(
        self, codes: Sequence[str] | None = None, group: Group | None = None
    ) -> tuple[Country, ...]:
        """Countries by code (in the order given) or by group (default: the GMS)."""
        if codes:
            return tuple(self.country(c) for c in codes)
        chosen = group or Group.GMS
        return tuple(c for c in self.countries if c.in_group(chosen))

    def select_instruments(
        self,
        ids: Sequence[str] | None = None,
        tag: str | None = None,
        body: Body | None = None,
    ) -> tuple[Instrument, ...]:
        """Instruments by id (in the order given), or all filtered by tag and body."""
        if ids:
            return tuple(self.instrument(i) for i in ids)
        out = tuple(
            i
            for i in self.instruments
            if (tag is None or tag in i.tags) and (body is None or i.body is body)
        )
        if tag is not None and not out:
            known = sorted({t for i in self.instruments for t in i.tags})
            raise UsageError(f"no instrument has tag {tag!r} (tags: {', '.join(known)})")
        return out

    def matrix(
        self,
        countries: Sequence[str] | None = None,
        instruments: Sequence[str] | None = None,
        as_of: dt.date | None = None,
        *,
        group: Group | None = None,
        tag: str | None = None,
    ) -> Matrix:
        """The status of each country on each instrument as of a date."""
        from gmspolicy._gc import without_gc

        cs = self.select_countries(countries, group)
        ins = self.select_instruments(instruments, tag)
        if as_of is None:  # each cell made when asked for, from the latest facts
            return Matrix(cs, ins, None, LatestCells(self, cs, ins))
        cells: dict[tuple[str, str], Cell] = {}
        index = self._participation_index
        unknown = Cell(UNKNOWN, None)  # immutable: one for every empty cell
        steps = [(i, i.id, i.body is not Body.ILO, _may_fix(i, as_of)) for i in ins]
        with without_gc():  # many small objects, no cycles
            for c in cs:
                code = c.code
                for inst, ident, signature_step, may_be_fixed in steps:
                    key = (code, ident)
                    if may_be_fixed:
                        fixed = fixed_status(c, inst, as_of)
                        if fixed is not None:
                            cells[key] = Cell(fixed, None, inst.sources)
                            continue
                    part = index.get(key)
                    if part is None:
                        cells[key] = unknown
                    else:
                        cells[key] = Cell(part.status(as_of, signature_step=signature_step), part)
        return Matrix(cs, ins, as_of, cells)

    def participations_for(
        self,
        country: str | None = None,
        instrument: str | None = None,
        *,
        group: Group | None = None,
        tag: str | None = None,
    ) -> tuple[Participation, ...]:
        """Participations filtered by country, instrument, country group, instrument tag."""
        out = []
        for p in self.participations:
            if country is not None and p.country != country:
                continue
            if instrument is not None and p.instrument != instrument:
                continue
            if group is not None and not self.country(p.country).in_group(group):
                continue
            if tag is not None and tag not in self.instrument(p.instrument).tags:
                continue
            out.append(p)
        return tuple(out)

    def mous_for(
        self,
        country: str | None = None,
        year: int | None = None,
        tag: str | None = None,
        until: dt.date | None = None,
    ) -> tuple[Mou, ...]:
        """MOUs with a party, signed in a year, with a tag, certainly signed by ``until``;
        ordered by signing date."""
        out = [
            m
            for m in self.mous
            if (country is None or country in m.parties)
            and (until is None or (m.signed is not None and m.signed.latest() <= until))
            and (year is None or (m.signed is not None and m.signed.year == year))
            and (tag is None or tag in m.tags or m.kind.value == tag)
        ]
        return tuple(sorted(out, key=lambda m: (_pd_key(m.signed), m.id)))

    def events_for(
        self,
        series: EventSeries | None = None,
        year: int | None = None,
        country: str | None = None,
        tag: str | None = None,
    ) -> tuple[Event, ...]:
        """Events of a series, in a year, hosted in a country, with a tag; by start date."""
        return tuple(
            e
            for e in self.events
            if (series is None or e.series is series)
            and (year is None or e.year == year)
            and (country is None or e.country == country)
            and (tag is None or tag in e.tags)
        )

    def observations_for(
        self,
        country: str | None = None,
        instrument: str | None = None,
        body: str | None = None,
        tag: str | None = None,
        since: int | None = None,
        until: dt.date | None = None,
    ) -> tuple[Observation, ...]:
        """Supervisory observations filtered by country, instrument, body, tag, year (from
        ``since``), and adopted no later than the year of ``until`` (an as-of date)."""
        out = [
            o
            for o in self.observations
            if (country is None or o.country == country)
            and (instrument is None or o.instrument == instrument)
            and (body is None or o.body.value == body)
            and (tag is None or tag in o.tags)
            and (since is None or (o.adopted_year or o.published_year or 0) >= since)
            and (
                until is None
                or (o.adopted_year or o.published_year or until.year + 1) <= until.year
            )
        ]
        return tuple(
            sorted(out, key=lambda o: (o.country, -(o.adopted_year or 0), o.body.value, o.id))
        )

    def reviews(
        self,
        country: str | None = None,
        mechanism: Mechanism | str | None = None,
        as_of: dt.date | None = None,
        upcoming: bool = False,
        *,
        today: dt.date | None = None,
    ) -> tuple[Review, ...]:
        """Reviews (UPR cycles, treaty-body reviews) by country and mechanism, ordered by
        country and date. With ``as_of``, those certainly held by then; with
        ``upcoming``, those scheduled or postponed and not begun as of ``as_of`` (default:
        ``today``, the current date). See :func:`gmspolicy.query.reviews.select_reviews`.
        """
        from gmspolicy.query.reviews import select_reviews

        return select_reviews(self, country, mechanism, as_of, upcoming, today=today)

    def reporting_status(
        self, country: str, instrument: str, as_of: dt.date | None = None
    ) -> ReportingSummary:
        """Where ``country`` stands with the treaty body of ``instrument`` as of a date:
        last review, next scheduled review, report due and whether it is overdue (only
        where a source gives the due date and, as of a later date, no submission;
        otherwise unknown). See :func:`gmspolicy.query.reviews.reporting_status`."""
        from gmspolicy.query.reviews import reporting_status

        return reporting_status(self, country, instrument, as_of)

    def recommendations_for(
        self,
        country: str | None = None,
        review: str | None = None,
        tag: str | None = None,
        instrument: str | None = None,
    ) -> tuple[Recommendation, ...]:
        """UPR recommendations by the country reviewed, review id, tag and instrument."""
        code = self.country(country).code if country is not None else None
        countries = {r.id: r.country for r in self.review_records}
        return tuple(
            r
            for r in self.recommendations
            if (code is None or countries.get(r.review) == code)
            and (review is None or r.review == review)
            and (tag is None or tag in r.tags)
            and (instrument is None or instrument in r.instruments)
        )

    def protocols_of(self, instrument: str) -> tuple[Instrument, ...]:
        """The protocols whose parent is ``instrument``."""
        return tuple(
            i
            for i in self.instruments
            if i.parent == instrument and i.kind is InstrumentKind.PROTOCOL
        )

    def place(self, *key: str) -> str | None:
        """Where a record was read (``FILE:LINE``), when the set came from files."""
        return self.places.get(tuple(key))

    def diff(self, other: PolicySet) -> tuple[Change, ...]:
        """What changed from this set (old) to ``other`` (new)."""
        from gmspolicy.query.diff import diff

        return diff(self, other)


def _rebuild(
    records: Records,
    parts: tuple[Participation, ...] | _Deferred,
    places: Mapping[PlaceKey, str] | _Deferred,
) -> PolicySet:
    """A :class:`PolicySet` from its records (see :meth:`PolicySet.snapshot_parts`)."""
    countries, instruments, mous, events, sources, observations, reviews, recs, reporting = records
    return PolicySet(
        countries=countries,  # type: ignore[arg-type]
        instruments=instruments,  # type: ignore[arg-type]
        participations=parts,
        mous=mous,  # type: ignore[arg-type]
        events=events,  # type: ignore[arg-type]
        sources=sources,  # type: ignore[arg-type]
        observations=observations,  # type: ignore[arg-type]
        places=places,
        reviews=reviews,  # type: ignore[arg-type]
        recommendations=recs,  # type: ignore[arg-type]
        reporting=reporting,  # type: ignore[arg-type]
    )


def _pd_key(value: object) -> tuple[int, int, int]:
    from gmspolicy.dates import PartialDate

    return value.sort_key() if isinstance(value, PartialDate) else (0, 0, 0)


def _content(pset: PolicySet) -> tuple[object, ...]:
    return (
        pset.countries,
        tuple(sorted(pset.instruments, key=lambda i: i.id)),
        pset.participations,
        tuple(sorted(pset.mous, key=lambda m: m.id)),
        pset.events,
        pset.sources,
        tuple(sorted(pset.observations, key=lambda o: o.id)),
        pset.review_records,
        tuple(sorted(pset.recommendations, key=lambda r: r.id)),
        tuple(sorted(pset.reporting, key=lambda r: (r.id, r.as_of))),
    )


def review_sort_key(review: Review) -> tuple[str, tuple[int, int, int], str, str]:
    """Reviews by country, then date (undated last), then mechanism and id."""
    start = review.start.sort_key() if review.start is not None else (9999, 0, 0)
    return (review.country, start, review.mechanism.value, review.id)


def _fold(name: str) -> str:
    return fold(name)  # names are matched the way loaders match them


STATUS_ORDER: dict[StatusKind, int] = {k: i for i, k in enumerate(StatusKind)}
"""A stable order of status kinds, for sorting."""
