"""Places (where each record was read) held compactly: the same mapping as the dict of
``FILE:LINE`` strings they replace (issue 16: at world scale that dict was a quarter of a
loaded set's memory)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmspolicy.dataset import load_dataset
from gmspolicy.errors import DataError
from gmspolicy.query.places import PlaceRows, Places

MIXED: dict[tuple[str, ...], str] = {
    ("source", "s1"): "data/sources.yaml:1",
    ("participation", "THA", "CONV"): "data/participations.csv:2",
    ("action", "THA", "CONV", "signature", "2001-01-01"): "data/participations.csv:2",
    ("action", "THA", "CONV", "ratification", "2005"): "data/participations/b.csv:3",
    ("action", "LAO", "CONV", "reservation", ""): "data/participations/b.csv:4",
    ("country#2", "THA"): "data/countries.yaml:9",
    # places that are not FILE:LINE, or not plainly so, come back exactly
    ("participation", "LAO", "CONV"): "data/participations.csv (new rows)",
    ("participation", "VNM", "CONV"): "a:b:c:12",
    ("participation", "KHM", "CONV"): "x.csv:007",
    ("participation", "MMR", "CONV"): "x.csv:",
    ("participation", "MYS", "CONV"): "x.csv:99999999999",
    ("participation", "SGP", "CONV"): "x.csv:\u0663",
    ("participation", "PHL", "CONV"): "",
    ("action", "THA", "PROT", "no_action"): "odd key: four words",
}


def test_places_equal_the_mapping_they_are_made_from() -> None:
    places = Places.of(MIXED)
    assert places == MIXED
    assert dict(places) == MIXED
    assert len(places) == len(MIXED)
    for key, place in MIXED.items():
        assert places[key] == place
        assert places.get(key) == place
        assert key in places
    missing = ("action", "THA", "CONV", "accession", "2001-01-01")
    assert missing not in places
    assert places.get(missing) is None
    assert places.get(missing, "nowhere") == "nowhere"
    assert places.get(("source", "nope")) is None
    with pytest.raises(KeyError):
        places[missing]
    assert Places.of(places) is places


def test_places_survive_pickling() -> None:
    places = Places.of(MIXED)
    back = pickle.loads(pickle.dumps(places, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back, Places)
    assert back == MIXED
    assert back.get(("action", "THA", "CONV", "ratification", "2005")) == (
        "data/participations/b.csv:3"
    )


words = st.sampled_from(["THA", "LAO", "CONV", "ratification", "2001", "", "a:1", "x"])
keys = st.one_of(
    st.tuples(st.just("participation"), words, words),
    st.tuples(st.just("action"), words, words, words, words),
    st.tuples(st.sampled_from(["source", "country"]), words),
)
places_text = st.one_of(
    st.builds(
        lambda f, n: f"{f}:{n}", st.sampled_from(["a.csv", "d/b.csv", "c:"]), st.integers(0, 2**33)
    ),
    st.text(max_size=12),
)


@given(st.dictionaries(keys, places_text, max_size=30))
def test_any_mapping_comes_back_the_same(mapping: dict[tuple[str, ...], str]) -> None:
    places = Places.of(mapping)
    assert dict(places) == mapping
    assert sorted(places, key=repr) == sorted(mapping, key=repr)
    assert pickle.loads(pickle.dumps(places)) == mapping


def test_place_rows_tell_a_repeated_key() -> None:
    rows = PlaceRows()
    a, b = rows.file("data/a.csv"), rows.file("data/b.csv")
    assert (a, b, rows.file("data/a.csv")) == (0, 1, 0)
    key = ("action", "THA", "CONV", "signature", "2001-01-01")
    assert rows.add(("participation", "THA", "CONV"), a, 2) == -1
    assert rows.add(key, a, 2) == -1
    assert rows.add(key, b, 7) == 1  # the row that has it
    assert rows.place(1) == "data/a.csv:2"
    assert key in rows
    assert rows.get(("participation", "THA", "CONV")) == "data/a.csv:2"
    assert rows.get(("participation", "LAO", "CONV")) is None
    places = rows.places({("source", "s1"): "data/sources.yaml:1"})
    assert dict(places) == {
        ("source", "s1"): "data/sources.yaml:1",
        ("participation", "THA", "CONV"): "data/a.csv:2",
        key: "data/a.csv:2",
    }


def test_a_read_dataset_has_its_places(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations__more_csv=(
            "country,instrument,action,date,source,note\n"
            "LAO,PROT,reservation,,s1,a reservation\n"
            "THA,PROT,signature,2003,s1,\n"
        )
    )
    pset = load_dataset(root)
    assert isinstance(pset.places, Places)
    rows = {k: v for k, v in pset.places.items() if k[0] in ("participation", "action")}
    assert rows == {
        ("participation", "THA", "CONV"): "data/participations.csv:2",
        ("action", "THA", "CONV", "signature", "2001-01-01"): "data/participations.csv:2",
        ("action", "THA", "CONV", "ratification", "2005-05-05"): "data/participations.csv:3",
        ("participation", "LAO", "CONV"): "data/participations.csv:4",
        ("action", "LAO", "CONV", "no_action", "2020-01-01"): "data/participations.csv:4",
        ("participation", "LAO", "PROT"): "data/participations/more.csv:2",
        ("action", "LAO", "PROT", "reservation", ""): "data/participations/more.csv:2",
        ("participation", "THA", "PROT"): "data/participations/more.csv:3",
        ("action", "THA", "PROT", "signature", "2003"): "data/participations/more.csv:3",
    }
    assert pset.places[("country", "LAO")] == "data/countries.yaml:7"
    assert pset.place("action", "THA", "CONV", "ratification", "2005-05-05") == (
        "data/participations.csv:3"
    )


def test_repeated_rows_name_the_first(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            "THA,CONV,signature,2001-01-01,s1,\n"
            "LAO,CONV,no_action,2020-01-01,s2,not listed\n"
            "THA,CONV,signature,2001-01-01,s1,\n"
            "LAO,CONV,no_action,2021-01-01,s2,again\n"
        )
    )
    with pytest.raises(DataError) as info:
        load_dataset(root)
    assert [str(p) for p in info.value.problems] == [
        "data/participations.csv:4: duplicate signature of CONV by THA on 2001-01-01 "
        "(first at data/participations.csv:2)",
        "data/participations.csv:5: second no_action for LAO x CONV "
        "(first at data/participations.csv:3)",
    ]


@given(
    st.dictionaries(keys, places_text, max_size=20),
    st.dictionaries(keys, places_text, max_size=10),
)
def test_updated_places_equal_the_updated_mapping(
    mapping: dict[tuple[str, ...], str], changes: dict[tuple[str, ...], str]
) -> None:
    places = Places.of(mapping)
    updated = places.updated(changes)
    assert dict(updated.items()) == {**mapping, **changes}
    assert len(updated) == len({**mapping, **changes})
    for key, place in changes.items():
        assert updated[key] == place
    assert dict(places.items()) == mapping  # the original is unchanged


def test_updated_with_an_odd_row_place_falls_back_to_a_copy() -> None:
    key = ("participation", "THA", "CONV")
    updated = Places.of(MIXED).updated({key: None})  # type: ignore[dict-item]
    assert updated.get(key) is None and key in updated and updated[key] is None
    assert dict(updated.items()) == {**MIXED, key: None}
