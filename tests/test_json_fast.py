"""The JSON feed built and written fast, byte for byte as before: records as plain data
without cattrs' hook dispatch (``exporters._plain``) and orjson where it writes what
``json.dumps(..., ensure_ascii=False, sort_keys=True, indent=2)`` writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmspolicy import models
from gmspolicy.convert import converter
from gmspolicy.dataset import load_dataset
from gmspolicy.exporters import json_export
from gmspolicy.exporters._plain import plain
from gmspolicy.exporters.json_export import document, dumps, dumps_document
from gmspolicy.query.views import DatasetView
from gmspolicy.testing import MODEL_STRATEGIES, policysets

pytest.importorskip("orjson")

#: Every code point, lone surrogates, controls, U+2028/U+2029 and the non-characters.
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
TRICKY = st.sampled_from(
    [
        "\x00",
        "\x1f",
        "\x7f",
        "\x80",
        "\x9f",
        "\u2028",
        "\u2029",
        '"',
        "\\",
        "/",
        "\ud800",
        "\udfff",
        "\ufeff",
        "\uffff",
        "\U0001f600",
        "\U0010ffff",
        "\b",
        "\f",
        "\n",
        "\r",
        "\t",
    ]
)
TEXT = st.text(st.one_of(ANY_CHAR, TRICKY), max_size=12)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.integers(),  # beyond 64 bits too
    TEXT,
)
DOCUMENTS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(TEXT, inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=600)
@given(DOCUMENTS)
def test_the_fast_encoder_writes_what_json_writes(doc: Any) -> None:
    assert dumps_document(doc) == dumps(doc)


@settings(max_examples=300)
@given(st.dictionaries(TEXT, st.lists(st.dictionaries(TEXT, TEXT, max_size=3), max_size=3)))
def test_feed_shaped_documents(doc: dict[str, Any]) -> None:
    assert dumps_document(doc) == dumps(doc)


class Kind(enum.Enum):
    A = "a"


class Text(str):
    pass


class Number(int):
    pass


@dataclasses.dataclass
class Point:
    x: int


@pytest.mark.parametrize(
    "doc",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [[]], "d": [{}]},
        {"\ud800": 1},  # a lone surrogate in a key
        ["\udfff"],
        [2**64],  # beyond orjson's integers
        [-(2**63) - 1],
        {1: "a", 2: "b"},  # keys that are not strings: json makes them strings
        {True: 1},
        {None: 1},
        {1: "a", "b": 2},  # and fails to sort them with strings
        [Text("a")],  # subclasses: json writes their value
        {Text("k"): 1},
        [Number(5)],
        [True, False, None],
        pytest.param([[[[[]]]]] * 2, id="nested"),
    ],
)
def test_what_orjson_will_not_write_as_json_goes_to_json(doc: Any) -> None:
    assert outcome(dumps_document, doc) == outcome(dumps, doc)


def outcome(encode: Any, doc: Any) -> tuple[str, str]:
    """The text written, or the error raised."""
    try:
        return ("text", encode(doc))
    except Exception as exc:
        return (type(exc).__name__, str(exc))


def deep(n: int) -> Any:
    doc: Any = []
    for _ in range(n):
        doc = [doc]
    return doc


def test_nesting_deeper_than_orjson_allows() -> None:
    doc = deep(300)
    assert dumps_document(doc) == dumps(doc)


@pytest.mark.parametrize("value", [Point(1), dt.date(2020, 1, 2), object()])
def test_values_json_cannot_write_fail_as_they_did(value: Any) -> None:
    with pytest.raises(TypeError) as fast:
        dumps_document([value])
    with pytest.raises(TypeError) as slow:
        dumps([value])
    assert str(fast.value) == str(slow.value)


def test_without_orjson_the_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    view = DatasetView(load_dataset(), "en")
    fast = json_export.JsonExporter().render(view)
    monkeypatch.setattr(json_export, "orjson", None)
    assert json_export.JsonExporter().render(view) == fast == dumps(document(view))


def _leaf_types(value: Any, found: set[type]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(type(k))
            _leaf_types(v, found)
    elif isinstance(value, list):
        for v in value:
            _leaf_types(v, found)
    else:
        found.add(type(value))


def test_the_feed_holds_only_what_both_encoders_write_alike() -> None:
    found: set[type] = set()
    _leaf_types(document(DatasetView(load_dataset(), "en")), found)
    assert found <= {str, int, bool, type(None)}


def _mentions_float(t: Any) -> bool:
    return t is float or any(_mentions_float(a) for a in typing.get_args(t))


def test_no_model_field_is_a_float() -> None:
    classes = [c for c in vars(models).values() if isinstance(c, type) and attrs.has(c)]
    assert len(classes) > 10
    for cls in classes:
        for name, t in typing.get_type_hints(cls).items():
            assert not _mentions_float(t), f"{cls.__name__}.{name}"


@pytest.mark.parametrize("cls", sorted(MODEL_STRATEGIES, key=lambda c: c.__name__))
def test_plain_is_what_the_converter_unstructures(cls: type) -> None:
    @given(MODEL_STRATEGIES[cls])
    def check(value: Any) -> None:
        assert repr(plain(value)) == repr(converter.unstructure(value))

    check()


def test_plain_on_every_record_of_the_bundled_data() -> None:
    pset = load_dataset()
    groups = [
        pset.countries,
        pset.instruments,
        pset.participations,
        pset.mous,
        pset.events,
        pset.observations,
        pset.sources,
        pset.review_records,
        pset.recommendations,
        pset.reporting,
    ]
    n = 0
    for records in groups:
        for record in records:
            assert repr(plain(record)) == repr(converter.unstructure(record))
            n += 1
    assert n > 1000


@given(policysets())
def test_the_document_of_generated_sets_is_written_alike(pset: Any) -> None:
    view = DatasetView(pset, "en")
    assert json_export.JsonExporter().render(view) == dumps(document(view))
