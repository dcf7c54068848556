"""The parts every view is made of: a status cell (:class:`StatusCell`, or its reduced
:class:`CellFace`), its words (:class:`StatusText`) and sources (:class:`CitedSource`), a
table row (:class:`MatrixRow`), and the base every view extends (what a view answers for
any record: names, sources, rows of MOUs, events and observations). See
:mod:`gmspolicy.query.views`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import attrs

from gmspolicy.errors import UsageError
from gmspolicy.i18n import Labels
from gmspolicy.models import (
    ActionKind,
    Authority,
    Country,
    Instrument,
    Observation,
    Source,
    Status,
    StatusKind,
)
from gmspolicy.query.policyset import (
    Cell,
    LatestFacts,
    PolicySet,
)

if TYPE_CHECKING:
    from gmspolicy.models import Event, Mou
    from gmspolicy.query.views.rows import EventRow, MouRow, ObservationRow


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
        from gmspolicy.query.views.rows import MouRow

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
        from gmspolicy.query.views.rows import EventRow

        out = []
        for e in events:
            name = self.country_name(e.country)
            out.append(EventRow(e, name, ", ".join(p for p in (e.city, name) if p)))
        return tuple(out)

    def observation_rows(self, observations: Sequence[Observation]) -> tuple[ObservationRow, ...]:
        """``observations`` ready to lay out."""
        from gmspolicy.query.views.rows import ObservationRow

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
