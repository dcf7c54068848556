"""One converter: structure(unstructure(x)) == x for every model."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmspolicy.testing import MODEL_STRATEGIES, roundtrip


@pytest.mark.parametrize("cls", list(MODEL_STRATEGIES), ids=lambda c: c.__name__)
def test_roundtrip(cls: type[Any]) -> None:
    @given(MODEL_STRATEGIES[cls])
    def check(value: Any) -> None:
        assert roundtrip(value) == value

    check()


@given(st.data())
def test_unstructured_is_plain_json(data: st.DataObject) -> None:
    import json

    from gmspolicy.convert import converter

    for strategy in MODEL_STRATEGIES.values():
        value = data.draw(strategy)
        text = json.dumps(converter.unstructure(value))
        assert converter.structure(json.loads(text), type(value)) == value
