"""Arbitrary text in any field: exact through the JSON export round trip, and escaped in
HTML and Markdown, checked by parsing the output (html.parser, markdown-it-py) against
the same page rendered with harmless text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from reliability_kit import count_example, html_structure

from gmspolicy.dataset import load_json_export
from gmspolicy.errors import DataError
from gmspolicy.exporters.html import HtmlExporter
from gmspolicy.exporters.json_export import JsonExporter
from gmspolicy.exporters.markdown import MarkdownExporter
from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    Body,
    Country,
    DatedFact,
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
from gmspolicy.query.views import DatasetView, ObservationsView, ProfileView, TableView
from gmspolicy.testing import hostile_texts

ROUNDTRIP_EXAMPLES = 60
HTML_EXAMPLES = 40
MARKDOWN_EXAMPLES = 40

D = dt.date(2010, 5, 5)
PLACEHOLDER = "placeholder"

#: Hand-picked texts tried first, on top of the generated ones.
NASTY = [
    "<script>alert(1)</script>",
    "</td></tr></table><img src=x onerror=alert(1)>",
    "&amp; &lt;b&gt; &#60;",
    "\"'`",
    "[x](javascript:alert(1)) <https://evil.example>",
    "| a | b |\n|---|---|",
    "# heading\n\n- item",
    "*bold* __it__ ~~s~~ `code`",
    "a\\|b\\\\",
    "ພາສາລາວ ไทย မြန်မာ ខ្មែរ 中文 Tiếng Việt \u200f\u202e",
    "<!-- comment --> <![CDATA[x]]>",
]


def pset_with(text: str) -> PolicySet:
    """A small valid dataset with ``text`` in every free-text field."""
    src = Source(
        id="s1",
        url="https://example.org/s1",
        title=text,
        publisher=text,
        seen=dt.date(2024, 1, 31),
        note=text,
        authority=Authority.OFFICIAL,
    )
    tha = Country(
        code="THA",
        alpha2="TH",
        m49="764",
        name=f"Thailand {text}",
        names=(text,) if text else (),
        groups=(Group.GMS,),
        subdivisions=(text,),
        sources=("s1",),
    )
    mmr = Country(
        code="MMR", alpha2="MM", m49="104", name="Myanmar", groups=(Group.GMS,), sources=("s1",)
    )
    conv = Instrument(
        id="CONV",
        body=Body.UN,
        kind=InstrumentKind.CONVENTION,
        title=text,
        short_name=f"Conv {text}",
        reference=text,
        sources=("s1",),
    )
    part = Participation(
        country="THA",
        instrument="CONV",
        actions=(Action(ActionKind.RATIFICATION, D, ("s1",), text or None),),
        reservations=(Reservation(ReservationKind.RESERVATION, text or "r", D, ("s1",)),),
        entry_into_force=DatedFact(dt.date(2010, 6, 5), ("s1",), text or None),
    )
    mou = Mou(
        id="m1",
        parties=("THA", "MMR"),
        kind=MouKind.EMPLOYMENT,
        title=text,
        place=text,
        note=text,
        sources=("s1",),
    )
    event = Event(
        id="e1",
        series=EventSeries.AFML,
        title=text,
        start=_pd("2014-11-20"),
        city=text,
        country="THA",
        theme=text,
        notes=text,
        sources=("s1",),
    )
    obs = Observation(
        id="o1",
        body=ObservationBody.CMW,
        kind=ObservationKind.CONCLUDING_OBSERVATIONS,
        country="THA",
        url="https://example.org/o1",
        instrument="CONV",
        adopted_year=2012,
        session=text,
        symbol=text,
        excerpts=(Excerpt(paragraph=text, text=text),),
        sources=("s1",),
    )
    return PolicySet.build(
        countries=[tha, mmr],
        instruments=[conv],
        participations=[part],
        mous=[mou],
        events=[event],
        sources=[src],
        observations=[obs],
        today=dt.date(2025, 1, 1),
    )


def _pd(text: str) -> Any:
    from gmspolicy.dates import PartialDate

    return PartialDate.parse(text)


def build_or_skip(text: str) -> PolicySet:
    try:
        return pset_with(text)
    except DataError as exc:
        # a name the validator refuses as clashing with another country's is not the point,
        # nor text it refuses as unpublishable (control characters, lone surrogates:
        # test_rel_hostile_data.py)
        assume(
            not all(
                "is used by both" in p.message
                or "contains control character" in p.message
                or "contains a lone surrogate" in p.message
                for p in exc.problems
            )
        )
        raise


def records(p: PolicySet) -> tuple[Any, ...]:
    return (
        p.countries,
        p.instruments,
        p.participations,
        p.mous,
        p.events,
        p.observations,
        p.sources,
    )


@settings(max_examples=ROUNDTRIP_EXAMPLES)
@given(text=hostile_texts | st.text(max_size=60))
@example(text=NASTY[0])
# (issue 14.4: control characters such as \x0b, \x0c, \x1c and \x85 are now refused by
# validation, test_rel_hostile_data.py; the line breaks a dataset may hold stay here)
@example(text="\r\n\u2028\u2029 trailing  ")
def test_json_export_roundtrip_is_exact(tmp_path: Path, text: str) -> None:
    count_example("JSON export round trip")
    pset = build_or_skip(text)
    path = tmp_path / "export.json"
    path.write_text(JsonExporter().render(DatasetView(pset)), encoding="utf-8")
    assert records(load_json_export(path)) == records(pset)


def _views(pset: PolicySet) -> list[Any]:
    matrix = pset.matrix(["THA"], ["CONV"])
    return [
        TableView(pset, matrix),
        DatasetView(pset),
        ProfileView(pset, pset.country("THA")),
        ObservationsView(pset, pset.observations),
    ]


def _normalise_html(events: list[Any]) -> list[Any]:
    """Structure only: tags and attribute names (text and attribute values vary)."""
    return [e for e in events if e[0] in ("start", "end", "comment", "decl", "pi")]


@settings(max_examples=HTML_EXAMPLES)
@given(text=hostile_texts | st.text(max_size=60))
def test_html_escapes_every_field(text: str) -> None:
    count_example("HTML escaping")
    check_html(text)


def test_html_escapes_the_nasty_ones() -> None:
    for text in NASTY:
        check_html(text)


def check_html(text: str) -> None:
    pset = build_or_skip(text)
    base = pset_with(PLACEHOLDER)
    for view, base_view in zip(_views(pset), _views(base), strict=True):
        page = HtmlExporter().render(view)
        events = html_structure(page)
        if not text:
            continue  # an empty field is left out of the page: nothing to compare
        assert _normalise_html(events) == _normalise_html(
            html_structure(HtmlExporter().render(base_view))
        ), f"{view.kind}: the text changed the page's structure"
        if text.strip():
            data = "".join(e[1] for e in events if e[0] == "data")
            assert " ".join(text.split()) in " ".join(data.split()), view.kind


_MD = MarkdownIt("commonmark").enable("table")


def _md_structure(text: str) -> list[Any]:
    """Token types (inline children included); a ``<br>`` the exporter writes for a
    newline in a table cell is not structure."""
    out: list[Any] = []
    for tok in _MD.parse(text):
        out.append((tok.type, tok.tag))
        for child in tok.children or []:
            if child.type == "html_inline" and child.content == "<br>":
                continue
            if child.type in ("text", "softbreak"):
                continue
            out.append((child.type, child.tag, child.attrs.get("href")))
    return out


def _md_text(text: str) -> str:
    parts: list[str] = []
    for tok in _MD.parse(text):
        for child in tok.children or []:
            if child.type == "text":
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak") or (
                child.type == "html_inline" and child.content == "<br>"
            ):
                parts.append(" ")
    return " ".join("".join(parts).split())


def check_markdown(text: str) -> None:
    pset = build_or_skip(text)
    base = pset_with(PLACEHOLDER)
    for view, base_view in zip(_views(pset), _views(base), strict=True):
        md = MarkdownExporter().render(view)
        if not text:
            continue
        assert _md_structure(md) == _md_structure(MarkdownExporter().render(base_view)), (
            f"{view.kind}: the text changed the document's structure"
        )
        if text.strip():
            # CommonMark turns NUL into U+FFFD (for safety); everything else comes back
            wanted = " ".join(text.replace("\x00", "\ufffd").split())
            assert wanted in _md_text(md), view.kind


@settings(max_examples=MARKDOWN_EXAMPLES)
@given(text=hostile_texts | st.text(max_size=60))
def test_markdown_escapes_every_field(text: str) -> None:
    count_example("Markdown escaping")
    check_markdown(text)


def test_markdown_escapes_the_nasty_ones() -> None:
    for text in NASTY:
        check_markdown(text)
