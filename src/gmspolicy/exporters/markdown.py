"""Markdown exporter: GitHub-flavoured tables, sources as footnotes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, assert_never

from gmspolicy._gc import without_gc
from gmspolicy.exporters._common import (
    LEGEND_KEYS,
    SourceNumbers,
    as_of_text,
    generator_line,
    source_line,
)
from gmspolicy.i18n import Labels
from gmspolicy.query.views import (
    SECONDARY_MARK,
    DatasetView,
    EventRow,
    EventsView,
    MouRow,
    MousView,
    ObservationRow,
    ObservationsView,
    ProfileView,
    StatusCell,
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
    """Escape text for a Markdown paragraph or list item (one line)."""
    out = text.replace("\\", "\\\\")
    for ch in "*_`[]<>#~|&":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


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
        {"table", "dataset", "events", "mous", "observations", "profile"}
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
            case DatasetView():
                body = self._table(view.table(), labels, notes)
                body += ["", f"## {escape_text(labels('heading.mous'))}", ""]
                body += self._mous(view.mous(), labels, notes)
                body += ["", f"## {escape_text(labels('heading.events'))}", ""]
                body += self._events(view.events(), labels, notes)
            case EventsView():
                body = self._events(view.rows(), labels, notes)
            case MousView():
                body = self._mous(view.rows(), labels, notes)
            case ObservationsView():
                body = self._observations(view.rows(), labels, notes)
            case ProfileView():
                body = self._profile(view, labels, notes)
            case _:
                assert_never(view)
        return "\n".join([*body, *self._footnotes(notes, labels)]) + "\n"

    @staticmethod
    def _cell(cell: StatusCell, notes: SourceNumbers) -> str:
        """A status cell: its text, the secondary-source mark, its footnotes."""
        text = escape_cell(cell.text.text)
        if cell.secondary_only:
            text += " " + SECONDARY_MARK
        return text + "".join(f"[^{n}]" for n in notes.cite_cell(cell))

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
        for row in view.rows():
            rows.append(
                [escape_cell(row.instrument.short_name)]
                + [self._cell(cell, notes) for cell in row.cells]
            )
        known, total = m.coverage()
        names = ", ".join(labels.country_name(c) for c in m.countries)
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
            dates = str(e.start) + (f" to {e.end}" if e.end and e.end != e.start else "")
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
                    escape_cell(", ".join(row.parties)),
                    escape_cell(m.title) + refs,
                    escape_cell(row.signed),
                    escape_cell(m.place or ""),
                    escape_cell(", ".join(m.supersedes)),
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
        c = view.country
        lines = [f"# {escape_text(labels('heading.profile', country=labels.country_name(c)))}", ""]
        header = [labels("heading.instrument"), labels("heading.status"), labels("heading.history")]
        rows = []
        for row in view.rows():
            rows.append(
                [
                    escape_cell(row.instrument.short_name),
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
        return lines

    def _footnotes(self, notes: SourceNumbers, labels: Labels) -> list[str]:
        out = ["", escape_text(generator_line(labels))]
        if notes.numbers:
            out.append("")
            out += [f"[^{n}]: {escape_text(source_line(s, labels))}" for n, s in notes.sources()]
        return out


def _safe_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not any(c in url for c in "<> \n")
