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


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


def _generator() -> ModuleType:
    return _bench_module("generate")


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
    assert gen.parse_scale("4") == Fraction(4)
    with pytest.raises(Exception, match=r"scale must be in \(0, 6\], got 7"):
        gen.parse_scale("7")
    with pytest.raises(Exception, match=r"scale must be in \(0, 6\], got 0"):
        gen.parse_scale("0")


def test_world_above_scale_1_adds_synthetic_countries(tmp_path: Path, cli: Run) -> None:
    """A small base (2 real countries at scale 1) grown to 2x: the 2 real countries of
    scale 1 plus 2 synthetic ones with user-assigned codes, and the data validates."""
    gen = _generator()
    one = gen.generate(tmp_path / "one", Fraction(1), base=2)
    two = gen.generate(tmp_path / "two", Fraction(2), base=2)
    real = [c["code"] for c in one.countries]
    assert real == ["CHN", "KHM"]
    assert [c["code"] for c in two.countries] == ["CHN", "KHM", "QMA", "QMB"]
    import pycountry

    iso = {c.alpha_3 for c in pycountry.countries}
    synthetic = [c for c in two.countries if c["code"] not in real]
    assert not iso & {c["code"] for c in synthetic}
    assert [(c["alpha2"], c["m49"], c["name"]) for c in synthetic] == [
        ("QM", "900", "Synthetic country QMA"),
        ("QM", "901", "Synthetic country QMB"),
    ]
    # every per-country record grows with the countries; the instruments stay
    assert len(two.instruments) == len(one.instruments) == 400
    assert 1.8 < two.participation_count() / one.participation_count() < 2.2
    assert abs(len(two.mous) - 2 * len(one.mous)) <= 1  # rounded separately
    assert abs(len(two.events) - 2 * len(one.events)) <= 1
    pset = load_dataset(tmp_path / "two")
    assert [c.code for c in pset.countries] == ["CHN", "KHM", "QMA", "QMB"]
    assert {p.country for p in pset.participations} == {"CHN", "KHM", "QMA", "QMB"}
    code, out, err = cli("validate", str(tmp_path / "two"))
    assert (code, err) == (0, "")
    assert out.startswith("ok: 4 countries, 400 instruments, ")
    # deterministic, like every scale
    gen.generate(tmp_path / "again", Fraction(2), base=2)
    assert _files(tmp_path / "again") == _files(tmp_path / "two")


def test_generator_synthetic_codes_and_limits() -> None:
    gen = _generator()
    codes = gen.synthetic_codes()
    assert (codes[0], codes[1], codes[-1], len(codes), len(set(codes))) == (
        "QMA",
        "QMB",
        "XZZ",
        1040,
        1040,
    )
    assert len(codes) >= gen.MAX_SCALE * gen.WORLD_COUNTRIES - gen.WORLD_COUNTRIES
    with pytest.raises(ValueError, match=r"base must be in \[1, 197\], got 0"):
        gen.World(1, Fraction(1), base=0)


def test_scale_1_and_below_make_no_synthetic_country() -> None:
    gen = _generator()
    world = gen.World(gen.DEFAULT_SEED, Fraction(40, 197))
    world.make_countries()
    assert len(world.countries) == 40
    assert not any(c["code"].startswith(("QM", "X")) for c in world.countries)


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


# -- the measuring helpers of benchmarks/run.py (pure functions; no timing) ---------------


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench_module("run")


def test_interleaved_runs_the_sides_in_turn_after_one_warm_up(bench: ModuleType) -> None:
    log: list[str] = []

    def side(name: str) -> Callable[[], str]:
        def run() -> str:
            log.append(name)
            return f"{name}{sum(1 for x in log if x == name)}"

        return run

    a, b = bench.interleaved([side("A"), side("B")], 3)
    assert log == ["A", "B", "A", "B", "A", "B", "A", "B"]
    assert (a, b) == (["A2", "A3", "A4"], ["B2", "B3", "B4"])  # the warm-ups not counted
    log.clear()
    out = bench.interleaved([side("A"), side("B"), side("C")], 2, warmup=0)
    assert log == ["A", "B", "C", "A", "B", "C"]
    assert out == [["A1", "A2"], ["B1", "B2"], ["C1", "C2"]]
    with pytest.raises(ValueError, match="repeat must be at least 1, got 0"):
        bench.interleaved([side("A")], 0)


def test_statistics_min_median_and_ratios(bench: ModuleType) -> None:
    a = bench.summarise([3.0, 1.0, 2.0, 10.0])
    assert (a.min, a.median, a.max) == (1.0, 2.5, 10.0)
    b = bench.summarise([0.5, 2.0, 1.0])
    ratio = bench.Ratio(a, b)
    assert (ratio.at_min, ratio.at_median) == (2.0, 2.5)
    assert bench.growth([1.0, 2.0, 5.0]) == [2.0, 2.5]
    assert bench.growth([1.0]) == []
    with pytest.raises(ValueError, match="no samples"):
        bench.summarise([])


def test_a_target_is_judged_on_the_median_ratio(bench: ModuleType) -> None:
    sample = bench.Sample

    def runs(*walls: float) -> list[object]:
        return [sample(w, w / 2, 100.0 + w) for w in walls]

    # best against best meets 2x; median against median (3.0 / 1.0) does not
    row = bench.Row("op", runs(1.0, 3.0, 3.5), "base", runs(1.0, 1.0, 0.4), 2)
    assert (row.ratio.at_min, row.ratio.at_median, row.value) == (2.5, 3.0, 3.0)
    assert row.met is False
    cells = row.cells()
    assert cells[1:] == [
        "1.000 / 3.000 s",
        "base: 0.400 / 1.000 s",
        "2.50x",
        "3.00x",
        "3.00x",
        "<= 2x",
        "missed (1.5x over)",
    ]
    assert bench.Row("op", runs(1.5), "base", runs(1.0), 2).met is True
    # an absolute target (peak RSS in MB) on the median of the runs
    rss = bench.Row("rss", runs(10.0, 60.0, 20.0), "ctx", None, 150, unit="MB")
    assert (rss.value, rss.met, rss.cells()[1], rss.cells()[6]) == (
        120.0,
        True,
        "110 / 120 MB",
        "<= 150 MB",
    )


def test_scaling_growth_per_doubling(bench: ModuleType) -> None:
    scales = [Fraction(1, 2), Fraction(1), Fraction(2)]

    def runs(*values: float) -> object:
        return bench.summarise(values)

    # min/min stays linear; median/median decides, and misses on the last doubling
    op = bench.Scaling(
        "op",
        "s",
        {Fraction(2): runs(4.0, 4.2, 5.0), Fraction(1, 2): runs(1.0, 1.0), Fraction(1): runs(2.0)},
    )
    assert op.growth_min() == [2.0, 2.0]
    assert op.growth() == [2.0, 2.1]
    assert op.met()
    rss = bench.Scaling(
        "rss", "MB", dict(zip(scales, [runs(100.0), runs(150.0), runs(320.0)], strict=True))
    )
    assert rss.growth() == [1.5, 320 / 150] and not rss.met()
    lines = bench.scaling_table([op, rss], scales)
    assert lines[0] == (
        "| Operation (min / median) | 0.5x | 1x | 2x | 0.5x → 1x | 1x → 2x | Result |"
    )
    assert lines[2] == (
        "| op | 1.000 / 1.000 s | 2.000 / 2.000 s | 4.000 / 4.200 s | 2.00 / 2.00 "
        "| 2.00 / 2.10 | met |"
    )
    assert lines[3] == (
        "| rss | 100 / 100 MB | 150 / 150 MB | 320 / 320 MB | 1.50 / 1.50 | 2.13 / 2.13 "
        "| missed (> 2.1) |"
    )
