"""Building blocks for loader plugins: reading a location, decoding text, parsing the
dates and tables official sources publish, naming sources, checking options.

Every function raises :class:`~gmspolicy.errors.LoaderError` (bad input) or
:class:`~gmspolicy.errors.UsageError` (bad option) with a message that names the place.
The first-party loaders (``plugins/``) are built on these; third-party loaders may be too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gmspolicy._text import fold
from gmspolicy.errors import LoaderError, UsageError

if TYPE_CHECKING:
    from lxml import html as lxml_html

    from gmspolicy.loaders import LoadContext
    from gmspolicy.models import Action, Authority, Participation, Source

__all__ = [
    "MAX_FILE_BYTES",
    "Cell",
    "Fetched",
    "HtmlDoc",
    "Table",
    "absent_participations",
    "check_options",
    "choice_option",
    "cited_participations",
    "clean",
    "decode",
    "describe_html",
    "fetched_source",
    "find_instrument",
    "fold",
    "group_participations",
    "is_non_state_participant",
    "is_url",
    "looks_like_html",
    "make_source",
    "parse_html",
    "parse_numeric_date",
    "parse_un_date",
    "read_location",
    "require_instrument",
    "resolve_country",
    "shorten",
    "slug",
    "strip_footnotes",
    "unknown_names_error",
]

#: Largest local file a loader reads, in bytes (URLs: the fetcher's ``max_bytes``).
MAX_FILE_BYTES = 20 * 1024 * 1024

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Every pattern applied to loaded text is anchored at the start (``match``), has no
# nested or overlapping repetition (possessive ``++``/``*+`` where a run is followed by
# something it could also match), and sees at most MAX_DATE_CHARS characters: its work is
# linear in its input (tests/reliability/test_rel_hostile_regex.py).
_DMY_WORDS = re.compile(r"^(\d{1,2})[\s\-/.]++([A-Za-z]{3,9})[\s\-/.,]++(\d{4})$")
_MDY_WORDS = re.compile(r"^([A-Za-z]{3,9})\.?\s++(\d{1,2}),?\s++(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_SLUG_GAPS = re.compile(r"[^a-z0-9]+")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_MARKS = frozenset(_SUPERSCRIPTS + "*")

#: The longest text read as a date (``"05 September 2007"`` has 17 characters): longer
#: text is refused before any pattern sees it.
MAX_DATE_CHARS = 64
#: Deepest element nesting accepted in an HTML page (real pages stay far below it).
MAX_HTML_DEPTH = 200


@attrs.frozen
class Fetched:
    """What :func:`read_location` read: the bytes, the media type (``""`` for a file) and
    where they came from (the final URL, or the file's absolute path)."""

    location: str
    body: bytes
    media_type: str
    is_url: bool
    url: str

    @property
    def suffix(self) -> str:
        """The file name's suffix in the location, lower case (``.xml``), or ``""``."""
        tail = self.location.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return ("." + tail.rsplit(".", 1)[1].lower()) if "." in tail else ""


def is_url(location: str) -> bool:
    """True for ``http://`` and ``https://`` locations."""
    return location.startswith(("http://", "https://"))


def read_location(location: str, context: LoadContext) -> Fetched:
    """Read a file path or fetch an ``http(s)://`` URL through ``context.fetcher``."""
    if is_url(location):
        from gmspolicy.loaders.http import Fetcher

        fetcher = context.fetcher if context.fetcher is not None else Fetcher()
        resp = fetcher.get(location)
        return Fetched(location, resp.body, resp.media_type, True, resp.url)
    path = Path(location)
    if not path.exists():
        raise LoaderError(f"{location}: no such file")
    if path.is_dir():
        raise LoaderError(f"{location}: is a directory, not a file")
    from gmspolicy.dataset._files import read_file_bounded

    limit = context.fetcher.max_bytes if context.fetcher is not None else MAX_FILE_BYTES
    # the one bounded reader of every file the command line reads: regular files only
    # (a FIFO or device is refused before it is read), never more than the limit
    data = read_file_bounded(path, limit)
    if isinstance(data, str):
        raise LoaderError(f"{location}: {data}")
    return Fetched(location, data, "", False, path.resolve().as_uri())


def decode(data: bytes, where: str) -> str:
    """Bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252
    (what spreadsheet programs save). A NUL byte in 8-bit text is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise LoaderError(f"{where}: invalid UTF-16 text") from None
    if b"\x00" in data:
        raise LoaderError(f"{where}: binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces, ends trimmed."""
    return " ".join(text.replace("\xa0", " ").split())


def _is_mark(ch: str) -> bool:
    return ch in _MARKS or ch.isdecimal()


def strip_footnotes(name: str) -> str:
    """A participant name without trailing footnote marks: ``"Germany2, 3"``,
    ``"Albania ¹"``, ``"Chile*"`` -> the name.

    The marks are digits, superscript digits and ``*``, with spaces and commas between
    them; they are removed only when the name ends with a mark (spaces aside). One scan
    from the end: linear in the length of the name, whatever it holds.
    """
    text = clean(name)
    i = len(text)
    while i and text[i - 1].isspace():
        i -= 1
    if not i or not _is_mark(text[i - 1]):
        return text.rstrip(" ,") or text
    while i and (_is_mark(text[i - 1]) or text[i - 1].isspace() or text[i - 1] == ","):
        i -= 1
    return text[:i].rstrip(" ,") or text


def parse_un_date(text: str) -> dt.date:
    """A date as official sources write it: ``5 Jun 2007``, ``05 June 2007``,
    ``05-Jun-2007``, ``June 5, 2007`` or ISO ``2007-06-05``. ``ValueError`` otherwise
    (text longer than :data:`MAX_DATE_CHARS` is refused unread)."""
    value = clean(text)
    if len(value) > MAX_DATE_CHARS:
        raise ValueError(f"unreadable date {shorten(value)!r} (too long for a date)")
    m = _ISO.match(value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY_WORDS.match(value)
        if m:
            d, month, y = int(m.group(1)), m.group(2), int(m.group(3))
        else:
            m = _MDY_WORDS.match(value)
            if not m:
                raise ValueError(f"unreadable date {text.strip()!r}")
            month, d, y = m.group(1), int(m.group(2)), int(m.group(3))
        mo = _MONTHS.get(month.lower(), 0)
        if not mo:
            raise ValueError(f"unreadable date {text.strip()!r} (unknown month {month!r})")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {text.strip()!r}") from None


def parse_numeric_date(text: str, dayfirst: bool) -> dt.date:
    """``05/06/2007`` as 5 June (``dayfirst``) or May 6; ``ValueError`` otherwise."""
    value = clean(text)
    if len(value) > MAX_DATE_CHARS:
        raise ValueError(f"unreadable date {shorten(value)!r} (too long for a date)")
    m = _NUMERIC.match(value)
    if not m:
        raise ValueError(f"unreadable date {text.strip()!r}")
    a, b, y = (int(g) for g in m.groups())
    d, mo = (a, b) if dayfirst else (b, a)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {text.strip()!r}") from None


def slug(text: str) -> str:
    """A source-id-safe slug: lower case ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_GAPS.sub("-", ascii_text.lower()).strip("-") or "x"


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters (with ``...``), for quoting it in a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_options(loader_name: str, known: Iterable[str], options: Mapping[str, str]) -> None:
    """A :class:`UsageError` for an option the loader does not know, naming the known ones."""
    known = sorted(known)
    for name in options:
        if name not in known:
            raise UsageError(
                f"loader {loader_name!r} has no option {name!r} "
                f"(options: {', '.join(known) or 'none'})"
            )


def choice_option(
    loader_name: str, options: Mapping[str, str], name: str, choices: Iterable[str], default: str
) -> str:
    """The value of option ``name``, which must be one of ``choices``."""
    value = options.get(name, default)
    allowed = list(choices)
    if value not in allowed:
        raise UsageError(
            f"loader {loader_name!r}: option {name}={value!r} must be one of: {', '.join(allowed)}"
        )
    return value


def resolve_country(context: LoadContext, name: str) -> str | None:
    """The reference dataset's code for a participant name (footnote marks ignored)."""
    return context.reference.resolve_country(name) or context.reference.resolve_country(
        strip_footnotes(name)
    )


#: Participants that depositaries list beside states but that are not states (regional
#: economic integration organisations): loaders leave them out with a warning, never an error.
NON_STATE_PARTICIPANTS = frozenset(
    {"european union", "european community", "european economic community"}
)


def is_non_state_participant(name: str) -> bool:
    """True for a participant that is an organisation, not a state (``European Union``)."""
    return " ".join(strip_footnotes(name).casefold().split()) in NON_STATE_PARTICIPANTS


def unknown_names_error(where: str, names: Iterable[str], what: str = "participant") -> str:
    """The message for names that could not be mapped to a country code."""
    names = list(names)
    listed = ", ".join(repr(shorten(n)) for n in names)
    plural = "s" if len(names) > 1 else ""
    return (
        f"{where}: cannot map {what}{plural} {listed} to a country of the reference dataset "
        "(add the name to the country's names, or use --opt unknown=skip)"
    )


# -- HTML tables ---------------------------------------------------------------------


@attrs.frozen
class Cell:
    """A table cell: its text (superscripts left out) and its superscript text."""

    text: str
    sup: str = ""
    header: bool = False


@attrs.frozen
class Table:
    """An HTML table: rows of cells, in document order."""

    rows: tuple[tuple[Cell, ...], ...]


@attrs.frozen
class HtmlDoc:
    """An HTML page's title, headings and tables (``<table>`` nested tables flattened)."""

    title: str
    headings: tuple[str, ...]
    tables: tuple[Table, ...]
    text: str


class _TableFrame:
    """One open ``<table>``: its rows so far and the cell being read."""

    __slots__ = ("cell", "header", "rows", "sup")

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []
        self.cell: list[str] | None = None
        self.sup: list[str] = []
        self.header = False

    def start_cell(self, header: bool) -> None:
        self.end_cell()
        if not self.rows:
            self.rows.append([])  # a cell before any <tr>
        self.cell, self.sup, self.header = [], [], header

    def end_cell(self) -> None:
        if self.cell is not None:
            text = clean("".join(self.cell))
            self.rows[-1].append(Cell(text, clean("".join(self.sup)), self.header))
        self.cell = None


_SKIPPED = frozenset({"script", "style", "template", "noscript"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4"})


class _HtmlWalk:
    """One walk over a parsed page: what is open and the text read so far."""

    __slots__ = (
        "heading",
        "heading_depth",
        "headings",
        "in_title",
        "skip",
        "stack",
        "sup",
        "tables",
        "texts",
        "title",
    )

    def __init__(self) -> None:
        self.title: list[str] = []
        self.headings: list[str] = []
        self.heading: list[str] | None = None
        self.heading_depth = 0
        self.in_title = 0
        self.skip = 0
        self.sup = 0
        self.texts: list[str] = []
        self.stack: list[_TableFrame] = []
        self.tables: list[list[list[Cell]]] = []

    def add_text(self, data: str | None) -> None:
        if not data or self.skip:
            return
        self.texts.append(data)
        if self.in_title:
            self.title.append(data)
        if self.heading is not None:
            self.heading.append(data)
        stack = self.stack
        if stack and stack[-1].cell is not None:
            frame = stack[-1]
            assert frame.cell is not None
            (frame.sup if self.sup else frame.cell).append(data)

    def start(self, tag: str, depth: int) -> None:
        """An element opens (``depth`` counts it)."""
        stack = self.stack
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "title":
            self.in_title += 1
        elif tag in _HEADINGS and self.heading is None:
            self.heading, self.heading_depth = [], depth
        elif tag == "table":
            stack.append(_TableFrame())
        elif tag == "tr" and stack:
            stack[-1].end_cell()
            stack[-1].rows.append([])
        elif tag in ("td", "th") and stack:
            stack[-1].start_cell(tag == "th")
        elif tag == "sup":
            self.sup += 1
        elif tag == "br" and stack and stack[-1].cell is not None:
            cell = stack[-1].cell
            assert cell is not None
            cell.append(" ")

    def end(self, tag: str, depth: int) -> None:
        """An element closes (``depth`` no longer counts it)."""
        stack = self.stack
        if tag in _SKIPPED:
            self.skip -= 1
        elif tag == "title":
            self.in_title -= 1
        elif tag in _HEADINGS and self.heading is not None and depth + 1 == self.heading_depth:
            self.headings.append(clean("".join(self.heading)))
            self.heading = None
        elif tag == "table" and stack:
            frame = stack.pop()
            frame.end_cell()
            self.tables.append(frame.rows)
        elif tag in ("td", "th") and stack:
            stack[-1].end_cell()
        elif tag == "sup":
            self.sup -= 1

    def doc(self) -> HtmlDoc:
        tables = self.tables
        found = tuple(Table(tuple(tuple(row) for row in t if row)) for t in tables if any(t))
        title = clean("".join(self.title))
        return HtmlDoc(title, tuple(self.headings), found, clean(" ".join(self.texts)))


def _html_root(text: str) -> lxml_html.HtmlElement | None:
    """The parsed page, or None when there is nothing to parse."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    data = text.encode("utf-8", errors="replace")
    if not data.strip():
        return None
    try:
        return lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError):
        return None


def parse_html(text: str, where: str = "HTML page") -> HtmlDoc:
    """Parse an HTML page (or an HTML table saved as ``.xls``) into its title, headings,
    tables and text.

    The page is parsed by lxml (libxml2's HTML parser: linear time, no network, no
    entity definitions, comments and processing instructions dropped) and walked without
    recursion. Each table keeps its own rows: a table nested in a cell is a table of its
    own (listed before the one that holds it) and its text is not part of that cell.
    Nesting deeper than :data:`MAX_HTML_DEPTH` elements is a
    :class:`~gmspolicy.errors.LoaderError` naming ``where``.
    """
    from lxml import etree

    root = _html_root(text)
    if root is None:
        return HtmlDoc("", (), (), "")
    walk = _HtmlWalk()
    depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            depth += 1
            if depth > MAX_HTML_DEPTH:
                raise LoaderError(
                    f"{where}: elements nested more than {MAX_HTML_DEPTH} deep "
                    "(not a page a loader reads)"
                )
            walk.start(tag, depth)
            if tag:
                walk.add_text(el.text)
            continue
        depth -= 1
        walk.end(tag, depth)
        walk.add_text(el.tail)
    return walk.doc()


def looks_like_html(text: str) -> bool:
    """True when text starts like an HTML page."""
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head or "<body" in head


def describe_html(text: str) -> str:
    """A short description of an HTML page for error messages: its title, if any."""
    try:
        title = parse_html(text[:65536]).title
    except LoaderError:
        return "an HTML page"
    return f"an HTML page (title: {title!r})" if title else "an HTML page"


def group_participations(
    facts: Iterable[tuple[str, str, Action]],
) -> tuple[Participation, ...]:
    """Participations built from ``(country, instrument, action)`` facts, sorted by key;
    an action seen twice is kept once: the same kind on the same date, or on dates of which
    one contains the other (``1999`` and ``1999-03-02``: the more precise is kept)."""
    from gmspolicy.models import Participation

    grouped: dict[tuple[str, str], list[Action]] = {}
    for country, instrument, action in facts:
        bucket = grouped.setdefault((country, instrument), [])
        n = next((n for n, seen in enumerate(bucket) if seen.same_event(action)), None)
        if n is None:
            bucket.append(action)
        elif bucket[n].date != action.date and bucket[n].date.contains(action.date):
            bucket[n] = action
    return tuple(
        Participation(country=c, instrument=i, actions=tuple(acts))
        for (c, i), acts in sorted(grouped.items())
    )


def cited_participations(
    location: str,
    facts: Iterable[tuple[str, str, Action]],
    source_id: str,
    today: dt.date,
) -> tuple[Participation, ...]:
    """Participations from a loader's facts, every action citing ``source_id``.

    A fact dated after ``today`` (the date the source is being read) cannot come from it:
    :class:`~gmspolicy.errors.LoaderError`, and nothing is returned.
    """
    from gmspolicy.models import Action

    stamped = []
    for country, instrument, a in facts:
        if a.date.earliest() > today:
            raise LoaderError(
                f"{location}: {instrument} {a.kind.value} on {a.date} is after today "
                f"({today.isoformat()})"
            )
        stamped.append((country, instrument, Action(a.kind, a.date, (source_id,), a.note)))
    return group_participations(stamped)


def absent_participations(
    location: str,
    context: LoadContext,
    instrument: str,
    present: Iterable[str],
    as_of: dt.date | None,
    source_id: str,
) -> tuple[Participation, ...]:
    """``no_action`` participations for the reference countries a complete participant
    table does not list, as of the date the table is current to (its "status as at").

    Only for a source that lists every signatory and party; a country listed at all (even
    with empty cells, as for a footnote) is not absent. Without the table's date there is
    nothing to date the absence by: :class:`~gmspolicy.errors.LoaderError`.
    """
    from gmspolicy.models import DatedFact, Participation

    if as_of is None:
        raise LoaderError(
            f"{location}: recording absent countries as no action needs the date the table "
            "is current to ('Status as at'), and none was found"
        )
    if as_of > context.today:
        raise LoaderError(
            f"{location}: the table says it is current to {as_of.isoformat()}, after today "
            f"({context.today.isoformat()})"
        )
    listed = set(present)
    note = "not among the signatories and parties the table lists"
    return tuple(
        Participation(
            country=c.code,
            instrument=instrument,
            no_action=DatedFact(as_of, (source_id,), note),
        )
        for c in context.reference.countries
        if c.code not in listed
    )


def find_instrument(context: LoadContext, value: str) -> str | None:
    """The reference instrument id for an id (``ICRMW``), a reference (``IV-13``,
    ``C029``) or a title, case and punctuation ignored; ``None`` if none matches."""
    ref = context.reference
    if ref.has_instrument(value):
        return value
    wanted = fold(value)
    for inst in ref.instruments:
        if wanted in (fold(inst.id), fold(inst.reference or "\x00"), fold(inst.title)):
            return inst.id
    return None


def require_instrument(loader_name: str, context: LoadContext, value: str) -> str:
    """:func:`find_instrument`, or a :class:`UsageError` naming the value."""
    found = find_instrument(context, value)
    if found is None:
        raise UsageError(
            f"loader {loader_name!r}: unknown instrument {value!r} "
            "(give a gmspolicy id such as ICRMW, or a reference such as IV-13)"
        )
    return found


def fetched_source(
    options: Mapping[str, str],
    fetched: Fetched,
    *,
    ident: str,
    title: str,
    publisher: str,
    context: LoadContext,
    authority: Authority,
    as_of: dt.date | None = None,
    note: str | None = None,
) -> Source:
    """:func:`make_source` for what a loader read, with the standard overrides: the
    ``source_url`` option (where a saved file was published) instead of the address read,
    and ``source_title`` instead of ``title``. ``note`` is kept on the source (e.g. "a
    secondary copy of the depositary's table, as archived on ...")."""
    return make_source(
        ident=ident,
        url=options.get("source_url") or fetched.url,
        title=options.get("source_title") or title,
        publisher=publisher,
        context=context,
        authority=authority,
        as_of=as_of,
        note=note,
    )


def make_source(
    *,
    ident: str,
    url: str,
    title: str,
    publisher: str,
    context: LoadContext,
    authority: Authority,
    as_of: dt.date | None = None,
    note: str | None = None,
) -> Source:
    """A :class:`Source` seen on ``context.today`` (``as_of`` kept only when not later).

    ``authority`` says what the page is (see :class:`~gmspolicy.models.Authority`): the
    depositary's own record, another official body, a secondary work or a copy."""
    from gmspolicy.models import Source

    if as_of is not None and as_of > context.today:
        as_of = None
    return Source(
        id=ident,
        url=url,
        title=title,
        publisher=publisher,
        seen=context.today,
        as_of=as_of,
        note=note,
        authority=authority,
    )
