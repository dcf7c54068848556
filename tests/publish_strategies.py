"""Hypothesis strategy for *valid* PolicySets, used by the publishing tests (schema,
exporters, Markdown). Free text (names, titles, notes) comes from ``text``, e.g.
:data:`gmspolicy.testing.hostile_texts`."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st

from gmspolicy.dates import PartialDate
from gmspolicy.models import (
    Action,
    ActionKind,
    Body,
    Country,
    DatedFact,
    Document,
    Event,
    EventSeries,
    Excerpt,
    Group,
    Instrument,
    InstrumentKind,
    Mou,
    MouKind,
    Observation,
    ObservationBody,
    ObservationKind,
    Participation,
    Reservation,
    ReservationKind,
    Source,
)
from gmspolicy.policyset import PolicySet
from gmspolicy.testing import texts

SEEN = dt.date(2024, 12, 31)
day = st.dates(min_value=dt.date(1950, 1, 1), max_value=SEEN)
CONSENT = [k for k in ActionKind if k.is_consent]


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


@st.composite
def policysets(draw: Any, text: st.SearchStrategy[str] = texts) -> PolicySet:
    """A PolicySet that passes validation, with ``text`` in every free-text field."""
    maybe = st.none() | text
    source_ids = _ids("s", draw(st.integers(1, 3)))
    sources = [
        Source(
            sid,
            f"https://example.org/{sid}?a=1&b=2",
            draw(text),
            draw(text),
            SEEN - dt.timedelta(days=draw(st.integers(0, 400))),
            None,
            draw(maybe),
        )
        for sid in source_ids
    ]
    limit = min(s.seen for s in sources)
    cite = st.lists(st.sampled_from(source_ids), min_size=1, max_size=2, unique=True).map(tuple)
    codes = draw(
        st.lists(
            st.text(string.ascii_uppercase, min_size=3, max_size=3),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    names: set[str] = set()
    countries = []
    for n, code in enumerate(codes):
        name = draw(text.filter(lambda t: t.casefold() not in names))
        names.add(name.casefold())
        countries.append(
            Country(
                code,
                code[:2],
                f"{n:03d}",
                name,
                groups=(Group.GMS,),
                sources=draw(cite),
            )
        )
    inst_ids = _ids("I-", draw(st.integers(1, 3)))
    instruments = [
        Instrument(
            iid,
            draw(st.sampled_from(list(Body))),
            InstrumentKind.CONVENTION,
            draw(text),
            draw(text),
            tags=("t",),
            url=draw(st.none() | st.just(f"https://example.org/{iid}")),
            reference=draw(maybe),
            sources=draw(cite),
        )
        for iid in inst_ids
    ]
    participations = []
    for code in codes:
        for iid in inst_ids:
            shape = draw(st.sampled_from(["none", "no_action", "signed", "party", "denounced"]))
            if shape == "none":
                continue
            dates = sorted(draw(st.lists(day, min_size=3, max_size=3, unique=True)))
            dates = [min(d, limit) for d in dates]
            actions: list[Action] = []
            no_action = eif = None
            if shape == "no_action":
                no_action = DatedFact(dates[0], draw(cite), draw(maybe))
            if shape in ("signed", "party", "denounced") and draw(st.booleans()):
                actions.append(Action(ActionKind.SIGNATURE, dates[0], draw(cite), draw(maybe)))
            if shape in ("party", "denounced"):
                kind = draw(st.sampled_from(CONSENT))
                actions.append(Action(kind, dates[1], draw(cite), draw(maybe)))
                if draw(st.booleans()):
                    eif = DatedFact(dates[1], draw(cite), draw(maybe))
            if shape == "denounced":
                actions.append(Action(ActionKind.DENUNCIATION, dates[2], draw(cite), draw(maybe)))
            if shape == "signed" and not actions:
                actions.append(Action(ActionKind.SIGNATURE, dates[0], draw(cite), draw(maybe)))
            reservations = tuple(
                Reservation(draw(st.sampled_from(list(ReservationKind))), draw(text), d, draw(cite))
                for d in draw(st.lists(st.none() | day.map(lambda d: min(d, limit)), max_size=1))
            )
            participations.append(
                Participation(code, iid, tuple(actions), reservations, eif, no_action)
            )
    mou_ids = _ids("M-", draw(st.integers(0, 2)))
    mous = [
        Mou(
            mid,
            tuple(draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2))),
            draw(st.sampled_from(list(MouKind))),
            draw(text),
            signed=draw(st.none() | day.map(PartialDate.from_date)),
            place=draw(maybe),
            supersedes=tuple(mou_ids[:n]),
            documents=(Document(draw(text), "https://example.org/doc"),),
            sources=draw(cite),
            note=draw(maybe),
        )
        for n, mid in enumerate(mou_ids)
    ]
    events = []
    for eid in _ids("E-", draw(st.integers(0, 3))):
        start = draw(day)
        precision = draw(st.sampled_from(["day", "day", "month", "year"]))
        if precision == "day":
            begin = PartialDate.from_date(start)
            end = draw(
                st.none()
                | st.integers(0, 5).map(lambda n: PartialDate.from_date(start + dt.timedelta(n)))  # noqa: B023
            )
        else:
            begin = PartialDate(start.year, start.month if precision == "month" else None)
            end = None
        events.append(
            Event(
                eid,
                draw(st.sampled_from(list(EventSeries))),
                draw(text),
                begin,
                edition=draw(st.none() | st.integers(1, 30)),
                end=end,
                city=draw(maybe),
                country=draw(st.none() | st.sampled_from(codes)),
                theme=draw(maybe),
                outcome_documents=(Document(draw(text), "https://example.org/out"),),
                notes=draw(maybe),
                sources=draw(cite),
            )
        )
    observations = [
        Observation(
            oid,
            draw(st.sampled_from(list(ObservationBody))),
            draw(st.sampled_from(list(ObservationKind))),
            draw(st.sampled_from(codes)),
            "https://example.org/obs",
            instrument=draw(st.none() | st.sampled_from(inst_ids)),
            adopted_year=draw(st.none() | st.integers(1990, 2020)),
            session=draw(maybe),
            excerpts=(Excerpt(draw(text), draw(text)),),
            sources=draw(cite),
        )
        for oid in _ids("O-", draw(st.integers(0, 2)))
    ]
    return PolicySet.build(
        countries=countries,
        instruments=instruments,
        participations=participations,
        mous=mous,
        events=events,
        sources=sources,
        observations=observations,
        today=SEEN,
    )
