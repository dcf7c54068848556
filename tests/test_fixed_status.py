"""Statuses that follow from the instrument alone: not yet adopted, not applicable."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.errors import DataError
from gmspolicy.models import StatusKind
from tests.conftest import COUNTRIES, INSTRUMENTS

D = dt.date

# China is in no group here; the ASEAN convention is open only to ASEAN members.
WITH_CHINA = (
    COUNTRIES
    + """\
- code: CHN
  alpha2: CN
  m49: "156"
  name: China
  groups: [GMS]
  sources: [s1]
"""
)
WITH_ASEAN = (
    INSTRUMENTS
    + """\
- id: ACONV
  body: ASEAN
  kind: convention
  title: An ASEAN Convention
  short_name: AConv
  adopted: 2015-11-21
  open_to: ASEAN
  sources: [s1]
"""
)

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def data(make_dataset: Callable[..., Path]) -> Path:
    return make_dataset(countries_yaml=WITH_CHINA, instruments_yaml=WITH_ASEAN)


def test_a_group_instrument_is_not_applicable_to_a_non_member(data: Path) -> None:
    pset = load_dataset(data)
    assert pset.status("CHN", "ACONV").kind is StatusKind.NOT_APPLICABLE
    # A member with nothing recorded stays unknown, never "no action".
    assert pset.status("THA", "ACONV").kind is StatusKind.UNKNOWN
    # Not applicable whatever the date.
    assert pset.status("CHN", "ACONV", D(2000, 1, 1)).kind is StatusKind.NOT_APPLICABLE
    m = pset.matrix(["CHN", "THA"], ["ACONV", "CONV"])
    assert m.cell("CHN", "ACONV").status.kind is StatusKind.NOT_APPLICABLE
    assert m.cell("CHN", "CONV").status.kind is StatusKind.UNKNOWN
    assert m.coverage() == (2, 4)  # CHN x ACONV is settled; THA x CONV is party


def test_before_adoption_is_not_yet_adopted(data: Path) -> None:
    pset = load_dataset(data)
    # LAO has a no_action row on CONV (adopted 1990-12-18) dated 2020.
    assert pset.status("LAO", "CONV", D(1990, 12, 17)).kind is StatusKind.NOT_ADOPTED
    assert pset.status("LAO", "CONV", D(1990, 12, 18)).kind is StatusKind.NO_ACTION
    assert pset.status("THA", "ACONV", D(2015, 11, 20)).kind is StatusKind.NOT_ADOPTED
    assert pset.status("THA", "ACONV", D(2015, 11, 21)).kind is StatusKind.UNKNOWN
    m = pset.matrix(["THA", "LAO"], ["CONV", "PROT"], as_of=D(1995, 1, 1))
    assert [m.cell(c, "PROT").status.kind for c in ("THA", "LAO")] == [
        StatusKind.NOT_ADOPTED,
        StatusKind.NOT_ADOPTED,
    ]
    assert m.cell("LAO", "CONV").status.kind is StatusKind.NO_ACTION


def test_a_row_for_a_non_member_is_refused(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        countries_yaml=WITH_CHINA,
        instruments_yaml=WITH_ASEAN,
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,ACONV,signature,2015-11-21,s1,
        CHN,ACONV,no_action,2020-01-01,s1,not among the signatories
        """,
    )
    with pytest.raises(DataError) as info:
        load_dataset(root)
    assert [str(p) for p in info.value.problems] == [
        "data/participations.csv:3: ACONV is open only to ASEAN members and CHN is not one: "
        "its status is 'not applicable', remove this row"
    ]


def test_every_format_says_it(cli: Run, data: Path) -> None:
    args = ("--data", str(data), "table", "--countries", "CHN,THA", "--as-of", "2010-01-01")
    code, out, err = cli(*args, "--instruments", "ACONV,PROT")
    assert (code, err) == (0, "")
    # both cells cite the instrument's own sources (s1 here): every cell cites a source
    assert "| AConv | not applicable[^1] | not yet adopted[^1] |" in out
    assert "[^1]: Source one, Example, <https://example.org/s1> (seen 2024-01-31)" in out
    assert "- not yet adopted: the instrument had not been adopted by the date asked about" in out
    code, out, _ = cli(*args, "--instruments", "ACONV", "--format", "json")
    cells = {c["country"]: (c["status"], c["sources"]) for c in json.loads(out)["cells"]}
    assert cells == {"CHN": ("not_applicable", ["s1"]), "THA": ("not_adopted", ["s1"])}
    code, out, _ = cli(*args, "--instruments", "ACONV", "--format", "html")
    assert '<td class="st st-not-applicable"' in out
    code, out, _ = cli(*args, "--instruments", "ACONV", "--format", "markdown", "--lang", "th")
    assert "ไม่เกี่ยวข้อง" in out and "ยังไม่ได้รับรอง" in out


def test_sqlite_and_feed_carry_open_to(cli: Run, data: Path, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "d.sqlite"
    assert cli("--data", str(data), "export", "--format", "sqlite", "-o", str(db))[0] == 0
    with sqlite3.connect(db) as con:
        rows = dict(con.execute("SELECT id, open_to FROM instruments").fetchall())
    assert rows == {"CONV": None, "PROT": None, "ACONV": "ASEAN"}
    _, out, _ = cli("--data", str(data), "export")
    assert {i["id"]: i["open_to"] for i in json.loads(out)["instruments"]} == rows
