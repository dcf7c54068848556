"""HTML exporter: one self-contained page per view.

The page loads nothing from anywhere: no CDN, no web fonts, no images. Its stylesheet and
its small script are inline, and a Content-Security-Policy ``<meta>`` allows exactly
those two (by their SHA-256 hashes, computed at render time) and nothing else, so even an
injected tag could not run or fetch. Every piece of data text goes through Jinja's
autoescaping; links are made only from ``http(s)`` URLs (anything else is shown as text).

The ratification table has a caption, a legend, one visual style per status ("unknown"
looks nothing like "no action"), footnoted sources, sortable columns (a ``<button>`` in
each heading, ``aria-sort`` kept up to date), a filter box, and a print stylesheet. Each
cell links to the supervisory observations on that country and instrument, listed with
their excerpts further down the page.

At phone width a wide table scrolls sideways in its own box with the instrument column
(the row headers) held at the left, the caption stays on screen, dates never break across
lines (status and date cells are nowrap; other ISO dates are wrapped by
:func:`keep_dates`), and the legend explains the observation badges; heading levels never
skip. ``tests/test_browser_phone.py`` checks this with axe-core at 400 and 1280 px.

Output is deterministic: the same view renders to the same text.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, assert_never
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from gmspolicy import _trusted
from gmspolicy._gc import without_gc
from gmspolicy._trusted import read_trusted, write_trusted
from gmspolicy._version import __version__
from gmspolicy.exporters._common import (
    LEGEND_KEYS,
    SourceNumbers,
    as_of_text,
    generator_line,
)
from gmspolicy.i18n import FONT_STACK
from gmspolicy.models import ActionKind, Country, Instrument, Observation, Status, StatusKind
from gmspolicy.query import views as _views
from gmspolicy.query.policyset import Matrix, PolicySet
from gmspolicy.query.views import SECONDARY_MARK, CellFace, CitedSource, StatusCell, TableView

if TYPE_CHECKING:
    from gmspolicy.models import Document, Mechanism, Review
    from gmspolicy.query.views import (
        DatasetView,
        EventRow,
        MouRow,
        ObservationRow,
        ProfileView,
        ReviewsView,
        View,
    )

#: Sort rank of each status kind (ascending order puts parties first, unknown last).
STATUS_RANK: dict[StatusKind, int] = {
    StatusKind.PARTY: 1,
    StatusKind.SIGNATORY: 2,
    StatusKind.DENOUNCED: 3,
    StatusKind.WITHDRAWN: 4,
    StatusKind.NO_ACTION: 5,
    StatusKind.NOT_ADOPTED: 6,
    StatusKind.NOT_APPLICABLE: 7,
    StatusKind.UNKNOWN: 8,
}

#: The ``lang`` attribute for each catalog language (Chinese catalogs are Simplified).
HTML_LANG: dict[str, str] = {"zh": "zh-Hans"}

#: The CSS class of each legend entry (keys of :data:`~gmspolicy.exporters._common.LEGEND_KEYS`).
LEGEND_CLASSES: dict[str, str] = {
    "ratification": "st st-party st-via-ratification",
    "accession": "st st-party st-via-accession",
    "succession": "st st-party st-via-succession",
    "signatory": "st st-signatory",
    "denounced": "st st-denounced",
    "withdrawn": "st st-withdrawn",
    "no_action": "st st-no-action",
    "not_adopted": "st st-not-adopted",
    "not_applicable": "st st-not-applicable",
    "unknown": "st st-unknown",
}

_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def safe_href(url: str | None) -> str | None:
    """``url`` if it may be used as a link (an absolute ``http(s)`` URL with a host and no
    whitespace, quotes or control characters), else ``None`` (show it as text).

    >>> safe_href("https://example.org/a?b=1&c=2")
    'https://example.org/a?b=1&c=2'
    >>> safe_href("javascript:alert(1)") is None
    True
    """
    if not url or _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def csp_hash(text: str) -> str:
    """The CSP source expression (``'sha256-...'``) allowing an inline block of ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(style: str, script: str) -> str:
    """The page's policy: nothing remote, only the given inline style and script."""
    return (
        "default-src 'none'; "
        f"style-src {csp_hash(style)}; "
        f"script-src {csp_hash(script)}; "
        "img-src data:; "
        "base-uri 'none'; "
        "form-action 'none'"
    )


def status_class(status: Status) -> str:
    """The CSS classes of a status cell: ``st st-KIND`` plus ``st-via-ACTION`` for a party."""
    return _status_class(status.kind, status.via)


def _status_class(kind: StatusKind, via: ActionKind | None) -> str:
    out = "st st-" + kind.value.replace("_", "-")
    if kind is StatusKind.PARTY and via is not None:
        out += " st-via-" + via.value.replace("_", "-")
    return out


def status_key(status: Status) -> str:
    """A key that sorts statuses by kind (party first, unknown last), then by date."""
    date = status.date.earliest().isoformat() if status.date else None
    return f"{STATUS_RANK[status.kind]}:{date or _NO_DATE}"


#: Where a status without a date sorts (after every date).
_NO_DATE = "9999-99-99"


@functools.cache
def _asset(name: str) -> str:
    """A file of the package's ``templates`` folder, read by the templates' own loader
    (importing :mod:`importlib.resources` costs more than a small page's work)."""
    env = _environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


class _CompiledTemplates(jinja2.BytecodeCache):
    """The page template compiled once, not in every process: jinja's bytecode kept in the
    cache directory as a trusted file (:mod:`gmspolicy._trusted`, the snapshot cache's
    rules: it is code), named by jinja's and Python's versions and the template, and
    used only while the template's source is the one it was compiled from (jinja
    checks). Anything unreadable is compiled again and replaced. Only in a process that
    asked for it (:data:`gmspolicy._trusted.keep_compiled_templates`: the command line,
    with its cache on)."""

    @staticmethod
    def _name(bucket: jinja2.bccache.Bucket) -> str:
        key = f"{_jinja_identity()}|{sys.version}|{__version__}|{bucket.key}"
        return f"{TEMPLATE_PREFIX}{hashlib.sha256(key.encode()).hexdigest()}{TEMPLATE_SUFFIX}"

    @staticmethod
    def _on() -> bool:
        from gmspolicy.dataset.snapshot import enabled

        return _trusted.keep_compiled_templates and enabled()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from gmspolicy.dataset.snapshot import cache_dir

        if not self._on():
            return
        try:
            data = read_trusted(cache_dir(), self._name(bucket), _MAX_TEMPLATE_BYTES)
            if data is not None:
                bucket.bytecode_from_string(data)
        except Exception:  # damaged: compiled again (and replaced)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from gmspolicy.dataset.snapshot import cache_dir

        if not self._on():
            return
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            write_trusted(cache_dir(), self._name(bucket), bucket.write_bytecode)


@functools.cache
def _jinja_identity() -> str:
    """Which jinja is installed (without its ``__version__``, which Pallets projects are
    deprecating): its bytecode format, and its package file's size and time (an upgrade
    rewrites it)."""
    st = os.stat(jinja2.__file__ or "")
    return f"{jinja2.bccache.bc_magic!r}|{st.st_size}|{st.st_mtime_ns}"


#: How a compiled template is named in the cache directory (``gmspolicy cache --clear``
#: removes them with the snapshots).
TEMPLATE_PREFIX = "template-"
TEMPLATE_SUFFIX = ".jinja"

#: The largest compiled template read back.
_MAX_TEMPLATE_BYTES = 1 << 22


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gmspolicy", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_CompiledTemplates(),
    )
    env.filters["dates"] = keep_dates
    return env


def stylesheet() -> str:
    """The page's inline stylesheet (with the font stack of :mod:`gmspolicy.i18n`)."""
    return _asset("page.css").replace("/*FONT_STACK*/", FONT_STACK)


def script() -> str:
    """The page's inline script: sortable columns and the row filter."""
    return _asset("page.js")


class _Page:
    """Turns records into the plain data the templates render; numbers sources as cited."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.pset: PolicySet = view.pset
        self.labels = view.labels
        self.notes = SourceNumbers(view)
        self.tables = 0
        self.obs_groups = 0
        self.mark_title = self.labels("legend.mark_secondary")
        self._mark = {"symbol": SECONDARY_MARK, "title": self.mark_title}
        self._mark_html = _mark_html(self._mark)
        self._classes: dict[tuple[int, int], tuple[str, str, str]] = {}
        self._secondary: dict[int, bool] = {}
        self._refs: dict[tuple[str, ...], tuple[list[int], str]] = {}
        # the parts of a written status cell (td_parts), by kind, action, sources and
        # authority (the enum members by identity)
        self._looks: dict[tuple[int, int, tuple[str, ...], int], tuple[str, str]] = {}

    # -- small pieces ------------------------------------------------------------------

    def country_name(self, code: str | None) -> str:
        if code is None:
            return ""
        if self.pset.has_country(code):
            return self.labels.country_name(self.pset.country(code))
        return code

    def instrument_name(self, ident: str | None) -> str:
        if ident is None:
            return ""
        if not self.pset.has_instrument(ident):
            return ident
        return self.labels.instrument_name(self.pset.instrument(ident))

    def obs_label(self, count: int) -> str:
        return self.labels("heading.observations") + self.labels.punct("colon") + str(count)

    def cite(self, ids: Iterable[str]) -> list[int]:
        return self.notes.cite([s.id for s in self.view.cite(ids)])

    def table_id(self) -> str:
        self.tables += 1
        return f"t{self.tables}"

    @staticmethod
    def link(title: str, url: str) -> dict[str, Any]:
        return {"title": title, "url": url, "href": safe_href(url)}

    def documents(self, docs: Sequence[Document]) -> list[dict[str, Any]]:
        return [self.link(d.title, d.url) for d in docs]

    def column(self, name: str, key: str = "") -> dict[str, Any]:
        return {"name": name, "key": key}

    def list_table(
        self, caption_key: str, column_keys: Sequence[str], rows: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """A table of records (events, MOUs): its caption and columns from the catalog."""
        labels = self.labels
        return {
            "id": self.table_id(),
            "caption": labels(caption_key),
            "columns": [self.column(labels(f"column.{k}")) for k in column_keys],
            "rows": rows,
        }

    # -- the ratification matrix -------------------------------------------------------

    def _cite(self, ids: tuple[str, ...]) -> tuple[list[int], str]:
        """Number the sources ``ids`` (those not numbered yet get the next numbers) and
        keep their numbers and footnote markers: once numbered, a list of sources keeps
        its numbers."""
        numbers = self.notes.cite(ids)
        found = self._refs[ids] = (numbers, _refs_html(numbers))
        return found

    def _look(self, cell: StatusCell | CellFace) -> tuple[str, str, str, list[int], str, bool]:
        """How a status cell looks: class, sort-key prefix, the start of its ``td``, its
        footnote numbers and markers, and whether it is marked secondary (each memoised:
        a world matrix has 80,000 cells and few kinds, lists of sources and authorities;
        by the identity of enum members, whose hashing is a Python call)."""
        kind, via = cell.kind, cell.via
        kind_via = (id(kind), id(via))
        style = self._classes.get(kind_via)
        if style is None:
            cls = _status_class(kind, via)
            rank = f"{STATUS_RANK[kind]}:"
            style = self._classes[kind_via] = (
                cls,
                rank,
                f'<td class="{_esc(cls)}" data-key="{_esc(rank)}',
            )
        ids = cell.sources
        cited = self._refs.get(ids) or self._cite(ids)
        authority = cell.authority
        secondary = self._secondary.get(id(authority))
        if secondary is None:
            secondary = self._secondary[id(authority)] = cell.secondary_only
        return (*style, *cited, secondary)

    def status_cell(self, cell: StatusCell | CellFace, anchor: str | None) -> _StatusCellData:
        """A status cell: text, style, sort key, footnotes, secondary mark, observations."""
        cls, rank, _, refs, refs_html, secondary = self._look(cell)
        return _StatusCellData(
            cell.text if isinstance(cell, CellFace) else cell.text.text,
            cls,
            rank + (cell.earliest or _NO_DATE),
            refs,
            refs_html,
            self._mark if secondary else None,
            None
            if not anchor
            else {
                "anchor": anchor,
                "count": len(cell.observations),
                "label": self.obs_label(len(cell.observations)),
            },
        )

    def td_parts(self, face: CellFace) -> tuple[str, str]:
        """What the ``td`` of a status cell without observations or reviews holds around
        its sort key and text (``start + key + '">' + text + end``, as
        :func:`_status_td` writes its :meth:`status_cell`), memoised."""
        _, _, start, _, refs_html, secondary = self._look(face)
        end = (self._mark_html if secondary else "") + refs_html + "</td>\n"
        key = (id(face.kind), id(face.via), face.sources, id(face.authority))
        found = self._looks[key] = (start, end)
        return found

    def matrix(
        self,
        view: TableView,
        faces: Sequence[Sequence[CellFace]],
        observations: dict[tuple[str, str], str],
        reviews: dict[tuple[str, str], dict[str, Any]],
    ) -> dict[str, Any]:
        """The matrix table: a row per instrument, its name and a cell per country. A
        cell with observations or reviews is a :class:`_StatusCellData`; any other is
        written (its ``td``) as it is made (a world matrix has 80,000). The sources are
        numbered now, as the cells cite them row by row (before anything after the
        matrix cites); the rows are made as the page is written (:class:`_Rows`), so
        the cells are never all held at once."""
        labels = self.labels
        m = view.matrix
        refs, cite = self._refs, self._cite
        for row in faces:
            for face in row:
                if face.sources not in refs:
                    cite(face.sources)

        def rows() -> Iterator[dict[str, Any]]:
            codes = [c.code for c in m.countries]
            looks, parts = self._looks, self.td_parts
            unknown = StatusKind.UNKNOWN
            # the td of an unknown cell's face, by identity (faces live while the page does)
            unknowns: dict[int, str] = {}
            for index, (inst, row) in enumerate(zip(m.instruments, faces, strict=True)):
                name, title = labels.instrument_name(inst), labels.instrument_title(inst)
                head = {
                    "text": name,
                    "sub": title if title != name else "",
                    "href": safe_href(inst.url),
                }
                cells: list[Any] = [head]  # the head's dict, then status cells and tds
                texts = [name, head["sub"]]  # what the row's filter searches
                ident = inst.id
                for code, face in zip(codes, row, strict=True):
                    text, kind, via, earliest, sources, authority, seen = face
                    texts.append(text)
                    anchor = observations.get((code, ident)) if seen else None
                    rev = reviews.get((code, ident)) if reviews else None
                    if anchor or rev:
                        cell = self.status_cell(face, anchor)
                        cell.rev = rev
                        cells.append(cell)
                        continue
                    if kind is unknown:  # mostly one face, met again and again: its td too
                        written = unknowns.get(id(face))
                        if written is not None:
                            cells.append(written)
                            continue
                    around = looks.get((id(kind), id(via), sources, id(authority)))
                    if around is None:
                        around = parts(face)
                    start, end = around
                    written = f'{start}{_esc(earliest or _NO_DATE)}">{_esc(text)}{end}'
                    if kind is unknown:
                        unknowns[id(face)] = written
                    cells.append(written)
                yield {"index": index, "cells": cells, "search": " ".join(filter(None, texts))}

        names = [labels.country_name(c) for c in m.countries]
        known, total = view.coverage(faces)
        return {
            "id": self.table_id(),
            "caption": labels(
                "table.caption",
                countries=labels.join(names),
                count=len(m.instruments),
                as_of=as_of_text(m.as_of, labels),
            ),
            "matrix": True,
            "row_headers": True,
            "columns": [
                self.column(labels("heading.instrument")),
                *(self.column(n, c.code) for n, c in zip(names, m.countries, strict=True)),
            ],
            "rows": _Rows(rows),
            "coverage": labels("coverage", known=known, total=total),
        }

    def legend(self) -> list[dict[str, str]]:
        out = []
        for key in LEGEND_KEYS:
            word = self.labels("cell." + key)
            text = self.labels("legend." + key)
            for sep in (": ", ":", "\uff1a", "\u17d6 ", "\u17d6"):  # also full-width, Khmer
                if text.startswith(word + sep):
                    text = text[len(word + sep) :].lstrip()
                    break
            out.append({"cls": LEGEND_CLASSES[key], "word": word, "text": text})
        out.append({"cls": "auth-mark", "word": SECONDARY_MARK, "text": self.mark_title})
        return out

    def badge_key(self, anchors: dict[tuple[str, str], str]) -> str:
        """What the legend says about the observation badges (``※2``), when a cell has
        one: touch screens show no hover title."""
        return self.labels("obs.badge") if anchors else ""

    def matrix_observations(
        self,
        cells: Iterable[tuple[Country, Instrument, tuple[Observation, ...]]],
        heading_with_country: bool = True,
    ) -> tuple[dict[tuple[str, str], str], list[dict[str, Any]]]:
        """Anchor ids for the cells with observations (``(country, instrument,
        observations)`` in row order), and the groups to list."""
        anchors: dict[tuple[str, str], str] = {}
        groups: list[dict[str, Any]] = []
        for country, instrument, observations in cells:
            if not observations:
                continue
            self.obs_groups += 1
            anchor = f"obs-{self.obs_groups}"
            anchors[(country.code, instrument.id)] = anchor
            name = self.labels.instrument_name(instrument)
            groups.append(
                {
                    "anchor": anchor,
                    "heading": f"{self.labels.country_name(country)} — {name}"
                    if heading_with_country
                    else name,
                    "items": [],
                    "_obs": self.view.observation_rows(observations),
                }
            )
        return anchors, groups

    def fill_groups(self, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Render each group's observations (after the table cited its sources)."""
        for g in groups:
            g["items"] = [self.observation(o) for o in g.pop("_obs")]
        return groups

    # -- records -----------------------------------------------------------------------

    def observation(self, row: ObservationRow) -> dict[str, Any]:
        o = row.observation
        details = [d for d in (o.session, o.symbol) if d]
        return {
            "heading": " · ".join(row.heading),
            "url": o.url,
            "href": safe_href(o.url),
            "details": details,
            "excerpts": [{"paragraph": e.paragraph, "text": e.text} for e in o.excerpts],
            "refs": self.cite(o.sources),
        }

    def observation_groups_by_country(
        self, observations: Sequence[ObservationRow]
    ) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = []
        by_country: dict[str, list[ObservationRow]] = {}
        for o in observations:
            by_country.setdefault(o.observation.country, []).append(o)
        for obs in by_country.values():
            self.obs_groups += 1
            groups.append(
                {
                    "anchor": f"obs-{self.obs_groups}",
                    "heading": obs[0].country_name,
                    "items": [self.observation(o) for o in obs],
                }
            )
        return groups

    def events_table(self, events: Sequence[EventRow]) -> dict[str, Any]:
        keys = ("series", "edition", "dates", "place", "title", "theme", "document")
        rows = []
        for index, row in enumerate(events):
            e = row.event
            dates = self.labels.date_range(e.start, e.end, english=" \u2013 ")
            cells: list[dict[str, Any]] = [
                {"text": e.series.value},
                {"text": str(e.edition or ""), "key": f"{e.edition or 0:06d}"},
                {"text": dates, "key": _pd_key(str(e.start)), "cls": "dates"},
                {"text": row.place},
                {"text": e.title, "note": e.notes or "", "refs": self.cite(e.sources)},
                {"text": e.theme or ""},
                {"text": "", "links": self.documents(e.outcome_documents)},
            ]
            rows.append(_row(index, cells))
        return self.list_table("heading.events", keys, rows)

    def mous_table(self, mous: Sequence[MouRow]) -> dict[str, Any]:
        keys = ("parties", "title", "signed", "place", "supersedes", "document")
        rows = []
        for index, row in enumerate(mous):
            m = row.mou
            cells: list[dict[str, Any]] = [
                {"text": self.labels.join(list(row.parties))},
                {"text": m.title, "note": m.note or "", "refs": self.cite(m.sources)},
                {"text": row.signed, "key": _pd_key(str(m.signed) if m.signed else "")},
                {"text": m.place or ""},
                {"text": "; ".join(row.supersedes)},
                {"text": "", "links": self.documents(m.documents)},
            ]
            rows.append(_row(index, cells))
        return self.list_table("heading.mous", keys, rows)

    def profile_table(
        self, view: ProfileView, rows_: Sequence[Any], anchors: dict[tuple[str, str], str]
    ) -> dict[str, Any]:
        labels, c = self.labels, view.country
        rows = []
        for index, row in enumerate(rows_):
            inst = row.instrument
            cells: list[Any] = [  # dicts, and a status cell
                {
                    "text": labels.instrument_name(inst),
                    "sub": labels.instrument_title(inst),
                    "href": safe_href(inst.url),
                },
                self.status_cell(row.cell, anchors.get((c.code, inst.id))),
                {"text": "", "lines": [h.text for h in row.history]},
            ]
            rows.append(_row(index, cells))
        return {
            "id": self.table_id(),
            "caption": labels("heading.profile", country=labels.country_name(c)),
            "row_headers": True,
            "columns": [
                self.column(labels("heading.instrument")),
                self.column(labels("heading.status")),
                self.column(labels("heading.history")),
            ],
            "rows": rows,
        }

    def reservations(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            for r in row.reservations:
                out.append(
                    {
                        "instrument": self.labels.instrument_name(row.instrument),
                        "kind": r.kind.value,
                        "date": r.date.isoformat() if r.date else "",
                        "text": r.text,
                        "refs": self.cite(r.sources),
                    }
                )
        return out

    def sources(self) -> list[dict[str, Any]]:
        return [self.source(n, s) for n, s in self.notes.sources()]

    def source(self, number: int, cited: CitedSource) -> dict[str, Any]:
        s = cited.source
        extra = self.labels("source.seen", date=s.seen.isoformat())
        if s.as_of:
            extra += "; " + self.labels("source.as_of", date=s.as_of.isoformat())
        return {
            "number": number,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.url,
            "href": safe_href(s.url),
            "extra": extra,
            "note": s.note or "",
        }


class _Rows:
    """Rows of a table made each time they are iterated (by ``make``), not held."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Iterator[dict[str, Any]]]) -> None:
        self.make = make

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self.make()


def _refs_html(numbers: Sequence[int] | None) -> str:
    if not numbers:
        return ""
    # numbers, written as numbers (nothing to escape)
    return (
        '<sup class="refs">'
        + ",".join(f'<a href="#src-{n:d}">{n:d}</a>' for n in numbers)
        + "</sup>"
    )


def _link_html(item: dict[str, Any]) -> str:
    shown = escape(item["title"] or item["url"])
    if item["href"]:
        return f'<a href="{escape(item["href"])}">{shown}</a>'
    out = f'<span class="url">{shown}</span>'
    if item["title"]:
        out += f' <span class="url">{escape(item["url"])}</span>'
    return out


_ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


def keep_dates(text: object) -> Markup:
    """``text`` escaped, with every ISO date (``2005-05-05``, ``2003-06``) in a
    ``<span class="nw">`` that keeps it on one line (browsers break after hyphens).

    >>> str(keep_dates("seen 2024-01-31 <b>"))
    'seen <span class="nw">2024-01-31</span> &lt;b&gt;'
    """
    text = str(text)
    out: list[str] = []
    pos = 0
    for m in _ISO_DATE.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        out.append(f'<span class="nw">{escape(m.group())}</span>')
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))  # noqa: S704 - every piece above is escaped


def _cell_html(c: dict[str, Any]) -> str:
    """What a table cell contains: its text (or link), footnotes, observation link,
    sub-title, note, lines and links. Every value is escaped."""
    # status and date cells are nowrap as a whole (page.css); elsewhere each date is
    text = escape(c["text"]) if c.get("cls") else keep_dates(c["text"])
    href = c.get("href")
    out = [f'<a href="{escape(href)}">{text}</a>' if href else text]
    refs = c.get("refs")
    mark = c.get("mark")
    if mark:
        out.append(_mark_html(mark))
    if refs:
        out.append(_refs_html(refs))
    rev = c.get("rev")
    if rev:
        label = escape(rev["label"])
        out.append(
            f' <a class="rev" href="#{escape(rev["anchor"])}" title="{label}" '
            f'aria-label="{label}">\u21bb{escape(rev["count"])}</a>'
        )
    obs = c.get("obs")
    if obs:
        label = escape(obs["label"])
        out.append(
            f' <a class="obs" href="#{escape(obs["anchor"])}" title="{label}" '
            f'aria-label="{label}">\u203b{escape(obs["count"])}</a>'
        )
    if c.get("sub"):
        out.append(f' <span class="sub">{keep_dates(c["sub"])}</span>')
    if c.get("note"):
        out.append(f' <span class="note">{keep_dates(c["note"])}</span>')
    if c.get("lines"):
        out.append(
            '<ul class="lines">'
            + "".join(f"<li>{keep_dates(x)}</li>" for x in c["lines"])
            + "</ul>"
        )
    if c.get("links"):
        out.append(
            '<ul class="links">'
            + "".join(f"<li>{_link_html(x)}</li>" for x in c["links"])
            + "</ul>"
        )
    return "".join(out)


class _StatusCellData:
    """A status cell as the page lays it out (made by :meth:`_Page.status_cell`): text,
    class, sort key, footnotes, secondary mark, observations and (added later) reviews.
    Read like the other cells' dicts (``c["text"]``, ``c.get("rev")``), in a fraction of
    the memory: a world matrix has 80,000."""

    __slots__ = ("cls", "key", "mark", "obs", "refs", "refs_html", "rev", "text")

    def __init__(
        self,
        text: str,
        cls: str,
        key: str,
        refs: list[int],
        refs_html: str,
        mark: dict[str, str] | None,
        obs: dict[str, Any] | None,
    ) -> None:
        self.text = text
        self.cls = cls
        self.key = key
        self.refs = refs
        self.refs_html = refs_html  # the footnote markers, written
        self.mark = mark
        self.obs = obs
        self.rev: dict[str, Any] | None = None

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self, name, value)

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name`` (``default`` for a key a status cell does not have)."""
        return getattr(self, name, default)


def _esc(text: str) -> str:
    """``str(escape(text))``, without the work when there is nothing to escape."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return str(escape(text))
    return text


def _mark_html(mark: dict[str, str]) -> str:
    """The secondary-source mark after a cell's text (as :func:`_cell_html` writes it)."""
    title = escape(mark["title"])
    return (
        f' <span class="auth-mark" title="{title}" aria-label="{title}">'
        f"{escape(mark['symbol'])}</span>"
    )


def _status_td(c: _StatusCellData, marks: dict[int, str]) -> str:
    """A status cell's ``td`` (what :func:`table_body` writes for a cell made by
    :meth:`_Page.status_cell`, as :func:`_cell_html` would, in fewer steps: a matrix has
    80,000)."""
    if c.obs or c.rev:
        out = _cell_html(c)  # type: ignore[arg-type]
        return f'<td class="{_esc(c.cls)}" data-key="{_esc(c.key)}">{out}</td>\n'
    out = _esc(c.text)
    mark = c.mark
    if mark:
        found = marks.get(id(mark))
        if found is None:
            found = marks[id(mark)] = _mark_html(mark)
        out += found
    out += c.refs_html
    return f'<td class="{_esc(c.cls)}" data-key="{_esc(c.key)}">{out}</td>\n'


def table_body(table: dict[str, Any]) -> Markup:
    """The rows of a data table as HTML (the page template's ``tbody``): one ``tr`` per
    row, a row header first where the table has them, a sort key on every cell.

    Rendered in Python rather than with template macros: a world-size matrix has 80,000
    cells, and a macro call per cell was most of the page's render time. Every value is
    escaped with :func:`markupsafe.escape`, as the template's autoescaping would.

    >>> str(table_body({"rows": [{"index": 0, "search": "a<b", "cells": [{"text": "a<b"}]}]}))
    '<tr data-index="0" data-search="a&lt;b">\n<td data-sort="a&lt;b">a&lt;b</td>\n</tr>\n'
    """
    return Markup("".join(table_rows(table)))  # noqa: S704 - every row is escaped


def table_rows(table: dict[str, Any]) -> Iterator[Markup]:
    """:func:`table_body` row by row, each row's HTML made as it is asked for (the page
    template writes them as they come: a world matrix is never held whole as text)."""
    headers = bool(table.get("row_headers"))
    marks: dict[int, str] = {}
    for row in table["rows"]:
        out: list[str] = []
        append = out.append
        append(f'<tr data-index="{escape(row["index"])}" data-search="{escape(row["search"])}">\n')
        for n, c in enumerate(row["cells"]):
            if isinstance(c, str):  # a status cell written when it was made
                append(c)
                continue
            if isinstance(c, _StatusCellData) and (n or not headers):
                append(_status_td(c, marks))
                continue
            body = _cell_html(c)
            if n == 0 and headers:
                append(f'<th scope="row" data-sort="{escape(c["text"])}">{body}</th>\n')
                continue
            cls = c.get("cls")
            key = c.get("key")
            attrs_ = f' class="{escape(cls)}"' if cls else ""
            attrs_ += f' data-key="{escape(key)}"' if key else f' data-sort="{escape(c["text"])}"'
            append(f"<td{attrs_}>{body}</td>\n")
        append("</tr>\n")
        yield Markup("".join(out))  # noqa: S704 - every value above is escaped


def _row(index: int, cells: list[Any]) -> dict[str, Any]:
    search = []
    for cell in cells:
        if isinstance(cell, _StatusCellData):  # only a text
            search.append(cell.text)
            continue
        search.append(cell.get("text", ""))
        search.append(cell.get("sub", ""))
        search.append(cell.get("note", ""))
        search.extend(cell.get("lines", []))
        search.extend(link["title"] for link in cell.get("links", []))
    return {"index": index, "cells": cells, "search": " ".join(s for s in search if s)}


def _pd_key(text: str) -> str:
    """A partial date (``2003``, ``2003-06``) as a key sorting like the full date."""
    return text.ljust(10, "0") if text else "9999"


class HtmlExporter:
    """A self-contained HTML page: the ratification table (sortable, filterable, printable,
    sources as footnotes, links to supervisory observations) or any other view."""

    name: ClassVar[str] = "html"
    description: ClassVar[str] = (
        "self-contained HTML page (sortable, filterable table; sources as footnotes)"
    )
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset(
        {"table", "dataset", "events", "mous", "observations", "profile", "reviews"}
    )

    def render(self, view: View) -> str:
        """Render a view as one HTML page."""
        return "".join(self.render_chunks(view))

    def render_chunks(self, view: View) -> Iterator[str]:
        """The page :meth:`render` gives, in chunks of about 64 KiB, each made when it is
        asked for: the page's records are laid out first, the text (the table rows
        among it) as it is written."""
        with without_gc():
            template, context = self._page(view)
        return _gathered(template.generate(context))

    def _page(self, view: View) -> tuple[jinja2.Template, dict[str, Any]]:
        """The page template and what it renders."""
        page = _Page(view)
        labels = page.labels
        match view:
            case TableView():
                title, sections = labels("table.title"), _matrix_sections(page, view, None)
            case _views.DatasetView():
                title, sections = labels("table.title"), _matrix_sections(page, view.table(), view)
            case _views.EventsView():
                title = labels("heading.events")
                sections = [_table_section("", page.events_table(view.rows()))]
            case _views.MousView():
                title = labels("heading.mous")
                sections = [_table_section("", page.mous_table(view.rows()))]
            case _views.ObservationsView():
                title = labels("heading.observations")
                groups = page.observation_groups_by_country(view.rows())
                sections = [{"kind": "observations", "heading": "", "groups": groups}]
            case _views.ReviewsView():
                title, sections = _reviews_page(page, view)
            case _views.ProfileView():
                title = labels("heading.profile", country=labels.country_name(view.country))
                sections = _profile_sections(page, view)
            case _:
                assert_never(view)
        css, js = stylesheet(), script()
        context = {
            "lang": HTML_LANG.get(view.lang, view.lang),
            "title": title,
            "csp": content_security_policy(css, js),
            "css": Markup(css),  # noqa: S704 - a constant of this package, never data
            "js": Markup(js),  # noqa: S704 - a constant of this package, never data
            "generator": f"gmspolicy {__version__}",
            "sections": sections,
            "filter_label": labels("filter.label"),
            "filter_placeholder": labels("filter.placeholder"),
            "sort_hint": labels("sort.hint"),
            "legend_heading": labels("heading.legend"),
            "sources_heading": labels("heading.sources"),
            "sources": page.sources(),
            "footer": generator_line(labels),
            "no_excerpts": labels("obs.no_excerpts"),
            "tbody": table_rows,
        }
        return _environment().get_template("page.html.j2"), context


#: About how much text :meth:`HtmlExporter.render_chunks` gathers into one chunk.
_CHUNK_CHARS = 1 << 16


def _gathered(pieces: Iterator[str]) -> Iterator[str]:
    """``pieces`` (the template's many small strings) joined into chunks of about
    :data:`_CHUNK_CHARS` characters, each made without the cyclic garbage collector."""
    more = True
    while more:
        more = False
        with without_gc():
            out: list[str] = []
            size = 0
            for piece in pieces:
                out.append(piece)
                size += len(piece)
                if size >= _CHUNK_CHARS:
                    more = True
                    break
            chunk = "".join(out)
        if chunk:
            yield chunk


def _table_section(heading: str, table: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "table", "heading": heading, "table": table}


def _observations_section(page: _Page, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not groups:
        return []
    return [
        {"kind": "observations", "heading": page.labels("heading.observations"), "groups": groups}
    ]


def _matrix_sections(
    page: _Page, table: TableView, dataset: DatasetView | None
) -> list[dict[str, Any]]:
    """The matrix, its legend, (for the whole dataset: MOUs and events,) observations."""
    labels = page.labels
    faces = table.faces()
    m = table.matrix
    observed = [
        (c, inst, face.observations)
        for inst, row in zip(m.instruments, faces, strict=True)
        for c, face in zip(m.countries, row, strict=True)
        if face.observations
    ]
    anchors, groups = page.matrix_observations(observed)
    reviewed = _reviews_by_cell(page, m)
    matrix = page.matrix(table, faces, anchors, _review_links(page, reviewed))
    sections: list[dict[str, Any]] = [
        {"kind": "matrix", "table": matrix},
        {"kind": "legend", "items": page.legend(), "badge": page.badge_key(anchors)},
    ]
    sections += _matrix_reviews(page, reviewed)
    if dataset is not None:
        mous, events = dataset.mous(), dataset.events()
        if mous:
            sections.append(_table_section(labels("heading.mous"), page.mous_table(mous)))
        if events:
            sections.append(_table_section(labels("heading.events"), page.events_table(events)))
    page.fill_groups(groups)
    if dataset is not None:
        linked = {o.id for _, _, seen in observed for o in seen}
        rest = [o for o in dataset.observations() if o.observation.id not in linked]
        groups += page.observation_groups_by_country(rest)
    return sections + _observations_section(page, groups)


def _profile_sections(page: _Page, view: ProfileView) -> list[dict[str, Any]]:
    """The instrument table, legend, reservations, MOUs and observations of one country."""
    rows = view.rows()
    anchors, groups = page.matrix_observations(
        ((row.cell.country, row.cell.instrument, row.cell.observations) for row in rows),
        heading_with_country=False,
    )
    sections: list[dict[str, Any]] = [
        _table_section("", page.profile_table(view, rows, anchors)),
        {"kind": "legend", "items": page.legend(), "badge": page.badge_key(anchors)},
    ]
    reservations = page.reservations(rows)
    if reservations:
        sections.append(
            {
                "kind": "reservations",
                "heading": page.labels("heading.reservations"),
                "items": reservations,
            }
        )
    mous = view.mous()
    if mous:
        sections.append(_table_section(page.labels("heading.mous"), page.mous_table(mous)))
    sections += _profile_reporting(page, view)
    page.fill_groups(groups)
    linked = {o.id for row in rows for o in row.cell.observations}
    rest = [o for o in view.observations() if o.observation.id not in linked]
    groups += page.observation_groups_by_country(rest)
    return sections + _observations_section(page, groups)


# -- reviews and reporting (issue 18) ---------------------------------------------------


def _text_table(
    page: _Page,
    caption: str,
    titles: Sequence[str],
    cells: Sequence[dict[str, str]],
    columns: Sequence[str],
    first_note: Sequence[str] = (),
) -> dict[str, Any]:
    """A data table of text cells; the ``sources`` of each row become footnotes on its
    first cell (and ``first_note[i]`` its note)."""
    rows = []
    for index, cell in enumerate(cells):
        row: list[dict[str, Any]] = [{"text": cell[k]} for k in columns]
        row[0]["refs"] = page.cite([i for i in cell["sources"].split(";") if i])
        if index < len(first_note) and first_note[index]:
            row[0]["note"] = first_note[index]
        for c, k in zip(row, columns, strict=True):
            if k in ("dates", "report_due", "deadline"):
                # the date after "report: " (or the full-width colon of Chinese)
                text = cell[k].split("/")[0].split(": ")[-1].split("\uff1a")[-1]
                c["key"] = _pd_key(text)
        rows.append(_row(index, row))
    return {
        "id": page.table_id(),
        "caption": caption,
        "columns": [page.column(t) for t in titles],
        "rows": rows,
    }


def _reviews_table(page: _Page, reviews: Sequence[Review], caption: str) -> dict[str, Any]:
    from gmspolicy.exporters import _reviews as rv

    columns = [k for k in rv.REVIEW_COLUMNS if k != "sources"]
    cells = [rv.review_cells(page.pset, r, page.labels) for r in reviews]
    notes = [r.note or "" for r in reviews]
    heads = rv.titles(rv.REVIEW_TITLE_KEYS, columns, page.labels)
    return _text_table(page, caption, heads, cells, columns, notes)


def _reporting_table(page: _Page, summaries: Sequence[Any], caption: str) -> dict[str, Any]:
    from gmspolicy.exporters import _reviews as rv

    columns = [k for k in rv.REPORTING_COLUMNS if k != "sources"]
    cells = [rv.reporting_cells(page.pset, s, page.labels) for s in summaries]
    heads = rv.titles(rv.REPORTING_TITLE_KEYS, columns, page.labels)
    return _text_table(page, caption, heads, cells, columns)


def _reviews_page(page: _Page, view: ReviewsView) -> tuple[str, list[dict[str, Any]]]:
    """The title and sections of a reviews view: reviews, civil-society deadlines (where
    any), UPR recommendations, then reporting status."""
    from gmspolicy.exporters import _reviews as rv

    labels = page.labels
    as_of = as_of_text(view.as_of, labels)
    reviews_heading, reporting_heading = labels("heading.reviews"), labels("heading.reporting")
    sections: list[dict[str, Any]] = []
    if not view.overdue:
        caption = labels("reviews.caption", heading=reviews_heading, as_of=as_of)
        sections.append(_table_section("", _reviews_table(page, view.reviews, caption)))
        deadlines = rv.view_deadlines(view)
        if deadlines:
            heading = labels("heading.deadlines")
            columns = [k for k in rv.DEADLINE_COLUMNS if k != "sources"]
            cells = [rv.deadline_cells(page.pset, r, labels) for r in deadlines]
            heads = rv.titles(rv.DEADLINE_TITLE_KEYS, columns, labels)
            table = _text_table(page, heading, heads, cells, columns)
            sections.append(_table_section(heading, table))
        recs = rv.view_recommendations(view)
        if recs:
            heading = labels("heading.recommendations")
            columns = [k for k in rv.RECOMMENDATION_COLUMNS if k != "sources"]
            cells = [rv.recommendation_cells(page.pset, r, labels) for r in recs]
            table = _text_table(
                page,
                heading,
                rv.titles(rv.RECOMMENDATION_TITLE_KEYS, columns, labels),
                cells,
                columns,
                [r.note or "" for r in recs],
            )
            sections.append(_table_section(heading, table))
    key = "reviews.caption_overdue" if view.overdue else "reviews.caption"
    caption = labels(key, heading=reporting_heading, as_of=as_of)
    heading = "" if view.overdue else reporting_heading
    sections.append(_table_section(heading, _reporting_table(page, view.reporting, caption)))
    return (reporting_heading if view.overdue else reviews_heading), sections


def _reviews_by_cell(
    page: _Page, m: Matrix
) -> list[tuple[Country, Instrument, Mechanism, list[Review]]]:
    """The matrix cells whose treaty has reviews (held by the table's date), row by row:
    each with its country, instrument, treaty body and reviews."""
    from gmspolicy.query.reviews import mechanism_for

    pset = page.pset
    if not pset.review_records:
        return []
    by_pair: dict[tuple[str, Mechanism], list[Review]] = {}
    for review in pset.reviews(as_of=m.as_of):
        by_pair.setdefault((review.country, review.mechanism), []).append(review)
    found = []
    for inst in m.instruments:
        mechanism = mechanism_for(pset, inst)
        if mechanism is None:
            continue
        for country in m.countries:
            reviews = by_pair.get((country.code, mechanism))
            if reviews:
                found.append((country, inst, mechanism, reviews))
    return found


def _review_links(
    page: _Page, reviewed: list[tuple[Country, Instrument, Mechanism, list[Review]]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The link from each reviewed matrix cell to its reviews' section, by (country,
    instrument)."""
    colon = page.labels.punct("colon")
    return {
        (country.code, inst.id): {
            "anchor": f"rev-{country.code}-{mechanism.value}",
            "count": len(reviews),
            "label": f"{page.labels('heading.reviews')}{colon}{len(reviews)}",
        }
        for country, inst, mechanism, reviews in reviewed
    }


def _matrix_reviews(
    page: _Page, reviewed: list[tuple[Country, Instrument, Mechanism, list[Review]]]
) -> list[dict[str, Any]]:
    """The sections listing the reviews the matrix links to, one per country and treaty
    body (after the matrix: their sources are numbered after its cells')."""
    colon = page.labels.punct("colon")
    sections: list[dict[str, Any]] = []
    made: set[str] = set()
    for country, _, mechanism, reviews in reviewed:
        anchor = f"rev-{country.code}-{mechanism.value}"
        if anchor in made:
            continue
        made.add(anchor)
        name = page.labels.country_name(country)
        heading = f"{page.labels('heading.reviews')}{colon}{name} — {mechanism.value}"
        section = _table_section(heading, _reviews_table(page, reviews, heading))
        section["anchor"] = anchor
        sections.append(section)
    return sections


def _profile_reporting(page: _Page, view: ProfileView) -> list[dict[str, Any]]:
    """A profile's reporting section (none when the country has no reviews recorded)."""
    from gmspolicy.query.reviews import reporting_table

    pset, code = view.pset, view.country.code
    if not any(r.country == code for r in pset.review_records) and not any(
        r.country == code for r in pset.reporting
    ):
        return []
    summaries = reporting_table(pset, [code], as_of=view.as_of)
    heading = page.labels("heading.reporting")
    as_of = as_of_text(view.as_of, page.labels)
    caption = page.labels("reviews.caption", heading=heading, as_of=as_of)
    return [_table_section(heading, _reporting_table(page, summaries, caption))]


__all__ = [
    "HTML_LANG",
    "STATUS_RANK",
    "HtmlExporter",
    "content_security_policy",
    "csp_hash",
    "keep_dates",
    "safe_href",
    "script",
    "status_class",
    "status_key",
    "stylesheet",
]
