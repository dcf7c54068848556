"""Helpers shared by the built-in exporters: the legend, source numbering, source lines.

What a cell says, which sources it cites and how strong they are come ready from the
view (:mod:`gmspolicy.query.views`); these helpers only lay them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gmspolicy._version import __version__
from gmspolicy.i18n import Labels
from gmspolicy.query.views import CitedSource, StatusCell

if TYPE_CHECKING:
    from gmspolicy.query.views import View

#: Legend entries, in display order (label keys ``legend.KEY``).
LEGEND_KEYS: tuple[str, ...] = (
    "ratification",
    "accession",
    "succession",
    "signatory",
    "denounced",
    "withdrawn",
    "no_action",
    "not_adopted",
    "not_applicable",
    "unknown",
)


class SourceNumbers:
    """Numbers sources in the order they are first cited (for footnotes)."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> list[int]:
        """The footnote numbers of ``ids``, numbering new ones."""
        out = []
        for sid in ids:
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            out.append(self.numbers[sid])
        return out

    def cite_cell(self, cell: StatusCell) -> list[int]:
        """The footnote numbers of the sources behind a status cell."""
        return self.cite(cell.sources)

    def sources(self) -> list[tuple[int, CitedSource]]:
        """``(number, source)`` in number order."""
        cited = {s.id: s for s in self.view.cite(self.numbers)}
        return [(n, cited[sid]) for sid, n in self.numbers.items() if sid in cited]


def source_line(source: CitedSource, labels: Labels) -> str:
    """``Title, Publisher, URL (seen DATE; current to DATE)``."""
    s = source.source
    extra = labels("source.seen", date=s.seen.isoformat())
    if s.as_of:
        extra += "; " + labels("source.as_of", date=s.as_of.isoformat())
    return f"{s.title}, {s.publisher}, {s.url} ({extra})"


def as_of_text(as_of: dt.date | None, labels: Labels) -> str:
    """The as-of date, or the words for 'latest recorded facts'."""
    return as_of.isoformat() if as_of else labels("table.as_of_latest")


def generator_line(labels: Labels) -> str:
    """The footer line naming gmspolicy and its version."""
    return labels("footer.generated", version=__version__)
