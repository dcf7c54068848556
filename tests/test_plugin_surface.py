"""The plugin author's surface (issue 15.7, 15.8): the loader kit's public names, the
test kit's contract and fault checks, and `fetched_source` with a note."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

import pytest
from pytest_httpserver import HTTPServer

import gmspolicy.testing
from gmspolicy.errors import PluginError
from gmspolicy.loaders import LoadContext, Loader, LoadResult, kit
from gmspolicy.models import Action, ActionKind, Authority, Participation
from gmspolicy.plugins import loaders
from gmspolicy.testing import check_loader, check_loader_faults, small_reference

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 1, 15)
SHEET = ROOT / "plugins/csvsheet/tests/data/network-sheet.csv"
CSV_OPTS = {
    "instrument": "Treaty",
    "action": "Status",
    "dayfirst": "yes",
    "unknown": "skip",
    "source_url": "https://example.org/network/ratifications",
}


def test_kit_all_lists_every_public_name_and_each_has_a_docstring() -> None:
    public = {
        name
        for name, obj in vars(kit).items()
        if not name.startswith("_") and getattr(obj, "__module__", None) == kit.__name__
    }
    assert public <= set(kit.__all__)
    for name in kit.__all__:
        obj = getattr(kit, name)
        if callable(obj):
            assert inspect.getdoc(obj), f"kit.{name} has no docstring"


def test_api_reference_covers_the_plugin_modules() -> None:
    api = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\.\. automodule:: ([\w.]+)", api))
    # (gmspolicy.exporters.contract: docs/conf.py appends a section for every public
    # module of gmspolicy.exporters)
    wanted = {
        "gmspolicy.loaders",
        "gmspolicy.loaders.contract",
        "gmspolicy.loaders.kit",
        "gmspolicy.loaders.http",
        "gmspolicy.loaders.merge",
        "gmspolicy.query.coverage",
        "gmspolicy.query.diff",
        "gmspolicy.query.policyset",
        "gmspolicy.query.views",
        "gmspolicy.testing",
        "gmspolicy.plugins",
    }
    assert wanted <= documented, sorted(wanted - documented)


def test_test_kit_signatures_have_no_any() -> None:
    for name in dir(gmspolicy.testing):
        obj = getattr(gmspolicy.testing, name)
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if obj.__module__ != "gmspolicy.testing":
            continue
        hints = typing.get_type_hints(obj, vars(gmspolicy.testing) | _kit_types())
        for param, hint in hints.items():
            assert "Any" not in str(hint), f"testing.{name}({param}): {hint}"


def _kit_types() -> dict[str, object]:
    from pytest_httpserver import HTTPServer

    from gmspolicy.exporters.contract import Exporter
    from gmspolicy.loaders.http import Fetcher
    from gmspolicy.query.views import View

    return {
        "HTTPServer": HTTPServer,
        "Exporter": Exporter,
        "Fetcher": Fetcher,
        "View": View,
        "LoadContext": LoadContext,
        "Loader": Loader,
        "LoadResult": LoadResult,
    }


def test_fetched_source_keeps_a_note(tmp_path: Path) -> None:
    page = tmp_path / "table.csv"
    page.write_text("Country,Date\n")
    context = LoadContext(reference=small_reference(("THA",)), today=TODAY)
    fetched = kit.read_location(str(page), context)
    source = kit.fetched_source(
        {"source_url": "https://example.org/published"},
        fetched,
        ident="net-2025",
        title="Network table",
        publisher="A network",
        context=context,
        note="a copy of the depositary's table, as archived by the network",
        authority=Authority.COPY,
    )
    assert (source.url, source.title, source.seen, source.note) == (
        "https://example.org/published",
        "Network table",
        TODAY,
        "a copy of the depositary's table, as archived by the network",
    )


class _WrongKind:
    """A loader whose action kind is a string: the kit must refuse it."""

    name: ClassVar[str] = "wrong-kind"
    description: ClassVar[str] = "returns a string where an ActionKind belongs"
    options: ClassVar[Mapping[str, str]] = {}

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        source = context.reference.sources[0]
        action = Action(ActionKind.RATIFICATION, dt.date(2005, 5, 5), (source.id,))
        part = Participation("THA", "CONV", (action,))
        object.__setattr__(action, "kind", "ratification")  # as a careless loader might
        return LoadResult((part,), (source,))


def test_check_loader_applies_the_boundary_type_checks() -> None:
    context = LoadContext(reference=small_reference(("THA",)), today=TODAY)
    with pytest.raises(PluginError) as err:
        check_loader(_WrongKind(), "x", {}, context)
    assert str(err.value) == (
        "loader 'wrong-kind' returned a malformed result: "
        "result.participations[0].actions[0].kind: expected ActionKind, got str"
    )


class _Recording:
    """The csv loader, noting every location it is asked to read."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "records locations"
    options: ClassVar[Mapping[str, str]] = {}

    def __init__(self, seen: list[str]) -> None:
        self.seen = seen
        self.inner = loaders().get("csv")

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        self.seen.append(location)
        return self.inner.load(location, options, context)


def test_fault_kit_serves_every_fault_under_the_callers_path(httpserver: HTTPServer) -> None:
    seen: list[str] = []
    path = "/network/sheet.csv"
    messages = check_loader_faults(
        _Recording(seen),
        httpserver,
        path=path,
        body=SHEET.read_bytes(),
        content_type="text/csv",
        options=CSV_OPTS,
        reference=small_reference(),
        today=TODAY,
    )
    assert set(messages) == set(gmspolicy.testing.FAULTS)
    assert seen and all(loc.endswith(path) for loc in seen), seen
    assert messages["redirect-loop"] == (
        f"http://SERVER{path}: too many redirects (a redirect loop?)"
    )


def test_the_guides_wrapped_error_example_is_what_the_cli_prints(
    tmp_path: Path, cli: Callable[..., tuple[int, str, str]], make_dataset: Callable[..., Path]
) -> None:
    guide = (ROOT / "docs/plugins.md").read_text(encoding="utf-8")
    files = dict(re.findall(r"```\w+ file=(\S+)\n(.*?)```", guide, re.S))
    module = tmp_path / "jsonlist"
    module.mkdir()
    (module / "jsonlist.py").write_text(files["src/gmspolicy_jsonlist/__init__.py"])
    listing = tmp_path / "list.json"
    listing.write_text('[{"country": "Thailand", "instrument": "CONV"}]')
    root = str(make_dataset())
    code, out, err = cli(
        "--data",
        root,
        "--plugins-dir",
        str(module),
        "load",
        "jsonlist",
        str(listing),
        "--opt",
        "source_url=https://example.org/our-list",
    )
    documented = "list.json: loader 'jsonlist' failed: KeyError: 'ratified'"
    assert documented in guide
    assert (code, out, err) == (1, "", f"{tmp_path}/{documented}\n")
