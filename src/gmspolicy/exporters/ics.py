"""iCalendar exporter: forum events for calendar applications (``gmspolicy events
--format ics``).

Each event with a full start date becomes an all-day ``VEVENT``:

- ``UID``: the event id + ``@gmspolicy`` (stable: a calendar that subscribes updates the
  event instead of duplicating it);
- ``DTSTART;VALUE=DATE`` the first day, ``DTEND;VALUE=DATE`` the day after the last day
  (iCalendar's end is exclusive); a one-day event (no end recorded) ends the next day;
- ``SUMMARY`` the title; ``LOCATION`` "city, country"; ``CATEGORIES`` the series;
  ``DESCRIPTION`` the theme, the notes and the sources (title, publisher, URL, date seen);
  ``URL`` the first source's URL;
- ``DTSTAMP``: the newest date on which one of the event's sources was seen (midnight
  UTC), never the time of the export, so the same data gives the same bytes.

Events whose start or end date is known only to the year or the month are **left out**:
an all-day calendar entry needs days, and a guessed day would be shown as a fact. Each
one left out is named in an ``X-GMSPOLICY-SKIPPED`` property of the calendar
(``AFML-2016: start 2016-11 is not a full date``), so a reader can see what is missing.

Text is sanitised for iCalendar: control characters other than tab and line breaks are
dropped (RFC 5545 does not allow them in TEXT values).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import ClassVar, assert_never

from icalendar import Calendar, vText
from icalendar import Event as VEvent

from gmspolicy._version import __version__
from gmspolicy.errors import UsageError
from gmspolicy.i18n import Labels
from gmspolicy.models import Event
from gmspolicy.query.views import (
    CitedSource,
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    TableView,
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


def skip_reason(event: Event) -> str | None:
    """Why an event cannot be an all-day calendar entry, or ``None`` when it can."""
    if not event.start.is_full:
        return f"start {event.start} is not a full date"
    if event.end is not None and not event.end.is_full:
        return f"end {event.end} is not a full date"
    return None


def _stamp(view: EventsView | DatasetView, event: Event) -> dt.datetime:
    seen = [s.source.seen for s in view.cite(event.sources)]
    if not seen:  # every event in a valid PolicySet cites a source; keep a fixed fallback
        seen = [s.seen for s in view.pset.sources] or [dt.date(1970, 1, 1)]
    day = max(seen)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _description(cited: Sequence[CitedSource], event: Event, labels: Labels) -> str:
    parts: list[str] = []
    if event.theme:
        parts.append(f"{labels('column.theme')}: {event.theme}")
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
    """The calendar of the view's events (those without full dates listed as skipped)."""
    rows = view.rows() if isinstance(view, EventsView) else view.events()
    labels = view.labels
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", vText(f"gmspolicy {__version__}"))
    for row in rows:
        reason = skip_reason(row.event)
        if reason is not None:
            cal.add("x-gmspolicy-skipped", vText(clean_text(f"{row.event.id}: {reason}")))
    for row in rows:
        event = row.event
        if skip_reason(event) is not None:
            continue
        start = event.start.to_date()
        assert start is not None
        last = event.end.to_date() if event.end is not None else start
        assert last is not None
        cited = view.cite(event.sources)
        ve = VEvent()
        ve.add("uid", event_uid(event))
        ve.add("dtstamp", _stamp(view, event))
        ve.add("dtstart", start)
        ve.add("dtend", last + dt.timedelta(days=1))
        ve.add("summary", clean_text(event.title))
        if row.place:
            ve.add("location", clean_text(row.place))
        description = _description(cited, event, labels)
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
        "iCalendar of forum events (all-day, stable UIDs; year- or month-only dates skipped)"
    )
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset({"events", "dataset"})

    def render(self, view: View) -> str:
        """Render an events (or dataset) view as iCalendar text."""
        match view:
            case EventsView() | DatasetView():
                text: str = calendar(view).to_ical().decode("utf-8")
                return text
            case TableView() | MousView() | ObservationsView() | ProfileView():
                raise UsageError(
                    f"format 'ics' cannot render {view.kind} (it renders: dataset, events)"
                )
            case _:
                assert_never(view)
