"""JSON exporter: the website's feed.

Deterministic (same data, same bytes: sorted keys, no timestamps) and versioned by
``schema_version``; the JSON Schema is ``gmspolicy/schema/gmspolicy.schema.json``.
Version policy: a new optional field is a minor bump; a removed or retyped field, or a
changed meaning, is a major bump.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from gmspolicy._version import __version__
from gmspolicy.convert import converter, without_gc
from gmspolicy.models import Participation, Status
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import (
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    ReviewsView,
    TableView,
    View,
)

#: The version of the JSON feed's schema (semantic versioning).
SCHEMA_VERSION = "1.4.0"


def status_record(status: Status) -> dict[str, Any]:
    """A status as plain data (``null`` for unknown parts)."""
    return {
        "status": status.kind.value,
        "via": status.via.value if status.via else None,
        # feed 1.x: a date is its first day plus its precision
        "date": status.date.earliest().isoformat() if status.date else None,
        "precision": status.date.precision.value if status.date else None,
        "signed": status.signed.earliest().isoformat() if status.signed else None,
        "signed_precision": status.signed.precision.value if status.signed else None,
        "in_force": status.in_force.isoformat() if status.in_force else None,
    }


def participation_record(part: Participation) -> dict[str, Any]:
    """A participation as plain data, with its derived current status."""
    data: dict[str, Any] = converter.unstructure(part)
    data["current"] = status_record(part.status())
    return data


def _sources(pset: PolicySet, ids: set[str]) -> list[Any]:
    return [converter.unstructure(pset.source(s)) for s in sorted(ids)]


def document(view: View) -> dict[str, Any]:
    """The JSON document for a view, as plain data."""
    pset = view.pset
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "gmspolicy", "version": __version__},
        "kind": view.kind,
        "lang": view.lang,
    }
    cited: set[str] = set()
    if isinstance(view, TableView):
        m = view.matrix
        cells = []
        for c in m.countries:
            for i in m.instruments:
                cell = m.cell(c.code, i.id)
                ids = cell.source_ids(m.as_of)
                cited.update(ids)
                cells.append(
                    {
                        "country": c.code,
                        "instrument": i.id,
                        **status_record(cell.status),
                        "sources": list(ids),
                    }
                )
        doc.update(
            as_of=m.as_of.isoformat() if m.as_of else None,
            countries=[converter.unstructure(c) for c in m.countries],
            instruments=[converter.unstructure(i) for i in m.instruments],
            cells=cells,
        )
        for country in m.countries:
            cited.update(country.sources)
        for inst in m.instruments:
            cited.update(inst.sources)
    elif isinstance(view, DatasetView):
        doc.update(
            countries=[converter.unstructure(c) for c in pset.countries],
            instruments=[converter.unstructure(i) for i in pset.instruments],
            participations=[participation_record(p) for p in pset.participations],
            mous=[converter.unstructure(m) for m in pset.mous],
            events=[converter.unstructure(e) for e in pset.events],
            observations=[converter.unstructure(o) for o in pset.observations],
            **dataset_reviews(pset),
        )
        doc["sources"] = [converter.unstructure(s) for s in pset.sources]
        return doc
    elif isinstance(view, ReviewsView):
        from gmspolicy.exporters._reviews import reviews_json

        body = reviews_json(view)
        cited.update(body.pop("_source_ids"))
        doc.update(body)
    elif isinstance(view, EventsView):
        doc["events"] = [converter.unstructure(e) for e in view.events]
        for e in view.events:
            cited.update(e.sources)
    elif isinstance(view, MousView):
        doc["mous"] = [converter.unstructure(m) for m in view.mous]
        for mou in view.mous:
            cited.update(mou.sources)
    elif isinstance(view, ObservationsView):
        doc["observations"] = [converter.unstructure(o) for o in view.observations]
        for o in view.observations:
            cited.update(o.sources)
    elif isinstance(view, ProfileView):
        c = view.country
        rows = []
        for inst in pset.instruments:
            part = pset.participation(c.code, inst.id)
            status = pset.status(c.code, inst.id, view.as_of)
            shown = pset.sources_for(c.code, inst.id, view.as_of)
            rows.append(
                {
                    "instrument": inst.id,
                    **status_record(status),
                    "actions": converter.unstructure(part.actions_until(view.as_of))
                    if part
                    else [],
                    "sources": list(shown),
                }
            )
            cited.update(shown)
        mous = pset.mous_for(c.code, until=view.as_of)
        obs = pset.observations_for(c.code, until=view.as_of)
        for mou in mous:
            cited.update(mou.sources)
        for ob in obs:
            cited.update(ob.sources)
        doc.update(
            as_of=view.as_of.isoformat() if view.as_of else None,
            country=converter.unstructure(c),
            instruments=rows,
            mous=[converter.unstructure(m) for m in mous],
            observations=[converter.unstructure(o) for o in obs],
        )
        doc["reporting"] = profile_reporting(pset, c.code, view.as_of, cited)
    doc["sources"] = _sources(pset, cited)
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
            return dumps(document(view))
