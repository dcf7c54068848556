"""Issue 14.4: validation refuses what cannot be published, with FILE:LINE; whatever
validates exports in every format.

- A catalogue of records that parse but cannot be published (integers beyond 2**53 and
  with thousands of digits, year 0 and out-of-range partial dates, lone surrogates and
  control characters in text, spaces, CR/LF and control characters in URLs, ids outside
  the documented character set), each refused by ``gmspolicy validate`` with the exact
  line a user reads.
- A property: datasets built by ``gmspolicy.testing.policysets`` with hostile text,
  pushed to the edges of what is valid (integers of 2**53 - 1, year 1, astral and bidi
  characters, long ids), render in all six built-in formats.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reliability_kit import Run, count_example

from gmspolicy.dataset.validate import MAX_INTEGER
from gmspolicy.dates import PartialDate
from gmspolicy.i18n import LANGUAGES
from gmspolicy.plugins import exporters
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import DatasetView
from gmspolicy.testing import hostile_texts, policysets

EVENT = """\
- id: {id}
  series: AFML
  edition: {edition}
  title: {title}
  start: {start}
  country: THA
  sources: [s1]
"""
MOU = """\
- id: M1
  parties: [THA, LAO]
  kind: employment
  title: An MOU
  signed: {signed}
  documents: [{{title: Text, url: {url}}}]
  sources: [s1]
"""
SOURCE = """\
- id: {id}
  url: {url}
  title: A source
  publisher: Example
  authority: official
  seen: 2024-01-31
"""


def event(**kw: Any) -> str:
    return EVENT.format(**{"id": "E1", "edition": 1, "title": "t", "start": "2009", **kw})


def mou(**kw: Any) -> str:
    return MOU.format(**{"signed": "2003", "url": "https://example.org/m", **kw})


CASES: dict[str, tuple[dict[str, str], str]] = {
    "integer beyond 2**53": (
        {"events.yaml": event(edition=2**53)},
        "data/events.yaml:1: edition: integer out of range (at most 9007199254740991, what "
        "JSON readers and SQLite hold exactly)",
    ),
    "integer with thousands of digits": (
        {"events.yaml": event(edition="9" * 5000)},
        "data/events.yaml:3: invalid YAML: a number of 5000 characters (at most 24)",
    ),
    "year 0 in a partial date": (
        {"mous.yaml": mou(signed='"0000-05"')},
        "data/mous.yaml:5: signed: impossible date '0000-05'",
    ),
    "month 13 in a partial date": (
        {"mous.yaml": mou(signed='"2003-13"')},
        "data/mous.yaml:5: signed: impossible date '2003-13'",
    ),
    "year 0 in a CSV action": (
        {
            "participations.csv": "country,instrument,action,date,source,note\n"
            "THA,CONV,signature,0000,s1,\n"
        },
        "data/participations.csv:2: impossible date '0000'",
    ),
    "a CSV date of thousands of digits": (
        {
            "participations.csv": "country,instrument,action,date,source,note\n"
            "THA,CONV,signature," + "9" * 5000 + ",s1,\n"
        },
        f"data/participations.csv:2: invalid date '{'9' * 37}...': expected YYYY, YYYY-MM "
        "or YYYY-MM-DD",
    ),
    "year 0 as an observation's year": (
        {
            "observations.yaml": "- id: O1\n  body: CMW\n  kind: concluding_observations\n"
            "  country: THA\n  url: https://example.org/o\n  adopted_year: 0\n  sources: [s1]\n"
        },
        "data/observations.yaml:1: adopted_year: year 0 is outside 1-9999",
    ),
    "lone surrogate in text": (
        {"events.yaml": event(title='"a\\ud800b"')},
        "data/events.yaml:1: title: text contains a lone surrogate (U+D800) that cannot be "
        "written as UTF-8",
    ),
    "escape sequence in text": (
        {"events.yaml": event(title='"red \\e[31m text"')},
        "data/events.yaml:1: title: text contains control character U+001B",
    ),
    "C1 control in a CSV note": (
        {
            "participations.csv": "country,instrument,action,date,source,note\n"
            "THA,CONV,signature,2001-01-01,s1,a\x9bb\n"
        },
        "data/participations.csv:2: note: text contains control character U+009B",
    ),
    "space in a URL": (
        {"mous.yaml": mou(url='"https://example.org/a b"')},
        "data/mous.yaml:1: documents[0].url: URL contains a space (U+0020)",
    ),
    "CR/LF in a URL": (
        {
            "sources.yaml": SOURCE.format(id="s1", url='"https://example.org/\\r\\nSet-Cookie: x"')
            + SOURCE.format(id="s2", url="https://example.org/s2")
        },
        "data/sources.yaml:1: url: URL contains control character U+000D",
    ),
    "no-break space in a URL": (
        {
            "sources.yaml": SOURCE.format(id="s1", url='"https://example.org/\\u00a0x"')
            + SOURCE.format(id="s2", url="https://example.org/s2")
        },
        "data/sources.yaml:1: url: URL contains a space (U+00A0)",
    ),
    "source id in upper case": (
        {
            "sources.yaml": SOURCE.format(id="S1", url="https://example.org/")
            + SOURCE.format(id="s1", url="https://example.org/")
            + SOURCE.format(id="s2", url="https://example.org/s2")
        },
        "data/sources.yaml:1: source id 'S1' must be 1-64 characters of [a-z0-9._-], "
        "starting with a letter or digit",
    ),
    "event id with markup": (
        {"events.yaml": event(id='"E<1>"')},
        "data/events.yaml:1: event id 'E<1>' must be 1-64 characters of [A-Za-z0-9._-], "
        "starting with a letter or digit",
    ),
    "event id too long": (
        {"events.yaml": event(id="E" * 65)},
        f"data/events.yaml:1: event id '{'E' * 65}' must be 1-64 characters of "
        "[A-Za-z0-9._-], starting with a letter or digit",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unpublishable_records_are_refused_with_their_line(
    case: str, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    files, message = CASES[case]
    make_dataset(**files)
    assert cli("--no-cache", "--data", "data", "validate") == (1, "", message + "\n")


def test_the_edges_of_valid_are_accepted(cli: Run, make_dataset: Callable[..., Path]) -> None:
    make_dataset(
        **{
            "events.yaml": event(edition=MAX_INTEGER, id="E" * 64, start='"0001"'),
            "mous.yaml": mou(signed='"0001-01"', url="https://example.org/%E2%9C%93?q=ไทย"),
        }
    )
    code, out, err = cli("--no-cache", "--data", "data", "validate")
    assert (code, err) == (0, "") and out.startswith("ok: ")


# -- whatever validates exports -----------------------------------------------------------

EDGE_TEXT = st.one_of(
    hostile_texts,
    st.sampled_from(
        [
            "\u202eevil\u202c \u200b\u200d\ufeff",  # bidi override, zero-width, BOM
            "\U0001d54f\U0001f3f3\ufe0f\u200d\U0001f308\U0010fffd",  # astral, ZWJ sequence, last plane
            "- item\n+ item\n1. item\n> quote\n# head\n```\ncode",
            "\r\n\u2028\u2029\t",
            "=" * 40,
        ]
    ),
)


def _at_the_edges(pset: PolicySet, big: int, year: int) -> PolicySet:
    """The same records with integers and years pushed to the limits of what is valid."""
    events = [attrs.evolve(e, edition=big, start=PartialDate(year), end=None) for e in pset.events]
    observations = [
        attrs.evolve(o, adopted_year=year, published_year=year) for o in pset.observations
    ]
    mous = [
        attrs.evolve(m, signed=PartialDate(year), entry_into_force=None, expiry=None)
        for m in pset.mous
    ]
    return PolicySet.build(
        countries=pset.countries,
        instruments=pset.instruments,
        participations=pset.participations,
        mous=mous,
        events=events,
        sources=pset.sources,
        observations=observations,
        today=dt.date(2025, 1, 1),
    )


@settings(max_examples=30)
@given(
    pset=policysets(text=EDGE_TEXT),
    big=st.sampled_from([1, MAX_INTEGER]),
    year=st.sampled_from([1, 1000, 2024]),
    lang=st.sampled_from(LANGUAGES),
)
def test_whatever_validates_exports_in_every_format(
    pset: PolicySet, big: int, year: int, lang: str
) -> None:
    count_example("every format exports what validates")
    edged = _at_the_edges(pset, big, year)
    registry = exporters()
    names = sorted(registry.names())
    assert {"csv", "html", "ics", "json", "markdown", "sqlite"} <= set(names)
    for name in ("csv", "html", "ics", "json", "markdown", "sqlite"):
        exporter = registry.get(name)
        data = exporter.render(DatasetView(edged, lang))
        assert isinstance(data, str | bytes) and data, name
        if isinstance(data, str):
            data.encode("utf-8")  # writable as UTF-8
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "out.sqlite"
                path.write_bytes(data if isinstance(data, bytes) else data.encode())
                with sqlite3.connect(path) as db:
                    assert db.execute("pragma integrity_check").fetchone() == ("ok",)


# -- measured: validation's work on hostile text -------------------------------------------

CHECK_SIZE = 1_000_000
_CHECK_SETUP = """
import datetime as dt
from gmspolicy.dataset.validate import publishable
from gmspolicy.models import Authority, Source
def run(text):
    publishable(Source("s1", "https://example.org/" + text[:1000], text, text,
                       dt.date(2024, 1, 1), None, text, authority=Authority.OFFICIAL))
"""


HOSTILE_CHECKS = {
    "control character at the very end": f"'a' * ({CHECK_SIZE} - 1) + '\\x1b'",
    "every character a bidi or zero-width mark": f"'\\u202e\\u200b' * ({CHECK_SIZE} // 2)",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CHECKS))
def test_validation_work_on_hostile_text(case: str) -> None:
    from hostile_kit import measure, record

    result = measure(_CHECK_SETUP, f"'a' * {CHECK_SIZE}", HOSTILE_CHECKS[case])
    record("14.4 validation of text", case, result)
    assert result["memory_ratio"] < 20, result
