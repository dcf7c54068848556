"""The one validation pass run when a :class:`~gmspolicy.query.policyset.PolicySet` is built.

It reports every problem at once, each with the place the record was read from.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from gmspolicy.dates import PartialDate
from gmspolicy.errors import Problem
from gmspolicy.errors import ProblemCode as C
from gmspolicy.models import (
    CONSENT_ACTIONS,
    MECHANISM_INSTRUMENTS,
    OUTCOME_SYMBOL_PREFIXES,
    RECOMMENDATION_TAGS,
    Action,
    ActionKind,
    Authority,
    Body,
    Instrument,
    InstrumentKind,
    Mechanism,
    Participation,
    Review,
    ReviewStatus,
    StatusKind,
)

if TYPE_CHECKING:
    from gmspolicy.query.policyset import PolicySet


def validate(pset: PolicySet, today: dt.date | None = None) -> list[Problem]:
    """Every problem in ``pset``, sorted by place."""
    v = _Validator(pset, today or dt.date.today())
    v.run()
    return sorted(set(v.problems), key=problem_sort_key)


#: Largest integer a dataset may hold: what every JSON reader (IEEE doubles) and SQLite
#: (64-bit) represent exactly.
MAX_INTEGER = 2**53 - 1
#: Record ids (docs/data-format.md): a letter or digit, then letters, digits, ``.``, ``_``
#: and ``-``, at most 64 in all; source ids in lower case.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SOURCE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# control characters (C0 but tab, newline and carriage return; DEL; C1) and lone
# surrogates (which cannot be written as UTF-8)
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# in a URL also every space, tab and line break
_BAD_URL = re.compile(r"[\x00-\x20\x7f-\x9f\ud800-\udfff\s]")


def _char_problem(text: str, pattern: re.Pattern[str]) -> str | None:
    m = pattern.search(text)
    if m is None:
        return None
    ch = m.group()
    if "\ud800" <= ch <= "\udfff":
        return f"a lone surrogate (U+{ord(ch):04X}) that cannot be written as UTF-8"
    if ch.isspace() and ch not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85":
        return f"a space (U+{ord(ch):04X})"
    return f"control character U+{ord(ch):04X}"


def publishable(value: Any, field: str = "") -> list[str]:
    """What in a record (an attrs instance, walked through its fields, tuples and nested
    records) cannot be published in every format: text with control characters or lone
    surrogates, URLs with spaces or control characters, integers beyond
    :data:`MAX_INTEGER`, partial dates outside years 1-9999. Messages name the field."""
    out: list[str] = []
    todo: list[tuple[str, Any]] = [(field, value)]
    while todo:
        name, item = todo.pop()
        label = f"{name}: " if name else ""
        if isinstance(item, str):
            is_url = name.rsplit(".", 1)[-1].split("[")[0] == "url"
            bad = _char_problem(item, _BAD_URL if is_url else _BAD_TEXT)
            if bad is not None:
                out.append(f"{label}{'URL' if is_url else 'text'} contains {bad}")
        elif isinstance(item, bool | enum.Enum | dt.date) or item is None:
            continue
        elif isinstance(item, int):
            shown = str(item) if item.bit_length() < 128 else f"of {item.bit_length()} bits"
            if name.endswith("year") and not 1 <= item <= 9999:
                out.append(f"{label}year {shown} is outside 1-9999")
            elif not -MAX_INTEGER <= item <= MAX_INTEGER:
                out.append(
                    f"{label}integer out of range (at most {MAX_INTEGER}, what JSON readers "
                    "and SQLite hold exactly)"
                )
        elif isinstance(item, PartialDate):
            if not 1 <= item.year <= 9999:
                out.append(f"{label}year {item.year} is outside 1-9999")
        elif isinstance(item, tuple | list):
            todo.extend((f"{name}[{i}]", x) for i, x in reversed(list(enumerate(item))))
        elif attrs.has(type(item)):
            prefix = f"{name}." if name else ""
            todo.extend(
                (f"{prefix}{f.name}", getattr(item, f.name))
                for f in reversed(attrs.fields(type(item)))
            )
    return out


def _clean_text(*values: object) -> bool:
    """True when :func:`publishable` certainly finds nothing in ``values``: each is
    ``None``, an enum member, a date (a :class:`PartialDate`'s year is checked when it is
    made) or text, and the text has no character it refuses (one search over it all).
    False sends the record to the full walk, which says what is wrong. The quick test for
    the facts of participations: at world scale most of the time of a validation."""
    texts = []
    for v in values:
        if type(v) is str:
            texts.append(v)
        elif not (v is None or isinstance(v, enum.Enum | dt.date | PartialDate)):
            return False
    return _BAD_TEXT.search("\n".join(texts)) is None


def problem_sort_key(p: Problem) -> tuple[str, int, str]:
    """Order problems by file, then line number, then message."""
    place = p.place or ""
    file, _, line = place.rpartition(":")
    if line.isdigit():
        return (file, int(line), p.message)
    return (place, 0, p.message)


class _Validator:
    def __init__(self, pset: PolicySet, today: dt.date) -> None:
        self.p = pset
        self.today = today
        self.problems: list[Problem] = []
        self.sources = {s.id: s for s in pset.sources}
        self.copy_ids = {s.id for s in pset.sources if s.authority is Authority.COPY}
        self.countries = {c.code for c in pset.countries}
        self.country_records = {c.code: c for c in pset.countries}
        self.instruments = {i.id: i for i in pset.instruments}

    def add(self, key: tuple[str, ...], message: str, code: C) -> None:
        place = self.p.places.get(key)
        if place is None and len(key) > 3:
            place = self.p.places.get(("participation", key[1], key[2]))
        self.problems.append(Problem(place, message, code))

    def run(self) -> None:
        self.publishable()
        self.duplicates()
        self.check_sources()
        self.check_countries()
        self.check_instruments()
        self.check_participations()
        self.check_mous()
        self.check_events()
        self.check_observations()
        self.check_reviews()
        self.check_recommendations()
        self.check_reporting()

    def publishable(self) -> None:
        """Ids in the documented character set; nothing that cannot be exported."""
        p = self.p
        keyed: list[tuple[tuple[str, ...], str, Any]] = [
            *((("source", s.id), s.id, s) for s in p.sources),
            *((("country", c.code), c.code, c) for c in p.countries),
            *((("instrument", i.id), i.id, i) for i in p.instruments),
            *((("mou", m.id), m.id, m) for m in p.mous),
            *((("event", e.id), e.id, e) for e in p.events),
            *((("observation", o.id), o.id, o) for o in p.observations),
        ]
        for key, ident, record in keyed:
            pattern = SOURCE_ID_PATTERN if key[0] == "source" else ID_PATTERN
            if not pattern.fullmatch(ident):
                shown = ident if len(ident) <= 80 else ident[:77] + "..."
                rule = "[a-z0-9._-]" if key[0] == "source" else "[A-Za-z0-9._-]"
                self.add(
                    key,
                    f"{key[0]} id {shown!r} must be 1-64 characters of {rule}, "
                    "starting with a letter or digit",
                    C.BAD_ID,
                )
            for message in publishable(record):
                self.add(key, message, C.UNPUBLISHABLE)
        for part in p.participations:
            c, i = part.country, part.instrument
            for a in part.actions:
                # an action has no URL, no integer and a valid year (PartialDate checks
                # it): only its text can be unpublishable, so one search over it all
                # settles most actions (at world scale, most of the time of a load)
                if _clean_text(a.kind, a.date, *a.sources, a.note, a.research_note):
                    continue
                for message in publishable(a):
                    self.add(
                        ("action", c, i, a.kind.value, a.date.isoformat()), message, C.UNPUBLISHABLE
                    )
            for res in part.reservations:
                if _clean_text(res.kind, res.date, *res.sources, res.text, res.research_note):
                    continue  # a kind, a date and text: only the text can be wrong
                rkey = ("action", c, i, res.kind.value, res.date.isoformat() if res.date else "")
                for message in publishable(res):
                    self.add(rkey, message, C.UNPUBLISHABLE)
            for fact, name in (
                (part.no_action, "no_action"),
                (part.entry_into_force, "entry_into_force"),
            ):
                if fact is not None and not _clean_text(
                    fact.date, *fact.sources, fact.note, fact.research_note
                ):
                    for message in publishable(fact):
                        self.add(
                            ("action", c, i, name, fact.date.isoformat()), message, C.UNPUBLISHABLE
                        )

    def duplicates(self) -> None:
        for record, ids in (
            ("country", [c.code for c in self.p.countries]),
            ("instrument", [i.id for i in self.p.instruments]),
            ("source", [s.id for s in self.p.sources]),
            ("mou", [m.id for m in self.p.mous]),
            ("event", [e.id for e in self.p.events]),
            ("observation", [o.id for o in self.p.observations]),
            ("review", [r.id for r in self.p.review_records]),
            ("recommendation", [r.id for r in self.p.recommendations]),
            ("reporting", [r.id for r in self.p.reporting]),
        ):
            for ident, n in Counter(ids).items():
                if n > 1:
                    key = (f"{record}#2", ident)
                    first = self.p.places.get((record, ident))
                    also = f" (first at {first})" if first else ""
                    place = self.p.places.get(key, first)
                    self.problems.append(
                        Problem(place, f"duplicate {record} {ident!r}{also}", C.DUPLICATE_ID)
                    )
        names: dict[str, str] = {}
        for c in self.p.countries:
            for name in {c.name, *c.names}:
                other = names.setdefault(name.casefold(), c.code)
                if other != c.code:
                    self.add(
                        ("country", c.code),
                        f"name {name!r} is used by both {other} and {c.code}",
                        C.DUPLICATE_NAME,
                    )

    def cite(self, key: tuple[str, ...], sources: Iterable[str], what: str) -> None:
        sources = tuple(sources)
        if not sources:
            self.add(key, f"{what} cites no source", C.NO_SOURCE)
        for sid in sources:
            if sid not in self.sources:
                self.add(key, f"unknown source {sid!r}", C.UNKNOWN_SOURCE)

    def dated(
        self,
        key: tuple[str, ...],
        date: dt.date,
        sources: Iterable[str],
        what: str,
        shown: str | None = None,
    ) -> None:
        """Check a date (the first day it can mean) against today and its sources."""
        text = shown or date.isoformat()
        if date > self.today:
            self.add(key, f"{what} date {text} is in the future", C.FUTURE_DATE)
        for sid in sources:
            src = self.sources.get(sid)
            if src is not None and date > src.seen:
                self.add(
                    key,
                    f"{what} date {text} is after source {sid!r} was seen ({src.seen.isoformat()})",
                    C.AFTER_SOURCE_SEEN,
                )

    def check_sources(self) -> None:
        for s in self.p.sources:
            key = ("source", s.id)
            if s.seen > self.today:
                self.add(
                    key, f"source seen date {s.seen.isoformat()} is in the future", C.FUTURE_DATE
                )
            if s.as_of is not None and s.as_of > s.seen:
                self.add(
                    key, f"source as_of {s.as_of.isoformat()} is after it was seen", C.DATE_ORDER
                )
            if not s.url.startswith(("http://", "https://")):
                # a local file is a source `load` may show but `fetch` never merges
                code = C.LOCAL_SOURCE if s.url.startswith("file:") else C.SOURCE_URL
                self.add(key, f"source url {s.url!r} must start with http:// or https://", code)

    def check_countries(self) -> None:
        for c in self.p.countries:
            key = ("country", c.code)
            if not (len(c.code) == 3 and c.code.isascii() and c.code.isupper()):
                self.add(key, f"country code {c.code!r} is not an ISO alpha-3 code", C.BAD_CODE)
            if not (len(c.alpha2) == 2 and c.alpha2.isascii() and c.alpha2.isupper()):
                self.add(key, f"alpha2 {c.alpha2!r} is not an ISO alpha-2 code", C.BAD_CODE)
            if not (len(c.m49) == 3 and c.m49.isdigit()):
                self.add(key, f"m49 {c.m49!r} is not a 3-digit code", C.BAD_CODE)
            self.cite(key, c.sources, f"country {c.code}")

    def check_instruments(self) -> None:
        for i in self.p.instruments:
            key = ("instrument", i.id)
            self.cite(key, i.sources, f"instrument {i.id}")
            if (i.open_to is not None or i.adopted is not None) and self.only_copies(i.sources):
                # its 'not applicable' and 'not yet adopted' cells cite these sources
                self.add(
                    key,
                    f"instrument {i.id}: the cells that follow from it alone (not applicable, "
                    f"not yet adopted) would rest only on copies ({', '.join(i.sources)}): "
                    "cite the original document or a second source",
                    C.ONLY_COPIES,
                )
            if i.kind is InstrumentKind.PROTOCOL and i.parent is None:
                self.add(key, f"protocol {i.id} names no parent", C.BAD_PARENT)
            if i.parent is not None:
                if i.parent not in self.instruments:
                    self.add(key, f"unknown parent instrument {i.parent!r}", C.UNKNOWN_PARENT)
                elif i.parent == i.id:
                    self.add(key, f"instrument {i.id} is its own parent", C.BAD_PARENT)
            if i.requires_parent and i.parent is None:
                self.add(key, f"requires_parent is set but {i.id} names no parent", C.BAD_PARENT)
            if i.adopted and i.entry_into_force and i.entry_into_force < i.adopted:
                self.add(
                    key, f"entry into force {i.entry_into_force} is before adoption", C.DATE_ORDER
                )

    def check_participations(self) -> None:
        seen_pairs: set[tuple[str, str]] = set()
        countries = self.countries
        instruments = self.instruments
        seen = {sid: s.seen for sid, s in self.sources.items()}
        for part in self.p.participations:
            c, i = part.country, part.instrument
            pkey = ("participation", c, i)
            if (c, i) in seen_pairs:
                self.add(pkey, f"duplicate participation {c} x {i}", C.DUPLICATE_PARTICIPATION)
            seen_pairs.add((c, i))
            if c not in countries:
                self.add(pkey, f"unknown country {c!r}", C.UNKNOWN_COUNTRY)
            inst = instruments.get(i)
            if inst is None:
                self.add(pkey, f"unknown instrument {i!r}", C.UNKNOWN_INSTRUMENT)
            elif c in countries and not inst.open_for(self.country_records[c]):
                assert inst.open_to is not None
                self.add(
                    pkey,
                    f"{i} is open only to {inst.open_to.value} members and {c} is not one: "
                    "its status is 'not applicable', remove this row",
                    C.NOT_APPLICABLE,
                )
            duplicates = self.duplicate_actions(part)
            for action in duplicates:
                self.add(
                    ("action", c, i, action.kind.value, str(action.date)),
                    f"duplicate {action.kind.value} of {i} by {c} on {action.date}",
                    C.DUPLICATE_ACTION,
                )
            self.actions(part, inst.adopted if inst is not None else None, seen)
            self.order(part, duplicates)
            for fact, name in (
                (part.no_action, "no_action"),
                (part.entry_into_force, "entry_into_force"),
            ):
                if fact is None:
                    continue
                fkey = ("action", c, i, name, fact.date.isoformat())
                self.cite(fkey, fact.sources, f"{name} of {c} x {i}")
                self.dated(fkey, fact.date, fact.sources, name)
            for res in part.reservations:
                rkey = ("action", c, i, res.kind.value, res.date.isoformat() if res.date else "")
                self.cite(rkey, res.sources, f"{res.kind.value} of {c} on {i}")
            if part.no_action is not None:
                early = [a for a in part.actions if a.date.latest() <= part.no_action.date]
                if early:
                    a = early[0]
                    self.add(
                        ("action", c, i, "no_action", part.no_action.date.isoformat()),
                        f"no_action as of {part.no_action.date.isoformat()} contradicts the "
                        f"{a.kind.value} on {a.date}",
                        C.CONTRADICTS_NO_ACTION,
                    )
            self.facts(part, inst)
            self.copies(part)
            if inst is not None and inst.requires_parent:
                self.parent(part, inst)

    def actions(
        self, part: Participation, adopted: dt.date | None, seen: dict[str, dt.date]
    ) -> None:
        """Each action's sources and date: cited, not in the future, not after its sources
        were seen, not before the instrument was adopted (checked in full only when the
        quick test fails: this runs for every action of every dataset)."""
        c, i, today = part.country, part.instrument, self.today
        for action in part.actions:
            date = action.date.earliest()
            srcs = action.sources
            end = action.date.latest()
            ok = bool(srcs) and date <= today and (adopted is None or end >= adopted)
            if ok:
                for sid in srcs:
                    when = seen.get(sid)
                    if when is None or date > when:
                        ok = False
                        break
            if ok:
                continue
            akey = ("action", c, i, action.kind.value, str(action.date))
            self.cite(akey, srcs, f"{action.kind.value} of {i} by {c}")
            self.dated(akey, date, srcs, action.kind.value, str(action.date))
            if adopted is not None and end < adopted:
                self.add(
                    akey,
                    f"{action.kind.value} on {action.date} is before {i} "
                    f"was adopted ({adopted.isoformat()})",
                    C.BEFORE_ADOPTION,
                )

    def facts(self, part: Participation, inst: Instrument | None) -> None:
        """Entry into force, no-action dates and signatures against the rest of the record."""
        c, i = part.country, part.instrument
        eif = part.entry_into_force
        if eif is not None:
            ekey = ("action", c, i, "entry_into_force", eif.date.isoformat())
            if part.no_action is not None and eif.date <= part.no_action.date:
                self.add(
                    ekey,
                    f"entry_into_force on {eif.date.isoformat()} contradicts no_action as of "
                    f"{part.no_action.date.isoformat()}",
                    C.CONTRADICTS_NO_ACTION,
                )
            if inst is not None and inst.entry_into_force and eif.date < inst.entry_into_force:
                self.add(
                    ekey,
                    f"entry_into_force for {c} on {eif.date.isoformat()} is before {i} itself "
                    f"entered into force ({inst.entry_into_force.isoformat()})",
                    C.DATE_ORDER,
                )
            consents = [a for a in part.actions if a.kind.is_consent]
            if consents and eif.date < consents[0].date.earliest():
                self.add(
                    ekey,
                    f"entry_into_force on {eif.date.isoformat()} is before the "
                    f"{consents[0].kind.value} on {consents[0].date}",
                    C.DATE_ORDER,
                )
        if part.no_action is not None:
            srcs = [self.sources[s] for s in part.no_action.sources if s in self.sources]
            bounds = [s.as_of or s.seen for s in srcs]
            if bounds and part.no_action.date > max(bounds):
                self.add(
                    ("action", c, i, "no_action", part.no_action.date.isoformat()),
                    f"no_action as of {part.no_action.date.isoformat()} is later than its "
                    f"sources are current to ({max(bounds).isoformat()})",
                    C.AFTER_SOURCE_CURRENT,
                )
        if inst is not None and inst.body is Body.ILO:
            for a in part.actions:
                if a.kind is ActionKind.SIGNATURE:
                    self.add(
                        ("action", c, i, a.kind.value, str(a.date)),
                        f"signature of {i} by {c}: ILO conventions are not signed, they are "
                        "ratified",
                        C.ILO_SIGNATURE,
                    )

    @staticmethod
    def duplicate_actions(part: Participation) -> list[Action]:
        """The actions that record again an event recorded before them: the same kind on
        dates that can mean the same day, however precise ("1999-01-05" and "1999", or
        "1999-01" and "1999", are one event recorded twice)."""
        out: list[Action] = []
        kept: list[Action] = []
        for action in part.actions:
            if any(action.same_event(k) for k in kept):
                out.append(action)
            else:
                kept.append(action)
        return out

    def only_copies(self, ids: tuple[str, ...]) -> bool:
        """True when every one of ``ids`` is a known source labelled ``copy``."""
        copy_ids = self.copy_ids
        return bool(ids) and all(s in copy_ids for s in ids)

    def copies(self, part: Participation) -> None:
        """No state a cell can show may rest on ``copy`` sources alone: each first action
        (the cell's sources accumulate, so only a first fact can stand alone), a
        ``no_action`` and an entry into force with no action recorded."""
        if not self.copy_ids:
            return  # no source is a copy
        c, i = part.country, part.instrument
        facts: list[tuple[str, PartialDate | dt.date, tuple[str, ...]]] = []
        if part.actions:
            a = part.actions[0]
            facts.append((a.kind.value, a.date, a.sources))
        else:
            for name, fact in (
                ("no_action", part.no_action),
                ("entry_into_force", part.entry_into_force),
            ):
                if fact is not None:
                    facts.append((name, fact.date, fact.sources))
        if part.actions and part.no_action is not None:
            facts.append(("no_action", part.no_action.date, part.no_action.sources))
        for name, date, ids in facts:
            if self.only_copies(ids):
                iso = shown = date.isoformat()
                self.add(
                    ("action", c, i, name, iso),
                    f"participation {c} x {i}: the {name} on {shown} rests only on copies "
                    f"({', '.join(ids)}): cite the original document or a second source, "
                    "or leave the cell unknown",
                    C.ONLY_COPIES,
                )

    def order(self, part: Participation, duplicates: list[Action]) -> None:
        c, i = part.country, part.instrument
        bound = False
        bound_end: dt.date | None = None  # last day the consent can have been given on
        signed = False
        for a in part.actions:
            kind = a.kind
            if any(a is d for d in duplicates):
                continue  # reported once, as a duplicate
            if kind is ActionKind.SIGNATURE:
                # A consent known only to the year may have come after a signature dated
                # within that year: only a signature certainly later is out of order.
                if bound and bound_end is not None and a.date.earliest() > bound_end:
                    self.add(
                        ("action", c, i, kind.value, str(a.date)),
                        f"signature of {i} by {c} on {a.date} comes after its consent to be bound",
                        C.ACTION_ORDER,
                    )
                elif signed:
                    self.add(
                        ("action", c, i, kind.value, str(a.date)),
                        f"second signature of {i} by {c} on {a.date}",
                        C.ACTION_ORDER,
                    )
                signed = True
            elif kind in CONSENT_ACTIONS:
                if bound:
                    self.add(
                        ("action", c, i, kind.value, str(a.date)),
                        f"{kind.value} of {i} by {c} on {a.date}: already bound "
                        "(no denunciation or withdrawal in between)",
                        C.ACTION_ORDER,
                    )
                bound = True
                bound_end = a.date.latest()
            elif kind is ActionKind.DENUNCIATION or kind is ActionKind.WITHDRAWAL:
                if not bound and not (kind is ActionKind.WITHDRAWAL and signed):
                    self.add(
                        ("action", c, i, kind.value, str(a.date)),
                        f"{kind.value} of {i} by {c} on {a.date} with no earlier "
                        "ratification, accession or succession",
                        C.ACTION_ORDER,
                    )
                bound = False

    def parent(self, part: Participation, inst: Instrument) -> None:
        if not inst.requires_parent or inst.parent is None:
            return
        if part.country not in self.countries or inst.parent not in self.instruments:
            return  # reported as unknown elsewhere (or left out with a record that failed)
        parent = self.p.participation(part.country, inst.parent)
        for a in part.actions:
            if not a.kind.is_consent:
                continue
            # An unrecorded parent is unknown, not a contradiction; a parent recorded as
            # not party at that date is.
            ok = parent is None or self.p.status(
                part.country, inst.parent, a.date.latest()
            ).kind in (
                StatusKind.PARTY,
                StatusKind.UNKNOWN,
            )
            if not ok:
                self.add(
                    ("action", part.country, part.instrument, a.kind.value, str(a.date)),
                    f"{part.country} became party to {inst.id} on {a.date} "
                    f"without being party to {inst.parent}",
                    C.PARENT_NOT_PARTY,
                )

    def check_mous(self) -> None:
        ids = {m.id for m in self.p.mous}
        for m in self.p.mous:
            key = ("mou", m.id)
            self.cite(key, m.sources, f"MOU {m.id}")
            if len(m.parties) < 2 and m.kind.value != "other":
                self.add(key, f"MOU {m.id} has fewer than two parties", C.TOO_FEW_PARTIES)
            for party in m.parties:
                if party not in self.countries:
                    self.add(key, f"unknown country {party!r}", C.UNKNOWN_COUNTRY)
            for field, refs in (("supersedes", m.supersedes), ("amends", m.amends)):
                for ref in refs:
                    if ref == m.id:
                        self.add(key, f"MOU {m.id} {field} itself", C.SELF_REFERENCE)
                    elif ref not in ids:
                        self.add(key, f"MOU {m.id} {field} unknown MOU {ref!r}", C.UNKNOWN_MOU)
            if m.signed is not None and m.signed.earliest() > self.today:
                self.add(key, f"MOU {m.id} signed date {m.signed} is in the future", C.FUTURE_DATE)
            for field, value in (("entry_into_force", m.entry_into_force), ("expiry", m.expiry)):
                if (
                    value is not None
                    and m.signed is not None
                    and (value.latest() < m.signed.earliest())
                ):
                    self.add(
                        key, f"MOU {m.id} {field} {value} is before it was signed", C.DATE_ORDER
                    )

    def check_events(self) -> None:
        for e in self.p.events:
            key = ("event", e.id)
            self.cite(key, e.sources, f"event {e.id}")
            if e.country is not None and e.country not in self.countries:
                self.add(key, f"unknown country {e.country!r}", C.UNKNOWN_COUNTRY)
            if e.end is not None and e.end.latest() < e.start.earliest():
                self.add(
                    key, f"event {e.id} ends ({e.end}) before it starts ({e.start})", C.DATE_ORDER
                )
            if e.edition is not None and e.edition < 1:
                self.add(key, f"event {e.id} edition must be 1 or more", C.BAD_EDITION)

    def check_observations(self) -> None:
        for o in self.p.observations:
            key = ("observation", o.id)
            self.cite(key, o.sources, f"observation {o.id}")
            if o.country not in self.countries:
                self.add(key, f"unknown country {o.country!r}", C.UNKNOWN_COUNTRY)
            if o.instrument is not None and o.instrument not in self.instruments:
                self.add(key, f"unknown instrument {o.instrument!r}", C.UNKNOWN_INSTRUMENT)
            if (
                o.adopted_year is not None
                and o.published_year is not None
                and o.published_year < o.adopted_year
            ):
                self.add(key, f"observation {o.id} published before it was adopted", C.DATE_ORDER)
            for year in (o.adopted_year, o.published_year):
                if year is not None and year > self.today.year:
                    self.add(key, f"observation {o.id} year {year} is in the future", C.FUTURE_DATE)

    # -- reviews, recommendations, reporting ---------------------------------------------

    def check_reviews(self) -> None:
        observations = {o.id: o for o in self.p.observations}
        firsts: dict[tuple[str, str, str], str] = {}
        fields = {a.name for a in attrs.fields(Review)}
        for r in self.p.review_records:
            key = ("review", r.id)
            self.cite(key, r.sources, f"review {r.id}")
            for field, ids in r.field_sources:
                if field not in fields or field in ("id", "sources", "field_sources"):
                    self.add(key, f"field_sources names unknown field {field!r}", C.INVALID_FIELD)
                self.cite(key, ids, f"review {r.id} {field}")
            if r.country not in self.countries:
                self.add(key, f"unknown country {r.country!r}", C.UNKNOWN_COUNTRY)
            if r.mechanism is Mechanism.UPR:
                if r.cycle is not None and not 1 <= r.cycle <= 4:
                    self.add(key, f"UPR cycle {r.cycle} is outside 1-4", C.BAD_CYCLE)
            else:
                if r.cycle is not None:
                    self.add(
                        key,
                        f"cycle {r.cycle} given for a {r.mechanism.value} review: "
                        "cycles are for UPR reviews only",
                        C.WRONG_MECHANISM,
                    )
                if r.recommendations is not None:
                    self.add(
                        key,
                        f"recommendation counts given for a {r.mechanism.value} "
                        "review: they are for UPR reviews only",
                        C.WRONG_MECHANISM,
                    )
            self.symbol(key, r)
            if r.observation is not None:
                obs = observations.get(r.observation)
                if obs is None:
                    self.add(key, f"unknown observation {r.observation!r}", C.UNKNOWN_OBSERVATION)
                elif obs.country != r.country:
                    self.add(
                        key,
                        f"observation {r.observation!r} is addressed to "
                        f"{obs.country}, not {r.country}",
                        C.UNKNOWN_OBSERVATION,
                    )
            if r.start is not None and r.end is not None and r.end.latest() < r.start.earliest():
                self.add(
                    key, f"review {r.id} ends ({r.end}) before it starts ({r.start})", C.DATE_ORDER
                )
            self.civil_society_deadline(key, r)
            if (
                r.status is ReviewStatus.HELD
                and r.start is not None
                and r.start.earliest() > self.today
            ):
                self.add(
                    key,
                    f"review {r.id} is marked held but starts in the future ({r.start})",
                    C.FUTURE_DATE,
                )
            self.party_before(key, r)
            # one review per country, mechanism and UPR cycle; for a treaty body, per start
            # date and report (the CRC reviews a protocol's report in the same meeting)
            if r.mechanism is Mechanism.UPR and r.cycle is not None:
                slot, what = f"cycle {r.cycle}", f"UPR cycle {r.cycle} of {r.country}"
            elif r.start is not None:
                report = r.report or r.outcome_symbol or ""
                slot = f"start {r.start} {report.casefold()}"
                what = f"{r.mechanism.value} review of {r.country} starting {r.start}"
                if report:
                    what += f" ({report})"
            else:
                continue
            first = firsts.setdefault((r.country, r.mechanism.value, slot), r.id)
            if first != r.id:
                where = self.p.places.get(("review", first))
                also = f" (first at {where})" if where else f" (first: {first})"
                self.add(key, f"duplicate review: {what}{also}", C.DUPLICATE_REVIEW)

    def civil_society_deadline(self, key: tuple[str, ...], r: Review) -> None:
        """A civil-society deadline cites its own source and is not after the review
        starts (as far as partial dates tell)."""
        deadline = r.civil_society_deadline
        if deadline is None:
            return
        if not any(field == "civil_society_deadline" for field, _ in r.field_sources):
            self.add(
                key,
                f"review {r.id}: civil_society_deadline {deadline} has no source of its own "
                "(name it in field_sources)",
                C.NO_SOURCE,
            )
        if r.start is not None and deadline.earliest() > r.start.latest():
            self.add(
                key,
                f"review {r.id}: civil-society deadline {deadline} is after the review "
                f"starts ({r.start})",
                C.DATE_ORDER,
            )

    def symbol(self, key: tuple[str, ...], r: Review) -> None:
        prefixes = OUTCOME_SYMBOL_PREFIXES.get(r.mechanism)
        if r.outcome_symbol is None or prefixes is None:
            return
        if not r.outcome_symbol.startswith(prefixes):
            expected = " or ".join(p + "..." for p in prefixes)
            self.add(
                key,
                f"outcome symbol {r.outcome_symbol!r} does not fit "
                f"{r.mechanism.value} (expected {expected})",
                C.BAD_SYMBOL,
            )

    def party_before(self, key: tuple[str, ...], r: Review) -> None:
        """A treaty-body review dated before the state became party to the treaty (or,
        for the CRC, to the CRC or one of its protocols)."""
        ident = MECHANISM_INSTRUMENTS.get(r.mechanism)
        if ident is None or r.start is None or r.status is not ReviewStatus.HELD:
            return
        family = [ident] + [
            i.id for i in self.p.instruments if r.mechanism is Mechanism.CRC and i.parent == ident
        ]
        consents = [
            a
            for inst in family
            if (part := self.p.participation(r.country, inst)) is not None
            for a in part.actions
            if a.kind.is_consent
        ]
        if not consents:
            return  # not recorded: unknown, not a contradiction
        first = min(consents, key=lambda a: a.date.earliest())
        if r.start.latest() < first.date.earliest():
            self.add(
                key,
                f"{r.mechanism.value} review of {r.country} on {r.start} is before "
                f"{r.country} became party to {ident} ({first.date})",
                C.BEFORE_PARTY,
            )

    def check_recommendations(self) -> None:
        reviews = {r.id: r for r in self.p.review_records}
        for rec in self.p.recommendations:
            key = ("recommendation", rec.id)
            self.cite(key, rec.sources, f"recommendation {rec.id}")
            review = reviews.get(rec.review)
            if review is None:
                self.add(key, f"unknown review {rec.review!r}", C.UNKNOWN_REVIEW)
            elif review.mechanism is not Mechanism.UPR:
                self.add(
                    key,
                    f"review {rec.review!r} is a {review.mechanism.value} review: "
                    "recommendations are recorded for UPR reviews only",
                    C.WRONG_MECHANISM,
                )
            if rec.response is None:
                self.add(
                    key,
                    f"recommendation {rec.id} has no response (supported, noted, or pending "
                    "where the Working Group report defers it)",
                    C.MISSING_RESPONSE,
                )
            if not rec.recommending:
                self.add(
                    key, f"recommendation {rec.id} names no recommending state", C.MISSING_VALUE
                )
            for code in rec.recommending:
                if code not in self.countries:
                    self.add(key, f"unknown country {code!r}", C.UNKNOWN_COUNTRY)
            for tag in rec.tags:
                if tag not in RECOMMENDATION_TAGS:
                    self.add(
                        key,
                        f"unknown tag {tag!r} (one of: {', '.join(sorted(RECOMMENDATION_TAGS))})",
                        C.UNKNOWN_TAG,
                    )
            for ident in rec.instruments:
                if ident not in self.instruments:
                    self.add(key, f"unknown instrument {ident!r}", C.UNKNOWN_INSTRUMENT)

    def check_reporting(self) -> None:
        for row in self.p.reporting:
            key = ("reporting", row.id)
            what = f"reporting row {row.country} {row.mechanism.value} {row.report!r}"
            self.cite(key, row.sources, what)
            if row.country not in self.countries:
                self.add(key, f"unknown country {row.country!r}", C.UNKNOWN_COUNTRY)
            if row.as_of > self.today:
                self.add(key, f"as_of {row.as_of.isoformat()} is in the future", C.FUTURE_DATE)
            if row.submitted is not None and row.submitted.earliest() > row.as_of:
                self.add(
                    key,
                    f"submitted {row.submitted} is after as_of {row.as_of.isoformat()}",
                    C.DATE_ORDER,
                )
            for sid in row.sources:
                src = self.sources.get(sid)
                if src is not None and row.as_of > (src.as_of or src.seen):
                    self.add(
                        key,
                        f"as_of {row.as_of.isoformat()} is later than source "
                        f"{sid!r} is current to ({(src.as_of or src.seen).isoformat()})",
                        C.AFTER_SOURCE_CURRENT,
                    )
