"""`gmspolicy load` and `gmspolicy fetch` with the first-party loaders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import plugins

Run = Callable[..., tuple[int, str, str]]

SHEET = """\
Country,Instrument,Date,Action
Thailand,CONV,2005-05-05,ratification
Thailand,PROT,2019-03-01,accession
Lao PDR,CONV,2018-01-01,accession
"""
OPTS = ("--opt", "source_url=https://example.org/sheet", "--opt", "source_title=Sheet")


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


def test_load_prints_records_in_any_format(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    data = str(make_dataset())
    sheet = tmp_path / "s.csv"
    sheet.write_text("Country,Instrument,Date,Action\nThailand,CONV,2005-05-05,ratified\n")
    code, out, err = cli("--data", data, "load", "csv", str(sheet), *OPTS)
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["kind"] == "dataset"
    assert [(p["country"], p["instrument"]) for p in doc["participations"]] == [("THA", "CONV")]
    assert [c["code"] for c in doc["countries"]] == ["THA"]
    out_md = tmp_path / "out.md"
    code, _, _ = cli(
        "--data", data, "load", "csv", str(sheet), *OPTS, "--format", "markdown", "-o", str(out_md)
    )
    assert code == 0
    assert "ratified 2005-05-05" in out_md.read_text()


def test_load_bad_opt_and_unknown_loader(cli: Run, make_dataset: Callable[..., Path]) -> None:
    data = str(make_dataset())
    assert cli("--data", data, "load", "csv", "x.csv", "--opt", "novalue") == (
        2,
        "",
        "error: --opt 'novalue': expected NAME=VALUE\n",
    )
    code, _, err = cli("--data", data, "load", "nosuch", "x.csv")
    assert code == 2
    assert err.startswith("error: unknown loader 'nosuch' (one of: csv, normlex, ohchr, tbdb, untc")


def test_fetch_merges_new_facts_and_reports_diff(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "Country,Instrument,Date,Action\nThailand,CONV,2005-05-05,ratification\n"
        "Thailand,PROT,2019-03-01,accession\n"
    )
    before = {p: p.read_text() for p in root.rglob("*") if p.is_file()}
    code, out, err = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root), "--dry-run")
    assert (code, err) == (0, "")
    assert out.endswith(
        "1 new facts, 1 already in the dataset, 0 conflicts; dry run: nothing written\n"
    )
    assert {p: p.read_text() for p in root.rglob("*") if p.is_file()} == before
    code, out, err = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root))
    assert (code, err) == (0, "")
    assert "acceded: THA x PROT: acceded on 2019-03-01\n" in out
    fetched = root / "participations" / "fetched-csv.csv"
    assert fetched.read_text() == (
        "country,instrument,action,date,source,note\n"
        "THA,PROT,accession,2019-03-01,csv-example-org-sheet-"
        f"{_today()},\n"
    )
    assert "url: https://example.org/sheet" in (root / "sources" / "fetched-csv.yaml").read_text()
    assert cli("validate", str(root))[0] == 0
    # a second run finds everything known and writes nothing new
    code, out, _ = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root))
    assert out == "0 new facts, 2 already in the dataset, 0 conflicts\n"


def test_fetch_conflicts_write_nothing_unless_keep_existing(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    sheet = tmp_path / "s.csv"
    sheet.write_text(SHEET)
    code, out, err = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root))
    src = f"csv-example-org-sheet-{_today()}"
    assert (code, out) == (1, "")
    assert err == (
        f"data/participations.csv:4: LAO x CONV: the dataset has no_action as of "
        f"2020-01-01 (source s2), csv says accession on 2018-01-01 (source {src})\n"
        "error: nothing written: 1 fact from csv contradicts the dataset (with "
        "--keep-existing, the existing facts are kept and the rest merged)\n"
    )
    assert not (root / "participations").exists()
    code, out, err = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root), "--keep-existing")
    assert code == 0
    assert err.startswith("kept existing: data/participations.csv:4: LAO x CONV")
    assert "1 new facts, 1 already in the dataset, 1 conflicts\n" in out


def test_fetch_refuses_a_merge_that_does_not_validate(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    sheet = tmp_path / "s.csv"
    sheet.write_text("Country,Instrument,Date,Action\nThailand,CONV,2006-01-01,signature\n")
    code, out, err = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root))
    assert (code, out) == (1, "")
    assert err == (
        "data/participations.csv:2: THA x CONV: the dataset has signature on 2001-01-01 "
        f"(source s1), csv says signature on 2006-01-01 (source csv-example-org-sheet-"
        f"{_today()})\n"
        "error: nothing written: 1 fact from csv contradicts the dataset (with "
        "--keep-existing, the existing facts are kept and the rest merged)\n"
    )
    sheet.write_text(
        "Country,Instrument,Date,Action\nThailand,PROT,2021-01-01,accession\n"
        "Thailand,PROT,2022-01-01,ratification\n"
    )
    code, out, err = cli("fetch", "csv", str(sheet), *OPTS, "--into", str(root))
    assert (code, out) == (1, "")
    assert err == (
        f"error: THA x PROT: csv says ratification on 2022-01-01 (source csv-example-org-sheet-"
        f"{_today()}), which does not fit: ratification of PROT by THA on 2022-01-01: "
        "already bound (no denunciation or withdrawal in between)\n"
        "error: nothing written: the dataset with the new facts from csv does not validate\n"
    )
    assert not (root / "participations").exists()


def test_fetch_refuses_local_file_sources(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    sheet = tmp_path / "status.csv"
    sheet.write_text(
        "Participant,Signature,Ratification\nLao People's Democratic Republic,,1 Feb 2021 a\n"
    )
    code, _, err = cli("fetch", "untc", str(sheet), "--opt", "instrument=CONV", "--into", str(root))
    assert code == 2
    assert err == (
        f"error: fetch needs a published source: source 'untc-conv-{_today()}' cites the "
        f"local file {sheet.resolve().as_uri()}; give --opt source_url=URL (where the file "
        "was published)\n"
    )


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def test_cited_participations_stamp_the_source_and_refuse_future_facts() -> None:
    import datetime as dt

    import pytest

    from gmspolicy.errors import LoaderError
    from gmspolicy.loaders.kit import cited_participations
    from gmspolicy.models import Action, ActionKind

    facts = [("THA", "ICRMW", Action(ActionKind.SIGNATURE, dt.date(2004, 9, 27)))]
    (part,) = cited_participations("page.xml", facts, "src-1", dt.date(2026, 1, 1))
    assert part.actions[0].sources == ("src-1",)
    with pytest.raises(LoaderError) as info:
        cited_participations("page.xml", facts, "src-1", dt.date(2004, 1, 1))
    assert str(info.value) == (
        "page.xml: ICRMW signature on 2004-09-27 is after today (2004-01-01)"
    )


UNTC_OPTS = ("--opt", "source_url=https://treaties.un.org/status", "--opt", "unknown=skip")


def _status(path: Path, *rows: str) -> Path:
    path.write_text(
        '"Status as at: 10-01-2025"\n'
        '"Participant","Signature","Ratification, Accession(a), Succession(d)"\n'
        + "".join(f"{r}\n" for r in rows)
    )
    return path


def test_fetch_records_absent_countries_as_no_action(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    page = _status(tmp_path / "prot.csv", '"Mexico","",""')
    args = (
        "fetch",
        "untc",
        str(page),
        *UNTC_OPTS,
        "--opt",
        "instrument=PROT",
        "--opt",
        "absent=no_action",
        "--into",
        str(root),
    )
    code, out, err = cli(*args)
    assert (code, err) == (
        0,
        f"warning: {page}: skipped participant 'Mexico' (not in the reference)\n",
    )
    assert out.endswith("2 new facts, 0 already in the dataset, 0 conflicts\n")
    src = f"untc-prot-{_today()}"
    assert (root / "participations" / "fetched-untc.csv").read_text() == (
        "country,instrument,action,date,source,note\n"
        f"LAO,PROT,no_action,2025-01-10,{src},not among the signatories and parties the "
        "table lists\n"
        f"THA,PROT,no_action,2025-01-10,{src},not among the signatories and parties the "
        "table lists\n"
    )
    assert cli("validate", str(root))[0] == 0
    # the same table again: nothing new
    assert cli(*args)[1].endswith("0 new facts, 2 already in the dataset, 0 conflicts\n")


def test_fetch_no_action_against_recorded_actions_is_a_conflict(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset()
    page = _status(tmp_path / "conv.csv", '"Mexico","",""')
    code, out, err = cli(
        "fetch",
        "untc",
        str(page),
        *UNTC_OPTS,
        "--opt",
        "instrument=CONV",
        "--opt",
        "absent=no_action",
        "--into",
        str(root),
    )
    src = f"untc-conv-{_today()}"
    assert (code, out) == (1, "")
    assert err == (
        f"warning: {page}: skipped participant 'Mexico' (not in the reference)\n"
        "data/participations.csv:2: THA x CONV: the dataset has signature on 2001-01-01 "
        f"(source s1), untc says no action as of 2025-01-10 (source {src})\n"
        "error: nothing written: 1 fact from untc contradicts the dataset (with "
        "--keep-existing, the existing facts are kept and the rest merged)\n"
    )
    # with --keep-existing, Laos's older no_action is kept and the newer date noted
    code, out, err = cli(
        "fetch",
        "untc",
        str(page),
        *UNTC_OPTS,
        "--opt",
        "instrument=CONV",
        "--opt",
        "absent=no_action",
        "--into",
        str(root),
        "--keep-existing",
    )
    assert code == 0
    assert err.splitlines()[2] == (
        "note: LAO x CONV: the dataset has no_action as of 2020-01-01; untc confirms it as "
        f"of 2025-01-10 (source {src}): update the row by hand"
    )
    assert out.endswith("0 new facts, 1 already in the dataset, 1 conflicts\n")
