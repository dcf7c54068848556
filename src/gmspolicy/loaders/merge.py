"""Turning what a loader returned into records to show (``gmspolicy load``) or facts to
merge into a dataset directory (``gmspolicy fetch``).

Merging never overwrites: a loaded fact that the dataset already has (same country,
instrument, action and date) is skipped; one that contradicts a sourced fact (another
date for the same action, an action on or before a confirmed ``no_action``, or a
``no_action`` as of a date on or after a recorded action) is a conflict, reported with the
place of the existing fact. A loaded ``no_action`` where the dataset already has one is
kept out (a pair has one); if it is more recent, a note says so. New facts go to
``participations/fetched-LOADER.csv`` and their sources to ``sources/fetched-LOADER.yaml``
(appended, each file written atomically), and only if the merged dataset validates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import attrs
import yaml

from gmspolicy.dataset._files import display_path
from gmspolicy.dataset._reader import PARTICIPATION_COLUMNS
from gmspolicy.errors import DataError, Problem, UsageError
from gmspolicy.loaders import LoadResult
from gmspolicy.models import Action, Country, DatedFact, Instrument, Participation, Source
from gmspolicy.query.diff import Change
from gmspolicy.query.policyset import PlaceKey, PolicySet


def loaded_policyset(reference: PolicySet, result: LoadResult, today: dt.date) -> PolicySet:
    """A PolicySet of the loaded records plus the reference countries, instruments (and
    their parents) and sources they use, checked like any dataset. Sources that cite a
    local file are accepted here (for viewing); ``fetch`` refuses them."""
    from gmspolicy.dataset.validate import validate

    countries: dict[str, Country] = {c.code: c for c in result.countries}
    instruments: dict[str, Instrument] = {i.id: i for i in result.instruments}
    for part in result.participations:
        if part.country not in countries and reference.has_country(part.country):
            countries[part.country] = reference.country(part.country)
        ident: str | None = part.instrument
        while ident is not None and ident not in instruments and reference.has_instrument(ident):
            inst = reference.instrument(ident)
            instruments[ident] = inst
            ident = inst.parent
    sources = {s.id: s for s in result.sources}
    records: list[Country | Instrument] = [*countries.values(), *instruments.values()]
    for record in records:
        for sid in record.sources:
            if sid not in sources and reference.has_source(sid):
                sources[sid] = reference.source(sid)
    pset = PolicySet(
        countries=tuple(sorted(countries.values(), key=lambda c: c.code)),
        instruments=tuple(instruments.values()),
        participations=tuple(sorted(result.participations, key=lambda p: p.key)),
        mous=(),
        events=(),
        sources=tuple(sorted(sources.values(), key=lambda s: s.id)),
    )
    problems = [
        p
        for p in validate(pset, today=today)
        if not (p.message.startswith("source url 'file:") and "must start with" in p.message)
    ]
    if problems:
        raise DataError(problems)
    return pset


@attrs.frozen
class MergePlan:
    """What ``fetch`` would do: the new rows and sources, the conflicts, the merged set."""

    rows: tuple[tuple[str, str, str, str, str, str], ...]
    sources: tuple[Source, ...]
    known: int
    conflicts: tuple[Problem, ...]
    notes: tuple[str, ...]
    merged: PolicySet
    changes: tuple[Change, ...]
    csv_path: Path
    yaml_path: Path


def plan_merge(
    existing: PolicySet,
    result: LoadResult,
    root: Path,
    loader: str,
    today: dt.date,
    *,
    keep_existing: bool = False,
) -> MergePlan:
    """Work out the merge of ``result`` into the dataset ``existing`` read from ``root``.

    Raises :class:`DataError` listing the conflicts (unless ``keep_existing``: then they
    are kept in the plan and the other facts merged), :class:`UsageError` if a new fact
    would cite a local file, and :class:`DataError` if the merged dataset does not
    validate.
    """
    csv_path = root / "participations" / f"fetched-{loader}.csv"
    yaml_path = root / "sources" / f"fetched-{loader}.yaml"
    loaded_sources = {s.id: s for s in result.sources}
    rows: list[tuple[str, str, str, str, str, str]] = []
    conflicts: list[Problem] = []
    known = 0
    notes: list[str] = []
    new_actions: dict[tuple[str, str], list[Action]] = {}
    new_no_action: dict[tuple[str, str], DatedFact] = {}
    for part in result.participations:
        old = existing.participation(part.country, part.instrument)
        label = f"{part.country} x {part.instrument}"
        for action in part.actions:
            kind, date = action.kind.value, action.when
            if old is not None:
                same = [a for a in old.actions if a.kind is action.kind]
                if any((a.date, a.precision) == (action.date, action.precision) for a in same):
                    known += 1
                    continue
                if same:
                    a = same[0]
                    conflicts.append(
                        Problem(
                            existing.place("action", *part.key, kind, a.date.isoformat()),
                            f"{label}: the dataset has {kind} on {a.when} "
                            f"(source {', '.join(a.sources)}), {loader} says {date} "
                            f"(source {', '.join(action.sources)}); kept the existing fact",
                        )
                    )
                    continue
                na = old.no_action
                if na is not None and action.end <= na.date:
                    conflicts.append(
                        Problem(
                            existing.place("action", *part.key, "no_action", na.date.isoformat()),
                            f"{label}: the dataset has no_action as of {na.date.isoformat()} "
                            f"(source {', '.join(na.sources)}), {loader} says {kind} on "
                            f"{date} (source {', '.join(action.sources)}); kept the existing "
                            "fact",
                        )
                    )
                    continue
            new_actions.setdefault(part.key, []).append(action)
            rows.append(
                (part.country, part.instrument, kind, date, ";".join(action.sources),
                 action.note or "")
            )
        na_new = part.no_action
        if na_new is None:
            continue
        when = na_new.date.isoformat()
        if old is not None and old.no_action is not None:
            # one no_action per pair: an existing one is kept (a later date is reported)
            known += 1
            if na_new.date > old.no_action.date:
                notes.append(
                    f"{label}: the dataset has no_action as of "
                    f"{old.no_action.date.isoformat()}; {loader} confirms it as of {when} "
                    f"(source {', '.join(na_new.sources)}): update the row by hand"
                )
            continue
        done = [a for a in (old.actions if old is not None else ()) if a.date <= na_new.date]
        if done:
            a = done[0]
            conflicts.append(
                Problem(
                    existing.place("action", *part.key, a.kind.value, a.date.isoformat()),
                    f"{label}: the dataset has {a.kind.value} on {a.when} "
                    f"(source {', '.join(a.sources)}), {loader} says no action as of {when} "
                    f"(source {', '.join(na_new.sources)}); kept the existing fact",
                )
            )
            continue
        new_no_action[part.key] = na_new
        rows.append(
            (part.country, part.instrument, "no_action", when, ";".join(na_new.sources),
             na_new.note or "")
        )
    if conflicts and not keep_existing:
        raise DataError(conflicts)
    cited = {sid for row in rows for sid in row[4].split(";")}
    new_sources: list[Source] = []
    for sid in sorted(cited):
        src = loaded_sources[sid]
        if not src.url.startswith(("http://", "https://")):
            raise UsageError(
                f"fetch needs a published source: source {sid!r} cites the local file "
                f"{src.url}; give --opt source_url=URL (where the file was published)"
            )
        if existing.has_source(sid):
            if existing.source(sid) != src:
                raise UsageError(
                    f"source {sid!r} is already in the dataset with other details "
                    f"({existing.place('source', sid) or 'no place'})"
                )
            continue
        new_sources.append(src)

    # the merged set, with the places the new records will have
    places: dict[PlaceKey, str] = dict(existing.places)
    csv_name = display_path(csv_path)
    yaml_name = display_path(yaml_path)
    first_line = _line_count(csv_path) + (1 if csv_path.exists() else 2)
    for n, (c, i, kind, date, _, _) in enumerate(rows):
        places.setdefault(("participation", c, i), f"{csv_name}:{first_line + n}")
        places[("action", c, i, kind, date)] = f"{csv_name}:{first_line + n}"
    for src in new_sources:
        places[("source", src.id)] = yaml_name
    merged_parts = {p.key: p for p in existing.participations}
    for key, actions in new_actions.items():
        old = merged_parts.get(key)
        if old is None:
            merged_parts[key] = Participation(key[0], key[1], tuple(actions))
        else:
            merged_parts[key] = attrs.evolve(old, actions=old.actions + tuple(actions))
    for key, fact in new_no_action.items():
        old = merged_parts.get(key)
        merged_parts[key] = (
            Participation(key[0], key[1], no_action=fact)
            if old is None
            else attrs.evolve(old, no_action=fact)
        )
    merged = PolicySet.build(
        countries=existing.countries,
        instruments=existing.instruments,
        participations=merged_parts.values(),
        mous=existing.mous,
        events=existing.events,
        sources=(*existing.sources, *new_sources),
        observations=existing.observations,
        places=places,
        today=today,
    )
    return MergePlan(
        rows=tuple(rows),
        sources=tuple(new_sources),
        known=known,
        conflicts=tuple(conflicts),
        notes=tuple(notes),
        merged=merged,
        changes=existing.diff(merged),
        csv_path=csv_path,
        yaml_path=yaml_path,
    )


def write_merge(plan: MergePlan) -> None:
    """Append the plan's sources and rows to their files (each written atomically;
    sources first, so the facts never cite a source that is not there yet)."""
    from gmspolicy._output import write_atomic

    if plan.sources:
        plan.yaml_path.parent.mkdir(parents=True, exist_ok=True)
        old = _read(plan.yaml_path)
        if old and not old.endswith("\n"):
            old += "\n"
        entries = [
            {k: v for k, v in attrs.asdict(s).items() if v is not None} for s in plan.sources
        ]
        for entry in entries:
            for field in ("seen", "as_of"):
                if isinstance(entry.get(field), dt.date):
                    entry[field] = entry[field].isoformat()
            entry["authority"] = entry["authority"].value
        text = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
        write_atomic(plan.yaml_path, old + text)
    if plan.rows:
        plan.csv_path.parent.mkdir(parents=True, exist_ok=True)
        old = _read(plan.csv_path)
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\n")
        if not old:
            writer.writerow(PARTICIPATION_COLUMNS)
        elif not old.endswith("\n"):
            old += "\n"
        # a file with the optional research_note column gets an empty one on new rows
        pad = ("",) * (_header_width(old) - len(PARTICIPATION_COLUMNS)) if old else ()
        writer.writerows(row + pad for row in plan.rows)
        write_atomic(plan.csv_path, old + buf.getvalue())


def _header_width(text: str) -> int:
    """How many columns the header row of a participations file has."""
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0], newline="")), [])
    return max(len(first), len(PARTICIPATION_COLUMNS))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _line_count(path: Path) -> int:
    text = _read(path)
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)
