"""Civil-society submission deadlines of reviews (issue 18): read, validated, in the JSON
feed, the SQLite export, the reviews listing and the calendar. Fixture datasets only: the
bundled dataset records none yet."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar
from reviews_data import REVIEWS, SOURCES, write_reviews_dataset

from gmspolicy.dataset import load_dataset
from gmspolicy.dates import PartialDate
from gmspolicy.errors import DataError
from gmspolicy.schema import load_schema

Run = Callable[..., tuple[int, str, str]]
TODAY = dt.date(2026, 12, 1)

CALL_SOURCE = """\
- id: call
  url: https://example.org/call-for-input
  title: Call for written submissions <i>
  publisher: OHCHR
  authority: official
  seen: 2024-01-31
"""

UPCOMING = """\
- id: crc-tha-2031
  country: THA
  mechanism: CRC
  report: combined fifth and sixth periodic reports
  session: 110th session
  start: 2031-05-12
  end: 2031-05-13
  status: scheduled
  civil_society_deadline: 2031-03-01
  sources: [s2]
  field_sources: {civil_society_deadline: [call]}
- id: cedaw-lao-2031
  country: LAO
  mechanism: CEDAW
  report: tenth periodic report
  start: 2031-06
  status: scheduled
  civil_society_deadline: 2031-04
  sources: [s2]
  field_sources: {civil_society_deadline: [call]}
"""


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_reviews_dataset(
        tmp_path / "data", sources_yaml=SOURCES + CALL_SOURCE, reviews_yaml=REVIEWS + UPCOMING
    )


def run_ok(cli: Run, *args: str) -> str:
    code, out, err = cli("--data", "data", *args)
    assert (code, err) == (0, ""), err
    return out


def test_read_with_its_own_source(data: Path) -> None:
    pset = load_dataset(data, today=TODAY)
    crc = next(r for r in pset.review_records if r.id == "crc-tha-2031")
    assert crc.civil_society_deadline == PartialDate(2031, 3, 1)
    assert crc.sources_of("civil_society_deadline") == ("call",)
    assert crc.all_sources == ("s2", "call")
    others = [r for r in pset.review_records if r.id not in ("crc-tha-2031", "cedaw-lao-2031")]
    assert others and all(r.civil_society_deadline is None for r in others)


def test_a_deadline_after_the_start_or_without_its_own_source_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = """\
- id: crc-tha-2031
  country: THA
  mechanism: CRC
  report: combined fifth and sixth periodic reports
  start: 2031-05-12
  status: scheduled
  civil_society_deadline: 2031-05-13
  sources: [s2]
  field_sources: {civil_society_deadline: [call]}
- id: cedaw-lao-2031
  country: LAO
  mechanism: CEDAW
  report: tenth periodic report
  start: 2031-06
  status: scheduled
  civil_society_deadline: 2031-05
  sources: [s2]
- id: cedaw-tha-2032
  country: THA
  mechanism: CEDAW
  report: ninth periodic report
  start: 2032-02
  status: scheduled
  civil_society_deadline: 2032-03-01
  sources: [s2]
  field_sources: {civil_society_deadline: [call]}
"""
    root = write_reviews_dataset(
        tmp_path / "data", sources_yaml=SOURCES + CALL_SOURCE, reviews_yaml=REVIEWS + bad
    )
    with pytest.raises(DataError) as err:
        load_dataset(root, today=TODAY)
    first = REVIEWS.count("\n") + 1
    assert list(err.value.lines()) == [
        f"data/reviews.yaml:{first}: review crc-tha-2031: civil-society deadline 2031-05-13 "
        "is after the review starts (2031-05-12)",
        f"data/reviews.yaml:{first + 9}: review cedaw-lao-2031: civil_society_deadline "
        "2031-05 has no source of its own (name it in field_sources)",
        f"data/reviews.yaml:{first + 17}: review cedaw-tha-2032: civil-society deadline "
        "2032-03-01 is after the review starts (2032-02)",
    ]


def test_a_deadline_in_the_month_the_review_starts_is_not_provably_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    same_month = UPCOMING.replace(
        "civil_society_deadline: 2031-04", "civil_society_deadline: 2031-06-20"
    )
    root = write_reviews_dataset(
        tmp_path / "data", sources_yaml=SOURCES + CALL_SOURCE, reviews_yaml=REVIEWS + same_month
    )
    pset = load_dataset(root, today=TODAY)
    lao = next(r for r in pset.review_records if r.id == "cedaw-lao-2031")
    assert lao.civil_society_deadline == PartialDate(2031, 6, 20)


def test_calendar_has_each_deadline_as_its_own_event(cli: Run, data: Path) -> None:
    cal = Calendar.from_ical(run_ok(cli, "reviews", "--upcoming", "--format", "ics"))
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert "csd-crc-tha-2031@gmspolicy" in events
    assert "crc-tha-2031@gmspolicy" in events  # the review keeps its own event
    csd = events["csd-crc-tha-2031@gmspolicy"]
    assert str(csd["summary"]) == "CRC review of Thailand: civil-society submissions due"
    assert csd.decoded("dtstart") == dt.date(2031, 3, 1)
    assert csd.decoded("dtend") == dt.date(2031, 3, 2)
    assert [str(c) for c in csd["categories"].cats] == ["CRC", "civil-society-deadline"]
    description = str(csd["description"])
    assert description.splitlines() == [
        "review: 2031-05-12/2031-05-13",
        "110th session",
        "Sources:",
        "- Call for written submissions <i>, OHCHR, https://example.org/call-for-input "
        "(seen 2024-01-31)",
    ]
    # a deadline known only to the month is named, never given a guessed day
    skipped = [str(v) for v in cal.get("x-gmspolicy-skipped")]
    assert "csd-cedaw-lao-2031: 2031-04 is not a full date" in skipped
    assert not any(uid.startswith("csd-cedaw-lao") for uid in events)


def test_reviews_listing_shows_the_deadlines_with_their_sources(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--upcoming")
    head = out.index("## Civil-society submission deadlines")
    table = out[head:].split("\n\n")[1].splitlines()
    assert table[0] == "| Country | Mechanism | Cycle or report | Dates | Deadline |"
    rows = table[2:]
    assert rows[0].startswith("| Thailand[^")
    assert rows[0].endswith(
        "| CRC | combined fifth and sixth periodic reports | 2031-05-12/2031-05-13 | 2031-03-01 |"
    )
    assert rows[1].endswith("| CEDAW | tenth periodic report | 2031-06 | 2031-04 |")
    note = rows[0].split("[^")[1].split("]")[0]
    assert f"[^{note}]: Call for written submissions \\<i\\>, OHCHR" in out
    html = run_ok(cli, "reviews", "--upcoming", "--format", "html")
    assert "Civil-society submission deadlines" in html
    assert "Call for written submissions &lt;i&gt;" in html and "<i>," not in html


def test_no_deadline_no_section(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_reviews_dataset(tmp_path / "data")
    out = run_ok(cli, "reviews", "--upcoming")
    assert "Civil-society" not in out
    cal = Calendar.from_ical(run_ok(cli, "reviews", "--upcoming", "--format", "ics"))
    assert not [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("csd-")]


def test_json_feed_and_sqlite_carry_the_deadline(cli: Run, data: Path) -> None:
    doc = json.loads(run_ok(cli, "reviews", "--upcoming", "--format", "json"))
    jsonschema.validate(doc, load_schema())
    by_id = {r["id"]: r for r in doc["reviews"]}
    assert by_id["crc-tha-2031"]["civil_society_deadline"] == "2031-03-01"
    assert by_id["crc-tha-2031"]["field_sources"] == {"civil_society_deadline": ["call"]}
    assert by_id["cedaw-lao-2031"]["civil_society_deadline"] == "2031-04"
    assert by_id["upr-tha-4"]["civil_society_deadline"] is None
    feed = json.loads(run_ok(cli, "export", "--format", "json"))
    jsonschema.validate(feed, load_schema())
    assert {r["id"]: r["civil_society_deadline"] for r in feed["reviews"]}["crc-tha-2031"] == (
        "2031-03-01"
    )
    run_ok(cli, "export", "--format", "sqlite", "-o", "all.db")
    db = sqlite3.connect("all.db")
    assert db.execute(
        "SELECT id, civil_society_deadline FROM reviews "
        "WHERE civil_society_deadline IS NOT NULL ORDER BY id"
    ).fetchall() == [("cedaw-lao-2031", "2031-04"), ("crc-tha-2031", "2031-03-01")]
    assert db.execute(
        "SELECT source_id FROM review_sources "
        "WHERE review_id = 'crc-tha-2031' AND field = 'civil_society_deadline'"
    ).fetchall() == [("call",)]


def test_feed_round_trips_and_diff_sees_a_changed_deadline(
    cli: Run, data: Path, tmp_path: Path
) -> None:
    run_ok(cli, "export", "--format", "json", "-o", "feed.json")
    assert cli("diff", "data", "feed.json") == (0, "no changes\n", "")
    moved = (REVIEWS + UPCOMING).replace(
        "civil_society_deadline: 2031-03-01", "civil_society_deadline: 2031-03-15"
    )
    write_reviews_dataset(
        tmp_path / "moved", sources_yaml=SOURCES + CALL_SOURCE, reviews_yaml=moved
    )
    code, out, err = cli("diff", "feed.json", "moved")
    assert (code, err) == (0, "")
    assert out == "corrected: review crc-tha-2031 corrected\n"
