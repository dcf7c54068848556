"""Reviews, UPR recommendations and reporting status (issue 18): reading, validation and
the derived status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from reviews_data import REVIEWS, write_reviews_dataset

from gmspolicy.dataset import load_dataset
from gmspolicy.dates import PartialDate
from gmspolicy.errors import DataError, UsageError
from gmspolicy.models import Mechanism, Response, ReviewStatus
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.reviews import Overdue

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_reviews_dataset(tmp_path / "data")


def load(root: Path) -> PolicySet:
    return load_dataset(root, today=TODAY)


def problems(root: Path) -> list[str]:
    with pytest.raises(DataError) as err:
        load(root)
    return list(err.value.lines())


def test_reads_reviews_recommendations_and_reporting(data: Path) -> None:
    pset = load(data)
    ids = [r.id for r in pset.review_records]
    # by country, then date
    assert ids == [
        "cedaw-lao-2018",
        "crc-tha-2012",
        "upr-tha-2",
        "cedaw-tha-2017",
        "cedaw-tha-2031",
        "upr-tha-4",
    ]
    upr = next(r for r in pset.review_records if r.id == "upr-tha-2")
    assert upr.mechanism is Mechanism.UPR and upr.status is ReviewStatus.HELD
    assert upr.start == PartialDate(2016, 5, 11)
    assert upr.recommendations is not None and upr.recommendations.supported == 181
    assert upr.recommendations.noted is None
    assert upr.sources_of("recommendations") == ("s2",)
    assert upr.sources_of("start") == ("s1",)
    assert upr.all_sources == ("s1", "s2")
    recs = pset.recommendations_for("THA")
    assert [r.response for r in recs] == [Response.NOTED, Response.SUPPORTED, Response.PENDING]
    assert pset.recommendations_for(instrument="ICRMW")[0].paragraph == "158.1"
    assert [r.id for r in pset.recommendations_for(tag="refugees")] == ["upr-tha-2-158.3"]
    (row,) = pset.reporting
    assert row.due == PartialDate(2022, 11) and row.submitted is None


def test_research_note_never_compared_or_shown(data: Path) -> None:
    pset = load(data)
    upr = next(r for r in pset.review_records if r.id == "upr-tha-2")
    assert upr.research_note is not None
    assert "MAINTAINERS-ONLY" not in repr(upr)


def test_reviews_query(data: Path) -> None:
    pset = load(data)
    assert [r.id for r in pset.reviews("Thailand", "cedaw")] == [
        "cedaw-tha-2017",
        "cedaw-tha-2031",
    ]
    assert [r.id for r in pset.reviews(as_of=dt.date(2016, 12, 31))] == [
        "crc-tha-2012",
        "upr-tha-2",
    ]
    upcoming = pset.reviews(upcoming=True, today=TODAY)
    assert [r.id for r in upcoming] == ["cedaw-tha-2031", "upr-tha-4"]
    # in the past: what was still to come then, including reviews held since
    past = pset.reviews("THA", upcoming=True, as_of=dt.date(2016, 1, 1), today=TODAY)
    assert [r.id for r in past] == ["upr-tha-2", "cedaw-tha-2017", "cedaw-tha-2031", "upr-tha-4"]
    with pytest.raises(UsageError, match=r"unknown mechanism 'XYZ' \(one of: UPR, CERD"):
        pset.reviews(mechanism="XYZ")


def test_reporting_status_last_next_and_due_from_outcome(data: Path) -> None:
    pset = load(data)
    st = pset.reporting_status("THA", "CEDAW")
    assert st.last_review is not None and st.last_review.id == "cedaw-tha-2017"
    # next: only a scheduled review counts when no date is asked
    assert st.next_review is not None and st.next_review.id == "cedaw-tha-2031"
    # the due date the outcome states; overdue stays unknown (no sourced non-submission)
    assert st.report_due == PartialDate(2021, 7)
    assert st.report_due_sources == ("s1",)
    assert st.overdue is Overdue.UNKNOWN and st.overdue_days is None
    assert st.sources == ("s1", "s2")


def test_reporting_status_overdue_only_where_sourced(data: Path) -> None:
    pset = load(data)
    st = pset.reporting_status("Lao PDR", "CEDAW")
    assert st.report is not None and st.report.report == "tenth periodic report"
    assert st.overdue is Overdue.OVERDUE
    # from the last day of November 2022 to the date the source is current to
    assert st.overdue_as_of == dt.date(2023, 6, 30)
    assert st.overdue_days == (dt.date(2023, 6, 30) - dt.date(2022, 11, 30)).days
    # asked on an earlier date, still after the due date: overdue by less
    early = pset.reporting_status("LAO", "CEDAW", as_of=dt.date(2023, 1, 31))
    assert early.overdue is Overdue.OVERDUE and early.overdue_days == 62
    # before the due date: unknown (an earlier report may have been owed)
    before = pset.reporting_status("LAO", "CEDAW", as_of=dt.date(2022, 10, 1))
    assert before.overdue is Overdue.UNKNOWN
    # after the source's date: overdue as of that date, no later (it may have come in since)
    later = pset.reporting_status("LAO", "CEDAW", as_of=dt.date(2024, 1, 1))
    assert later.overdue is Overdue.OVERDUE and later.overdue_as_of == dt.date(2023, 6, 30)


def test_reporting_status_overdue_unknown_after_a_later_review(tmp_path: Path) -> None:
    root = write_reviews_dataset(
        tmp_path / "d",
        reviews_yaml=REVIEWS
        + """\
- id: cedaw-lao-2023
  country: LAO
  mechanism: CEDAW
  report: tenth periodic report
  start: 2023-10-10
  status: held
  sources: [s1]
""",
    )
    st = load(root).reporting_status("LAO", "CEDAW")
    # a review after the row's date: the report came in; the row no longer tells
    assert st.last_review is not None and st.last_review.id == "cedaw-lao-2023"
    assert st.report is None and st.overdue is Overdue.UNKNOWN


def test_reporting_status_submitted_later_is_overdue_before(tmp_path: Path) -> None:
    root = write_reviews_dataset(
        tmp_path / "d",
        reporting_yaml="""\
- country: THA
  mechanism: CRC
  report: fifth and sixth periodic reports
  due: 2017-09-25
  submitted: 2019-01-10
  as_of: 2023-06-30
  sources: [rep]
""",
    )
    pset = load(root)
    assert pset.reporting_status("THA", "CRC").overdue is Overdue.NOT_OVERDUE
    mid = pset.reporting_status("THA", "CRC", as_of=dt.date(2018, 9, 25))
    assert mid.overdue is Overdue.OVERDUE and mid.overdue_days == 365
    # the CRC's protocols are reviewed by the same committee
    assert pset.reporting_status("THA", "CRC-OPSC").mechanism is Mechanism.CRC


def test_reporting_status_unknown_everywhere_else(data: Path) -> None:
    pset = load(data)
    st = pset.reporting_status("LAO", "CRC")
    assert (st.last_review, st.next_review, st.report, st.report_due) == (None,) * 4
    assert st.overdue is Overdue.UNKNOWN
    # the Committee on Migrant Workers reviews the ICRMW; nothing recorded for THA
    cmw = pset.reporting_status("THA", "ICRMW")
    assert cmw.mechanism is Mechanism.CMW and cmw.last_review is None
    assert cmw.overdue is Overdue.UNKNOWN


def test_reporting_status_rejects_instrument_without_body(tmp_path: Path) -> None:
    root = write_reviews_dataset(
        tmp_path / "d",
        instruments_yaml="""\
- id: CEDAW
  body: UN
  kind: convention
  title: CEDAW
  short_name: CEDAW
  sources: [s1]
- id: CRC
  body: UN
  kind: convention
  title: CRC
  short_name: CRC
  sources: [s1]
- id: ICRMW
  body: UN
  kind: convention
  title: ICRMW
  short_name: ICRMW
  sources: [s1]
- id: ILO-C029
  body: ILO
  kind: convention
  title: Forced Labour Convention
  short_name: C029
  sources: [s1]
""",
    )
    pset = load(root)
    with pytest.raises(UsageError) as err:
        pset.reporting_status("THA", "ILO-C029")
    assert str(err.value) == (
        "no treaty body reviews reports under ILO-C029 (reporting status is kept for: "
        "CAT, CEDAW, CPED, CRC, CRPD, ICCPR, ICERD, ICESCR, ICRMW)"
    )


# -- bad input ------------------------------------------------------------------------

BAD_REVIEWS = """\
- id: upr-tha-2
  country: THA
  mechanism: UPR
  cycle: 5
  start: 2016-05-11
  status: held
  outcome_symbol: CEDAW/C/THA/CO/6-7
  sources: [s1]
- id: upr-tha-2b
  country: THA
  mechanism: UPR
  cycle: 5
  start: 2016-05-12
  status: held
  sources: [s1]
- id: cedaw-tha-1984
  country: THA
  mechanism: CEDAW
  start: 1984-07
  status: held
  outcome_symbol: A/HRC/1/1
  observation: nope
  sources: [nosuch]
- id: cedaw-xyz
  country: XYZ
  mechanism: CEDAW
  cycle: 2
  start: 2010-01-01
  end: 2009-12-31
  status: held
  recommendations: {received: 3, counted_at: review}
  sources: [s1]
  field_sources: {colour: [s2]}
- id: crc-tha-2099
  country: THA
  mechanism: CRC
  start: 2099-01-01
  status: held
  sources: []
"""


def test_review_problems_name_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = write_reviews_dataset(
        tmp_path / "data", reviews_yaml=BAD_REVIEWS, recommendations_yaml=None
    )
    assert problems(root) == [
        "data/reviews.yaml:1: UPR cycle 5 is outside 1-4",
        "data/reviews.yaml:1: outcome symbol 'CEDAW/C/THA/CO/6-7' does not fit UPR "
        "(expected A/HRC/...)",
        "data/reviews.yaml:9: UPR cycle 5 is outside 1-4",
        "data/reviews.yaml:9: duplicate review: UPR cycle 5 of THA (first at data/reviews.yaml:1)",
        "data/reviews.yaml:16: CEDAW review of THA on 1984-07 is before THA became party to "
        "CEDAW (1985-08-09)",
        "data/reviews.yaml:16: outcome symbol 'A/HRC/1/1' does not fit CEDAW (expected "
        "CEDAW/C/...)",
        "data/reviews.yaml:16: unknown observation 'nope'",
        "data/reviews.yaml:16: unknown source 'nosuch'",
        "data/reviews.yaml:24: cycle 2 given for a CEDAW review: cycles are for UPR reviews only",
        "data/reviews.yaml:24: field_sources names unknown field 'colour'",
        "data/reviews.yaml:24: recommendation counts given for a CEDAW review: they are for "
        "UPR reviews only",
        "data/reviews.yaml:24: review cedaw-xyz ends (2009-12-31) before it starts (2010-01-01)",
        "data/reviews.yaml:24: unknown country 'XYZ'",
        "data/reviews.yaml:34: review crc-tha-2099 cites no source",
        "data/reviews.yaml:34: review crc-tha-2099 is marked held but starts in the future "
        "(2099-01-01)",
    ]


def test_duplicate_treaty_body_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    twice = """\
- id: crc-tha-2012
  country: THA
  mechanism: CRC
  report: combined third and fourth periodic reports
  start: 2012-01-24
  status: held
  sources: [s1]
- id: crc-tha-2012-again
  country: THA
  mechanism: CRC
  report: Combined third and fourth periodic reports
  start: 2012-01-24
  status: held
  sources: [s1]
- id: crc-opsc-tha-2012
  country: THA
  mechanism: CRC
  report: initial report under the Optional Protocol on the sale of children
  start: 2012-01-24
  status: held
  sources: [s1]
- id: crc-tha-2012
  country: THA
  mechanism: CRC
  start: 2013-01-24
  status: held
  sources: [s1]
"""
    root = write_reviews_dataset(tmp_path / "data", reviews_yaml=twice, recommendations_yaml=None)
    assert problems(root) == [
        "data/reviews.yaml:8: duplicate review: CRC review of THA starting 2012-01-24 "
        "(Combined third and fourth periodic reports) (first at data/reviews.yaml:1)",
        "data/reviews.yaml:22: duplicate review 'crc-tha-2012' (first at data/reviews.yaml:1)",
    ]


def test_recommendation_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    recs = """\
- id: r1
  review: upr-tha-2
  paragraph: "1"
  text: Ratify (Australia)
  recommending: [AUS]
  response: accepted
  sources: [s1]
- id: r2
  review: upr-tha-2
  paragraph: "2"
  text: Ratify (Australia)
  recommending: [AUS]
  sources: [s1]
- id: r3
  review: cedaw-tha-2017
  paragraph: "3"
  text: Ratify (Nowhere)
  recommending: [ZZZ]
  response: supported
  tags: [migrants]
  instruments: [C999]
  sources: [s1]
- id: r4
  review: upr-tha-9
  paragraph: "4"
  text: Nothing
  recommending: []
  response: noted
  sources: [s1]
- id: r5
  review: upr-tha-2
  paragraph: "5"
  text: Protect refugees (Australia)
  recommending: [AUS]
  response: null
  sources: [s1]
"""
    root = write_reviews_dataset(tmp_path / "data", recommendations_yaml=recs)
    assert problems(root) == [
        "data/recommendations.yaml:6: response: 'accepted' is not one of: supported, noted, "
        "pending",
        "data/recommendations.yaml:8: response: required field missing",
        "data/recommendations.yaml:14: review 'cedaw-tha-2017' is a CEDAW review: "
        "recommendations are recorded for UPR reviews only",
        "data/recommendations.yaml:14: unknown country 'ZZZ'",
        "data/recommendations.yaml:14: unknown instrument 'C999'",
        "data/recommendations.yaml:14: unknown tag 'migrants' (one of: labour-rights, "
        "migrant-workers, ratification, refugees, statelessness, trafficking)",
        "data/recommendations.yaml:23: recommendation r4 names no recommending state",
        "data/recommendations.yaml:23: unknown review 'upr-tha-9'",
        "data/recommendations.yaml:30: recommendation r5 has no response (supported, noted, "
        "or pending where the Working Group report defers it)",
    ]


def test_reporting_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = """\
- country: LAO
  mechanism: CEDAW
  report: tenth periodic report
  due: 2022-11
  submitted: 2024-01
  as_of: 2023-06-30
  sources: [rep]
- country: LAO
  mechanism: CEDAW
  report: tenth periodic report
  due: 2022-11
  submitted: null
  as_of: 2023-12-31
  sources: [rep, gone]
- country: LAO
  mechanism: WHO
  report: x
  due: 2022
  as_of: 2023-06-30
  sources: [rep]
"""
    root = write_reviews_dataset(tmp_path / "data", reporting_yaml=rows)
    assert problems(root) == [
        "data/reporting.yaml:1: submitted 2024-01 is after as_of 2023-06-30",
        "data/reporting.yaml:8: as_of 2023-12-31 is later than source 'rep' is current to "
        "(2023-06-30)",
        "data/reporting.yaml:8: unknown source 'gone'",
        "data/reporting.yaml:16: mechanism: 'WHO' is not one of: UPR, CERD, CCPR, CESCR, "
        "CEDAW, CAT, CRC, CMW, CRPD, CED, CEACR",
    ]


def test_cli_validate_counts_reviews(data: Path, cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = cli("--no-cache", "validate", "data")
    assert (code, err) == (0, "")
    assert out.endswith(", 3 sources, 6 reviews, 3 recommendations, 1 reporting rows\n")


def test_snapshot_fingerprint_covers_the_review_files(data: Path) -> None:
    from gmspolicy.dataset._files import MAX_FILE_BYTES
    from gmspolicy.dataset.snapshot import cached_load, fingerprint

    def key() -> str | None:
        return fingerprint(data, today=TODAY, max_file_bytes=MAX_FILE_BYTES)

    first = cached_load(data, today=TODAY)
    assert first.review_records[0].id == "cedaw-lao-2018"
    before = key()
    for name in ("reviews.yaml", "recommendations.yaml", "reporting.yaml"):
        path = data / name
        text = path.read_text("utf-8")
        path.write_text(text + "\n", "utf-8")
        changed = key()
        assert changed != before, name
        before = changed
    reviews = data / "reviews.yaml"
    reviews.write_text(
        reviews.read_text("utf-8").replace("67th session", "sixty-seventh session"), "utf-8"
    )
    again = cached_load(data, today=TODAY)
    cedaw = next(r for r in again.review_records if r.id == "cedaw-tha-2017")
    assert cedaw.session == "sixty-seventh session"


def test_undated_reviews(tmp_path: Path) -> None:
    root = write_reviews_dataset(
        tmp_path / "d",
        reviews_yaml=REVIEWS
        + """\
- id: crc-lao-undated
  country: LAO
  mechanism: CRC
  report: initial report
  status: held
  sources: [s1]
- id: crc-lao-next
  country: LAO
  mechanism: CRC
  report: next report
  status: scheduled
  sources: [s1]
""",
    )
    pset = load(root)
    # an undated review is listed, but never as held by a date or still to come
    assert [r.id for r in pset.reviews("LAO", "CRC")] == ["crc-lao-next", "crc-lao-undated"]
    assert pset.reviews("LAO", "CRC", as_of=dt.date(2030, 1, 1)) == ()
    past = pset.reviews("LAO", "CRC", as_of=dt.date(2000, 1, 1), upcoming=True, today=TODAY)
    assert [r.id for r in past] == ["crc-lao-next"]
    st = pset.reporting_status("LAO", "CRC")
    assert (st.last_review, st.next_review) == (None, None)
