"""Issue 14.1: every regular expression applied to loaded text does linear work.

Two checks:

- a census: every compiled pattern in the modules that read loaded text (the loader kit,
  the first-party loaders, the dataset reader's YAML checks, the date parser) is named in
  ``COVERED`` by a worst case below, and no pattern is written inline (``re.sub(r"...")``)
  where the census cannot see it. A new pattern without a worst case fails here.
- a worst case per pattern, as the code applies it (through the function that applies it,
  with its length caps): the input the pattern would backtrack most on, and a harmless
  input of the same size, run in a subprocess (``hostile_kit.measure``). Each input is
  100,000 characters: a quadratic pattern needs ~10^10 steps on it (hours), an
  exponential one never ends; a linear one is done in milliseconds.
"""

from __future__ import annotations

import ast
import importlib
import re
import textwrap
from pathlib import Path

import pytest
from hostile_kit import measure, record

ROOT = Path(__file__).resolve().parents[2]
N = 100_000

#: The modules whose patterns see loaded text: every module of the loaders and dataset
#: packages and of the first-party loader plugins, and the date parser.
MODULES = (
    *(
        f"gmspolicy.{package}.{path.stem}"
        for package in ("loaders", "dataset")
        for path in sorted((ROOT / "src/gmspolicy" / package).glob("*.py"))
        if path.stem != "__init__"
    ),
    "gmspolicy.loaders",
    "gmspolicy.dataset",
    "gmspolicy.dates",
    *(
        f"{path.parent.name}.{path.stem}"
        for path in sorted(ROOT.glob("plugins/*/src/gmspolicy_*/*.py"))
        if path.stem != "__init__"
    ),
)

_LOADER_SETUP = """
import datetime as dt, os, tempfile
from gmspolicy.loaders import LoadContext
from gmspolicy.testing import small_reference
from gmspolicy.errors import LoaderError
CTX = LoadContext(reference=small_reference(), today=dt.date(2025, 1, 15))
DIR = tempfile.mkdtemp()
def load(loader, name, text, options):
    path = os.path.join(DIR, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    try:
        loader.load(path, options, CTX)
    except LoaderError:
        pass
"""

# name -> (patterns covered, setup defining run(arg), harmless expr, hostile expr)
CASES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "strip_footnotes: a name then footnote-like marks": (
        (),
        "from gmspolicy.loaders.kit import strip_footnotes as run",
        f"'Germany' + 'x' * ({N} - 7)",
        f"'Germany' + ' 1,' * (({N} - 8) // 3) + ' 1,'[: ({N} - 8) % 3] + 'x'",
    ),
    "strip_footnotes: digits and superscripts, then a letter": (
        (),
        "from gmspolicy.loaders.kit import strip_footnotes as run",
        f"'Chile' + 'x' * ({N} - 5)",
        f"'Chile' + '1²*' * (({N} - 6) // 3) + '1' * (({N} - 6) % 3) + 'x'",
    ),
    "parse_un_date": (
        (
            "gmspolicy.loaders.kit._ISO",
            "gmspolicy.loaders.kit._DMY_WORDS",
            "gmspolicy.loaders.kit._MDY_WORDS",
        ),
        """
from gmspolicy.loaders.kit import parse_un_date
def run(text):
    try:
        parse_un_date(text)
    except ValueError:
        pass
""",
        f"'x' * {N}",
        f"'5' + ' -' * (({N} - 6) // 2) + 'Junex'",
    ),
    "parse_numeric_date": (
        ("gmspolicy.loaders.kit._NUMERIC",),
        """
from gmspolicy.loaders.kit import parse_numeric_date
def run(text):
    try:
        parse_numeric_date(text, True)
    except ValueError:
        pass
""",
        f"'x' * {N}",
        f"'1/' * ({N} // 2)",
    ),
    "slug": (
        ("gmspolicy.loaders.kit._SLUG_GAPS",),
        "from gmspolicy.loaders.kit import slug as run",
        f"'a' * {N}",
        f"'a-' * ({N} // 2)",
    ),
    "untc cell": (
        ("gmspolicy_untc.loader._CELL", "gmspolicy_untc.loader._CELL_REF"),
        """
from gmspolicy_untc.loader import _action
def run(text):
    try:
        _action(text, "consent")
    except ValueError:
        pass
""",
        f"'x' * {N}",
        f"'5 Jun 2007' + ' ' * ({N} - 12) + '(1'",
    ),
    "untc 'Status as at' searched through a page": (
        ("gmspolicy_untc.loader._AS_AT",),
        "from gmspolicy_untc.loader import _as_at as run",
        f"'x' * {N}",
        f"('Status as at' + ' ' * 500 + ':' + ' ' * 487) * ({N} // 1000)",
    ),
    "tbdb heading": (
        ("gmspolicy_tbdb.loader._HEADING",),
        """
from gmspolicy_tbdb.loader import _HEADING, MAX_HEADING
def run(text):
    _HEADING.search(text[:MAX_HEADING])
""",
        f"'x' * {N}",
        f"'reporting status of' + ' ' * ({N} - 20) + 'x'",
    ),
    "tbdb 'Status as at' searched through a page": (
        ("gmspolicy_tbdb.loader._AS_AT",),
        """
from gmspolicy_tbdb.loader import _AS_AT
def run(text):
    _AS_AT.search(text)
""",
        f"'x' * {N}",
        f"('as at' + ' ' * 200 + ':' + ' ' * 200 + '5' + ' ' * 200 + 'June' + ' ' * 389)"
        f" * ({N} // 1000)",
    ),
    "tbdb country code in the URL": (
        ("gmspolicy_tbdb.loader._CODE_IN_URL",),
        """
from gmspolicy_tbdb.loader import _CODE_IN_URL
def run(text):
    _CODE_IN_URL.search(text)
""",
        f"'x' * {N}",
        f"'?CountryCode=TH' * ({N} // 15) + 'x' * ({N} % 15)",
    ),
    "untc file name": (
        ("gmspolicy_untc.loader._REF_IN_NAME",),
        """
from gmspolicy_untc.loader import _REF_IN_NAME
def run(text):
    _REF_IN_NAME.search(text)
""",
        f"'x' * {N}",
        f"'i' * ({N} - 10) + '-1-a.en.xm'",
    ),
    "untc XML title and participants": (
        ("gmspolicy_untc.loader._TITLE_NUMBER",),
        """
from gmspolicy_untc.loader import _xml_rows
from gmspolicy.errors import LoaderError
def doc(title):
    return ('<Treaty><Header><ExternalData><Titlesect>' + title + '</Titlesect>'
            '</ExternalData></Header><Participants><Row><Entry>Thailand</Entry>'
            '</Row></Participants></Treaty>')
def run(title):
    try:
        _xml_rows(doc(title), 'x.xml')
    except LoaderError:
        pass
""",
        f"'x' * {N}",
        f"' ' + '1' * ({N} - 3) + ' x'",
    ),
    "untc loader: participant with footnote marks (CSV)": (
        (),
        _LOADER_SETUP
        + """
from gmspolicy_untc import UntcLoader
def run(name):
    load(UntcLoader(), 'iv-13.csv', 'Participant,Signature,Ratification\\n"' + name + '",,\\n',
         {'unknown': 'skip'})
""",
        f"'Thailand' + 'x' * ({N} - 8)",
        f"'Thailand' + '1' * ({N} - 10) + ' x'",
    ),
    "csv loader: country with footnote marks": (
        (),
        _LOADER_SETUP
        + """
from gmspolicy_csvsheet import CsvSheetLoader
def run(name):
    load(CsvSheetLoader(), 'sheet.csv',
         'Country,Instrument,Date,Action\\n"' + name + '",ICRMW,2001-01-01,ratified\\n',
         {'source_url': 'https://example.org/', 'unknown': 'skip'})
""",
        f"'Thailand' + 'x' * ({N} - 8)",
        f"'Thailand' + '1 ' * (({N} - 9) // 2) + '1' * (({N} - 9) % 2) + 'x'",
    ),
    "ohchr cell": (
        ("gmspolicy_ohchr.loader._CELL",),
        """
from gmspolicy_ohchr.loader import _action
def run(text):
    try:
        _action(text, "consent")
    except ValueError:
        pass
""",
        f"'x' * {N}",
        f"'5' + ' ' * ({N} - 2) + 'x'",
    ),
    "normlex convention code": (
        ("gmspolicy_normlex.loader._CODE",),
        """
from gmspolicy_normlex.loader import _CODE, MAX_CELL_CHARS
def run(text):
    _CODE.match(text[:MAX_CELL_CHARS])
""",
        f"'x' * {N}",
        f"' ' * ({N} - 2) + 'C0'",
    ),
    "normlex protocols in a row": (
        ("gmspolicy_normlex.loader._PROTOCOL",),
        """
from gmspolicy_normlex.loader import _PROTOCOL
def run(text):
    list(_PROTOCOL.finditer(text))
""",
        f"'x' * {N}",
        f"'P 029 ratified on ' * ({N} // 18) + 'x' * ({N} % 18)",
    ),
    "normlex denunciation note": (
        ("gmspolicy_normlex.loader._DENOUNCED",),
        """
from gmspolicy_normlex.loader import _DENOUNCED
def run(text):
    _DENOUNCED.search(text)
""",
        f"'x' * {N}",
        f"'automatic' + ' ' * ({N} - 10) + 'd'",
    ),
    "normlex page title": (
        ("gmspolicy_normlex.loader._TITLE",),
        """
from gmspolicy_normlex.loader import _TITLE, MAX_CELL_CHARS
from gmspolicy.loaders.kit import clean
def run(text):
    _TITLE.search(clean(text)[:MAX_CELL_CHARS])
""",
        f"'x' * {N}",
        f"'ratifications for ' * ({N} // 18) + 'x' * ({N} % 18)",
    ),
    "YAML tab indentation check": (
        ("gmspolicy.dataset._yaml._TAB_INDENT",),
        """
from gmspolicy.dataset._yaml import _TAB_INDENT
def run(text):
    _TAB_INDENT.search(text)
""",
        f"'x' * {N}",
        f"'\\n' + ' ' * ({N} - 2) + 'x'",
    ),
    "YAML anchor check": (
        ("gmspolicy.dataset._yaml._ANCHOR_OR_ALIAS",),
        """
from gmspolicy.dataset._yaml import _ANCHOR_OR_ALIAS
def run(text):
    _ANCHOR_OR_ALIAS.search(text)
""",
        f"'x' * {N}",
        f"' &' * ({N} // 2)",
    ),
    "JSON export nesting check": (
        ("gmspolicy.dataset._json._NEXT", "gmspolicy.dataset._json._STRING_REST"),
        """
from gmspolicy.dataset._json import _check_depth
from gmspolicy.errors import DataError
def run(text):
    try:
        _check_depth(text, "x.json")
    except DataError:
        pass
""",
        f"'x' * {N}",
        f"chr(34) + (chr(92) + chr(34)) * (({N} - 1) // 2) + 'x' * (({N} - 1) % 2)",
    ),
    "ids, text and URLs in validation": (
        (
            "gmspolicy.dataset.validate.ID_PATTERN",
            "gmspolicy.dataset.validate.SOURCE_ID_PATTERN",
            "gmspolicy.dataset.validate._BAD_TEXT",
            "gmspolicy.dataset.validate._BAD_URL",
        ),
        """
from gmspolicy.dataset.validate import ID_PATTERN, SOURCE_ID_PATTERN, publishable
def run(text):
    ID_PATTERN.fullmatch(text)
    SOURCE_ID_PATTERN.fullmatch(text)
    publishable(text)
    publishable(text, "url")
""",
        f"'x' * {N}",
        f"'a' * ({N} - 1) + '!'",
    ),
    "snapshot cache file names": (
        (
            "gmspolicy.dataset.snapshot._NAME",
            "gmspolicy.dataset.snapshot._TEMP",
            "gmspolicy.dataset.snapshot._TEMPLATE",
            "gmspolicy.dataset.snapshot._HEX64",
        ),
        """
from gmspolicy.dataset.snapshot import _HEX64, _NAME, _TEMP, _TEMPLATE
def run(text):
    _NAME.match(text)
    _TEMP.match(text)
    _TEMPLATE.match(text)
    _HEX64.match(text)
""",
        f"'x' * {N}",
        f"'.snapshot-' + 'a' * ({N} - 13) + '.tm'",
    ),
    "partial and full dates": (
        ("gmspolicy.dates._PARTIAL_RE", "gmspolicy.dates._FULL_RE"),
        """
from gmspolicy.dates import PartialDate, parse_date
def run(text):
    for f in (PartialDate.parse, parse_date):
        try:
            f(text)
        except ValueError:
            pass
""",
        f"'x' * {N}",
        f"'2000' + '-01' * (({N} - 4) // 3) + 'x' * (({N} - 4) % 3)",
    ),
}

COVERED = {p for patterns, *_ in CASES.values() for p in patterns}


def _patterns(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    return {
        f"{module_name}.{name}"
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    }


def test_every_pattern_on_loaded_text_has_a_worst_case() -> None:
    found = set().union(*(_patterns(m) for m in MODULES))
    assert found - COVERED == set(), "patterns with no worst case in CASES"
    assert COVERED - found == set(), "CASES names patterns that no longer exist"


def test_no_inline_patterns() -> None:
    """Patterns are module constants (the census sees them), never written inline."""
    files = [
        *(ROOT / "src/gmspolicy/loaders").glob("*.py"),
        *(ROOT / "src/gmspolicy/dataset").glob("*.py"),
        *ROOT.glob("plugins/*/src/*/*.py"),
    ]
    inline = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr
                in ("match", "search", "sub", "subn", "fullmatch", "findall", "finditer", "split")
            ):
                inline.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert inline == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_worst_case_does_linear_work(case: str) -> None:
    _, setup, harmless, hostile = CASES[case]
    result = measure(textwrap.dedent(setup), harmless, hostile)
    record("14.1 regular expressions on loaded text", case, result)
    # allocation does not depend on the machine: a hostile input may cost a few copies of
    # itself (splitting into words), never a number of copies that grows with its size
    # (at this size quadratic allocation would show as thousands)
    assert result["memory_ratio"] < 50, result


def test_a_huge_cell_is_quoted_short_in_messages(tmp_path: Path) -> None:
    """A sheet's cell may be megabytes: the one-line message quotes 80 characters of it."""
    import datetime as dt

    from gmspolicy_csvsheet import CsvSheetLoader

    from gmspolicy.errors import LoaderError
    from gmspolicy.loaders import LoadContext
    from gmspolicy.testing import small_reference

    sheet = tmp_path / "s.csv"
    name = "Thailand" + "1" * 100_000 + " x"  # (csv caps a cell at 128 K)
    sheet.write_text(
        f"Country,Instrument,Date,Action\n{name},ICRMW,{'9' * 50_000},ratified\n",
        encoding="utf-8",
    )
    ctx = LoadContext(reference=small_reference(), today=dt.date(2025, 1, 15))
    with pytest.raises(LoaderError) as info:
        CsvSheetLoader().load(str(sheet), {"source_url": "https://example.org/"}, ctx)
    assert str(info.value) == f"{sheet}:2: unknown country '{'Thailand' + '1' * 69}...'"
