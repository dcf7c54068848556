"""Shared fixtures: a small valid dataset written to a temporary directory."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from gmspolicy.cli import main
from gmspolicy.query.policyset import PolicySet

# Hypothesis settings live here, not on each test: "dev" (the default) explores new
# examples on every run; "ci" (HYPOTHESIS_PROFILE=ci, set by .ci/run) is derandomized, so
# a CI run is reproducible. A test that needs a different budget sets only max_examples.
# No deadline: exporters render whole datasets, and tests never assert on time.
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "ci", parent=settings.get_profile("dev"), derandomize=True, database=None, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def _snapshot_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The command line caches validated datasets; the tests keep theirs in a temporary
    directory (inherited by the commands they start) instead of the user's cache."""
    folder = tmp_path_factory.mktemp("snapshots")
    old = os.environ.get("GMSPOLICY_CACHE_DIR")
    os.environ["GMSPOLICY_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        del os.environ["GMSPOLICY_CACHE_DIR"]
    else:
        os.environ["GMSPOLICY_CACHE_DIR"] = old


SOURCES = """\
- id: s1
  url: https://example.org/s1
  title: Source one
  publisher: Example
  authority: official
  seen: 2024-01-31
- id: s2
  url: https://example.org/s2
  title: Source two
  publisher: Example
  authority: official
  seen: 2024-01-31
"""

COUNTRIES = """\
- code: THA
  alpha2: TH
  m49: "764"
  name: Thailand
  groups: [GMS, ASEAN]
  sources: [s1]
- code: LAO
  alpha2: LA
  m49: "418"
  name: Lao People's Democratic Republic
  names: [Lao PDR, Laos]
  groups: [GMS, ASEAN]
  sources: [s1]
"""

INSTRUMENTS = """\
- id: CONV
  body: UN
  kind: convention
  title: A Convention
  short_name: Conv
  adopted: 1990-12-18
  tags: [migration]
  sources: [s1]
- id: PROT
  body: UN
  kind: protocol
  title: A Protocol
  short_name: Prot
  adopted: 2000-01-01
  parent: CONV
  requires_parent: true
  sources: [s1]
"""

PARTICIPATIONS = """\
country,instrument,action,date,source,note
THA,CONV,signature,2001-01-01,s1,
THA,CONV,ratification,2005-05-05,s1;s2,
LAO,CONV,no_action,2020-01-01,s2,not listed
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory of the test's own (``GMSPOLICY_CACHE_DIR``, not yet made), with
    the cache on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GMSPOLICY_CACHE_DIR", str(folder))
    monkeypatch.delenv("GMSPOLICY_CACHE", raising=False)
    return folder


def snapshot_round_trip(pset: PolicySet, path: Path) -> PolicySet:
    """``pset`` written as a snapshot to ``path`` and read back from it."""
    from gmspolicy.dataset import snapshot

    with path.open("wb") as fh:
        snapshot._write(fh, pset)
    with path.open("rb") as fh:
        found = snapshot._read(fh)
    assert found is not None
    return found


@pytest.fixture
def make_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a dataset directory ``data/`` (the working directory is its parent, so
    messages name ``data/FILE``); keyword arguments replace or add files by name."""
    monkeypatch.chdir(tmp_path)

    def make(**files: str | None) -> Path:
        root = tmp_path / "data"
        root.mkdir(exist_ok=True)
        content: dict[str, str | None] = {
            "sources.yaml": SOURCES,
            "countries.yaml": COUNTRIES,
            "instruments.yaml": INSTRUMENTS,
            "participations.csv": PARTICIPATIONS,
        }
        content.update(
            {
                k.replace("__", "/").replace("_yaml", ".yaml").replace("_csv", ".csv"): v
                for k, v in files.items()
            }
        )
        for name, text in content.items():
            path = root / name
            if text is None:
                if path.exists():
                    path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
