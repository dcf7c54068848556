"""What changed between two PolicySets: ratified, signed, denounced, added, corrected."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from gmspolicy.models import Action, ActionKind, Participation

if TYPE_CHECKING:
    from gmspolicy.query.policyset import PolicySet

T = TypeVar("T")


@attrs.frozen
class Change:
    """One difference between two PolicySets, as listed by :meth:`PolicySet.diff`.

    ``kind`` is ``added``, ``removed``, ``changed`` or one of the status words
    (``ratified``, ``signed``, ``denounced``...) for participations.
    """

    record: str
    key: str
    kind: str
    description: str


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
    out += _records("review", old.review_records, new.review_records, lambda r: r.id)
    out += _records("recommendation", old.recommendations, new.recommendations, lambda r: r.id)
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
                out.append(Change("participation", label, word, f"{label}: {word} on {act.date}"))
            elif before.date == act.date:
                out.append(
                    Change(
                        "participation",
                        label,
                        "corrected",
                        f"{label}: sources or note of the {act.kind.value} on {act.date} updated",
                    )
                )
            else:
                out.append(
                    Change(
                        "participation",
                        label,
                        "corrected",
                        f"{label}: {act.kind.value} corrected from {before.date} to {act.date}",
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
                        f"{label}: {act.kind.value} of {act.date} removed",
                    )
                )
        out += _fact_changes(label, pa, pb)
    return out


def _fact_changes(label: str, pa: Participation | None, pb: Participation | None) -> list[Change]:
    """Changes to a participation's dated facts and reservations (whatever its actions did)."""
    out: list[Change] = []
    for name, old, new in (
        ("no-action record", pa.no_action if pa else None, pb.no_action if pb else None),
        (
            "entry into force",
            pa.entry_into_force if pa else None,
            pb.entry_into_force if pb else None,
        ),
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
    return (a.date.earliest().isoformat(), a.kind.value)


def changes_json(changes: Sequence[Change]) -> str:
    """The changes as a JSON list (deterministic)."""
    data = [
        {"record": c.record, "key": c.key, "kind": c.kind, "description": c.description}
        for c in changes
    ]
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
