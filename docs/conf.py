"""Sphinx configuration for the gmspolicy documentation (built by ``nox -s docs``)."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

from gmspolicy import __version__

HERE = Path(__file__).resolve().parent

project = "gmspolicy"
author = "gmspolicy developers"
copyright = "gmspolicy developers, MIT licence"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx_click",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# MyST: ```{directive} fences, and anchors for headings so pages can link to sections.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc: the docstrings are reStructuredText; show members in source order, type hints
# in the signature only.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "furo"
html_title = f"gmspolicy {release}"

# Pages written by other people that may not exist yet. index.md lists them in its
# toctree and links them from its list of readers; while a page does not exist, those
# lines (a toctree entry ``NAME`` on its own line, or a one-line list item linking
# ``NAME.md``) are dropped at build time, so the build passes now and includes the page
# once it lands, with no change here.
OPTIONAL_PAGES = ("data", "plugins", "performance", "reliability")


def _drop_missing_pages(app: Sphinx, docname: str, source: list[str]) -> None:
    """Remove index.md's toctree entries and links of optional pages that do not exist."""
    if docname != root_doc:
        return
    for page in OPTIONAL_PAGES:
        # index.md depends on each page's presence: re-read it in an incremental build
        # when the page appears (Sphinx re-reads a document whose dependency is missing
        # or newer than its last build).
        app.env.note_dependency(str(HERE / f"{page}.md"))
        if (HERE / f"{page}.md").exists():
            continue
        name = re.escape(page)
        source[0] = re.sub(rf"(?m)^{name}\n", "", source[0])
        source[0] = re.sub(rf"(?m)^- .*\]\({name}\.md(#[^)]*)?\).*\n", "", source[0])


def _exporter_modules(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append an API section for every public module of ``gmspolicy.exporters`` (so an
    exporter added later is documented without editing api.md)."""
    if docname != "api":
        return
    import pkgutil

    import gmspolicy.exporters

    for info in sorted(pkgutil.iter_modules(gmspolicy.exporters.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = f"gmspolicy.exporters.{info.name}"
        source[0] += f"\n### `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}\n```\n"


def _always_reread_api(
    app: Sphinx, env: object, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read api.md on every build, so that a new exporter module appears in it."""
    return ["api"]


def setup(app: Sphinx) -> None:
    """Register the toctree filter, and a plain-text lexer for ```csv blocks (Pygments
    has none; the dataset pages show CSV rows)."""
    from pygments.lexers.special import TextLexer

    app.add_lexer("csv", TextLexer)
    app.connect("source-read", _drop_missing_pages)
    app.connect("source-read", _exporter_modules)
    app.connect("env-get-outdated", _always_reread_api)
