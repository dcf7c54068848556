"""Building blocks for loader plugins: reading a location, decoding text, parsing the
dates and tables official sources publish, naming sources, checking options.

Every function raises :class:`~gmspolicy.errors.LoaderError` (bad input) or
:class:`~gmspolicy.errors.UsageError` (bad option) with a message that names the place.
The first-party loaders (``plugins/``) are built on these; third-party loaders may be too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gmspolicy.errors import LoaderError, UsageError

if TYPE_CHECKING:
    from gmspolicy.loaders import LoadContext
    from gmspolicy.models import Action, Authority, Participation, Source

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
_DMY_WORDS = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]{3,9})\.?[\s\-/.,]+(\d{4})$")
_MDY_WORDS = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTES = re.compile(rf"(?:[\s,]*(?:\d{{1,3}}|[{_SUPERSCRIPTS}]+|\*+))+\s*$")


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
    limit = context.fetcher.max_bytes if context.fetcher is not None else MAX_FILE_BYTES
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise LoaderError(f"{location}: not a regular file (a pipe, socket or device?)")
            size = st.st_size
            if size > limit:
                raise LoaderError(f"{location}: file too large ({size} bytes; limit {limit})")
            data = fh.read(size + 1)  # never more than the limit, even if the file grows
            if len(data) > size:
                data += fh.read(limit + 1 - len(data))
        if len(data) > limit:
            raise LoaderError(f"{location}: file too large (over {limit} bytes)")
    except OSError as exc:
        raise LoaderError(f"{location}: cannot read: {exc.strerror or exc}") from None
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


def strip_footnotes(name: str) -> str:
    """A participant name without trailing footnote marks: ``"Germany2, 3"``,
    ``"Albania ¹"``, ``"Chile*"`` -> the name."""
    out = _FOOTNOTES.sub("", clean(name))
    return out.rstrip(" ,") or clean(name)


def parse_un_date(text: str) -> dt.date:
    """A date as official sources write it: ``5 Jun 2007``, ``05 June 2007``,
    ``05-Jun-2007``, ``June 5, 2007`` or ISO ``2007-06-05``. ``ValueError`` otherwise."""
    value = clean(text)
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
    m = _NUMERIC.match(clean(text))
    if not m:
        raise ValueError(f"unreadable date {text.strip()!r}")
    a, b, y = (int(g) for g in m.groups())
    d, mo = (a, b) if dayfirst else (b, a)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {text.strip()!r}") from None


def fold(text: str) -> str:
    """Text folded for matching header names: case, accents and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def slug(text: str) -> str:
    """A source-id-safe slug: lower case ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def check_options(
    loader_name: str, known: Iterable[str], options: Mapping[str, str]
) -> None:
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
            f"loader {loader_name!r}: option {name}={value!r} must be one of: "
            f"{', '.join(allowed)}"
        )
    return value


def resolve_country(context: LoadContext, name: str) -> str | None:
    """The reference dataset's code for a participant name (footnote marks ignored)."""
    return context.reference.resolve_country(name) or context.reference.resolve_country(
        strip_footnotes(name)
    )


def unknown_names_error(where: str, names: Iterable[str], what: str = "participant") -> str:
    """The message for names that could not be mapped to a country code."""
    names = list(names)
    listed = ", ".join(repr(n) for n in names)
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


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.headings: list[str] = []
        self.tables: list[list[list[Cell]]] = []
        self._stack: list[list[list[Cell]]] = []
        self._cell: list[str] | None = None
        self._sup: list[str] = []
        self._in_sup = 0
        self._header = False
        self._in_title = False
        self._heading: list[str] | None = None
        self._skip = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("h1", "h2", "h3", "h4"):
            self._heading = []
        elif tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._end_cell()
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._end_cell()
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._cell, self._sup, self._header = [], [], tag == "th"
        elif tag == "sup":
            self._in_sup += 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.headings.append(clean("".join(self._heading)))
            self._heading = None
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "sup":
            self._in_sup = max(0, self._in_sup - 1)
        elif tag == "table" and self._stack:
            self._end_cell()
            self.tables.append(self._stack.pop())

    def _end_cell(self) -> None:
        if self._cell is not None and self._stack:
            row = self._stack[-1][-1]
            row.append(Cell(clean("".join(self._cell)), clean("".join(self._sup)), self._header))
        self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        if self._in_title:
            self.title += data
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            (self._sup if self._in_sup else self._cell).append(data)


def parse_html(text: str) -> HtmlDoc:
    """Parse an HTML page (or an HTML table saved as ``.xls``) with the standard library."""
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    while parser._stack:
        parser._end_cell()
        parser.tables.append(parser._stack.pop())
    tables = tuple(
        Table(tuple(tuple(row) for row in t if row)) for t in parser.tables if any(t)
    )
    return HtmlDoc(
        clean(parser.title), tuple(parser.headings), tables, clean(" ".join(parser._text))
    )


def looks_like_html(text: str) -> bool:
    """True when text starts like an HTML page."""
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head or "<body" in head


def describe_html(text: str) -> str:
    """A short description of an HTML page for error messages: its title, if any."""
    title = parse_html(text[:65536]).title
    return f"an HTML page (title: {title!r})" if title else "an HTML page"


def group_participations(
    facts: Iterable[tuple[str, str, Action]],
) -> tuple[Participation, ...]:
    """Participations built from ``(country, instrument, action)`` facts, sorted by key;
    an action seen twice (same kind and date) is kept once."""
    from gmspolicy.models import Participation

    grouped: dict[tuple[str, str], dict[tuple[object, ...], Action]] = {}
    for country, instrument, action in facts:
        bucket = grouped.setdefault((country, instrument), {})
        bucket.setdefault((action.kind, action.date), action)
    return tuple(
        Participation(country=c, instrument=i, actions=tuple(acts.values()))
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
        if a.date > today:
            raise LoaderError(
                f"{location}: {instrument} {a.kind.value} on {a.when} is after today "
                f"({today.isoformat()})"
            )
        stamped.append(
            (country, instrument, Action(a.kind, a.date, (source_id,), a.note, a.precision))
        )
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
) -> Source:
    """:func:`make_source` for what a loader read, with the standard overrides: the
    ``source_url`` option (where a saved file was published) instead of the address read,
    and ``source_title`` instead of ``title``."""
    return make_source(
        ident=ident,
        url=options.get("source_url") or fetched.url,
        title=options.get("source_title") or title,
        publisher=publisher,
        context=context,
        authority=authority,
        as_of=as_of,
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
        id=ident, url=url, title=title, publisher=publisher, seen=context.today,
        as_of=as_of, note=note, authority=authority,
    )
