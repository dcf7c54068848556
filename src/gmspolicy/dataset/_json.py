"""Reading a JSON export of the whole dataset back into a validated PolicySet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from gmspolicy.convert import converter, error_messages
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


def read_json_export(path: Path) -> PolicySet:
    """Read a JSON export of the whole dataset back into a validated PolicySet."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}", C.INVALID_JSON)]
        ) from None
    if not isinstance(doc, dict) or doc.get("kind") != "dataset":
        raise UsageError(f"{path}: not a gmspolicy dataset export (export --format json)")
    problems: list[Problem] = []

    def structure(name: str, cls: type[T]) -> list[T]:
        out: list[T] = []
        for n, item in enumerate(doc.get(name, [])):
            if name == "participations" and isinstance(item, dict):
                item = {k: v for k, v in item.items() if k != "current"}
            try:
                out.append(converter.structure(item, cls))
            except Exception as exc:
                for p, msg in error_messages(exc):
                    problems.append(
                        Problem(str(path), f"{name}[{n}]{p[1:]}: {msg}", C.INVALID_FIELD)
                    )
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
    if problems:
        raise DataError(problems)
    return PolicySet.build(**records)  # type: ignore[arg-type]
