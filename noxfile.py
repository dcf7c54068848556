"""Nox sessions: the one definition of CI (``bash .ci/run`` runs ``nox`` in a fresh
environment; ``nox`` alone runs the same sessions locally).

Default sessions: lint, typecheck, docs, tests. Others: bench (rewrites
docs/performance.md), golden (regenerates the JSON Schema and the
pinned output digests).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "docs", "tests"]
nox.options.default_venv_backend = "venv"

PLUGINS = [str(p) for p in sorted(Path("plugins").glob("*/")) if (p / "pyproject.toml").exists()]
#: Every tree ruff checks and formats.
TREES = ["src", "tests", "plugins", "benchmarks", "tools"]


def _pin(name: str) -> str:
    """The ``lint`` extra's requirement of ``name`` (pyproject.toml pins the checkers)."""
    import tomllib

    project = tomllib.loads(Path("pyproject.toml").read_text("utf-8"))["project"]
    found = [r for r in project["optional-dependencies"]["lint"] if r.split("==")[0] == name]
    if len(found) != 1 or "==" not in found[0]:
        raise SystemExit(f"pyproject.toml: the lint extra must pin {name} (name==version)")
    return str(found[0])


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint rules, and the formatting (``ruff format --check``), with the ruff the
    ``lint`` extra pins."""
    session.install(_pin("ruff"))
    session.run("ruff", "check", *TREES, "noxfile.py")
    session.run("ruff", "format", "--check", *TREES)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, and on each first-party plugin and its tests (as a
    plugin author's mypy would see the typed test kit)."""
    session.install(".[lint,testkit]", *PLUGINS)
    plugin_src = [f"{p}/src" for p in PLUGINS]
    session.run(
        "mypy",
        "--strict",
        "src",
        *plugin_src,
        *[f"{p}/tests" for p in PLUGINS],
        env={"MYPYPATH": os.pathsep.join(plugin_src)},  # the plugins' sources, not copies
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx docs with warnings as errors (into a scratch directory)."""
    session.install(".[docs]", *PLUGINS)
    out = session.create_tmp()
    session.run("sphinx-build", "-W", "--keep-going", "-q", "-b", "html", "docs", f"{out}/html")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite against a regular (non-editable) install of the package and its
    plugins. Fails when a test fails, and when pytest collects nothing (exit code 5)."""
    session.install(".[test]", *PLUGINS)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks and rewrite docs/performance.md (not part of CI; about half an
    hour). ``nox -s bench -- --quick`` is a few minutes' check that prints the report
    instead (fewer runs, worlds at 0.5x and 1x only)."""
    session.install(".[bench]", *PLUGINS)
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(name="golden")
def golden(session: nox.Session) -> None:
    """Regenerate golden files (the JSON Schema and the pinned output digests in
    tests/golden) after an intended change."""
    session.install(".", "pycountry>=23.12")
    session.run("python", "-m", "gmspolicy.schema", "--write")
    session.run("python", "tests/golden/outputs.py", "--write")


@nox.session
def countries(session: nox.Session) -> None:
    """Regenerate datasets/countries/world.yaml (every state a depositary lists) from
    pycountry's ISO 3166-1 data and country_converter's UN membership column."""
    session.install("pycountry==26.2.16", "country_converter==1.3.2", "PyYAML")
    session.run("python", "tools/world_countries.py", "datasets")
