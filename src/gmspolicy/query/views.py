"""Views: what an exporter is asked to render, with everything it shows made ready.

A view is an immutable selection from a :class:`~gmspolicy.query.policyset.PolicySet`, made by
the CLI or by library code, plus the language to render it in. A view does the work:
it derives each status, words it in the view's language (:class:`StatusText`), finds the
sources a cell cites with their authority (:class:`CitedSource`), when the cell was last
confirmed, the observations on it, the names of countries and instruments. An exporter
(built-in or a plugin) only lays out the typed rows a view gives:

- :class:`TableView`: :meth:`TableView.rows` (one :class:`MatrixRow` per instrument) or
  :meth:`TableView.cells` (country by country), each a :class:`StatusCell`;
- :class:`ProfileView`: :meth:`ProfileView.rows` (:class:`ProfileRow`), its MOUs and
  observations;
- :class:`EventsView`, :class:`MousView`, :class:`ObservationsView`: :class:`EventRow`,
  :class:`MouRow`, :class:`ObservationRow`;
- :class:`DatasetView`: every record, :meth:`DatasetView.participation_rows` with each
  participation's current status, and :meth:`DatasetView.table`.

Every view answers :meth:`cite` (source ids to :class:`CitedSource`), so no exporter
looks a source up itself. Dispatch on the kind of view with ``match`` and
:func:`typing.assert_never`::

    match view:
        case TableView(): ...
        case DatasetView(): ...
        case EventsView() | MousView() | ObservationsView() | ProfileView(): ...
        case _:
            assert_never(view)

Exporters are pure functions of a view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import attrs

from gmspolicy._gc import without_gc
from gmspolicy.dates import first_day_iso
from gmspolicy.errors import UsageError
from gmspolicy.i18n import Labels
from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    Country,
    Event,
    Instrument,
    Mou,
    Observation,
    Participation,
    Reservation,
    Review,
    Source,
    Status,
    StatusKind,
)
from gmspolicy.query.policyset import (
    ACTION_KINDS,
    AUTHORITIES,
    STATUS_KINDS,
    Cell,
    LatestCells,
    LatestFacts,
    Matrix,
    PlainFacts,
    PolicySet,
    confirmed_as_of,
)
from gmspolicy.query.reviews import ReportingSummary

#: The mark tables put after a cell whose best source is only a secondary work (see
#: :attr:`StatusCell.secondary_only`; the legend explains it, label
#: ``legend.mark_secondary``).
SECONDARY_MARK = "\u2020"


@attrs.frozen
class CitedSource:
    """A source as a view cites it: the record, with its :class:`~gmspolicy.models.Authority`."""

    source: Source

    @property
    def id(self) -> str:
        """The source's id."""
        return self.source.id

    @property
    def authority(self) -> Authority:
        """How much weight the source carries (depositary, official, secondary, copy)."""
        return self.source.authority


@attrs.frozen
class StatusText:
    """What a status cell says, in the view's language, in parts and whole.

    ``word`` is the status word (``ratified``, ``signed``, ``no action``...); ``date`` the
    date it rests on as precisely as it is known (``None`` when there is none);
    ``confirmed`` the "last confirmed" date a signed cell shows (``None`` otherwise);
    ``text`` the whole phrase (``signed 2015-11-21, last confirmed 2015-11-21``).
    """

    word: str
    date: str | None
    confirmed: str | None
    text: str


def status_text(status: Status, confirmed: dt.date | None, labels: Labels) -> StatusText:
    """Word a status: ``ratified 1999-02-08``, ``signed 2004-09-27, last confirmed
    2013-05-01``, ``no action (as of 2018-06-04)``, ``party (in force 2001-01-01)``,
    ``unknown``. Only a signed cell shows when it was last confirmed (a no-action cell's
    date already is that date)."""
    date = str(status.date) if status.date is not None else None
    word = labels.cell_word(status)
    return _status_text(status.kind, status.via, date, status.in_force, confirmed, word, labels)


def _status_text(
    kind: StatusKind,
    via: ActionKind | None,
    date: str | None,
    in_force: dt.date | None,
    confirmed: dt.date | None,
    word: str,
    labels: Labels,
) -> StatusText:
    """:func:`status_text` from the parts of a status (``date`` as text, ``word`` the
    cell word of ``kind`` and ``via``)."""
    if kind is StatusKind.UNKNOWN:
        return StatusText(word, None, None, word)
    if kind is StatusKind.NO_ACTION:
        assert date is not None
        return StatusText(word, date, None, labels("cell.no_action_as_of", date=date))
    if kind is StatusKind.PARTY and via is None and in_force is not None:
        shown = in_force.isoformat()
        return StatusText(word, shown, None, labels("cell.party_in_force", date=shown))
    text = f"{word} {date}" if date else word
    if kind is StatusKind.SIGNATORY and confirmed is not None:
        shown = confirmed.isoformat()
        return StatusText(word, date, shown, labels("cell.last_confirmed", text=text, date=shown))
    return StatusText(word, date, None, text)


@attrs.frozen
class StatusCell:
    """One country's standing on one instrument, ready to lay out.

    ``sources`` are the ids of the sources behind what the cell shows (in citation order),
    ``cited`` the same sources as :class:`CitedSource` (each with its authority);
    ``authority`` the strongest of their authorities (``None`` without sources);
    ``confirmed_as_of`` when a cited source last confirmed a decided cell (``None`` for
    unknown, not applicable and not yet adopted); ``observations`` the supervisory
    observations on this country and instrument up to the view's date.
    """

    country: Country
    instrument: Instrument
    _status: Status | LatestFacts = attrs.field(alias="status")
    text: StatusText
    sources: tuple[str, ...]
    authority: Authority | None
    confirmed_as_of: dt.date | None
    observations: tuple[Observation, ...] = ()
    cited: tuple[CitedSource, ...] = ()

    @property
    def status(self) -> Status:
        """The cell's status."""
        st = self._status
        return st.status if isinstance(st, LatestFacts) else st

    @property
    def kind(self) -> StatusKind:
        """The kind of the cell's status."""
        return self._status.kind

    @property
    def via(self) -> ActionKind | None:
        """For a party, how it became bound."""
        return self._status.via

    @property
    def earliest(self) -> str | None:
        """The first day the status's date can mean (ISO), or ``None`` without a date."""
        st = self._status
        if isinstance(st, LatestFacts):
            return st.earliest
        return st.date.earliest().isoformat() if st.date is not None else None

    @property
    def secondary_only(self) -> bool:
        """True when the cell's best source is only a secondary work (or weaker): tables
        mark it with :data:`SECONDARY_MARK`."""
        return _secondary_only(self.authority)


def _secondary_only(authority: Authority | None) -> bool:
    return authority is not None and authority.rank >= Authority.SECONDARY.rank


class CellFace(NamedTuple):
    """A status cell reduced to what a table lays out (:meth:`TableView.faces`): its
    text, the kind and (for a party) the action of its status, the first day its date can
    mean (ISO, ``None`` without a date), the sources behind it, their strongest
    authority and the observations on it. The same as the :class:`StatusCell` of
    :meth:`TableView.rows`, without building one per cell (a world table has 80,000)."""

    text: str
    kind: StatusKind
    via: ActionKind | None
    earliest: str | None
    sources: tuple[str, ...]
    authority: Authority | None
    observations: tuple[Observation, ...]

    @classmethod
    def of(cls, cell: StatusCell) -> CellFace:
        """The face of a status cell."""
        return cls(
            cell.text.text,
            cell.kind,
            cell.via,
            cell.earliest,
            cell.sources,
            cell.authority,
            cell.observations,
        )

    @property
    def secondary_only(self) -> bool:
        """As :attr:`StatusCell.secondary_only`."""
        return _secondary_only(self.authority)


#: ``tuple.__new__``: a face made from its fields in one call (the named tuple's own
#: ``__new__`` is a Python function that only calls it).
_new_face = tuple.__new__


@attrs.frozen
class MatrixRow:
    """One instrument's row of a ratification table: a cell per country."""

    instrument: Instrument
    cells: tuple[StatusCell, ...]


@attrs.frozen
class HistoryEntry:
    """One action in a profile's history, with its text (``1999-02-08 ratification``)."""

    action: Action
    text: str


@attrs.frozen
class ProfileRow:
    """One instrument in a country profile: the cell, its history and reservations (up to
    the profile's date)."""

    instrument: Instrument
    cell: StatusCell
    actions: tuple[Action, ...]
    history: tuple[HistoryEntry, ...]
    reservations: tuple[Reservation, ...]


@attrs.frozen
class MouRow:
    """An MOU with its parties' names and its signing date as text (or the word for
    unknown)."""

    mou: Mou
    parties: tuple[str, ...]
    signed: str
    #: The titles of the MOUs this one supersedes (with the year signed where known).
    supersedes: tuple[str, ...] = ()


@attrs.frozen
class EventRow:
    """A forum event with its host country's name and its place (``city, country``)."""

    event: Event
    country_name: str
    place: str


@attrs.frozen
class ObservationRow:
    """A supervisory observation with the names a reader sees: its country, instrument,
    kind and year, and its heading parts in order."""

    observation: Observation
    country_name: str
    instrument_name: str
    kind_word: str
    year: int | None
    heading: tuple[str, ...]


@attrs.frozen
class ParticipationRow:
    """A participation of the dataset with its current status (as of the latest facts);
    ``facts`` are the same as plain values (:class:`~gmspolicy.query.policyset.LatestFacts`)
    when the set derived them, which lets a row skip building the status."""

    participation: Participation
    country: Country
    instrument: Instrument
    _current: Status | LatestFacts = attrs.field(alias="current")

    @property
    def current(self) -> Status:
        """The current status."""
        found = self._current
        return found.status if isinstance(found, LatestFacts) else found

    @property
    def facts(self) -> LatestFacts | None:
        """The current status as plain values, when the set derived them."""
        found = self._current
        return found if isinstance(found, LatestFacts) else None


@attrs.frozen
class _Base:
    pset: PolicySet

    @property
    def labels(self) -> Labels:
        """The labels of the view's language."""
        return Labels(getattr(self, "lang", "en"))

    def cite(self, ids: Iterable[str]) -> tuple[CitedSource, ...]:
        """The sources ``ids`` (those in the set), in the order given."""
        pset = self.pset
        return tuple(CitedSource(pset.source(s)) for s in ids if pset.has_source(s))

    def country_name(self, code: str | None) -> str:
        """A country's name in the view's language (the code itself when unknown; ``""``
        for ``None``)."""
        if code is None:
            return ""
        pset = self.pset
        return self.labels.country_name(pset.country(code)) if pset.has_country(code) else code

    def instrument_name(self, ident: str | None) -> str:
        """An instrument's short name (the id itself when unknown; ``""`` for ``None``)."""
        if ident is None:
            return ""
        pset = self.pset
        if not pset.has_instrument(ident):
            return ident
        return self.labels.instrument_name(pset.instrument(ident))

    def mou_rows(self, mous: Sequence[Mou]) -> tuple[MouRow, ...]:
        """``mous`` ready to lay out."""
        unknown = self.labels("cell.unknown")
        return tuple(
            MouRow(
                m,
                tuple(self.country_name(p) for p in m.parties),
                str(m.signed) if m.signed else unknown,
                tuple(self._mou_title(ident) for ident in m.supersedes),
            )
            for m in mous
        )

    def _mou_title(self, ident: str) -> str:
        """An MOU named by its title and the year it was signed (``ident`` itself when it
        is not in the set)."""
        pset = self.pset
        try:
            other = pset.mou(ident)
        except UsageError:
            return ident
        return f"{other.title} ({other.signed})" if other.signed else other.title

    def event_rows(self, events: Sequence[Event]) -> tuple[EventRow, ...]:
        """``events`` ready to lay out."""
        out = []
        for e in events:
            name = self.country_name(e.country)
            out.append(EventRow(e, name, ", ".join(p for p in (e.city, name) if p)))
        return tuple(out)

    def observation_rows(self, observations: Sequence[Observation]) -> tuple[ObservationRow, ...]:
        """``observations`` ready to lay out."""
        labels = self.labels
        out = []
        for o in observations:
            country = self.country_name(o.country)
            inst = self.instrument_name(o.instrument)
            kind = labels(f"obskind.{o.kind.value}")
            year = o.adopted_year or o.published_year
            head = [country, o.body.value, kind]
            if inst:
                head.append(inst)
            if year:
                head.append(str(year))
            out.append(ObservationRow(o, country, inst, kind, year, tuple(head)))
        return tuple(out)

    def status_cell(
        self,
        country: Country,
        instrument: Instrument,
        cell: Cell,
        as_of: dt.date | None,
        observations: tuple[Observation, ...] = (),
        labels: Labels | None = None,
        texts: dict[tuple[Status, dt.date | None], StatusText] | None = None,
        cites: dict[tuple[str, ...], tuple[CitedSource, ...]] | None = None,
    ) -> StatusCell:
        """A matrix cell made ready: its words, sources, authority and confirmation
        (``texts`` and ``cites`` memoise wordings and source lists met before)."""
        pset = self.pset
        ids = cell.source_ids(as_of)
        if cites is None:
            cited = self.cite(ids)
        else:
            got = cites.get(ids)
            cited = got if got is not None else cites.setdefault(ids, self.cite(ids))
        confirmed = pset.cell_confirmed_as_of(cell, as_of)
        status = cell.status
        if texts is None:
            text = status_text(status, confirmed, labels or self.labels)
        else:
            key = (status, confirmed)
            found = texts.get(key)
            if found is None:
                found = texts[key] = status_text(status, confirmed, labels or self.labels)
            text = found
        return StatusCell(
            country,
            instrument,
            status,
            text,
            ids,
            pset.authority_of(ids),
            confirmed,
            observations,
            cited,
        )


class _LatestWords:
    """Words the cells of the latest facts (:class:`LatestFacts`) in one language, each
    kind and action's cell word looked up once."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        # by the values of a kind and action: the members, the cell word, and whether
        # the text is the word and the date
        self.kinds: dict[tuple[str, str | None], tuple[StatusKind, ActionKind | None, str, bool]]
        self.kinds = {}
        self.earliest: dict[str, str] = {}  # the first day of a date, by the date

    def _kind(
        self, kind_value: str, via_value: str | None
    ) -> tuple[StatusKind, ActionKind | None, str, bool]:
        """The members of a kind and action (by value), their cell word and whether the
        text is the word and the date (a party by an action, as :func:`_status_text`
        words it)."""
        found = self.kinds.get((kind_value, via_value))
        if found is None:
            kind = STATUS_KINDS[kind_value]
            via = ACTION_KINDS[via_value] if via_value is not None else None
            found = self.kinds[(kind_value, via_value)] = (
                kind,
                via,
                self.labels.cell_word_of(kind, via),
                kind is StatusKind.PARTY and via is not None,
            )
        return found

    def text(self, facts: LatestFacts) -> StatusText:
        """:func:`status_text` of the cell ``facts`` describe."""
        kind, via = facts.kind, facts.via
        word = self._kind(kind._value_, via._value_ if via is not None else None)[2]
        return _status_text(
            kind, via, facts.date, facts.in_force, facts.confirmed, word, self.labels
        )

    def face(self, plain: PlainFacts, observations: tuple[Observation, ...]) -> CellFace:
        """The face of the cell whose facts are ``plain`` (:meth:`LatestFacts.plain`),
        worded as :meth:`text` words it."""
        kind_value, via_value, date, _signed, in_force, sources, confirmed, authority = plain
        found = self.kinds.get((kind_value, via_value)) or self._kind(kind_value, via_value)
        kind, via, word, plain_party = found
        if plain_party:  # as _status_text words a party by an action: the word and date
            text = f"{word} {date}" if date else word
        else:
            text = _status_text(kind, via, date, in_force, confirmed, word, self.labels).text
        earliest = None
        if date is not None:
            earliest = self.earliest.get(date)
            if earliest is None:
                earliest = self.earliest[date] = first_day_iso(date)
        return _new_face(
            CellFace,
            (
                text,
                kind,
                via,
                earliest,
                sources,
                AUTHORITIES[authority] if authority is not None else None,
                observations,
            ),
        )


def _observation_index(
    pset: PolicySet, as_of: dt.date | None
) -> Mapping[tuple[str, str], tuple[Observation, ...]]:
    """The observations on each (country, instrument) up to ``as_of``, in the order
    :meth:`PolicySet.observations_for` gives them."""
    index: dict[tuple[str, str], list[Observation]] = {}
    for o in pset.observations_for(until=as_of):
        if o.instrument is not None:
            index.setdefault((o.country, o.instrument), []).append(o)
    return {k: tuple(v) for k, v in index.items()}


@attrs.frozen
class TableView(_Base):
    """A ratification matrix: countries x instruments as of a date."""

    matrix: Matrix
    lang: str = "en"
    kind: str = attrs.field(default="table", init=False)

    def rows(self) -> tuple[MatrixRow, ...]:
        """One row per instrument, a :class:`StatusCell` per country (table order)."""
        cells = self._cells()
        m = self.matrix
        return tuple(
            MatrixRow(inst, tuple(cells[(c.code, inst.id)] for c in m.countries))
            for inst in m.instruments
        )

    def faces(self) -> tuple[tuple[CellFace, ...], ...]:
        """One row per instrument, a :class:`CellFace` per country (table order): what
        :meth:`rows` gives, reduced to what a table lays out. As of the latest facts each
        face comes straight from the set's derived cells (:meth:`PolicySet.latest`)."""
        m = self.matrix
        if m.as_of is not None:
            return tuple(tuple(CellFace.of(c) for c in row.cells) for row in self.rows())
        obs = _observation_index(self.pset, None)
        labels = self.labels
        make = self.status_cell
        cells = m.cells
        # cells made only when asked for: their plain facts, read directly
        latest, fixable = cells.plain_parts() if isinstance(cells, LatestCells) else ({}, None)
        texts: dict[tuple[Status, dt.date | None], StatusText] = {}
        cites: dict[tuple[str, ...], tuple[CitedSource, ...]] = {}
        wording = _LatestWords(labels)
        shared: dict[int, CellFace] = {}  # a cell object met again (the one unknown cell)
        rows = []
        with without_gc():  # many small objects, no cycles
            face_of = wording.face
            unknown: CellFace | None = None  # the face of a cell without facts
            for inst in m.instruments:
                ident = inst.id
                direct = fixable is not None and ident not in fixable
                row = []
                for c in m.countries:
                    key = (c.code, ident)
                    seen = obs.get(key, ()) if obs else ()
                    if direct:
                        plain = latest.get(key)
                        if plain is not None:
                            row.append(face_of(plain, seen))
                            continue
                        if not seen and unknown is not None:  # no facts: the unknown cell
                            row.append(unknown)
                            continue
                    cell = cells[key]
                    facts = cell.facts
                    if facts is None:
                        face = shared.get(id(cell)) if not seen else None
                        if face is None:
                            face = CellFace.of(
                                make(c, inst, cell, None, seen, labels, texts, cites)
                            )
                            if not seen and not cell.has_participation:
                                shared[id(cell)] = face
                        if direct and not seen:
                            unknown = face
                        row.append(face)
                        continue
                    row.append(face_of(facts.plain(), seen))
                rows.append(tuple(row))
        return tuple(rows)

    def coverage(self, faces: Sequence[Sequence[CellFace]] | None = None) -> tuple[int, int]:
        """``(known cells, all cells)`` of the matrix (:meth:`Matrix.coverage`), counted
        on its ``faces`` (:meth:`faces`) when they are given and the table names no
        country or instrument twice."""
        m = self.matrix
        if faces is None or len(m.cells) != len(m.countries) * len(m.instruments):
            return m.coverage()
        unknown = StatusKind.UNKNOWN
        return sum(1 for row in faces for face in row if face.kind is not unknown), len(m.cells)

    def cells(self) -> tuple[StatusCell, ...]:
        """Every cell, country by country (each country's instruments in table order)."""
        cells = self._cells()
        m = self.matrix
        return tuple(cells[(c.code, inst.id)] for c in m.countries for inst in m.instruments)

    def _cells(self) -> dict[tuple[str, str], StatusCell]:
        m = self.matrix
        obs = _observation_index(self.pset, m.as_of)
        labels = self.labels
        make = self.status_cell
        as_of = m.as_of
        cells = m.cells
        texts: dict[tuple[Status, dt.date | None], StatusText] = {}
        cites: dict[tuple[str, ...], tuple[CitedSource, ...]] = {}
        wording = _LatestWords(labels)
        # a cell object of the matrix met again (the one unknown cell) reads the same
        shared: dict[int, StatusCell] = {}
        out: dict[tuple[str, str], StatusCell] = {}
        with without_gc():  # many small objects, no cycles
            for c in m.countries:
                for inst in m.instruments:
                    key = (c.code, inst.id)
                    cell = cells[key]
                    facts = cell.facts if as_of is None else None
                    if facts is None:
                        same = shared.get(id(cell)) if not cell.has_participation else None
                        if same is None:
                            made = make(
                                c, inst, cell, as_of, obs.get(key, ()), labels, texts, cites
                            )
                            if not cell.has_participation:  # the one unknown cell, say
                                shared[id(cell)] = made
                        else:  # what the matrix's other cells of this object say
                            made = StatusCell(
                                c,
                                inst,
                                same.status,
                                same.text,
                                same.sources,
                                same.authority,
                                same.confirmed_as_of,
                                obs.get(key, ()),
                                same.cited,
                            )
                        out[key] = made
                        continue
                    ids = facts.sources
                    cited = cites.get(ids)
                    if cited is None:
                        cited = cites[ids] = self.cite(ids)
                    out[key] = StatusCell(
                        c,
                        inst,
                        facts,
                        wording.text(facts),
                        ids,
                        facts.authority,
                        facts.confirmed,
                        obs.get(key, ()),
                        cited,
                    )
        return out


@attrs.frozen
class DatasetView(_Base):
    """The whole dataset (or a loaded subset): every record and its sources."""

    lang: str = "en"
    kind: str = attrs.field(default="dataset", init=False)

    def table(self) -> TableView:
        """The table of every country and every instrument, as of the latest facts."""
        pset = self.pset
        m = pset.matrix([c.code for c in pset.countries], [i.id for i in pset.instruments])
        return TableView(pset, m, self.lang)

    def mous(self) -> tuple[MouRow, ...]:
        """Every MOU, ready to lay out."""
        return self.mou_rows(self.pset.mous)

    def events(self) -> tuple[EventRow, ...]:
        """Every event, ready to lay out."""
        return self.event_rows(self.pset.events)

    def observations(self) -> tuple[ObservationRow, ...]:
        """Every observation, ready to lay out."""
        return self.observation_rows(self.pset.observations)

    def participation_facts(self) -> tuple[tuple[Participation, PlainFacts], ...]:
        """Every participation with its current status as plain values (as of the latest
        facts, :meth:`~gmspolicy.query.policyset.PolicySet.latest_plain`): what
        :meth:`participation_rows` says, without a row object per participation (a
        world feed has 56,000)."""
        latest = self.pset.latest_plain()
        return tuple((p, latest[p.key]) for p in self.pset.participations)

    def participation_rows(self) -> tuple[ParticipationRow, ...]:
        """Every participation with its country, instrument and current status."""
        pset = self.pset
        latest = pset.latest()  # each participation's status as of its latest facts
        countries = {c.code: c for c in pset.countries}
        instruments = {i.id: i for i in pset.instruments}
        return tuple(
            ParticipationRow(
                p,
                countries[p.country],
                instruments[p.instrument],
                latest[(p.country, p.instrument)],
            )
            for p in pset.participations
        )


@attrs.frozen
class EventsView(_Base):
    """A list of forum events."""

    events: tuple[Event, ...]
    lang: str = "en"
    kind: str = attrs.field(default="events", init=False)

    def rows(self) -> tuple[EventRow, ...]:
        """The events, ready to lay out."""
        return self.event_rows(self.events)


@attrs.frozen
class MousView(_Base):
    """A list of MOUs."""

    mous: tuple[Mou, ...]
    lang: str = "en"
    kind: str = attrs.field(default="mous", init=False)

    def rows(self) -> tuple[MouRow, ...]:
        """The MOUs, ready to lay out."""
        return self.mou_rows(self.mous)


@attrs.frozen
class ObservationsView(_Base):
    """A list of supervisory observations."""

    observations: tuple[Observation, ...]
    lang: str = "en"
    kind: str = attrs.field(default="observations", init=False)

    def rows(self) -> tuple[ObservationRow, ...]:
        """The observations, ready to lay out."""
        return self.observation_rows(self.observations)


@attrs.frozen
class ProfileView(_Base):
    """One country's profile: every instrument's status and history, MOUs, observations."""

    country: Country
    as_of: dt.date | None = None
    lang: str = "en"
    kind: str = attrs.field(default="profile", init=False)

    def rows(self) -> tuple[ProfileRow, ...]:
        """One row per instrument of the set: status cell, history, reservations."""
        pset, c, as_of = self.pset, self.country, self.as_of
        labels = self.labels
        m = pset.matrix([c.code], [i.id for i in pset.instruments], as_of)
        obs = _observation_index(pset, as_of)
        out = []
        for inst in pset.instruments:
            cell = m.cell(c.code, inst.id)
            part = pset.participation(c.code, inst.id)
            actions = part.actions_until(as_of) if part is not None else ()
            history = tuple(
                HistoryEntry(
                    a,
                    f"{a.date} {labels.action_word(a.kind)}"
                    + (labels.paren(a.note) if a.note else ""),
                )
                for a in actions
            )
            reservations = tuple(
                r
                for r in (part.reservations if part is not None else ())
                if as_of is None or r.date is None or r.date <= as_of
            )
            out.append(
                ProfileRow(
                    inst,
                    self.status_cell(c, inst, cell, as_of, obs.get((c.code, inst.id), ())),
                    actions,
                    history,
                    reservations,
                )
            )
        return tuple(out)

    def mous(self) -> tuple[MouRow, ...]:
        """The country's MOUs certainly signed by the profile's date."""
        return self.mou_rows(self.pset.mous_for(self.country.code, until=self.as_of))

    def observations(self) -> tuple[ObservationRow, ...]:
        """Every observation on the country up to the profile's date."""
        return self.observation_rows(
            self.pset.observations_for(self.country.code, until=self.as_of)
        )


@attrs.frozen
class ReviewsView(_Base):
    """Reviews (UPR cycles, treaty-body reviews) and where states stand in reporting.

    ``reviews`` are the reviews selected; ``reporting`` the reporting status of each
    state x treaty shown (for ``--overdue``, only the overdue ones); ``as_of`` the date
    asked about (``None``: the latest recorded facts); ``overdue`` is True when the
    reporting table is the point (``gmspolicy reviews --overdue``).
    """

    reviews: tuple[Review, ...]
    reporting: tuple[ReportingSummary, ...] = ()
    as_of: dt.date | None = None
    overdue: bool = False
    lang: str = "en"
    kind: str = attrs.field(default="reviews", init=False)


View = (
    TableView | DatasetView | EventsView | MousView | ObservationsView | ProfileView | ReviewsView
)
"""Any view an exporter may be given."""

VIEW_KINDS: tuple[str, ...] = (
    "table",
    "dataset",
    "events",
    "mous",
    "observations",
    "profile",
    "reviews",
)

__all__ = [
    "SECONDARY_MARK",
    "VIEW_KINDS",
    "CellFace",
    "CitedSource",
    "DatasetView",
    "EventRow",
    "EventsView",
    "HistoryEntry",
    "MatrixRow",
    "MouRow",
    "MousView",
    "ObservationRow",
    "ObservationsView",
    "ParticipationRow",
    "ProfileRow",
    "ProfileView",
    "ReviewsView",
    "StatusCell",
    "StatusText",
    "TableView",
    "View",
    "confirmed_as_of",
    "status_text",
]
