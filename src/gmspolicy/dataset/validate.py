"""The one validation pass run when a :class:`~gmspolicy.query.policyset.PolicySet` is built.

It reports every problem at once, each with the place the record was read from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gmspolicy.errors import Problem
from gmspolicy.models import (
    CONSENT_ACTIONS,
    ActionKind,
    Authority,
    Body,
    Instrument,
    InstrumentKind,
    Participation,
    StatusKind,
)

if TYPE_CHECKING:
    from gmspolicy.query.policyset import PolicySet


def validate(pset: PolicySet, today: dt.date | None = None) -> list[Problem]:
    """Every problem in ``pset``, sorted by place."""
    v = _Validator(pset, today or dt.date.today())
    v.run()
    return sorted(set(v.problems), key=problem_sort_key)


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
        self.countries = {c.code for c in pset.countries}
        self.country_records = {c.code: c for c in pset.countries}
        self.instruments = {i.id: i for i in pset.instruments}

    def add(self, key: tuple[str, ...], message: str) -> None:
        place = self.p.places.get(key)
        if place is None and len(key) > 3:
            place = self.p.places.get(("participation", key[1], key[2]))
        self.problems.append(Problem(place, message))

    def run(self) -> None:
        self.duplicates()
        self.check_sources()
        self.check_countries()
        self.check_instruments()
        self.check_participations()
        self.check_mous()
        self.check_events()
        self.check_observations()

    def duplicates(self) -> None:
        for record, ids in (
            ("country", [c.code for c in self.p.countries]),
            ("instrument", [i.id for i in self.p.instruments]),
            ("source", [s.id for s in self.p.sources]),
            ("mou", [m.id for m in self.p.mous]),
            ("event", [e.id for e in self.p.events]),
            ("observation", [o.id for o in self.p.observations]),
        ):
            for ident, n in Counter(ids).items():
                if n > 1:
                    key = (f"{record}#2", ident)
                    first = self.p.places.get((record, ident))
                    also = f" (first at {first})" if first else ""
                    place = self.p.places.get(key, first)
                    self.problems.append(Problem(place, f"duplicate {record} {ident!r}{also}"))
        names: dict[str, str] = {}
        for c in self.p.countries:
            for name in {c.name, *c.names}:
                other = names.setdefault(name.casefold(), c.code)
                if other != c.code:
                    self.add(
                        ("country", c.code),
                        f"name {name!r} is used by both {other} and {c.code}",
                    )

    def cite(self, key: tuple[str, ...], sources: Iterable[str], what: str) -> None:
        sources = tuple(sources)
        if not sources:
            self.add(key, f"{what} cites no source")
        for sid in sources:
            if sid not in self.sources:
                self.add(key, f"unknown source {sid!r}")

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
            self.add(key, f"{what} date {text} is in the future")
        for sid in sources:
            src = self.sources.get(sid)
            if src is not None and date > src.seen:
                self.add(
                    key,
                    f"{what} date {text} is after source {sid!r} was seen "
                    f"({src.seen.isoformat()})",
                )

    def check_sources(self) -> None:
        for s in self.p.sources:
            key = ("source", s.id)
            if s.seen > self.today:
                self.add(key, f"source seen date {s.seen.isoformat()} is in the future")
            if s.as_of is not None and s.as_of > s.seen:
                self.add(key, f"source as_of {s.as_of.isoformat()} is after it was seen")
            if not s.url.startswith(("http://", "https://")):
                self.add(key, f"source url {s.url!r} must start with http:// or https://")

    def check_countries(self) -> None:
        for c in self.p.countries:
            key = ("country", c.code)
            if not (len(c.code) == 3 and c.code.isascii() and c.code.isupper()):
                self.add(key, f"country code {c.code!r} is not an ISO alpha-3 code")
            if not (len(c.alpha2) == 2 and c.alpha2.isascii() and c.alpha2.isupper()):
                self.add(key, f"alpha2 {c.alpha2!r} is not an ISO alpha-2 code")
            if not (len(c.m49) == 3 and c.m49.isdigit()):
                self.add(key, f"m49 {c.m49!r} is not a 3-digit code")
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
                )
            if i.kind is InstrumentKind.PROTOCOL and i.parent is None:
                self.add(key, f"protocol {i.id} names no parent")
            if i.parent is not None:
                if i.parent not in self.instruments:
                    self.add(key, f"unknown parent instrument {i.parent!r}")
                elif i.parent == i.id:
                    self.add(key, f"instrument {i.id} is its own parent")
            if i.requires_parent and i.parent is None:
                self.add(key, f"requires_parent is set but {i.id} names no parent")
            if i.adopted and i.entry_into_force and i.entry_into_force < i.adopted:
                self.add(key, f"entry into force {i.entry_into_force} is before adoption")

    def check_participations(self) -> None:
        seen_pairs: set[tuple[str, str]] = set()
        countries = self.countries
        instruments = self.instruments
        seen = {sid: s.seen for sid, s in self.sources.items()}
        today = self.today
        for part in self.p.participations:
            c, i = part.country, part.instrument
            pkey = ("participation", c, i)
            if (c, i) in seen_pairs:
                self.add(pkey, f"duplicate participation {c} x {i}")
            seen_pairs.add((c, i))
            if c not in countries:
                self.add(pkey, f"unknown country {c!r}")
            inst = instruments.get(i)
            if inst is None:
                self.add(pkey, f"unknown instrument {i!r}")
            elif c in countries and not inst.open_for(self.country_records[c]):
                assert inst.open_to is not None
                self.add(
                    pkey,
                    f"{i} is open only to {inst.open_to.value} members and {c} is not one: "
                    "its status is 'not applicable', remove this row",
                )
            adopted = inst.adopted if inst is not None else None
            seen_kinds: set[tuple[ActionKind, dt.date]] = set()
            for action in part.actions:
                date = action.date
                # The same kind on the same (first) day twice, however precise: one event
                # recorded twice ("1999-01" and "1999" both start on 1999-01-01).
                if (action.kind, date) in seen_kinds:
                    self.add(
                        ("action", c, i, action.kind.value, date.isoformat()),
                        f"duplicate {action.kind.value} of {i} by {c} on {action.when}",
                    )
                seen_kinds.add((action.kind, date))
                srcs = action.sources
                end = action.end
                ok = bool(srcs) and date <= today and (adopted is None or end >= adopted)
                if ok:
                    for sid in srcs:
                        when = seen.get(sid)
                        if when is None or date > when:
                            ok = False
                            break
                if ok:
                    continue
                akey = ("action", c, i, action.kind.value, date.isoformat())
                self.cite(akey, srcs, f"{action.kind.value} of {i} by {c}")
                self.dated(akey, date, srcs, action.kind.value, action.when)
                if adopted is not None and end < adopted:
                    self.add(
                        akey,
                        f"{action.kind.value} on {action.when} is before {i} "
                        f"was adopted ({adopted.isoformat()})",
                    )
            self.order(part)
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
                early = [a for a in part.actions if a.end <= part.no_action.date]
                if early:
                    a = early[0]
                    self.add(
                        ("action", c, i, "no_action", part.no_action.date.isoformat()),
                        f"no_action as of {part.no_action.date.isoformat()} contradicts the "
                        f"{a.kind.value} on {a.when}",
                    )
            self.facts(part, inst)
            self.copies(part)
            if inst is not None and inst.requires_parent:
                self.parent(part, inst)

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
                )
            if inst is not None and inst.entry_into_force and eif.date < inst.entry_into_force:
                self.add(
                    ekey,
                    f"entry_into_force for {c} on {eif.date.isoformat()} is before {i} itself "
                    f"entered into force ({inst.entry_into_force.isoformat()})",
                )
            consents = [a for a in part.actions if a.kind.is_consent]
            if consents and eif.date < consents[0].date:
                self.add(
                    ekey,
                    f"entry_into_force on {eif.date.isoformat()} is before the "
                    f"{consents[0].kind.value} on {consents[0].when}",
                )
        if part.no_action is not None:
            srcs = [self.sources[s] for s in part.no_action.sources if s in self.sources]
            bounds = [s.as_of or s.seen for s in srcs]
            if bounds and part.no_action.date > max(bounds):
                self.add(
                    ("action", c, i, "no_action", part.no_action.date.isoformat()),
                    f"no_action as of {part.no_action.date.isoformat()} is later than its "
                    f"sources are current to ({max(bounds).isoformat()})",
                )
        if inst is not None and inst.body is Body.ILO:
            for a in part.actions:
                if a.kind is ActionKind.SIGNATURE:
                    self.add(
                        ("action", c, i, a.kind.value, a.date.isoformat()),
                        f"signature of {i} by {c}: ILO conventions are not signed, they are "
                        "ratified",
                    )

    def only_copies(self, ids: tuple[str, ...]) -> bool:
        """True when every one of ``ids`` is a known source labelled ``copy``."""
        srcs = self.sources
        known = [srcs[s] for s in ids if s in srcs]
        return bool(known) and len(known) == len(ids) and all(
            s.authority is Authority.COPY for s in known
        )

    def copies(self, part: Participation) -> None:
        """No state a cell can show may rest on ``copy`` sources alone: each first action
        (the cell's sources accumulate, so only a first fact can stand alone), a
        ``no_action`` and an entry into force with no action recorded."""
        c, i = part.country, part.instrument
        facts: list[tuple[str, str, str, tuple[str, ...]]] = []
        if part.actions:
            a = part.actions[0]
            facts.append((a.kind.value, a.date.isoformat(), a.when, a.sources))
        else:
            for name, fact in (
                ("no_action", part.no_action),
                ("entry_into_force", part.entry_into_force),
            ):
                if fact is not None:
                    iso = fact.date.isoformat()
                    facts.append((name, iso, iso, fact.sources))
        if part.actions and part.no_action is not None:
            iso = part.no_action.date.isoformat()
            facts.append(("no_action", iso, iso, part.no_action.sources))
        for name, iso, shown, ids in facts:
            if self.only_copies(ids):
                self.add(
                    ("action", c, i, name, iso),
                    f"participation {c} x {i}: the {name} on {shown} rests only on copies "
                    f"({', '.join(ids)}): cite the original document or a second source, "
                    "or leave the cell unknown",
                )

    def order(self, part: Participation) -> None:
        c, i = part.country, part.instrument
        bound = False
        bound_end: dt.date | None = None  # last day the consent can have been given on
        signed = False
        for a in part.actions:
            kind = a.kind
            if kind is ActionKind.SIGNATURE:
                # A consent known only to the year may have come after a signature dated
                # within that year: only a signature certainly later is out of order.
                if bound and bound_end is not None and a.date > bound_end:
                    self.add(
                        ("action", c, i, kind.value, a.date.isoformat()),
                        f"signature of {i} by {c} on {a.when} comes after its consent to be bound",
                    )
                elif signed:
                    self.add(
                        ("action", c, i, kind.value, a.date.isoformat()),
                        f"second signature of {i} by {c} on {a.when}",
                    )
                signed = True
            elif kind in CONSENT_ACTIONS:
                if bound:
                    self.add(
                        ("action", c, i, kind.value, a.date.isoformat()),
                        f"{kind.value} of {i} by {c} on {a.when}: already bound "
                        "(no denunciation or withdrawal in between)",
                    )
                bound = True
                bound_end = a.end
            elif kind is ActionKind.DENUNCIATION or kind is ActionKind.WITHDRAWAL:
                if not bound and not (kind is ActionKind.WITHDRAWAL and signed):
                    self.add(
                        ("action", c, i, kind.value, a.date.isoformat()),
                        f"{kind.value} of {i} by {c} on {a.when} with no earlier "
                        "ratification, accession or succession",
                    )
                bound = False

    def parent(self, part: Participation, inst: Instrument) -> None:
        if not inst.requires_parent or inst.parent is None:
            return
        parent = self.p.participation(part.country, inst.parent)
        for a in part.actions:
            if not a.kind.is_consent:
                continue
            # An unrecorded parent is unknown, not a contradiction; a parent recorded as
            # not party at that date is.
            ok = parent is None or self.p.status(part.country, inst.parent, a.end).kind in (
                StatusKind.PARTY,
                StatusKind.UNKNOWN,
            )
            if not ok:
                self.add(
                    ("action", part.country, part.instrument, a.kind.value, a.date.isoformat()),
                    f"{part.country} became party to {inst.id} on {a.when} "
                    f"without being party to {inst.parent}",
                )

    def check_mous(self) -> None:
        ids = {m.id for m in self.p.mous}
        for m in self.p.mous:
            key = ("mou", m.id)
            self.cite(key, m.sources, f"MOU {m.id}")
            if len(m.parties) < 2 and m.kind.value != "other":
                self.add(key, f"MOU {m.id} has fewer than two parties")
            for party in m.parties:
                if party not in self.countries:
                    self.add(key, f"unknown country {party!r}")
            for field, refs in (("supersedes", m.supersedes), ("amends", m.amends)):
                for ref in refs:
                    if ref == m.id:
                        self.add(key, f"MOU {m.id} {field} itself")
                    elif ref not in ids:
                        self.add(key, f"MOU {m.id} {field} unknown MOU {ref!r}")
            if m.signed is not None and m.signed.earliest() > self.today:
                self.add(key, f"MOU {m.id} signed date {m.signed} is in the future")
            for field, value in (("entry_into_force", m.entry_into_force), ("expiry", m.expiry)):
                if (
                    value is not None
                    and m.signed is not None
                    and (value.latest() < m.signed.earliest())
                ):
                    self.add(key, f"MOU {m.id} {field} {value} is before it was signed")

    def check_events(self) -> None:
        for e in self.p.events:
            key = ("event", e.id)
            self.cite(key, e.sources, f"event {e.id}")
            if e.country is not None and e.country not in self.countries:
                self.add(key, f"unknown country {e.country!r}")
            if e.end is not None and e.end.latest() < e.start.earliest():
                self.add(key, f"event {e.id} ends ({e.end}) before it starts ({e.start})")
            if e.edition is not None and e.edition < 1:
                self.add(key, f"event {e.id} edition must be 1 or more")

    def check_observations(self) -> None:
        for o in self.p.observations:
            key = ("observation", o.id)
            self.cite(key, o.sources, f"observation {o.id}")
            if o.country not in self.countries:
                self.add(key, f"unknown country {o.country!r}")
            if o.instrument is not None and o.instrument not in self.instruments:
                self.add(key, f"unknown instrument {o.instrument!r}")
            if (
                o.adopted_year is not None
                and o.published_year is not None
                and o.published_year < o.adopted_year
            ):
                self.add(key, f"observation {o.id} published before it was adopted")
            for year in (o.adopted_year, o.published_year):
                if year is not None and year > self.today.year:
                    self.add(key, f"observation {o.id} year {year} is in the future")
