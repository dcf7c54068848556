"""A matrix as of the latest facts makes its cells only when asked for (issue 16), and says
exactly what a matrix of made cells says: each cell's status and sources are the set's own
answers, in the same order, with the same coverage; a snapshot's latest facts stay plain
values until a caller asks for one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.models import StatusKind
from gmspolicy.query.policyset import LatestCells, LatestFacts, PolicySet
from tests.conftest import snapshot_round_trip

GOLDEN_DATA = Path(__file__).resolve().parent / "golden" / "data"


@pytest.fixture(scope="module")
def pset() -> PolicySet:
    return load_dataset(GOLDEN_DATA)


@pytest.fixture(scope="module")
def restored(pset: PolicySet, tmp_path_factory: pytest.TempPathFactory) -> PolicySet:
    return snapshot_round_trip(pset, tmp_path_factory.mktemp("snap") / "s.pickle")


def _everything(p: PolicySet) -> tuple[list[str], list[str]]:
    return [c.code for c in p.countries], [i.id for i in p.instruments]


@pytest.mark.parametrize("which", ["fresh", "restored"])
def test_each_cell_is_the_sets_answer(pset: PolicySet, restored: PolicySet, which: str) -> None:
    p = pset if which == "fresh" else restored
    codes, ids = _everything(p)
    m = p.matrix(codes, ids)
    assert isinstance(m.cells, LatestCells)
    assert list(m.cells) == [(c, i) for c in codes for i in ids]
    assert len(m.cells) == len(codes) * len(ids)
    kinds = set()
    for (code, ident), cell in m.cells.items():
        assert cell.status == pset.status(code, ident), (code, ident)
        assert cell.source_ids(None) == pset.sources_for(code, ident), (code, ident)
        kinds.add(cell.kind)
    # the set has cells of each way a cell is made: facts, the instrument alone, none
    assert {StatusKind.PARTY, StatusKind.NOT_APPLICABLE, StatusKind.UNKNOWN} <= kinds


def test_coverage_counts_the_cells_it_shows(pset: PolicySet, restored: PolicySet) -> None:
    for p in (pset, restored):
        m = p.matrix(*_everything(p))
        known = sum(1 for c in m.cells.values() if c.kind is not StatusKind.UNKNOWN)
        assert m.coverage() == (known, len(m.cells))
        assert 0 < known < len(m.cells)


def test_a_country_named_twice_is_one_column(pset: PolicySet) -> None:
    m = pset.matrix(["THA", "THA", "VNM"], ["ICRMW", "ICRMW"])
    assert list(m.cells) == [("THA", "ICRMW"), ("VNM", "ICRMW")]
    assert len(m.cells) == 2
    with pytest.raises(KeyError):
        m.cells[("LAO", "ICRMW")]
    with pytest.raises(KeyError):
        m.cells[("THA", "CEDAW")]


def test_a_cell_is_made_once(pset: PolicySet) -> None:
    m = pset.matrix(["THA"], ["CEDAW"])
    assert m.cells[("THA", "CEDAW")] is m.cells[("THA", "CEDAW")]


def test_restored_facts_are_plain_until_asked_for(pset: PolicySet, restored: PolicySet) -> None:
    plain = restored.latest_plain()
    assert dict(plain) == dict(pset.latest_plain())
    facts = restored.latest()
    assert len(facts) == len(plain) and list(facts) == list(plain)
    key = next(iter(plain))
    one = facts[key]
    assert isinstance(one, LatestFacts)
    assert one is facts[key] is facts.get(key)  # made once
    assert one.plain() == plain[key]
    assert one.status == pset.latest()[key].status
    assert facts.get(("XXX", "nothing")) is None
    assert facts.get(("XXX", "nothing"), "default") == "default"
    with pytest.raises(KeyError):
        facts[("XXX", "nothing")]


@pytest.mark.parametrize(
    ("countries", "instruments"),
    [(None, None), (["THA", "THA", "VNM"], ["ICRMW", "CEDAW"]), (["CHN"], ["ICRMW", "ICRMW"])],
)
def test_coverage_counted_on_the_faces_is_the_matrixs(
    pset: PolicySet, countries: list[str] | None, instruments: list[str] | None
) -> None:
    from gmspolicy.query.views import TableView

    for as_of in (None, dt.date(2005, 1, 1)):
        m = pset.matrix(countries, instruments, as_of)
        view = TableView(pset, m, "en")
        assert view.coverage(view.faces()) == view.coverage() == m.coverage()


def test_participation_facts_are_the_rows_current_status(
    pset: PolicySet, restored: PolicySet
) -> None:
    from gmspolicy.query.views import DatasetView

    for p in (pset, restored):
        view = DatasetView(p, "en")
        pairs = view.participation_facts()
        rows = view.participation_rows()
        assert len(pairs) == len(rows) == len(p.participations)
        for (part, plain), row in zip(pairs, rows, strict=True):
            assert part is row.participation
            assert row.facts is not None and plain == row.facts.plain()
            assert LatestFacts.from_plain(plain).status == row.current
