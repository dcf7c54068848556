"""The exporter contract: what an exporter plugin provides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from gmspolicy.query.views import View

__all__ = ["Chunks", "Exporter"]

#: A document in pieces, in order: its text (or, for a binary exporter, its bytes) is
#: their concatenation. A generator, a list or a tuple.
Chunks = Iterable[str] | Iterable[bytes]


@runtime_checkable
class Exporter(Protocol):
    """What an exporter plugin provides.

    ``render`` must be pure: it returns the document and writes nothing. The document is
    text (``binary`` False) or bytes (``binary`` True), returned whole (``str`` or
    ``bytes``) or as chunks: a generator, list or tuple of ``str`` (of ``bytes`` when
    binary) whose concatenation is the document. Chunks let the command line write a
    large document as it is made instead of holding it whole; what is written is byte
    for byte the concatenation. ``render`` raises :class:`~gmspolicy.errors.UsageError`
    for a view kind not in ``views``.

    An exporter may also define ``render_chunks(view)``, the same document as chunks
    (their concatenation equal to what ``render`` returns); the command line then
    writes from it, while ``render`` keeps giving the whole document to callers that want
    one (the built-in HTML exporter does this). :func:`gmspolicy.plugins.render` always
    returns the whole document; :func:`gmspolicy.plugins.render_chunks` the chunks.
    A chunk of the wrong type, or an error raised while the chunks are made, fails the
    command naming the exporter; a file being written is then left as it was.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    binary: ClassVar[bool]
    views: ClassVar[frozenset[str]]

    def render(self, view: View) -> str | bytes | Chunks:
        """Render ``view``: the whole document, or its chunks."""
        ...
