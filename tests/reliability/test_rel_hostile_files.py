"""Issue 14.3 and 14.6: every file the command line reads goes through one bounded reader,
and a dataset file or folder that links outside the dataset directory is refused.

Each case is run through the real command (in a subprocess where a plain read would
block: FIFOs), and must give exactly one ``FILE: message`` line and exit 1 or 2: never a
hang, a ``MemoryError`` or a traceback.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_kit import Run, no_traceback

GMSPOLICY = Path(sys.executable).with_name("gmspolicy")
SECRET = "TOP-SECRET-CONTENT-OF-THE-TARGET"


def run_installed(cwd: Path, *args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [str(GMSPOLICY), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def export(cli: Run, root: Path, target: Path) -> None:
    code, _, err = cli("--data", str(root), "export", "--format", "json", "-o", str(target))
    assert code == 0, err


# -- diff: JSON exports ----------------------------------------------------------------

BAD_EXPORTS: dict[str, tuple[bytes, str]] = {
    "non-UTF-8": (
        b'{"kind": "dataset", "x": "\xff"}',
        "old.json:1: not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ),
    "deep nesting": (
        b'{"kind": "dataset", "a": ' + b"[" * 100_000,
        "old.json:1: nested more than 32 levels deep",
    ),
    "deep nesting in objects": (b'{"a":' * 50_000, "old.json:1: nested more than 32 levels deep"),
    "thousands of digits": (
        b'{"kind": "dataset", "n": ' + b"9" * 5000 + b"}",
        "old.json: invalid JSON: a number with 5000 digits (at most 24)",
    ),
    "huge exponent": (
        b'{"kind": "dataset", "n": 1e999}',
        "old.json: invalid JSON: number 1e999 is out of range",
    ),
    "NaN": (b'{"kind": "dataset", "n": NaN}', "old.json: invalid JSON: NaN is not a JSON number"),
    "records not a list": (
        b'{"kind": "dataset", "countries": 5}',
        "old.json: countries: expected a list, got int",
    ),
    "record not an object": (
        b'{"kind": "dataset", "countries": [1, "x"]}',
        "old.json: countries[0]: expected an object, got int\nold.json: countries[1]: expected an object, got str",
    ),
    "not JSON": (
        b"{not json",
        "old.json:1: invalid JSON: Expecting property name enclosed in double quotes",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_EXPORTS))
def test_diff_refuses_a_bad_export_in_one_line(
    case: str, cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    export(cli, root, tmp_path / "new.json")
    content, message = BAD_EXPORTS[case]
    (tmp_path / "old.json").write_bytes(content)
    code, out, err = cli("diff", "old.json", "new.json")
    assert (code, out, err) == (1, "", message + "\n")


def test_diff_refuses_a_device(cli: Run, make_dataset: Callable[..., Path], tmp_path: Path) -> None:
    root = make_dataset()
    export(cli, root, tmp_path / "new.json")
    assert cli("diff", "/dev/zero", "new.json") == (
        1,
        "",
        "/dev/zero: not a regular file (a pipe, socket or device?)\n",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_diff_and_coverage_refuse_a_fifo(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    export(cli, root, tmp_path / "new.json")
    os.mkfifo(tmp_path / "old.json")
    os.mkfifo(tmp_path / "page.md")
    assert run_installed(tmp_path, "diff", "old.json", "new.json") == (
        1,
        "",
        "old.json: not a regular file (a pipe, socket or device?)\n",
    )
    assert run_installed(tmp_path, "--data", "data", "coverage", "--update", "page.md") == (
        1,
        "",
        "page.md: not a regular file (a pipe, socket or device?)\n",
    )


def test_diff_of_a_valid_export_still_works(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    export(cli, root, tmp_path / "old.json")
    export(cli, root, tmp_path / "new.json")
    assert cli("diff", "old.json", "new.json") == (0, "no changes\n", "")
    doc = json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))
    assert doc["kind"] == "dataset"


# -- coverage --update -------------------------------------------------------------------


def test_coverage_update_refuses_non_utf8_and_devices(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    make_dataset()
    page = tmp_path / "page.md"
    page.write_bytes(b"# Coverage\n\n\xff\xfe\n")
    assert cli("--data", "data", "coverage", "--update", "page.md") == (
        1,
        "",
        "page.md:3: not valid UTF-8 (byte 0xff); save the file as UTF-8\n",
    )
    assert page.read_bytes() == b"# Coverage\n\n\xff\xfe\n"
    page.unlink()
    page.symlink_to("/dev/zero")
    assert cli("--data", "data", "coverage", "--update", "page.md") == (
        1,
        "",
        "page.md: not a regular file (a pipe, socket or device?)\n",
    )


# -- devices inside the dataset ------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_inside_the_dataset_is_refused(
    cli: Run, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    (root / "countries.yaml").unlink()
    os.mknod(root / "countries.yaml", stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero
    code, out, err = cli("--data", "data", "table")
    assert (code, out, err) == (
        1,
        "",
        "data/countries.yaml: not a regular file (a pipe, socket or device?)\n",
    )


# -- symlinks out of the dataset (14.6) ----------------------------------------------------

OUTSIDE = "symbolic link to a place outside the dataset directory: refused (copy the file in)"


def test_a_file_linking_outside_is_refused_without_echo(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"- code: {SECRET}\n  name: [unclosed\n", encoding="utf-8")
    (root / "countries.yaml").unlink()
    (root / "countries.yaml").symlink_to(secret)
    for args in (("table",), ("validate",), ("export", "--format", "json")):
        code, out, err = cli("--data", "data", *args)
        assert (code, out, err) == (1, "", f"data/countries.yaml: {OUTSIDE}\n")
        assert SECRET not in out + err and "secret" not in err


def test_a_folder_linking_outside_is_refused_once(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for n in range(3):
        (elsewhere / f"more{n}.csv").write_text(f"{SECRET},x\n", encoding="utf-8")
    (root / "participations").symlink_to(elsewhere, target_is_directory=True)
    code, out, err = cli("--data", "data", "validate")
    assert (code, out, err) == (1, "", f"data/participations: {OUTSIDE}\n")
    no_traceback(err)


def test_links_inside_the_dataset_still_work(cli: Run, make_dataset: Callable[..., Path]) -> None:
    root = make_dataset()
    (root / "parts").mkdir()
    (root / "participations.csv").rename(root / "parts" / "all.csv")
    (root / "participations.csv").symlink_to(Path("parts") / "all.csv")
    code, out, _ = cli("--data", "data", "validate")
    assert code == 0 and out.startswith("ok: ")


def test_a_link_out_is_not_served_from_the_snapshot_cache(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    """The cached path (the installed command, cache on) refuses it too."""
    root = make_dataset()
    secret = tmp_path / "secret.csv"
    secret.write_bytes((root / "participations.csv").read_bytes())
    assert run_installed(tmp_path, "--data", "data", "validate")[0] == 0
    (root / "participations.csv").unlink()
    (root / "participations.csv").symlink_to(secret)
    assert run_installed(tmp_path, "--data", "data", "validate") == (
        1,
        "",
        f"data/participations.csv: {OUTSIDE}\n",
    )


# -- measured: the JSON reader's work on hostile exports -----------------------------------

JSON_SIZE = 1_000_000
_JSON_SETUP = """
import os, tempfile
from pathlib import Path
from gmspolicy.dataset import load_json_export
from gmspolicy.errors import GmsPolicyError
PATH = Path(tempfile.mkdtemp()) / "export.json"
def run(text):
    PATH.write_text(text, encoding="utf-8")
    try:
        load_json_export(PATH)
    except GmsPolicyError:
        pass
"""
# a harmless export of the same size: a dataset document with one long note
_HARMLESS_JSON = (
    f'(\'{{"kind": "dataset", "countries": [], "note": "\' + \'x\' * ({JSON_SIZE} - 53) + \'"}}\')'
)
HOSTILE_JSON = {
    "deep nesting": f"'[' * {JSON_SIZE}",
    "a number of a million digits": f"'{{\"kind\": \"dataset\", \"n\": ' + '9' * ({JSON_SIZE} - 26) + '}}'",
    "escapes and brackets in strings": f"'[\"' + '\\\\\\\\[{{' * (({JSON_SIZE} - 4) // 4) + '\"]'",
    "many small records": f"'{{\"kind\": \"dataset\", \"countries\": [' + '{{}},' * (({JSON_SIZE} - 40) // 3) + '{{}}]}}'",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_JSON))
def test_json_reader_work_on_hostile_exports(case: str) -> None:
    from hostile_kit import measure, record

    hostile = f"({HOSTILE_JSON[case]}).ljust({JSON_SIZE}, ' ')"
    harmless = f"{_HARMLESS_JSON}.ljust({JSON_SIZE}, ' ')"
    result = measure(_JSON_SETUP, harmless, hostile)
    record("14.3 bounded reader: JSON exports", case, result)
    assert result["memory_ratio"] < 100, result


def test_a_symlink_loop_is_one_line(cli: Run, make_dataset: Callable[..., Path]) -> None:
    root = make_dataset()
    (root / "countries.yaml").unlink()
    (root / "countries.yaml").symlink_to("loop.yaml")
    (root / "loop.yaml").symlink_to("countries.yaml")
    assert cli("--data", "data", "validate") == (
        1,
        "",
        "data/countries.yaml: symbolic link loop (the links lead back to themselves)\n",
    )


def test_an_export_that_does_not_validate_names_the_file(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    export(cli, root, tmp_path / "new.json")
    doc = json.loads((tmp_path / "new.json").read_text(encoding="utf-8"))
    doc["sources"][0]["title"] = "red \x1b[31m"
    doc["sources"][0]["url"] = "https://example.org/a b"
    (tmp_path / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    assert cli("diff", "old.json", "new.json") == (
        1,
        "",
        "old.json: title: text contains control character U+001B\n"
        "old.json: url: URL contains a space (U+0020)\n",
    )


def test_coverage_update_names_a_page_without_markers(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    make_dataset()
    (tmp_path / "page.md").write_text("# no markers here\n", encoding="utf-8")
    assert cli("--data", "data", "coverage", "--update", "page.md") == (
        2,
        "",
        "error: page.md: the page has no <!-- coverage:start --> ... <!-- coverage:end --> "
        "markers\n",
    )
    assert (tmp_path / "page.md").read_text(encoding="utf-8") == "# no markers here\n"
