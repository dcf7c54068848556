"""The JSON feed's schema: committed file current, every export valid, output
deterministic, and the dataset export round-trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from jsonschema import Draft202012Validator

import gmspolicy
from gmspolicy import schema as schema_mod
from gmspolicy.dataset import load_json_export
from gmspolicy.exporters.json_export import SCHEMA_VERSION, JsonExporter, document
from gmspolicy.models import (
    ActionKind,
    Body,
    EventSeries,
    MouKind,
    ObservationBody,
    StatusKind,
)
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import (
    DatasetView,
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    TableView,
    View,
)
from gmspolicy.testing import hostile_texts, policysets

SCHEMA = schema_mod.load_schema()
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def all_views(pset: PolicySet, lang: str = "en") -> list[View]:
    """One view of every kind (a profile per country)."""
    views: list[View] = [
        DatasetView(pset, lang),
        TableView(pset, pset.matrix([c.code for c in pset.countries]), lang),
        EventsView(pset, pset.events, lang),
        MousView(pset, pset.mous, lang),
        ObservationsView(pset, pset.observations, lang),
    ]
    views += [ProfileView(pset, c, None, lang) for c in pset.countries]
    return views


def errors(doc: Any) -> list[str]:
    return [
        f"{e.json_path}: {e.message[:200]}"
        for e in sorted(VALIDATOR.iter_errors(doc), key=lambda e: e.json_path)
    ]


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return gmspolicy.load_dataset()


def test_schema_is_current() -> None:
    committed = schema_mod.schema_path().read_text(encoding="utf-8")
    assert committed == schema_mod.render_schema(), (
        "src/gmspolicy/schema/gmspolicy.schema.json is stale: "
        "run `python -m gmspolicy.schema --write` (or `nox -s golden`)"
    )


def test_check_command_reports_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert schema_mod.main(["--check"]) == 0
    assert capsys.readouterr().out.endswith("gmspolicy.schema.json: current\n")
    assert schema_mod.main(["--bogus"]) == 2
    assert capsys.readouterr().err == "usage: python -m gmspolicy.schema [--write | --check]\n"


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_is_shipped_in_the_package() -> None:
    path = schema_mod.schema_path()
    assert path.name == "gmspolicy.schema.json"
    assert path.parent == Path(schema_mod.__file__).parent
    assert schema_mod.SCHEMA_VERSION == SCHEMA_VERSION == "2.1.0"
    assert SCHEMA["$id"].endswith("/gmspolicy-2.1.schema.json")


def test_description_documents_versions() -> None:
    text = SCHEMA["description"]
    assert "schema_version 2.1.0" in text
    assert "1.0.0: documents of kind table, dataset, events, mous and profile" in text
    assert "1.1.0: supervisory observations" in text


def test_changelog_documents_schema_versions() -> None:
    changelog = (Path(__file__).resolve().parent.parent / "CHANGELOG.md").read_text("utf-8")
    assert "JSON feed schema_version 2.1.0" in changelog
    assert "1.0.0 had no observations" in changelog


def test_enums_come_from_the_models() -> None:
    defs = SCHEMA["$defs"]
    for cls in (ActionKind, StatusKind, Body, EventSeries, MouKind, ObservationBody):
        assert defs[cls.__name__]["enum"] == [m.value for m in cls]


def test_documents_are_strict_and_discriminated() -> None:
    kinds = ["table", "dataset", "events", "mous", "observations", "profile", "reviews"]
    assert SCHEMA["properties"]["kind"]["enum"] == kinds
    for kind in kinds:
        doc = SCHEMA["$defs"][f"{kind.capitalize()}Document"]
        assert doc["additionalProperties"] is False
        assert doc["properties"]["kind"] == {"const": kind}
        assert doc["required"] == sorted(doc["properties"])


def test_every_bundled_export_validates(bundled: PolicySet) -> None:
    for view in all_views(bundled):
        doc = json.loads(JsonExporter().render(view))
        assert errors(doc) == [], view.kind


def test_bundled_export_in_another_language_validates(bundled: PolicySet) -> None:
    doc = json.loads(JsonExporter().render(TableView(bundled, bundled.matrix(), "lo")))
    assert doc["lang"] == "lo"
    assert errors(doc) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(extra=1),
            "$: Additional properties are not allowed ('extra' was unexpected)",
        ),
        (
            lambda d: d.update(kind="nope"),
            "$.kind: 'nope' is not one of ['table', 'dataset', 'events', 'mous', 'observations', "
            "'profile', 'reviews']",
        ),
        (lambda d: d.update(schema_version="1.0.0"), "$.schema_version: '2.1.0' was expected"),
        (
            lambda d: d["cells"][0].update(status="ratified"),
            "$.cells[0].status: 'ratified' is not one of ['party', 'signatory', 'denounced', 'withdrawn', 'no_action', 'not_adopted', 'not_applicable', 'unknown']",
        ),
        (
            lambda d: d["cells"][0].update(date="2014-13-01"),
            "$.cells[0].date: '2014-13-01' is not valid under any of the given schemas",
        ),
        (lambda d: d["countries"][0].pop("m49"), "$.countries[0]: 'm49' is a required property"),
    ],
)
def test_invalid_documents_are_rejected(bundled: PolicySet, change: Any, expected: str) -> None:
    doc = json.loads(JsonExporter().render(TableView(bundled, bundled.matrix(["THA"]))))
    assert errors(doc) == []
    change(doc)
    messages = errors(doc)
    if not any(m == expected for m in messages):
        # oneOf hides the branch's message; the TableDocument branch must give it
        branch = Draft202012Validator(
            {**SCHEMA["$defs"]["TableDocument"], "$defs": SCHEMA["$defs"]},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        messages = [f"{e.json_path}: {e.message[:200]}" for e in branch.iter_errors(doc)]
    assert expected in messages


def test_json_output_is_deterministic(bundled: PolicySet) -> None:
    again = gmspolicy.load_dataset()
    first = [JsonExporter().render(v) for v in all_views(bundled)]
    second = [JsonExporter().render(v) for v in all_views(again)]
    assert first == second


def test_dataset_export_round_trips(bundled: PolicySet, tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(JsonExporter().render(DatasetView(bundled)), encoding="utf-8")
    back = load_json_export(path)
    assert back == bundled
    assert JsonExporter().render(DatasetView(back)) == path.read_text(encoding="utf-8")


@given(pset=policysets(hostile_texts))
def test_generated_exports_validate_and_round_trip(pset: PolicySet) -> None:
    for view in all_views(pset):
        text = JsonExporter().render(view)
        assert text == JsonExporter().render(view)
        assert errors(json.loads(text)) == [], view.kind
    doc = document(DatasetView(pset))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.json"
        path.write_text(JsonExporter().render(DatasetView(pset)), encoding="utf-8")
        assert load_json_export(path) == pset
    assert len(doc["participations"]) == len(pset.participations)
