"""The calendar of a reviews view (``gmspolicy reviews --format ics``).

- every review in the view with full start and end days (a scheduled or postponed one,
  or with ``--upcoming`` those to come) becomes an all-day ``VEVENT``, ``UID``
  ``REVIEW-ID@gmspolicy``; ``SUMMARY`` ``MECHANISM review of COUNTRY``, ``CATEGORIES``
  the mechanism and ``review``;
- every report due date in the view's reporting status that is a full day becomes an
  all-day ``VEVENT`` ``UID`` ``due-COUNTRY-MECHANISM-DATE@gmspolicy``, ``CATEGORIES``
  the mechanism and ``report-due``;
- every civil-society submission deadline of a review in the view (where a source gives
  one, to the day) becomes its own all-day ``VEVENT`` ``UID``
  ``csd-REVIEW-ID@gmspolicy``, ``CATEGORIES`` the mechanism and
  ``civil-society-deadline``, citing the deadline's own sources;
- anything dated only to the month or year is left out and named in an
  ``X-GMSPOLICY-SKIPPED`` property (a guessed day would be shown as a fact), as for
  forum events.

``DTSTAMP`` is the newest date a cited source was seen, so the same data gives the same
bytes.
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


def _sources_text(pset: PolicySet, ids: tuple[str, ...], labels: Labels) -> list[str]:
    lines = []
    for sid in ids:
        if pset.has_source(sid):
            s = pset.source(sid)
            seen = labels("source.seen", date=s.seen.isoformat())
            lines.append(f"- {s.title}, {s.publisher}, {s.url}" + labels.paren(seen))
    return [labels("calendar.sources"), *lines] if lines else []


def reviews_calendar(view: ReviewsView) -> str:
    """The iCalendar text of a reviews view's dated reviews and report due dates."""
    pset, labels = view.pset, Labels(view.lang)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", vText(labels("calendar.reviews_name", version=__version__)))
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
        ve.add(
            "summary", _clean(labels("calendar.review", mechanism=r.mechanism.value, country=name))
        )
        status = labels(f"review.status.{r.status.value}")
        details = [
            d
            for d in (
                labels("review.cycle", n=r.cycle) if r.cycle else r.report,
                r.session,
                labels("calendar.status", status=status),
                r.note,
            )
            if d
        ]
        sources = _sources_text(pset, r.all_sources, labels)
        ve.add("description", _clean("\n".join(details + sources)))
        ve.add("categories", [r.mechanism.value, "review"])
        entries.append(ve)
    entries += _deadline_events(view, labels, skipped)
    for s in view.reporting:
        if s.report_due is None:
            continue
        due = s.report_due.to_date()
        key = f"due-{s.country}-{s.mechanism.value}-{s.report_due}"
        if due is None:
            skipped.append(f"{key}: {s.report_due} is not a full date")
            continue
        name = labels.country_name(pset.country(s.country))
        what = s.report.report if s.report is not None else labels("calendar.next_report")
        ve = VEvent()
        ve.add("uid", f"{key}@gmspolicy")
        ve.add("dtstamp", _stamp(pset, s.report_due_sources))
        ve.add("dtstart", due)
        ve.add("dtend", due + dt.timedelta(days=1))
        summary = labels(
            "calendar.report_due", mechanism=s.mechanism.value, report=what, country=name
        )
        ve.add("summary", _clean(summary))
        sources = _sources_text(pset, s.report_due_sources, labels)
        ve.add("description", _clean("\n".join(sources)))
        ve.add("categories", [s.mechanism.value, "report-due"])
        entries.append(ve)
    for reason in skipped:
        cal.add("x-gmspolicy-skipped", vText(_clean(reason)))
    for ve in entries:
        cal.add_component(ve)
    text: str = cal.to_ical().decode("utf-8")
    return text


def _deadline_events(view: ReviewsView, labels: Labels, skipped: list[str]) -> list[VEvent]:
    """The civil-society submission deadlines of the view's reviews, one event each (a
    deadline not known to the day goes to ``skipped``)."""
    pset = view.pset
    events: list[VEvent] = []
    for r in view.reviews:
        deadline = r.civil_society_deadline
        if deadline is None:
            continue
        key = f"csd-{r.id}"
        day = deadline.to_date()
        if day is None:
            skipped.append(f"{key}: {deadline} is not a full date")
            continue
        ids = r.sources_of("civil_society_deadline")
        name = labels.country_name(pset.country(r.country))
        ve = VEvent()
        ve.add("uid", f"{key}@gmspolicy")
        ve.add("dtstamp", _stamp(pset, ids))
        ve.add("dtstart", day)
        ve.add("dtend", day + dt.timedelta(days=1))
        summary = labels("calendar.deadline", mechanism=r.mechanism.value, country=name)
        ve.add("summary", _clean(summary))
        when = labels("calendar.review_dates", dates=r.when) if r.when else None
        details = [d for d in (when, r.session) if d]
        ve.add("description", _clean("\n".join(details + _sources_text(pset, ids, labels))))
        ve.add("categories", [r.mechanism.value, "civil-society-deadline"])
        events.append(ve)
    return events
