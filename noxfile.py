"""Nox sessions: tests, lint, typecheck, docs, bench."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.default_venv_backend = "venv"

PLUGINS = [str(p) for p in sorted(Path("plugins").glob("*/")) if (p / "pyproject.toml").exists()]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite against a regular install of the package and its plugins."""
    session.install(".[test]", *PLUGINS)
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on everything."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "plugins", "benchmarks", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install(".[lint,test]")
    session.run("mypy", "--strict", "src")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx docs with warnings as errors."""
    session.install(".[docs]", *PLUGINS)
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks and rewrite docs/performance.md (not part of CI)."""
    session.install(".[bench]", *PLUGINS)
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(name="golden")
def golden(session: nox.Session) -> None:
    """Regenerate golden files (the JSON Schema) after an intended change."""
    session.install(".")
    session.run("python", "-m", "gmspolicy.schema", "--write")


@nox.session
def countries(session: nox.Session) -> None:
    """Regenerate datasets/countries/world.yaml (every state a depositary lists) from
    pycountry's ISO 3166-1 data and country_converter's UN membership column."""
    session.install("pycountry==26.2.16", "country_converter==1.3.2", "PyYAML")
    session.run("python", "tools/world_countries.py", "datasets")
