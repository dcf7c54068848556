"""Tables in the reader's language: instrument names from ``locales/instruments.json`` in
every place an instrument is named (Markdown, HTML, CSV; table, show, observations), date
ranges and lists formatted with CLDR (babel), Chinese punctuation; English unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from importlib import resources
from typing import Any

import pytest
from babel.dates import format_interval, format_skeleton
from babel.lists import format_list

import gmspolicy
from gmspolicy.dates import PartialDate
from gmspolicy.exporters.csv_export import CsvExporter
from gmspolicy.exporters.html import HtmlExporter
from gmspolicy.exporters.markdown import MarkdownExporter, escape_cell, escape_text
from gmspolicy.i18n import LANGUAGES, Labels
from gmspolicy.models import Group
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import (
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    TableView,
)

#: Full-width parentheses, colon and comma (written as escapes: they look like ASCII).
FW_OPEN, FW_CLOSE, FW_COLON, FW_COMMA = "\uff08", "\uff09", "\uff1a", "\uff0c"

OTHERS = [lang for lang in LANGUAGES if lang != "en"]
NAMES: dict[str, Any] = json.loads(
    resources.files("gmspolicy").joinpath("locales", "instruments.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return gmspolicy.load_dataset()


def text(out: str | bytes) -> str:
    assert isinstance(out, str)
    return out


def short(ident: str, lang: str) -> str:
    name: str = NAMES[ident][lang]["short_name"]
    return name


def title(ident: str, lang: str) -> str:
    name: str = NAMES[ident][lang]["title"]
    return name


# -- the locale data --------------------------------------------------------------------------


def test_every_bundled_instrument_has_a_name_in_every_language(bundled: PolicySet) -> None:
    readme = resources.files("gmspolicy").joinpath("locales", "README.md").read_text("utf-8")
    for inst in bundled.instruments:
        entries = NAMES[inst.id]
        assert sorted(entries) == sorted(LANGUAGES), inst.id
        assert (entries["en"]["short_name"], entries["en"]["title"]) == (
            inst.short_name,
            inst.title,
        )
        for lang in OTHERS:
            e = entries[lang]
            assert e["short_name"].strip() and e["title"].strip(), (inst.id, lang)
            if e["draft"]:  # a draft is listed for review in the README
                assert f"| {inst.id} | " in readme and f"({lang}) | {e['title']}" in readme
            else:  # a sourced name says where it was read
                assert e["source"].startswith(("http://", "https://")), (inst.id, lang)
                assert e["source_title"], (inst.id, lang)


def test_labels_give_localised_names_and_english_falls_back(bundled: PolicySet) -> None:
    inst = bundled.instrument("ILO-C029")
    assert Labels("en").instrument_name(inst) == inst.short_name
    assert Labels("en").instrument_title(inst) == inst.title
    for lang in OTHERS:
        assert Labels(lang).instrument_name(inst) == short("ILO-C029", lang)
        assert Labels(lang).instrument_title(inst) == title("ILO-C029", lang)
    # an instrument the locale file does not know keeps the dataset's names
    other = bundled.instrument("ICRMW")
    import attrs

    unknown = attrs.evolve(other, id="X-LOCAL", short_name="Local act", title="A local act")
    assert Labels("th").instrument_name(unknown) == "Local act"
    assert Labels("th").instrument_title(unknown) == "A local act"


# -- every place an instrument is named -------------------------------------------------------


@pytest.mark.parametrize("lang", OTHERS)
def test_markdown_table_rows(bundled: PolicySet, lang: str) -> None:
    m = bundled.matrix(group=Group.GMS)
    out = text(MarkdownExporter().render(TableView(bundled, m, lang)))
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    labels = [row[2:].split(" | ")[0] for row in rows[1:]]
    assert labels == [escape_cell(short(i.id, lang)) for i in m.instruments]
    for i in m.instruments:
        if short(i.id, lang) != i.short_name:
            assert f"| {escape_cell(i.short_name)} |" not in out


@pytest.mark.parametrize("lang", OTHERS)
def test_html_table_rows(bundled: PolicySet, lang: str) -> None:
    m = bundled.matrix(group=Group.GMS)
    out = text(HtmlExporter().render(TableView(bundled, m, lang)))
    from markupsafe import escape

    for i in m.instruments:
        name, full = short(i.id, lang), title(i.id, lang)
        assert f'<th scope="row" data-sort="{escape(name)}">' in out, (lang, i.id)
        if full != name:
            assert f'<span class="sub">{escape(full)}</span>' in out
        if i.short_name != name:
            assert f'data-sort="{escape(i.short_name)}"' not in out


@pytest.mark.parametrize("lang", OTHERS)
def test_csv_names(bundled: PolicySet, lang: str) -> None:
    m = bundled.matrix(group=Group.GMS)
    table = list(
        csv.DictReader(io.StringIO(text(CsvExporter().render(TableView(bundled, m, lang)))))
    )
    assert len(table) == len(m.countries) * len(m.instruments)
    assert all(r["instrument_name"] == short(r["instrument"], lang) for r in table)
    dataset = list(
        csv.DictReader(io.StringIO(text(CsvExporter().render(DatasetView(bundled, lang)))))
    )
    assert dataset
    assert all(r["instrument_title"] == title(r["instrument"], lang) for r in dataset)


@pytest.mark.parametrize("lang", OTHERS)
def test_show_and_observations(bundled: PolicySet, lang: str) -> None:
    country = bundled.country("THA")
    md = text(MarkdownExporter().render(ProfileView(bundled, country, None, lang)))
    for i in bundled.instruments:
        assert f"| {escape_cell(short(i.id, lang))} | " in md
    html = text(HtmlExporter().render(ProfileView(bundled, country, None, lang)))
    from markupsafe import escape

    for i in bundled.instruments:
        assert f'data-sort="{escape(short(i.id, lang))}"' in html
    obs = [o for o in bundled.observations if o.instrument]
    assert obs
    md = text(MarkdownExporter().render(ObservationsView(bundled, tuple(obs), lang)))
    html = text(HtmlExporter().render(ObservationsView(bundled, tuple(obs), lang)))
    for o in obs:
        assert o.instrument is not None
        name = short(o.instrument, lang)
        assert escape_text(name) in md
        assert str(escape(name)) in html
        if name != bundled.instrument(o.instrument).short_name:
            assert f" · {escape_text(bundled.instrument(o.instrument).short_name)} · " not in md


def test_english_keeps_the_dataset_names(bundled: PolicySet) -> None:
    m = bundled.matrix(group=Group.GMS)
    out = text(MarkdownExporter().render(TableView(bundled, m, "en")))
    for i in m.instruments:
        assert f"| {escape_cell(i.short_name)} | " in out
    names = ", ".join(Labels("en").country_name(c) for c in m.countries)
    assert f"Status of {names} as of" in out


# -- dates and lists --------------------------------------------------------------------------


def _range(lang: str, start: str, end: str) -> str:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return str(format_interval(a, b, "yMMMd", locale=lang))


@pytest.mark.parametrize("lang", OTHERS)
def test_event_date_ranges(bundled: PolicySet, lang: str) -> None:
    events = [e for e in bundled.events if e.end is not None and e.end != e.start]
    full = [e for e in events if e.start.is_full and e.end is not None and e.end.is_full]
    assert full
    md = text(MarkdownExporter().render(EventsView(bundled, tuple(events), lang)))
    html = text(HtmlExporter().render(EventsView(bundled, tuple(events), lang)))
    from markupsafe import escape

    for e in full:
        expected = _range(lang, str(e.start), str(e.end))
        assert f"| {escape_cell(expected)} |" in md, (lang, e.id)
        assert f">{escape(expected)}</td>" in html
        assert f"{e.start} to {e.end}" not in md
        assert f"{e.start} \u2013 {e.end}" not in html


def test_date_ranges_by_precision() -> None:
    th, zh, en = Labels("th"), Labels("zh"), Labels("en")
    p = PartialDate.parse
    assert zh.date_range(p("2009-07-30"), p("2009-07-31")) == _range(
        "zh", "2009-07-30", "2009-07-31"
    )
    assert zh.date_range(p("2009-07-30"), p("2009-07-31")).startswith("2009年7月30日")
    assert th.date_range(p("2009-07-30"), p("2009-08-02")) == _range(
        "th", "2009-07-30", "2009-08-02"
    )
    # known to the month at both ends: a month interval
    assert zh.date_range(p("2016-11"), p("2017-02")) == str(
        format_interval(dt.date(2016, 11, 1), dt.date(2017, 2, 1), "yMMM", locale="zh")
    )
    # mixed precision: each end as known, joined by the language's interval pattern
    day = str(format_skeleton("yMMMd", dt.date(2012, 12, 30), locale="th"))
    month = str(format_skeleton("yMMM", dt.date(2013, 1, 1), locale="th"))
    assert th.date_range(p("2012-12-30"), p("2013-01")) == f"{day} \u2013 {month}"
    # a single date, and a year
    assert th.date_range(p("2016-11"), None) == str(
        format_skeleton("yMMM", dt.date(2016, 11, 1), locale="th")
    )
    assert th.date_range(p("2012"), None) == "2012"
    # English keeps ISO dates
    assert en.date_range(p("2009-07-30"), p("2009-07-31")) == "2009-07-30 to 2009-07-31"
    assert en.date_range(p("2016-11"), None) == "2016-11"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lists(lang: str) -> None:
    labels = Labels(lang)
    items = ["A", "B", "C"]
    if lang == "en":
        assert labels.join(items) == "A, B, C"
    else:
        assert labels.join(items) == format_list(items, locale=lang)
    assert labels.join(items, style="or") == format_list(items, style="or", locale=lang)
    assert labels.join([]) == ""
    with pytest.raises(ValueError, match="list style 'unit'"):
        labels.join(items, style="unit")  # type: ignore[arg-type]


def test_chinese_punctuation(bundled: PolicySet) -> None:
    m = bundled.matrix(group=Group.GMS)
    out = text(MarkdownExporter().render(TableView(bundled, m, "zh")))
    names = [Labels("zh").country_name(c) for c in m.countries]
    caption = out.splitlines()[2]
    assert "、".join(names[:-1]) + "和" + names[-1] in caption
    assert ", " not in caption
    # MOU parties: a CLDR list; history notes in full-width parentheses
    mous = tuple(mo for mo in bundled.mous if len(set(mo.parties)) == 2)
    md = text(MarkdownExporter().render(MousView(bundled, mous, "zh")))
    first = mous[0]
    pair = "和".join(Labels("zh").country_name(bundled.country(c)) for c in first.parties)
    assert f"| {escape_cell(pair)} |" in md
    labels = Labels("zh")
    assert labels.paren("注") == f"{FW_OPEN}注{FW_CLOSE}"
    assert labels.punct("colon") == FW_COLON
    assert labels.punct("comma") == FW_COMMA
    noted = [
        (p.country, p.instrument) for p in bundled.participations if any(a.note for a in p.actions)
    ]
    assert noted  # the bundled data has notes on actions
    if noted:
        c, i = noted[0]
        prof = text(MarkdownExporter().render(ProfileView(bundled, bundled.country(c), None, "zh")))
        note = next(a.note for a in bundled.participation(c, i).actions if a.note)  # type: ignore[union-attr]
        assert escape_cell(FW_OPEN + note + FW_CLOSE) in prof
        assert re.search(re.escape(escape_cell(" (" + note + ")")), prof) is None
    # the observation count on a cell: full-width colon
    html = text(HtmlExporter().render(TableView(bundled, m, "zh")))
    heading = Labels("zh")("heading.observations")
    assert f'aria-label="{heading}{FW_COLON}' in html
    assert f'aria-label="{heading}:' not in html
