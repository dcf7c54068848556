"""Finding ids: `gmspolicy instruments`, suggestions for unknown ids and names, country
names accepted by the library, case-insensitive choices."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import load_dataset
from gmspolicy.errors import UsageError

Run = Callable[..., tuple[int, str, str]]


def test_instruments_lists_ids_names_bodies_and_tags(cli: Run) -> None:
    code, out, err = cli("instruments", "--body", "ilo", "--tag", "fundamental")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "| Id | Short name | Title | Body | Tags |"
    assert lines[2] == (
        "| ILO-C029 | Forced Labour Convention, 1930 (No. 29) | Convention concerning Forced or "
        "Compulsory Labour | ILO | fundamental, forced-labour |"
    )
    assert all("| ILO |" in line for line in lines[2:])


def test_instruments_json(cli: Run) -> None:
    code, out, _ = cli("instruments", "--json", "--tag", "migration")
    assert code == 0
    rows = json.loads(out)
    assert {"ICRMW", "ILO-C097", "ILO-C143"} <= {r["id"] for r in rows}
    assert set(rows[0]) == {"id", "short_name", "title", "body", "kind", "tags"}
    assert all("migration" in r["tags"] for r in rows)


def test_unknown_tag_is_a_usage_error(cli: Run) -> None:
    code, out, err = cli("instruments", "--tag", "nope")
    assert (code, out) == (2, "")
    assert err.startswith("error: no instrument has tag 'nope' (tags: ")


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        ("C029", "unknown instrument 'C029'; did you mean ILO-C029?"),
        (
            "Migrant Workers Convention",
            "unknown instrument 'Migrant Workers Convention'; did you mean ICRMW?",
        ),
        ("CPED2", "unknown instrument 'CPED2'; did you mean CPED?"),
        ("NOPE", "unknown instrument 'NOPE'"),
    ],
)
def test_unknown_instrument_suggests_close_ids(cli: Run, ident: str, message: str) -> None:
    assert cli("table", "-i", ident) == (2, "", f"error: {message}\n")


def test_unknown_country_suggests_close_names(cli: Run) -> None:
    assert cli("table", "-c", "Thailnd") == (
        2,
        "",
        "error: unknown country 'Thailnd'; did you mean THA (Thailand)?\n",
    )


def test_library_accepts_country_names_and_any_case_of_ids() -> None:
    pset = load_dataset()
    assert pset.status("Thailand", "ilo-c029") == pset.status("THA", "ILO-C029")
    assert pset.sources_for("Lao PDR", "ICRMW") == pset.sources_for("LAO", "ICRMW")
    matrix = pset.matrix(["Viet Nam", "Cambodia"], ["icrmw"])
    assert [c.code for c in matrix.countries] == ["VNM", "KHM"]
    with pytest.raises(UsageError, match=r"^unknown country 'Atlantis'$"):
        pset.status("Atlantis", "ICRMW")


def test_choices_ignore_case(cli: Run) -> None:
    code, out, _ = cli("table", "--group", "asean", "--format", "MarkDown")
    assert code == 0 and "Brunei Darussalam" in out
    code, out, _ = cli("events", "--series", "afml", "--format", "JSON")
    assert code == 0 and {e["series"] for e in json.loads(out)["events"]} == {"AFML"}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("mous", "--year", "1999"), "No MOUs match.\n"),
        (("events", "--year", "1900"), "No events match.\n"),
        (("observations", "--country", "SGP"), "No observations match.\n"),
        (("events", "--year", "1900", "--format", "markdown"), "No events match.\n"),
    ],
)
def test_empty_results_print_one_line(cli: Run, args: tuple[str, ...], line: str) -> None:
    assert cli(*args) == (0, line, "")


def test_empty_results_in_machine_formats_stay_documents(cli: Run) -> None:
    code, out, _ = cli("mous", "--year", "1999", "--format", "json")
    assert code == 0 and json.loads(out)["mous"] == []


def test_a_first_party_loader_not_installed_names_its_package(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gmspolicy import plugins

    monkeypatch.setitem(plugins.FIRST_PARTY, (plugins.LOADER_GROUP, "nosuch"), "gmspolicy-nosuch")
    assert cli("load", "nosuch", "x.html") == (
        2,
        "",
        "error: loader 'nosuch' is not installed: it comes with the gmspolicy-nosuch package "
        "(pip install ./plugins/nosuch from a gmspolicy checkout)\n",
    )
    code, _, err = cli("load", "nothing-like-it", "x.html")
    assert code == 2 and err.startswith("error: unknown loader 'nothing-like-it' (one of: ")


def test_mou_supersedes_column_shows_the_superseded_title(cli: Run) -> None:
    pset = load_dataset()
    replacing = [m for m in pset.mous if m.supersedes]
    assert replacing, "the bundled MOUs should include one that supersedes another"
    code, out, _ = cli("mous", "--format", "markdown")
    assert code == 0
    for m in replacing:
        row = next(
            line
            for line in out.splitlines()
            if line.startswith("| ") and line.split(" | ")[1].startswith(m.title)
        )
        for ident in m.supersedes:
            old = pset.mou(ident)
            shown = f"{old.title} ({old.signed})" if old.signed else old.title
            assert shown in row.rsplit(" | ", 1)[-1]
            assert f"| {ident} |" not in row


def test_a_fifo_in_the_plugins_directory_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    folder = tmp_path / "plugins"
    folder.mkdir()
    os.mkfifo(folder / "evil.py")
    proc = subprocess.run(
        [sys.executable, "-m", "gmspolicy", "--plugins-dir", str(folder), "plugins"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"{folder / 'evil.py'}: not a regular file (a pipe, socket or device?)" in proc.stdout
