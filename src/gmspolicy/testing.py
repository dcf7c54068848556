"""Test kit for gmspolicy and its plugins (needs ``hypothesis``: ``pip install gmspolicy[test]``).

- Hypothesis strategies for every model (``sources()``, ``countries()``, ...,
  ``policysets()``), so plugin authors can property-test their code on valid data.
- :func:`roundtrip`: ``structure(unstructure(x)) == x`` through the one converter.
- :func:`check_exporter` and :func:`check_loader`: contract checks that every exporter and
  loader plugin should pass (the first-party plugins' own tests use them).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from typing import Any, TypeVar

from hypothesis import strategies as st

from gmspolicy.convert import converter
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

T = TypeVar("T")

#: Any text, including markup, quotes, pipes, backslashes, newlines and non-Latin scripts.
texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=40,
)
#: Text that is hostile to HTML and Markdown.
hostile_texts = st.one_of(
    texts,
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "\"quoted\" & 'single'",
            "a|b\\c\nd",
            "[x](javascript:1)",
            "</td><td>",
            "*bold* _it_ `code`",
            "ພາສາລາວ ไทย မြန်မာ ខ្មែរ 中文 Tiếng Việt",
        ]
    ),
)
idents = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
urls = st.builds(lambda p: f"https://example.org/{p}", idents)
partial_dates = st.one_of(
    st.builds(PartialDate, st.integers(1900, 2025)),
    st.builds(PartialDate, st.integers(1900, 2025), st.integers(1, 12)),
    dates.map(PartialDate.from_date),
)
codes3 = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3)


def sources(ident: st.SearchStrategy[str] = idents) -> st.SearchStrategy[Source]:
    """Any :class:`Source`."""
    return st.builds(
        Source,
        id=ident,
        url=urls,
        title=texts,
        publisher=texts,
        seen=dates,
        as_of=st.none() | dates,
        note=st.none() | texts,
    )


def documents() -> st.SearchStrategy[Document]:
    """Any :class:`Document`."""
    return st.builds(Document, title=texts, url=urls)


def countries() -> st.SearchStrategy[Country]:
    """Any :class:`Country`."""
    return st.builds(
        Country,
        code=codes3,
        alpha2=st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2),
        m49=st.integers(0, 999).map(lambda n: f"{n:03d}"),
        name=texts,
        names=st.lists(texts, max_size=3).map(tuple),
        groups=st.lists(st.sampled_from(list(Group)), max_size=2, unique=True).map(tuple),
        subdivisions=st.lists(texts, max_size=2).map(tuple),
        sources=st.lists(idents, max_size=2).map(tuple),
    )


def instruments() -> st.SearchStrategy[Instrument]:
    """Any :class:`Instrument`."""
    return st.builds(
        Instrument,
        id=idents,
        body=st.sampled_from(list(Body)),
        kind=st.sampled_from(list(InstrumentKind)),
        title=texts,
        short_name=texts,
        adopted=st.none() | dates,
        entry_into_force=st.none() | dates,
        parent=st.none() | idents,
        requires_parent=st.booleans(),
        binding=st.booleans(),
        tags=st.lists(idents, max_size=3).map(tuple),
        url=st.none() | urls,
        reference=st.none() | texts,
        sources=st.lists(idents, max_size=2).map(tuple),
    )


def actions() -> st.SearchStrategy[Action]:
    """Any :class:`Action`."""
    return st.builds(
        Action,
        kind=st.sampled_from(list(ActionKind)),
        date=dates,
        sources=st.lists(idents, min_size=1, max_size=2).map(tuple),
        note=st.none() | texts,
    )


def dated_facts() -> st.SearchStrategy[DatedFact]:
    """Any :class:`DatedFact`."""
    return st.builds(
        DatedFact,
        date=dates,
        sources=st.lists(idents, max_size=2).map(tuple),
        note=st.none() | texts,
    )


def participations() -> st.SearchStrategy[Participation]:
    """Any :class:`Participation` (not necessarily valid in a dataset)."""
    return st.builds(
        Participation,
        country=codes3,
        instrument=idents,
        actions=st.lists(actions(), max_size=4).map(tuple),
        reservations=st.lists(
            st.builds(
                Reservation,
                kind=st.sampled_from(list(ReservationKind)),
                text=texts,
                date=st.none() | dates,
                sources=st.lists(idents, max_size=2).map(tuple),
            ),
            max_size=2,
        ).map(tuple),
        entry_into_force=st.none() | dated_facts(),
        no_action=st.none() | dated_facts(),
    )


def mous() -> st.SearchStrategy[Mou]:
    """Any :class:`Mou`."""
    return st.builds(
        Mou,
        id=idents,
        parties=st.lists(codes3, min_size=2, max_size=6).map(tuple),
        kind=st.sampled_from(list(MouKind)),
        title=texts,
        signed=st.none() | partial_dates,
        place=st.none() | texts,
        entry_into_force=st.none() | partial_dates,
        expiry=st.none() | partial_dates,
        supersedes=st.lists(idents, max_size=2).map(tuple),
        amends=st.lists(idents, max_size=2).map(tuple),
        documents=st.lists(documents(), max_size=2).map(tuple),
        tags=st.lists(idents, max_size=2).map(tuple),
        sources=st.lists(idents, max_size=2).map(tuple),
        note=st.none() | texts,
    )


def events() -> st.SearchStrategy[Event]:
    """Any :class:`Event`."""
    return st.builds(
        Event,
        id=idents,
        series=st.sampled_from(list(EventSeries)),
        title=texts,
        start=partial_dates,
        edition=st.none() | st.integers(1, 50),
        end=st.none() | partial_dates,
        city=st.none() | texts,
        country=st.none() | codes3,
        theme=st.none() | texts,
        outcome_documents=st.lists(documents(), max_size=2).map(tuple),
        notes=st.none() | texts,
        tags=st.lists(idents, max_size=2).map(tuple),
        sources=st.lists(idents, max_size=2).map(tuple),
    )


def observations() -> st.SearchStrategy[Observation]:
    """Any :class:`Observation`."""
    return st.builds(
        Observation,
        id=idents,
        body=st.sampled_from(list(ObservationBody)),
        kind=st.sampled_from(list(ObservationKind)),
        country=codes3,
        url=urls,
        instrument=st.none() | idents,
        adopted_year=st.none() | st.integers(1950, 2025),
        published_year=st.none() | st.integers(1950, 2025),
        session=st.none() | texts,
        symbol=st.none() | texts,
        excerpts=st.lists(st.builds(Excerpt, paragraph=texts, text=texts), max_size=2).map(tuple),
        tags=st.lists(idents, max_size=2).map(tuple),
        sources=st.lists(idents, max_size=2).map(tuple),
    )


#: Every model class with its strategy.
MODEL_STRATEGIES: Mapping[type[Any], st.SearchStrategy[Any]] = {
    Source: sources(),
    Document: documents(),
    Country: countries(),
    Instrument: instruments(),
    Action: actions(),
    DatedFact: dated_facts(),
    Participation: participations(),
    Mou: mous(),
    Event: events(),
    Observation: observations(),
}


def roundtrip(value: T) -> T:
    """``structure(unstructure(value))`` through the one converter."""
    return converter.structure(converter.unstructure(value), type(value))


def check_exporter(exporter: Any, view: Any) -> str | bytes:
    """Check an exporter against the contract on one view; return its output.

    It must declare name, description, binary and views; render the view (if its kind is
    in ``views``) to ``bytes`` when binary and ``str`` otherwise; and be pure: the same
    view renders to the same output twice.
    """
    from gmspolicy.plugins import Exporter, render

    assert isinstance(exporter, Exporter), f"{exporter!r} does not satisfy Exporter"
    assert isinstance(exporter.name, str), "name must be a string"
    assert exporter.name, "name must not be empty"
    assert isinstance(exporter.description, str), "description must be a string"
    assert exporter.description, "description must not be empty"

    first = render(exporter, view)
    second = render(exporter, view)
    assert first == second, f"exporter {exporter.name!r} is not deterministic"
    return first


def check_loader(loader: Any, location: str, options: Mapping[str, str], context: Any) -> Any:
    """Check a loader against the contract on one input; return its :class:`LoadResult`.

    Every participation must cite sources that the result defines, every fact must be
    dated no later than the source was seen, and loading twice must give equal results.
    """
    from gmspolicy.plugins import Loader, LoadResult

    assert isinstance(loader, Loader), f"{loader!r} does not satisfy Loader"
    result = loader.load(location, options, context)
    assert isinstance(result, LoadResult)
    defined = {s.id: s for s in result.sources}
    for part in result.participations:
        assert part.sources, f"{part.key} cites no source"
        for sid in part.sources:
            assert sid in defined, f"{part.key} cites undefined source {sid!r}"
        for action in part.actions:
            for sid in action.sources:
                assert action.date <= defined[sid].seen, f"{part.key}: action after source seen"
    again = loader.load(location, options, context)
    assert again == result, f"loader {loader.name!r} is not deterministic"
    return result
