"""Trust in every published cell (issue 13): source authority, the secondary-source mark,
`confirmed_as_of`, copies, research notes kept from readers, the coverage research list."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import plugins
from gmspolicy.dataset import display_path, load_dataset
from gmspolicy.exporters.csv_export import CsvExporter
from gmspolicy.exporters.html import HtmlExporter
from gmspolicy.exporters.ics import IcsExporter
from gmspolicy.exporters.json_export import JsonExporter
from gmspolicy.exporters.markdown import MarkdownExporter
from gmspolicy.exporters.sqlite import SqliteExporter
from gmspolicy.models import Authority, StatusKind, strongest_authority
from gmspolicy.query.coverage import authority_report, stale_cells
from gmspolicy.query.views import (
    SECONDARY_MARK,
    DatasetView,
    EventsView,
    ProfileView,
    TableView,
)

Run = Callable[..., tuple[int, str, str]]
Make = Callable[..., Path]

SOURCE = """\
- id: {id}
  url: https://example.org/{id}
  title: Source {id}
  publisher: Example
  authority: {authority}
  seen: 2024-01-31
{extra}"""


def sources(*specs: tuple[str, str] | tuple[str, str, str]) -> str:
    """A sources.yaml: ``(id, authority[, extra lines])`` each."""
    return "".join(
        SOURCE.format(id=s[0], authority=s[1], extra=s[2] if len(s) > 2 else "") for s in specs
    )


BASE = sources(("s1", "depositary"), ("s2", "official"))

# s3 is secondary, current to 2013; s4 a copy
TRUST_SOURCES = sources(
    ("s1", "depositary"),
    ("s2", "official"),
    ("s3", "secondary", "  as_of: 2013-06-30\n"),
    ("s4", "copy"),
)

TRUST_PARTICIPATIONS = """\
country,instrument,action,date,source,note
THA,CONV,signature,2001-01-01,s3,
LAO,CONV,no_action,2020-01-01,s2,not listed
LAO,PROT,no_action,2019-01-01,s3;s4,
"""


@pytest.fixture
def trust_pset(make_dataset: Make) -> object:
    return load_dataset(
        make_dataset(sources_yaml=TRUST_SOURCES, participations_csv=TRUST_PARTICIPATIONS),
        cache=False,
    )


# -- authority on sources --------------------------------------------------------------


def test_strongest_authority_orders_depositary_official_secondary_copy() -> None:
    assert [a.rank for a in Authority] == [0, 1, 2, 3]
    assert strongest_authority([Authority.COPY, Authority.SECONDARY]) is Authority.SECONDARY
    assert strongest_authority([Authority.OFFICIAL, Authority.DEPOSITARY]) is Authority.DEPOSITARY
    assert strongest_authority([]) is None


def test_missing_authority_is_a_validation_error(cli: Run, make_dataset: Make) -> None:
    text = BASE.replace("  authority: official\n", "")
    root = make_dataset(sources_yaml=text)
    assert cli("validate", str(root)) == (
        1,
        "",
        "data/sources.yaml:7: source 's2': authority is missing "
        "(one of: depositary, official, secondary, copy)\n",
    )


def test_unknown_authority_names_its_line(cli: Run, make_dataset: Make) -> None:
    text = BASE.replace("authority: official", "authority: primary")
    root = make_dataset(sources_yaml=text)
    assert cli("validate", str(root)) == (
        1,
        "",
        "data/sources.yaml:11: source 's2': unknown authority 'primary' "
        "(one of: depositary, official, secondary, copy)\n",
    )


def test_non_text_authority_and_other_field_errors_are_all_reported(
    cli: Run, make_dataset: Make
) -> None:
    text = BASE.replace("authority: official", "authority: [official]").replace(
        "  seen: 2024-01-31\n  \n", ""
    )
    text = text.replace("url: https://example.org/s2", "url: 12")
    root = make_dataset(sources_yaml=text)
    code, out, err = cli("validate", str(root))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "data/sources.yaml:8: url: expected a string, got int 12",
        "data/sources.yaml:11: source 's2': unknown authority ['official'] "
        "(one of: depositary, official, secondary, copy)",
    ]


def test_a_cell_resting_only_on_copies_is_refused(cli: Run, make_dataset: Make) -> None:
    root = make_dataset(
        sources_yaml=TRUST_SOURCES,
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            "THA,CONV,signature,2001-01-01,s4,\n"
            "THA,CONV,ratification,2005-05-05,s1,\n"
            "LAO,CONV,no_action,2020-01-01,s4,\n"
        ),
    )
    code, out, err = cli("validate", str(root))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "data/participations.csv:2: participation THA x CONV: the signature on 2001-01-01 "
        "rests only on copies (s4): cite the original document or a second source, or "
        "leave the cell unknown",
        "data/participations.csv:4: participation LAO x CONV: the no_action on 2020-01-01 "
        "rests only on copies (s4): cite the original document or a second source, or "
        "leave the cell unknown",
    ]


def test_a_copy_beside_another_source_is_accepted(cli: Run, make_dataset: Make) -> None:
    root = make_dataset(sources_yaml=TRUST_SOURCES, participations_csv=TRUST_PARTICIPATIONS)
    assert cli("validate", str(root))[0] == 0


# -- what cells say ----------------------------------------------------------------------


def test_cells_carry_authority_and_confirmation(trust_pset: object) -> None:
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    view = TableView(trust_pset, trust_pset.matrix(["THA", "LAO"], ["CONV", "PROT"]))
    cells = {(c.country.code, c.instrument.id): c for c in view.cells()}
    signed = cells[("THA", "CONV")]
    assert signed.status.kind is StatusKind.SIGNATORY
    assert signed.authority is Authority.SECONDARY
    assert signed.secondary_only
    # the secondary source is current to 2013-06-30: it confirmed the signature then
    assert signed.confirmed_as_of == dt.date(2013, 6, 30)
    assert signed.text.text == "signed 2001-01-01, last confirmed 2013-06-30"
    assert (signed.text.word, signed.text.date, signed.text.confirmed) == (
        "signed",
        "2001-01-01",
        "2013-06-30",
    )
    no_action = cells[("LAO", "CONV")]
    assert (no_action.authority, no_action.confirmed_as_of) == (
        Authority.OFFICIAL,
        dt.date(2020, 1, 1),
    )
    assert not no_action.secondary_only
    assert no_action.text.text == "no action (as of 2020-01-01)"
    # a copy beside a secondary source: the best is secondary, so the cell is marked
    assert cells[("LAO", "PROT")].authority is Authority.SECONDARY
    unknown = cells[("THA", "PROT")]
    assert (unknown.authority, unknown.confirmed_as_of, unknown.sources) == (None, None, ())


def test_confirmation_is_never_later_than_the_table_date(trust_pset: object) -> None:
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    assert trust_pset.confirmed_as_of("THA", "CONV") == dt.date(2013, 6, 30)
    assert trust_pset.confirmed_as_of("THA", "CONV", dt.date(2010, 1, 1)) == dt.date(2010, 1, 1)
    assert trust_pset.confirmed_as_of("THA", "PROT") is None


def test_confirmation_falls_back_to_the_fact_date(cli: Run, make_dataset: Make) -> None:
    root = make_dataset(sources_yaml=TRUST_SOURCES.replace("  as_of: 2013-06-30\n", ""))
    pset = load_dataset(root, cache=False)
    # conftest's data: THA signed 2001-01-01 (s1), ratified 2005-05-05 (s1;s2), no as_of
    assert pset.confirmed_as_of("THA", "CONV") == dt.date(2005, 5, 5)
    code, out, _ = cli(
        "--data", str(root), "table", "-c", "THA", "-i", "CONV", "--as-of", "2003-01-01"
    )
    assert code == 0
    assert "| Conv | signed 2001-01-01, last confirmed 2001-01-01[^1] |" in out


def test_markdown_marks_secondary_cells_and_explains_the_mark(trust_pset: object) -> None:
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    text = MarkdownExporter().render(TableView(trust_pset, trust_pset.matrix()))
    lines = text.splitlines()
    conv = next(line for line in lines if line.startswith("| Conv |"))
    # countries in code order: LAO (official, no mark), THA (secondary, marked)
    assert conv == (
        "| Conv | no action (as of 2020-01-01)[^1] | "
        f"signed 2001-01-01, last confirmed 2013-06-30 {SECONDARY_MARK}[^2] |"
    )
    assert (
        f"- {SECONDARY_MARK} the best source for this cell is a secondary work (a report, a "
        "research dataset, an encyclopedia or a news report), not the depositary's record "
        "or an official document"
    ) in lines


@pytest.mark.parametrize("lang", ["en", "my", "km", "lo", "th", "vi", "zh"])
def test_every_language_has_the_mark_and_the_confirmation(trust_pset: object, lang: str) -> None:
    from gmspolicy.i18n import Labels
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    labels = Labels(lang)
    text = MarkdownExporter().render(TableView(trust_pset, trust_pset.matrix(), lang))
    assert labels("legend.mark_secondary") in text
    assert "2013-06-30" in text and SECONDARY_MARK in text
    if lang != "en":
        assert labels("cell.last_confirmed") != Labels("en")("cell.last_confirmed")
        assert labels("legend.mark_secondary") != Labels("en")("legend.mark_secondary")


def test_html_marks_secondary_cells(trust_pset: object) -> None:
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    page = HtmlExporter().render(TableView(trust_pset, trust_pset.matrix()))
    title = (
        "the best source for this cell is a secondary work (a report, a research dataset, "
        "an encyclopedia or a news report), not the depositary&#39;s record or an official "
        "document"
    )
    mark = f'<span class="auth-mark" title="{title}" aria-label="{title}">{SECONDARY_MARK}</span>'
    assert page.count(mark) == 2  # THA x CONV and LAO x PROT
    assert f'<span class="swatch auth-mark">{SECONDARY_MARK}</span> {title}' in page
    assert "signed 2001-01-01, last confirmed 2013-06-30" in page


def test_json_cells_and_profile_rows_carry_authority_and_confirmation(
    trust_pset: object,
) -> None:
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    doc = json.loads(JsonExporter().render(TableView(trust_pset, trust_pset.matrix())))
    cells = {(c["country"], c["instrument"]): c for c in doc["cells"]}
    assert {k: (c["authority"], c["confirmed_as_of"]) for k, c in cells.items()} == {
        ("LAO", "CONV"): ("official", "2020-01-01"),
        ("LAO", "PROT"): ("secondary", "2019-01-01"),
        ("THA", "CONV"): ("secondary", "2013-06-30"),
        ("THA", "PROT"): (None, None),
    }
    assert {s["id"]: s["authority"] for s in doc["sources"]} == {
        "s1": "depositary",
        "s2": "official",
        "s3": "secondary",
        "s4": "copy",
    }
    profile = json.loads(JsonExporter().render(ProfileView(trust_pset, trust_pset.country("THA"))))
    rows = {r["instrument"]: r for r in profile["instruments"]}
    assert (rows["CONV"]["authority"], rows["CONV"]["confirmed_as_of"]) == (
        "secondary",
        "2013-06-30",
    )


# -- research notes ----------------------------------------------------------------------

SECRET = "ZZSECRETNOTE"

NOTED_SOURCES = sources(
    ("s1", "depositary", f"  note: public words\n  research_note: {SECRET} source\n"),
    ("s2", "official"),
)
NOTED_EVENTS = f"""\
- id: AFML-2009
  series: AFML
  edition: 2
  title: 2nd ASEAN Forum on Migrant Labour
  start: 2009-07-30
  end: 2009-07-31
  city: Bangkok
  country: THA
  notes: public event note
  research_note: {SECRET} event
  sources: [s1]
"""
NOTED_MOUS = f"""\
- id: THA-LAO-2002
  parties: [THA, LAO]
  kind: employment
  title: MOU on Employment Cooperation
  signed: 2002-10-18
  sources: [s1]
  note: public MOU note
  research_note: {SECRET} mou
"""


@pytest.fixture
def noted_root(make_dataset: Make) -> Path:
    return make_dataset(
        sources_yaml=NOTED_SOURCES,
        events_yaml=NOTED_EVENTS,
        mous_yaml=NOTED_MOUS,
        participations_csv=(
            "country,instrument,action,date,source,note,research_note\n"
            f"THA,CONV,signature,2001-01-01,s1,public row note,{SECRET} row\n"
            "THA,CONV,ratification,2005-05-05,s1;s2,,\n"
            f"LAO,CONV,no_action,2020-01-01,s2,not listed,{SECRET} absence\n"
        ),
    )


def test_research_notes_load_from_yaml_and_the_csv_column(noted_root: Path) -> None:
    pset = load_dataset(noted_root, cache=False)
    assert pset.source("s1").research_note == f"{SECRET} source"
    assert pset.source("s1").note == "public words"
    part = pset.participation("THA", "CONV")
    assert part is not None
    assert [(a.note, a.research_note) for a in part.actions] == [
        ("public row note", f"{SECRET} row"),
        (None, None),
    ]
    lao = pset.participation("LAO", "CONV")
    assert lao is not None and lao.no_action is not None
    assert lao.no_action.research_note == f"{SECRET} absence"
    assert pset.events[0].research_note == f"{SECRET} event"
    assert pset.mous[0].research_note == f"{SECRET} mou"


def test_old_participation_files_without_the_column_still_load(make_dataset: Make) -> None:
    pset = load_dataset(make_dataset(), cache=False)  # conftest's six-column CSV
    part = pset.participation("THA", "CONV")
    assert part is not None and all(a.research_note is None for a in part.actions)


def test_exports_for_readers_never_show_research_notes(noted_root: Path) -> None:
    pset = load_dataset(noted_root, cache=False)
    views = [
        DatasetView(pset),
        TableView(pset, pset.matrix()),
        ProfileView(pset, pset.country("THA")),
        EventsView(pset, pset.events),
    ]
    for exporter in (MarkdownExporter(), HtmlExporter()):
        for view in views:
            text = exporter.render(view)
            assert SECRET not in text, (exporter.name, view.kind)
    page = HtmlExporter().render(DatasetView(pset))
    assert "public words" in page and "public MOU note" in page  # the public notes show
    csv_text = CsvExporter().render(DatasetView(pset))
    assert SECRET not in csv_text and "public row note" in csv_text
    ics = IcsExporter().render(EventsView(pset, pset.events))
    assert SECRET not in ics and "public event note" in ics


def test_json_and_sqlite_carry_research_notes_by_name(noted_root: Path, tmp_path: Path) -> None:
    pset = load_dataset(noted_root, cache=False)
    doc = json.loads(JsonExporter().render(DatasetView(pset)))
    src = next(s for s in doc["sources"] if s["id"] == "s1")
    assert (src["note"], src["research_note"]) == ("public words", f"{SECRET} source")
    part = next(p for p in doc["participations"] if p["country"] == "THA")
    assert part["actions"][0]["research_note"] == f"{SECRET} row"
    path = tmp_path / "db.sqlite"
    path.write_bytes(SqliteExporter().render(DatasetView(pset)))
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT id, authority, research_note FROM sources").fetchall() == [
            ("s1", "depositary", f"{SECRET} source"),
            ("s2", "official", None),
        ]
        assert db.execute(
            "SELECT research_note FROM actions WHERE kind = 'signature'"
        ).fetchall() == [(f"{SECRET} row",)]
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE sources SET authority = 'primary' WHERE id = 's1'")
    finally:
        db.close()


def test_fetch_keeps_the_research_note_column_of_the_file_it_appends_to(
    cli: Run, make_dataset: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plugins, "_registries", {})
    root = make_dataset()
    fetched = root / "participations" / "fetched-csv.csv"
    fetched.parent.mkdir()
    fetched.write_text(
        "country,instrument,action,date,source,note,research_note\n"
        "LAO,PROT,no_action,2020-01-01,s2,,checked twice\n"
    )
    sheet = tmp_path / "s.csv"
    sheet.write_text("Country,Instrument,Date,Action\nThailand,PROT,2019-03-01,accession\n")
    opts = ("--opt", "source_url=https://example.org/sheet", "--opt", "source_authority=official")
    code, _, err = cli("fetch", "csv", str(sheet), *opts, "--into", str(root))
    assert (code, err) == (0, "")
    lines = fetched.read_text().splitlines()
    assert lines[-1].startswith("THA,PROT,accession,2019-03-01,csv-example-org-sheet-")
    assert lines[-1].endswith(",,")  # empty note and research_note
    assert "authority: official" in (root / "sources" / "fetched-csv.yaml").read_text()
    assert cli("validate", str(root))[0] == 0


def test_csv_loader_refuses_an_unknown_source_authority(
    cli: Run, make_dataset: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plugins, "_registries", {})
    data = str(make_dataset())
    sheet = tmp_path / "s.csv"
    sheet.write_text("Country,Instrument,Date,Action\nThailand,PROT,2019-03-01,accession\n")
    assert cli(
        "--data", data, "load", "csv", str(sheet),
        "--opt", "source_url=https://example.org/sheet", "--opt", "source_authority=primary",
    ) == (
        2,
        "",
        "error: loader 'csv': option source_authority='primary' must be one of: "
        "depositary, official, secondary, copy\n",
    )  # fmt: skip


# -- coverage --------------------------------------------------------------------------


def test_coverage_lists_stale_signed_and_no_action_cells(make_dataset: Make) -> None:
    root = make_dataset(
        sources_yaml=TRUST_SOURCES,
        participations_csv=(
            "country,instrument,action,date,source,note\n"
            "THA,CONV,signature,2001-01-01,s3,\n"  # confirmed 2013-06-30: stale
            "LAO,CONV,no_action,2019-01-31,s2,\n"  # exactly five years before: not stale
            "LAO,PROT,no_action,2019-01-30,s2,\n"  # five years and a day before: stale
        ),
    )
    pset = load_dataset(root, cache=False)
    assert pset.newest_source_date() == dt.date(2024, 1, 31)  # the sources' seen date
    stale = stale_cells(pset, pset.select_countries())
    assert [(c.country, c.instrument, c.kind.value, c.confirmed_as_of) for c in stale] == [
        ("THA", "CONV", "signatory", dt.date(2013, 6, 30)),
        ("LAO", "PROT", "no_action", dt.date(2019, 1, 30)),
    ]


def test_coverage_command_reports_the_authority_share_and_research(
    cli: Run, make_dataset: Make
) -> None:
    root = make_dataset(sources_yaml=TRUST_SOURCES, participations_csv=TRUST_PARTICIPATIONS)
    code, out, err = cli("--data", str(root), "coverage")
    assert (code, err) == (0, "")
    assert "Decided GMS cells citing a depositary or official source: **1 of 3 (33%)**." in out
    assert "- **Thailand** (1): CONV (signed, 2013-06-30)" in out
    pset = load_dataset(root, cache=False)
    table = authority_report(pset, pset.select_countries())
    assert "| secondary | 2 |" in table and "| official | 1 |" in table


def test_diff_names_a_feed_written_before_sources_had_an_authority(
    cli: Run, make_dataset: Make, tmp_path: Path
) -> None:
    root = make_dataset()
    code, out, _ = cli("--data", str(root), "export", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    doc["schema_version"] = "1.3.0"
    for s in doc["sources"]:
        del s["authority"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    assert cli("diff", str(old), str(root)) == (
        1,
        "",
        f"{display_path(old)}: written with schema_version 1.3.0, before sources carried their authority "
        "(1.5.0); compare the dataset directories instead, or export it again once its "
        "sources have an authority\n",
    )
    current = tmp_path / "current.json"
    current.write_text(out, encoding="utf-8")
    assert cli("diff", str(current), str(root))[0] == 0


def test_cells_give_their_sources_with_authority(trust_pset: object) -> None:
    from gmspolicy.query.policyset import PolicySet

    assert isinstance(trust_pset, PolicySet)
    view = TableView(trust_pset, trust_pset.matrix(["LAO"], ["PROT"]))
    (cell,) = view.cells()
    assert [(s.id, s.authority) for s in cell.cited] == [
        ("s3", Authority.SECONDARY),
        ("s4", Authority.COPY),
    ]
    (row,) = ProfileView(trust_pset, trust_pset.country("LAO")).rows()[1:]
    assert [s.id for s in row.cell.cited] == ["s3", "s4"]


def test_an_instrument_resting_only_on_copies_is_refused(cli: Run, make_dataset: Make) -> None:
    """Its 'not applicable' and 'not yet adopted' cells would cite only the copies."""
    from tests.conftest import INSTRUMENTS

    root = make_dataset(
        sources_yaml=TRUST_SOURCES,
        participations_csv=TRUST_PARTICIPATIONS,
        instruments_yaml=INSTRUMENTS.replace(
            "  sources: [s1]\n- id: PROT", "  sources: [s4]\n- id: PROT"
        ),
    )
    assert cli("validate", str(root)) == (
        1,
        "",
        "data/instruments.yaml:1: instrument CONV: the cells that follow from it alone (not "
        "applicable, not yet adopted) would rest only on copies (s4): cite the original "
        "document or a second source\n",
    )
