"""The UPR matrix loader on two real copies of OHCHR's matrix of recommendations for China
(tests/data/README.md), read from a file and from a real HTTP server on 127.0.0.1 (with
faults), and on hostile and malformed .docx files built here."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml
from gmspolicy_uprmatrix import UprMatrixLoader, ratified_instruments, recommending_names
from gmspolicy_uprmatrix.docx import MAX_MEMBER_BYTES, MAX_MEMBERS
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from gmspolicy.cli import main
from gmspolicy.dataset import bundled_data_dir, load_dataset
from gmspolicy.errors import GmsPolicyError, LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.merge import loaded_policyset
from gmspolicy.models import Authority, Response
from gmspolicy.plugins import loaders
from gmspolicy.query.policyset import PolicySet
from gmspolicy.testing import check_loader, check_loader_faults, hostile_texts

DATA = Path(__file__).parent / "data"
M2018 = DATA / "Matrix_recommendations_2018.docx"
M2013 = DATA / "Matrix_recommendations_2013.docx"
#: The dataset's recommendations to China, built by hand from the same matrices.
DATASET_RECS = Path(__file__).resolve().parents[3] / "datasets" / "recommendations" / "upr-chn.yaml"
TODAY = dt.date(2026, 12, 5)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SOURCE_2018 = "Source of position: A/HRC/40/6/Add.1 - Para. 2"
UPR3 = {"review": "upr-chn-3"}


@pytest.fixture(scope="module")
def reference() -> PolicySet:
    """The bundled dataset: every UN member state's names, and the UPR reviews of China."""
    return load_dataset(bundled_data_dir())


def ctx(reference: PolicySet) -> LoadContext:
    return LoadContext(reference=reference, today=TODAY)


def rec_rows(result: LoadResult) -> dict[str, tuple[str, str, tuple[str, ...], str]]:
    out = {}
    for r in result.recommendations:
        assert r.response is not None
        out[r.id] = (r.paragraph, r.text, r.recommending, r.response.value)
    return out


def linked_rows(
    result: LoadResult,
) -> dict[str, tuple[str, str, tuple[str, ...], str, tuple[str, ...]]]:
    return {r.id: (*rec_rows(result)[r.id], r.instruments) for r in result.recommendations}


def test_registered() -> None:
    assert isinstance(loaders().get("uprmatrix"), UprMatrixLoader)


def test_2018_matrix_from_file(reference: PolicySet) -> None:
    result = check_loader(UprMatrixLoader(), str(M2018), UPR3, ctx(reference))
    recs = result.recommendations
    assert len(recs) == 346
    assert Counter(r.response for r in recs) == {Response.SUPPORTED: 284, Response.NOTED: 62}
    # paragraphs 28.1 to 28.346, each once
    assert sorted(r.paragraph for r in recs) == sorted(f"28.{n}" for n in range(1, 347))
    (source,) = result.sources
    assert source.id == "uprmatrix-upr-chn-3"
    assert source.title == (
        "UPR of China (3rd Cycle \u2013 31st session): Thematic list of recommendations"
    )
    assert source.url == M2018.resolve().as_uri()
    assert source.seen == TODAY
    assert result.warnings == ()
    rows = rec_rows(result)
    assert rows["upr-chn-3-28.4"] == (
        "28.4",
        "Continue working towards ratification of the International Covenant on Civil and "
        "Political Rights by the earliest possible date (New Zealand); Accelerate the "
        "ratification of the International Covenant on Civil and Political Rights (Uruguay) "
        "(Mali)",
        ("NZL", "URY", "MLI"),
        "supported",
    )
    # brackets that belong to the sentence are not states
    assert rows["upr-chn-3-28.74"][2:] == (("KGZ",), "supported")
    assert rows["upr-chn-3-28.14"][2] == ("NER", "PHL", "IDN")
    first = next(r for r in recs if r.id == "upr-chn-3-28.212")
    assert first.note == SOURCE_2018
    assert first.sources == ("uprmatrix-upr-chn-3",)
    # tags come from the matrix's own themes: 10 rows with "G4 Migrants" and more
    migrants = [r.paragraph for r in recs if "migrant-workers" in r.tags]
    assert len(migrants) == 10
    assert "28.332" in migrants
    assert next(r for r in recs if r.paragraph == "28.173").tags == ("trafficking",)


def test_every_recommendation_the_dataset_took_from_the_matrices_matches(
    reference: PolicySet,
) -> None:
    recorded = yaml.safe_load(DATASET_RECS.read_text("utf-8"))
    loaded = {
        **linked_rows(UprMatrixLoader().load(str(M2018), UPR3, ctx(reference))),
        **linked_rows(UprMatrixLoader().load(str(M2013), {"review": "upr-chn-2"}, ctx(reference))),
    }
    assert len(recorded) >= 40
    for rec in recorded:
        assert loaded[rec["id"]][:4] == (
            rec["paragraph"],
            rec["text"],
            tuple(rec["recommending"]),
            rec["response"],
        ), rec["id"]
        linked = loaded[rec["id"]][4]
        if rec["id"] == "upr-chn-3-28.19":
            # "... Forced Labour Convention, 1930 (No. 29) and its 20l4 Protocol": the
            # protocol is not named exactly, so not linked (the dataset's reader linked it)
            assert rec["instruments"] == ["ILO-C029", "ILO-P029"]
            assert linked == ("ILO-C029",)
        else:
            assert linked == tuple(rec["instruments"]), rec["id"]


def test_2013_matrix(reference: PolicySet) -> None:
    result = check_loader(UprMatrixLoader(), str(M2013), {"review": "upr-chn-2"}, ctx(reference))
    recs = result.recommendations
    assert len(recs) == 252
    assert Counter(r.response for r in recs) == {Response.SUPPORTED: 204, Response.NOTED: 48}
    rows = rec_rows(result)
    # printed "186.25." in this cycle: the number without its final dot
    assert rows["upr-chn-2-186.25"] == (
        "186.25",
        "Consider becoming a party to the ICRMW (Ghana)",
        ("GHA",),
        "supported",
    )
    assert next(r for r in recs if r.paragraph == "186.25").note == (
        "Source of position: A/HRC/25/5/Add.1 - Para. 186.25."
    )


def test_over_http(httpserver: HTTPServer, reference: PolicySet) -> None:
    httpserver.expect_request("/Matrix.docx").respond_with_data(
        M2018.read_bytes(), content_type=DOCX
    )
    url = httpserver.url_for("/Matrix.docx")
    result = check_loader(UprMatrixLoader(), url, UPR3, ctx(reference))
    assert len(result.recommendations) == 346
    assert result.sources[0].url == url
    from_file = UprMatrixLoader().load(str(M2018), UPR3, ctx(reference))
    assert result.recommendations == from_file.recommendations


def test_faults_over_http(httpserver: HTTPServer, reference: PolicySet) -> None:
    body = M2018.read_bytes()
    messages = check_loader_faults(
        UprMatrixLoader(),
        httpserver,
        path="/Matrix.docx",
        body=body,
        content_type=DOCX,
        options=UPR3,
        reference=reference,
        today=TODAY,
    )
    url = "http://SERVER/Matrix.docx"
    assert messages == {
        "timeout": f"{url}: no response within 0.25 s (after 2 attempts)",
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "http-404": f"{url}: HTTP 404",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
        "html-error-page": f"{url}: unexpected content type 'text/html' (expected the UPR "
        "matrix of recommendations, a Word .docx file)",
        "wrong-content-type": f"{url}: unexpected content type 'application/pdf' (expected "
        "the UPR matrix of recommendations, a Word .docx file)",
        "redirect-loop": f"{url}: too many redirects (a redirect loop?)",
        "oversized": f"{url}: response too large ({len(body)} bytes; limit {len(body) - 1})",
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
    }


def test_loaded_recommendations_validate_with_their_review(reference: PolicySet) -> None:
    result = UprMatrixLoader().load(str(M2018), UPR3, ctx(reference))
    pset = loaded_policyset(reference, result, dt.date.today())
    assert len(pset.recommendations) == 346
    assert [r.id for r in pset.review_records] == ["upr-chn-3"]
    assert pset.has_country("MLI")
    assert pset.has_country("CHN")


def test_select_tagged(reference: PolicySet) -> None:
    result = UprMatrixLoader().load(str(M2018), {**UPR3, "select": "tagged"}, ctx(reference))
    assert all(r.tags for r in result.recommendations)
    kept = len(result.recommendations)
    assert 0 < kept < 346
    assert result.warnings == (
        f"{M2018}: {346 - kept} of 346 recommendations left out (no migrant, trafficking, "
        "refugee, statelessness or labour-rights theme, no tracked instrument to ratify; "
        "--opt select=tagged)",
    )


def test_section_option(reference: PolicySet) -> None:
    result = UprMatrixLoader().load(str(M2018), {**UPR3, "section": "28"}, ctx(reference))
    assert len(result.recommendations) == 346
    with pytest.raises(LoaderError) as err:
        UprMatrixLoader().load(str(M2018), {**UPR3, "section": "186"}, ctx(reference))
    message = str(err.value)
    assert message.startswith(
        f"{M2018}: row 3: paragraph 28.212 is not under paragraph 186 (--opt section); "
    )
    assert message.endswith("; and 336 more")
    with pytest.raises(UsageError) as usage:
        UprMatrixLoader().load(str(M2018), {**UPR3, "section": "28.1"}, ctx(reference))
    assert str(usage.value) == "loader 'uprmatrix': --opt section='28.1' must be a number"


def test_review_option(reference: PolicySet) -> None:
    cases = {
        "": "loader 'uprmatrix': give --opt review=ID, the UPR review the matrix is for "
        "(e.g. upr-chn-3)",
        "upr-chn-9": "loader 'uprmatrix': the reference dataset has no review 'upr-chn-9' "
        "(record the review in reviews.yaml first)",
        "ccpr-tha-2005": "loader 'uprmatrix': review 'ccpr-tha-2005' is a CCPR review, not a "
        "UPR review",
    }
    for review, message in cases.items():
        with pytest.raises(UsageError) as err:
            UprMatrixLoader().load(str(M2018), {"review": review}, ctx(reference))
        assert str(err.value) == message
    with pytest.raises(UsageError) as err:
        UprMatrixLoader().load(str(M2018), {**UPR3, "country": "CHN"}, ctx(reference))
    assert str(err.value).startswith("loader 'uprmatrix' has no option 'country'")


def test_matrix_of_another_cycle_or_state_is_refused(reference: PolicySet) -> None:
    with pytest.raises(LoaderError) as err:
        UprMatrixLoader().load(str(M2018), {"review": "upr-chn-2"}, ctx(reference))
    assert str(err.value) == (
        f"{M2018}: the matrix is for the UPR's cycle 3, but review upr-chn-2 is cycle 2"
    )
    with pytest.raises(LoaderError) as err:
        UprMatrixLoader().load(str(M2018), {"review": "upr-tha-3"}, ctx(reference))
    assert str(err.value) == (
        f"{M2018}: the matrix is for China (CHN), but review upr-tha-3 is of THA"
    )


# -- built .docx files ------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = ("Recommendation", "Position", "Full list of themes", "Assessment/comments")


def cell(*paragraphs: str) -> str:
    runs = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return f"<w:tc>{runs}</w:tc>"


def document(rows: Sequence[Sequence[Sequence[str]]], prolog: str = "") -> bytes:
    body = "".join("<w:tr>" + "".join(cell(*c) for c in row) + "</w:tr>" for row in rows)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W_NS}">'
        f"<w:body><w:tbl>{body}</w:tbl></w:body></w:document>"
    ).encode()


def docx(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def row(text: str, position: str = "Supported", themes: Sequence[str] = ("G4 Migrants",)) -> Any:
    return ((text, "Source of position: A/HRC/40/6/Add.1 - Para. 2"), (position,), themes, ("",))


def load_bytes(tmp_path: Path, data: bytes, reference: PolicySet) -> LoadResult:
    path = tmp_path / "matrix.docx"
    path.write_bytes(data)
    return UprMatrixLoader().load(str(path), UPR3, ctx(reference))


def error_for(tmp_path: Path, data: bytes, reference: PolicySet) -> str:
    with pytest.raises(LoaderError) as err:
        load_bytes(tmp_path, data, reference)
    return str(err.value).replace(str(tmp_path / "matrix.docx"), "FILE")


def test_built_matrix_reads(tmp_path: Path, reference: PolicySet) -> None:
    rows = [
        [(h,) for h in HEAD],
        [("Theme: G4 Migrants",)],
        row("28.1 Protect migrant workers (Iran (Islamic Republic of)) (Viet Nam);"),
        row("28.2 Ratify the ILO Convention (No. 189) (Republic of Korea).", "Noted", ("E31 x",)),
    ]
    result = load_bytes(tmp_path, docx({"word/document.xml": document(rows)}), reference)
    assert rec_rows(result) == {
        "upr-chn-3-28.1": (
            "28.1",
            "Protect migrant workers (Iran (Islamic Republic of)) (Viet Nam)",
            ("IRN", "VNM"),
            "supported",
        ),
        "upr-chn-3-28.2": (
            "28.2",
            "Ratify the ILO Convention (No. 189) (Republic of Korea)",
            ("KOR",),
            "noted",
        ),
    }
    assert [r.tags for r in result.recommendations] == [("migrant-workers",), ("labour-rights",)]
    # no running title: a title of the loader's own
    assert result.sources[0].title == "UPR matrix of recommendations (upr-chn-3)"


def test_bad_rows(tmp_path: Path, reference: PolicySet) -> None:
    rows = [
        [(h,) for h in HEAD],
        row("28.1 Protect migrant workers (Atlantis);"),
        row("28.2 Protect migrant workers (Ghana);", "Accepted"),
        row("28.3 Protect migrant workers (Ghana);", ""),
        row("Protect migrant workers (Ghana);"),
        row("28.5 Protect migrant workers;"),
        row("28.6 Protect migrant workers (Ghana);"),
        row("28.6 Protect migrant workers (Ghana);"),
        [("28.8 Protect migrant workers (Ghana);",)],
    ]
    assert error_for(tmp_path, docx({"word/document.xml": document(rows)}), reference) == (
        "FILE: row 2: paragraph 28.1: cannot map recommending state 'Atlantis' to a country "
        "of the reference dataset (add the name to the country's names); "
        "FILE: row 3: paragraph 28.2: position 'Accepted' is not Supported or Noted; "
        "FILE: row 4: paragraph 28.3: no position (expected Supported or Noted); "
        "FILE: row 5: no paragraph number (such as 28.4) at the start of 'Protect migrant "
        "workers (Ghana);'; "
        "FILE: row 6: paragraph 28.5: no recommending state in brackets at the end of "
        "'Protect migrant workers'; "
        "FILE: row 8: paragraph 28.6 listed twice (also row 7); "
        "FILE: row 9: 1 cell, expected a Recommendation and a Position cell"
    )


def test_not_a_matrix(tmp_path: Path, reference: PolicySet) -> None:
    cases = {
        b"<html><body>not a docx</body></html>": "FILE: not a Word .docx file (not a zip archive)",
        b"PK\x03\x04 broken": "FILE: not a readable .docx file (broken zip archive: File is "
        "not a zip file)",
        docx({"word/other.xml": b"<x/>"}): "FILE: a zip archive without word/document.xml "
        "(not a Word .docx file)",
        docx({"word/document.xml": document([[("Text",), ("Comment",)]])}): "FILE: no matrix "
        "of recommendations (expected a table with the columns Recommendation and Position; "
        "the document has 1 table)",
        docx({"word/document.xml": document([[(h,) for h in HEAD]])}): "FILE: the matrix "
        "table lists no recommendations",
    }
    for data, message in cases.items():
        assert error_for(tmp_path, data, reference) == message
    # the reason in brackets is libxml2's own words, which its versions phrase differently
    broken = error_for(tmp_path, docx({"word/document.xml": b"<w:document"}), reference)
    assert re.fullmatch(r"FILE: word/document\.xml:1: XML is not well-formed \(.+\)", broken)


# -- hostile files: each refused before it costs more than a bounded amount of work ------


def test_zip_bomb_refused_by_declared_size(tmp_path: Path, reference: PolicySet) -> None:
    bomb = b"<" + b" " * (MAX_MEMBER_BYTES + 1)  # inflates past the limit; ~33 KB zipped
    data = docx({"word/document.xml": document([[(h,) for h in HEAD]]), "word/pad.xml": bomb})
    assert len(data) < 100_000
    assert error_for(tmp_path, data, reference) == (
        f"FILE: archive member 'word/pad.xml' declares {len(bomb)} bytes "
        f"uncompressed (limit {MAX_MEMBER_BYTES})"
    )


def test_member_lying_about_its_size_is_cut_off(tmp_path: Path, reference: PolicySet) -> None:
    """A document.xml whose headers claim 100 bytes but which inflates to 33 MB: read
    no further than the declared size, then refused (its checksum does not match)."""
    big = document([[(h,) for h in HEAD]]) + b" " * (MAX_MEMBER_BYTES + 1)
    data = bytearray(docx({"word/document.xml": big}))
    real = len(big).to_bytes(4, "little")
    fake = (100).to_bytes(4, "little")
    assert data.count(real) == 2  # the local header and the central directory
    data = data.replace(real, fake)
    assert error_for(tmp_path, bytes(data), reference) == (
        "FILE: archive member 'word/document.xml' cannot be read (Bad CRC-32 for file "
        "'word/document.xml')"
    )


def test_too_many_members(tmp_path: Path, reference: PolicySet) -> None:
    members = {f"x/{n}.xml": b"" for n in range(MAX_MEMBERS + 1)}
    data = docx({"word/document.xml": document([[(h,) for h in HEAD]]), **members})
    assert error_for(tmp_path, data, reference) == (
        f"FILE: the archive holds {MAX_MEMBERS + 2} members (more than {MAX_MEMBERS}: "
        "not a Word file)"
    )


def test_entity_expansion_and_external_entities_refused(
    tmp_path: Path, reference: PolicySet
) -> None:
    laughs = (
        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + "]>"
    )
    external = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    for prolog, entity in ((laughs, "&j;"), (external, "&x;")):
        rows = [[(h,) for h in HEAD], row(f"28.1 Protect {entity} (Ghana);")]
        data = docx({"word/document.xml": document(rows, prolog)})
        assert error_for(tmp_path, data, reference) == (
            "FILE: word/document.xml: XML with a document type declaration refused "
            "(Word writes none)"
        )


def test_ratified_instruments(reference: PolicySet) -> None:
    context = ctx(reference)
    cases = {
        # the longer title is matched, the ICCPR's title inside it is not counted again
        "Ratify the Second Optional Protocol to the International Covenant on Civil and "
        "Political Rights (Chad); Ratify the International Covenant on Civil and Political "
        "Rights (Mali)": ("ICCPR-OP2", "ICCPR"),
        "Sign the International Convention for the Protection of All Persons from Enforced "
        "Disappearance (France)": ("CPED",),
        "Ratify the CPED, OP-CAT as well as the Rome Statute (Tunisia)": ("CPED", "OPCAT"),
        "Ratify the Domestic Workers Convention, 2011 (No. 189) (Philippines)": ("ILO-C189",),
        # a possessive names something else; an acronym counts only as printed
        "Take steps towards the ratification of ICCPR\u2019s two optional protocols (Benin)": (),
        "Ratify the icrmw (Chad)": (),
        # no word of ratifying: nothing is linked
        "Implement the Convention on the Rights of the Child (Croatia)": (),
        "Implement the CEDAW (Chad); Ratify the ICRMW (Mali)": ("ICRMW",),
    }
    for text, expected in cases.items():
        assert ratified_instruments(text, context) == expected, text


def test_deep_nesting_refused(tmp_path: Path, reference: PolicySet) -> None:
    body = "<w:p>" * 5000 + "</w:p>" * 5000
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()
    message = error_for(tmp_path, docx({"word/document.xml": xml}), reference)
    # refused by libxml2's depth limit (without huge_tree); the reason in brackets is its
    # own words, which its versions phrase differently
    assert re.fullmatch(r"FILE: word/document\.xml:1: XML is not well-formed \(.+\)", message)
    assert "depth" in message.lower()


def test_source_options(reference: PolicySet) -> None:
    options = {
        **UPR3,
        "authority": "copy",
        "source_url": "https://github.com/frisbiesa/china_upr_v2/blob/"
        "73a29b2b82480786e012a1958ba30ada34a2c0e6/Matrix_recommendations_2018.docx",
        "source_title": "Copy of the UPR matrix for China, cycle 3",
    }
    (source,) = UprMatrixLoader().load(str(M2018), options, ctx(reference)).sources
    assert (source.authority, source.url, source.title) == (
        Authority.COPY,
        options["source_url"],
        "Copy of the UPR matrix for China, cycle 3",
    )
    assert source.publisher == (
        "Office of the United Nations High Commissioner for Human Rights (OHCHR)"
    )
    with pytest.raises(UsageError) as err:
        UprMatrixLoader().load(str(M2018), {**UPR3, "authority": "depositary"}, ctx(reference))
    assert str(err.value) == (
        "loader 'uprmatrix': option authority='depositary' must be one of: official, copy"
    )


def test_recommending_names_in_runs() -> None:
    assert recommending_names(
        "Do A (the Paris Principles) (Niger); Do B (Uruguay) (Mali); Do C; Do (D) now"
    ) == [["the Paris Principles", "Niger"], ["Uruguay", "Mali"]]
    assert recommending_names("Do A (Iran (Islamic Republic of)) (Chad)") == [
        ["Iran (Islamic Republic of)", "Chad"]
    ]
    assert recommending_names("Do A )) (Chad") == []
    assert recommending_names("") == []


# -- fuzzing: whatever the bytes, a result or a LoaderError, nothing else ----------------


def only_loader_errors(data: bytes, reference: PolicySet) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "matrix.docx"
        path.write_bytes(data)
        message = "no error"
        try:
            UprMatrixLoader().load(str(path), UPR3, ctx(reference))
        except GmsPolicyError as exc:
            message = str(exc)
        assert message, "an error with no message"


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.tuples(hostile_texts, hostile_texts, hostile_texts), max_size=6),
)
def test_fuzz_cells(reference: PolicySet, cells: list[tuple[str, str, str]]) -> None:
    rows = [[(h,) for h in HEAD]] + [
        [(f"28.{n} {text}", source), (position,), ("G4 Migrants",)]
        for n, (text, source, position) in enumerate(cells, start=1)
    ]
    only_loader_errors(docx({"word/document.xml": document(rows)}), reference)


@settings(max_examples=40, deadline=None)
@given(at=st.integers(0, M2018.stat().st_size - 1), noise=st.binary(min_size=1, max_size=64))
def test_fuzz_real_file_damaged(reference: PolicySet, at: int, noise: bytes) -> None:
    data = M2018.read_bytes()
    only_loader_errors(data[:at] + noise + data[at + len(noise) :], reference)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=512))
def test_fuzz_zip_like_bytes(reference: PolicySet, data: bytes) -> None:
    only_loader_errors(b"PK\x03\x04" + data, reference)


# -- the command line ----------------------------------------------------------------------


def test_cli_load_prints_the_recommendations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "recs.json"
    code = main(
        [
            "load",
            "uprmatrix",
            str(M2018),
            "--opt",
            "review=upr-chn-3",
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    doc = json.loads(out.read_text("utf-8"))
    assert len(doc["recommendations"]) == 346
    assert [r["id"] for r in doc["reviews"]] == ["upr-chn-3"]
    (row,) = [r for r in doc["recommendations"] if r["id"] == "upr-chn-3-28.2"]
    assert row == {
        "id": "upr-chn-3-28.2",
        "review": "upr-chn-3",
        "paragraph": "28.2",
        "text": "Adhere to all human rights instruments to which it is not yet a party, in "
        "particular the Second Optional Protocol to the International Covenant on Civil and "
        "Political Rights, aiming at the abolition of the death penalty, and accede to the "
        "Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or "
        "Degrading Treatment or Punishment and the International Convention on the Protection "
        "of the Rights of All Migrant Workers and Members of Their Families (Honduras)",
        "response": "noted",
        "recommending": ["HND"],
        "tags": row["tags"],
        "instruments": ["ICCPR-OP2", "OPCAT", "ICRMW"],
        "sources": ["uprmatrix-upr-chn-3"],
        "note": SOURCE_2018,
    }
    assert "ratification" in row["tags"]


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "matrix.docx"
    bad.write_bytes(b"not a zip")
    assert main(["load", "uprmatrix", str(bad), "--opt", "review=upr-chn-3"]) == 1
    assert capsys.readouterr().err == f"{bad}: not a Word .docx file (not a zip archive)\n"
    assert main(["load", "uprmatrix", str(M2018)]) == 2
    assert capsys.readouterr().err == (
        "error: loader 'uprmatrix': give --opt review=ID, the UPR review the matrix is for "
        "(e.g. upr-chn-3)\n"
    )


def test_cli_fetch_says_recommendations_are_not_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    code = main(
        [
            "fetch",
            "uprmatrix",
            str(M2018),
            "--opt",
            "review=upr-chn-3",
            "--into",
            str(data),
            "--dry-run",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (
        "note: 346 UPR recommendations were read but not merged: fetch merges participations "
        "only; copy them into recommendations/*.yaml (see `gmspolicy load`)"
    ) in err.splitlines()
    assert out.splitlines()[-1] == (
        "0 new facts, 0 already in the dataset, 0 conflicts; dry run: nothing written"
    )
