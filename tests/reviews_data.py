"""A small dataset with reviews, UPR recommendations and reporting rows, for the tests of
issue 18 (reviews and reporting). Written out by :func:`write_reviews_dataset`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import attrs

from gmspolicy.models import Source

# Sources say how far to trust them (``authority``) once that field is in the model
# (issue 13, merged separately); written only where the model has it.
_AUTHORITY = "  authority: official\n" if "authority" in attrs.fields_dict(Source) else ""

SOURCES = f"""\
- id: s1
  url: https://example.org/s1
  title: Source one
  publisher: Example
{_AUTHORITY}  seen: 2024-01-31
- id: s2
  url: https://example.org/s2
  title: Source two <b>
  publisher: Example
{_AUTHORITY}  seen: 2024-01-31
- id: rep
  url: https://example.org/reporting
  title: Reporting status page
  publisher: OHCHR
{_AUTHORITY}  seen: 2024-01-31
  as_of: 2023-06-30
"""

COUNTRIES = """\
- code: THA
  alpha2: TH
  m49: "764"
  name: Thailand
  groups: [GMS, ASEAN]
  sources: [s1]
- code: LAO
  alpha2: LA
  m49: "418"
  name: Lao People's Democratic Republic
  names: [Lao PDR, Laos]
  groups: [GMS, ASEAN]
  sources: [s1]
- code: AUS
  alpha2: AU
  m49: "036"
  name: Australia
  sources: [s1]
"""

INSTRUMENTS = """\
- id: CEDAW
  body: UN
  kind: convention
  title: Convention on the Elimination of All Forms of Discrimination against Women
  short_name: CEDAW
  adopted: 1979-12-18
  sources: [s1]
- id: CRC
  body: UN
  kind: convention
  title: Convention on the Rights of the Child
  short_name: CRC
  adopted: 1989-11-20
  sources: [s1]
- id: CRC-OPSC
  body: UN
  kind: protocol
  title: Optional Protocol on the sale of children
  short_name: CRC-OPSC
  adopted: 2000-05-25
  parent: CRC
  requires_parent: true
  sources: [s1]
- id: ICRMW
  body: UN
  kind: convention
  title: Migrant Workers Convention
  short_name: ICRMW
  adopted: 1990-12-18
  tags: [migration]
  sources: [s1]
"""

PARTICIPATIONS = """\
country,instrument,action,date,source,note
THA,CEDAW,accession,1985-08-09,s1,
THA,CRC,accession,1992-03-27,s1,
LAO,CEDAW,signature,1980-07-17,s1,
LAO,CEDAW,ratification,1981-08-14,s1,
"""

REVIEWS = """\
- id: upr-tha-2
  country: THA
  mechanism: UPR
  cycle: 2
  report: null
  report_symbol: null
  submitted: null
  session: 25th session of the UPR Working Group
  start: 2016-05-11
  end: 2016-05-11
  status: held
  outcome_symbol: A/HRC/33/16
  observation: null
  next_report_due: null
  recommendations: {received: 249, supported: 181, noted: null, counted_at: review}
  sources: [s1]
  field_sources: {recommendations: [s2]}
  note: Supported 181 during the review.
  research_note: MAINTAINERS-ONLY counts from the ministry page
- id: upr-tha-4
  country: THA
  mechanism: UPR
  cycle: 4
  session: null
  start: 2031-11
  status: scheduled
  sources: [s1]
- id: cedaw-tha-2017
  country: THA
  mechanism: CEDAW
  report: combined sixth and seventh periodic reports
  submitted: 2015-06
  session: 67th session
  start: 2017-07-04
  end: 2017-07-04
  status: held
  outcome_symbol: CEDAW/C/THA/CO/6-7
  next_report_due: 2021-07
  sources: [s1]
- id: cedaw-tha-2031
  country: THA
  mechanism: CEDAW
  report: eighth periodic report
  start: 2031-02
  status: scheduled
  sources: [s2]
- id: crc-tha-2012
  country: THA
  mechanism: CRC
  report: combined third and fourth periodic reports
  start: 2012-01-24
  end: 2012-01-25
  status: held
  outcome_symbol: CRC/C/THA/CO/3-4
  sources: [s1]
- id: cedaw-lao-2018
  country: LAO
  mechanism: CEDAW
  report: combined eighth and ninth periodic reports
  start: 2018-11-07
  status: held
  outcome_symbol: CEDAW/C/LAO/CO/8-9
  sources: [s2]
"""

RECOMMENDATIONS = """\
- id: upr-tha-2-158.1
  review: upr-tha-2
  paragraph: "158.1"
  text: Consider ratifying the Migrant Workers Convention (Australia)
  recommending: [AUS]
  response: noted
  tags: [migrant-workers, ratification]
  instruments: [ICRMW]
  sources: [s1]
  note: null
- id: upr-tha-2-158.2
  review: upr-tha-2
  paragraph: "158.2"
  text: Protect migrant workers from trafficking (Lao People's Democratic Republic)
  recommending: [LAO]
  response: supported
  tags: [migrant-workers, trafficking]
  instruments: []
  sources: [s1]
- id: upr-tha-2-158.3
  review: upr-tha-2
  paragraph: "158.3"
  text: Protect refugees (Australia)
  recommending: [AUS]
  response: pending
  tags: [refugees]
  sources: [s1]
"""

REPORTING = """\
- country: LAO
  mechanism: CEDAW
  report: tenth periodic report
  due: 2022-11
  submitted: null
  as_of: 2023-06-30
  sources: [rep]
  note: null
"""


def write_reviews_dataset(root: Path, **files: str | None) -> Path:
    """Write the dataset into ``root`` (created); keyword arguments replace files by
    name (``reviews_yaml=...``; ``None`` leaves the file out)."""
    root.mkdir(parents=True, exist_ok=True)
    content: dict[str, str | None] = {
        "sources.yaml": SOURCES,
        "countries.yaml": COUNTRIES,
        "instruments.yaml": INSTRUMENTS,
        "participations.csv": PARTICIPATIONS,
        "reviews.yaml": REVIEWS,
        "recommendations.yaml": RECOMMENDATIONS,
        "reporting.yaml": REPORTING,
    }
    content.update(
        {k.replace("_yaml", ".yaml").replace("_csv", ".csv"): v for k, v in files.items()}
    )
    for name, text in content.items():
        if text is not None:
            (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root
