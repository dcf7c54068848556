"""The ICS export read by two independent calendar libraries (icalendar and vobject):
events known only to the month or the year are entries spanning that month or year, say so
in their description and in ``X-GMSPOLICY-*`` properties, and the calendar has a human
name (``NAME`` and ``X-WR-CALNAME``) in the language asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject

import gmspolicy
from gmspolicy.dataset import load_dataset
from gmspolicy.exporters.ics import IcsExporter
from gmspolicy.i18n import LANGUAGES, Labels
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import EventsView

EVENTS = """\
- id: AFML-2009
  series: AFML
  edition: 2
  title: 2nd ASEAN Forum on Migrant Labour
  start: 2009-07-30
  end: 2009-07-31
  city: Bangkok
  country: THA
  sources: [s1]
- id: AFML-2016
  series: AFML
  edition: 9
  title: 9th ASEAN Forum on Migrant Labour
  start: 2016-11
  city: Vientiane
  country: LAO
  sources: [s1]
- id: AFML-2012
  series: AFML
  edition: 5
  title: 5th ASEAN Forum on Migrant Labour
  start: 2012
  sources: [s2]
- id: GFMD-2012
  series: GFMD
  title: A forum from a known day to a month
  start: 2012-12-30
  end: 2013-01
  sources: [s1]
- id: ACSC-2020
  series: ACSC-APF
  title: Leap-year February
  start: 2020-02
  sources: [s1]
"""

#: id -> (first day, day after the last day, precision, dates as recorded)
EXPECTED: dict[str, tuple[dt.date, dt.date, str | None, str | None]] = {
    "AFML-2009": (dt.date(2009, 7, 30), dt.date(2009, 8, 1), None, None),
    "AFML-2016": (dt.date(2016, 11, 1), dt.date(2016, 12, 1), "month", "2016-11"),
    "AFML-2012": (dt.date(2012, 1, 1), dt.date(2013, 1, 1), "year", "2012"),
    "GFMD-2012": (dt.date(2012, 12, 30), dt.date(2013, 2, 1), "month", "2012-12-30/2013-01"),
    "ACSC-2020": (dt.date(2020, 2, 1), dt.date(2020, 3, 1), "month", "2020-02"),
}

NOTES = {
    "AFML-2016": "Date known only to the month (2016-11): this entry spans the whole month.",
    "AFML-2012": "Date known only to the year (2012): this entry spans the whole year.",
    "GFMD-2012": (
        "Date known only to the month (2012-12-30/2013-01): this entry spans the whole month."
    ),
    "ACSC-2020": "Date known only to the month (2020-02): this entry spans the whole month.",
}


@pytest.fixture
def pset(make_dataset: Callable[..., Path]) -> PolicySet:
    return load_dataset(make_dataset(events_yaml=EVENTS))


def render(pset: PolicySet, lang: str = "en") -> str:
    out = IcsExporter().render(EventsView(pset, pset.events, lang))
    assert isinstance(out, str)
    return out


def with_icalendar(text: str) -> dict[str, dict[str, Any]]:
    cal = icalendar.Calendar.from_ical(text)
    out = {}
    for e in cal.walk("VEVENT"):
        out[str(e["UID"]).removesuffix("@gmspolicy")] = {
            "start": e["DTSTART"].dt,
            "end": e["DTEND"].dt,
            "precision": str(e["X-GMSPOLICY-PRECISION"]) if "X-GMSPOLICY-PRECISION" in e else None,
            "dates": str(e["X-GMSPOLICY-DATES"]) if "X-GMSPOLICY-DATES" in e else None,
            "transp": str(e["TRANSP"]) if "TRANSP" in e else None,
            "description": str(e["DESCRIPTION"]),
            "summary": str(e["SUMMARY"]),
        }
    return out


def with_vobject(text: str) -> dict[str, dict[str, Any]]:
    cal = vobject.readOne(text)
    out = {}
    for e in cal.vevent_list:
        props = e.contents

        def one(name: str, props: dict[str, Any] = props) -> Any:
            return props[name][0].value if name in props else None

        out[one("uid").removesuffix("@gmspolicy")] = {
            "start": one("dtstart"),
            "end": one("dtend"),
            "precision": one("x-gmspolicy-precision"),
            "dates": one("x-gmspolicy-dates"),
            "transp": one("transp"),
            "description": one("description"),
            "summary": one("summary"),
        }
    return out


@pytest.mark.parametrize("reader", [with_icalendar, with_vobject])
def test_partial_dates_span_their_month_or_year(pset: PolicySet, reader: Any) -> None:
    events = reader(render(pset))
    assert set(events) == set(EXPECTED)
    for ident, (start, end, precision, dates) in EXPECTED.items():
        e = events[ident]
        assert (e["start"], e["end"], e["precision"], e["dates"]) == (start, end, precision, dates)
        assert type(e["start"]) is dt.date  # all-day entries, never a time of day
        assert type(e["end"]) is dt.date
        if precision is None:
            assert e["transp"] is None
            assert not e["description"].startswith("Date known only")
        else:
            assert e["transp"] == "TRANSPARENT"
            assert e["description"].split("\n")[0] == NOTES[ident]


@pytest.mark.parametrize("reader", [with_icalendar, with_vobject])
def test_every_bundled_event_has_an_entry(reader: Any) -> None:
    bundled = gmspolicy.load_dataset()
    events = reader(render(bundled))
    assert len(events) == len(bundled.events)
    partial = 0
    for ev in bundled.events:
        e = events[ev.id]
        assert e["summary"] == ev.title
        assert e["start"] == ev.start.earliest()
        assert e["end"] == (ev.end or ev.start).latest() + dt.timedelta(days=1)
        if not ev.start.is_full or (ev.end is not None and not ev.end.is_full):
            partial += 1
            assert e["precision"] in ("month", "year")
            assert e["dates"].split("/")[0] == str(ev.start)
        else:
            assert e["precision"] is None
    assert partial > 0  # the bundled data has events known only to the month or year


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calendar_has_a_human_name(pset: PolicySet, lang: str) -> None:
    text = render(pset, lang)
    name = Labels(lang)("calendar.name")
    assert "gmspolicy" in name
    assert name != f"gmspolicy {gmspolicy.__version__}"
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["NAME"]) == name
    assert str(cal["X-WR-CALNAME"]) == name
    vcal = vobject.readOne(text)
    assert vcal.contents["x-wr-calname"][0].value == name
    assert vcal.contents["name"][0].value == name
    if lang != "en":
        assert name != Labels("en")("calendar.name")
        # the note on a partial date is in the same language, with the recorded date in it
        note = with_icalendar(text)["AFML-2016"]["description"].split("\n")[0]
        assert note == Labels(lang)("calendar.month_only", date="2016-11")
        assert note != NOTES["AFML-2016"]
