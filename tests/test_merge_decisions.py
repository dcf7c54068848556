"""`gmspolicy fetch` decides fact by fact and says the truth: consent actions are compared
with each other, contained partial dates are one fact, every message names the incoming
fact and its loader, and nothing says a fact was kept when nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import plugins
from gmspolicy.dataset import load_dataset
from gmspolicy.dates import PartialDate
from gmspolicy.errors import ProblemCode
from gmspolicy.loaders import LoadResult
from gmspolicy.loaders.kit import group_participations
from gmspolicy.loaders.merge import MergeRefused, plan_merge
from gmspolicy.models import Action, ActionKind, Authority, Participation, Source
from tests.conftest import SOURCES

Run = Callable[..., tuple[int, str, str]]

OPTS = ("--opt", "source_url=https://example.org/sheet", "--opt", "source_title=Sheet")
HEAD = "Country,Instrument,Date,Action\n"


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


def _src() -> str:
    return f"csv-example-org-sheet-{dt.date.today().isoformat()}"


def _files(root: Path) -> dict[Path, str]:
    """The dataset's files (not the lock file fetch takes to serialise writers)."""
    return {
        p: p.read_text() for p in root.rglob("*") if p.is_file() and p.name != ".gmspolicy.lock"
    }


def _fetch(cli: Run, root: Path, sheet: Path, *extra: str) -> tuple[int, str, str]:
    return cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root), *extra)


def test_a_ratification_next_to_a_recorded_accession_is_a_conflict(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,2001-01-01,s1,
        THA,CONV,ratification,2005-05-05,s1;s2,
        LAO,CONV,accession,2010-03-04,s1,
        """
    )
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        HEAD + "Lao PDR,CONV,2010-03-04,ratification\nThailand,CONV,2007-01-01,accession\n"
    )
    before = _files(root)
    code, out, err = _fetch(cli, root, sheet)
    assert (code, out) == (1, "")
    assert err == (
        "data/participations.csv:4: LAO x CONV: the dataset has accession on 2010-03-04 "
        f"(source s1), csv says ratification on 2010-03-04 (source {_src()})\n"
        "data/participations.csv:3: THA x CONV: the dataset has ratification on 2005-05-05 "
        f"(source s1, s2), csv says accession on 2007-01-01 (source {_src()})\n"
        "error: nothing written: 2 facts from csv contradict the dataset (with "
        "--keep-existing, the existing facts are kept and the rest merged)\n"
    )
    assert "kept" not in err.replace("are kept and", "")
    assert _files(root) == before

    # a dry run with --keep-existing says what it would keep, and writes nothing
    code, out, err = _fetch(cli, root, sheet, "--keep-existing", "--dry-run")
    assert code == 0
    assert err.splitlines()[0] == (
        "would keep existing: data/participations.csv:4: LAO x CONV: the dataset has "
        f"accession on 2010-03-04 (source s1), csv says ratification on 2010-03-04 "
        f"(source {_src()})"
    )
    assert out == "0 new facts, 0 already in the dataset, 2 conflicts; dry run: nothing written\n"
    assert _files(root) == before
    code, out, err = _fetch(cli, root, sheet, "--keep-existing")
    assert code == 0
    assert [line.split(": ", 1)[0] for line in err.splitlines()] == ["kept existing"] * 2
    assert out == "0 new facts, 0 already in the dataset, 2 conflicts\n"


def test_a_consent_after_a_denunciation_is_a_new_fact(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        HEAD + "Thailand,CONV,2005-05-05,ratified\nThailand,CONV,2010-01-01,denounced\n"
        "Thailand,CONV,2015-06-01,acceded\n"
    )
    code, out, err = _fetch(cli, root, sheet)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "denounced: THA x CONV: denounced on 2010-01-01",
        "acceded: THA x CONV: acceded on 2015-06-01",
        f"added: source {_src()} added",
        "2 new facts, 1 already in the dataset, 0 conflicts",
    ]
    assert load_dataset(root).status("THA", "CONV").via is ActionKind.ACCESSION


def test_a_more_precise_date_of_a_recorded_fact_is_known_and_noted(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,2001-01-01,s1,
        THA,CONV,ratification,2005,s1,Ratification: 2005
        """
    )
    sheet = tmp_path / "s.csv"
    sheet.write_text(HEAD + "Thailand,CONV,2005-05-05,ratification\n")
    before = _files(root)
    code, out, err = _fetch(cli, root, sheet)
    assert code == 0
    assert err == (
        "note: THA x CONV: the dataset has ratification on 2005 (source s1) at "
        f"data/participations.csv:3; csv says ratification on 2005-05-05 (source {_src()}), "
        "more precisely: update the row by hand\n"
    )
    assert out == "0 new facts, 1 already in the dataset, 0 conflicts\n"
    assert _files(root) == before


def _result(*actions: Action, country: str = "THA") -> LoadResult:
    source = Source(
        "src-1",
        "https://example.org/list",
        "List",
        "Ex",
        dt.date(2024, 2, 1),
        authority=Authority.OFFICIAL,
    )
    return LoadResult(participations=(Participation(country, "CONV", actions),), sources=(source,))


def test_a_less_precise_date_of_a_recorded_fact_is_known(
    make_dataset: Callable[..., Path],
) -> None:
    root = make_dataset()
    existing = load_dataset(root)
    today = dt.date(2024, 3, 1)
    year = Action(ActionKind.RATIFICATION, PartialDate(2005), ("src-1",))
    plan = plan_merge(existing, _result(year), root, "list", today)
    assert (plan.rows, plan.known, plan.conflicts, plan.notes) == ((), 1, (), ())
    # the same year as an accession: another account of the recorded ratification
    accession = Action(ActionKind.ACCESSION, PartialDate(2005, 5), ("src-1",))
    with pytest.raises(MergeRefused) as info:
        plan_merge(existing, _result(accession), root, "list", today)
    assert info.value.lines() == [
        "data/participations.csv:3: THA x CONV: the dataset has ratification on 2005-05-05 "
        "(source s1, s2), list says accession on 2005-05 (source src-1)",
        "nothing written: 1 fact from list contradicts the dataset (with --keep-existing, "
        "the existing facts are kept and the rest merged)",
    ]
    assert [p.code for p in info.value.problems] == [ProblemCode.MERGE_CONFLICT]


def test_an_action_inside_the_year_of_a_no_action_is_not_a_conflict(
    make_dataset: Callable[..., Path],
) -> None:
    # LAO: no_action as of 2020-01-01. An accession known only as "2020" may have come
    # after that day: not a contradiction. One known as "2019" certainly did not.
    root = make_dataset()
    existing = load_dataset(root)
    today = dt.date(2024, 3, 1)
    in_2020 = Action(ActionKind.ACCESSION, PartialDate(2020), ("src-1",))
    plan = plan_merge(existing, _result(in_2020, country="LAO"), root, "list", today)
    assert plan.rows == (("LAO", "CONV", "accession", "2020", "src-1", ""),)
    in_2019 = Action(ActionKind.ACCESSION, PartialDate(2019), ("src-1",))
    with pytest.raises(MergeRefused) as info:
        plan_merge(existing, _result(in_2019, country="LAO"), root, "list", today)
    assert info.value.lines()[0] == (
        "data/participations.csv:4: LAO x CONV: the dataset has no_action as of 2020-01-01 "
        "(source s2), list says accession on 2019 (source src-1)"
    )


def test_a_loader_reporting_one_action_at_two_precisions_gives_one_fact() -> None:
    year = Action(ActionKind.RATIFICATION, PartialDate(1999), ("s",))
    day = Action(ActionKind.RATIFICATION, dt.date(1999, 3, 2), ("s",))
    other = Action(ActionKind.SIGNATURE, dt.date(1998, 1, 2), ("s",))
    for facts in ([year, day, other], [day, other, year]):
        (part,) = group_participations(("THA", "CONV", a) for a in facts)
        assert part.actions == (other, day)


def test_a_loaded_source_that_differs_from_the_dataset_s_is_refused(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    today = dt.date.today().isoformat()
    root = make_dataset(
        sources_yaml=SOURCES
        + (
            f"- id: {_src()}\n  url: https://example.org/sheet\n  title: Another title\n"
            f"  publisher: Example\n  authority: secondary\n  seen: {today}\n"
        )
    )
    sheet = tmp_path / "s.csv"
    sheet.write_text(HEAD + "Thailand,PROT,2019-03-01,accession\n")
    before = _files(root)
    code, out, err = _fetch(cli, root, sheet)
    assert (code, out) == (2, "")
    assert err == (
        f"error: source '{_src()}' of csv is already in the dataset with other details "
        "(data/sources.yaml:13); nothing written\n"
    )
    assert _files(root) == before
