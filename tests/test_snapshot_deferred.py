"""What a restored snapshot reads only when asked (issue 16): the participations and places,
the MOUs and events, and the reviews, recommendations and reporting rows. Each is read
once, and sets made from a restored one (``attrs.evolve``) share what was read."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.query.policyset import PolicySet, _Deferred
from tests.conftest import snapshot_round_trip

GOLDEN_DATA = Path(__file__).resolve().parent / "golden" / "data"


@pytest.fixture(scope="module")
def pset() -> PolicySet:
    return load_dataset(GOLDEN_DATA)


def restore(pset: PolicySet, tmp_path: Path) -> PolicySet:
    return snapshot_round_trip(pset, tmp_path / "s.pickle")


def test_mous_and_events_are_read_when_asked(pset: PolicySet, tmp_path: Path) -> None:
    restored = restore(pset, tmp_path)
    assert isinstance(restored._mou_records, _Deferred)
    assert isinstance(restored._event_records, _Deferred)
    restored.matrix()  # a table as of today reads neither
    assert isinstance(restored._mou_records, _Deferred)
    assert restored.events == pset.events and len(pset.events) > 10
    assert restored.mous == pset.mous and len(pset.mous) > 3
    assert not isinstance(restored._mou_records, _Deferred)
    mou = pset.mous[0]
    assert restored.mou(mou.id) == mou
    assert restored.mous_for(mou.parties[0]) == pset.mous_for(mou.parties[0])
    assert restored == pset


def test_a_set_evolved_from_a_restored_one_shares_what_is_read(
    pset: PolicySet, tmp_path: Path
) -> None:
    restored = restore(pset, tmp_path)
    subset = attrs.evolve(restored, reviews=())
    # both read the participations and the MOUs, in either order, from one reading
    assert subset.participations == pset.participations
    assert restored.participations == pset.participations
    assert restored.places == pset.places == subset.places
    assert restored.mous == subset.mous == pset.mous
    assert subset.events == restored.events == pset.events


def test_reviews_are_read_apart_from_the_mous_and_events(pset: PolicySet, tmp_path: Path) -> None:
    # the HTML table links reviews: reading them must not unpickle a world's MOUs and events
    restored = restore(pset, tmp_path)
    for field in ("_review_list", "_recommendation_list", "_reporting_list"):
        assert isinstance(getattr(restored, field), _Deferred)
    assert restored.review_records == pset.review_records and pset.review_records
    assert restored.recommendations == pset.recommendations and pset.recommendations
    assert restored.reporting == pset.reporting and pset.reporting
    assert isinstance(restored._mou_records, _Deferred)
    assert isinstance(restored._event_records, _Deferred)
    assert restored.mous == pset.mous
    assert restored == pset
