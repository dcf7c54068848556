"""The quick tests validation runs before its full walks (issue 16) never pass what the
full walk refuses: when the quick test says a record's facts are clean, the full walk
finds nothing."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gmspolicy.dataset.validate import _clean_text, publishable
from gmspolicy.dates import PartialDate
from gmspolicy.models import Action, ActionKind, DatedFact, Reservation, ReservationKind

# text with the characters validation refuses (C0/C1 controls, DEL, lone surrogates) among
# ordinary ones
TEXT = st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\t", "\x00", "\x1f", "\x7f", "\x85", "\ud800", "é"]),
    max_size=6,
)
NOTE = st.none() | TEXT
DAY = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31))


@given(
    kind=st.sampled_from(list(ActionKind)),
    day=DAY,
    sources=st.lists(TEXT, max_size=3),
    note=NOTE,
    research=NOTE,
)
def test_an_action_the_quick_test_passes_is_publishable(
    kind: ActionKind, day: dt.date, sources: list[str], note: str | None, research: str | None
) -> None:
    a = Action(kind, PartialDate.from_date(day), tuple(sources), note, research)
    quick = _clean_text(a.kind, a.date, *a.sources, a.note, a.research_note)
    assert quick == (publishable(a) == [])


@given(
    kind=st.sampled_from(list(ReservationKind)),
    text=TEXT,
    day=st.none() | DAY,
    sources=st.lists(TEXT, max_size=3),
    research=NOTE,
)
def test_a_reservation_the_quick_test_passes_is_publishable(
    kind: ReservationKind, text: str, day: dt.date | None, sources: list[str], research: str | None
) -> None:
    r = Reservation(kind, text, day, tuple(sources), research)
    quick = _clean_text(r.kind, r.date, *r.sources, r.text, r.research_note)
    assert quick == (publishable(r) == [])


@given(day=DAY, sources=st.lists(TEXT, max_size=3), note=NOTE, research=NOTE)
def test_a_dated_fact_the_quick_test_passes_is_publishable(
    day: dt.date, sources: list[str], note: str | None, research: str | None
) -> None:
    f = DatedFact(day, tuple(sources), note, research)
    quick = _clean_text(f.date, *f.sources, f.note, f.research_note)
    assert quick == (publishable(f) == [])


def test_what_is_not_text_goes_to_the_full_walk() -> None:
    assert _clean_text("ok", None, ActionKind.RATIFICATION, dt.date(2000, 1, 1)) is True
    assert _clean_text("ok", 12) is False  # an integer: the full walk checks its range
    assert _clean_text(b"bytes") is False
