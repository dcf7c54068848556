"""Reading dataset files: every problem named as FILE:LINE, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.errors import DataError, UsageError
from gmspolicy.models import StatusKind


def problems(root: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(root, today=None)
    return [str(p) for p in info.value.problems]


def rel(root: Path, name: str) -> str:
    assert root.name == "data"
    return f"data/{name}"


def test_small_dataset_loads(make_dataset: Callable[..., Path]) -> None:
    pset = load_dataset(make_dataset())
    assert pset.status("THA", "CONV").kind is StatusKind.PARTY
    assert pset.status("LAO", "CONV").kind is StatusKind.NO_ACTION
    assert pset.place("action", "THA", "CONV", "ratification", "2005-05-05") == (
        rel(pset_root := make_dataset(), "participations.csv") + ":3"
    )
    assert pset_root.is_dir()


def test_csv_problems_name_file_and_line(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,ratification,2005-05-05,s1,
        THA,ILO-C999,ratification,2005-05-05,s1,
        LAO,CONV,ratifcation,2005-05-05,s1,
        LAO,CONV,accession,2014-02-30,s1,
        LAO,CONV,accession,2014-02-03,,
        LAO,CONV,accession
        """
    )
    f = rel(root, "participations.csv")
    assert problems(root) == [
        f"{f}:3: unknown instrument 'ILO-C999'",
        f"{f}:4: unknown action 'ratifcation' (one of: acceptance, accession, approval, "
        "declaration, denunciation, entry_into_force, formal_confirmation, no_action, "
        "ratification, reservation, signature, succession, withdrawal)",
        f"{f}:5: impossible date '2014-02-30'",
        f"{f}:6: source is empty: every fact needs a source",
        f"{f}:7: expected 6 columns, found 3",
    ]


def test_csv_header_and_quoting(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(participations_csv="country,instrument,action,when,source\n")
    f = rel(root, "participations.csv")
    assert problems(root) == [
        f"{f}:1: header must be country,instrument,action,date,source,note "
        "(missing date, note; unknown 'when')"
    ]


def test_yaml_problems_name_file_and_line(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        countries_yaml="""\
        - code: THA
          alpha2: TH
          m49: 764
          name: Thailand
          groups: [GMS, ASIA]
          colour: blue
          sources: [s1]
        - code: LAO
          alpha2: LA
          m49: "418"
          name: Laos
          sources: [s1]
        """
    )
    f = rel(root, "countries.yaml")
    assert problems(root) == [
        f"{f}:1: unknown field(s): colour",
        f"{f}:3: m49: expected a string, got int 764",
        f"{f}:5: groups: 'ASIA' is not one of: GMS, ASEAN",
    ]


def test_yaml_safety(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(countries_yaml="- &a {code: THA}\n- *a\n")
    f = rel(root, "countries.yaml")
    assert problems(root) == [f"{f}:1: invalid YAML: anchors and aliases are not allowed"]
    root = make_dataset(countries_yaml="- code: THA\n  code: LAO\n")
    assert problems(root) == [f"{f}:2: invalid YAML: duplicate key 'code'"]
    root = make_dataset(countries_yaml="- !!python/object/apply:os.system ['true']\n")
    assert problems(root) == [
        f"{f}:1: invalid YAML: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    ]


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such directory"):
        load_dataset(tmp_path / "missing")
    with pytest.raises(UsageError, match="no dataset files found"):
        load_dataset(tmp_path)


def test_actions_known_to_the_year_or_month(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,2001-03,s1,
        THA,CONV,ratification,2005,s1,Ratification: 2005 (year only)
        """
    )
    pset = load_dataset(root)
    status = pset.status("THA", "CONV")
    assert (status.kind, str(status.date)) == (StatusKind.PARTY, "2005")
    assert [str(a.date) for a in pset.participation("THA", "CONV").actions] == ["2001-03", "2005"]
    assert (
        pset.place("action", "THA", "CONV", "ratification", "2005") == "data/participations.csv:3"
    )


def test_only_actions_may_be_partial(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        LAO,CONV,no_action,2020,s1,
        """
    )
    assert problems(root) == [
        "data/participations.csv:2: invalid date '2020': this fact needs a full date YYYY-MM-DD"
    ]


def test_a_row_with_a_multi_line_note_is_named_by_its_first_line(
    make_dataset: Callable[..., Path],
) -> None:
    root = make_dataset(
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            'THA,CONV,ratification,2005-05-05,s1,"a note\nover\nthree lines"\n'
            "THA,NOPE,ratification,2005-05-05,s1,\n"
        )
    )
    assert problems(root) == ["data/participations.csv:5: unknown instrument 'NOPE'"]
    root = make_dataset(
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            'THA,NOPE,ratification,2005-05-05,s1,"a note\nover two lines"\n'
        )
    )
    assert problems(root) == ["data/participations.csv:2: unknown instrument 'NOPE'"]


def test_a_year_only_denunciation_in_the_year_of_a_dated_ratification_is_valid(
    make_dataset: Callable[..., Path],
) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,1998-01-01,s1,
        THA,CONV,ratification,1999-03-01,s1,
        THA,CONV,denunciation,1999,s1,the source gives the year only
        """
    )
    pset = load_dataset(root)
    assert pset.status("THA", "CONV").kind is StatusKind.DENOUNCED
