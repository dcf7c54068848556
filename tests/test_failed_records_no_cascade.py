"""A record file that fails to read never turns into a crash of validation further on:
the problem is reported with its place, and what depended on the records left out is
not checked against them (found while generating a 4x world for the benchmarks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Run = Callable[..., tuple[int, str, str]]

COUNTRIES = """\
- code: THA
  alpha2: TH
  m49: "764"
  name: Thailand
  groups: &g [GMS, ASEAN]
  sources: [s1]
- code: LAO
  alpha2: LA
  m49: "418"
  name: Lao People's Democratic Republic
  groups: *g
  sources: [s1]
"""

# a protocol that requires its parent: validation looks up each party's parent status
INSTRUMENTS = """\
- id: CONV
  body: UN
  kind: convention
  title: A Convention
  short_name: Conv
  adopted: 1990-12-18
  sources: [s1]
- id: PROT
  body: UN
  kind: protocol
  title: A Protocol
  short_name: Prot
  adopted: 2000-01-01
  parent: CONV
  requires_parent: true
  sources: [s1]
"""

PARTICIPATIONS = """\
country,instrument,action,date,source,note
THA,CONV,ratification,2005-05-05,s1,
THA,PROT,ratification,2006-05-05,s1,
"""


def test_a_country_file_that_fails_is_reported_not_a_crash(
    make_dataset: Callable[..., Path], cli: Run
) -> None:
    root = make_dataset(
        countries_yaml=COUNTRIES, instruments_yaml=INSTRUMENTS, participations_csv=PARTICIPATIONS
    )
    code, out, err = cli("--no-cache", "--data", str(root), "validate")
    assert (code, out) == (1, "")
    assert err == "data/countries.yaml:5: invalid YAML: anchors and aliases are not allowed\n"
