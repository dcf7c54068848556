"""CSV exporter: tidy tables for spreadsheets and data tools.

- A dataset (``gmspolicy export --format csv``): one row per participation fact, the same
  facts as the dataset's ``participations/*.csv`` with names and source URLs added.
  Columns: ``country, country_name, instrument, instrument_title, action, date, sources,
  source_urls, note``. ``action`` is an action (``signature``, ``ratification``...),
  ``entry_into_force``, ``reservation``, ``declaration`` (its text in ``note``) or
  ``no_action`` (a source confirmed no action as of ``date``). ``date`` is empty only for
  a reservation or declaration whose date is not recorded.
- A table (``gmspolicy table --format csv``): one row per cell. Columns: ``country,
  country_name, instrument, instrument_name, status, via, date, sources, source_urls``;
  ``status`` is ``unknown`` where nothing is confirmed (absence is not a fact).

``sources`` holds source ids separated by ``;`` (as in the dataset); ``source_urls`` the
URLs of those sources in the same order, separated by a space (a URL has no spaces).
Country and instrument names follow ``--lang`` (instrument names from
``locales/instruments.json``); codes, actions and statuses are the dataset's own words.

The output is RFC 4180: UTF-8 (no byte order mark), CRLF line ends, a header row, fields
quoted when they hold a comma, a quote or a line break (quotes doubled).

Spreadsheet safety: a field that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return could be run as a formula by Excel, LibreOffice or Google Sheets
("CSV injection"); such a field is written with a single quote in front (``'=1+2``), the
mark spreadsheets use for "text, not a formula". Codes, dates and ids never start with
these characters, so only free text (notes, names, titles) can be affected; a program
reading the CSV should strip one leading ``'`` before one of those characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar, assert_never

from gmspolicy._gc import without_gc
from gmspolicy.errors import UsageError
from gmspolicy.i18n import Labels
from gmspolicy.query import views as _views
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import TableView

if TYPE_CHECKING:
    from gmspolicy.query.views import (
        DatasetView,
        ReviewsView,
        View,
    )

#: Columns of a dataset export.
DATASET_COLUMNS: tuple[str, ...] = (
    "country",
    "country_name",
    "instrument",
    "instrument_title",
    "action",
    "date",
    "sources",
    "source_urls",
    "note",
)

#: Columns of a table export.
TABLE_COLUMNS: tuple[str, ...] = (
    "country",
    "country_name",
    "instrument",
    "instrument_name",
    "status",
    "via",
    "date",
    "sources",
    "source_urls",
)

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_field(text: str) -> str:
    """Neutralise a field a spreadsheet would run as a formula.

    >>> safe_field("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> safe_field("2004-09-27")
    '2004-09-27'
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_rows(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180 text: a header row, then ``rows``, every field made spreadsheet-safe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_field(field) for field in row])
    return out.getvalue()


def _fact_row(
    view: DatasetView,
    head: list[str],
    action: str,
    date: str,
    sources: Sequence[str],
    note: str | None,
) -> list[str]:
    urls = " ".join(s.source.url for s in view.cite(sources))
    return [*head, action, date, ";".join(sources), urls, note or ""]


def dataset_rows(view: DatasetView) -> list[list[str]]:
    """One row per participation fact: participations in (country, instrument) order,
    the facts of each by date (actions, then entry into force or no action, then
    reservations and declarations; those without a date last). Research notes are not
    written: this export is for readers."""
    labels = view.labels
    rows: list[list[str]] = []
    for prow in view.participation_rows():
        part, country, inst = prow.participation, prow.country, prow.instrument
        head = [country.code, labels.country_name(country), inst.id, labels.instrument_title(inst)]
        facts: list[tuple[str, int, list[str]]] = []
        for a in part.actions:
            day = str(a.date)
            facts.append((day, 0, _fact_row(view, head, a.kind.value, day, a.sources, a.note)))
        for word, fact in (
            ("entry_into_force", part.entry_into_force),
            ("no_action", part.no_action),
        ):
            if fact is not None:
                day = fact.date.isoformat()
                facts.append((day, 1, _fact_row(view, head, word, day, fact.sources, fact.note)))
        for r in part.reservations:
            day = r.date.isoformat() if r.date else ""
            facts.append(
                (day or "9999", 2, _fact_row(view, head, r.kind.value, day, r.sources, r.text))
            )
        # sorted() is stable: actions keep their own order (date, then kind) on equal dates
        rows += [row for _, _, row in sorted(facts, key=lambda f: (f[0], f[1]))]
    return rows


def table_rows(view: TableView) -> list[list[str]]:
    """One row per matrix cell, country by country."""
    labels = view.labels
    rows: list[list[str]] = []
    for cell in view.cells():
        st = cell.status
        rows.append(
            [
                cell.country.code,
                labels.country_name(cell.country),
                cell.instrument.id,
                labels.instrument_name(cell.instrument),
                st.kind.value,
                st.via.value if st.via else "",
                str(st.date) if st.date is not None else "",
                ";".join(cell.sources),
                " ".join(s.source.url for s in cell.cited),
            ]
        )
    return rows


class CsvExporter:
    """Tidy CSV (RFC 4180, spreadsheet-safe): one row per fact, or per table cell."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = (
        "tidy CSV, one row per participation fact (dataset) or per cell (table)"
    )
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset({"table", "dataset", "reviews"})

    def render(self, view: View) -> str:
        """Render a table or dataset view as CSV text."""
        match view:
            case TableView():
                with without_gc():  # a world-size table is many small objects, no cycles
                    return write_rows(TABLE_COLUMNS, table_rows(view))
            case _views.DatasetView():
                with without_gc():
                    return write_rows(DATASET_COLUMNS, dataset_rows(view))
            case _views.ReviewsView():
                return reviews_csv(view, view.labels)
            case (
                _views.EventsView()
                | _views.MousView()
                | _views.ObservationsView()
                | _views.ProfileView()
            ):
                raise UsageError(
                    f"format 'csv' cannot render {view.kind} (it renders: dataset, reviews, table)"
                )
            case _:
                assert_never(view)


def reviews_csv(view: ReviewsView, labels: Labels) -> str:
    """A reviews view: one row per review (columns ``_reviews.REVIEW_COLUMNS`` plus
    ``id`` and ``source_urls``); with ``--overdue``, one row per reporting status
    (``_reviews.REPORTING_COLUMNS`` plus ``instrument`` and ``source_urls``)."""
    from gmspolicy.exporters import _reviews as rv

    pset = view.pset
    if view.overdue:
        header = ["instrument", *rv.REPORTING_COLUMNS, "source_urls"]
        rows = []
        for s in view.reporting:
            cells = rv.reporting_cells(pset, s, labels)
            urls = _urls(pset, [i for i in cells["sources"].split(";") if i])
            rows.append([s.instrument, *(cells[k] for k in rv.REPORTING_COLUMNS), urls])
        return write_rows(header, rows)
    header = ["id", *rv.REVIEW_COLUMNS, "source_urls"]
    rows = []
    for r in view.reviews:
        cells = rv.review_cells(pset, r, labels)
        urls = _urls(pset, list(r.all_sources))
        rows.append([r.id, *(cells[k] for k in rv.REVIEW_COLUMNS), urls])
    return write_rows(header, rows)


def _urls(pset: PolicySet, ids: Sequence[str]) -> str:
    return " ".join(pset.source(s).url for s in ids)
