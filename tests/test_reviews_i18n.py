"""`gmspolicy reviews` and the reporting section of `gmspolicy show` in every language:
headings, column titles and words come from the message catalogs, as the ratification
table's do (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from icalendar import Calendar
from reviews_data import REVIEWS, write_reviews_dataset

from gmspolicy._version import __version__
from gmspolicy.dataset import load_dataset
from gmspolicy.exporters import _reviews as rv
from gmspolicy.i18n import LANGUAGES, Labels
from gmspolicy.models import Country

Run = Callable[..., tuple[int, str, str]]
OTHERS = [lang for lang in LANGUAGES if lang != "en"]

SCHEDULED = """\
- id: crc-tha-2031
  country: THA
  mechanism: CRC
  report: combined fifth and sixth periodic reports
  start: 2031-05-12
  end: 2031-05-13
  status: scheduled
  civil_society_deadline: 2031-03-01
  sources: [s2]
  field_sources: {civil_society_deadline: [s1]}
"""

#: English words of the reviews output that must not be left in another language.
ENGLISH_WORDS = (
    "Reviews",
    "Reporting status",
    "Cycle or report",
    "Next report due",
    "Recommended by",
    "Last review",
    "none recorded",
    "overdue by",
    "counted at the review",
    " received",
    "As of ",
    "Civil-society",
)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_reviews_dataset(tmp_path / "data", reviews_yaml=REVIEWS + SCHEDULED)


def run_ok(cli: Run, *args: str) -> str:
    code, out, err = cli("--data", "data", *args)
    assert (code, err) == (0, ""), err
    return out


def words(out: str) -> str:
    """The output without the title of the fixture's reporting source (data, not a label)."""
    return out.replace("Reporting status page", "")


def all_titles(labels: Labels) -> list[str]:
    out = []
    for keys, columns in (
        (rv.REVIEW_TITLE_KEYS, rv.REVIEW_COLUMNS),
        (rv.REPORTING_TITLE_KEYS, rv.REPORTING_COLUMNS),
        (rv.RECOMMENDATION_TITLE_KEYS, rv.RECOMMENDATION_COLUMNS),
        (rv.DEADLINE_TITLE_KEYS, rv.DEADLINE_COLUMNS),
    ):
        out += rv.titles(keys, [c for c in columns if c != "sources"], labels)
    return out


@pytest.mark.parametrize("lang", OTHERS)
def test_markdown_headings_titles_and_words(cli: Run, data: Path, lang: str) -> None:
    labels = Labels(lang)
    out = run_ok(cli, "reviews", "--lang", lang)
    for key in ("heading.reviews", "heading.reporting", "heading.recommendations"):
        assert f"# {labels(key)}\n" in out, key
    assert f"## {labels('heading.deadlines')}\n" in out
    for title in all_titles(labels):
        assert f" {title} |" in out, title
    for key in ("review.status.held", "review.status.scheduled", "response.noted"):
        assert f" {labels(key)} |" in out, key
    assert labels("review.cycle", n=2) in out
    assert labels("reporting.overdue_by", days=212, date="2023-06-30") in out
    assert labels("counts.received", n=249) in out
    assert labels.country_name(_country("THA")) in out
    for word in ENGLISH_WORDS:
        assert word not in words(out), word


def _country(code: str) -> Country:
    return load_dataset(Path("data")).country(code)


def test_chinese_cells_exactly(cli: Run, data: Path) -> None:
    """One language checked cell by cell: punctuation and lists are Chinese too."""
    out = run_ok(cli, "reviews", "--lang", "zh", "--country", "THA", "--mechanism", "UPR")
    row = next(line for line in out.splitlines() if "A/HRC/33/16" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:] == [
        "UPR",
        "第 2 轮",
        "25th session of the UPR Working Group",
        "2016-05-11",
        "已举行",
        "A/HRC/33/16",
        "",
        "收到 249 项和支持 181 项（审议时统计）",  # noqa: RUF001
    ]
    assert cells[0].startswith("泰国[^")


@pytest.mark.parametrize("lang", OTHERS)
def test_overdue_view_and_html(cli: Run, data: Path, lang: str) -> None:
    labels = Labels(lang)
    out = run_ok(cli, "reviews", "--overdue", "--lang", lang)
    assert out.startswith(f"# {labels('heading.reporting')}\n")
    assert labels("reviews.overdue_intro", as_of=labels("table.as_of_latest")) in out
    html = run_ok(cli, "reviews", "--lang", lang, "--format", "html")
    assert labels("heading.deadlines") in html
    for title in all_titles(labels):
        assert title in html, title
    for word in ("Reporting status", "Cycle or report", "Recommended by"):
        assert word not in words(html), word


@pytest.mark.parametrize("lang", OTHERS)
def test_profile_reporting_section(cli: Run, data: Path, lang: str) -> None:
    labels = Labels(lang)
    out = run_ok(cli, "show", "LAO", "--lang", lang)
    assert f"## {labels('heading.reporting')}\n" in out
    assert labels("column.report_due") in out and "Report due" not in words(out)
    html = run_ok(cli, "show", "LAO", "--lang", lang, "--format", "html")
    assert labels("heading.reporting") in html and "Reporting status" not in words(html)


@pytest.mark.parametrize("lang", OTHERS)
def test_calendar(cli: Run, data: Path, lang: str) -> None:
    labels = Labels(lang)
    cal = Calendar.from_ical(
        run_ok(cli, "reviews", "--upcoming", "--lang", lang, "--format", "ics")
    )
    name = labels.country_name(_country("THA"))
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    review = events["crc-tha-2031@gmspolicy"]
    assert str(review["summary"]) == labels("calendar.review", mechanism="CRC", country=name)
    status = labels("review.status.scheduled")
    assert labels("calendar.status", status=status) in str(review["description"])
    assert str(review["description"]).splitlines()[-3] == labels("calendar.sources")
    deadline = events["csd-crc-tha-2031@gmspolicy"]
    assert str(deadline["summary"]) == labels("calendar.deadline", mechanism="CRC", country=name)
    assert str(cal["x-wr-calname"]) == labels("calendar.reviews_name", version=__version__)


def test_english_is_the_catalog_english(cli: Run, data: Path) -> None:
    """--lang en and no --lang give the same bytes."""
    assert run_ok(cli, "reviews") == run_ok(cli, "reviews", "--lang", "en")
    assert run_ok(cli, "reviews", "--format", "ics", "--upcoming") == run_ok(
        cli, "reviews", "--format", "ics", "--upcoming", "--lang", "en"
    )
