"""Reviews and reporting: which reviews a state had or has coming, and what it owes.

:func:`select_reviews` and :func:`reporting_status` are what
:meth:`PolicySet.reviews <gmspolicy.query.policyset.PolicySet.reviews>` and
:meth:`PolicySet.reporting_status <gmspolicy.query.policyset.PolicySet.reporting_status>`
run. Nothing here is guessed: a report is **overdue** only where a source gave its due
date and, as of a later date, no submission (a ``reporting.yaml`` row with ``submitted:
null`` and ``as_of`` after ``due``, or a submission dated after the date asked about);
everywhere else the answer is :attr:`Overdue.UNKNOWN`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from gmspolicy.dates import PartialDate
from gmspolicy.errors import UsageError
from gmspolicy.models import (
    MECHANISM_INSTRUMENTS,
    Instrument,
    Mechanism,
    ReportingStatus,
    Review,
    ReviewStatus,
)

if TYPE_CHECKING:
    from gmspolicy.query.policyset import PolicySet


class Overdue(enum.Enum):
    """Whether a state's report to a treaty body is overdue, as far as sources tell."""

    OVERDUE = "overdue"
    NOT_OVERDUE = "not_overdue"
    UNKNOWN = "unknown"


@attrs.frozen
class ReportingSummary:
    """Where a state stands with one treaty body as of a date (see :func:`reporting_status`).

    - ``last_review``: the latest review held by ``as_of`` (``None``: none recorded);
    - ``next_review``: the first review scheduled after ``as_of`` (``None``: none recorded);
    - ``report``: the reporting row the due date and submission rest on, if any;
    - ``report_due``: when the next report is due: from ``report``, else from the last
      review's outcome where it states it (``report_due_sources`` cite it);
    - ``overdue``: overdue, not overdue, or unknown; when overdue, ``overdue_days`` is by
      how many days (from the last day the due date can mean) as of ``overdue_as_of``,
      the last date the missing submission is sourced for.
    """

    country: str
    instrument: str
    mechanism: Mechanism
    as_of: dt.date | None
    last_review: Review | None = None
    next_review: Review | None = None
    report: ReportingStatus | None = None
    report_due: PartialDate | None = None
    report_due_sources: tuple[str, ...] = ()
    overdue: Overdue = Overdue.UNKNOWN
    overdue_days: int | None = None
    overdue_as_of: dt.date | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source behind the summary, in first-cited order."""
        ids: dict[str, None] = {}
        for review in (self.last_review, self.next_review):
            if review is not None:
                ids.update(dict.fromkeys(review.all_sources))
        if self.report is not None:
            ids.update(dict.fromkeys(self.report.sources))
        ids.update(dict.fromkeys(self.report_due_sources))
        return tuple(ids)


def mechanism_for(pset: PolicySet, instrument: Instrument) -> Mechanism | None:
    """The treaty body that reviews reports under ``instrument`` (CRC for the CRC and its
    protocols), or ``None``."""
    for mechanism, ident in MECHANISM_INSTRUMENTS.items():
        if instrument.id == ident or (mechanism is Mechanism.CRC and instrument.parent == ident):
            return mechanism
    return None


def parse_mechanism(value: Mechanism | str) -> Mechanism:
    """A mechanism from its name, any case; :class:`UsageError` naming the choices."""
    if isinstance(value, Mechanism):
        return value
    try:
        return Mechanism(value.strip().upper())
    except ValueError:
        names = ", ".join(m.value for m in Mechanism)
        raise UsageError(f"unknown mechanism {value!r} (one of: {names})") from None


def _held_by(review: Review, as_of: dt.date | None) -> bool:
    if review.status is not ReviewStatus.HELD:
        return False
    if as_of is None:
        return True
    return review.start is not None and review.start.latest() <= as_of


def _upcoming(review: Review, when: dt.date, historic: bool) -> bool:
    """Scheduled (or postponed) and not yet begun at ``when``; for a date in the past,
    also a review held later."""
    if review.status is ReviewStatus.HELD and (not historic or review.start is None):
        return False
    return review.start is None or review.start.earliest() > when


def select_reviews(
    pset: PolicySet,
    country: str | None = None,
    mechanism: Mechanism | str | None = None,
    as_of: dt.date | None = None,
    upcoming: bool = False,
    *,
    today: dt.date | None = None,
) -> tuple[Review, ...]:
    """Reviews by country and mechanism, by country then date.

    With ``as_of``, only reviews certainly held by then; with ``upcoming``, instead the
    reviews scheduled or postponed and not begun as of ``as_of`` (default: ``today``,
    itself defaulting to the current date); for an ``as_of`` in the past, also the reviews
    held after it.
    """
    code = pset.country(country).code if country is not None else None
    mech = parse_mechanism(mechanism) if mechanism is not None else None
    chosen = [
        r
        for r in pset.review_records
        if (code is None or r.country == code) and (mech is None or r.mechanism is mech)
    ]
    if upcoming:
        now = today or dt.date.today()
        when = as_of or now
        historic = as_of is not None and as_of < now
        return tuple(r for r in chosen if _upcoming(r, when, historic))
    if as_of is not None:
        return tuple(r for r in chosen if _held_by(r, as_of))
    return tuple(chosen)


def _review_rank(review: Review) -> tuple[tuple[int, int, int], bool]:
    """Latest first; on the same day, the treaty's own review before a protocol's."""
    start = review.start.sort_key() if review.start is not None else (0, 0, 0)
    return (start, "/OP" not in (review.outcome_symbol or ""))


def _current_row(rows: list[ReportingStatus], as_of: dt.date | None) -> ReportingStatus | None:
    """The row that says most about the report due at ``as_of``: among rows current by
    then (or whose due date had passed by then), the one with the latest due date."""
    relevant = [
        r
        for r in rows
        if as_of is None or r.as_of <= as_of or (r.due is not None and r.due.latest() < as_of)
    ]
    if not relevant:
        return None
    return max(
        relevant,
        key=lambda r: (r.due.sort_key() if r.due is not None else (0, 0, 0), r.as_of),
    )


def _overdue(
    row: ReportingStatus, as_of: dt.date | None
) -> tuple[Overdue, int | None, dt.date | None]:
    """Overdue or not (and by how many days, as of which date) from one sourced row.

    Not overdue only where the report was submitted by then; overdue only where the due
    date had passed and the report was, by a source, not yet in; otherwise unknown."""
    if row.due is None:
        return Overdue.UNKNOWN, None, None
    due_end = row.due.latest()
    submitted = row.submitted
    if submitted is not None:
        if as_of is None or submitted.latest() <= as_of:
            return Overdue.NOT_OVERDUE, None, None
        if submitted.earliest() <= as_of:
            return Overdue.UNKNOWN, None, None  # submitted some day of a month or year
        # Not yet submitted on `as_of` (the submission came later).
        if due_end < as_of:
            return Overdue.OVERDUE, (as_of - due_end).days, as_of
        return Overdue.UNKNOWN, None, None  # not yet due; an earlier report may be owed
    # Not submitted as of row.as_of: the absence is sourced up to that date only.
    until = row.as_of if as_of is None else min(as_of, row.as_of)
    if due_end < until:
        return Overdue.OVERDUE, (until - due_end).days, until
    return Overdue.UNKNOWN, None, None


def reporting_status(
    pset: PolicySet, country: str, instrument: str, as_of: dt.date | None = None
) -> ReportingSummary:
    """Where ``country`` stands with the treaty body of ``instrument`` as of a date
    (``None``: as of the latest recorded facts). Unknown names raise :class:`UsageError`,
    as does an instrument no treaty body reviews."""
    code = pset.country(country).code
    inst = pset.instrument(instrument)
    mechanism = mechanism_for(pset, inst)
    if mechanism is None:
        bodies = ", ".join(sorted(MECHANISM_INSTRUMENTS.values()))
        raise UsageError(
            f"no treaty body reviews reports under {inst.id} (reporting status is kept for: "
            f"{bodies})"
        )
    reviews = [r for r in pset.review_records if r.country == code and r.mechanism is mechanism]
    held = [r for r in reviews if _held_by(r, as_of) and r.start is not None]
    last = max(held, key=_review_rank, default=None)
    when = as_of or dt.date.today()
    ahead = [
        r
        for r in reviews
        if r.status is not ReviewStatus.POSTPONED
        and r.start is not None
        and r.start.earliest() > when
        and (as_of is not None or r.status is ReviewStatus.SCHEDULED)
    ]
    nxt = min(ahead, key=lambda r: r.start.sort_key() if r.start else (0, 0, 0), default=None)
    rows = [r for r in pset.reporting if r.country == code and r.mechanism is mechanism]
    row = _current_row(rows, as_of)
    if (
        row is not None
        and last is not None
        and last.start is not None
        and last.start.earliest() > row.as_of
    ):
        # A review held after the row's date: a report came in since; what the row says
        # is due no longer tells what is owed now.
        row = None
    summary = ReportingSummary(code, inst.id, mechanism, as_of, last, nxt, row)
    if row is not None and row.due is not None:
        state, days, at = _overdue(row, as_of)
        return attrs.evolve(
            summary,
            report_due=row.due,
            report_due_sources=row.sources,
            overdue=state,
            overdue_days=days,
            overdue_as_of=at,
        )
    if last is not None and last.next_report_due is not None:
        return attrs.evolve(
            summary,
            report_due=last.next_report_due,
            report_due_sources=last.sources_of("next_report_due"),
        )
    return summary


def reporting_table(
    pset: PolicySet,
    countries: Sequence[str],
    mechanism: Mechanism | str | None = None,
    as_of: dt.date | None = None,
    *,
    overdue_only: bool = False,
) -> tuple[ReportingSummary, ...]:
    """The reporting status of each of ``countries`` under each treaty a treaty body
    reviews (one mechanism's only, if given) that the country is party to as of
    ``as_of``, or has a review or reporting row for; with ``overdue_only``, only those
    :attr:`Overdue.OVERDUE`."""
    from gmspolicy.models import StatusKind

    mech = parse_mechanism(mechanism) if mechanism is not None else None
    out: list[ReportingSummary] = []
    for name in countries:
        code = pset.country(name).code
        recorded = {r.mechanism for r in pset.review_records if r.country == code}
        recorded |= {r.mechanism for r in pset.reporting if r.country == code}
        for m, ident in MECHANISM_INSTRUMENTS.items():
            if (mech is not None and m is not mech) or not pset.has_instrument(ident):
                continue
            party = pset.status(code, ident, as_of).kind is StatusKind.PARTY
            if not party and m not in recorded:
                continue
            summary = reporting_status(pset, code, ident, as_of)
            if overdue_only and summary.overdue is not Overdue.OVERDUE:
                continue
            out.append(summary)
    return tuple(out)
