"""The one validation pass run when a :class:`~gmspolicy.query.policyset.PolicySet` is built.

It reports every problem at once, each with the place the record was read from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from gmspolicy.errors import Problem
from gmspolicy.models import (
    CONSENT_ACTIONS,
    MECHANISM_INSTRUMENTS,
    OUTCOME_SYMBOL_PREFIXES,
    RECOMMENDATION_TAGS,
    ActionKind,
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
        self.check_reviews()
        self.check_recommendations()
        self.check_reporting()

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
                    self.add(key, f"field_sources names unknown field {field!r}")
                self.cite(key, ids, f"review {r.id} {field}")
            if r.country not in self.countries:
                self.add(key, f"unknown country {r.country!r}")
            if r.mechanism is Mechanism.UPR:
                if r.cycle is not None and not 1 <= r.cycle <= 4:
                    self.add(key, f"UPR cycle {r.cycle} is outside 1-4")
            else:
                if r.cycle is not None:
                    self.add(key, f"cycle {r.cycle} given for a {r.mechanism.value} review: "
                             "cycles are for UPR reviews only")
                if r.recommendations is not None:
                    self.add(key, f"recommendation counts given for a {r.mechanism.value} "
                             "review: they are for UPR reviews only")
            self.symbol(key, r)
            if r.observation is not None:
                obs = observations.get(r.observation)
                if obs is None:
                    self.add(key, f"unknown observation {r.observation!r}")
                elif obs.country != r.country:
                    self.add(key, f"observation {r.observation!r} is addressed to "
                             f"{obs.country}, not {r.country}")
            if r.start is not None and r.end is not None and r.end.latest() < r.start.earliest():
                self.add(key, f"review {r.id} ends ({r.end}) before it starts ({r.start})")
            if (
                r.status is ReviewStatus.HELD
                and r.start is not None
                and r.start.earliest() > self.today
            ):
                self.add(key, f"review {r.id} is marked held but starts in the future "
                         f"({r.start})")
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
                self.add(key, f"duplicate review: {what}{also}")

    def symbol(self, key: tuple[str, ...], r: Review) -> None:
        prefixes = OUTCOME_SYMBOL_PREFIXES.get(r.mechanism)
        if r.outcome_symbol is None or prefixes is None:
            return
        if not r.outcome_symbol.startswith(prefixes):
            expected = " or ".join(p + "..." for p in prefixes)
            self.add(key, f"outcome symbol {r.outcome_symbol!r} does not fit "
                     f"{r.mechanism.value} (expected {expected})")

    def party_before(self, key: tuple[str, ...], r: Review) -> None:
        """A treaty-body review dated before the state became party to the treaty (or,
        for the CRC, to the CRC or one of its protocols)."""
        ident = MECHANISM_INSTRUMENTS.get(r.mechanism)
        if ident is None or r.start is None or r.status is not ReviewStatus.HELD:
            return
        family = [ident] + [
            i.id for i in self.p.instruments
            if r.mechanism is Mechanism.CRC and i.parent == ident
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
        first = min(consents, key=lambda a: a.date)
        if r.start.latest() < first.date:
            self.add(key, f"{r.mechanism.value} review of {r.country} on {r.start} is before "
                     f"{r.country} became party to {ident} ({first.when})")

    def check_recommendations(self) -> None:
        reviews = {r.id: r for r in self.p.review_records}
        for rec in self.p.recommendations:
            key = ("recommendation", rec.id)
            self.cite(key, rec.sources, f"recommendation {rec.id}")
            review = reviews.get(rec.review)
            if review is None:
                self.add(key, f"unknown review {rec.review!r}")
            elif review.mechanism is not Mechanism.UPR:
                self.add(key, f"review {rec.review!r} is a {review.mechanism.value} review: "
                         "recommendations are recorded for UPR reviews only")
            if not rec.recommending:
                self.add(key, f"recommendation {rec.id} names no recommending state")
            for code in rec.recommending:
                if code not in self.countries:
                    self.add(key, f"unknown country {code!r}")
            for tag in rec.tags:
                if tag not in RECOMMENDATION_TAGS:
                    self.add(key, f"unknown tag {tag!r} (one of: "
                             f"{', '.join(sorted(RECOMMENDATION_TAGS))})")
            for ident in rec.instruments:
                if ident not in self.instruments:
                    self.add(key, f"unknown instrument {ident!r}")

    def check_reporting(self) -> None:
        for row in self.p.reporting:
            key = ("reporting", row.id)
            what = f"reporting row {row.country} {row.mechanism.value} {row.report!r}"
            self.cite(key, row.sources, what)
            if row.country not in self.countries:
                self.add(key, f"unknown country {row.country!r}")
            if row.as_of > self.today:
                self.add(key, f"as_of {row.as_of.isoformat()} is in the future")
            if row.submitted is not None and row.submitted.earliest() > row.as_of:
                self.add(key, f"submitted {row.submitted} is after as_of "
                         f"{row.as_of.isoformat()}")
            for sid in row.sources:
                src = self.sources.get(sid)
                if src is not None and row.as_of > (src.as_of or src.seen):
                    self.add(key, f"as_of {row.as_of.isoformat()} is later than source "
                             f"{sid!r} is current to ({(src.as_of or src.seen).isoformat()})")
