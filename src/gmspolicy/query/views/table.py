""":class:`TableView`: the ratification matrix, countries by instruments. See
:mod:`gmspolicy.query.views`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from gmspolicy._gc import without_gc
from gmspolicy.dates import first_day_iso
from gmspolicy.i18n import Labels
from gmspolicy.models import (
    ActionKind,
    Observation,
    Status,
    StatusKind,
)
from gmspolicy.query.policyset import (
    ACTION_KINDS,
    AUTHORITIES,
    STATUS_KINDS,
    LatestCells,
    LatestFacts,
    Matrix,
    PlainFacts,
)
from gmspolicy.query.views.cells import (
    CellFace,
    CitedSource,
    MatrixRow,
    StatusCell,
    StatusText,
    _Base,
    _new_face,
    _observation_index,
    _status_text,
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
