"""MOUs (:class:`Mou`) and the documents records link to (:class:`Document`).
Re-exported by :mod:`gmspolicy.models`, where they are documented."""

from __future__ import annotations

import enum

import attrs

from gmspolicy.dates import DatePrecision as DatePrecision
from gmspolicy.dates import PartialDate
from gmspolicy.models import (
    _tuple,
)


class MouKind(enum.Enum):
    """What a bilateral or regional memorandum of understanding is about."""

    EMPLOYMENT = "employment"
    LABOUR_COOPERATION = "labour-cooperation"
    TRAFFICKING = "trafficking"
    OTHER = "other"


@attrs.frozen
class Document:
    """A document linked from a record (an MOU text, a forum's outcome statement)."""

    title: str
    url: str


@attrs.frozen
class Mou:
    """A bilateral or regional memorandum of understanding (labour, trafficking...)."""

    id: str
    parties: tuple[str, ...] = attrs.field(converter=_tuple)
    kind: MouKind
    title: str
    signed: PartialDate | None = None
    place: str | None = None
    entry_into_force: PartialDate | None = None
    expiry: PartialDate | None = None
    supersedes: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    amends: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    documents: tuple[Document, ...] = ()
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    research_note: str | None = None
