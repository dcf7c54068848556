"""Markdown exporter: GitHub-flavoured tables, sources as footnotes."""

from __future__ import annotations

from typing import ClassVar

from gmspolicy.exporters._common import (
    LEGEND_KEYS,
    SourceNumbers,
    as_of_text,
    cell_text,
    generator_line,
    history,
    source_line,
)
from gmspolicy.i18n import Labels
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import (
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    ReviewsView,
    TableView,
    View,
)


def escape_cell(text: str) -> str:
    """Escape text for a GFM table cell: backslashes, pipes, newlines, entities and inline
    markup. Line breaks become ``<br>``; whitespace at the ends (which a table and a
    Markdown renderer drop anyway) is removed; a final ``!`` is escaped so that a footnote
    reference after it cannot make an image.

    >>> escape_cell("a|b\\\\c\\nd")
    'a\\\\|b\\\\\\\\c<br>d'
    """
    out = text.strip().replace("\\", "\\\\").replace("|", "\\|")
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
    out = text.replace("\\", "\\\\")
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
        labels = Labels(view.lang)
        notes = SourceNumbers(view.pset)
        if isinstance(view, TableView):
            body = self._table(view, labels, notes)
        elif isinstance(view, DatasetView):
            m = view.pset.matrix(
                [c.code for c in view.pset.countries], [i.id for i in view.pset.instruments]
            )
            body = self._table(TableView(view.pset, m, view.lang), labels, notes)
            body += ["", f"## {escape_text(labels('heading.mous'))}", ""]
            body += self._mous(MousView(view.pset, view.pset.mous, view.lang), labels, notes)
            body += ["", f"## {escape_text(labels('heading.events'))}", ""]
            body += self._events(EventsView(view.pset, view.pset.events, view.lang), labels, notes)
        elif isinstance(view, EventsView):
            body = self._events(view, labels, notes)
        elif isinstance(view, MousView):
            body = self._mous(view, labels, notes)
        elif isinstance(view, ObservationsView):
            body = self._observations(view, labels, notes)
        elif isinstance(view, ReviewsView):
            body = reviews_markdown(view, labels, notes)
        else:
            body = self._profile(view, labels, notes)
        return "\n".join([*body, *self._footnotes(notes, labels)]) + "\n"

    def _table(self, view: TableView, labels: Labels, notes: SourceNumbers) -> list[str]:
        m = view.matrix
        header = [labels("heading.instrument")] + [labels.country_name(c) for c in m.countries]
        rows = []
        for i in m.instruments:
            row = [escape_cell(labels.instrument_name(i))]
            for c in m.countries:
                cell = m.cell(c.code, i.id)
                text = escape_cell(cell_text(cell.status, labels))
                refs = "".join(f"[^{n}]" for n in notes.cite_cell(cell, m.as_of))
                row.append(text + refs)
            rows.append(row)
        known, total = m.coverage()
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
        lines += [f"**{escape_text(labels('heading.legend'))}**", ""]
        for key in LEGEND_KEYS:
            lines.append(f"- {escape_text(labels('legend.' + key))}")
        return lines

    def _events(self, view: EventsView, labels: Labels, notes: SourceNumbers) -> list[str]:
        header = [labels(f"column.{k}") for k in ("series", "edition", "dates", "place", "theme")]
        rows = []
        for e in view.events:
            dates = labels.date_range(e.start, e.end, english=" to ")
            place = ", ".join(p for p in (e.city, _country_name(view.pset, e.country, labels)) if p)
            refs = "".join(f"[^{n}]" for n in notes.cite(list(e.sources)))
            rows.append(
                [
                    escape_cell(e.series.value),
                    escape_cell(str(e.edition or "")),
                    escape_cell(dates),
                    escape_cell(place),
                    escape_cell(e.theme or "") + refs,
                ]
            )
        return _table(header, rows)

    def _mous(self, view: MousView, labels: Labels, notes: SourceNumbers) -> list[str]:
        header = [
            labels(f"column.{k}") for k in ("parties", "title", "signed", "place", "supersedes")
        ]
        rows = []
        for m in view.mous:
            parties = labels.join([_country_name(view.pset, p, labels) for p in m.parties])
            refs = "".join(f"[^{n}]" for n in notes.cite(list(m.sources)))
            rows.append(
                [
                    escape_cell(parties),
                    escape_cell(m.title) + refs,
                    escape_cell(str(m.signed) if m.signed else labels("cell.unknown")),
                    escape_cell(m.place or ""),
                    escape_cell(", ".join(m.supersedes)),
                ]
            )
        return _table(header, rows)

    def _observations(
        self, view: ObservationsView, labels: Labels, notes: SourceNumbers, level: int = 1
    ) -> list[str]:
        """The observations as a section whose heading is at ``level`` (items one below)."""
        mark = "#" * level
        lines: list[str] = [f"{mark} {escape_text(labels('heading.observations'))}", ""]
        if not view.observations:
            lines.append(escape_text(labels("list.empty")))
        for o in view.observations:
            country = _country_name(view.pset, o.country, labels)
            inst = (
                labels.instrument_name(view.pset.instrument(o.instrument)) if o.instrument else ""
            )
            year = o.adopted_year or o.published_year or ""
            refs = "".join(f"[^{n}]" for n in notes.cite(list(o.sources)))
            kind = labels(f"obskind.{o.kind.value}")
            title = " · ".join(str(x) for x in (country, o.body.value, kind, inst, year) if x)
            lines.append(f"{mark}# {escape_text(title)}")
            lines.append("")
            lines.append(f"<{o.url}>{refs}" if _safe_url(o.url) else escape_text(o.url) + refs)
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
        pset, c = view.pset, view.country
        lines = [f"# {escape_text(labels('heading.profile', country=labels.country_name(c)))}", ""]
        header = [labels("heading.instrument"), labels("heading.status"), labels("heading.history")]
        rows = []
        for inst in pset.instruments:
            part = pset.participation(c.code, inst.id)
            status = pset.status(c.code, inst.id, view.as_of)
            refs = "".join(
                f"[^{n}]" for n in notes.cite(list(pset.sources_for(c.code, inst.id, view.as_of)))
            )
            rows.append(
                [
                    escape_cell(labels.instrument_name(inst)),
                    escape_cell(cell_text(status, labels)) + refs,
                    escape_cell("; ".join(history(part, view.as_of, labels))),
                ]
            )
        lines += _table(header, rows)
        mous = pset.mous_for(c.code, until=view.as_of)
        if mous:
            lines += ["", f"## {escape_text(labels('heading.mous'))}", ""]
            lines += self._mous(MousView(pset, mous, view.lang), labels, notes)
        obs = pset.observations_for(c.code, until=view.as_of)
        if obs:
            lines += [""]
            lines += self._observations(
                ObservationsView(pset, obs, view.lang), labels, notes, level=2
            )
        lines += profile_reporting_markdown(view, labels, notes)
        return lines

    def _footnotes(self, notes: SourceNumbers, labels: Labels) -> list[str]:
        out = ["", escape_text(generator_line(labels))]
        if notes.numbers:
            out.append("")
            out += [f"[^{n}]: {escape_text(source_line(s, labels))}" for n, s in notes.sources()]
        return out


def _safe_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not any(c in url for c in "<> \n")


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
    """A reviews view: the reviews table, then the reporting status table."""
    from gmspolicy.exporters import _reviews as rv

    pset = view.pset
    as_of = as_of_text(view.as_of, labels)
    lines: list[str] = []
    if not view.overdue:
        lines += [f"# {rv.REVIEWS_HEADING}", "", escape_text(f"As of {as_of}."), ""]
        if view.reviews:
            columns = tuple(k for k in rv.REVIEW_COLUMNS if k != "sources")
            cells = [rv.review_cells(pset, r, labels) for r in view.reviews]
            lines += _table(
                [rv.REVIEW_TITLES[k] for k in columns], _md_rows(rv.REVIEW_COLUMNS, cells, notes)
            )
        else:
            lines.append(rv.NO_REVIEWS)
        lines.append("")
        recs = rv.view_recommendations(view)
        if recs:
            columns = tuple(k for k in rv.RECOMMENDATION_COLUMNS if k != "sources")
            cells = [rv.recommendation_cells(pset, r, labels) for r in recs]
            lines += [f"## {rv.RECOMMENDATIONS_HEADING}", ""]
            lines += _table(
                [rv.RECOMMENDATION_TITLES[k] for k in columns],
                _md_rows(rv.RECOMMENDATION_COLUMNS, cells, notes),
            )
            lines.append("")
    lines += [f"{'##' if not view.overdue else '#'} {rv.REPORTING_HEADING}", ""]
    if view.overdue:
        lines += [escape_text(f"Reports overdue as of {as_of} (only where sourced)."), ""]
    lines += _reporting_table(view.pset, view.reporting, labels, notes)
    return lines


def _reporting_table(
    pset: PolicySet, summaries: object, labels: Labels, notes: SourceNumbers
) -> list[str]:
    from gmspolicy.exporters import _reviews as rv

    assert isinstance(summaries, tuple)
    if not summaries:
        return [rv.NO_REPORTING]
    columns = tuple(k for k in rv.REPORTING_COLUMNS if k != "sources")
    cells = [rv.reporting_cells(pset, s, labels) for s in summaries]
    return _table(
        [rv.REPORTING_TITLES[k] for k in columns], _md_rows(rv.REPORTING_COLUMNS, cells, notes)
    )


def profile_reporting_markdown(
    view: ProfileView, labels: Labels, notes: SourceNumbers
) -> list[str]:
    """The reporting section of a country profile (nothing when nothing is recorded)."""
    from gmspolicy.exporters import _reviews as rv
    from gmspolicy.query.reviews import reporting_table

    pset, code = view.pset, view.country.code
    if not any(r.country == code for r in pset.review_records) and not any(
        r.country == code for r in pset.reporting
    ):
        return []
    table = reporting_table(pset, [code], as_of=view.as_of)
    return ["", f"## {rv.REPORTING_HEADING}", "", *_reporting_table(pset, table, labels, notes)]
