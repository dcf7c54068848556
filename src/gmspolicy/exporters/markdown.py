"""Markdown exporter: GitHub-flavoured tables, sources as footnotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, assert_never

from gmspolicy._gc import without_gc
from gmspolicy.exporters._common import (
    LEGEND_KEYS,
    SourceNumbers,
    as_of_text,
    generator_line,
)
from gmspolicy.i18n import Labels
from gmspolicy.query import views as _views
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import SECONDARY_MARK, CellFace, CitedSource, StatusCell, TableView

if TYPE_CHECKING:
    from gmspolicy.query.views import (
        EventRow,
        MouRow,
        ObservationRow,
        ProfileView,
        ReviewsView,
        View,
    )


#: A character :func:`escape_cell` or :func:`escape_text` puts a backslash before (a class
#: of single characters: one linear scan, no backtracking).
_MARKUP = re.compile(r"[\\*_`\[\]<>#~|&]")


def escape_cell(text: str) -> str:
    """Escape text for a GFM table cell: backslashes, pipes, newlines, entities and inline
    markup. Line breaks become ``<br>``; whitespace at the ends (which a table and a
    Markdown renderer drop anyway) is removed; a final ``!`` is escaped so that a footnote
    reference after it cannot make an image.

    >>> escape_cell("a|b\\\\c\\nd")
    'a\\\\|b\\\\\\\\c<br>d'
    """
    out = text.strip()
    if _MARKUP.search(out) is not None:  # most names and titles have none
        out = out.replace("\\", "\\\\").replace("|", "\\|")
        for ch in "*_`[]<>#~&":
            out = out.replace(ch, "\\" + ch)
    if out.endswith("!"):
        out = out[:-1] + "\\!"
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def escape_text(text: str) -> str:
    """Escape text for a Markdown paragraph or list item (one line): inline markup
    anywhere, and what would start a block at the start of the line (``- ``, ``+ ``,
    ``1. ``, ``1) ``, a setext ``=``/``-`` underline; ``#`` and ``>`` are escaped anywhere).

    >>> escape_text("1. *not* a list")
    '1\\\\. \\\\*not\\\\* a list'
    """
    out = text
    if _MARKUP.search(out) is not None:  # most names and titles have none
        out = out.replace("\\", "\\\\")
        for ch in "*_`[]<>#~|&":
            out = out.replace(ch, "\\" + ch)
    return _escape_line_start(" ".join(out.split()))


def _escape_line_start(line: str) -> str:
    """``line`` with a backslash before a block marker it starts with."""
    if line[:1] in ("-", "+", "="):
        return "\\" + line
    digits = len(line) - len(line.lstrip("0123456789"))
    marker = line[digits : digits + 1] in (".", ")")
    if 0 < digits <= 9 and marker and line[digits + 1 : digits + 2] in ("", " "):
        return line[:digits] + "\\" + line[digits:]
    return line


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [_row([escape_cell(h) for h in header]), _row(["---"] * len(header))]
    lines += [_row(r) for r in rows]
    return lines


class MarkdownExporter:
    """GitHub-flavoured Markdown: tables with footnoted sources."""

    name: ClassVar[str] = "markdown"
    description: ClassVar[str] = "GitHub-flavoured Markdown tables with sources as footnotes"
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset(
        {"table", "dataset", "events", "mous", "observations", "profile", "reviews"}
    )

    def render(self, view: View) -> str:
        """Render a view as Markdown."""
        with without_gc():  # a world-size table is many small objects, no cycles
            return self._render(view)

    def _render(self, view: View) -> str:
        labels = view.labels
        notes = SourceNumbers(view)
        match view:
            case TableView():
                body = self._table(view, labels, notes)
            case _views.DatasetView():
                body = self._table(view.table(), labels, notes)
                body += ["", f"## {escape_text(labels('heading.mous'))}", ""]
                body += self._mous(view.mous(), labels, notes)
                body += ["", f"## {escape_text(labels('heading.events'))}", ""]
                body += self._events(view.events(), labels, notes)
            case _views.EventsView():
                body = self._events(view.rows(), labels, notes)
            case _views.MousView():
                body = self._mous(view.rows(), labels, notes)
            case _views.ObservationsView():
                body = self._observations(view.rows(), labels, notes)
            case _views.ProfileView():
                body = self._profile(view, labels, notes)
            case _views.ReviewsView():
                body = reviews_markdown(view, labels, notes)
            case _:
                assert_never(view)
        return "\n".join([*body, *self._footnotes(notes, labels)]) + "\n"

    @staticmethod
    def _cell(cell: StatusCell | CellFace, notes: SourceNumbers) -> str:
        """A status cell: its text, the secondary-source mark, its footnotes."""
        text = escape_cell(cell.text if isinstance(cell, CellFace) else cell.text.text)
        if cell.secondary_only:
            text += " " + SECONDARY_MARK
        return text + "".join(f"[^{n}]" for n in notes.cite(cell.sources))

    def _legend(self, labels: Labels) -> list[str]:
        lines = [f"**{escape_text(labels('heading.legend'))}**", ""]
        for key in LEGEND_KEYS:
            lines.append(f"- {escape_text(labels('legend.' + key))}")
        lines.append(f"- {SECONDARY_MARK} {escape_text(labels('legend.mark_secondary'))}")
        return lines

    def _table(self, view: TableView, labels: Labels, notes: SourceNumbers) -> list[str]:
        m = view.matrix
        header = [labels("heading.instrument")] + [labels.country_name(c) for c in m.countries]
        rows = []
        laid_out = view.faces()
        for inst, faces in zip(m.instruments, laid_out, strict=True):
            rows.append(
                [escape_cell(labels.instrument_name(inst))]
                + [self._cell(face, notes) for face in faces]
            )
        known, total = view.coverage(laid_out)
        names = labels.join([labels.country_name(c) for c in m.countries])
        caption = labels(
            "table.caption",
            countries=names,
            count=len(m.instruments),
            as_of=as_of_text(m.as_of, labels),
        )
        lines = [f"# {escape_text(labels('table.title'))}", "", escape_text(caption), ""]
        lines += _table(header, rows)
        lines += ["", escape_text(labels("coverage", known=known, total=total)), ""]
        return lines + self._legend(labels)

    def _events(
        self, events: Sequence[EventRow], labels: Labels, notes: SourceNumbers
    ) -> list[str]:
        header = [labels(f"column.{k}") for k in ("series", "edition", "dates", "place", "theme")]
        rows = []
        for row in events:
            e = row.event
            dates = labels.date_range(e.start, e.end, english=" to ")
            refs = "".join(f"[^{n}]" for n in notes.cite(e.sources))
            rows.append(
                [
                    escape_cell(e.series.value),
                    escape_cell(str(e.edition or "")),
                    escape_cell(dates),
                    escape_cell(row.place),
                    escape_cell(e.theme or "") + refs,
                ]
            )
        return _table(header, rows)

    def _mous(self, mous: Sequence[MouRow], labels: Labels, notes: SourceNumbers) -> list[str]:
        header = [
            labels(f"column.{k}") for k in ("parties", "title", "signed", "place", "supersedes")
        ]
        rows = []
        for row in mous:
            m = row.mou
            refs = "".join(f"[^{n}]" for n in notes.cite(m.sources))
            rows.append(
                [
                    escape_cell(labels.join(list(row.parties))),
                    escape_cell(m.title) + refs,
                    escape_cell(row.signed),
                    escape_cell(m.place or ""),
                    escape_cell("; ".join(row.supersedes)),
                ]
            )
        return _table(header, rows)

    def _observations(
        self,
        observations: Sequence[ObservationRow],
        labels: Labels,
        notes: SourceNumbers,
        level: int = 1,
    ) -> list[str]:
        """The observations as a section whose heading is at ``level`` (items one below)."""
        mark = "#" * level
        lines: list[str] = [f"{mark} {escape_text(labels('heading.observations'))}", ""]
        if not observations:
            lines.append(escape_text(labels("list.empty")))
        for row in observations:
            o = row.observation
            refs = "".join(f"[^{n}]" for n in notes.cite(o.sources))
            lines.append(f"{mark}# {escape_text(' · '.join(row.heading))}")
            lines.append("")
            lines.append(markdown_url(o.url) + refs)
            details = [d for d in (o.session, o.symbol) if d]
            if details:
                lines += ["", escape_text(" · ".join(details))]
            for ex in o.excerpts:
                lines.append("")
                lines.append(f"> ¶{escape_text(ex.paragraph)}: {escape_text(ex.text)}")
            if not o.excerpts:
                lines += ["", f"*{escape_text(labels('obs.no_excerpts'))}*"]
            lines.append("")
        return lines

    def _profile(self, view: ProfileView, labels: Labels, notes: SourceNumbers) -> list[str]:
        c = view.country
        lines = [f"# {escape_text(labels('heading.profile', country=labels.country_name(c)))}", ""]
        header = [labels("heading.instrument"), labels("heading.status"), labels("heading.history")]
        rows = []
        for row in view.rows():
            rows.append(
                [
                    escape_cell(labels.instrument_name(row.instrument)),
                    self._cell(row.cell, notes),
                    escape_cell("; ".join(h.text for h in row.history)),
                ]
            )
        lines += _table(header, rows)
        mous = view.mous()
        if mous:
            lines += ["", f"## {escape_text(labels('heading.mous'))}", ""]
            lines += self._mous(mous, labels, notes)
        obs = view.observations()
        if obs:
            lines += [""]
            lines += self._observations(obs, labels, notes, level=2)
        lines += profile_reporting_markdown(view, labels, notes)
        return lines

    def _footnotes(self, notes: SourceNumbers, labels: Labels) -> list[str]:
        out = ["", escape_text(generator_line(labels))]
        if notes.numbers:
            out.append("")
            out += [f"[^{n}]: {source_markdown(s, labels)}" for n, s in notes.sources()]
        return out


def _safe_url(url: str) -> bool:
    """Whether ``url`` can be written as a CommonMark autolink ``<URL>``: an http(s) URL
    with no space, angle bracket or other character an autolink cannot hold."""
    return (
        url.startswith(("http://", "https://"))
        and url.isprintable()
        and not any(c in url for c in "<> ")
    )


def markdown_url(url: str) -> str:
    """``url`` as a CommonMark autolink (``<https://...>``): inside one no backslash escape
    applies, so CommonMark, GitHub's autolinking and markdown-it's linkify all keep the
    address exactly; a URL that cannot be one is escaped text, not a link."""
    return f"<{url}>" if _safe_url(url) else escape_text(url)


def source_markdown(source: CitedSource, labels: Labels) -> str:
    """A footnote's text: ``Title, Publisher, <URL> (seen DATE; current to DATE)``, the
    words escaped and the address an autolink."""
    s = source.source
    extra = labels("source.seen", date=s.seen.isoformat())
    if s.as_of:
        extra += "; " + labels("source.as_of", date=s.as_of.isoformat())
    title, publisher = escape_text(s.title), escape_text(s.publisher)
    return f"{title}, {publisher}, {markdown_url(s.url)} ({escape_text(extra)})"


def _country_name(pset: PolicySet, code: str | None, labels: Labels) -> str:
    if code is None:
        return ""
    return labels.country_name(pset.country(code)) if pset.has_country(code) else code


def _md_rows(
    columns: tuple[str, ...], cells: list[dict[str, str]], notes: SourceNumbers
) -> list[list[str]]:
    """Escaped rows; the ``sources`` column becomes footnote references on the first."""
    rows = []
    for cell in cells:
        ids = [i for i in cell["sources"].split(";") if i]
        refs = "".join(f"[^{n}]" for n in notes.cite(ids))
        row = [escape_cell(cell[k]) for k in columns if k != "sources"]
        row[0] += refs
        rows.append(row)
    return rows


def reviews_markdown(view: ReviewsView, labels: Labels, notes: SourceNumbers) -> list[str]:
    """A reviews view: the reviews table, civil-society deadlines (where any), the UPR
    recommendations, then the reporting status table."""
    from gmspolicy.exporters import _reviews as rv

    pset = view.pset
    as_of = as_of_text(view.as_of, labels)
    lines: list[str] = []
    if not view.overdue:
        lines += [f"# {labels('heading.reviews')}", ""]
        lines += [escape_text(labels("reviews.as_of", as_of=as_of)), ""]
        if view.reviews:
            columns = tuple(k for k in rv.REVIEW_COLUMNS if k != "sources")
            cells = [rv.review_cells(pset, r, labels) for r in view.reviews]
            lines += _table(
                rv.titles(rv.REVIEW_TITLE_KEYS, columns, labels),
                _md_rows(rv.REVIEW_COLUMNS, cells, notes),
            )
        else:
            lines.append(labels("reviews.none"))
        lines.append("")
        deadlines = rv.view_deadlines(view)
        if deadlines:
            columns = tuple(k for k in rv.DEADLINE_COLUMNS if k != "sources")
            cells = [rv.deadline_cells(pset, r, labels) for r in deadlines]
            lines += [f"## {labels('heading.deadlines')}", ""]
            lines += _table(
                rv.titles(rv.DEADLINE_TITLE_KEYS, columns, labels),
                _md_rows(rv.DEADLINE_COLUMNS, cells, notes),
            )
            lines.append("")
        recs = rv.view_recommendations(view)
        if recs:
            columns = tuple(k for k in rv.RECOMMENDATION_COLUMNS if k != "sources")
            cells = [rv.recommendation_cells(pset, r, labels) for r in recs]
            lines += [f"## {labels('heading.recommendations')}", ""]
            lines += _table(
                rv.titles(rv.RECOMMENDATION_TITLE_KEYS, columns, labels),
                _md_rows(rv.RECOMMENDATION_COLUMNS, cells, notes),
            )
            lines.append("")
    lines += [f"{'##' if not view.overdue else '#'} {labels('heading.reporting')}", ""]
    if view.overdue:
        lines += [escape_text(labels("reviews.overdue_intro", as_of=as_of)), ""]
    lines += _reporting_table(view.pset, view.reporting, labels, notes)
    return lines


def _reporting_table(
    pset: PolicySet, summaries: object, labels: Labels, notes: SourceNumbers
) -> list[str]:
    from gmspolicy.exporters import _reviews as rv

    assert isinstance(summaries, tuple)
    if not summaries:
        return [labels("reporting.none")]
    columns = tuple(k for k in rv.REPORTING_COLUMNS if k != "sources")
    cells = [rv.reporting_cells(pset, s, labels) for s in summaries]
    return _table(
        rv.titles(rv.REPORTING_TITLE_KEYS, columns, labels),
        _md_rows(rv.REPORTING_COLUMNS, cells, notes),
    )


def profile_reporting_markdown(
    view: ProfileView, labels: Labels, notes: SourceNumbers
) -> list[str]:
    """The reporting section of a country profile (nothing when nothing is recorded)."""
    from gmspolicy.query.reviews import reporting_table

    pset, code = view.pset, view.country.code
    if not any(r.country == code for r in pset.review_records) and not any(
        r.country == code for r in pset.reporting
    ):
        return []
    table = reporting_table(pset, [code], as_of=view.as_of)
    heading = labels("heading.reporting")
    return ["", f"## {heading}", "", *_reporting_table(pset, table, labels, notes)]
