"""The UNTC loader: MTDSG XML, or a status table saved as CSV or HTML."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from typing import ClassVar
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from gmspolicy.errors import LoaderError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.kit import (
    MAX_DATE_CHARS,
    Fetched,
    absent_participations,
    check_options,
    choice_option,
    cited_participations,
    clean,
    decode,
    describe_html,
    fetched_source,
    find_instrument,
    fold,
    is_non_state_participant,
    looks_like_html,
    parse_html,
    parse_un_date,
    read_location,
    require_instrument,
    resolve_country,
    shorten,
    slug,
    strip_footnotes,
    unknown_names_error,
)
from gmspolicy.models import Action, ActionKind, Authority

PUBLISHER = "United Nations Treaty Collection"

#: Action letters after a date in the consent column.
CONSENT_CODES: Mapping[str, ActionKind] = {
    "": ActionKind.RATIFICATION,
    "a": ActionKind.ACCESSION,
    "d": ActionKind.SUCCESSION,
    "A": ActionKind.ACCEPTANCE,
    "AA": ActionKind.APPROVAL,
    "c": ActionKind.FORMAL_CONFIRMATION,
}
# Linear work on any text: every run is possessive where what follows could also match
# it, cells are matched only when at most MAX_DATE_CHARS long, and the one pattern
# searched through a whole page (_AS_AT) starts with a literal and has no overlapping runs
# (tests/reliability/test_rel_hostile_regex.py).
_CELL = re.compile(r"^(?P<date>\d{1,2}\s++[A-Za-z]{3,9}\.?\s++\d{4})\s*+(?P<code>AA|A|a|d|c)?$")
_CELL_REF = re.compile(r"\s*+\(?\d{1,3}\)?$")
_TITLE_NUMBER = re.compile(r"^\s*+\d++\s*+\.\s*+")
_REF_IN_NAME = re.compile(r"(?:^|/)([ivxl]++-\d++(?:-[a-z])?)\.(?:en\.)?(?:xml|csv|html?)$", re.I)
_AS_AT = re.compile(
    r"[Ss]tatus as at\s*+(?::\s*+)?"
    r"(?:(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{1,2}\s++[A-Za-z]{3,9}\s++\d{4}))"
)
#: Deepest element nesting read in the MTDSG XML (the real files nest a few levels).
MAX_XML_DEPTH = 100
_XML_TYPES = ("application/xml", "text/xml")
_CSV_TYPES = ("text/csv", "application/csv", "text/plain")


class UntcLoader:
    """Loads one treaty's participants from the UN Treaty Collection."""

    name: ClassVar[str] = "untc"
    description: ClassVar[str] = (
        "UN Treaty Collection status: MTDSG XML, or the status table saved as CSV/HTML"
    )
    options: ClassVar[Mapping[str, str]] = {
        "instrument": "which treaty (ICRMW or IV-13) when the file name does not say",
        "unknown": "error (default) or skip: what to do with participants not in the reference",
        "source_url": "the URL to cite when loading a saved file",
        "source_title": "the title to cite instead of the generated one",
        "absent": "skip (default) or no_action: record the reference countries the table does "
        "not list as no action as of its 'Status as at' date",
    }

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Read ``location`` and return the signatures and consents it lists."""
        check_options(self.name, self.options, options)
        unknown = choice_option(self.name, options, "unknown", ("error", "skip"), "error")
        absent = choice_option(self.name, options, "absent", ("skip", "no_action"), "skip")
        given = options.get("instrument")
        instrument = require_instrument(self.name, context, given) if given else None
        fetched = read_location(location, context)
        text = decode(fetched.body, location)
        kind = _kind(fetched, text, location)
        title = ""
        if kind == "xml":
            rows, title = _xml_rows(text, location)
        elif kind == "html":
            rows = _html_rows(text, location)
        else:
            rows = _csv_rows(text, location)
        if instrument is None:
            instrument = _instrument_from(fetched, title, context)
        if instrument is None:
            raise LoaderError(
                f"{location}: cannot tell which treaty this is: give --opt instrument=ID"
            )
        inst = context.reference.instrument(instrument)
        facts, skipped, organisations, present = _facts(
            rows, location, instrument, context, unknown
        )
        ref = inst.reference or inst.id
        as_at = _as_at(text)
        source = fetched_source(
            options,
            fetched,
            ident=f"untc-{slug(ref)}-{context.today.isoformat()}",
            title=f"Status of treaties: {title or inst.title} ({ref})",
            publisher=PUBLISHER,
            context=context,
            authority=Authority.DEPOSITARY,
            as_of=as_at,
        )
        warnings = tuple(
            f"{location}: skipped participant {n!r} (not in the reference)" for n in skipped
        ) + tuple(
            f"{location}: left out participant {n!r} (an organisation, not a state)"
            for n in organisations
        )
        participations = cited_participations(location, facts, source.id, context.today)
        if absent == "no_action":
            participations += absent_participations(
                location, context, instrument, present, as_at, source.id
            )
        return LoadResult(
            participations=tuple(sorted(participations, key=lambda p: p.key)),
            sources=(source,),
            warnings=warnings,
        )


def _kind(fetched: Fetched, text: str, location: str) -> str:
    media = fetched.media_type
    head = text.lstrip()[:200]
    if (
        fetched.is_url
        and media
        and not (
            media in _XML_TYPES
            or media in _CSV_TYPES
            or media == "text/html"
            or media.endswith("+xml")
        )
    ):
        raise LoaderError(
            f"{location}: unexpected content type {media!r} (expected XML, CSV or HTML)"
        )
    wants_xml = fetched.suffix == ".xml" or media in _XML_TYPES
    if looks_like_html(text):
        if wants_xml:
            raise LoaderError(f"{location}: expected the MTDSG XML, got {describe_html(text)}")
        return "html"
    if head.startswith("<"):
        return "xml"
    if wants_xml:
        raise LoaderError(f"{location}: expected the MTDSG XML, got text that is not XML")
    return "csv"


# -- reading the three formats -------------------------------------------------------

Row = tuple[int, Sequence[str]]


def _xml_rows(text: str, location: str) -> tuple[list[Row], str]:
    try:
        root = SafeET.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise LoaderError(f"{location}: XML refused: {type(exc).__name__}") from None
    except SafeET.ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(":", 1)[0]
        raise LoaderError(
            f"{location}:{line}: XML is not well-formed ({reason} at column {col + 1})"
        ) from None
    _depth(root, location)
    treaty = root if root.tag == "Treaty" else root.find(".//Treaty")
    if treaty is None:
        raise LoaderError(f"{location}: not an MTDSG treaty file (no <Treaty> element)")
    titlesect = treaty.find(".//Header/ExternalData/Titlesect")
    title = ""
    if titlesect is not None:
        title = _TITLE_NUMBER.sub("", _text(titlesect, keep_sup=True)[:2000], count=1)
    participants = treaty.find("Participants")
    if participants is None:
        raise LoaderError(f"{location}: no <Participants> table")
    rows: list[Row] = []
    for n, row in enumerate(participants.iter("Row"), start=1):
        cells = [_text(e, keep_sup=False) for e in row.findall("Entry")]
        rows.append((n, cells))
    return rows, title


def _text(elem: Element, keep_sup: bool) -> str:
    """The element's text, its children's (superscripts left out unless ``keep_sup``) and
    their tails, in document order: walked with an explicit stack, not recursion."""
    parts: list[str] = []
    todo: list[Element | str] = [elem]
    while todo:
        node = todo.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        if node.text:
            parts.append(node.text)
        for child in reversed(node):
            if child.tail:
                todo.append(child.tail)
            if keep_sup or child.tag.lower() not in ("superscript", "sup"):
                todo.append(child)
    return clean("".join(parts))


def _depth(root: Element, location: str) -> None:
    """A :class:`LoaderError` when elements nest deeper than :data:`MAX_XML_DEPTH`."""
    level: list[tuple[Element, int]] = [(root, 1)]
    while level:
        node, depth = level.pop()
        if depth > MAX_XML_DEPTH:
            raise LoaderError(
                f"{location}: XML elements nested more than {MAX_XML_DEPTH} deep "
                "(not an MTDSG treaty file)"
            )
        level.extend((child, depth + 1) for child in node)


def _html_rows(text: str, location: str) -> list[Row]:
    doc = parse_html(text, location)
    for table in doc.tables:
        rows: list[Row] = [(n, [c.text for c in row]) for n, row in enumerate(table.rows, start=1)]
        if _header_index(rows) is not None:
            return rows
    raise LoaderError(
        f"{location}: no participants table in this HTML page "
        "(expected columns Participant, Signature, Ratification...)"
    )


def _csv_rows(text: str, location: str) -> list[Row]:
    sample = text[:4096]
    delimiter = max((",", ";", "\t"), key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    try:
        for row in reader:
            rows.append((reader.line_num, [clean(c) for c in row]))
    except csv.Error as exc:
        raise LoaderError(f"{location}:{reader.line_num}: invalid CSV: {exc}") from None
    return rows


# -- the table -----------------------------------------------------------------------


def _column_role(header: str) -> str | None:
    h = fold(header)
    if h.startswith("participant"):
        return "participant"
    if h.startswith(("signature", "definitivesignature")):
        return "signature"
    if h.startswith(("ratification", "accession", "acceptance", "approval", "consent")):
        return "consent"
    if h.startswith("denunciation"):
        return "denunciation"
    return None


def _header_index(rows: Sequence[Row]) -> int | None:
    for i, (_, cells) in enumerate(rows[:10]):
        roles = [_column_role(c) for c in cells]
        if "participant" in roles and ("consent" in roles or "signature" in roles):
            return i
    return None


def _facts(
    rows: Sequence[Row], location: str, instrument: str, context: LoadContext, unknown: str
) -> tuple[list[tuple[str, str, Action]], list[str], list[str], set[str]]:
    """The actions in the table, the participant names not in the reference, the
    organisations (not states) left out, and the
    codes of every reference country the table lists (with or without dates)."""
    start = _header_index(rows)
    if start is None:
        raise LoaderError(
            f"{location}: no header row with Participant and Signature or Ratification columns"
        )
    header = rows[start][1]
    roles = {i: r for i, c in enumerate(header) if (r := _column_role(c)) is not None}
    part_col = next(i for i, r in roles.items() if r == "participant")
    facts: list[tuple[str, str, Action]] = []
    unmapped: list[str] = []
    organisations: list[str] = []
    problems: list[str] = []
    present: set[str] = set()
    for line, cells in rows[start + 1 :]:
        if not any(cells) or part_col >= len(cells) or not cells[part_col]:
            continue
        raw_name = cells[part_col]
        if _column_role(raw_name) == "participant":
            continue  # a repeated header row
        name = strip_footnotes(raw_name)
        where = (
            f"{location}:{line}" if not location.endswith(".xml") else (f"{location}: row {line}")
        )
        actions: list[Action] = []
        for col, role in roles.items():
            if role == "participant" or col >= len(cells) or not cells[col]:
                continue
            try:
                actions.append(_action(cells[col], role))
            except ValueError as exc:
                problems.append(f"{where} ({name}): {exc}")
        code = resolve_country(context, name)
        if code is None:
            if is_non_state_participant(name):
                organisations.append(name)
            else:
                unmapped.append(name)
            continue
        present.add(code)
        facts.extend((code, instrument, a) for a in actions)
    if problems:
        raise LoaderError("; ".join(problems))
    if unmapped and unknown == "error":
        raise LoaderError(unknown_names_error(location, unmapped))
    return facts, unmapped, organisations, present


def _action(cell: str, role: str) -> Action:
    if len(cell) > MAX_DATE_CHARS:
        raise ValueError(f"unreadable cell {shorten(cell)!r} (too long for a date)")
    value = clean(_CELL_REF.sub("", cell, count=1)) if not _CELL.match(cell) else cell
    m = _CELL.match(value)
    if not m:
        raise ValueError(f"unreadable cell {cell!r} (expected a date like '5 Jun 2007 a')")
    date = parse_un_date(m.group("date"))
    code = m.group("code") or ""
    if role == "signature":
        if code not in ("", "d"):
            raise ValueError(f"unknown action code {code!r} in signature cell {cell!r}")
        return Action(
            ActionKind.SIGNATURE, date, note="succession to signature" if code == "d" else None
        )
    if role == "denunciation":
        return Action(ActionKind.DENUNCIATION, date)
    return Action(CONSENT_CODES[code], date)


def _instrument_from(fetched: Fetched, title: str, context: LoadContext) -> str | None:
    m = _REF_IN_NAME.search(fetched.location.split("?", 1)[0])
    if m:
        found = find_instrument(context, m.group(1).upper())
        if found is not None:
            return found
    if title:
        return find_instrument(context, title)
    return None


def _as_at(text: str) -> dt.date | None:
    m = _AS_AT.search(text)
    if not m:
        return None
    try:
        if m.group(4):
            return parse_un_date(m.group(4))
        day, month, year = (int(g) for g in m.group(1, 2, 3))
        return dt.date(year, month, day)
    except ValueError:
        return None
