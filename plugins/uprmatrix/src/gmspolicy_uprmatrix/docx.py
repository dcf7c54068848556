"""Reading the tables of a Word (.docx) file without trusting it.

A .docx file is a zip archive of XML parts. Everything here is bounded:

- the archive may hold at most :data:`MAX_MEMBERS` members, none declaring more than
  :data:`MAX_MEMBER_BYTES` uncompressed (a zip bomb declares its real size or lies about
  it: each part read is counted as it is inflated and cut off at the same limit);
- the XML parts are parsed by lxml with no network access, no DTD loading, no entity
  substitution and libxml2's default limits (``huge_tree`` off); a part that declares a
  document type (where entity tricks live; Word never writes one) is refused;
- the walk over the parsed tree visits each element once (linear in the part's size).

Every fault is a :class:`~gmspolicy.errors.LoaderError` naming the location.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

import attrs
from lxml import etree

from gmspolicy.errors import LoaderError

__all__ = [
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "DocxTable",
    "WordDoc",
    "read_docx",
]

#: Most members a .docx archive may hold (a Word file has a few dozen).
MAX_MEMBERS = 1000
#: Largest uncompressed part read, in bytes (a 346-recommendation matrix's
#: ``word/document.xml`` is under 2 MB).
MAX_MEMBER_BYTES = 32 * 1024 * 1024
#: Most header parts read for the document's running title.
MAX_HEADERS = 20

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT = "word/document.xml"
_CHUNK = 1024 * 1024


@attrs.frozen
class DocxTable:
    """A top-level table of the document: rows of cells, each cell its paragraphs' text."""

    rows: tuple[tuple[tuple[str, ...], ...], ...]


@attrs.frozen
class WordDoc:
    """What a .docx file holds that a loader reads: its top-level tables and the text of
    its page headers (a matrix's running title)."""

    tables: tuple[DocxTable, ...]
    headers: tuple[str, ...]


def read_docx(data: bytes, where: str) -> WordDoc:
    """The tables and header text of the .docx file ``data`` (read from ``where``)."""
    if not data.startswith(b"PK"):
        raise LoaderError(f"{where}: not a Word .docx file (not a zip archive)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise LoaderError(
            f"{where}: not a readable .docx file (broken zip archive: {exc})"
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise LoaderError(
                f"{where}: the archive holds {len(members)} members (more than {MAX_MEMBERS}: "
                "not a Word file)"
            )
        for info in members:
            if info.file_size > MAX_MEMBER_BYTES:
                raise LoaderError(
                    f"{where}: archive member {info.filename!r} declares {info.file_size} "
                    f"bytes uncompressed (limit {MAX_MEMBER_BYTES})"
                )
        names = {info.filename for info in members}
        if _DOCUMENT not in names:
            raise LoaderError(f"{where}: a zip archive without {_DOCUMENT} (not a Word .docx file)")
        root = _parse(_read_member(archive, _DOCUMENT, where), f"{where}: {_DOCUMENT}")
        headers = []
        for name in sorted(n for n in names if _is_header(n))[:MAX_HEADERS]:
            part = _parse(_read_member(archive, name, where), f"{where}: {name}")
            headers.append(" ".join(_paragraph_text(p) for p in part.iter(f"{_W}p")))
    body = root.find(f"{_W}body")
    tables = () if body is None else tuple(_table(t) for t in body.iterchildren(f"{_W}tbl"))
    return WordDoc(tables, tuple(headers))


def _is_header(name: str) -> bool:
    tail = name.removeprefix("word/header")
    return tail != name and tail.endswith(".xml") and tail[:-4].isdigit()


def _read_member(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    """A member's bytes, inflated chunk by chunk and refused past the size limit."""
    parts: list[bytes] = []
    total = 0
    try:
        with archive.open(name) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_MEMBER_BYTES:
                    raise LoaderError(
                        f"{where}: archive member {name!r} inflates to more than "
                        f"{MAX_MEMBER_BYTES} bytes (a zip bomb?)"
                    )
                parts.append(chunk)
    except LoaderError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,  # an unknown compression method
        RuntimeError,  # an encrypted member
    ) as exc:
        raise LoaderError(f"{where}: archive member {name!r} cannot be read ({exc})") from None
    return b"".join(parts)


#: What a document type declaration (and so an entity definition) starts with, in the
#: encodings an XML part may use; Word writes none, and text content holds ``<`` escaped.
_DTD_MARKS = tuple(
    mark.encode(codec)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)


def _parse(data: bytes, where: str) -> etree._Element:
    # refused before parsing: libxml2 would otherwise read the entity definitions (and
    # stop an expansion only once it has grown large)
    if any(mark in data for mark in _DTD_MARKS):
        raise LoaderError(
            f"{where}: XML with a document type declaration refused (Word writes none)"
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else 0
        where_line = f"{where}:{line}" if line else where
        raise LoaderError(f"{where_line}: XML is not well-formed ({exc.msg})") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None:
        raise LoaderError(
            f"{where}: XML with a document type declaration refused (Word writes none)"
        )
    return root


def _paragraph_text(p: etree._Element) -> str:
    """A paragraph's text: its runs' text, tabs and breaks as spaces, deleted text left out
    (``w:delText`` is not ``w:t``)."""
    out: list[str] = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if el.tag == f"{_W}t":
            out.append(el.text or "")
        else:
            out.append(" ")
    return "".join(out)


def _cells(row: etree._Element) -> Iterator[tuple[str, ...]]:
    for cell in row.iterchildren(f"{_W}tc"):
        yield tuple(_paragraph_text(p) for p in cell.iterchildren(f"{_W}p"))


def _table(tbl: etree._Element) -> DocxTable:
    rows: list[tuple[tuple[str, ...], ...]] = []
    for child in tbl.iterchildren(f"{_W}tr", f"{_W}sdt"):
        if child.tag == f"{_W}tr":
            rows.append(tuple(_cells(child)))
            continue
        # rows wrapped in a content control: w:sdt/w:sdtContent/w:tr
        content = child.find(f"{_W}sdtContent")
        if content is not None:
            rows.extend(tuple(_cells(tr)) for tr in content.iterchildren(f"{_W}tr"))
    return DocxTable(tuple(rows))
