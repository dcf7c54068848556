"""Reading a JSON export of the whole dataset back into a validated PolicySet.

The file is read like every other file the command line reads (bounded, regular files
only, UTF-8) and parsed with limits: nesting at most :data:`MAX_JSON_DEPTH` deep, numbers
of at most :data:`MAX_NUMBER_CHARS` characters, no ``NaN``/``Infinity``; every record
list must be a list of objects. Each problem is one ``FILE: message`` line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

from gmspolicy.convert import converter, error_messages
from gmspolicy.dataset._files import MAX_FILE_BYTES, display_path, read_text_bounded
from gmspolicy.errors import DataError, Problem, UsageError
from gmspolicy.errors import ProblemCode as C
from gmspolicy.models import (
    Country,
    Event,
    Instrument,
    Mou,
    Observation,
    Participation,
    Recommendation,
    ReportingStatus,
    Review,
    Source,
)
from gmspolicy.query.policyset import PolicySet

T = TypeVar("T")

#: Deepest nesting of arrays and objects accepted (an export nests five levels).
MAX_JSON_DEPTH = 32
#: Longest number accepted, in characters (2**53 has 16 digits; a date-like year 4).
MAX_NUMBER_CHARS = 24
#: Problems reported before reading stops (a million bad records are not a million lines).
MAX_PROBLEMS = 100

# the next quote or bracket; and the rest of a string from just after its opening quote
# (possessive runs: each character is looked at once). The scan stops at a string that
# is never closed (json reports that), so the whole check is linear.
_NEXT = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+"')


class _Refused(ValueError):
    pass


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number with {len(text)} digits (at most {MAX_NUMBER_CHARS})")
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        raise _Refused(f"number {text} is out of range")
    return value


def _constant(text: str) -> Any:
    raise _Refused(f"{text} is not a JSON number")


def _check_depth(text: str, name: str) -> None:
    depth = 0
    pos = 0
    while (m := _NEXT.search(text, pos)) is not None:
        ch = m.group()
        pos = m.end()
        if ch == '"':
            rest = _STRING_REST.match(text, pos)
            if rest is None:
                return  # never closed: invalid JSON, which json.loads reports
            pos = rest.end()
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise DataError(
                    [
                        Problem(
                            f"{name}:{line}",
                            f"nested more than {MAX_JSON_DEPTH} levels deep",
                            C.INVALID_JSON,
                        )
                    ]
                )
        elif ch in "]}":
            depth -= 1


def _parse_json(text: str, name: str) -> Any:
    """The JSON document in ``text`` (read from ``name``), or a DataError naming the place."""
    _check_depth(text, name)
    try:
        doc: Any = json.loads(
            text, parse_int=_number, parse_float=_number, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(f"{name}:{exc.lineno}", f"invalid JSON: {exc.msg}", C.INVALID_JSON)]
        ) from None
    except _Refused as exc:
        raise DataError([Problem(name, f"invalid JSON: {exc}", C.INVALID_JSON)]) from None
    except (ValueError, RecursionError) as exc:  # anything else json cannot represent
        raise DataError(
            [Problem(name, f"invalid JSON: {type(exc).__name__}", C.INVALID_JSON)]
        ) from None
    return doc


def _check_export(doc: Any, name: str) -> None:
    """Refuse a document that is not a dataset export this version can read."""
    if not isinstance(doc, dict) or doc.get("kind") != "dataset":
        raise UsageError(f"{name}: not a gmspolicy dataset export (export --format json)")
    version = str(doc.get("schema_version", ""))
    sources = doc.get("sources")
    if (
        isinstance(sources, list)
        and any(isinstance(s, dict) and "authority" not in s for s in sources)
        and _older_than(version, (1, 5))
    ):
        raise DataError(
            [
                Problem(
                    name,
                    f"written with schema_version {version}, before sources carried their "
                    "authority (1.5.0); compare the dataset directories instead, or export "
                    "it again once its sources have an authority",
                    C.INVALID_FIELD,
                )
            ]
        )


def read_json_export(path: Path) -> PolicySet:
    """Read a JSON export of the whole dataset back into a validated PolicySet."""
    name = display_path(path)
    text = read_text_bounded(path, MAX_FILE_BYTES, name)
    doc = _parse_json(text, name)
    _check_export(doc, name)
    problems: list[Problem] = []

    def structure(key: str, cls: type[T]) -> list[T]:
        items = doc.get(key, [])
        if not isinstance(items, list):
            problems.append(
                Problem(name, f"{key}: expected a list, got {type(items).__name__}", C.NOT_A_LIST)
            )
            return []
        out: list[T] = []
        for n, item in enumerate(items):
            if len(problems) >= MAX_PROBLEMS:
                break
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        name,
                        f"{key}[{n}]: expected an object, got {type(item).__name__}",
                        C.NOT_A_MAPPING,
                    )
                )
                continue
            if key == "participations":
                item = {k: v for k, v in item.items() if k != "current"}
            try:
                out.append(converter.structure(item, cls))
            except Exception as exc:
                for p, msg in error_messages(exc):
                    problems.append(Problem(name, f"{key}[{n}]{p[1:]}: {msg}", C.INVALID_FIELD))
        return out

    records = {
        "countries": structure("countries", Country),
        "instruments": structure("instruments", Instrument),
        "participations": structure("participations", Participation),
        "mous": structure("mous", Mou),
        "events": structure("events", Event),
        "observations": structure("observations", Observation),
        "sources": structure("sources", Source),
        "reviews": structure("reviews", Review),
        "recommendations": structure("recommendations", Recommendation),
        "reporting": structure("reporting", ReportingStatus),
    }
    if len(problems) >= MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS]
        problems.append(
            Problem(
                name, f"more problems not listed (stopped at {MAX_PROBLEMS})", C.TOO_MANY_PROBLEMS
            )
        )
    if problems:
        raise DataError(problems)
    try:
        return PolicySet.build(**records)  # type: ignore[arg-type]
    except DataError as exc:
        # records read from a JSON export have no lines: each problem names the file
        raise DataError(
            [Problem(p.place or name, p.message, p.code) for p in exc.problems]
        ) from None


def _older_than(version: str, minimum: tuple[int, int]) -> bool:
    """Whether a feed's ``MAJOR.MINOR.PATCH`` is older than ``minimum`` (major, minor)."""
    parts = version.split(".")
    try:
        return (int(parts[0]), int(parts[1])) < minimum
    except (IndexError, ValueError):
        return False
