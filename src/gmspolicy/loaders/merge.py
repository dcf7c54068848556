"""Turning what a loader returned into records to show (``gmspolicy load``) or facts to
merge into a dataset directory (``gmspolicy fetch``).

Merging never overwrites, and decides fact by fact (:func:`plan_merge`):

- a loaded action the dataset already has is skipped: the same kind on the same date, or
  on a date that contains or is contained in the recorded one (``1992`` and
  ``1992-03-02`` are one ratification recorded at two precisions; where the loaded date
  is the more precise, a note says so);
- a loaded action that contradicts a sourced fact is a conflict, reported at the place of
  the existing fact: another date for the same step (a signature, or a consent to be
  bound: a ratification where the dataset has an accession is a conflict, whatever its
  date, unless a denunciation or withdrawal lies between them), or an action certainly
  taken on or before a confirmed ``no_action``;
- a loaded ``no_action`` is a conflict with an action recorded certainly on or before its
  date; where the dataset already has one for the pair it is kept (a pair has one), and
  a more recent one is noted.

Every conflict and note names the existing fact (with its sources) and the incoming one:
the loader, and the row it would add (country, instrument, action, date, source). New
facts go to ``participations/fetched-LOADER.csv`` and their sources to
``sources/fetched-LOADER.yaml`` (appended, each file written atomically), and only if the
merged dataset validates; otherwise :class:`MergeRefused` says why and that nothing was
written.

Two fetches into one directory are serialised by :func:`dataset_lock`: the writer
re-reads and re-validates the dataset under the lock, so it never merges into a state
another writer has already changed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs
import yaml

from gmspolicy.dataset._files import display_path
from gmspolicy.dataset._reader import PARTICIPATION_COLUMNS
from gmspolicy.errors import DataError, Problem, UsageError
from gmspolicy.errors import ProblemCode as C
from gmspolicy.loaders import LoadResult
from gmspolicy.models import (
    Action,
    ActionKind,
    Country,
    DatedFact,
    Instrument,
    Participation,
    Review,
    Source,
)
from gmspolicy.query.diff import Change
from gmspolicy.query.places import Places
from gmspolicy.query.policyset import PlaceKey, PolicySet

#: The lock file taken in a dataset directory while a fetch re-reads, checks and writes it.
LOCK_NAME = ".gmspolicy.lock"
#: How long a fetch waits for another one writing the same dataset, in seconds.
LOCK_TIMEOUT = 300.0


@contextlib.contextmanager
def dataset_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the dataset directory's write lock (``root/.gmspolicy.lock``, an OS file lock
    through ``filelock``: released when the process ends, even if it is killed).

    Waiting longer than ``timeout`` (default :data:`LOCK_TIMEOUT`) is a
    :class:`UsageError` naming the directory; a directory where the lock cannot be
    created is one too.
    """
    from filelock import FileLock, Timeout

    timeout = LOCK_TIMEOUT if timeout is None else timeout
    lock = FileLock(str(root / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise UsageError(
            f"{display_path(root)}: another gmspolicy fetch has been writing this dataset "
            f"for over {timeout:g} s (lock {LOCK_NAME}); try again when it is done"
        ) from None
    except OSError as exc:
        raise UsageError(
            f"{display_path(root)}: cannot lock the dataset for writing: {exc.strerror or exc}"
        ) from None
    try:
        yield
    finally:
        lock.release()


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
    from gmspolicy.models import MECHANISM_INSTRUMENTS

    for row in result.reporting:
        if row.country not in countries and reference.has_country(row.country):
            countries[row.country] = reference.country(row.country)
        treaty = MECHANISM_INSTRUMENTS.get(row.mechanism)
        if treaty is not None and treaty not in instruments and reference.has_instrument(treaty):
            instruments[treaty] = reference.instrument(treaty)
    # recommendations: the reference's record of each review they belong to (a loader
    # names a review the reference has), its country and the recommending states
    known_reviews = {r.id: r for r in reference.review_records}
    reviews: dict[str, Review] = {}
    for rec in result.recommendations:
        review = known_reviews.get(rec.review)
        if review is not None and review.id not in reviews:
            reviews[review.id] = review
        for linked in rec.instruments:
            ident = linked  # and its parents (a protocol needs its convention)
            while (
                ident is not None and ident not in instruments and reference.has_instrument(ident)
            ):
                inst = reference.instrument(ident)
                instruments[ident] = inst
                ident = inst.parent
        for code in (*rec.recommending, *(r.country for r in reviews.values())):
            if code not in countries and reference.has_country(code):
                countries[code] = reference.country(code)
    sources = {s.id: s for s in result.sources}
    records: list[Country | Instrument | Review] = [
        *countries.values(),
        *instruments.values(),
        *reviews.values(),
    ]
    for record in records:
        cited = record.all_sources if isinstance(record, Review) else record.sources
        for sid in cited:
            if sid not in sources and reference.has_source(sid):
                sources[sid] = reference.source(sid)
    pset = PolicySet(
        countries=tuple(sorted(countries.values(), key=lambda c: c.code)),
        instruments=tuple(instruments.values()),
        participations=tuple(sorted(result.participations, key=lambda p: p.key)),
        mous=(),
        events=(),
        sources=tuple(sorted(sources.values(), key=lambda s: s.id)),
        reporting=result.reporting,
        reviews=tuple(reviews.values()),
        recommendations=result.recommendations,
    )
    problems = [p for p in validate(pset, today=today) if p.code is not C.LOCAL_SOURCE]
    if problems:
        raise DataError(problems)
    return pset


class MergeRefused(DataError):
    """``fetch`` refused the merge: conflicts with sourced facts (without
    ``keep_existing``), or a merged dataset that does not validate. Nothing is written;
    the last line says so."""

    def __init__(self, problems: Iterable[Problem], why: str) -> None:
        super().__init__(problems)
        self.why = why

    def lines(self) -> list[str]:
        """One line per problem, then what was done: nothing written."""
        return [*super().lines(), f"nothing written: {self.why}"]


@attrs.frozen
class MergePlan:
    """What ``fetch`` would do: the new rows and sources, the conflicts (existing facts
    kept), the notes, the merged set."""

    rows: tuple[tuple[str, str, str, str, str, str], ...]
    sources: tuple[Source, ...]
    known: int
    conflicts: tuple[Problem, ...]
    notes: tuple[str, ...]
    merged: PolicySet
    changes: tuple[Change, ...]
    csv_path: Path
    yaml_path: Path


def _separates(kind: ActionKind, step: ActionKind) -> bool:
    """Whether an action of ``kind`` ends a ``step``: between two consents (or two
    signatures) an exit, between two exits a consent."""
    if step.is_exit:
        return kind.is_consent
    return kind.is_exit


def _same_step(a: ActionKind, b: ActionKind) -> bool:
    """Two actions that take the same step: the same kind, or both a consent to be bound
    (a ratification and an accession of one state are two accounts of one step)."""
    return a is b or (a.is_consent and b.is_consent)


def _between(x: Action, a: Action, b: Action) -> bool:
    """True when ``x`` was certainly taken after the earlier of ``a`` and ``b`` and before
    the later."""
    first, last = sorted((a, b), key=lambda y: y.date.earliest())
    return first.date.latest() < x.date.earliest() and x.date.latest() < last.date.earliest()


def _sources(ids: Iterable[str]) -> str:
    return f"(source {', '.join(ids)})"


@attrs.define
class _Planner:
    """Decides each loaded fact against the dataset: known, a conflict, or new."""

    existing: PolicySet
    loader: str
    rows: list[tuple[str, str, str, str, str, str]] = attrs.Factory(list)
    conflicts: list[Problem] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    known: int = 0
    new_actions: dict[tuple[str, str], list[Action]] = attrs.Factory(dict)
    new_no_action: dict[tuple[str, str], DatedFact] = attrs.Factory(dict)

    def says(self, kind: str, date: object, sources: Iterable[str]) -> str:
        """The incoming fact: ``LOADER says KIND on DATE (source ID)``."""
        when = f"as of {date}" if kind == "no action" else f"on {date}"
        return f"{self.loader} says {kind} {when} {_sources(sources)}"

    def conflict(self, place: str | None, label: str, has: str, incoming: str) -> None:
        self.conflicts.append(
            Problem(place, f"{label}: the dataset has {has}, {incoming}", C.MERGE_CONFLICT)
        )

    def participation(self, part: Participation) -> None:
        old = self.existing.participation(part.country, part.instrument)
        for action in part.actions:
            if self.action(old, part, action):
                self.new_actions.setdefault(part.key, []).append(action)
                self.rows.append(
                    (
                        part.country,
                        part.instrument,
                        action.kind.value,
                        str(action.date),
                        ";".join(action.sources),
                        action.note or "",
                    )
                )
        if part.no_action is not None and self.no_action(old, part, part.no_action):
            fact = part.no_action
            self.new_no_action[part.key] = fact
            self.rows.append(
                (
                    part.country,
                    part.instrument,
                    "no_action",
                    fact.date.isoformat(),
                    ";".join(fact.sources),
                    fact.note or "",
                )
            )

    def action(self, old: Participation | None, part: Participation, action: Action) -> bool:
        """Whether ``action`` is new; a known one is counted, a conflict recorded."""
        if old is None:
            return True
        label = f"{part.country} x {part.instrument}"
        kind = action.kind.value
        incoming = self.says(kind, action.date, action.sources)
        same = next((a for a in old.actions if a.same_event(action)), None)
        if same is not None:
            self.known += 1
            if same.date != action.date and same.date.contains(action.date):
                place = self.existing.place("action", *part.key, kind, str(same.date))
                self.notes.append(
                    f"{label}: the dataset has {kind} on {same.date} {_sources(same.sources)}"
                    f" at {place or 'no place'}; {incoming}, more precisely: update the row "
                    "by hand"
                )
            return False
        around = (*old.actions, *part.actions)
        for a in old.actions:
            if not _same_step(a.kind, action.kind):
                continue
            if any(_separates(x.kind, action.kind) and _between(x, a, action) for x in around):
                continue
            place = self.existing.place("action", *part.key, a.kind.value, str(a.date))
            has = f"{a.kind.value} on {a.date} {_sources(a.sources)}"
            self.conflict(place, label, has, incoming)
            return False
        na = old.no_action
        if na is not None and action.date.latest() <= na.date:
            place = self.existing.place("action", *part.key, "no_action", na.date.isoformat())
            has = f"no_action as of {na.date.isoformat()} {_sources(na.sources)}"
            self.conflict(place, label, has, incoming)
            return False
        return True

    def no_action(self, old: Participation | None, part: Participation, fact: DatedFact) -> bool:
        """Whether the loaded ``no_action`` is new; a known one is counted (and a more
        recent date noted), a conflict recorded."""
        if old is None:
            return True
        label = f"{part.country} x {part.instrument}"
        incoming = self.says("no action", fact.date.isoformat(), fact.sources)
        if old.no_action is not None:
            # one no_action per pair: the existing one is kept (a later date is noted)
            self.known += 1
            if fact.date > old.no_action.date:
                self.notes.append(
                    f"{label}: the dataset has no_action as of "
                    f"{old.no_action.date.isoformat()}; {self.loader} confirms it as of "
                    f"{fact.date.isoformat()} {_sources(fact.sources)}: update the row by hand"
                )
            return False
        done = [a for a in old.actions if a.date.latest() <= fact.date]
        if done:
            a = done[0]
            place = self.existing.place("action", *part.key, a.kind.value, str(a.date))
            has = f"{a.kind.value} on {a.date} {_sources(a.sources)}"
            self.conflict(place, label, has, incoming)
            return False
        return True


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

    Raises :class:`MergeRefused` listing the conflicts (unless ``keep_existing``: then
    they are kept in the plan, the existing facts kept and the other facts merged) or the
    problems of a merged dataset that does not validate, and :class:`UsageError` if a new
    fact would cite a local file. Nothing is written here: see :func:`write_merge`.
    """
    planner = _Planner(existing, loader)
    if result.reporting:
        planner.notes.append(
            f"{len(result.reporting)} reporting-status rows were read but not merged: fetch "
            "merges participations only; copy them into reporting.yaml (see `gmspolicy load`)"
        )
    if result.recommendations:
        planner.notes.append(
            f"{len(result.recommendations)} UPR recommendations were read but not merged: "
            "fetch merges participations only; copy them into recommendations/*.yaml "
            "(see `gmspolicy load`)"
        )
    for part in result.participations:
        planner.participation(part)
    if planner.conflicts and not keep_existing:
        n = len(planner.conflicts)
        raise MergeRefused(
            planner.conflicts,
            f"{n} {'fact' if n == 1 else 'facts'} from {loader} contradict"
            f"{'s' if n == 1 else ''} the dataset (with --keep-existing, the existing facts "
            "are kept and the rest merged)",
        )
    new_sources = _new_sources(existing, result, planner.rows, loader)
    csv_path = root / "participations" / f"fetched-{loader}.csv"
    yaml_path = root / "sources" / f"fetched-{loader}.yaml"
    merged = _merged(existing, planner, new_sources, csv_path, yaml_path, today)
    return MergePlan(
        rows=tuple(planner.rows),
        sources=tuple(new_sources),
        known=planner.known,
        conflicts=tuple(planner.conflicts),
        notes=tuple(planner.notes),
        merged=merged,
        changes=existing.diff(merged),
        csv_path=csv_path,
        yaml_path=yaml_path,
    )


def _new_sources(
    existing: PolicySet,
    result: LoadResult,
    rows: list[tuple[str, str, str, str, str, str]],
    loader: str,
) -> list[Source]:
    """The loaded sources the new rows cite that the dataset does not have yet."""
    loaded_sources = {s.id: s for s in result.sources}
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
                    f"source {sid!r} of {loader} is already in the dataset with other "
                    f"details ({existing.place('source', sid) or 'no place'}); nothing written"
                )
            continue
        new_sources.append(src)
    return new_sources


def _merged(
    existing: PolicySet,
    planner: _Planner,
    new_sources: list[Source],
    csv_path: Path,
    yaml_path: Path,
    today: dt.date,
) -> PolicySet:
    """The dataset with the new facts, checked; a problem at a new row names the incoming
    fact and its loader (the row is not written)."""
    known = Places.of(existing.places)
    places: dict[PlaceKey, str] = {}  # the new rows' places (and the new sources')
    csv_name = display_path(csv_path)
    first_line = _line_count(csv_path) + (1 if csv_path.exists() else 2)
    incoming: dict[str, str] = {}
    for n, (c, i, kind, date, sources, _) in enumerate(planner.rows):
        planned = f"{csv_name}:{first_line + n}"
        if ("participation", c, i) not in known:
            places.setdefault(("participation", c, i), planned)
        places[("action", c, i, kind, date)] = planned
        word = "no action" if kind == "no_action" else kind
        incoming[planned] = f"{c} x {i}: {planner.says(word, date, sources.split(';'))}"
    for src in new_sources:
        places[("source", src.id)] = display_path(yaml_path)
    merged_parts = {p.key: p for p in existing.participations}
    for key, actions in planner.new_actions.items():
        old = merged_parts.get(key)
        if old is None:
            merged_parts[key] = Participation(key[0], key[1], tuple(actions))
        else:
            merged_parts[key] = attrs.evolve(old, actions=old.actions + tuple(actions))
    for key, fact in planner.new_no_action.items():
        old = merged_parts.get(key)
        merged_parts[key] = (
            Participation(key[0], key[1], no_action=fact)
            if old is None
            else attrs.evolve(old, no_action=fact)
        )
    try:
        return PolicySet.build(
            countries=existing.countries,
            instruments=existing.instruments,
            participations=merged_parts.values(),
            mous=existing.mous,
            events=existing.events,
            sources=(*existing.sources, *new_sources),
            observations=existing.observations,
            places=known.updated(places),
            today=today,
            reviews=existing.review_records,
            recommendations=existing.recommendations,
            reporting=existing.reporting,
        )
    except DataError as exc:
        problems = [
            Problem(None, f"{incoming[p.place]}, which does not fit: {p.message}", p.code)
            if p.place in incoming
            else p
            for p in exc.problems
        ]
        raise MergeRefused(
            problems, f"the dataset with the new facts from {planner.loader} does not validate"
        ) from None


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
    from gmspolicy.dataset._files import MAX_FILE_BYTES, read_text_bounded

    if not path.exists() and not path.is_symlink():
        return ""
    return read_text_bounded(path, MAX_FILE_BYTES)


def _line_count(path: Path) -> int:
    text = _read(path)
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)
