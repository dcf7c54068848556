"""Reading a JSON export of the whole dataset back into a validated PolicySet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from gmspolicy.convert import converter, error_messages
from gmspolicy.errors import DataError, Problem, UsageError
from gmspolicy.models import Country, Event, Instrument, Mou, Observation, Participation, Source
from gmspolicy.query.policyset import PolicySet

T = TypeVar("T")


def read_json_export(path: Path) -> PolicySet:
    """Read a JSON export of the whole dataset back into a validated PolicySet."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}")]) from None
    if not isinstance(doc, dict) or doc.get("kind") != "dataset":
        raise UsageError(f"{path}: not a gmspolicy dataset export (export --format json)")
    version = str(doc.get("schema_version", ""))
    sources = doc.get("sources")
    if (
        isinstance(sources, list)
        and any(isinstance(s, dict) and "authority" not in s for s in sources)
        and _older_than(version, (1, 4))
    ):
        raise DataError(
            [
                Problem(
                    str(path),
                    f"written with schema_version {version}, before sources carried their "
                    "authority (1.4.0); compare the dataset directories instead, or export "
                    "it again once its sources have an authority",
                )
            ]
        )
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
                    problems.append(Problem(str(path), f"{name}[{n}]{p[1:]}: {msg}"))
        return out

    records = {
        "countries": structure("countries", Country),
        "instruments": structure("instruments", Instrument),
        "participations": structure("participations", Participation),
        "mous": structure("mous", Mou),
        "events": structure("events", Event),
        "observations": structure("observations", Observation),
        "sources": structure("sources", Source),
    }
    if problems:
        raise DataError(problems)
    return PolicySet.build(**records)  # type: ignore[arg-type]


def _older_than(version: str, minimum: tuple[int, int]) -> bool:
    """Whether a feed's ``MAJOR.MINOR.PATCH`` is older than ``minimum`` (major, minor)."""
    parts = version.split(".")
    try:
        return (int(parts[0]), int(parts[1])) < minimum
    except (IndexError, ValueError):
        return False
