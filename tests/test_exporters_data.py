"""The data exporters: csv, ics and sqlite."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings

import gmspolicy
from gmspolicy.dataset import load_dataset
from gmspolicy.exporters.csv_export import DATASET_COLUMNS, CsvExporter, safe_field
from gmspolicy.exporters.ics import IcsExporter
from gmspolicy.exporters.sqlite import TABLES, SqliteExporter
from gmspolicy.i18n import Labels
from gmspolicy.plugins import exporters
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import DatasetView, EventsView, MousView, TableView
from gmspolicy.testing import check_exporter, hostile_texts, policysets

EVENTS = """\
- id: AFML-2009
  series: AFML
  edition: 2
  title: 2nd ASEAN Forum on Migrant Labour
  start: 2009-07-30
  end: 2009-07-31
  city: Bangkok
  country: THA
  theme: Protecting migrant workers; "decent work", for all
  sources: [s1, s2]
- id: AFML-2008
  series: AFML
  edition: 1
  title: 1st ASEAN Forum on Migrant Labour
  start: 2008-04
  city: Manila
  sources: [s1]
- id: GFMD-2010
  series: GFMD
  title: GFMD Mexico
  start: 2010-11-08
  sources: [s1]
"""

SOURCES_SEEN = """\
- id: s1
  url: https://example.org/s1
  title: Source one
  publisher: Example
  authority: official
  seen: 2024-01-31
- id: s2
  url: https://example.org/s2
  title: Source two
  publisher: Example
  authority: official
  seen: 2024-03-15
"""


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return gmspolicy.load_dataset()


def test_registered_through_entry_points() -> None:
    reg = exporters()
    for name in ("csv", "ics", "sqlite"):
        assert reg.get(name).name == name
    assert reg.get("sqlite").binary is True
    assert reg.get("csv").binary is False
    assert reg.get("ics").views == frozenset({"events", "dataset", "reviews"})


# -- csv ---------------------------------------------------------------------------------


def test_csv_dataset_exact(make_dataset: Callable[..., Path]) -> None:
    pset = load_dataset(make_dataset())
    assert CsvExporter().render(DatasetView(pset)) == (
        "country,country_name,instrument,instrument_title,action,date,sources,source_urls,note\r\n"
        "LAO,Lao PDR,CONV,A Convention,no_action,2020-01-01,s2,"
        "https://example.org/s2,not listed\r\n"
        "THA,Thailand,CONV,A Convention,signature,2001-01-01,s1,https://example.org/s1,\r\n"
        "THA,Thailand,CONV,A Convention,ratification,2005-05-05,s1;s2,"
        "https://example.org/s1 https://example.org/s2,\r\n"
    )


def test_csv_reservations_and_entry_into_force(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            "THA,CONV,ratification,2005-05-05,s1,\n"
            "THA,CONV,entry_into_force,2005-06-05,s2,\n"
            'THA,CONV,reservation,,s1,"Article 29, paragraph 1: not bound"\n'
        )
    )
    rows = list(csv.reader(io.StringIO(CsvExporter().render(DatasetView(load_dataset(root))))))
    assert [r[4:7] + r[8:] for r in rows[1:]] == [
        ["ratification", "2005-05-05", "s1", ""],
        ["entry_into_force", "2005-06-05", "s2", ""],
        ["reservation", "", "s1", "Article 29, paragraph 1: not bound"],
    ]


def test_csv_table_one_row_per_cell(make_dataset: Callable[..., Path]) -> None:
    pset = load_dataset(make_dataset())
    view = TableView(pset, pset.matrix(["THA", "LAO"], ["CONV", "PROT"]))
    assert CsvExporter().render(view) == (
        "country,country_name,instrument,instrument_name,status,via,date,sources,source_urls\r\n"
        "THA,Thailand,CONV,Conv,party,ratification,2005-05-05,s1;s2,"
        "https://example.org/s1 https://example.org/s2\r\n"
        "THA,Thailand,PROT,Prot,unknown,,,,\r\n"
        "LAO,Lao PDR,CONV,Conv,no_action,,2020-01-01,s2,"
        "https://example.org/s2\r\n"
        "LAO,Lao PDR,PROT,Prot,unknown,,,,\r\n"
    )


def test_csv_table_as_of_and_language(make_dataset: Callable[..., Path]) -> None:
    pset = load_dataset(make_dataset())
    view = TableView(pset, pset.matrix(["THA"], ["CONV"], dt.date(2003, 1, 1)), "th")
    rows = list(csv.reader(io.StringIO(CsvExporter().render(view))))
    assert rows[1] == [
        "THA",
        "ไทย",
        "CONV",
        "Conv",
        "signatory",
        "",
        "2001-01-01",
        "s1",
        "https://example.org/s1",
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("a=b", "a=b"),
        ("2004-09-27", "2004-09-27"),
        ("", ""),
    ],
)
def test_safe_field(text: str, written: str) -> None:
    assert safe_field(text) == written


def test_csv_formula_injection_in_a_note(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            "THA,CONV,ratification,2005-05-05,s1,\"=cmd|' /C calc'!A0\"\n"
        )
    )
    text = CsvExporter().render(DatasetView(load_dataset(root)))
    assert text.splitlines()[1].endswith(",'=cmd|' /C calc'!A0")


def test_csv_quotes_commas_quotes_and_newlines(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            'THA,CONV,ratification,2005-05-05,s1,"a, ""b""\nc"\n'
        )
    )
    text = CsvExporter().render(DatasetView(load_dataset(root)))
    assert text.endswith(',"a, ""b""\nc"\r\n')


def _unsafe(text: str) -> str:
    return (
        text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text
    )


@given(pset=policysets(hostile_texts))
def test_csv_round_trips_every_fact(pset: PolicySet) -> None:
    text = CsvExporter().render(DatasetView(pset))
    assert text == CsvExporter().render(DatasetView(pset))
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert rows[0] == list(DATASET_COLUMNS)
    body = [[_unsafe(f) for f in r] for r in rows[1:]]
    for row in rows[1:]:
        assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in row)
    expected = []
    for part in pset.participations:
        c, i = pset.country(part.country), pset.instrument(part.instrument)
        head = [c.code, Labels("en").country_name(c), i.id, i.title]
        for a in part.actions:
            expected.append(
                [*head, a.kind.value, a.date.isoformat(), ";".join(a.sources), a.note or ""]
            )
        for word, f in (("entry_into_force", part.entry_into_force), ("no_action", part.no_action)):
            if f is not None:
                expected.append(
                    [*head, word, f.date.isoformat(), ";".join(f.sources), f.note or ""]
                )
        for r in part.reservations:
            expected.append(
                [
                    *head,
                    r.kind.value,
                    r.date.isoformat() if r.date else "",
                    ";".join(r.sources),
                    r.text,
                ]
            )
    got = [[*r[:7], r[8]] for r in body]
    assert sorted(got) == sorted(expected)
    for r in body:
        assert r[7] == " ".join(pset.source(s).url for s in r[6].split(";"))


def test_csv_bundled_dataset(bundled: PolicySet) -> None:
    text = check_exporter(CsvExporter(), DatasetView(bundled))
    assert isinstance(text, str)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    facts = sum(
        len(p.actions)
        + len(p.reservations)
        + (p.entry_into_force is not None)
        + (p.no_action is not None)
        for p in bundled.participations
    )
    assert len(rows) == facts + 1
    assert {r[0] for r in rows[1:]} <= {c.code for c in bundled.countries}


def test_csv_refuses_other_views(bundled: PolicySet) -> None:
    from gmspolicy.errors import UsageError
    from gmspolicy.plugins import render

    with pytest.raises(UsageError) as exc:
        render(CsvExporter(), MousView(bundled, bundled.mous))
    assert str(exc.value) == "format 'csv' cannot render mous (it renders: dataset, reviews, table)"


# -- ics ---------------------------------------------------------------------------------


def test_ics_exact(make_dataset: Callable[..., Path]) -> None:
    pset = load_dataset(make_dataset(events_yaml=EVENTS, sources_yaml=SOURCES_SEEN))
    text = IcsExporter().render(EventsView(pset, pset.events))
    assert text == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//gmspolicy//gmspolicy events//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "NAME:Forums and events on labour migration (gmspolicy)\r\n"
        "X-WR-CALNAME:Forums and events on labour migration (gmspolicy)\r\n"
        "BEGIN:VEVENT\r\n"
        "SUMMARY:1st ASEAN Forum on Migrant Labour\r\n"
        "DTSTART;VALUE=DATE:20080401\r\n"
        "DTEND;VALUE=DATE:20080501\r\n"
        "DTSTAMP:20240131T000000Z\r\n"
        "UID:AFML-2008@gmspolicy\r\n"
        "CATEGORIES:AFML\r\n"
        "DESCRIPTION:Date known only to the month (2008-04): this entry spans the w\r\n"
        " hole month.\\nSources:\\n- Source one\\, Example\\, https://example.org/s1 (se\r\n"
        " en 2024-01-31)\r\n"
        "LOCATION:Manila\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "URL:https://example.org/s1\r\n"
        "X-GMSPOLICY-DATES:2008-04\r\n"
        "X-GMSPOLICY-PRECISION:month\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "SUMMARY:2nd ASEAN Forum on Migrant Labour\r\n"
        "DTSTART;VALUE=DATE:20090730\r\n"
        "DTEND;VALUE=DATE:20090801\r\n"
        "DTSTAMP:20240315T000000Z\r\n"
        "UID:AFML-2009@gmspolicy\r\n"
        "CATEGORIES:AFML\r\n"
        'DESCRIPTION:Theme: Protecting migrant workers\\; "decent work"\\, for all\\nS\r\n'
        " ources:\\n- Source one\\, Example\\, https://example.org/s1 (seen 2024-01-31)\r\n"
        " \\n- Source two\\, Example\\, https://example.org/s2 (seen 2024-03-15)\r\n"
        "LOCATION:Bangkok\\, Thailand\r\n"
        "URL:https://example.org/s1\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "SUMMARY:GFMD Mexico\r\n"
        "DTSTART;VALUE=DATE:20101108\r\n"
        "DTEND;VALUE=DATE:20101109\r\n"
        "DTSTAMP:20240131T000000Z\r\n"
        "UID:GFMD-2010@gmspolicy\r\n"
        "CATEGORIES:GFMD\r\n"
        "DESCRIPTION:Sources:\\n- Source one\\, Example\\, https://example.org/s1 (see\r\n"
        " n 2024-01-31)\r\n"
        "URL:https://example.org/s1\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def _parsed(text: str) -> dict[str, tuple[dt.date, dt.date, str]]:
    cal = icalendar.Calendar.from_ical(text)
    return {
        str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt, str(e["SUMMARY"]))
        for e in cal.walk("VEVENT")
    }


def test_ics_bundled_parses_back(bundled: PolicySet) -> None:
    text = check_exporter(IcsExporter(), EventsView(bundled, bundled.events))
    assert isinstance(text, str)
    events = _parsed(text)
    # every event has an entry; one known only to the month or year spans all of it
    assert len(events) == len(bundled.events) > 0
    for e in bundled.events:
        start, end, summary = events[f"{e.id}@gmspolicy"]
        assert start == e.start.earliest()
        assert end == (e.end or e.start).latest() + dt.timedelta(days=1)
        assert summary == e.title
    assert IcsExporter().render(DatasetView(bundled)) == text


@given(pset=policysets(hostile_texts))
def test_ics_generated_parses_back(pset: PolicySet) -> None:
    text = IcsExporter().render(EventsView(pset, pset.events))
    assert text == IcsExporter().render(EventsView(pset, pset.events))
    events = _parsed(text)
    for e in pset.events:
        start, end, _ = events[f"{e.id}@gmspolicy"]
        assert start == e.start.earliest()
        assert end == (e.end or e.start).latest() + dt.timedelta(days=1)
    assert len(events) == len(pset.events)


# -- sqlite ------------------------------------------------------------------------------


def _open(data: bytes, tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "gmspolicy.db"
    path.write_bytes(data)
    return sqlite3.connect(path)


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _expected_counts(pset: PolicySet) -> dict[str, int]:
    parts = pset.participations
    return {
        "sources": len(pset.sources),
        "countries": len(pset.countries),
        "instruments": len(pset.instruments),
        "participations": len(parts),
        "actions": sum(len(p.actions) for p in parts),
        "dated_facts": sum(
            (p.entry_into_force is not None) + (p.no_action is not None) for p in parts
        ),
        "reservations": sum(len(p.reservations) for p in parts),
        "mous": len(pset.mous),
        "mou_parties": sum(len(set(m.parties)) for m in pset.mous),
        "events": len(pset.events),
        "observations": len(pset.observations),
        "excerpts": sum(len(o.excerpts) for o in pset.observations),
        "action_sources": sum(len(set(a.sources)) for p in parts for a in p.actions),
        "event_sources": sum(len(set(e.sources)) for e in pset.events),
    }


def test_sqlite_bundled(bundled: PolicySet, tmp_path: Path) -> None:
    data = check_exporter(SqliteExporter(), DatasetView(bundled))
    assert isinstance(data, bytes)
    assert data.startswith(b"SQLite format 3\x00")
    db = _open(data, tmp_path)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    counts = _counts(db)
    for table, n in _expected_counts(bundled).items():
        assert counts[table] == n, table
    assert dict(db.execute("SELECT key, value FROM metadata")) == {
        "schema_version": "2.1.0",
        "generator": "gmspolicy",
        "generator_version": gmspolicy.__version__,
    }
    row = db.execute(
        "SELECT p.status, p.via, p.status_date, a.kind, a.date, group_concat(s.url, ' ') "
        "FROM participations p JOIN actions a ON a.participation_id = p.id "
        "JOIN action_sources x ON x.action_id = a.id JOIN sources s ON s.id = x.source_id "
        "WHERE p.country = 'THA' AND p.instrument = 'ILO-C029' GROUP BY a.id"
    ).fetchall()
    assert row == [
        (
            "party",
            "ratification",
            "1969-02-26",
            "ratification",
            "1969-02-26",
            "https://www.ilo.org/dyn/normlex/en/f?p=1000:11200:0::NO:11200:P11200_COUNTRY_ID:102843",
        )
    ]


def test_sqlite_every_table_has_a_primary_key_and_references_are_declared(
    bundled: PolicySet, tmp_path: Path
) -> None:
    db = _open(SqliteExporter().render(DatasetView(bundled)), tmp_path)
    for table in TABLES:
        columns = db.execute(f"PRAGMA table_info({table})").fetchall()
        assert any(c[5] for c in columns), f"{table} has no primary key"
    fks = {(t, r[2], r[3]) for t in TABLES for r in db.execute(f"PRAGMA foreign_key_list({t})")}
    assert ("actions", "participations", "participation_id") in fks
    assert ("participations", "countries", "country") in fks
    assert ("mou_parties", "countries", "country") in fks
    assert ("observation_sources", "sources", "source_id") in fks
    assert ("instruments", "instruments", "parent") in fks


def test_sqlite_checks_closed_sets(bundled: PolicySet, tmp_path: Path) -> None:
    db = _open(SqliteExporter().render(DatasetView(bundled)), tmp_path)
    db.execute("PRAGMA foreign_keys = ON")  # before any statement opens a transaction
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute("UPDATE participations SET status = 'ratified' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        db.execute("UPDATE actions SET participation_id = 999999 WHERE id = 1")


@settings(max_examples=30)  # each example builds a database
@given(pset=policysets(hostile_texts))
def test_sqlite_generated(pset: PolicySet) -> None:
    data = SqliteExporter().render(DatasetView(pset))
    assert data == SqliteExporter().render(DatasetView(pset))
    db = sqlite3.connect(":memory:")
    db.deserialize(data)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    counts = _counts(db)
    for table, n in _expected_counts(pset).items():
        assert counts[table] == n, table
    names = [r[0] for r in db.execute("SELECT name FROM countries ORDER BY code")]
    assert names == [c.name for c in pset.countries]
    tags = [json.loads(r[0]) for r in db.execute("SELECT tags FROM instruments ORDER BY rowid")]
    assert tags == [list(i.tags) for i in pset.instruments]


def test_sqlite_datasette_inspect(bundled: PolicySet, tmp_path: Path) -> None:
    pytest.importorskip("datasette", reason="datasette is not installed (pip install datasette)")
    exe = shutil.which("datasette", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the datasette command is not installed next to this Python")
    path = tmp_path / "gmspolicy.db"
    path.write_bytes(SqliteExporter().render(DatasetView(bundled)))
    done = subprocess.run(
        [exe, "inspect", str(path)], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    tables = json.loads(done.stdout)["gmspolicy"]["tables"]
    from gmspolicy.exporters._reviews import REVIEW_TABLES

    assert sorted(tables) == sorted(TABLES + REVIEW_TABLES)
    assert tables["participations"]["count"] == len(bundled.participations)
