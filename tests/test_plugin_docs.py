"""docs/plugins.md: the example plugin in the guide works, and the guide covers the kit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import plugins

Run = Callable[..., tuple[int, str, str]]
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"


def example_files() -> dict[str, str]:
    blocks = re.findall(r"```\w+ file=(\S+)\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return dict(blocks)


ILO_C029 = """\
- id: ILO-C029
  body: ILO
  kind: convention
  title: Forced Labour Convention, 1930 (No. 29)
  short_name: Forced Labour Convention
  adopted: 1930-06-28
  sources: [s1]
"""


def test_guide_example_plugin_loads_via_plugins_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    data = str(make_dataset(instruments__ilo_yaml=ILO_C029))
    monkeypatch.setattr(plugins, "_registries", {})
    files = example_files()
    assert sorted(files) == ["list.json", "pyproject.toml", "src/gmspolicy_jsonlist/__init__.py"]
    pkg = tmp_path / "gmspolicy-jsonlist"
    for name, text in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert '[project.entry-points."gmspolicy.loaders"]' in files["pyproject.toml"]
    module_dir = pkg / "src" / "gmspolicy_jsonlist"
    listing = pkg / "list.json"
    code, out, err = cli(
        "--data",
        data,
        "--plugins-dir",
        str(module_dir),
        "load",
        "jsonlist",
        str(listing),
        "--opt",
        "source_url=https://example.org/our-list",
        "--format",
        "markdown",
    )
    assert (code, err) == (0, "")
    assert "ratified 1969-02-26" in out
    code, out, err = cli(
        "--data", data, "--plugins-dir", str(module_dir), "load", "jsonlist", str(listing)
    )
    assert (code, out, err) == (2, "", "error: loader 'jsonlist' needs --opt source_url=URL\n")


def test_guide_documents_the_contract_and_the_kit() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    import gmspolicy.testing as kit
    from gmspolicy.loaders import LoadContext, LoadResult

    for name in (
        "check_loader",
        "check_exporter",
        "check_loader_faults",
        "fast_fetcher",
        "small_reference",
        "--plugins-dir",
        "gmspolicy.loaders",
        "gmspolicy.exporters",
        "LoaderError",
        "PluginError",
        "UsageError",
    ):
        assert name in text, name
        assert not name.isidentifier() or hasattr(kit, name) or name.endswith("Error")
    for field in attrs_fields(LoadContext) + attrs_fields(LoadResult):
        assert f"`{field}`" in text or f"{field}=" in text or f".{field}" in text, field


def attrs_fields(cls: type) -> list[str]:
    import attrs

    return [f.name for f in attrs.fields(cls)]
