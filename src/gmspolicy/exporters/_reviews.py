"""Reviews and reporting in every built-in format: the rows the exporters lay out.

A :class:`~gmspolicy.query.views.ReviewsView` holds reviews and reporting summaries; the
functions here turn them into text rows (Markdown, CSV), plain data (JSON), HTML table
data and SQLite tables, so that every format shows the same cells. Headings, column
titles and the words around the data come from the message catalogs
(``gmspolicy/locales/*.json``, keys ``heading.*``, ``column.*``, ``review.*``,
``reporting.*``, ``counts.*``, ``response.*``) in the view's language, as the
ratification table's do; the data itself (report names, sessions, symbols, tags) and dates
stay as the dataset records them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from gmspolicy.convert import converter
from gmspolicy.i18n import Labels
from gmspolicy.models import (
    CountedAt,
    Mechanism,
    Recommendation,
    RecommendationCounts,
    ReportingStatus,
    Response,
    Review,
    ReviewStatus,
)
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.reviews import Overdue, ReportingSummary
from gmspolicy.query.views import ReviewsView

#: Columns of the reviews table (CSV header; Markdown and HTML show the titles).
REVIEW_COLUMNS: tuple[str, ...] = (
    "country",
    "mechanism",
    "review",
    "session",
    "dates",
    "status",
    "outcome",
    "next_report_due",
    "recommendations",
    "sources",
)

#: The catalog key of each column title (``gmspolicy/locales/*.json``).
REVIEW_TITLE_KEYS: dict[str, str] = {
    "country": "heading.country",
    "mechanism": "column.mechanism",
    "review": "column.cycle_or_report",
    "session": "column.session",
    "dates": "column.dates",
    "status": "heading.status",
    "outcome": "column.outcome",
    "next_report_due": "column.next_report_due",
    "recommendations": "heading.recommendations",
    "sources": "heading.sources",
}

#: Columns of the reporting table.
REPORTING_COLUMNS: tuple[str, ...] = (
    "country",
    "treaty",
    "last_review",
    "next_review",
    "report_due",
    "overdue",
    "sources",
)

REPORTING_TITLE_KEYS: dict[str, str] = {
    "country": "heading.country",
    "treaty": "column.treaty",
    "last_review": "column.last_review",
    "next_review": "column.next_review",
    "report_due": "column.report_due",
    "overdue": "column.overdue",
    "sources": "heading.sources",
}

#: Columns of the UPR recommendations table.
RECOMMENDATION_COLUMNS: tuple[str, ...] = (
    "review",
    "paragraph",
    "text",
    "recommending",
    "response",
    "tags",
    "instruments",
    "sources",
)

RECOMMENDATION_TITLE_KEYS: dict[str, str] = {
    "review": "column.review",
    "paragraph": "column.paragraph",
    "text": "column.recommendation",
    "recommending": "column.recommended_by",
    "response": "column.response",
    "tags": "column.tags",
    "instruments": "column.instruments",
    "sources": "heading.sources",
}

#: Columns of the civil-society deadlines table.
DEADLINE_COLUMNS: tuple[str, ...] = (
    "country",
    "mechanism",
    "review",
    "dates",
    "deadline",
    "sources",
)

DEADLINE_TITLE_KEYS: dict[str, str] = {
    "country": "heading.country",
    "mechanism": "column.mechanism",
    "review": "column.cycle_or_report",
    "dates": "column.dates",
    "deadline": "column.deadline",
    "sources": "heading.sources",
}


def titles(keys: dict[str, str], columns: Sequence[str], labels: Labels) -> list[str]:
    """The column titles of ``columns`` in the labels' language."""
    return [labels(keys[k]) for k in columns]


def review_label(review: Review, labels: Labels) -> str:
    """``cycle 2``, or the report reviewed (``combined sixth and seventh periodic
    reports``, as the dataset words it), or empty."""
    if review.cycle is not None:
        return labels("review.cycle", n=review.cycle)
    return review.report or ""


def counts_text(counts: RecommendationCounts | None, labels: Labels) -> str:
    """``249 received, 181 supported (counted at the review)``; parts not known are left
    out; empty when nothing is recorded."""
    if counts is None:
        return ""
    parts = [
        labels(key, n=n)
        for n, key in (
            (counts.received, "counts.received"),
            (counts.supported, "counts.supported"),
            (counts.noted, "counts.noted"),
        )
        if n is not None
    ]
    if not parts:
        return ""
    when = "counts.at_review" if counts.counted_at is CountedAt.REVIEW else "counts.after_adoption"
    return labels.join(parts) + labels.paren(labels(when))


def review_cells(pset: PolicySet, review: Review, labels: Labels) -> dict[str, str]:
    """The text of each column of one review (``sources``: ids separated by ``;``)."""
    country = pset.country(review.country) if pset.has_country(review.country) else None
    return {
        "country": labels.country_name(country) if country else review.country,
        "mechanism": review.mechanism.value,
        "review": review_label(review, labels),
        "session": review.session or "",
        "dates": review.when or labels("status.unknown"),
        "status": labels(f"review.status.{review.status.value}"),
        "outcome": review.outcome_symbol or "",
        "next_report_due": str(review.next_report_due) if review.next_report_due else "",
        "recommendations": counts_text(review.recommendations, labels),
        "sources": ";".join(review.all_sources),
    }


def view_deadlines(view: ReviewsView) -> tuple[Review, ...]:
    """The reviews a view shows that have a civil-society deadline, earliest deadline
    first."""
    found = [r for r in view.reviews if r.civil_society_deadline is not None]
    return tuple(sorted(found, key=lambda r: str(r.civil_society_deadline)))


def deadline_cells(pset: PolicySet, review: Review, labels: Labels) -> dict[str, str]:
    """The text of each column of one review's civil-society deadline (``sources``: the
    deadline's own)."""
    cells = review_cells(pset, review, labels)
    return {
        "country": cells["country"],
        "mechanism": cells["mechanism"],
        "review": cells["review"],
        "dates": cells["dates"],
        "deadline": str(review.civil_society_deadline or ""),
        "sources": ";".join(review.sources_of("civil_society_deadline")),
    }


def view_recommendations(view: ReviewsView) -> tuple[Recommendation, ...]:
    """The UPR recommendations of the reviews a view shows, in review order."""
    order = {r.id: n for n, r in enumerate(view.reviews)}
    recs = [r for r in view.pset.recommendations if r.review in order]
    return tuple(sorted(recs, key=lambda r: order[r.review]))


def recommendation_cells(pset: PolicySet, rec: Recommendation, labels: Labels) -> dict[str, str]:
    """The text of each column of one UPR recommendation (``response`` ``unknown`` where
    the state's reply was not read)."""
    review = next((r for r in pset.review_records if r.id == rec.review), None)
    head = rec.review
    if review is not None:
        name = labels.country_name(pset.country(review.country))
        head = labels("review.upr_of", country=name, review=review_label(review, labels))
        head = head.strip(", ")
    states = [
        labels.country_name(pset.country(c)) if pset.has_country(c) else c for c in rec.recommending
    ]
    return {
        "review": head,
        "paragraph": rec.paragraph,
        "text": rec.text,
        "recommending": labels.join(states),
        "response": labels(f"response.{rec.response.value}")
        if rec.response is not None
        else labels("status.unknown"),
        "tags": ", ".join(rec.tags),
        "instruments": ", ".join(rec.instruments),
        "sources": ";".join(rec.sources),
    }


def _review_short(review: Review | None, labels: Labels) -> str:
    if review is None:
        return ""
    parts = [
        review.when or labels("status.unknown"),
        review.outcome_symbol or review_label(review, labels),
    ]
    return " ".join(p for p in parts if p)


def overdue_text(summary: ReportingSummary, labels: Labels) -> str:
    """``overdue by 212 days (as of 2023-06-30)``, ``no (submitted 2019-01-10)`` or
    ``unknown`` (in the labels' language)."""
    if summary.overdue is Overdue.OVERDUE:
        assert summary.overdue_as_of is not None
        return labels(
            "reporting.overdue_by",
            days=summary.overdue_days,
            date=summary.overdue_as_of.isoformat(),
        )
    if summary.overdue is Overdue.NOT_OVERDUE:
        sub = summary.report.submitted if summary.report is not None else None
        if sub is not None:
            return labels("reporting.not_overdue_submitted", date=sub)
        return labels("reporting.not_overdue")
    return labels("status.unknown")


def reporting_cells(pset: PolicySet, s: ReportingSummary, labels: Labels) -> dict[str, str]:
    """The text of each column of one reporting summary."""
    country = pset.country(s.country)
    inst = pset.instrument(s.instrument)
    due = str(s.report_due) if s.report_due is not None else labels("status.unknown")
    if s.report is not None and s.report_due is not None:
        due = f"{s.report.report}{labels.punct('colon')}{due}"
    name = labels.instrument_name(inst)
    none = labels("reporting.none_recorded")
    return {
        "country": labels.country_name(country),
        "treaty": name if name == s.mechanism.value else name + labels.paren(s.mechanism.value),
        "last_review": _review_short(s.last_review, labels) or none,
        "next_review": _review_short(s.next_review, labels) or none,
        "report_due": due,
        "overdue": overdue_text(s, labels),
        "sources": ";".join(s.sources),
    }


def review_record(review: Review) -> dict[str, Any]:
    """A review as plain data for the JSON feed (``research_note`` left out)."""
    data: dict[str, Any] = converter.unstructure(review)
    data.pop("research_note", None)
    data["field_sources"] = {k: list(v) for k, v in review.field_sources}
    return data


def recommendation_record(rec: Recommendation) -> dict[str, Any]:
    """A UPR recommendation as plain data."""
    data: dict[str, Any] = converter.unstructure(rec)
    return data


def reporting_record(row: ReportingStatus) -> dict[str, Any]:
    """A reporting row as plain data."""
    data: dict[str, Any] = converter.unstructure(row)
    return data


def summary_record(s: ReportingSummary) -> dict[str, Any]:
    """A derived reporting summary as plain data (reviews by id)."""
    return {
        "country": s.country,
        "instrument": s.instrument,
        "mechanism": s.mechanism.value,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "last_review": s.last_review.id if s.last_review else None,
        "next_review": s.next_review.id if s.next_review else None,
        "report": s.report.report if s.report else None,
        "report_due": str(s.report_due) if s.report_due else None,
        "overdue": s.overdue.value,
        "overdue_days": s.overdue_days,
        "overdue_as_of": s.overdue_as_of.isoformat() if s.overdue_as_of else None,
        "sources": list(s.sources),
    }


def view_source_ids(view: ReviewsView) -> list[str]:
    """Every source the view cites, in first-cited order."""
    ids: dict[str, None] = {}
    for r in view.reviews:
        ids.update(dict.fromkeys(r.all_sources))
    for s in view.reporting:
        ids.update(dict.fromkeys(s.sources))
    return list(ids)


def reviews_json(view: ReviewsView) -> dict[str, Any]:
    """The JSON feed's fields for a reviews view (besides the common header)."""
    shown = {r.id for r in view.reviews}
    recs = [recommendation_record(r) for r in view.pset.recommendations if r.review in shown]
    ids = view_source_ids(view)
    for r in view.pset.recommendations:
        if r.review in shown:
            ids.extend(s for s in r.sources if s not in ids)
    return {
        "as_of": view.as_of.isoformat() if view.as_of else None,
        "reviews": [review_record(r) for r in view.reviews],
        "recommendations": recs,
        "reporting": [summary_record(s) for s in view.reporting],
        "_source_ids": ids,
    }


# -- SQLite -----------------------------------------------------------------------------


def _in(column: str, values: Sequence[str], nullable: bool = False) -> str:
    test = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"CHECK ({column} IS NULL OR {test})" if nullable else f"CHECK ({test})"


_MECHANISMS = [m.value for m in Mechanism]
_COUNTED = [c.value for c in CountedAt]

#: Tables of reviews, recommendations and reporting rows in the SQLite export.
REVIEWS_DDL = f"""
CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  country TEXT NOT NULL REFERENCES countries(code),
  mechanism TEXT NOT NULL {_in("mechanism", _MECHANISMS)},
  status TEXT NOT NULL {_in("status", [s.value for s in ReviewStatus])},
  cycle INTEGER,
  report TEXT,
  report_symbol TEXT,
  submitted TEXT,
  session TEXT,
  start TEXT,
  "end" TEXT,
  outcome_symbol TEXT,
  observation TEXT REFERENCES observations(id),
  next_report_due TEXT,
  civil_society_deadline TEXT,
  recommendations_received INTEGER,
  recommendations_supported INTEGER,
  recommendations_noted INTEGER,
  recommendations_counted_at TEXT {_in("recommendations_counted_at", _COUNTED, True)},
  note TEXT
);
CREATE TABLE review_sources (
  review_id TEXT NOT NULL REFERENCES reviews(id),
  field TEXT,
  source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL,
  UNIQUE (review_id, field, source_id)
);
CREATE TABLE recommendations (
  id TEXT PRIMARY KEY,
  review_id TEXT NOT NULL REFERENCES reviews(id),
  paragraph TEXT NOT NULL,
  text TEXT NOT NULL,
  response TEXT {_in("response", [r.value for r in Response], True)},
  tags TEXT NOT NULL,
  note TEXT
);
CREATE TABLE recommending_states (
  recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
  country TEXT NOT NULL REFERENCES countries(code),
  position INTEGER NOT NULL,
  PRIMARY KEY (recommendation_id, country)
);
CREATE TABLE recommendation_instruments (
  recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
  instrument_id TEXT NOT NULL REFERENCES instruments(id),
  PRIMARY KEY (recommendation_id, instrument_id)
);
CREATE TABLE recommendation_sources (
  recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
  source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (recommendation_id, source_id)
);
CREATE TABLE reporting (
  id INTEGER PRIMARY KEY,
  country TEXT NOT NULL REFERENCES countries(code),
  mechanism TEXT NOT NULL {_in("mechanism", _MECHANISMS)},
  report TEXT NOT NULL,
  due TEXT,
  submitted TEXT,
  as_of TEXT NOT NULL,
  note TEXT
);
CREATE TABLE reporting_sources (
  reporting_id INTEGER NOT NULL REFERENCES reporting(id),
  source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (reporting_id, source_id)
);
"""

#: The reviews tables, in creation order.
REVIEW_TABLES: tuple[str, ...] = tuple(
    line.split()[2] for line in REVIEWS_DDL.splitlines() if line.startswith("CREATE TABLE")
)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _unique(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def fill_reviews(
    db: sqlite3.Connection, pset: PolicySet, reviews: Sequence[Review] | None = None
) -> None:
    """Create the reviews tables in ``db`` and insert ``reviews`` (default: every one of
    ``pset``), their recommendations and every reporting row, inside the caller's
    transaction."""
    for statement in REVIEWS_DDL.split(";"):
        if statement.strip():
            db.execute(statement)
    chosen = pset.review_records if reviews is None else tuple(reviews)
    for r in chosen:
        counts = r.recommendations
        db.execute(
            "INSERT INTO reviews VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.id,
                r.country,
                r.mechanism.value,
                r.status.value,
                r.cycle,
                r.report,
                r.report_symbol,
                _text(r.submitted),
                r.session,
                _text(r.start),
                _text(r.end),
                r.outcome_symbol,
                r.observation,
                _text(r.next_report_due),
                _text(r.civil_society_deadline),
                counts.received if counts else None,
                counts.supported if counts else None,
                counts.noted if counts else None,
                counts.counted_at.value if counts else None,
                r.note,
            ),
        )
        rows: list[tuple[str, str | None, str, int]] = [
            (r.id, None, sid, n) for n, sid in enumerate(_unique(r.sources))
        ]
        for field, ids in r.field_sources:
            rows += [(r.id, field, sid, n) for n, sid in enumerate(_unique(ids))]
        db.executemany("INSERT INTO review_sources VALUES (?, ?, ?, ?)", rows)
    shown = {r.id for r in chosen}
    _fill_recommendations(db, pset, shown)
    _fill_reporting(db, pset)


def _fill_recommendations(db: sqlite3.Connection, pset: PolicySet, shown: set[str]) -> None:
    """Insert the recommendations of the ``shown`` reviews, with their recommending
    states, instruments and sources."""
    for rec in pset.recommendations:
        if rec.review not in shown:
            continue
        db.execute(
            "INSERT INTO recommendations VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                rec.id,
                rec.review,
                rec.paragraph,
                rec.text,
                rec.response.value if rec.response else None,
                json.dumps(list(rec.tags), ensure_ascii=False),
                rec.note,
            ),
        )
        db.executemany(
            "INSERT INTO recommending_states VALUES (?, ?, ?)",
            [(rec.id, c, n) for n, c in enumerate(_unique(rec.recommending))],
        )
        db.executemany(
            "INSERT INTO recommendation_instruments VALUES (?, ?)",
            [(rec.id, i) for i in _unique(rec.instruments)],
        )
        db.executemany(
            "INSERT INTO recommendation_sources VALUES (?, ?, ?)",
            [(rec.id, s, n) for n, s in enumerate(_unique(rec.sources))],
        )


def _fill_reporting(db: sqlite3.Connection, pset: PolicySet) -> None:
    """Insert every reporting row and its sources."""
    for pk, row in enumerate(pset.reporting, start=1):
        db.execute(
            "INSERT INTO reporting VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pk,
                row.country,
                row.mechanism.value,
                row.report,
                _text(row.due),
                _text(row.submitted),
                row.as_of.isoformat(),
                row.note,
            ),
        )
        db.executemany(
            "INSERT INTO reporting_sources VALUES (?, ?, ?)",
            [(pk, s, n) for n, s in enumerate(_unique(row.sources))],
        )


REPORTING_STATUS_DDL = f"""
CREATE TABLE reporting_status (
  country TEXT NOT NULL REFERENCES countries(code),
  instrument TEXT NOT NULL REFERENCES instruments(id),
  mechanism TEXT NOT NULL {_in("mechanism", _MECHANISMS)},
  as_of TEXT,
  last_review TEXT REFERENCES reviews(id),
  next_review TEXT REFERENCES reviews(id),
  report TEXT,
  report_due TEXT,
  overdue TEXT NOT NULL {_in("overdue", [o.value for o in Overdue])},
  overdue_days INTEGER,
  overdue_as_of TEXT,
  sources TEXT NOT NULL,
  PRIMARY KEY (country, instrument)
)
"""


def fill_reviews_view(
    db: sqlite3.Connection,
    view: ReviewsView,
    fill: Callable[[sqlite3.Connection, PolicySet], None],
) -> None:
    """A reviews view's database: the dataset's tables with only the reviews shown (and
    their recommendations), plus ``reporting_status`` (``sources``: a JSON array)."""
    keep = {r.id for r in view.reviews}
    for s in view.reporting:
        keep.update(r.id for r in (s.last_review, s.next_review) if r is not None)
    subset = attrs.evolve(
        view.pset,
        reviews=tuple(r for r in view.pset.review_records if r.id in keep),
        recommendations=tuple(r for r in view.pset.recommendations if r.review in keep),
    )
    fill(db, subset)
    db.execute(REPORTING_STATUS_DDL)
    for s in view.reporting:
        rec = summary_record(s)
        db.execute(
            "INSERT INTO reporting_status VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec["country"],
                rec["instrument"],
                rec["mechanism"],
                rec["as_of"],
                rec["last_review"],
                rec["next_review"],
                rec["report"],
                rec["report_due"],
                rec["overdue"],
                rec["overdue_days"],
                rec["overdue_as_of"],
                json.dumps(rec["sources"], ensure_ascii=False),
            ),
        )
