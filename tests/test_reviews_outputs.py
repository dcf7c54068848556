"""`gmspolicy reviews` in every format, the reporting section of `show`, review links in
the HTML table, the JSON feed and the SQLite export (issue 18)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar
from reviews_data import REPORTING, REVIEWS, write_reviews_dataset

from gmspolicy.schema import load_schema

Run = Callable[..., tuple[int, str, str]]

EXTRA_REVIEWS = (
    REVIEWS
    + """\
- id: crc-tha-2031
  country: THA
  mechanism: CRC
  report: combined fifth and sixth periodic reports
  start: 2031-05-12
  end: 2031-05-13
  status: scheduled
  sources: [s2]
  note: Scheduled <script>alert(1)</script>
"""
)

EXTRA_REPORTING = (
    REPORTING
    + """\
- country: THA
  mechanism: CRC
  report: combined fifth and sixth periodic reports
  due: 2030-09-25
  submitted: null
  as_of: 2023-06-30
  sources: [rep]
"""
)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_reviews_dataset(
        tmp_path / "data", reviews_yaml=EXTRA_REVIEWS, reporting_yaml=EXTRA_REPORTING
    )


def run_ok(cli: Run, *args: str) -> str:
    code, out, err = cli("--data", "data", *args)
    assert (code, err) == (0, ""), err
    assert "MAINTAINERS-ONLY" not in out  # research notes are never shown
    return out


def test_markdown(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--country", "Thailand", "--mechanism", "cedaw")
    lines = out.splitlines()
    assert lines[:3] == ["# Reviews", "", "As of the latest recorded facts."]
    assert (
        "| Thailand[^1] | CEDAW | combined sixth and seventh periodic reports | 67th session "
        "| 2017-07-04 | held | CEDAW/C/THA/CO/6-7 | 2021-07 |  |" in lines
    )
    assert (
        "| Thailand[^2] | CEDAW | eighth periodic report |  | 2031-02 | scheduled |  |  |  |"
        in lines
    )
    assert (
        "| Thailand[^1][^2] | CEDAW | 2017-07-04 CEDAW/C/THA/CO/6-7 | 2031-02 eighth periodic "
        "report | 2021-07 | unknown |" in lines
    )
    assert "[^2]: Source two <b>, Example, <https://example.org/s2> (seen 2024-01-31)" not in out
    assert "[^2]: Source two \\<b\\>, Example, <https://example.org/s2> (seen 2024-01-31)" in lines


def test_overdue_only_where_sourced(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--overdue")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert rows[2:] == [
        "| Lao PDR[^1][^2] | CEDAW | 2018-11-07 CEDAW/C/LAO/CO/8-9 | none recorded | tenth "
        "periodic report: 2022-11 | overdue by 212 days (as of 2023-06-30) |",
    ]
    # before the due date passed, nothing was overdue
    out = run_ok(cli, "reviews", "--overdue", "--as-of", "2022-11-30")
    assert "No reporting status for this selection." in out


def test_csv(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--country", "LAO", "--format", "csv")
    assert out.splitlines() == [
        "id,country,mechanism,review,session,dates,status,outcome,next_report_due,"
        "recommendations,sources,source_urls",
        "cedaw-lao-2018,Lao PDR,CEDAW,combined eighth and ninth "
        "periodic reports,,2018-11-07,held,CEDAW/C/LAO/CO/8-9,,,s2,https://example.org/s2",
    ]
    out = run_ok(cli, "reviews", "--overdue", "--format", "csv")
    assert out.splitlines()[1].startswith(
        "CEDAW,Lao PDR,CEDAW,2018-11-07 CEDAW/C/LAO/CO/8-9,none recorded,"
        "tenth periodic report: 2022-11,overdue by 212 days (as of 2023-06-30),s2;rep,"
    )


def test_json_validates_and_carries_recommendations(cli: Run, data: Path) -> None:
    doc = json.loads(run_ok(cli, "reviews", "--country", "THA", "--format", "json"))
    jsonschema.validate(doc, load_schema())
    assert doc["kind"] == "reviews" and doc["schema_version"] == "2.1.0"
    upr = next(r for r in doc["reviews"] if r["id"] == "upr-tha-2")
    assert "research_note" not in upr
    assert upr["field_sources"] == {"recommendations": ["s2"]}
    assert upr["recommendations"] == {
        "counted_at": "review",
        "noted": None,
        "received": 249,
        "supported": 181,
    }
    assert [r["response"] for r in doc["recommendations"]] == ["noted", "supported", "pending"]
    crc = next(r for r in doc["reporting"] if r["instrument"] == "CRC")
    assert crc["overdue"] == "unknown" and crc["report_due"] == "2030-09-25"
    assert {s["id"] for s in doc["sources"]} == {"s1", "s2", "rep"}


def test_dataset_feed_round_trips(cli: Run, data: Path, tmp_path: Path) -> None:
    run_ok(cli, "export", "--format", "json", "-o", "feed.json")
    doc = json.loads(Path("feed.json").read_text("utf-8"))
    jsonschema.validate(doc, load_schema())
    assert len(doc["reviews"]) == 7 and len(doc["recommendations"]) == 3
    assert doc["reporting"][0]["as_of"] == "2023-06-30"
    assert "MAINTAINERS-ONLY" not in Path("feed.json").read_text("utf-8")
    code, out, err = cli("diff", "data", "feed.json")
    assert (code, out, err) == (0, "no changes\n", "")


def test_profile_has_reporting_section(cli: Run, data: Path) -> None:
    out = run_ok(cli, "show", "THA")
    assert "\n## Reporting status\n" in out
    assert "| Thailand[^" in out.split("## Reporting status")[1]
    doc = json.loads(run_ok(cli, "show", "THA", "--format", "json"))
    jsonschema.validate(doc, load_schema())
    assert [(r["instrument"], r["last_review"]) for r in doc["reporting"]] == [
        ("CEDAW", "cedaw-tha-2017"),
        ("CRC", "crc-tha-2012"),
    ]
    # a country with nothing recorded gets no section
    out = run_ok(cli, "show", "AUS")
    assert "Reporting status" not in out


def test_html_links_table_cells_to_reviews(cli: Run, data: Path) -> None:
    out = run_ok(cli, "table", "--format", "html")
    # THA and LAO CEDAW; THA CRC and its protocol (reviewed by the same committee)
    assert out.count('class="rev"') == 4
    assert '<a class="rev" href="#rev-THA-CEDAW" title="Reviews: 2" aria-label="Reviews: 2">' in out
    assert '<section id="rev-THA-CEDAW">' in out
    assert '<section id="rev-LAO-CEDAW">' in out
    # as of a date before any review: no links
    out = run_ok(cli, "table", "--format", "html", "--as-of", "2010-01-01")
    assert 'class="rev"' not in out


def test_html_reviews_page_escapes(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--format", "html")
    assert "<script>alert(1)</script>" not in out
    assert "Scheduled &lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<h2>Reporting status</h2>" in out


def test_ics_calendar(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--upcoming", "--format", "ics")
    cal = Calendar.from_ical(out)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["crc-tha-2031@gmspolicy", "due-THA-CRC-2030-09-25@gmspolicy"]
    review = events["crc-tha-2031@gmspolicy"]
    assert str(review["summary"]) == "CRC review of Thailand"
    assert review.decoded("dtstart").isoformat() == "2031-05-12"
    assert review.decoded("dtend").isoformat() == "2031-05-14"
    due = events["due-THA-CRC-2030-09-25@gmspolicy"]
    assert str(due["summary"]) == "CRC: combined fifth and sixth periodic reports of Thailand due"
    skipped = [str(v) for v in cal.get("x-gmspolicy-skipped")]
    assert skipped == [
        "cedaw-tha-2031: 2031-02 is not a full date",
        "upr-tha-4: 2031-11 is not a full date",
        "due-LAO-CEDAW-2022-11: 2022-11 is not a full date",
        "due-THA-CEDAW-2021-07: 2021-07 is not a full date",
    ]


def test_sqlite(cli: Run, data: Path, tmp_path: Path) -> None:
    run_ok(cli, "export", "--format", "sqlite", "-o", "all.db")
    db = sqlite3.connect("all.db")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM reviews").fetchone() == (7,)
    assert db.execute(
        "SELECT r.paragraph, r.response, s.country FROM recommendations r "
        "JOIN recommending_states s ON s.recommendation_id = r.id ORDER BY r.id"
    ).fetchall() == [
        ("158.1", "noted", "AUS"),
        ("158.2", "supported", "LAO"),
        ("158.3", "pending", "AUS"),
    ]
    assert db.execute(
        "SELECT field, source_id FROM review_sources WHERE review_id = 'upr-tha-2' ORDER BY field"
    ).fetchall() == [(None, "s1"), ("recommendations", "s2")]
    assert db.execute("SELECT instrument_id FROM recommendation_instruments").fetchall() == [
        ("ICRMW",)
    ]
    run_ok(cli, "reviews", "--overdue", "--format", "sqlite", "-o", "over.db")
    db = sqlite3.connect("over.db")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute(
        "SELECT country, instrument, overdue, overdue_days, overdue_as_of FROM reporting_status"
    ).fetchall() == [("LAO", "CEDAW", "overdue", 212, "2023-06-30")]
    # only the review the status names (its last review)
    assert db.execute("SELECT id FROM reviews").fetchall() == [("cedaw-lao-2018",)]


def test_bad_options(cli: Run, data: Path) -> None:
    code, out, err = cli("--data", "data", "reviews", "--mechanism", "WHO")
    assert (code, out) == (2, "")
    assert err == (
        "error: unknown mechanism 'WHO' (one of: UPR, CERD, CCPR, CESCR, CEDAW, CAT, CRC, CMW, "
        "CRPD, CED, CEACR)\n"
    )
    code, out, err = cli("--data", "data", "reviews", "--as-of", "2020-13-01")
    assert code == 2 and "impossible date '2020-13-01'" in err


def test_upr_recommendations_listed_under_their_reviews(cli: Run, data: Path) -> None:
    out = run_ok(cli, "reviews", "--country", "THA", "--mechanism", "UPR")
    section = out.split("## UPR recommendations\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section == [
        "| Review | Paragraph | Recommendation | Recommended by | Response | Tags | Instruments |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| Thailand, UPR cycle 2[^1] | 158.1 | Consider ratifying the Migrant Workers "
        "Convention (Australia) | Australia | noted | migrant-workers, ratification | ICRMW |",
        "| Thailand, UPR cycle 2[^1] | 158.2 | Protect migrant workers from trafficking (Lao "
        "People's Democratic Republic) | Lao PDR | supported | migrant-workers, trafficking |  |",
        "| Thailand, UPR cycle 2[^1] | 158.3 | Protect refugees (Australia) | Australia | "
        "pending | refugees |  |",
    ]
    # no UPR review shown, no recommendations section
    assert "## UPR recommendations" not in run_ok(cli, "reviews", "--mechanism", "CEDAW")
    html = run_ok(cli, "reviews", "--country", "THA", "--format", "html")
    assert "<h2>UPR recommendations</h2>" in html
    assert "Consider ratifying the Migrant Workers Convention (Australia)" in html


def test_diff_names_review_changes(cli: Run, data: Path, tmp_path: Path) -> None:
    run_ok(cli, "export", "--format", "json", "-o", "old.json")
    reviews = data / "reviews.yaml"
    text = reviews.read_text("utf-8").replace("67th session", "sixty-seventh session")
    reviews.write_text(text, "utf-8")
    recs = data / "recommendations.yaml"
    recs.write_text(recs.read_text("utf-8").split("- id: upr-tha-2-158.3")[0], "utf-8")
    code, out, err = cli("diff", "old.json", "data")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "corrected: review cedaw-tha-2017 corrected",
        "removed: recommendation upr-tha-2-158.3 removed",
    ]
