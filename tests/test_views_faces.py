"""TableView.faces() says what TableView.rows() says, cell for cell (issue 16: the HTML
and Markdown matrices are laid out from faces, the other exporters from rows)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import CellFace, TableView
from tests.conftest import snapshot_round_trip

GOLDEN_DATA = Path(__file__).resolve().parent / "golden" / "data"


@pytest.fixture(scope="module")
def pset() -> PolicySet:
    return load_dataset(GOLDEN_DATA)


@pytest.mark.parametrize("as_of", [None, dt.date(2010, 6, 30), dt.date(1995, 1, 1)])
@pytest.mark.parametrize("lang", ["en", "th", "zh"])
def test_faces_are_the_rows_cells(pset: PolicySet, as_of: dt.date | None, lang: str) -> None:
    m = pset.matrix([c.code for c in pset.countries], [i.id for i in pset.instruments], as_of)
    view = TableView(pset, m, lang)
    rows = view.rows()
    faces = view.faces()
    assert len(faces) == len(rows) == len(m.instruments)
    for row, face_row in zip(rows, faces, strict=True):
        assert list(face_row) == [CellFace.of(cell) for cell in row.cells]
        for cell, face in zip(row.cells, face_row, strict=True):
            assert face.secondary_only == cell.secondary_only
            # the earliest day as the status itself gives it
            date = cell.status.date
            assert face.earliest == (date.earliest().isoformat() if date else None)


def test_faces_after_a_snapshot_round_trip(pset: PolicySet, tmp_path: Path) -> None:
    restored = snapshot_round_trip(pset, tmp_path / "s.pickle")
    codes, ids = [c.code for c in pset.countries], [i.id for i in pset.instruments]
    fresh = TableView(pset, pset.matrix(codes, ids), "en").faces()
    again = TableView(restored, restored.matrix(codes, ids), "en").faces()
    assert again == fresh
    observed = sum(1 for row in fresh for face in row if face.observations)
    assert observed > 10  # the bundled observations are on the faces


def test_participation_rows_carry_the_derived_status(pset: PolicySet) -> None:
    from gmspolicy.exporters.json_export import _facts_record, status_record
    from gmspolicy.query.views import DatasetView

    rows = DatasetView(pset, "en").participation_rows()
    assert len(rows) == len(pset.participations)
    for row in rows:
        inst = row.instrument
        want = row.participation.status(signature_step=inst.body.value != "ILO")
        assert row.current == want
        assert row.facts is not None
        assert _facts_record(row.facts) == status_record(want)
