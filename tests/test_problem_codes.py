"""Problems carry stable codes: documented, used, and what programs test instead of text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.errors import DataError, Problem, ProblemCode
from gmspolicy.models import Authority, Body, Country, Instrument, InstrumentKind, Source
from gmspolicy.query.policyset import PolicySet

ROOT = Path(__file__).resolve().parents[1]


def _documented() -> list[str]:
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    section = text.split("## Problem codes", 1)[1]
    return re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.MULTILINE)


def test_every_code_is_documented_once_and_nothing_else_is() -> None:
    documented = _documented()
    assert len(documented) == len(set(documented))
    assert documented == [c.value for c in ProblemCode]


def test_every_code_is_used_by_the_code() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    used = set(re.findall(r"\bC\.([A-Z0-9_]+)\b", text))
    used |= set(re.findall(r"\bProblemCode\.([A-Z0-9_]+)\b", text))
    assert sorted(c.name for c in ProblemCode if c.name not in used) == []


def test_codes_are_kebab_case_and_compare_as_text() -> None:
    for code in ProblemCode:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code.value), code
    problem = Problem("f.csv:2", "unknown country 'XXX'", ProblemCode.UNKNOWN_COUNTRY)
    assert problem.code == "unknown-country"
    assert str(problem) == "f.csv:2: unknown country 'XXX'"


def _codes(root: Path) -> list[tuple[str, str]]:
    with pytest.raises(DataError) as info:
        load_dataset(root)
    return [(str(p), p.code.value) for p in info.value.problems]


def test_dataset_problems_carry_their_codes(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,2001-01-01,s1,
        THA,CONV,signature,2001-01-01,s1,
        XXX,CONV,ratification,2005-05-05,s1,
        THA,CONV,ratified,2005-05-05,s1,
        THA,PROT,accession,2005-02-30,s1,
        LAO,CONV,reservation,,s1,
        LAO,CONV,accession,2006-01-01,nope,
        ,CONV,accession,2006-01-01,s1
        """
    )
    assert _codes(root) == [
        (
            "data/participations.csv:3: duplicate signature of CONV by THA on 2001-01-01 "
            "(first at data/participations.csv:2)",
            "duplicate-action",
        ),
        ("data/participations.csv:4: unknown country 'XXX'", "unknown-country"),
        (
            "data/participations.csv:5: unknown action 'ratified' (one of: acceptance, "
            "accession, approval, declaration, denunciation, entry_into_force, "
            "formal_confirmation, no_action, ratification, reservation, signature, "
            "succession, withdrawal)",
            "unknown-action",
        ),
        ("data/participations.csv:6: impossible date '2005-02-30'", "invalid-date"),
        (
            "data/participations.csv:7: a reservation needs its text (or a summary) in the "
            "note column",
            "missing-text",
        ),
        ("data/participations.csv:8: unknown source 'nope'", "unknown-source"),
        ("data/participations.csv:9: expected 6 columns, found 5", "wrong-column-count"),
    ]


def test_records_that_failed_to_read_are_not_reported_again_where_used(
    make_dataset: Callable[..., Path],
) -> None:
    # The country file fails to read: its countries are unknown wherever they are used,
    # which is not reported again (by code, whatever the messages say).
    root = make_dataset(countries_yaml="- code: THA\n  alpha2: TH\n  m49: 764\n")
    codes = {code for _, code in _codes(root)}
    assert codes == {"invalid-field"}


def test_a_local_file_source_has_its_own_code() -> None:
    def source(url: str) -> Source:
        return Source("s", url, "T", "P", dt.date(2024, 1, 1), authority=Authority.OFFICIAL)

    country = Country("THA", "TH", "764", "Thailand", sources=("s",))
    inst = Instrument("X", Body.UN, InstrumentKind.CONVENTION, "X", "X", sources=("s",))
    found = []
    for url in ("file:///tmp/status.csv", "ftp://example.org/status.csv"):
        with pytest.raises(DataError) as info:
            PolicySet.build(countries=[country], instruments=[inst], sources=[source(url)])
        found += [(p.message, p.code.value) for p in info.value.problems]
    assert found == [
        ("source url 'file:///tmp/status.csv' must start with http:// or https://", "local-source"),
        (
            "source url 'ftp://example.org/status.csv' must start with http:// or https://",
            "source-url",
        ),
    ]
