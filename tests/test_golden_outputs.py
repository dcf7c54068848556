"""Outputs stay byte for byte what they were (issue 16: a speed-up changes no output).

Every pinned command (``tests/golden/outputs.py``) runs on the frozen dataset in
``tests/golden/data`` three ways: without the snapshot cache, through it when it stores a
snapshot, and through it again when the snapshot is read back; each output must match
the digest pinned in ``tests/golden/outputs.json``. At world scale (a generated dataset
of 40 countries x 400 instruments), the matrix in every format and the JSON feed must be
identical with and without the cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

Run = Callable[..., tuple[int, str, str]]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


GOLDEN = _module("golden_outputs", HERE / "golden" / "outputs.py")
PINNED: dict[str, str] = json.loads(GOLDEN.MANIFEST.read_text(encoding="utf-8"))


def _digest(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha256(data).hexdigest()}"


def test_every_pinned_command_has_a_digest() -> None:
    assert sorted(PINNED) == sorted(GOLDEN.COMMANDS)


@pytest.mark.parametrize("name", sorted(GOLDEN.COMMANDS))
def test_output_is_as_pinned(
    name: str, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("GMSPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    args = ["--data", str(GOLDEN.DATA), *GOLDEN.COMMANDS[name]]
    got = {}
    for how, extra in (("no cache", ["--no-cache"]), ("stored", []), ("read back", [])):
        out = tmp_path / f"{how}.out"
        code, _, err = cli(*extra, *args, "-o", str(out))
        assert (code, err) == (0, ""), how
        got[how] = _digest(out.read_bytes())
    assert got == dict.fromkeys(got, PINNED[name]), (
        f"{name}: the output changed; if intended, run `python tests/golden/outputs.py --write`"
    )


WORLD_PINNED = json.loads(GOLDEN.WORLD_MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return GOLDEN.generate_world(tmp_path_factory.mktemp("world") / "data")  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(GOLDEN.WORLD_COMMANDS))
def test_world_outputs_same_with_and_without_cache(
    name: str, world: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("GMSPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    outs = []
    for extra in (["--no-cache"], [], []):
        out = tmp_path / f"{len(outs)}.out"
        args = GOLDEN.WORLD_COMMANDS[name]
        code, _, err = cli(*extra, "--data", str(world), *args, "-o", str(out))
        assert (code, err) == (0, "")
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0]) > 100_000
    if WORLD_PINNED["pycountry"] == GOLDEN.pycountry_version():
        # the generated names come from pycountry: pinned for the version they were made with
        assert _digest(outs[0]) == WORLD_PINNED["outputs"][name], (
            f"world {name}: the output changed; if intended, run "
            "`python tests/golden/outputs.py --write`"
        )
