"""Helpers shared by the built-in exporters: what a cell says, and source numbering."""

from __future__ import annotations

import datetime as dt

from gmspolicy._version import __version__
from gmspolicy.i18n import Labels
from gmspolicy.models import Participation, Source, Status, StatusKind
from gmspolicy.query.policyset import Cell, PolicySet

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


def cell_text(status: Status, labels: Labels) -> str:
    """The text of a matrix cell: kind word and the date it rests on.

    ``ratified 1999-02-08``, ``signed 2004-09-27``, ``no action (as of 2018-06-04)``,
    ``unknown``.
    """
    if status.kind is StatusKind.UNKNOWN:
        return labels.cell_word(status)
    if status.kind is StatusKind.NO_ACTION:
        assert status.date is not None
        return labels("cell.no_action_as_of", date=str(status.date))
    if status.kind is StatusKind.PARTY and status.via is None and status.in_force is not None:
        return labels("cell.party_in_force", date=status.in_force.isoformat())
    word = labels.cell_word(status)
    return f"{word} {status.date}" if status.date else word


def history(part: Participation | None, as_of: dt.date | None, labels: Labels) -> list[str]:
    """Each action up to ``as_of`` as ``DATE word``."""
    if part is None:
        return []
    return [
        f"{a.date} {labels.action_word(a.kind)}" + (labels.paren(a.note) if a.note else "")
        for a in part.actions_until(as_of)
    ]


class SourceNumbers:
    """Numbers sources in the order they are first cited (for footnotes)."""

    def __init__(self, pset: PolicySet) -> None:
        self.pset = pset
        self.numbers: dict[str, int] = {}

    def cite(self, ids: tuple[str, ...] | list[str]) -> list[int]:
        """The footnote numbers of ``ids``, numbering new ones."""
        out = []
        for sid in ids:
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            out.append(self.numbers[sid])
        return out

    def cite_cell(self, cell: Cell, as_of: dt.date | None) -> list[int]:
        """The footnote numbers of the sources behind a matrix cell."""
        return self.cite(list(cell.source_ids(as_of)))

    def sources(self) -> list[tuple[int, Source]]:
        """``(number, source)`` in number order."""
        return [(n, self.pset.source(sid)) for sid, n in self.numbers.items()]


def source_line(source: Source, labels: Labels) -> str:
    """``Title, Publisher, URL (seen DATE; current to DATE)``."""
    extra = labels("source.seen", date=source.seen.isoformat())
    if source.as_of:
        extra += "; " + labels("source.as_of", date=source.as_of.isoformat())
    return f"{source.title}, {source.publisher}, {source.url} ({extra})"


def as_of_text(as_of: dt.date | None, labels: Labels) -> str:
    """The as-of date, or the words for 'latest recorded facts'."""
    return as_of.isoformat() if as_of else labels("table.as_of_latest")


def generator_line(labels: Labels) -> str:
    """The footer line naming gmspolicy and its version."""
    return labels("footer.generated", version=__version__)
