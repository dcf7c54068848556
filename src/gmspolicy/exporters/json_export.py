"""JSON exporter: the website's feed.

Deterministic (same data, same bytes: sorted keys, no timestamps) and versioned by
``schema_version``; the JSON Schema is ``gmspolicy/schema/gmspolicy.schema.json``.
Version policy: a new optional field is a minor bump; a removed or retyped field, or a
changed meaning, is a major bump.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, assert_never

from gmspolicy._version import __version__
from gmspolicy.convert import without_gc
from gmspolicy.dates import PRECISION_OF_ISO
from gmspolicy.exporters._plain import plain, plain_fn
from gmspolicy.models import Participation, Status
from gmspolicy.query import views as _views
from gmspolicy.query.policyset import LatestFacts, PlainFacts, PolicySet
from gmspolicy.query.views import StatusCell, TableView

if TYPE_CHECKING:
    from gmspolicy.query.views import (
        ParticipationRow,
        ProfileView,
        View,
    )

#: The version of the JSON feed's schema (semantic versioning).
SCHEMA_VERSION = "2.1.0"


def status_record(status: Status) -> dict[str, Any]:
    """A status as plain data (``null`` for unknown parts)."""
    # (``_value_`` is what the enums' ``value`` property returns, without the property)
    date, signed, in_force = status.date, status.signed, status.in_force
    return {
        "status": status.kind._value_,
        "via": status.via._value_ if status.via else None,
        # feed 2.x: a date as precisely as it is known (``1969``, ``1969-06``,
        # ``1969-06-26``), never padded to a day, with its precision
        "date": date.isoformat() if date else None,
        "precision": date.precision._value_ if date else None,
        "signed": signed.isoformat() if signed else None,
        "signed_precision": signed.precision._value_ if signed else None,
        "in_force": in_force.isoformat() if in_force else None,
    }


def cell_record(cell: StatusCell) -> dict[str, Any]:
    """What a table cell or profile row says about a status, as plain data: the status,
    the sources behind it, the strongest of their authorities and when the cell was last
    confirmed (``null`` for a cell that is not decided)."""
    return {
        **status_record(cell.status),
        "sources": list(cell.sources),
        "authority": cell.authority.value if cell.authority else None,
        "confirmed_as_of": cell.confirmed_as_of.isoformat() if cell.confirmed_as_of else None,
    }


def participation_record(row: ParticipationRow) -> dict[str, Any]:
    """A participation as plain data, with its derived current status."""
    data: dict[str, Any] = plain(row.participation)
    facts = row.facts
    data["current"] = status_record(row.current) if facts is None else _facts_record(facts)
    return data


def _participation_records(
    pairs: Iterable[tuple[Participation, PlainFacts]],
) -> list[dict[str, Any]]:
    """:func:`participation_record` of every participation with its current status as
    plain values (:meth:`DatasetView.participation_facts`; the bulk of a dataset feed)."""
    make = plain_fn(Participation)
    out = []
    for part, facts in pairs:
        data: dict[str, Any] = make(part)
        data["current"] = _plain_facts_record(facts)
        out.append(data)
    return out


def _facts_record(f: LatestFacts) -> dict[str, Any]:
    """:func:`status_record` of a status kept as plain values (without building it)."""
    return _plain_facts_record(f.plain())


def _plain_facts_record(plain: PlainFacts) -> dict[str, Any]:
    """:func:`status_record` of a status as :meth:`LatestFacts.plain` gives it."""
    kind, via, date, signed, in_force, _, _, _ = plain
    return {
        "status": kind,
        "via": via,
        "date": date,
        "precision": PRECISION_OF_ISO[len(date)]._value_ if date else None,
        "signed": signed,
        "signed_precision": PRECISION_OF_ISO[len(signed)]._value_ if signed else None,
        "in_force": in_force.isoformat() if in_force else None,
    }


def _records(items: Iterable[Any]) -> list[Any]:
    return [plain(x) for x in items]


def _table_members(view: TableView) -> tuple[dict[str, Any], set[str]]:
    """The members of a table document and the ids of the sources they cite."""
    cited: set[str] = set()
    m = view.matrix
    cells = []
    for cell in view.cells():
        cited.update(cell.sources)
        cells.append(
            {
                "country": cell.country.code,
                "instrument": cell.instrument.id,
                **cell_record(cell),
            }
        )
    members: dict[str, Any] = {
        "as_of": m.as_of.isoformat() if m.as_of else None,
        "countries": _records(m.countries),
        "instruments": _records(m.instruments),
        "cells": cells,
    }
    for country in m.countries:
        cited.update(country.sources)
    for inst in m.instruments:
        cited.update(inst.sources)
    return members, cited


def _profile_members(view: ProfileView) -> tuple[dict[str, Any], set[str]]:
    """The members of a profile document and the ids of the sources they cite."""
    cited: set[str] = set()
    rows = []
    for row in view.rows():
        rows.append(
            {
                "instrument": row.instrument.id,
                **cell_record(row.cell),
                "actions": [plain(a) for a in row.actions],
            }
        )
        cited.update(row.cell.sources)
    mous = [r.mou for r in view.mous()]
    obs = [r.observation for r in view.observations()]
    for mou in mous:
        cited.update(mou.sources)
    for ob in obs:
        cited.update(ob.sources)
    members: dict[str, Any] = {
        "as_of": view.as_of.isoformat() if view.as_of else None,
        "country": plain(view.country),
        "instruments": rows,
        "mous": _records(mous),
        "observations": _records(obs),
    }
    members["reporting"] = profile_reporting(view.pset, view.country.code, view.as_of, cited)
    return members, cited


def document(view: View) -> dict[str, Any]:
    """The JSON document for a view, as plain data."""
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "gmspolicy", "version": __version__},
        "kind": view.kind,
        "lang": view.lang,
    }
    cited: set[str] = set()
    match view:
        case TableView():
            members, ids = _table_members(view)
            doc.update(members)
            cited.update(ids)
        case _views.DatasetView():
            pset = view.pset
            doc.update(
                countries=_records(pset.countries),
                instruments=_records(pset.instruments),
                participations=_participation_records(view.participation_facts()),
                mous=_records(pset.mous),
                events=_records(pset.events),
                observations=_records(pset.observations),
                **dataset_reviews(pset),
            )
            cited.update(s.id for s in pset.sources)
        case _views.EventsView():
            doc["events"] = _records(view.events)
            for e in view.events:
                cited.update(e.sources)
        case _views.MousView():
            doc["mous"] = _records(view.mous)
            for mou in view.mous:
                cited.update(mou.sources)
        case _views.ObservationsView():
            doc["observations"] = _records(view.observations)
            for o in view.observations:
                cited.update(o.sources)
        case _views.ProfileView():
            members, ids = _profile_members(view)
            doc.update(members)
            cited.update(ids)
        case _views.ReviewsView():
            from gmspolicy.exporters._reviews import reviews_json

            body = reviews_json(view)
            cited.update(body.pop("_source_ids"))
            doc.update(body)
        case _:
            assert_never(view)
    doc["sources"] = [plain(s.source) for s in view.cite(sorted(cited))]
    return doc


def dataset_reviews(pset: PolicySet) -> dict[str, Any]:
    """The ``reviews``, ``recommendations`` and ``reporting`` of a dataset document (since
    1.4; a review's ``research_note`` is for maintainers and never written)."""
    from gmspolicy.exporters._reviews import (
        recommendation_record,
        reporting_record,
        review_record,
    )

    return {
        "reviews": [review_record(r) for r in pset.review_records],
        "recommendations": [recommendation_record(r) for r in pset.recommendations],
        "reporting": [reporting_record(r) for r in pset.reporting],
    }


def profile_reporting(
    pset: PolicySet, code: str, as_of: Any, cited: set[str]
) -> list[dict[str, Any]]:
    """A profile's ``reporting`` (since 1.4): the country's reporting status under each
    treaty it is party to or has reviews of; adds the sources to ``cited``."""
    from gmspolicy.exporters._reviews import summary_record
    from gmspolicy.query.reviews import reporting_table

    rows = reporting_table(pset, [code], as_of=as_of)
    for row in rows:
        cited.update(row.sources)
    return [summary_record(row) for row in rows]


def dumps(data: Any) -> str:
    """Serialise deterministically: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


try:  # the fast encoder, where it writes the same bytes (dumps_document)
    import orjson
except ImportError:  # pragma: no cover - a dependency, but only a speed-up
    orjson = None  # type: ignore[assignment]

_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_SORT_KEYS
    | orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    if orjson is not None
    else 0
)


def _not_json(obj: Any) -> Any:
    raise TypeError(f"{type(obj).__name__} is left to json")


def dumps_document(doc: Any) -> str:
    """:func:`dumps` of a document :func:`document` built, through orjson when it is
    installed: the same text, several times faster (Python's json module indents in
    Python, not in C).

    The two write the same text for every document of JSON values without floats (what
    :func:`document` builds: the models have no float fields, and the feed's schema no
    numbers but integers): strings of any code point raw but ``"``, ``\\`` and the C0
    controls (``\\n``, ``\\t``... or ``\\u00XX`` in lower-case hex), two-space indents,
    ``[]`` and ``{}`` for empty containers, keys sorted by code point. Whatever orjson
    will not write as json does goes to json, whose text (or error) is then exactly what
    it always was: a string with a lone surrogate, an integer beyond 64 bits, a key that
    is not a string, nesting deeper than orjson's limit, and any object that is not a
    plain str, int, dict or list (a subclass, a dataclass, a date: orjson is told to pass
    them to a default that refuses). A test compares both on generated documents.
    """
    if orjson is not None:
        try:
            return orjson.dumps(doc, default=_not_json, option=_ORJSON_OPTIONS).decode()
        except orjson.JSONEncodeError:
            pass
    return dumps(doc)


class JsonExporter:
    """JSON feed for website builds, validated by the committed JSON Schema."""

    name: ClassVar[str] = "json"
    description: ClassVar[str] = "versioned JSON feed (schema in gmspolicy/schema/)"
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset(
        {"table", "dataset", "events", "mous", "observations", "profile", "reviews"}
    )

    def render(self, view: View) -> str:
        """Render a view as a JSON document."""
        with without_gc():
            return dumps_document(document(view))
