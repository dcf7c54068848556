"""The catalogue of bad inputs: each run through the CLI, asserting the exact lines a user
reads, the exit code, no traceback, and that an existing ``out.html`` is left
byte-identical (nothing is written when the input is bad)."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from reliability_kit import OLD_OUTPUT, Run, html_structure, no_traceback, snapshot

PARTS = "data/participations.csv"
COUNTRIES = "data/countries.yaml"
HEADER = "country,instrument,action,date,source,note\n"
ROWS = (
    "THA,CONV,signature,2001-01-01,s1,\n"
    "THA,CONV,ratification,2005-05-05,s1;s2,\n"
    "LAO,CONV,no_action,2020-01-01,s2,not listed\n"
)
GOOD_CSV = HEADER + ROWS
GOOD_COUNTRIES = """\
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
BILLION_LAUGHS = """\
- code: THA
  name: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  names: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
  groups: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
  sources: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
  alpha2: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
  m49: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
"""


@attrs.frozen
class Bad:
    """One bad input: the files it writes (text or bytes; ``None`` deletes), the exit
    code and the exact stderr lines."""

    id: str
    files: dict[str, str | bytes | None]
    code: int
    err: list[str]


CATALOGUE: list[Bad] = [
    Bad(
        "csv-wrong-column-count",
        {"participations.csv": GOOD_CSV + "THA,PROT,accession,2019-01-01,s1\n"},
        1,
        [f"{PARTS}:5: expected 6 columns, found 5"],
    ),
    Bad(
        "csv-too-many-columns",
        {"participations.csv": GOOD_CSV + "THA,PROT,accession,2019-01-01,s1,,extra\n"},
        1,
        [f"{PARTS}:5: expected 6 columns, found 7"],
    ),
    Bad(
        "csv-unclosed-quote",
        {"participations.csv": HEADER + 'THA,CONV,signature,2001-01-01,s1,"never closed\n' + ROWS},
        1,
        [f"{PARTS}:2: invalid CSV: a quoted cell is never closed (missing '\"')"],
    ),
    Bad(
        "csv-stray-quote",
        {"participations.csv": GOOD_CSV + 'THA,PROT,accession,2019-01-01,s1,"a"b\n'},
        1,
        [f"{PARTS}:5: invalid CSV: ',' expected after '\"'"],
    ),
    Bad(
        "csv-latin-1",
        {
            "participations.csv": (GOOD_CSV + "THA,PROT,accession,2019-01-01,s1,café\n").encode(
                "latin-1"
            )
        },
        1,
        [f"{PARTS}:5: not valid UTF-8 (byte 0xe9); save the file as UTF-8"],
    ),
    Bad(
        "csv-utf-16",
        {"participations.csv": GOOD_CSV.encode("utf-16")},
        1,
        [f"{PARTS}:1: not valid UTF-8 (byte 0xff); save the file as UTF-8"],
    ),
    Bad(
        "csv-nul-byte",
        {"participations.csv": GOOD_CSV + "THA,PROT,accession,2019-01-01,s1,a\x00b\n"},
        1,
        [f"{PARTS}:5: file contains a NUL byte"],
    ),
    Bad(
        "csv-wrong-header",
        {"participations.csv": "country;instrument;action;date;source;note\n" + ROWS},
        1,
        [
            f"{PARTS}:1: header must be country,instrument,action,date,source,note (missing "
            "country, instrument, action, date, source, note; unknown "
            "'country;instrument;action;date;source;note')"
        ],
    ),
    Bad(
        "csv-unknown-codes",
        {
            "participations.csv": GOOD_CSV
            + "XYZ,CONV,signature,2001-01-01,s1,\n"
            + "THA,ILO-C999,signature,2001-01-01,s1,\n"
            + "LAO,PROT,signature,2001-01-01,s9,\n"
            + "LAO,CONV,ratifcation,2001-01-01,s1,\n"
        },
        1,
        [
            f"{PARTS}:5: unknown country 'XYZ'",
            f"{PARTS}:6: unknown instrument 'ILO-C999'",
            f"{PARTS}:7: unknown source 's9'",
            f"{PARTS}:8: unknown action 'ratifcation' (one of: acceptance, accession, "
            "approval, declaration, denunciation, entry_into_force, formal_confirmation, "
            "no_action, ratification, reservation, signature, succession, withdrawal)",
        ],
    ),
    Bad(
        "csv-impossible-date",
        {"participations.csv": GOOD_CSV + "THA,PROT,accession,2014-02-30,s1,\n"},
        1,
        [f"{PARTS}:5: impossible date '2014-02-30'"],
    ),
    Bad(
        "csv-not-a-date",
        {"participations.csv": GOOD_CSV + "THA,PROT,accession,30/02/2014,s1,\n"},
        1,
        [f"{PARTS}:5: invalid date '30/02/2014': expected YYYY-MM-DD"],
    ),
    Bad(
        "csv-future-date",
        {"participations.csv": GOOD_CSV + "THA,PROT,accession,2999-01-01,s1,\n"},
        1,
        [
            f"{PARTS}:5: accession date 2999-01-01 is after source 's1' was seen (2024-01-31)",
            f"{PARTS}:5: accession date 2999-01-01 is in the future",
        ],
    ),
    Bad(
        "csv-duplicate-row",
        {"participations.csv": GOOD_CSV + "THA,CONV,signature,2001-01-01,s2,\n"},
        1,
        [f"{PARTS}:5: duplicate signature of CONV by THA on 2001-01-01 (first at {PARTS}:2)"],
    ),
    Bad("csv-empty", {"participations.csv": ""}, 1, [f"{PARTS}: file is empty"]),
    Bad("csv-only-blank-lines", {"participations.csv": "\n\n  \n"}, 1, [f"{PARTS}: file is empty"]),
    Bad(
        "yaml-tab-indent",
        {"countries.yaml": GOOD_COUNTRIES.replace("  alpha2: TH", "\talpha2: TH")},
        1,
        [f"{COUNTRIES}:2: tab used for indentation; use spaces"],
    ),
    Bad(
        "yaml-duplicate-key",
        {
            "countries.yaml": GOOD_COUNTRIES.replace(
                "  name: Thailand\n", "  name: Thailand\n  name: Siam\n"
            )
        },
        1,
        [f"{COUNTRIES}:5: invalid YAML: duplicate key 'name'"],
    ),
    Bad(
        "yaml-wrong-types",
        {
            "countries.yaml": GOOD_COUNTRIES.replace('m49: "764"', "m49: 764").replace(
                "  groups: [GMS, ASEAN]\n  sources: [s1]\n- code: LAO",
                "  groups: GMS\n  sources: [s1]\n- code: LAO",
            )
        },
        1,
        [
            f"{COUNTRIES}:3: m49: expected a string, got int 764",
            f"{COUNTRIES}:5: groups: expected a list, got str 'GMS'",
        ],
    ),
    Bad(
        "yaml-yes-no-booleans",
        {"countries.yaml": GOOD_COUNTRIES.replace("name: Thailand", "name: no")},
        1,
        [f"{COUNTRIES}:4: name: expected a string, got false (quote it if it is text)"],
    ),
    Bad(
        "yaml-billion-laughs",
        {"countries.yaml": BILLION_LAUGHS},
        1,
        [f"{COUNTRIES}:2: invalid YAML: anchors and aliases are not allowed"],
    ),
    Bad(
        "yaml-python-tag",
        {"countries.yaml": "- !!python/object/apply:os.system ['echo pwned']\n"},
        1,
        [
            f"{COUNTRIES}:1: invalid YAML: tag "
            "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
        ],
    ),
    Bad(
        "yaml-deep-nesting",
        {"countries.yaml": "".join("  " * i + "-\n" for i in range(5000))},
        1,
        [f"{COUNTRIES}: invalid YAML: nested too deeply"],
    ),
    Bad(
        "yaml-syntax-error",
        {
            "countries.yaml": GOOD_COUNTRIES.replace(
                "groups: [GMS, ASEAN]\n  sources: [s1]\n- code: LAO",
                "groups: [GMS, ASEAN\n  sources: [s1]\n- code: LAO",
            )
        },
        1,
        [f"{COUNTRIES}:6: invalid YAML: expected ',' or ']', but got ':'"],
    ),
    Bad(
        "yaml-not-a-list",
        {"countries.yaml": "code: THA\nname: Thailand\n"},
        1,
        [f"{COUNTRIES}:1: expected a list of countries (lines starting with '- ')"],
    ),
    Bad(
        "yaml-unknown-codes",
        {
            "countries.yaml": GOOD_COUNTRIES.replace(
                "groups: [GMS, ASEAN]\n  sources: [s1]\n- code: LAO",
                "groups: [GMS, ASIA]\n  sources: [s1]\n- code: LAO",
            ).replace(
                "names: [Lao PDR, Laos]\n  groups: [GMS, ASEAN]\n  sources: [s1]",
                "names: [Lao PDR, Laos]\n  groups: [GMS, ASEAN]\n  sources: [s7]",
            )
        },
        1,
        [
            f"{COUNTRIES}:5: groups: 'ASIA' is not one of: GMS, ASEAN",
            f"{COUNTRIES}:7: unknown source 's7'",
        ],
    ),
    Bad(
        "yaml-unknown-source",
        {
            "countries.yaml": GOOD_COUNTRIES.replace(
                "names: [Lao PDR, Laos]\n  groups: [GMS, ASEAN]\n  sources: [s1]",
                "names: [Lao PDR, Laos]\n  groups: [GMS, ASEAN]\n  sources: [s7]",
            )
        },
        1,
        [f"{COUNTRIES}:7: unknown source 's7'"],
    ),
    Bad(
        "yaml-impossible-date",
        {
            "sources.yaml": "- id: s1\n  url: https://example.org/s1\n  title: S\n  publisher: P\n  seen: 2014-02-30\n  authority: official\n"
        },
        1,
        ["data/sources.yaml:5: seen: impossible date '2014-02-30'"],
    ),
    Bad(
        "yaml-future-date",
        {
            "sources.yaml": "- id: s1\n  url: https://example.org/s1\n  title: S\n  publisher: P\n  seen: 2999-01-01\n  authority: official\n- id: s2\n  url: https://example.org/s2\n  title: S\n  publisher: P\n  seen: 2024-01-31\n  authority: official\n"
        },
        1,
        ["data/sources.yaml:1: source seen date 2999-01-01 is in the future"],
    ),
    Bad("yaml-empty", {"countries.yaml": ""}, 1, [f"{COUNTRIES}: file is empty"]),
    Bad(
        "yaml-latin-1",
        {"countries.yaml": GOOD_COUNTRIES.replace("Thailand", "Thaïland").encode("latin-1")},
        1,
        [f"{COUNTRIES}:4: not valid UTF-8 (byte 0xef); save the file as UTF-8"],
    ),
]

ACCEPTED: list[tuple[str, dict[str, str | bytes | None]]] = [
    ("csv-with-bom", {"participations.csv": b"\xef\xbb\xbf" + GOOD_CSV.encode()}),
    ("yaml-with-bom", {"countries.yaml": b"\xef\xbb\xbf" + GOOD_COUNTRIES.encode()}),
    (
        "csv-blank-lines",
        {"participations.csv": HEADER + "\n" + ROWS.replace("\n", "\n\n") + " , , ,,,\n"},
    ),
    ("csv-crlf", {"participations.csv": GOOD_CSV.replace("\n", "\r\n")}),
    ("csv-padded-cells", {"participations.csv": HEADER + ROWS.replace(",", " , ")}),
]


def write(root: Path, files: dict[str, str | bytes | None]) -> None:
    for name, content in files.items():
        path = root / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def run_table(cli: Run, tmp_path: Path) -> tuple[int, str, str]:
    """``gmspolicy --data data table --format html -o out.html`` with an old out.html."""
    out = tmp_path / "out.html"
    out.write_bytes(OLD_OUTPUT)
    return cli("--data", "data", "table", "--format", "html", "-o", "out.html")


def assert_refused(cli: Run, tmp_path: Path, code: int, err_lines: list[str]) -> None:
    before = snapshot(tmp_path)
    result = run_table(cli, tmp_path)
    assert result == (code, "", "".join(line + "\n" for line in err_lines))
    no_traceback(result[2])
    assert (tmp_path / "out.html").read_bytes() == OLD_OUTPUT
    assert snapshot(tmp_path) == {**before, "out.html": OLD_OUTPUT}  # no temp file left


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.id)
def test_bad_input_is_one_line_per_problem_and_writes_nothing(
    case: Bad, cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    write(make_dataset(), case.files)
    assert_refused(cli, tmp_path, case.code, case.err)


@pytest.mark.parametrize(("name", "files"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_spreadsheet_quirks_are_accepted(
    name: str,
    files: dict[str, str | bytes | None],
    cli: Run,
    make_dataset: Callable[..., Path],
    tmp_path: Path,
) -> None:
    write(make_dataset(), files)
    assert run_table(cli, tmp_path) == (0, "", "")
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    texts = [e[1] for e in html_structure(page) if e[0] == "data"]
    assert "ratified 2005-05-05" in texts  # the facts were read, not skipped
    assert any("no action (as of 2020-01-01)" in t for t in texts)


def test_50_mb_file_is_refused_by_size_without_reading_it(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    with (root / "participations.csv").open("r+b") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NULs, written in no time
    (tmp_path / "out.html").write_bytes(OLD_OUTPUT)
    cli("--data", "data", "table", "--format", "html", "-o", "out.html")  # imports warmed up
    tracemalloc.start()
    try:
        result = cli("--data", "data", "table", "--format", "html", "-o", "out.html")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result == (1, "", f"{PARTS}: file is too large (50.0 MB; the limit is 32 MB)\n")
    assert (tmp_path / "out.html").read_bytes() == OLD_OUTPUT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.html"]
    assert peak < 20 * 1024 * 1024, f"peak {peak} bytes: the file was read into memory"


def test_directory_where_a_file_should_be(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    (root / "countries.yaml").unlink()
    (root / "countries.yaml").mkdir()
    (root / "participations").write_text("not a folder")
    assert_refused(
        cli,
        tmp_path,
        1,
        [
            f"{COUNTRIES}: expected a file, found a directory",
            "data/participations: expected a directory, found a file",
        ],
    )


def test_dangling_symlink(cli: Run, make_dataset: Callable[..., Path], tmp_path: Path) -> None:
    root = make_dataset()
    (root / "countries.yaml").unlink()
    (root / "countries.yaml").symlink_to(root / "moved-away.yaml")
    assert_refused(
        cli, tmp_path, 1, [f"{COUNTRIES}: broken symbolic link (its target does not exist)"]
    )


def test_device_is_refused_not_read_forever(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    root = make_dataset()
    (root / "countries.yaml").unlink()
    (root / "countries.yaml").symlink_to("/dev/zero")  # size 0, endless NULs
    # issue 14.6: a link out of the dataset directory is refused before anything is read
    # (the device itself, made inside the directory, is in test_rel_hostile_files.py)
    assert_refused(
        cli,
        tmp_path,
        1,
        [
            f"{COUNTRIES}: symbolic link to a place outside the dataset directory: refused "
            "(copy the file in)"
        ],
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_not_waited_on(make_dataset: Callable[..., Path], tmp_path: Path) -> None:
    """A FIFO with no writer would block a plain read forever: run the installed command
    in a subprocess (the timeout only guards the suite from a hang)."""
    root = make_dataset()
    (root / "countries.yaml").unlink()
    os.mkfifo(root / "countries.yaml")
    (tmp_path / "out.html").write_bytes(OLD_OUTPUT)
    gmspolicy = Path(sys.executable).with_name("gmspolicy")
    proc = subprocess.run(
        [str(gmspolicy), "--data", "data", "table", "--format", "html", "-o", "out.html"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1,
        "",
        f"{COUNTRIES}: not a regular file (a pipe, socket or device?)\n",
    )
    assert (tmp_path / "out.html").read_bytes() == OLD_OUTPUT


def test_unreadable_file(cli: Run, make_dataset: Callable[..., Path], tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip(
            "running as root: chmod 000 does not stop root from reading; the FIFO, device "
            "and dangling-symlink tests cover unreadable files here"
        )
    root = make_dataset()
    (root / "countries.yaml").chmod(0)
    try:
        assert_refused(cli, tmp_path, 1, [f"{COUNTRIES}: cannot read file: Permission denied"])
    finally:
        (root / "countries.yaml").chmod(0o644)


@pytest.mark.parametrize(
    ("args", "code", "err"),
    [
        (("--data", "data/participations.csv"), 2, "data/participations.csv: not a directory\n"),
        (("--data", "nowhere"), 2, "error: nowhere: no such directory\n"),
        (
            ("--data", "data", "--as-of", "2014-02-30"),
            2,
            "error: Invalid value for '--as-of': impossible date '2014-02-30'\n",
        ),
        (
            ("--data", "data", "--as-of", "yesterday"),
            2,
            "error: Invalid value for '--as-of': invalid date 'yesterday': expected YYYY-MM-DD\n",
        ),
        (("--data", "data", "-c", "Atlantis"), 2, "error: unknown country 'Atlantis'\n"),
        (
            ("--data", "data", "--format", "pdf"),
            2,
            "error: Invalid value for '--format': 'pdf' is not one of: ",
        ),
    ],
    ids=[
        "data-is-a-file",
        "data-missing",
        "impossible-as-of",
        "unreadable-as-of",
        "unknown-country",
        "unknown-format",
    ],
)
def test_usage_errors_exit_2(
    args: tuple[str, ...],
    code: int,
    err: str,
    cli: Run,
    make_dataset: Callable[..., Path],
    tmp_path: Path,
) -> None:
    make_dataset()
    (tmp_path / "out.html").write_bytes(OLD_OUTPUT)
    data_args, rest = args[:2], args[2:]
    got = cli(*data_args, "table", *rest, "-o", "out.html")
    assert got[:2] == (code, "")
    if err.endswith(": "):
        assert got[2].startswith(err)
    else:
        assert got[2] == err
    no_traceback(got[2])
    assert (tmp_path / "out.html").read_bytes() == OLD_OUTPUT
