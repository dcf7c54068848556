"""A record file that fails to read never turns into a crash of validation further on:
the problem is reported with its place, and what depended on the records left out is
not checked against them (found while generating a 4x world for the benchmarks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import COUNTRIES, INSTRUMENTS

Run = Callable[..., tuple[int, str, str]]

# conftest's two countries, the second reusing the first's groups through a YAML alias
ALIASED_COUNTRIES = COUNTRIES.replace("groups: [GMS, ASEAN]", "groups: &g [GMS, ASEAN]", 1).replace(
    "groups: [GMS, ASEAN]", "groups: *g", 1
)

# conftest's protocol requires its parent: validation looks up each party's parent status
PARTICIPATIONS = """\
country,instrument,action,date,source,note
THA,CONV,ratification,2005-05-05,s1,
THA,PROT,ratification,2006-05-05,s1,
"""


def test_a_country_file_that_fails_is_reported_not_a_crash(
    make_dataset: Callable[..., Path], cli: Run
) -> None:
    root = make_dataset(
        countries_yaml=ALIASED_COUNTRIES,
        instruments_yaml=INSTRUMENTS,
        participations_csv=PARTICIPATIONS,
    )
    code, out, err = cli("--no-cache", "--data", str(root), "validate")
    assert (code, out) == (1, "")
    assert err == "data/countries.yaml:5: invalid YAML: anchors and aliases are not allowed\n"
