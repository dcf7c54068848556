"""The JSON Schema of the JSON feed (``gmspolicy export --format json`` and every other
``--format json`` output).

The schema (JSON Schema draft 2020-12) is generated from the code: record shapes from the
``attrs`` models in :mod:`gmspolicy.models`, closed sets from their :class:`enum.Enum`
classes, the document shapes from what :func:`gmspolicy.exporters.json_export.document`
writes. The generated file is committed as ``gmspolicy/schema/gmspolicy.schema.json`` and
shipped inside the package; a test checks that the committed file is current.
Regenerate it after an intended change with ``python -m gmspolicy.schema --write`` (or
``nox -s golden``); ``python -m gmspolicy.schema --check`` exits 1 when it is stale.

>>> from gmspolicy.schema import SCHEMA_VERSION, schema_path
>>> SCHEMA_VERSION
'1.4.0'
>>> schema_path().name
'gmspolicy.schema.json'
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
import types
import typing
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from gmspolicy.convert import FeedAction
from gmspolicy.dates import PartialDate
from gmspolicy.exporters.json_export import SCHEMA_VERSION, dumps
from gmspolicy.i18n import LANGUAGES
from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    Country,
    DatePrecision,
    Event,
    FieldSources,
    Instrument,
    Mou,
    Observation,
    Participation,
    Recommendation,
    ReportingStatus,
    Review,
    Source,
    StatusKind,
)

__all__ = [
    "SCHEMA_FILE",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "build_schema",
    "load_schema",
    "main",
    "render_schema",
    "schema_path",
]

#: The file name of the committed schema, inside the ``gmspolicy.schema`` package.
SCHEMA_FILE = "gmspolicy.schema.json"

#: The schema's ``$id``: names the feed's major.minor version.
SCHEMA_ID = "https://gmspolicy.invalid/schema/gmspolicy-{}.schema.json".format(
    ".".join(SCHEMA_VERSION.split(".")[:2])
)

#: What each schema version changed (also in CHANGELOG.md).
VERSION_HISTORY: tuple[tuple[str, str], ...] = (
    (
        "1.0.0",
        "documents of kind table, dataset, events, mous and profile; every record with its sources",
    ),
    (
        "1.1.0",
        "supervisory observations: documents of kind observations; an observations list in "
        "dataset and profile documents (minor bump: an addition, nothing removed or retyped)",
    ),
    (
        "1.2.0",
        "date precision: actions and statuses carry 'precision' (day, month or year), "
        "statuses also 'signed_precision'; a date is then the first day of that month or "
        "year (minor bump: an addition)",
    ),
    (
        "1.3.0",
        "two new status kinds: 'not_adopted' (the date asked about is before the instrument "
        "was adopted) and 'not_applicable' (the instrument is open only to a group the "
        "country is not in); instruments carry 'open_to' (minor bump: an addition)",
    ),
    (
        "1.4.0",
        "reviews and reporting: documents of kind reviews; reviews, recommendations and "
        "reporting lists in dataset documents; a reporting list in profile documents "
        "(minor bump: an addition)",
    ),
    (
        "1.5.0",
        "trust: sources carry 'authority' (depositary, official, secondary, copy); table "
        "cells and profile rows carry 'authority' (the strongest of their sources) and "
        "'confirmed_as_of' (when a cited source last confirmed a decided cell); records "
        "carry 'research_note', the team's notes that no format for readers shows (minor "
        "bump: additions)",
    ),
    (
        "2.0.0",
        "partial dates are never padded: an action's and a status's 'date' and 'signed' "
        "known only to the year or month are written '1969' or '1969-06' (ISO 8601 reduced "
        "precision), no longer as the first day '1969-01-01' with a precision (major bump: "
        "a field changed; 'precision' and 'signed_precision' stay)",
    ),
    (
        "2.1.0",
        "reviews carry 'civil_society_deadline' (a partial date or null: the last day for "
        "civil-society submissions, where a source gives it; its sources in "
        "'field_sources') (minor bump: an addition)",
    ),
)

_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_PARTIAL_DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"

#: The records the feed contains, by their ``$defs`` name.
_MODELS: tuple[type[Any], ...] = (
    Source,
    Country,
    Instrument,
    Action,
    Participation,
    Mou,
    Event,
    Observation,
    Review,
    Recommendation,
    ReportingStatus,
)

#: Model fields never written to the feed: a review's maintainers' notes (other records
#: carry theirs under the clearly named key ``research_note``, see docs/json-feed.md).
_PRIVATE_FIELDS: dict[str, frozenset[str]] = {"Review": frozenset({"research_note"})}


#: Models the feed writes in another shape than their fields (the converter's hooks).
_FEED_SHAPES: dict[type[Any], type[Any]] = {Action: FeedAction}


def schema_path() -> Path:
    """The path of the committed schema file shipped inside the installed package."""
    return Path(str(resources.files("gmspolicy.schema").joinpath(SCHEMA_FILE)))


def load_schema() -> dict[str, Any]:
    """The committed schema, parsed."""
    data: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return data


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a field type, as the shared converter unstructures it."""
    if tp == FieldSources:
        return {
            "type": "object",
            "description": "Field name -> the sources that field rests on.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:  # pragma: no cover - no such field in the models
            raise TypeError(f"unsupported union {tp!r}")
        inner = _type_schema(rest[0], defs)
        return _nullable(inner) if len(rest) < len(args) else inner
    if origin is tuple:
        if len(args) != 2 or args[1] is not Ellipsis:  # pragma: no cover
            raise TypeError(f"unsupported tuple {tp!r}")
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is dt.date:
        return _ref("Date")
    if tp is PartialDate:
        return _ref("PartialDate")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        _enum_def(tp, defs)
        return _ref(tp.__name__)
    if isinstance(tp, type) and attrs.has(tp):
        _model_def(tp, defs)
        return _ref(tp.__name__)
    raise TypeError(f"no JSON Schema for {tp!r}")  # pragma: no cover


def _first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _enum_def(cls: type[enum.Enum], defs: dict[str, Any]) -> None:
    if cls.__name__ not in defs:
        defs[cls.__name__] = {
            "description": _first_line(cls.__doc__),
            "enum": [m.value for m in cls],
        }


def _model_def(cls: type[Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Add the ``$defs`` entry of an attrs model (every field present, nothing else)."""
    if cls.__name__ in defs:
        existing: dict[str, Any] = defs[cls.__name__]
        return existing
    defs[cls.__name__] = {}  # placeholder against recursion
    shape = _FEED_SHAPES.get(cls, cls)
    hints = typing.get_type_hints(shape)
    properties = {
        f.name: _type_schema(hints[f.name], defs)
        for f in attrs.fields(shape)
        if f.name not in _PRIVATE_FIELDS.get(cls.__name__, frozenset())
    }
    entry = _object(properties, _first_line(cls.__doc__))
    defs[cls.__name__] = entry
    return entry


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """A closed object: every property required, no others allowed."""
    out: dict[str, Any] = {}
    if description:
        out["description"] = description
    out.update(
        {
            "type": "object",
            "properties": properties,
            "required": sorted(properties),
            "additionalProperties": False,
        }
    )
    return out


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _status_defs(defs: dict[str, Any]) -> None:
    """Add the status, table cell, dataset participation and profile row records to
    ``defs``."""
    status = {
        "status": _ref("StatusKind"),
        "via": _nullable(_ref("ActionKind")),
        "date": _nullable(_ref("PartialDate")),
        "precision": _nullable(_ref("DatePrecision")),
        "signed": _nullable(_ref("PartialDate")),
        "signed_precision": _nullable(_ref("DatePrecision")),
        "in_force": _nullable(_ref("Date")),
    }
    _enum_def(StatusKind, defs)
    _enum_def(DatePrecision, defs)
    _enum_def(ActionKind, defs)
    _enum_def(Authority, defs)
    trust = {
        "authority": _nullable(_ref("Authority")),
        "confirmed_as_of": _nullable(_ref("Date")),
    }
    defs["StatusRecord"] = _object(
        status,
        "A status as derived from the actions (null: not known or not applicable).",
    )
    defs["TableCell"] = _object(
        {
            "country": {"type": "string"},
            "instrument": {"type": "string"},
            **status,
            "sources": _list({"type": "string"}),
            **trust,
        },
        "One cell of the ratification table; sources are those behind what it shows, "
        "authority the strongest of theirs, confirmed_as_of when one last confirmed a "
        "decided cell (null otherwise).",
    )
    participation = json.loads(json.dumps(defs["Participation"]))
    participation["description"] = (
        "A participation with its current status (derived, not stored in the dataset)."
    )
    participation["properties"]["current"] = _ref("StatusRecord")
    participation["required"] = sorted(participation["properties"])
    defs["DatasetParticipation"] = participation
    defs["ProfileRow"] = _object(
        {
            "instrument": {"type": "string"},
            **status,
            "actions": _list(_ref("Action")),
            "sources": _list({"type": "string"}),
            **trust,
        },
        "One instrument in a country profile: status as of the profile's date, history.",
    )


def _reporting_summary_def(defs: dict[str, Any]) -> None:
    """Add the reporting summary record to ``defs``."""
    string = {"type": "string"}
    defs["ReportingSummary"] = _object(
        {
            "country": string,
            "instrument": string,
            "mechanism": _ref("Mechanism"),
            "as_of": _nullable(_ref("Date")),
            "last_review": _nullable(string),
            "next_review": _nullable(string),
            "report": _nullable(string),
            "report_due": _nullable(_ref("PartialDate")),
            "overdue": {"enum": ["overdue", "not_overdue", "unknown"]},
            "overdue_days": _nullable({"type": "integer"}),
            "overdue_as_of": _nullable(_ref("Date")),
            "sources": _list(string),
        },
        "Where a state stands with one treaty body as of a date (derived): last and next "
        "review (ids), the report due, and overdue only where sourced.",
    )


def _document_bodies() -> dict[str, tuple[str, dict[str, Any]]]:
    """The description and the members of each document kind."""
    as_of = _nullable(_ref("Date"))
    return {
        "table": (
            "The ratification table: countries x instruments as of a date.",
            {
                "as_of": as_of,
                "countries": _list(_ref("Country")),
                "instruments": _list(_ref("Instrument")),
                "cells": _list(_ref("TableCell")),
            },
        ),
        "dataset": (
            "The whole dataset: every record and every source.",
            {
                "countries": _list(_ref("Country")),
                "instruments": _list(_ref("Instrument")),
                "participations": _list(_ref("DatasetParticipation")),
                "mous": _list(_ref("Mou")),
                "events": _list(_ref("Event")),
                "observations": _list(_ref("Observation")),
                "reviews": _list(_ref("Review")),
                "recommendations": _list(_ref("Recommendation")),
                "reporting": _list(_ref("ReportingStatus")),
            },
        ),
        "events": ("A list of forum events.", {"events": _list(_ref("Event"))}),
        "mous": ("A list of MOUs.", {"mous": _list(_ref("Mou"))}),
        "observations": (
            "A list of supervisory observations (since 1.1).",
            {"observations": _list(_ref("Observation"))},
        ),
        "profile": (
            "One country's profile as of a date: instruments, MOUs, observations.",
            {
                "as_of": as_of,
                "country": _ref("Country"),
                "instruments": _list(_ref("ProfileRow")),
                "mous": _list(_ref("Mou")),
                "observations": _list(_ref("Observation")),
                "reporting": _list(_ref("ReportingSummary")),
            },
        ),
        "reviews": (
            "Reviews and reporting status (since 1.4).",
            {
                "as_of": as_of,
                "reviews": _list(_ref("Review")),
                "recommendations": _list(_ref("Recommendation")),
                "reporting": _list(_ref("ReportingSummary")),
            },
        ),
    }


def _documents(defs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``$defs`` entry of each document kind."""
    _status_defs(defs)
    _reporting_summary_def(defs)
    bodies = _document_bodies()
    out: dict[str, dict[str, Any]] = {}
    for kind, (description, body) in bodies.items():
        props = {
            "schema_version": {"const": SCHEMA_VERSION},
            "generator": _ref("Generator"),
            "kind": {"const": kind},
            "lang": _ref("Language"),
            **body,
            "sources": _list(_ref("Source")),
        }
        out[f"{kind.capitalize()}Document"] = _object(props, description)
    return out


def build_schema() -> dict[str, Any]:
    """Generate the schema from the models and the exporter (plain data)."""
    defs: dict[str, Any] = {
        "Date": {
            "description": "A full ISO date.",
            "type": "string",
            "format": "date",
            "pattern": _DATE_PATTERN,
        },
        "PartialDate": {
            "description": "A date known to the year, the month or the day.",
            "type": "string",
            "pattern": _PARTIAL_DATE_PATTERN,
        },
        "Language": {"description": "The language of labels and names.", "enum": list(LANGUAGES)},
        "Generator": _object(
            {"name": {"const": "gmspolicy"}, "version": {"type": "string"}},
            "The program and version that wrote the document.",
        ),
    }
    for model in _MODELS:
        _model_def(model, defs)
    documents = _documents(defs)
    defs.update(documents)
    history = "; ".join(f"{v}: {what}" for v, what in VERSION_HISTORY)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "gmspolicy JSON feed",
        "description": (
            f"Every document gmspolicy writes with --format json, schema_version "
            f"{SCHEMA_VERSION}, told apart by 'kind'. Versions: {history}. A new optional "
            "field is a minor bump; a removed or retyped field, or a changed meaning, is a "
            "major bump. Generated from the code by `python -m gmspolicy.schema --write`."
        ),
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": [k.removesuffix("Document").lower() for k in documents]}},
        "oneOf": [_ref(name) for name in documents],
        "$defs": dict(sorted(defs.items())),
    }


def render_schema() -> str:
    """The generated schema as the committed file's text (deterministic)."""
    return dumps(build_schema())


def _source_file() -> Path:
    return Path(__file__).with_name(SCHEMA_FILE)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gmspolicy.schema [--write | --check]``: print the generated schema,
    rewrite the committed file, or exit 1 when the committed file is stale."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = render_schema()
    target = _source_file()
    if args == ["--write"]:
        from gmspolicy._output import write_atomic

        write_atomic(target, text)
        print(f"wrote {target}")
        return 0
    if args == ["--check"]:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target}: stale; run `python -m gmspolicy.schema --write`", file=sys.stderr)
            return 1
        print(f"{target}: current")
        return 0
    if args:
        print("usage: python -m gmspolicy.schema [--write | --check]", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0
