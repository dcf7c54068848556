"""Test kit for gmspolicy and its plugins (``pip install gmspolicy[testkit]``: hypothesis
and pytest-httpserver).

- Hypothesis strategies for every model (``sources()``, ``countries()``, ...,
  ``policysets()``), so plugin authors can property-test their code on valid data.
- :func:`roundtrip`: ``structure(unstructure(x)) == x`` through the one converter.
- :func:`check_exporter` and :func:`check_loader`: contract checks that every exporter and
  loader plugin should pass (the first-party plugins' own tests use them); a loader's
  result goes through the same type checks at the boundary as in the CLI.
- :func:`small_reference`, :func:`fast_fetcher` and :func:`check_loader_faults`: a
  reference dataset, a quick HTTP client and the network faults every loader must turn
  into a clear :class:`~gmspolicy.errors.LoaderError`.

Every public signature is typed (no ``Any``), so ``mypy --strict`` on a plugin's tests
checks how they call the kit.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

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

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

    from gmspolicy.exporters.contract import Exporter
    from gmspolicy.loaders.contract import LoadContext, Loader, LoadResult
    from gmspolicy.loaders.http import Fetcher
    from gmspolicy.query.views import View

T = TypeVar("T")

#: Any text a dataset may hold, including markup, quotes, pipes, backslashes, newlines,
#: tabs, bidi and zero-width marks and non-Latin scripts; not control characters (but
#: tab, newline and carriage return) or lone surrogates, which validation refuses.
texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"], include_characters="\t\n\r"),
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
        date=partial_dates,
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
MODEL_STRATEGIES: Mapping[type[object], st.SearchStrategy[object]] = {
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


def check_exporter(exporter: Exporter, view: View) -> str | bytes:
    """Check an exporter against the contract on one view; return its output.

    It must declare name, description, binary and views; render the view (if its kind is
    in ``views``) to ``bytes`` when binary and ``str`` otherwise, whole or in chunks
    (each of that type); and be pure: the same view renders to the same output twice.
    An exporter with ``render_chunks`` must give in chunks what ``render`` gives whole.
    Returns the whole output (chunks joined).
    """
    from gmspolicy.exporters.contract import Exporter
    from gmspolicy.plugins import render, render_chunks

    assert isinstance(exporter, Exporter), f"{exporter!r} does not satisfy Exporter"
    assert isinstance(exporter.name, str), "name must be a string"
    assert exporter.name, "name must not be empty"
    assert isinstance(exporter.description, str), "description must be a string"
    assert exporter.description, "description must not be empty"

    first = render(exporter, view)
    second = render(exporter, view)
    assert first == second, f"exporter {exporter.name!r} is not deterministic"
    if hasattr(exporter, "render_chunks"):
        chunks = list(render_chunks(exporter, view))
        joined = b"".join(chunks) if exporter.binary else "".join(chunks)  # type: ignore[arg-type]
        assert joined == first, (
            f"exporter {exporter.name!r}: render_chunks does not give what render does"
        )
    return first


def check_loader(
    loader: Loader, location: str, options: Mapping[str, str], context: LoadContext
) -> LoadResult:
    """Check a loader against the contract on one input; return its :class:`LoadResult`.

    Every participation, reporting row and recommendation must cite sources that the
    result defines, every fact must be dated no later than the source was seen, and
    loading twice must give equal results.
    """
    from gmspolicy.loaders import Loader
    from gmspolicy.plugins import _check_loader, run_loader

    assert isinstance(loader, Loader), f"{loader!r} does not satisfy Loader"
    # the registry's checks of the class (name, description, options of the right
    # types), then the CLI's boundary checks of the result (every field of its declared
    # type, every cited source returned: gmspolicy.plugins.run_loader)
    _check_loader(loader.name, loader)
    result = run_loader(loader, location, options, context)
    defined = {s.id: s for s in result.sources}
    for part in result.participations:
        assert part.sources, f"{part.key} cites no source"
        for sid in part.sources:
            assert sid in defined, f"{part.key} cites undefined source {sid!r}"
        for action in part.actions:
            for sid in action.sources:
                assert action.date.earliest() <= defined[sid].seen, (
                    f"{part.key}: action after source seen"
                )
    for row in result.reporting:
        assert row.sources, f"reporting row {row.id} cites no source"
        for sid in row.sources:
            assert sid in defined, f"reporting row {row.id} cites undefined source {sid!r}"
            assert row.as_of <= defined[sid].seen, f"reporting row {row.id}: as_of after seen"
    for rec in result.recommendations:
        assert rec.sources, f"recommendation {rec.id} cites no source"
        for sid in rec.sources:
            assert sid in defined, f"recommendation {rec.id} cites undefined source {sid!r}"
    again = loader.load(location, options, context)
    assert again == result, f"loader {loader.name!r} is not deterministic"
    return result


#: The countries :func:`small_reference` keeps by default: the GMS and a few others.
REFERENCE_COUNTRIES = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM", "IDN", "PHL", "TUR", "MEX")


def small_reference(countries: Iterable[str] = REFERENCE_COUNTRIES) -> PolicySet:
    """A reference :class:`~gmspolicy.query.policyset.PolicySet` for loader tests: the bundled
    dataset's instruments and the given countries (with their name variants), no facts.
    A fixed country list keeps "unknown participant" tests stable as the dataset grows."""
    import shutil
    import tempfile

    from gmspolicy.dataset import bundled_data_dir, load_dataset

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


def fast_fetcher(
    sleeps: list[float] | None = None,
    *,
    retries: int = 1,
    connect_timeout: float = 2.0,
    read_timeout: float = 0.25,
    backoff: float = 0.01,
    max_bytes: int = 20 * 1024 * 1024,
    body_timeout: float = 120.0,
    cache_dir: Path | None = None,
    offline: bool = False,
) -> Fetcher:
    """A :class:`~gmspolicy.loaders.http.Fetcher` for tests: one retry, short timeouts, and a
    ``sleep`` that records the waits in ``sleeps`` instead of sleeping."""
    from gmspolicy.loaders.http import Fetcher

    record = sleeps if sleeps is not None else []
    return Fetcher(
        retries=retries,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        backoff=backoff,
        max_bytes=max_bytes,
        body_timeout=body_timeout,
        cache_dir=cache_dir,
        offline=offline,
        sleep=record.append,
    )


def check_loader_faults(
    loader: Loader,
    httpserver: HTTPServer,
    *,
    path: str,
    body: bytes,
    content_type: str,
    options: Mapping[str, str],
    reference: PolicySet,
    today: dt.date,
) -> dict[str, str]:
    """Run ``loader`` against a real HTTP server (a ``pytest-httpserver`` instance)
    serving ``body`` at ``path``, once per fault in :data:`FAULTS`, every fault at that
    same path (a redirect loop sends ``path`` back to itself); return each fault's
    :class:`~gmspolicy.errors.LoaderError` message, for the caller to assert exactly
    (the server's address is written ``http://SERVER``).

    Also checks the recoveries: ``500`` then success, and ``429`` with ``Retry-After: 7``
    then success, must load the same records as a clean fetch and wait as told.
    A loader that returns data for a fault fails the check (no partial data).
    """
    from gmspolicy.loaders import LoadContext

    def ctx(sleeps: list[float] | None = None, max_bytes: int = 20 * 1024 * 1024) -> LoadContext:
        fetcher = fast_fetcher(sleeps, max_bytes=max_bytes)
        return LoadContext(reference=reference, fetcher=fetcher, today=today)

    def load(location: str, context: LoadContext) -> LoadResult:
        from gmspolicy.plugins import run_loader

        return run_loader(loader, location, options, context)

    url = httpserver.url_for(path)
    httpserver.clear()
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    clean = load(url, ctx())
    for status, headers, wait in ((500, {}, 0.01), (429, {"Retry-After": "7"}, 7.0)):
        httpserver.clear()
        httpserver.expect_ordered_request(path).respond_with_data(
            "busy", status=status, headers=headers
        )
        httpserver.expect_ordered_request(path).respond_with_data(body, content_type=content_type)
        sleeps: list[float] = []
        assert load(url, ctx(sleeps)) == clean, f"{status} then 200"
        assert sleeps == [wait], f"waits after a {status}: {sleeps} (expected [{wait}])"

    messages: dict[str, str] = {}
    for fault in FAULTS:
        httpserver.clear()
        location = _serve_fault(httpserver, fault, path, body, content_type)
        context = ctx(max_bytes=len(body) - 1) if fault == "oversized" else ctx()
        messages[fault] = _loader_error(functools.partial(load, location, context), fault)
    httpserver.clear()
    base = httpserver.url_for("/").rstrip("/")
    local = re.compile(r"http://127\.0\.0\.1:\d+")  # the refused connection's address
    return {
        fault: local.sub("http://SERVER", msg.replace(base, "http://SERVER"))
        for fault, msg in messages.items()
    }


def _serve_fault(
    httpserver: HTTPServer, fault: str, path: str, body: bytes, content_type: str
) -> str:
    """Set the server up to answer ``path`` with ``fault``; return the URL to load."""
    import socket
    import time

    from werkzeug import Request
    from werkzeug import Response as WResponse

    url = httpserver.url_for(path)
    expect = httpserver.expect_request(path)

    def slow(_: Request) -> WResponse:
        time.sleep(0.6)
        return WResponse(body, content_type=content_type)

    def cut_off(_: Request) -> WResponse:
        headers = {"Content-Length": str(len(body))}
        return WResponse(iter([body[: len(body) // 2]]), headers=headers, content_type=content_type)

    if fault == "timeout":
        expect.respond_with_handler(slow)
    elif fault in ("http-500", "http-404"):
        expect.respond_with_data("oops", status=int(fault[-3:]))
    elif fault == "truncated":
        expect.respond_with_handler(cut_off)
    elif fault == "html-error-page":
        expect.respond_with_data(
            "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>"
            "<body><h1>Sorry</h1><p>The site is down for maintenance.</p></body></html>",
            content_type="text/html; charset=utf-8",
        )
    elif fault == "wrong-content-type":
        expect.respond_with_data(b"%PDF-1.4 not what we asked for", content_type="application/pdf")
    elif fault == "redirect-loop":
        expect.respond_with_data("", status=302, headers={"Location": url})
    elif fault == "oversized":  # served whole; the caller's fetcher has a smaller cap
        expect.respond_with_data(body, content_type=content_type)
    elif fault == "connection-refused":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}{path}"
    else:
        raise ValueError(f"unknown fault {fault!r}")
    return url


def _loader_error(load: Callable[[], LoadResult], fault: str) -> str:
    """The :class:`~gmspolicy.errors.LoaderError` message ``load()`` raises for ``fault``."""
    from gmspolicy.errors import LoaderError

    try:
        result = load()
    except LoaderError as exc:
        return str(exc)
    raise AssertionError(f"{fault}: loader returned {result!r} instead of an error")


# -- valid PolicySets ------------------------------------------------------------------

_SEEN = dt.date(2024, 12, 31)
_day = st.dates(min_value=dt.date(1950, 1, 1), max_value=_SEEN)
_CONSENT = [k for k in ActionKind if k.is_consent]


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


@st.composite
def policysets(draw: st.DrawFn, text: st.SearchStrategy[str] = texts) -> PolicySet:
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
    participations = _draw_participations(draw, countries, instruments, cite, maybe, text, limit)
    mous = _draw_mous(draw, codes, cite, maybe, text)
    events = _draw_events(draw, codes, cite, maybe, text)
    observations = _draw_observations(draw, codes, inst_ids, cite, maybe, text)
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


_Cite = st.SearchStrategy[tuple[str, ...]]
_MaybeText = st.SearchStrategy[str | None]


def _draw_participations(
    draw: st.DrawFn,
    countries: list[Country],
    instruments: list[Instrument],
    cite: _Cite,
    maybe: _MaybeText,
    text: st.SearchStrategy[str],
    limit: dt.date,
) -> list[Participation]:
    """Participations of every shape (none, no action, signed, party, denounced), with
    their actions in order and dated no later than ``limit`` (the earliest source seen)."""
    codes = [c.code for c in countries]
    inst_ids = [i.id for i in instruments]
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
    return participations


def _draw_mous(
    draw: st.DrawFn, codes: list[str], cite: _Cite, maybe: _MaybeText, text: st.SearchStrategy[str]
) -> list[Mou]:
    """Zero to two MOUs between the drawn countries, the later superseding the earlier."""
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
    return mous


def _draw_events(
    draw: st.DrawFn, codes: list[str], cite: _Cite, maybe: _MaybeText, text: st.SearchStrategy[str]
) -> list[Event]:
    """Zero to three events, dated to the day, the month or the year."""
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
    return events


def _draw_observations(
    draw: st.DrawFn,
    codes: list[str],
    inst_ids: list[str],
    cite: _Cite,
    maybe: _MaybeText,
    text: st.SearchStrategy[str],
) -> list[Observation]:
    """Zero to two observations addressed to the drawn countries."""
    return [
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
