"""SQLite exporter: the whole dataset as one SQLite database (``gmspolicy export --format
sqlite -o gmspolicy.db``), ready for ``sqlite3``, Datasette or any SQL tool.

Tables (every one with a primary key; every reference a ``FOREIGN KEY``, and
``PRAGMA foreign_key_check`` is empty):

- ``metadata(key, value)``: ``schema_version`` (the JSON feed's version, whose records
  these tables mirror), ``generator`` (``gmspolicy``), ``generator_version``;
- ``sources`` (with ``authority``: depositary, official, secondary or copy);
  ``countries``; ``instruments`` (``parent`` references ``instruments``);
- ``participations`` (one country x one instrument, with its current status derived from
  the actions: ``status``, ``via``, ``status_date``, ``signed``, ``in_force``);
- ``actions`` (signature, ratification... of a participation), ``dated_facts``
  (``entry_into_force`` and ``no_action`` of a participation), ``reservations``
  (reservations and declarations);
- ``mous``, ``mou_parties``, ``mou_supersedes``, ``mou_amends``, ``mou_documents``;
- ``events``, ``event_documents``; ``observations``, ``excerpts``;
- ``reviews`` (UPR cycles and treaty-body reviews; ``review_sources`` with the ``field``
  a source backs, ``NULL`` for the whole record), ``recommendations`` (UPR
  recommendations; ``recommending_states``, ``recommendation_instruments``,
  ``recommendation_sources``), ``reporting`` (reports due and submitted as of a date;
  ``reporting_sources``); a reviews view (``gmspolicy reviews --format sqlite``) holds
  only the reviews shown and adds ``reporting_status`` (the derived status of each state
  and treaty shown);
- ``cell_status`` (one row per country x instrument: the status a table shows, as of the
  latest recorded facts, with ``status_text``, ``country_name`` and ``instrument_name`` in
  the language of ``--lang``) and
  ``cell_sources``;
- the view ``cells``: one readable row per cell (country name, instrument short name,
  status text, date, confirmed as of, source titles and URLs), for Datasette or any SQL
  tool;
- citation link tables, one per kind of record: ``country_sources``,
  ``instrument_sources``, ``action_sources``, ``dated_fact_sources``,
  ``reservation_sources``, ``mou_sources``, ``event_sources``, ``observation_sources``
  (each ``(record, source_id, position)``, position keeping the dataset's order).

Dates are ISO text (``YYYY-MM-DD``; MOU and event dates may be ``YYYY`` or ``YYYY-MM``),
booleans 0/1, lists of plain words (names, tags) JSON arrays. ``research_note`` columns
hold the team's own notes on how a fact was found (the formats for readers never show
them). Closed sets are checked by
``CHECK`` constraints generated from the enums in :mod:`gmspolicy.models`.
The database is built in memory and serialised, so ``render`` writes no file; the same
data gives the same bytes.

Datasette: :func:`datasette_metadata` gives the metadata Datasette reads with ``-m``
(titles, descriptions of every table and view and their columns, ``label_column`` so that
references show short names, links to the sources). ``gmspolicy export --format sqlite -o
NAME.db`` writes it next to the database as ``NAME.metadata.json``; then
``datasette NAME.db -m NAME.metadata.json``.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, assert_never

from gmspolicy._version import __version__
from gmspolicy.errors import ExportError, UsageError
from gmspolicy.exporters.json_export import SCHEMA_VERSION
from gmspolicy.models import (
    ActionKind,
    Authority,
    Body,
    DatePrecision,
    EventSeries,
    Group,
    InstrumentKind,
    MouKind,
    ObservationBody,
    ObservationKind,
    ReservationKind,
    StatusKind,
)
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import (
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    ReviewsView,
    TableView,
    View,
)


def _check(column: str, cls: type[enum.Enum], nullable: bool = False) -> str:
    values = ", ".join("'" + str(m.value).replace("'", "''") + "'" for m in cls)
    test = f"{column} IN ({values})"
    return f"CHECK ({column} IS NULL OR {test})" if nullable else f"CHECK ({test})"


def _link(table: str, column: str, parent: str, parent_key: str, key_type: str) -> str:
    return f"""
CREATE TABLE {table} (
  {column} {key_type} NOT NULL REFERENCES {parent}({parent_key}),
  source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL,
  PRIMARY KEY ({column}, source_id)
);"""


#: The database schema (DDL), in creation order.
DDL = f"""
CREATE TABLE metadata (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  title TEXT NOT NULL,
  publisher TEXT NOT NULL,
  seen TEXT NOT NULL,
  as_of TEXT,
  note TEXT,
  authority TEXT NOT NULL {_check("authority", Authority)},
  research_note TEXT
);
CREATE TABLE countries (
  code TEXT PRIMARY KEY,
  alpha2 TEXT NOT NULL,
  m49 TEXT NOT NULL,
  name TEXT NOT NULL,
  names TEXT NOT NULL,
  "groups" TEXT NOT NULL,
  subdivisions TEXT NOT NULL,
  research_note TEXT
);
CREATE TABLE instruments (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL {_check("body", Body)},
  kind TEXT NOT NULL {_check("kind", InstrumentKind)},
  title TEXT NOT NULL,
  short_name TEXT NOT NULL,
  adopted TEXT,
  entry_into_force TEXT,
  parent TEXT REFERENCES instruments(id),
  requires_parent INTEGER NOT NULL,
  binding INTEGER NOT NULL,
  tags TEXT NOT NULL,
  url TEXT,
  reference TEXT,
  open_to TEXT {_check("open_to", Group, nullable=True)},
  research_note TEXT
);
CREATE TABLE participations (
  id INTEGER PRIMARY KEY,
  country TEXT NOT NULL REFERENCES countries(code),
  instrument TEXT NOT NULL REFERENCES instruments(id),
  status TEXT NOT NULL {_check("status", StatusKind)},
  via TEXT {_check("via", ActionKind, nullable=True)},
  status_date TEXT,
  signed TEXT,
  in_force TEXT,
  UNIQUE (country, instrument)
);
CREATE TABLE actions (
  id INTEGER PRIMARY KEY,
  participation_id INTEGER NOT NULL REFERENCES participations(id),
  kind TEXT NOT NULL {_check("kind", ActionKind)},
  date TEXT NOT NULL,
  precision TEXT NOT NULL {_check("precision", DatePrecision)},
  note TEXT,
  research_note TEXT
);
CREATE TABLE dated_facts (
  id INTEGER PRIMARY KEY,
  participation_id INTEGER NOT NULL REFERENCES participations(id),
  kind TEXT NOT NULL CHECK (kind IN ('entry_into_force', 'no_action')),
  date TEXT NOT NULL,
  note TEXT,
  research_note TEXT,
  UNIQUE (participation_id, kind)
);
CREATE TABLE reservations (
  id INTEGER PRIMARY KEY,
  participation_id INTEGER NOT NULL REFERENCES participations(id),
  kind TEXT NOT NULL {_check("kind", ReservationKind)},
  text TEXT NOT NULL,
  date TEXT,
  research_note TEXT
);
CREATE TABLE mous (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL {_check("kind", MouKind)},
  title TEXT NOT NULL,
  signed TEXT,
  place TEXT,
  entry_into_force TEXT,
  expiry TEXT,
  tags TEXT NOT NULL,
  note TEXT,
  research_note TEXT
);
CREATE TABLE mou_parties (
  mou_id TEXT NOT NULL REFERENCES mous(id),
  country TEXT NOT NULL REFERENCES countries(code),
  position INTEGER NOT NULL,
  PRIMARY KEY (mou_id, country)
);
CREATE TABLE mou_supersedes (
  mou_id TEXT NOT NULL REFERENCES mous(id),
  superseded_id TEXT NOT NULL REFERENCES mous(id),
  PRIMARY KEY (mou_id, superseded_id)
);
CREATE TABLE mou_amends (
  mou_id TEXT NOT NULL REFERENCES mous(id),
  amended_id TEXT NOT NULL REFERENCES mous(id),
  PRIMARY KEY (mou_id, amended_id)
);
CREATE TABLE mou_documents (
  mou_id TEXT NOT NULL REFERENCES mous(id),
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (mou_id, position)
);
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  series TEXT NOT NULL {_check("series", EventSeries)},
  edition INTEGER,
  title TEXT NOT NULL,
  start TEXT NOT NULL,
  "end" TEXT,
  city TEXT,
  country TEXT REFERENCES countries(code),
  theme TEXT,
  notes TEXT,
  tags TEXT NOT NULL,
  research_note TEXT
);
CREATE TABLE event_documents (
  event_id TEXT NOT NULL REFERENCES events(id),
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (event_id, position)
);
CREATE TABLE observations (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL {_check("body", ObservationBody)},
  kind TEXT NOT NULL {_check("kind", ObservationKind)},
  country TEXT NOT NULL REFERENCES countries(code),
  url TEXT NOT NULL,
  instrument TEXT REFERENCES instruments(id),
  adopted_year INTEGER,
  published_year INTEGER,
  session TEXT,
  symbol TEXT,
  tags TEXT NOT NULL,
  research_note TEXT
);
CREATE TABLE excerpts (
  observation_id TEXT NOT NULL REFERENCES observations(id),
  position INTEGER NOT NULL,
  paragraph TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (observation_id, position)
);
CREATE TABLE cell_status (
  country TEXT NOT NULL REFERENCES countries(code),
  instrument TEXT NOT NULL REFERENCES instruments(id),
  status TEXT NOT NULL {_check("status", StatusKind)},
  via TEXT {_check("via", ActionKind, nullable=True)},
  date TEXT,
  status_text TEXT NOT NULL,
  country_name TEXT NOT NULL,
  instrument_name TEXT NOT NULL,
  confirmed_as_of TEXT,
  authority TEXT,
  PRIMARY KEY (country, instrument)
);
CREATE TABLE cell_sources (
  country TEXT NOT NULL,
  instrument TEXT NOT NULL,
  source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (country, instrument, source_id),
  FOREIGN KEY (country, instrument) REFERENCES cell_status(country, instrument)
);
{_link("country_sources", "country_code", "countries", "code", "TEXT")}
{_link("instrument_sources", "instrument_id", "instruments", "id", "TEXT")}
{_link("action_sources", "action_id", "actions", "id", "INTEGER")}
{_link("dated_fact_sources", "dated_fact_id", "dated_facts", "id", "INTEGER")}
{_link("reservation_sources", "reservation_id", "reservations", "id", "INTEGER")}
{_link("mou_sources", "mou_id", "mous", "id", "TEXT")}
{_link("event_sources", "event_id", "events", "id", "TEXT")}
{_link("observation_sources", "observation_id", "observations", "id", "TEXT")}
"""

#: The ``cells`` view: one readable row per country x instrument.
CELLS_VIEW = """
CREATE VIEW cells AS
SELECT
  s.country_name AS country,
  s.instrument_name AS instrument,
  s.status_text AS status_text,
  s.date AS date,
  s.confirmed_as_of AS confirmed_as_of,
  (SELECT group_concat(title, '; ') FROM (
     SELECT src.title AS title FROM cell_sources x JOIN sources src ON src.id = x.source_id
     WHERE x.country = s.country AND x.instrument = s.instrument ORDER BY x.position
  )) AS sources,
  (SELECT group_concat(url, ' ') FROM (
     SELECT src.url AS url FROM cell_sources x JOIN sources src ON src.id = x.source_id
     WHERE x.country = s.country AND x.instrument = s.instrument ORDER BY x.position
  )) AS source_urls,
  s.status AS status,
  s.country AS country_code,
  s.instrument AS instrument_id
FROM cell_status s
JOIN countries c ON c.code = s.country
JOIN instruments i ON i.id = s.instrument
ORDER BY s.country, i.rowid;
"""

#: Every table, in creation order.
TABLES: tuple[str, ...] = tuple(
    line.split()[2] for line in DDL.splitlines() if line.startswith("CREATE TABLE")
)


def _json(values: Iterable[Any]) -> str:
    return json.dumps(
        [v.value if isinstance(v, enum.Enum) else v for v in values], ensure_ascii=False
    )


def _iso(value: object) -> str | None:
    if value is None:
        return None
    iso = getattr(value, "isoformat", None)
    return str(iso()) if iso is not None else str(value)


def _cite(db: sqlite3.Connection, table: str, column: str, key: object, ids: Sequence[str]) -> None:
    # a source cited twice by one record is stored once (its first position)
    first = {sid: n for n, sid in reversed(list(enumerate(ids)))}
    db.executemany(
        f"INSERT INTO {table} ({column}, source_id, position) VALUES (?, ?, ?)",  # noqa: S608
        [(key, sid, n) for sid, n in sorted(first.items(), key=lambda kv: kv[1])],
    )


def _fill_cells(db: sqlite3.Connection, view: DatasetView) -> None:
    """One ``cell_status`` row (and its ``cell_sources``) per country x instrument: the
    cells a table of the whole dataset shows, with their words in the view's language,
    their strongest source authority and when a source last confirmed them."""
    labels = view.labels
    rows = []
    links = []
    for cell in view.table().cells():
        st = cell.status
        c, inst = cell.country, cell.instrument
        rows.append(
            (
                c.code,
                inst.id,
                st.kind.value,
                st.via.value if st.via else None,
                str(st.date) if st.date is not None else None,
                cell.text.text,
                labels.country_name(c),
                labels.instrument_name(inst),
                _iso(cell.confirmed_as_of),
                cell.authority.value if cell.authority is not None else None,
            )
        )
        first = {sid: n for n, sid in reversed(list(enumerate(cell.sources)))}
        links += [
            (c.code, inst.id, sid, n) for sid, n in sorted(first.items(), key=lambda kv: kv[1])
        ]
    db.executemany("INSERT INTO cell_status VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO cell_sources VALUES (?, ?, ?, ?)", links)


def _fill_sources(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert the sources."""
    db.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id,
                s.url,
                s.title,
                s.publisher,
                _iso(s.seen),
                _iso(s.as_of),
                s.note,
                s.authority.value,
                s.research_note,
            )
            for s in pset.sources
        ],
    )


def _fill_countries(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert the countries and what they cite."""
    for c in pset.countries:
        db.execute(
            "INSERT INTO countries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                c.code,
                c.alpha2,
                c.m49,
                c.name,
                _json(c.names),
                _json(c.groups),
                _json(c.subdivisions),
                c.research_note,
            ),
        )
        _cite(db, "country_sources", "country_code", c.code, c.sources)


def _fill_instruments(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert the instruments and what they cite."""
    for i in pset.instruments:
        db.execute(
            "INSERT INTO instruments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                i.id,
                i.body.value,
                i.kind.value,
                i.title,
                i.short_name,
                _iso(i.adopted),
                _iso(i.entry_into_force),
                i.parent,
                int(i.requires_parent),
                int(i.binding),
                _json(i.tags),
                i.url,
                i.reference,
                i.open_to.value if i.open_to else None,
                i.research_note,
            ),
        )
        _cite(db, "instrument_sources", "instrument_id", i.id, i.sources)


def _fill_participations(db: sqlite3.Connection, view: DatasetView) -> None:
    """Insert the participations with their actions, dated facts and reservations, and
    what they cite."""
    for pid, row in enumerate(view.participation_rows(), start=1):
        part, st = row.participation, row.current
        db.execute(
            "INSERT INTO participations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pid,
                part.country,
                part.instrument,
                st.kind.value,
                st.via.value if st.via else None,
                _iso(st.date),
                _iso(st.signed),
                _iso(st.in_force),
            ),
        )
        for a in part.actions:
            cur = db.execute(
                "INSERT INTO actions (participation_id, kind, date, precision, note, "
                "research_note) VALUES (?, ?, ?, ?, ?, ?)",
                (pid, a.kind.value, str(a.date), a.date.precision.value, a.note, a.research_note),
            )
            _cite(db, "action_sources", "action_id", cur.lastrowid, a.sources)
        for word, fact in (
            ("entry_into_force", part.entry_into_force),
            ("no_action", part.no_action),
        ):
            if fact is None:
                continue
            cur = db.execute(
                "INSERT INTO dated_facts (participation_id, kind, date, note, research_note) "
                "VALUES (?, ?, ?, ?, ?)",
                (pid, word, _iso(fact.date), fact.note, fact.research_note),
            )
            _cite(db, "dated_fact_sources", "dated_fact_id", cur.lastrowid, fact.sources)
        for r in part.reservations:
            cur = db.execute(
                "INSERT INTO reservations (participation_id, kind, text, date, research_note) "
                "VALUES (?, ?, ?, ?, ?)",
                (pid, r.kind.value, r.text, _iso(r.date), r.research_note),
            )
            _cite(db, "reservation_sources", "reservation_id", cur.lastrowid, r.sources)


def _fill_mous(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert the MOUs, then their parties, links, documents and sources."""
    for m in pset.mous:
        db.execute(
            "INSERT INTO mous VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.id,
                m.kind.value,
                m.title,
                _iso(m.signed),
                m.place,
                _iso(m.entry_into_force),
                _iso(m.expiry),
                _json(m.tags),
                m.note,
                m.research_note,
            ),
        )
    for m in pset.mous:  # after every MOU exists: supersedes and amends refer to others
        first = {p: n for n, p in reversed(list(enumerate(m.parties)))}
        db.executemany(
            "INSERT INTO mou_parties VALUES (?, ?, ?)",
            [(m.id, p, n) for p, n in sorted(first.items(), key=lambda kv: kv[1])],
        )
        db.executemany(
            "INSERT OR IGNORE INTO mou_supersedes VALUES (?, ?)",
            [(m.id, ref) for ref in m.supersedes],
        )
        db.executemany(
            "INSERT OR IGNORE INTO mou_amends VALUES (?, ?)", [(m.id, ref) for ref in m.amends]
        )
        db.executemany(
            "INSERT INTO mou_documents VALUES (?, ?, ?, ?)",
            [(m.id, n, d.title, d.url) for n, d in enumerate(m.documents)],
        )
        _cite(db, "mou_sources", "mou_id", m.id, m.sources)


def _fill_events(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert the events, their documents and what they cite."""
    for e in pset.events:
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.id,
                e.series.value,
                e.edition,
                e.title,
                _iso(e.start),
                _iso(e.end),
                e.city,
                e.country,
                e.theme,
                e.notes,
                _json(e.tags),
                e.research_note,
            ),
        )
        db.executemany(
            "INSERT INTO event_documents VALUES (?, ?, ?, ?)",
            [(e.id, n, d.title, d.url) for n, d in enumerate(e.outcome_documents)],
        )
        _cite(db, "event_sources", "event_id", e.id, e.sources)


def _fill_observations(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert the observations, their excerpts and what they cite."""
    for o in pset.observations:
        db.execute(
            "INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                o.id,
                o.body.value,
                o.kind.value,
                o.country,
                o.url,
                o.instrument,
                o.adopted_year,
                o.published_year,
                o.session,
                o.symbol,
                _json(o.tags),
                o.research_note,
            ),
        )
        db.executemany(
            "INSERT INTO excerpts VALUES (?, ?, ?, ?)",
            [(o.id, n, x.paragraph, x.text) for n, x in enumerate(o.excerpts)],
        )
        _cite(db, "observation_sources", "observation_id", o.id, o.sources)


def fill(db: sqlite3.Connection, view: DatasetView) -> None:
    """Create the tables in ``db`` and insert every record of the view's dataset (in one
    transaction; ``db`` should be in autocommit mode, ``isolation_level=None``); cell texts
    in the view's language."""
    pset = view.pset
    db.executescript(DDL + CELLS_VIEW)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("schema_version", SCHEMA_VERSION),
            ("generator", "gmspolicy"),
            ("generator_version", __version__),
        ],
    )
    _fill_sources(db, pset)
    _fill_countries(db, pset)
    _fill_instruments(db, pset)
    _fill_participations(db, view)
    _fill_mous(db, pset)
    _fill_events(db, pset)
    _fill_observations(db, pset)
    from gmspolicy.exporters._reviews import fill_reviews

    fill_reviews(db, pset)
    _fill_cells(db, view)


def database_bytes(data: PolicySet | DatasetView, reviews: ReviewsView | None = None) -> bytes:
    """The SQLite database of a dataset (a :class:`DatasetView` or a whole
    :class:`PolicySet`), as the bytes of a database file; with ``reviews``, only its
    reviews and their reporting status."""
    view = data if isinstance(data, DatasetView) else DatasetView(data)
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        # references are checked once, at the end: records may refer to later ones
        db.execute("PRAGMA foreign_keys = OFF")
        if reviews is None:
            fill(db, view)
        else:
            from gmspolicy.exporters._reviews import fill_reviews_view

            lang = view.lang
            fill_reviews_view(db, reviews, lambda db_, pset: fill(db_, DatasetView(pset, lang)))
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # a validated PolicySet cannot get here; never ship a broken file
            db.execute("ROLLBACK")
            raise ExportError(f"sqlite export: broken references {problems[:5]!r}")
        db.execute("COMMIT")
        db.execute("VACUUM")
        return bytes(db.serialize())
    finally:
        db.close()


#: Descriptions of the tables and views, and of their columns, for Datasette.
_TABLE_DOCS: dict[str, tuple[str, dict[str, str]]] = {
    "cells": (
        "The ratification table, one row per country and instrument: what a gmspolicy "
        'table shows in each cell, as of the latest recorded facts. "unknown" means not '
        'yet confirmed in a source, never "not party".',
        {
            "country": "The country's name (in the language the export was made in).",
            "instrument": "The instrument's short name (in the language the export was made in).",
            "status_text": "What the table cell says (in the language the export was made in).",
            "date": "The date the status rests on (YYYY-MM-DD, or YYYY-MM / YYYY when "
            "known only that far); empty when unknown.",
            "confirmed_as_of": "The date a source last confirmed this cell, where recorded.",
            "sources": "The titles of the sources behind the cell, in citation order.",
            "source_urls": "The URLs of those sources, in the same order, separated by spaces.",
            "status": "The status kind (party, signatory, no_action, unknown...).",
            "country_code": "ISO 3166-1 alpha-3 code of the country.",
            "instrument_id": "gmspolicy's id of the instrument (e.g. ILO-C029).",
        },
    ),
    "cell_status": (
        "The status behind each cell of the cells view (codes and ids).",
        {
            "status_text": "What the table cell says.",
            "country_name": "The country's name, as the cells view shows it.",
            "instrument_name": "The instrument's short name, as the cells view shows it.",
            "confirmed_as_of": "The date a source last confirmed the cell, where recorded.",
            "authority": "Who the confirmation comes from, where recorded.",
        },
    ),
    "cell_sources": ("The sources cited by each cell, in citation order.", {}),
    "sources": (
        "Every source cited by a fact: the page or document, who published it, when it was seen.",
        {
            "url": "Address of the source.",
            "seen": "The date the source was read.",
            "as_of": "The date the source says it is current to.",
        },
    ),
    "countries": (
        "Countries (ISO 3166-1 codes, M49, names, groups).",
        {"names": "Other names (JSON array).", "groups": "Groups: GMS, ASEAN (JSON array)."},
    ),
    "instruments": (
        "UN, ILO and ASEAN instruments (conventions, protocols, declarations).",
        {
            "short_name": "The name a table shows.",
            "parent": "The instrument a protocol belongs to.",
            "open_to": "The only group whose members may join, if any.",
        },
    ),
    "participations": (
        "One country and one instrument, with the status derived from the actions.",
        {"status_date": "The date the status rests on."},
    ),
    "actions": ("Signatures, ratifications, accessions... of a participation.", {}),
    "dated_facts": ("Entry into force, and confirmed no action, of a participation.", {}),
    "reservations": ("Reservations and declarations.", {}),
    "mous": ("Bilateral labour memoranda of understanding.", {}),
    "mou_parties": ("The parties to each MOU.", {}),
    "mou_supersedes": ("Which MOU replaced which.", {}),
    "mou_amends": ("Which MOU amended which.", {}),
    "mou_documents": ("The texts of each MOU.", {}),
    "events": ("Regional forums: AFML, GFMD, ACSC/APF, WSFM...", {}),
    "event_documents": ("Outcome documents of each forum.", {}),
    "observations": ("What UN and ILO supervisory bodies told each government.", {}),
    "excerpts": ("Migrant-relevant passages quoted from the observations.", {}),
    "metadata": ("The version of gmspolicy and of the JSON feed these tables mirror.", {}),
}

#: The column Datasette shows for a reference to each table (instead of its key).
_LABEL_COLUMNS: dict[str, str] = {
    "countries": "name",
    "instruments": "short_name",
    "sources": "title",
    "mous": "title",
    "events": "title",
    "cell_status": "status_text",
}


def datasette_metadata(pset: PolicySet, database: str = "gmspolicy") -> dict[str, Any]:
    """Datasette metadata (``datasette DATABASE.db -m FILE.json``) for the database
    ``database`` (its file name without ``.db``): titles, descriptions of the tables, the
    ``cells`` view and their columns, label columns (references show short names and
    titles), and the sources of the data, linked.

    >>> meta = datasette_metadata(PolicySet.build(), "x")
    >>> meta["databases"]["x"]["tables"]["instruments"]["label_column"]
    'short_name'
    """
    tables: dict[str, Any] = {}
    for name, (description, columns) in _TABLE_DOCS.items():
        entry: dict[str, Any] = {"description": description}
        if columns:
            entry["columns"] = dict(columns)
        if name in _LABEL_COLUMNS:
            entry["label_column"] = _LABEL_COLUMNS[name]
        tables[name] = entry
    tables["cells"]["title"] = "Ratification table"
    tables["cells"]["facets"] = ["country", "status"]
    tables["sources"]["title"] = "Sources"
    for link in (t for t in TABLES if t.endswith("_sources") and t not in tables):
        tables[link] = {"description": f"Sources cited by {link.removesuffix('_sources')}s."}
    return {
        "title": "gmspolicy",
        "description": (
            "Which governments of the Greater Mekong Subregion and ASEAN signed, ratified or "
            "acceded to UN, ILO and ASEAN instruments, with labour MOUs, regional forums and "
            "supervisory observations. Every fact cites a source (see the sources table); "
            'unknown means not yet confirmed, never "not party".'
        ),
        "source": f"gmspolicy {__version__}: {len(pset.sources)} sources, each linked in the "
        "sources table",
        "source_url": f"/{database}/sources",
        "databases": {
            database: {
                "title": "gmspolicy dataset",
                "description": "Start with the cells view: the ratification table, one row "
                "per country and instrument, with its sources.",
                "source": "The sources table (every row links to the page read)",
                "source_url": f"/{database}/sources",
                "tables": tables,
            }
        },
    }


class SqliteExporter:
    """A SQLite database of the whole dataset, with foreign keys (Datasette-ready)."""

    name: ClassVar[str] = "sqlite"
    description: ClassVar[str] = (
        "SQLite database of the whole dataset, with foreign keys (binary: use -o FILE)"
    )
    binary: ClassVar[bool] = True
    views: ClassVar[frozenset[str]] = frozenset({"dataset", "reviews"})

    def render(self, view: View) -> bytes:
        """Render a dataset or reviews view as the bytes of a SQLite database file."""
        match view:
            case DatasetView():
                return database_bytes(view)
            case ReviewsView():
                return database_bytes(DatasetView(view.pset, view.lang), view)
            case TableView() | EventsView() | MousView() | ObservationsView() | ProfileView():
                raise UsageError(
                    f"format 'sqlite' cannot render {view.kind} (it renders: dataset, reviews)"
                )
            case _:
                assert_never(view)
