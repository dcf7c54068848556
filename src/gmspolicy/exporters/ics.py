"""iCalendar exporter: forum events for calendar applications (``gmspolicy events
--format ics``).

Each event becomes an all-day ``VEVENT``:

- ``UID``: the event id + ``@gmspolicy`` (stable: a calendar that subscribes updates the
  event instead of duplicating it);
- ``DTSTART;VALUE=DATE`` the first day, ``DTEND;VALUE=DATE`` the day after the last day
  (iCalendar's end is exclusive); a one-day event (no end recorded) ends the next day;
- ``SUMMARY`` the title; ``LOCATION`` "city, country"; ``CATEGORIES`` the series;
  ``DESCRIPTION`` the theme, the notes and the sources (title, publisher, URL, date seen);
  ``URL`` the first source's URL;
- ``DTSTAMP``: the newest date on which one of the event's sources was seen (midnight
  UTC), never the time of the export, so the same data gives the same bytes.

Events whose start or end date is known only to the month or the year are **not left
out** and never given a guessed day: their entry spans every day the date can mean.

- known to the month (``2016-11``): an all-day entry for the whole month
  (``DTSTART;VALUE=DATE:20161101``, ``DTEND;VALUE=DATE:20161201``);
- known to the year (``2012``): an all-day entry for the whole year
  (``20120101`` to ``20130101``);
- a range whose ends have different precision (``2009-07-30`` to ``2009-08``) spans from
  the first day the start can mean to the last day the end can mean.

Such an entry says so where a person sees it, on the first line of ``DESCRIPTION``
("Date known only to the month (2016-11): this entry spans the whole month."), and where
a program reads it: ``X-GMSPOLICY-PRECISION`` (``month`` or ``year``: the coarsest
precision of its dates) and ``X-GMSPOLICY-DATES`` (the dates as recorded, ``2016-11`` or
``START/END``). It is ``TRANSP:TRANSPARENT``, so a month- or year-long entry never marks
anyone busy. Entries with full dates carry neither property.

The calendar has a human name in ``--lang``'s language ("Forums and events on labour
migration (gmspolicy)", catalog key ``calendar.name``), in both ``NAME`` (RFC 7986) and
``X-WR-CALNAME`` (read by Apple, Google and Outlook).

Text is sanitised for iCalendar: control characters other than tab and line breaks are
dropped (RFC 5545 does not allow them in TEXT values).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, assert_never

from icalendar import Calendar, vText
from icalendar import Event as VEvent

from gmspolicy.errors import UsageError
from gmspolicy.i18n import Labels
from gmspolicy.models import Event
from gmspolicy.query import views as _views
from gmspolicy.query.views import CitedSource, TableView

if TYPE_CHECKING:
    from gmspolicy.query.views import (
        DatasetView,
        EventsView,
        View,
    )

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The iCalendar product identifier.
PRODID = "-//gmspolicy//gmspolicy events//EN"


def clean_text(text: str) -> str:
    """Text allowed in an iCalendar TEXT value: line breaks as ``\\n``, no other controls."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def event_uid(event: Event) -> str:
    """The stable UID of an event: ``ID@gmspolicy``."""
    return f"{event.id}@gmspolicy"


def precision(event: Event) -> str | None:
    """``"year"`` or ``"month"`` when a date of the event is known only that far (the
    coarsest), ``None`` when its dates are full days."""
    dates = [event.start] + ([event.end] if event.end is not None else [])
    if any(d.month is None for d in dates):
        return "year"
    if any(d.day is None for d in dates):
        return "month"
    return None


def recorded_dates(event: Event) -> str:
    """The event's dates as recorded: ``START`` or ``START/END`` (ISO 8601 interval)."""
    if event.end is None or event.end == event.start:
        return str(event.start)
    return f"{event.start}/{event.end}"


def span(event: Event) -> tuple[dt.date, dt.date]:
    """``(first day, day after the last day)`` of the event's entry: every day its dates
    can mean (the whole month or year for a date known only that far)."""
    last = (event.end or event.start).latest()
    return event.start.earliest(), last + dt.timedelta(days=1)


def calendar_name(labels: Labels) -> str:
    """The calendar's human name in the labels' language."""
    return labels("calendar.name")


def _stamp(view: EventsView | DatasetView, event: Event) -> dt.datetime:
    seen = [s.source.seen for s in view.cite(event.sources)]
    if not seen:  # every event in a valid PolicySet cites a source; keep a fixed fallback
        seen = [s.seen for s in view.pset.sources] or [dt.date(1970, 1, 1)]
    day = max(seen)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _description(cited: Sequence[CitedSource], event: Event, labels: Labels) -> str:
    parts: list[str] = []
    if event.theme:
        parts.append(labels("column.theme") + labels.punct("colon") + event.theme)
    if event.notes:
        parts.append(event.notes)
    for doc in event.outcome_documents:
        parts.append(f"{doc.title}: {doc.url}")
    if cited:
        parts.append(labels("heading.sources") + ":")
        for c in cited:
            s = c.source
            seen = labels("source.seen", date=s.seen.isoformat())
            parts.append(f"- {s.title}, {s.publisher}, {s.url} ({seen})")
    return "\n".join(parts)


def calendar(view: EventsView | DatasetView) -> Calendar:
    """The calendar of the view's events: one all-day entry each, spanning the month or
    year of a date known only that far."""
    rows = view.rows() if isinstance(view, _views.EventsView) else view.events()
    labels = view.labels
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = calendar_name(labels)
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    for row in rows:
        event = row.event
        start, end = span(event)
        coarse = precision(event)
        cited = view.cite(event.sources)
        ve = VEvent()
        ve.add("uid", event_uid(event))
        ve.add("dtstamp", _stamp(view, event))
        ve.add("dtstart", start)
        ve.add("dtend", end)
        ve.add("summary", clean_text(event.title))
        if row.place:
            ve.add("location", clean_text(row.place))
        description = _description(cited, event, labels)
        if coarse is not None:
            note = labels(f"calendar.{coarse}_only", date=recorded_dates(event))
            description = note + ("\n" + description if description else "")
            ve.add("transp", "TRANSPARENT")
            ve.add("x-gmspolicy-precision", coarse)
            ve.add("x-gmspolicy-dates", recorded_dates(event))
        if description:
            ve.add("description", clean_text(description))
        ve.add("categories", [event.series.value])
        if cited:
            ve.add("url", cited[0].source.url)
        cal.add_component(ve)
    return cal


class IcsExporter:
    """iCalendar (RFC 5545): forum events as all-day entries with stable UIDs."""

    name: ClassVar[str] = "ics"
    description: ClassVar[str] = (
        "iCalendar of forum events (all-day, stable UIDs; a date known only to the month or "
        "year spans it)"
    )
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset({"events", "dataset", "reviews"})

    def render(self, view: View) -> str:
        """Render an events (or dataset) view as iCalendar text; a reviews view as the
        calendar of its reviews and report due dates."""
        match view:
            case _views.EventsView() | _views.DatasetView():
                text: str = calendar(view).to_ical().decode("utf-8")
                return text
            case _views.ReviewsView():
                from gmspolicy.exporters._reviews_ics import reviews_calendar

                return reviews_calendar(view)
            case TableView() | _views.MousView() | _views.ObservationsView() | _views.ProfileView():
                raise UsageError(
                    f"format 'ics' cannot render {view.kind} (it renders: dataset, events, reviews)"
                )
            case _:
                assert_never(view)
