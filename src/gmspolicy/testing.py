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
    Authority,
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
from gmspolicy.query.policyset import PolicySet

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
        open_to=st.none() | st.sampled_from(list(Group)),
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
    from gmspolicy.exporters.contract import Exporter
    from gmspolicy.plugins import render

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
    from gmspolicy.loaders import Loader, LoadResult

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


def small_reference(
    countries: Any = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM", "IDN", "PHL", "TUR", "MEX"),
) -> Any:
    """A reference :class:`~gmspolicy.query.policyset.PolicySet` for loader tests: the bundled
    dataset's instruments and the given countries (with their name variants), no facts.
    A fixed country list keeps "unknown participant" tests stable as the dataset grows."""
    import shutil
    import tempfile
    from pathlib import Path

    from gmspolicy.dataset import bundled_data_dir, load_dataset
    from gmspolicy.query.policyset import PolicySet

    # Only the reference records are read (not the facts), so work in progress on the
    # bundled facts does not break loader tests.
    bundled = bundled_data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("countries", "instruments", "sources"):
            single = bundled / f"{kind}.yaml"
            if single.is_file():
                shutil.copy(single, Path(tmp) / single.name)
            if (bundled / kind).is_dir():
                shutil.copytree(bundled / kind, Path(tmp) / kind)
        full = load_dataset(tmp)
    wanted = set(countries)
    return PolicySet.build(
        countries=[c for c in full.countries if c.code in wanted],
        instruments=full.instruments,
        sources=full.sources,
    )


#: The faults :func:`check_loader_faults` serves, in order.
FAULTS = (
    "timeout",
    "http-500",
    "http-404",
    "truncated",
    "html-error-page",
    "wrong-content-type",
    "redirect-loop",
    "oversized",
    "connection-refused",
)


def fast_fetcher(sleeps: list[float] | None = None, **kwargs: Any) -> Any:
    """A :class:`~gmspolicy.loaders.http.Fetcher` for tests: one retry, short timeouts, and a
    ``sleep`` that records the waits in ``sleeps`` instead of sleeping."""
    from gmspolicy.loaders.http import Fetcher

    record = sleeps if sleeps is not None else []
    settings: dict[str, Any] = {
        "retries": 1,
        "connect_timeout": 2.0,
        "read_timeout": 0.25,
        "backoff": 0.01,
        "sleep": record.append,
    }
    settings.update(kwargs)
    return Fetcher(**settings)


def check_loader_faults(
    loader: Any,
    httpserver: Any,
    *,
    path: str,
    body: bytes,
    content_type: str,
    options: Mapping[str, str],
    reference: Any,
    today: dt.date,
) -> dict[str, str]:
    """Run ``loader`` against a real HTTP server (a ``pytest-httpserver`` instance)
    serving ``body`` at ``path``, once per fault in :data:`FAULTS`; return each fault's
    :class:`~gmspolicy.errors.LoaderError` message, for the caller to assert exactly
    (the server's address is written ``http://SERVER``).

    Also checks the recoveries: ``500`` then success, and ``429`` with ``Retry-After: 7``
    then success, must load the same records as a clean fetch and wait as told.
    A loader that returns data for a fault fails the check (no partial data).
    """
    import socket
    import time

    from werkzeug import Response as WResponse

    from gmspolicy.errors import LoaderError
    from gmspolicy.loaders import LoadContext

    def ctx(**kwargs: Any) -> LoadContext:
        return LoadContext(reference=reference, fetcher=fast_fetcher(**kwargs), today=today)

    def reset() -> None:
        httpserver.clear()

    url = httpserver.url_for(path)
    reset()
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    clean = loader.load(url, options, ctx())

    # recoveries
    reset()
    httpserver.expect_ordered_request(path).respond_with_data("busy", status=500)
    httpserver.expect_ordered_request(path).respond_with_data(body, content_type=content_type)
    sleeps: list[float] = []
    assert loader.load(url, options, ctx(sleeps=sleeps)) == clean, "500 then 200"
    assert sleeps == [0.01], f"backoff after a 500: {sleeps}"
    reset()
    httpserver.expect_ordered_request(path).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request(path).respond_with_data(body, content_type=content_type)
    sleeps = []
    assert loader.load(url, options, ctx(sleeps=sleeps)) == clean, "429 then 200"
    assert sleeps == [7.0], f"Retry-After not honoured: {sleeps}"

    messages: dict[str, str] = {}

    def expect_error(fault: str, location: str, context: LoadContext) -> None:
        try:
            result = loader.load(location, options, context)
        except LoaderError as exc:
            messages[fault] = str(exc)
        else:
            raise AssertionError(f"{fault}: loader returned {result!r} instead of an error")

    def slow(_: Any) -> WResponse:
        time.sleep(0.6)
        return WResponse(body, content_type=content_type)

    reset()
    httpserver.expect_request(path).respond_with_handler(slow)
    expect_error("timeout", url, ctx())
    reset()
    httpserver.expect_request(path).respond_with_data("oops", status=500)
    expect_error("http-500", url, ctx())
    reset()
    httpserver.expect_request(path).respond_with_data("gone", status=404)
    expect_error("http-404", url, ctx())
    reset()
    httpserver.expect_request(path).respond_with_handler(
        lambda _: WResponse(
            iter([body[: len(body) // 2]]),
            headers={"Content-Length": str(len(body))},
            content_type=content_type,
        )
    )
    expect_error("truncated", url, ctx())
    reset()
    httpserver.expect_request(path).respond_with_data(
        "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>"
        "<body><h1>Sorry</h1><p>The site is down for maintenance.</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    expect_error("html-error-page", url, ctx())
    reset()
    httpserver.expect_request(path).respond_with_data(
        b"%PDF-1.4 not what we asked for", content_type="application/pdf"
    )
    expect_error("wrong-content-type", url, ctx())
    reset()
    httpserver.expect_request("/loop-a").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/loop-b")}
    )
    httpserver.expect_request("/loop-b").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/loop-a")}
    )
    expect_error("redirect-loop", httpserver.url_for("/loop-a"), ctx())
    reset()
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    expect_error("oversized", url, ctx(max_bytes=len(body) - 1))
    reset()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    expect_error("connection-refused", f"http://127.0.0.1:{port}{path}", ctx())
    reset()
    base = httpserver.url_for("/").rstrip("/")
    return {
        fault: msg.replace(base, "http://SERVER").replace(
            f"http://127.0.0.1:{port}", "http://SERVER"
        )
        for fault, msg in messages.items()
    }


# -- valid PolicySets ------------------------------------------------------------------

_SEEN = dt.date(2024, 12, 31)
_day = st.dates(min_value=dt.date(1950, 1, 1), max_value=_SEEN)
_CONSENT = [k for k in ActionKind if k.is_consent]


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
            _SEEN - dt.timedelta(days=draw(st.integers(0, 400))),
            None,
            draw(maybe),
            # copies alone may not carry a cell: keep the drawn sets valid
            authority=draw(st.sampled_from([a for a in Authority if a is not Authority.COPY])),
            research_note=draw(maybe),
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
                groups=draw(st.sampled_from([(Group.GMS,), (Group.GMS, Group.ASEAN)])),
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
            open_to=draw(st.none() | st.just(Group.ASEAN)),
        )
        for iid in inst_ids
    ]
    signable = {i.id: i.body is not Body.ILO for i in instruments}  # ILO: never signed
    open_for = {(c.code, i.id): i.open_for(c) for c in countries for i in instruments}
    participations = []
    for code in codes:
        for iid in inst_ids:
            shape = draw(st.sampled_from(["none", "no_action", "signed", "party", "denounced"]))
            if not open_for[(code, iid)]:
                shape = "none"  # not applicable: no record may exist
            if shape == "signed" and not signable[iid]:
                shape = "party"
            if shape == "none":
                continue
            dates = sorted(draw(st.lists(_day, min_size=3, max_size=3, unique=True)))
            dates = [min(d, limit) for d in dates]
            actions: list[Action] = []
            no_action = eif = None
            if shape == "no_action":
                no_action = DatedFact(dates[0], draw(cite), draw(maybe))
            if shape in ("signed", "party", "denounced") and signable[iid] and draw(st.booleans()):
                actions.append(Action(ActionKind.SIGNATURE, dates[0], draw(cite), draw(maybe)))
            if shape in ("party", "denounced"):
                kind = draw(st.sampled_from(_CONSENT))
                actions.append(Action(kind, dates[1], draw(cite), draw(maybe)))
                if draw(st.booleans()):
                    eif = DatedFact(dates[1], draw(cite), draw(maybe))
            if shape == "denounced":
                actions.append(Action(ActionKind.DENUNCIATION, dates[2], draw(cite), draw(maybe)))
            if shape == "signed" and not actions:
                actions.append(Action(ActionKind.SIGNATURE, dates[0], draw(cite), draw(maybe)))
            reservations = tuple(
                Reservation(draw(st.sampled_from(list(ReservationKind))), draw(text), d, draw(cite))
                for d in draw(st.lists(st.none() | _day.map(lambda d: min(d, limit)), max_size=1))
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
            signed=draw(st.none() | _day.map(PartialDate.from_date)),
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
        start = draw(_day)
        precision = draw(st.sampled_from(["_day", "_day", "month", "year"]))
        if precision == "_day":
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
        today=_SEEN,
    )
