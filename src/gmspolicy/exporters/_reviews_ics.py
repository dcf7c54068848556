"""The calendar of a reviews view (``gmspolicy reviews --format ics``).

- every review in the view with full start and end days (a scheduled or postponed one,
  or with ``--upcoming`` those to come) becomes an all-day ``VEVENT``, ``UID``
  ``REVIEW-ID@gmspolicy``; ``SUMMARY`` ``MECHANISM review of COUNTRY``, ``CATEGORIES``
  the mechanism and ``review``;
- every report due date in the view's reporting status that is a full day becomes an
  all-day ``VEVENT`` ``UID`` ``due-COUNTRY-MECHANISM-DATE@gmspolicy``, ``CATEGORIES``
  the mechanism and ``report-due``;
- anything dated only to the month or year is left out and named in an
  ``X-GMSPOLICY-SKIPPED`` property (a guessed day would be shown as a fact), as for
  forum events.

``DTSTAMP`` is the newest date a cited source was seen, so the same data gives the same
bytes. Civil-society submission deadlines are not in the dataset yet, so they are not in
the calendar.
"""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar, vText
from icalendar import Event as VEvent

from gmspolicy._version import __version__
from gmspolicy.i18n import Labels
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import ReviewsView

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The iCalendar product identifier of review calendars.
PRODID = "-//gmspolicy//gmspolicy reviews//EN"


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _stamp(pset: PolicySet, ids: tuple[str, ...]) -> dt.datetime:
    seen = [pset.source(s).seen for s in ids if pset.has_source(s)] or [dt.date(1970, 1, 1)]
    day = max(seen)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _sources_text(pset: PolicySet, ids: tuple[str, ...]) -> list[str]:
    lines = []
    for sid in ids:
        if pset.has_source(sid):
            s = pset.source(sid)
            lines.append(f"- {s.title}, {s.publisher}, {s.url} (seen {s.seen.isoformat()})")
    return ["Sources:", *lines] if lines else []


def reviews_calendar(view: ReviewsView) -> str:
    """The iCalendar text of a reviews view's dated reviews and report due dates."""
    pset, labels = view.pset, Labels(view.lang)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", vText(f"gmspolicy {__version__} reviews"))
    entries: list[VEvent] = []
    skipped: list[str] = []
    for r in view.reviews:
        start = r.start.to_date() if r.start is not None else None
        last = r.end.to_date() if r.end is not None else start
        if start is None or last is None:
            when = r.when or "no date"
            skipped.append(f"{r.id}: {when} is not a full date")
            continue
        name = labels.country_name(pset.country(r.country))
        ve = VEvent()
        ve.add("uid", f"{r.id}@gmspolicy")
        ve.add("dtstamp", _stamp(pset, r.all_sources))
        ve.add("dtstart", start)
        ve.add("dtend", last + dt.timedelta(days=1))
        ve.add("summary", _clean(f"{r.mechanism.value} review of {name}"))
        details = [
            d
            for d in (
                f"cycle {r.cycle}" if r.cycle else r.report,
                r.session,
                f"status: {r.status.value}",
                r.note,
            )
            if d
        ]
        ve.add("description", _clean("\n".join(details + _sources_text(pset, r.all_sources))))
        ve.add("categories", [r.mechanism.value, "review"])
        entries.append(ve)
    for s in view.reporting:
        if s.report_due is None:
            continue
        due = s.report_due.to_date()
        key = f"due-{s.country}-{s.mechanism.value}-{s.report_due}"
        if due is None:
            skipped.append(f"{key}: {s.report_due} is not a full date")
            continue
        name = labels.country_name(pset.country(s.country))
        what = s.report.report if s.report is not None else "next report"
        ve = VEvent()
        ve.add("uid", f"{key}@gmspolicy")
        ve.add("dtstamp", _stamp(pset, s.report_due_sources))
        ve.add("dtstart", due)
        ve.add("dtend", due + dt.timedelta(days=1))
        ve.add("summary", _clean(f"{s.mechanism.value}: {what} of {name} due"))
        ve.add("description", _clean("\n".join(_sources_text(pset, s.report_due_sources))))
        ve.add("categories", [s.mechanism.value, "report-due"])
        entries.append(ve)
    for reason in skipped:
        cal.add("x-gmspolicy-skipped", vText(_clean(reason)))
    for ve in entries:
        cal.add_component(ve)
    text: str = cal.to_ical().decode("utf-8")
    return text
