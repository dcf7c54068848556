"""What changed between two PolicySets: ratified, signed, denounced, added, corrected."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from gmspolicy.errors import DataError, Problem, UsageError
from gmspolicy.models import Action, ActionKind, Participation
from gmspolicy.policyset import Change, PolicySet

T = TypeVar("T")

_NEW_ACTION_WORD = {
    ActionKind.SIGNATURE: "signed",
    ActionKind.RATIFICATION: "ratified",
    ActionKind.ACCESSION: "acceded",
    ActionKind.SUCCESSION: "succeeded",
    ActionKind.ACCEPTANCE: "accepted",
    ActionKind.APPROVAL: "approved",
    ActionKind.FORMAL_CONFIRMATION: "confirmed",
    ActionKind.DENUNCIATION: "denounced",
    ActionKind.WITHDRAWAL: "withdrew",
}


def diff(old: PolicySet, new: PolicySet) -> tuple[Change, ...]:
    """Every change from ``old`` to ``new``, in a stable order."""
    out: list[Change] = []
    out += _records("country", old.countries, new.countries, lambda c: c.code)
    out += _records("instrument", old.instruments, new.instruments, lambda i: i.id)
    out += _participations(old, new)
    out += _records("mou", old.mous, new.mous, lambda m: m.id)
    out += _records("event", old.events, new.events, lambda e: e.id)
    out += _records("observation", old.observations, new.observations, lambda o: o.id)
    out += _records("source", old.sources, new.sources, lambda s: s.id)
    return tuple(out)


def _records(
    record: str, old: Sequence[T], new: Sequence[T], key: Callable[[T], str]
) -> list[Change]:
    a = {key(r): r for r in old}
    b = {key(r): r for r in new}
    out = []
    for k in sorted(a.keys() | b.keys()):
        if k not in a:
            out.append(Change(record, k, "added", f"{record} {k} added"))
        elif k not in b:
            out.append(Change(record, k, "removed", f"{record} {k} removed"))
        elif a[k] != b[k]:
            out.append(Change(record, k, "corrected", f"{record} {k} corrected"))
    return out


def _participations(old: PolicySet, new: PolicySet) -> list[Change]:
    a = {p.key: p for p in old.participations}
    b = {p.key: p for p in new.participations}
    out: list[Change] = []
    for key in sorted(a.keys() | b.keys()):
        pa, pb = a.get(key), b.get(key)
        if pa == pb:
            continue
        label = f"{key[0]} x {key[1]}"
        old_actions = set(pa.actions) if pa else set()
        new_actions = set(pb.actions) if pb else set()
        gone = sorted(old_actions - new_actions, key=_action_key)
        came = sorted(new_actions - old_actions, key=_action_key)
        for act in came:
            before = next((x for x in gone if x.kind is act.kind), None)
            if before is None:
                word = _NEW_ACTION_WORD[act.kind]
                out.append(Change("participation", label, word, f"{label}: {word} on {act.when}"))
            elif (before.date, before.precision) == (act.date, act.precision):
                out.append(
                    Change(
                        "participation",
                        label,
                        "corrected",
                        f"{label}: sources or note of the {act.kind.value} on {act.when} updated",
                    )
                )
            else:
                out.append(
                    Change(
                        "participation",
                        label,
                        "corrected",
                        f"{label}: {act.kind.value} corrected from {before.when} to {act.when}",
                    )
                )
        came_kinds = {x.kind for x in came}
        for act in gone:
            if act.kind not in came_kinds:
                out.append(
                    Change(
                        "participation",
                        label,
                        "removed",
                        f"{label}: {act.kind.value} of {act.when} removed",
                    )
                )
        out += _fact_changes(label, pa, pb)
    return out


def _fact_changes(label: str, pa: Participation | None, pb: Participation | None) -> list[Change]:
    """Changes to a participation's dated facts and reservations (whatever its actions did)."""
    out: list[Change] = []
    for name, old, new in (
        ("no-action record", pa.no_action if pa else None, pb.no_action if pb else None),
        ("entry into force", pa.entry_into_force if pa else None,
         pb.entry_into_force if pb else None),
    ):
        if old == new:
            continue
        if old is None and new is not None:
            text = f"{name} as of {new.date.isoformat()} added"
        elif new is None and old is not None:
            text = f"{name} as of {old.date.isoformat()} removed"
        elif old is not None and new is not None and old.date != new.date:
            text = f"{name} changed from {old.date.isoformat()} to {new.date.isoformat()}"
        else:
            text = f"sources or note of the {name} updated"
        out.append(Change("participation", label, "corrected", f"{label}: {text}"))
    old_res = set(pa.reservations) if pa else set()
    new_res = set(pb.reservations) if pb else set()
    if old_res != new_res:
        out.append(
            Change(
                "participation",
                label,
                "corrected",
                f"{label}: reservations and declarations changed "
                f"({len(new_res - old_res)} added, {len(old_res - new_res)} removed)",
            )
        )
    return out


def _action_key(a: Action) -> tuple[str, str]:
    return (a.date.isoformat(), a.kind.value)


def changes_json(changes: Sequence[Change]) -> str:
    """The changes as a JSON list (deterministic)."""
    data = [
        {"record": c.record, "key": c.key, "kind": c.kind, "description": c.description}
        for c in changes
    ]
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load_any(path: Path) -> PolicySet:
    """A dataset directory, or a ``gmspolicy export --format json`` file."""
    if path.is_dir():
        from gmspolicy.dataset import load_dataset

        return load_dataset(path)
    return load_json_export(path)


def load_json_export(path: Path) -> PolicySet:
    """Read a JSON export of the whole dataset back into a validated PolicySet."""
    from gmspolicy.convert import converter, error_messages
    from gmspolicy.models import Country, Event, Instrument, Mou, Observation, Source

    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}")]) from None
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
