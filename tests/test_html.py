"""The HTML exporter: page structure, cell texts, observations links, escaping of every
text field (hand-picked hostile strings and a Hypothesis property), URL handling."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmspolicy import __version__
from gmspolicy.dates import PartialDate
from gmspolicy.exporters.html import HtmlExporter, safe_href, script, stylesheet
from gmspolicy.i18n import FONT_STACK
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
from gmspolicy.query.views import (
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    TableView,
    View,
)
from gmspolicy.testing import check_exporter, hostile_texts

VOID = {"meta", "input", "br", "hr", "img", "link", "col", "area", "base", "wbr", "source"}

# -- a tiny DOM, built with the standard library's parser -----------------------------------


class Node:
    """An element: tag, attributes, children (nodes or text)."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.walk()
            if n.tag == tag
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}>"
        return found[0]

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.doctype = ""
        self.strays: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [a for a, _ in attrs]
        assert len(names) == len(set(names)), f"duplicate attribute in <{tag}>: {names}"
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.strays.append(f"</{tag}> closes <{self.current.tag}>")
            return
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    """Parse a page; fail on mismatched or unclosed tags."""
    b = _Builder()
    b.feed(html)
    b.close()
    assert b.strays == []
    assert b.current is b.root, f"unclosed <{b.current.tag}>"
    assert b.doctype == "DOCTYPE html"
    return b.root


def skeleton(root: Node) -> list[tuple[str, tuple[str, ...]]]:
    """The elements in document order with their attribute names: what injection changes."""
    return [(n.tag, tuple(sorted(n.attrs))) for n in root.walk()]


# -- data -----------------------------------------------------------------------------------

SEEN = dt.date(2024, 1, 31)


def build(t: Callable[[str], str], urls: dict[str, str] | None = None) -> PolicySet:
    """A small dataset whose every free-text field is ``t(field name)``."""
    u = {
        "source": "https://example.org/s1?a=1&b=2",
        "inst": "https://example.org/conv",
        "obs": "https://example.org/obs",
        "doc": "https://example.org/doc",
        **(urls or {}),
    }
    sources = [
        Source(
            "s1",
            u["source"],
            t("source.title"),
            t("source.publisher"),
            SEEN,
            note=t("source.note"),
            authority=Authority.OFFICIAL,
        ),
        Source(
            "s2",
            "https://example.org/s2",
            t("source2.title"),
            "Pub",
            SEEN,
            as_of=dt.date(2024, 1, 1),
            authority=Authority.OFFICIAL,
        ),
    ]
    countries = [
        Country("AAA", "AA", "001", t("country.a"), groups=(Group.GMS,), sources=("s1",)),
        Country("BBB", "BB", "002", t("country.b"), groups=(Group.GMS,), sources=("s1",)),
    ]
    instruments = [
        Instrument(
            "CONV",
            Body.UN,
            InstrumentKind.CONVENTION,
            t("inst.title"),
            t("inst.short"),
            adopted=dt.date(1990, 1, 1),
            url=u["inst"],
            sources=("s1",),
        ),
        Instrument(
            "OTHER",
            Body.ILO,
            InstrumentKind.CONVENTION,
            t("inst2.title"),
            t("inst2.short"),
            sources=("s1",),
        ),
    ]
    parts = [
        Participation(
            "AAA",
            "CONV",
            actions=(
                Action(ActionKind.SIGNATURE, dt.date(2001, 1, 1), ("s1",), note=t("action.note")),
                Action(ActionKind.RATIFICATION, dt.date(2005, 5, 5), ("s2", "s1")),
            ),
            reservations=(
                Reservation(
                    ReservationKind.RESERVATION, t("reservation"), dt.date(2005, 5, 5), ("s1",)
                ),
            ),
        ),
        Participation("BBB", "CONV", no_action=DatedFact(dt.date(2020, 1, 1), ("s2",))),
        Participation(
            "AAA",
            "OTHER",
            actions=(
                Action(ActionKind.ACCESSION, dt.date(2010, 2, 3), ("s1",)),
                Action(ActionKind.DENUNCIATION, dt.date(2015, 2, 3), ("s1",)),
            ),
        ),
    ]
    mous = [
        Mou(
            "m1",
            ("AAA", "BBB"),
            MouKind.EMPLOYMENT,
            t("mou.title"),
            signed=PartialDate(2003, 6),
            place=t("mou.place"),
            note=t("mou.note"),
            documents=(Document(t("mou.doc"), u["doc"]),),
            sources=("s1",),
        ),
    ]
    events = [
        Event(
            "e1",
            EventSeries.AFML,
            t("event.title"),
            PartialDate(2014, 11, 20),
            edition=7,
            end=PartialDate(2014, 11, 21),
            city=t("event.city"),
            country="AAA",
            theme=t("event.theme"),
            notes=t("event.notes"),
            outcome_documents=(Document(t("event.doc"), u["doc"]),),
            sources=("s1",),
        ),
    ]
    observations = [
        Observation(
            "o1",
            ObservationBody.CMW,
            ObservationKind.CONCLUDING_OBSERVATIONS,
            "AAA",
            u["obs"],
            instrument="CONV",
            adopted_year=2019,
            session=t("obs.session"),
            symbol=t("obs.symbol"),
            excerpts=(Excerpt(t("excerpt.paragraph"), t("excerpt.text")),),
            sources=("s2",),
        ),
        Observation(
            "o2",
            ObservationBody.UPR,
            ObservationKind.UPR_RECOMMENDATION,
            "BBB",
            u["obs"],
            adopted_year=2021,
            sources=("s2",),
        ),
    ]
    return PolicySet.build(
        countries=countries,
        instruments=instruments,
        participations=parts,
        mous=mous,
        events=events,
        sources=sources,
        observations=observations,
        today=dt.date(2025, 1, 1),
    )


FIELDS = (
    "source.title", "source.publisher", "source.note", "source2.title", "country.a",
    "country.b", "inst.title", "inst.short", "inst2.title", "inst2.short", "action.note",
    "reservation", "mou.title", "mou.place", "mou.note", "mou.doc", "event.title",
    "event.city", "event.theme", "event.notes", "event.doc", "obs.session", "obs.symbol",
    "excerpt.paragraph", "excerpt.text",
)  # fmt: skip


def plain(field: str) -> str:
    return field.replace(".", " ").title()


def views(pset: PolicySet, lang: str = "en") -> list[View]:
    return [
        TableView(pset, pset.matrix(), lang),
        DatasetView(pset, lang),
        EventsView(pset, pset.events, lang),
        MousView(pset, pset.mous, lang),
        ObservationsView(pset, pset.observations, lang),
        ProfileView(pset, pset.country("AAA"), None, lang),
    ]


def render(view: View) -> str:
    out = HtmlExporter().render(view)
    assert isinstance(out, str)
    return out


@pytest.fixture(scope="module")
def table() -> Node:
    pset = build(plain)
    return parse(render(TableView(pset, pset.matrix(), "en")))


# -- structure ------------------------------------------------------------------------------


def test_page_head_lang_and_csp(table: Node) -> None:
    html = table.find("html")
    assert html.attrs["lang"] == "en"
    style = table.find("style").text()
    js = table.find("script").text()
    assert style == stylesheet()
    assert js == script()
    assert FONT_STACK in style
    assert "@media print" in style

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    csp = table.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert csp == (
        f"default-src 'none'; style-src 'sha256-{sha(style)}'; "
        f"script-src 'sha256-{sha(js)}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    assert table.find("title").text() == "Ratification of UN, ILO and ASEAN instruments"


def test_nothing_loaded_from_anywhere(table: Node) -> None:
    for node in table.walk():
        assert "src" not in node.attrs, node.tag
        assert "style" not in node.attrs, node.tag
        assert not any(a.startswith("on") for a in node.attrs), node.tag
        if "href" in node.attrs:
            assert node.tag == "a"
            href = node.attrs["href"] or ""
            assert href.startswith(("#", "https://example.org/")), href
    assert table.find_all("link") == []
    assert table.find_all("img") == []
    assert len(table.find_all("script")) == 1


def test_caption_headings_and_sort_buttons(table: Node) -> None:
    t = table.find("table")
    assert t.find("caption").text() == (
        "Status of Country A, Country B as of the latest recorded facts (instruments: 2)"
    )
    heads = t.find("thead").find_all("th")
    assert [h.text() for h in heads] == ["Instrument", "Country A", "Country B"]
    for i, h in enumerate(heads):
        assert h.attrs["scope"] == "col"
        assert h.attrs["aria-sort"] == "none"
        button = h.find("button")
        assert button.attrs["type"] == "button"
        assert button.attrs["data-col"] == str(i)


def test_filter_box_is_labelled(table: Node) -> None:
    field = table.find("input")
    assert field.attrs["type"] == "search"
    assert field.attrs["data-filter-for"] == table.find("table").attrs["id"]
    label = table.find("label")
    assert label.attrs["for"] == field.attrs["id"]
    assert label.text() == "Filter rows"


def cells(root: Node, table: int = 0) -> list[list[str]]:
    """The texts of a table's body cells, row by row."""
    body = root.find_all("tbody")[table]
    return [[c.text() for c in row.children if isinstance(c, Node)] for row in body.find_all("tr")]


def test_cell_texts_refs_and_observation_links(table: Node) -> None:
    assert cells(table) == [
        ["Inst Short Inst Title", "ratified 2005-05-051,2 ※1", "no action (as of 2020-01-01)2"],
        ["Inst2 Short Inst2 Title", "denounced 2015-02-031", "unknown"],
    ]
    rows = table.find("tbody").find_all("tr")
    ratified, no_action = rows[0].find_all("td")
    denounced, unknown = rows[1].find_all("td")
    assert ratified.classes() == ["st", "st-party", "st-via-ratification"]
    assert no_action.classes() == ["st", "st-no-action"]
    assert denounced.classes() == ["st", "st-denounced"]
    assert unknown.classes() == ["st", "st-unknown"]
    assert [a.attrs["href"] for a in ratified.find_all("a")] == ["#src-1", "#src-2", "#obs-1"]
    link = ratified.find("a", href="#obs-1")
    assert link.attrs["aria-label"] == "Supervisory observations: 1"
    group = table.find("section", id="obs-1")
    assert group.find("h3").text() == "Country A — Inst Short"
    assert group.find("h4").text() == (
        "Country A · CMW · concluding observations · Inst Short · 20192"
    )
    assert group.find("blockquote").text() == "¶ Excerpt Paragraph Excerpt Text"
    assert group.find("a", href="https://example.org/obs").text() == "https://example.org/obs"
    # the UPR observation has no instrument: no cell links to it on the table page
    assert "UPR" not in table.text()


def test_sources_are_numbered_footnotes(table: Node) -> None:
    items = table.find("section", class_="sources").find_all("li")
    assert [li.attrs["id"] for li in items] == ["src-1", "src-2"]
    assert items[0].text() == (
        "Source Title, Source Publisher, https://example.org/s1?a=1&b=2 (seen 2024-01-31) "
        "Source Note"
    )
    assert items[0].find("a").attrs["href"] == "https://example.org/s1?a=1&b=2"
    assert items[1].text() == (
        "Source2 Title, Pub, https://example.org/s2 (seen 2024-01-31; current to 2024-01-01)"
    )


def test_legend_names_every_status_and_unknown_is_not_no_action(table: Node) -> None:
    items = table.find("section", class_="legend").find_all("li")
    assert [li.find("span").text() for li in items] == [
        "ratified", "acceded", "succession", "signed", "denounced", "withdrawn", "no action",
        "not yet adopted", "not applicable", "unknown", "\u2020",
    ]  # fmt: skip
    unknown = items[-2]
    assert unknown.find("span").classes() == ["swatch", "st", "st-unknown"]
    assert unknown.text() == (
        "unknown not yet confirmed in a source; this is NOT a statement that the country is "
        "not party"
    )
    style = stylesheet()
    rule = {
        sel: style.split(sel + "{", 1)[1].split("}", 1)[0]
        for sel in (".st-unknown", ".st-no-action")
    }
    assert rule[".st-unknown"] != rule[".st-no-action"]
    assert "dashed" in rule[".st-unknown"]


def test_coverage_and_footer(table: Node) -> None:
    assert table.find("p", class_="coverage").text() == "3 of 4 cells confirmed"
    assert table.find("footer").text() == (
        f"Generated by gmspolicy {__version__}. Every fact cites a source."
    )
    assert table.find("meta", name="generator").attrs["content"] == f"gmspolicy {__version__}"


@pytest.mark.parametrize(
    ("lang", "attr", "cell", "legend"),
    [
        ("th", "th", "ให้สัตยาบัน 2005-05-05", "คำอธิบายสัญลักษณ์"),
        ("zh", "zh-Hans", "已批准 2005-05-05", "图例"),
        ("vi", "vi", "đã phê chuẩn 2005-05-05", "Chú giải"),
    ],
)
def test_language(lang: str, attr: str, cell: str, legend: str) -> None:
    pset = build(plain)
    root = parse(render(TableView(pset, pset.matrix(), lang)))
    assert root.find("html").attrs["lang"] == attr
    assert cells(root)[0][1].startswith(cell)
    assert root.find("h2", id="legend-heading").text() == legend


def test_other_views() -> None:
    pset = build(plain)
    pages = {v.kind: parse(render(v)) for v in views(pset)}
    assert pages["events"].find("h1").text() == "Forums and events"
    assert cells(pages["events"]) == [[
        "AFML", "7", "2014-11-20 – 2014-11-21", "Event City, Country A",  # noqa: RUF001
        "Event Title1 Event Notes", "Event Theme", "Event Doc",
    ]]  # fmt: skip
    assert cells(pages["mous"]) == [[
        "Country A, Country B", "Mou Title1 Mou Note", "2003-06", "Mou Place", "", "Mou Doc",
    ]]  # fmt: skip
    obs = pages["observations"]
    # no section heading on this page: groups are h2, observations h3 (no level skipped)
    assert [h.text() for h in obs.find_all("h2")] == ["Country A", "Country B", "Sources"]
    assert [h.text() for h in obs.find_all("h3")] == [
        "Country A · CMW · concluding observations · Inst Short · 20191",
        "Country B · UPR · UPR recommendation · 20211",
    ]
    profile = pages["profile"]
    assert profile.find("h1").text() == "Country profile: Country A"
    assert cells(profile) == [
        ["Inst Short Inst Title", "ratified 2005-05-051,2 ※1",
         "2001-01-01 signature (Action Note)2005-05-05 ratification"],
        ["Inst2 Short Inst2 Title", "denounced 2015-02-031",
         "2010-02-03 accession2015-02-03 denunciation"],
    ]  # fmt: skip
    assert profile.find("section", class_="reservations").find("li").text() == (
        "Inst Short (reservation, 2005-05-05): Reservation1"
    )
    dataset = pages["dataset"]
    assert [h.text() for h in dataset.find_all("h2")] == [
        "Legend", "Memoranda of understanding", "Forums and events", "Supervisory observations",
        "Sources",
    ]  # fmt: skip
    assert [h.text() for h in dataset.find_all("h3")] == ["Country A — Inst Short", "Country B"]


def test_deterministic_and_contract() -> None:
    pset = build(plain)
    for view in views(pset):
        assert check_exporter(HtmlExporter(), view) == render(view)


def test_cli_writes_html_file(
    cli: Callable[..., tuple[int, str, str]], make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    code, out, err = cli("--data", str(root), "table", "--format", "html", "-o", "t.html")
    assert (code, out, err) == (0, "", "")
    page = parse(Path("t.html").read_text(encoding="utf-8"))
    assert cells(page) == [
        ["Conv A Convention", "no action (as of 2020-01-01)1", "ratified 2005-05-052,1"],
        ["Prot A Protocol", "unknown", "unknown"],
    ]
    assert [th.text() for th in page.find("thead").find_all("th")] == [
        "Instrument", "Lao PDR", "Thailand",
    ]  # fmt: skip


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.org/x", False),
        ("https://", False),
        ('https://example.org/"onmouseover="alert(1)', False),
        ("https://example.org/a b", False),
        ("https://example.org/\nx", False),
        ("", False),
    ],
)
def test_safe_href(url: str, ok: bool) -> None:
    assert (safe_href(url) == url) is ok


def test_unsafe_urls_are_shown_as_text() -> None:
    bad_obs = "javascript:alert(1)"
    # (no space: validation refuses spaces in URLs since issue 14.4)
    bad_doc = 'data:text/html,<b/onclick="x">'
    bad_source = 'https://example.org/"><script>alert(1)</script>'
    pset = build(plain, {"obs": bad_obs, "doc": bad_doc, "inst": "ftp://x", "source": bad_source})
    for view in views(pset):
        root = parse(render(view))
        hrefs = [n.attrs["href"] for n in root.walk() if "href" in n.attrs]
        assert all(h and h.startswith(("#", "https://example.org/s2")) for h in hrefs), hrefs
        assert len(root.find_all("script")) == 1
        text = root.text()
        if view.kind in ("table", "observations", "profile", "dataset"):
            assert bad_obs in text
        if view.kind in ("events", "mous", "dataset"):
            assert bad_doc in text
        if view.kind != "observations":  # the only view citing no source with that URL
            assert bad_source in text


# -- escaping -------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "\"quoted\" & 'single' &amp; &lt;b&gt;",
    "</td></tr></table><img src=x onerror=alert(1)>",
    "<!-- comment --> <![CDATA[x]]> {{ 7*7 }} {% raw %}",
    "a\nb\r\nc\td",
    "ພາສາລາວ ไทย မြန်မာ ខ្មែរ 中文 Tiếng Việt",
]


def check_escaped(texts: dict[str, str]) -> None:
    """Render every view with ``texts`` and with inert stand-ins of the same shape; the
    element and attribute skeletons must match, and every text shown must come back intact
    (a field is shown on a page where its stand-in is)."""
    names: dict[str, str] = {}
    counter = itertools.count()

    def stand_in(field: str) -> str:
        value = texts[field]
        if not value:
            return ""
        if value not in names:
            names[value] = f"\ue000{next(counter)}\ue001"
        return names[value]

    hostile, inert = build(texts.__getitem__), build(stand_in)
    for hv, iv in zip(views(hostile), views(inert), strict=True):
        page, ref = parse(render(hv)), parse(render(iv))
        assert skeleton(page) == skeleton(ref), hv.kind
        assert page.find("script").text() == script()
        assert page.find("style").text() == stylesheet()
        shown, expected = page.text(), ref.text()
        for field, value in texts.items():
            if value and stand_in(field) in expected:
                assert value in shown, (hv.kind, field, value)


def distinct_countries(texts: dict[str, str]) -> dict[str, str]:
    """Country names must differ (the dataset forbids two countries sharing a name)."""
    return {**texts, "country.a": "A " + texts["country.a"], "country.b": "B " + texts["country.b"]}


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_in_every_field(value: str) -> None:
    check_escaped(distinct_countries(dict.fromkeys(FIELDS, value)))


def test_each_field_reaches_the_page() -> None:
    """The stand-in check is only as good as its field list: each field must show."""
    texts = {f: f"<i>{f}</i>" for f in FIELDS}
    check_escaped(texts)
    pset = build(texts.__getitem__)
    everything = "".join(parse(render(v)).text() for v in views(pset))
    for f in FIELDS:
        assert f"<i>{f}</i>" in everything, f


@given(st.fixed_dictionaries(dict.fromkeys(FIELDS, hostile_texts)))
def test_hostile_texts_property(texts: dict[str, str]) -> None:
    check_escaped(distinct_countries(texts))
