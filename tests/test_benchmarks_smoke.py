"""Smoke tests for the benchmark tooling: the world generator makes valid, deterministic
data; the fast YAML path reads it exactly as the pure-Python loader does; the
``table --all-countries`` option the benchmarks use works. No timings here."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from gmspolicy.dataset import _yaml as yamlio
from gmspolicy.dataset import load_dataset
from gmspolicy.errors import DataError

Run = Callable[..., tuple[int, str, str]]

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world") / "data"
    _generator().generate(out, Fraction(1, 100))
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_tiny_world_validates(tiny_world: Path, cli: Run) -> None:
    pset = load_dataset(tiny_world)
    assert [c.code for c in pset.countries] == ["CHN", "KHM"]
    assert len(pset.instruments) == 400
    assert all(1 <= len(p.actions) <= 3 for p in pset.participations)
    code, out, err = cli("validate", str(tiny_world))
    assert (code, err) == (0, "")
    assert out.startswith("ok: 2 countries, 400 instruments, ")


def test_generator_is_deterministic(tiny_world: Path, tmp_path: Path) -> None:
    gen = _generator()
    gen.generate(tmp_path / "again", Fraction(1, 100))
    assert _files(tmp_path / "again") == _files(tiny_world)
    gen.generate(tmp_path / "other", Fraction(1, 100), seed=7)
    assert _files(tmp_path / "other") != _files(tiny_world)


def test_generator_scale_argument() -> None:
    gen = _generator()
    assert gen.parse_scale("1/4") == Fraction(1, 4)
    assert gen.parse_scale("0.5") == Fraction(1, 2)
    with pytest.raises(Exception, match=r"scale must be in \(0, 1\], got 2"):
        gen.parse_scale("2")


def test_fast_yaml_path_reads_like_the_python_loader(tiny_world: Path) -> None:
    paths = sorted(tiny_world.rglob("*.yaml")) + sorted((ROOT / "datasets").rglob("*.yaml"))
    assert len(paths) > 10
    for path in paths:
        text = path.read_text(encoding="utf-8")
        slow = yaml.load(text, Loader=yamlio._Loader)
        assert yamlio.load_yaml(text, path.name) == slow, path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {<<: {a: 1}}\n",
            "f.yaml:1: invalid YAML: tag 'tag:yaml.org,2002:merge' is not allowed",
        ),
        ("- a: 1\n  2: b\n", "f.yaml:2: invalid YAML: keys must be text, got 2"),
        (
            "- a: 1\n- b: [1\n",
            "f.yaml:3: invalid YAML: expected ',' or ']', but got '<stream end>'",
        ),
        ("- a: x\n  b: &x y\n", "f.yaml:2: invalid YAML: anchors and aliases are not allowed"),
        ("- a: 1\n \t- b\n", "f.yaml:2: tab used for indentation; use spaces"),
    ],
)
def test_yaml_errors_are_those_of_the_python_loader(text: str, message: str) -> None:
    with pytest.raises(DataError) as info:
        yamlio.load_yaml(text, "f.yaml")
    assert [str(p) for p in info.value.problems] == [message]


def test_text_that_looks_like_an_anchor_still_loads() -> None:
    text = '- title: "R&D *and* &more"\n  url: https://x.org/?a=1&b=2\n'
    doc = yamlio.load_yaml(text, "f.yaml")
    assert yamlio.plain(doc) == [{"title": "R&D *and* &more", "url": "https://x.org/?a=1&b=2"}]


def test_table_all_countries(tiny_world: Path, cli: Run) -> None:
    code, out, err = cli("--data", str(tiny_world), "table", "--all-countries", "-i", "ILO-C001")
    assert (code, err) == (0, "")
    assert "| Instrument | China | Cambodia |" in out
    code, out, err = cli("--data", str(tiny_world), "table", "--all-countries", "--group", "GMS")
    assert (code, out, err) == (
        2,
        "",
        "error: --all-countries cannot be combined with --countries or --group\n",
    )


def test_cli_language_list_matches_the_catalogs() -> None:
    from gmspolicy import cli, i18n

    assert cli._LANGUAGES == i18n.LANGUAGES
