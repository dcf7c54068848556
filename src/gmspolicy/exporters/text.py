"""Plain text laid out for a terminal: the ratification table at the terminal's width.

Cells wrap inside their column, instrument rows are labelled with their ids (short names
where the terminal is wide enough), countries with their names (or codes where columns are
narrow), and the sources follow as numbered notes. Widths count terminal cells, so Chinese
(two cells a character) and Thai, Lao, Khmer or Burmese (combining marks take none) line
up. Control characters never reach the terminal. ``gmspolicy table`` uses this format when
its output is a terminal, and Markdown otherwise.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from typing import TYPE_CHECKING, ClassVar

from gmspolicy._output import terminal_safe
from gmspolicy.errors import UsageError
from gmspolicy.exporters._common import (
    LEGEND_KEYS,
    SourceNumbers,
    as_of_text,
    generator_line,
    source_line,
)
from gmspolicy.query.views import SECONDARY_MARK, TableView

if TYPE_CHECKING:
    from gmspolicy.query.views import View

#: Narrowest and widest layouts (terminal cells).
MIN_WIDTH, MAX_WIDTH = 40, 400
#: Separator between columns, and the one used where the terminal is narrow.
SEP, NARROW_SEP = " | ", " "
#: The narrowest country column: an ISO date (``2007-03-05``) never breaks inside.
MIN_COLUMN = 10
#: The narrowest instrument column (an id such as ``ILO-C029``).
MIN_LABEL = 8


def terminal_width() -> int:
    """``$COLUMNS`` when it is a number, else the terminal's width (80 when unknown),
    kept between :data:`MIN_WIDTH` and :data:`MAX_WIDTH`."""
    raw = os.environ.get("COLUMNS", "").strip()
    width = int(raw) if raw.isdigit() and len(raw) < 5 else shutil.get_terminal_size((80, 24))[0]
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


def printable(text: str) -> str:
    """``text`` on one line for a terminal: line breaks and tabs become spaces, other
    control characters and bidi overrides are shown (``\\x1b``, ``\\u202e``) and never
    acted on."""
    return terminal_safe(" ".join(text.split("\n"))).replace("\t", " ").replace("\r", " ")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: wide (CJK) characters two, combining marks
    none, others one."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


#: Brackets a line may break after (openers) or before (closers), so that ``(2018-06-04)``
#: can wrap without cutting the date.
_OPENERS, _CLOSERS = "([\uff08\u3010\u300c", ")]\uff09\u3011\u300d"


def _pieces(word: str) -> list[str]:
    """``word`` cut after opening and before closing brackets."""
    out: list[str] = []
    current = ""
    for ch in word:
        if ch in _CLOSERS and current:
            out.append(current)
            current = ""
        current += ch
        if ch in _OPENERS:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells: at spaces or brackets where
    it can be, inside a word only where a piece is wider than the column."""
    lines: list[str] = []
    line = ""
    for word in printable(text).split():
        for k, piece in enumerate(_pieces(word)):
            joiner = "" if k or not line else " "
            candidate = line + joiner + piece
            if cells(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while cells(piece) > width:
                head, piece = _split_at(piece, width)
                lines.append(head)
            line = piece
    if line or not lines:
        lines.append(line)
    return lines


def _split_at(word: str, width: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(word):
        w = cells(ch)
        if used + w > width and i > 0:
            return word[:i], word[i:]
        used += w
    return word, ""


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


class TextExporter:
    """Plain text for a terminal: the table wrapped to ``$COLUMNS``, sources as notes."""

    name: ClassVar[str] = "text"
    description: ClassVar[str] = (
        "Plain text laid out for a terminal of $COLUMNS (the default of `table` on a terminal)"
    )
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset({"table"})

    def render(self, view: View) -> str:
        """Render a table view as wrapped plain text."""
        if not isinstance(view, TableView):
            raise UsageError(f"format 'text' cannot render a {view.kind} view")
        width = terminal_width()
        labels = view.labels
        notes = SourceNumbers(view)
        m = view.matrix
        ncols = max(len(m.countries), 1)
        sep = SEP if MIN_LABEL + ncols * (MIN_COLUMN + len(SEP)) <= width else NARROW_SEP
        longest = max((cells(f"{i.id} {i.short_name}") for i in m.instruments), default=MIN_LABEL)
        label_width = max(MIN_LABEL, min(longest, width // 4))
        col_width = max(MIN_COLUMN, (width - label_width - len(sep) * ncols) // ncols)
        col_width = min(col_width, 32)
        label_width = max(MIN_LABEL, min(longest, width - ncols * (col_width + len(sep))))
        use_codes = col_width < 14
        header = [labels("heading.instrument")] + [
            c.code if use_codes else labels.country_name(c) for c in m.countries
        ]
        rows: list[list[str]] = []
        for matrix_row in view.rows():
            inst = matrix_row.instrument
            name = labels.instrument_name(inst)
            label = inst.id if label_width < 20 else f"{inst.id} {name}"
            row = [label]
            for cell in matrix_row.cells:
                refs = notes.cite_cell(cell)
                mark = SECONDARY_MARK if cell.secondary_only else ""
                marks = f" [{','.join(str(n) for n in refs)}]" if refs else ""
                row.append(cell.text.text + mark + marks)
            rows.append(row)
        widths = [label_width] + [col_width] * ncols
        known, total = m.coverage()
        caption = labels(
            "table.caption",
            countries=labels.join([labels.country_name(c) for c in m.countries]),
            count=len(m.instruments),
            as_of=as_of_text(m.as_of, labels),
        )
        out = [*wrap(labels("table.title"), width), *wrap(caption, width), ""]
        out += self._grid(header, rows, widths, sep)
        out += ["", *wrap(labels("coverage", known=known, total=total), width), ""]
        out.append(printable(labels("heading.legend")))
        for key in LEGEND_KEYS:
            out += ["  " + line for line in wrap(labels("legend." + key), width - 2)]
        mark_note = f"{SECONDARY_MARK} {labels('legend.mark_secondary')}"
        out += ["  " + line for line in wrap(mark_note, width - 2)]
        out += ["", *wrap(generator_line(labels), width)]
        if notes.numbers:
            out += ["", printable(labels("heading.sources"))]
            # Source lines are not wrapped: a terminal keeps a long URL clickable.
            out += [f"[{n}] {printable(source_line(s, labels))}" for n, s in notes.sources()]
        return "\n".join(line.rstrip() for line in out) + "\n"

    @staticmethod
    def _grid(header: list[str], rows: list[list[str]], widths: list[int], sep: str) -> list[str]:
        out: list[str] = []

        def emit(row: list[str]) -> None:
            wrapped = [wrap(text, w) for text, w in zip(row, widths, strict=True)]
            for k in range(max(len(w) for w in wrapped)):
                parts = [
                    _pad(w[k] if k < len(w) else "", width)
                    for w, width in zip(wrapped, widths, strict=True)
                ]
                out.append(sep.join(parts))

        emit(header)
        rule = "-+-" if sep == SEP else "-"
        out.append(rule.join("-" * w for w in widths))
        for row in rows:
            emit(row)
        return out
