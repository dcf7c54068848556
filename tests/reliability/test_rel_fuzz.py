"""Arbitrary bytes fed to every loader (as a file and as an HTTP body) and to the dataset
reader: the only exceptions allowed are GmsPolicyError subclasses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from reliability_kit import count_example

from gmspolicy.dataset import bundled_data_dir, load_dataset
from gmspolicy.errors import GmsPolicyError
from gmspolicy.loaders import LoadContext
from gmspolicy.plugins import loaders
from gmspolicy.testing import fast_fetcher, small_reference

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()

#: loader -> (a real sample of its input, options, content types to serve it as)
SAMPLES: dict[str, tuple[Path, dict[str, str], list[str]]] = {
    "untc": (
        PLUGINS / "untc/tests/data/iv-13.en.xml",
        {"instrument": "ICRMW"},
        ["text/xml", "text/csv", "text/html", "application/pdf", ""],
    ),
    "ohchr": (
        PLUGINS / "ohchr/tests/data/THA_ratifications.xls",
        {},
        ["application/vnd.ms-excel", "text/html", "application/json", ""],
    ),
    "normlex": (
        PLUGINS / "normlex/tests/data/ratifications-tha.html",
        {},
        ["text/html; charset=utf-8", "text/plain", ""],
    ),
    "csv": (
        PLUGINS / "csvsheet/tests/data/network-sheet.csv",
        {
            "instrument": "Treaty",
            "action": "Status",
            "dayfirst": "yes",
            "source_url": "https://example.org/sheet",
        },
        ["text/csv", "text/html", "application/octet-stream", ""],
    ),
}

#: Examples per property (kept modest: the suite stays fast; the "ci" profile derandomizes).
FILE_EXAMPLES = 60
HTTP_EXAMPLES = 25
DATASET_EXAMPLES = 40

MARKUP = [
    b"<table>",
    b"</table>",
    b"<tr>",
    b"<td>",
    b"<th>",
    b"</td>",
    b"<sup>1</sup>",
    b"<html>",
    b"<title>Ratifications for Thailand</title>",
    b"<!DOCTYPE html>",
    b"<Treaty>",
    b"<Participants>",
    b"<Row>",
    b"<Entry>",
    b"</Entry>",
    b"</Row>",
    b"&amp;",
    b"&#0;",
    b"&#xD800;",
    b"<![CDATA[",
    b"]]>",
    b"<!ENTITY a 'b'>",
    b'"',
    b",",
    b";",
    b"\t",
    b"\r\n",
    b"\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"5 Jun 2007 a",
    b"31 Feb 2007",
    b"29 Feb 1900",
    b"99/99/9999",
    b"0 Jan 0000",
    b"In Force",
    b"Denounced",
    b"P029 ratified on 5 Jun 2007",
    b"C999",
]


def fragments(sample: Path) -> st.SearchStrategy[bytes]:
    """Bytes built from the sample's own lines, markup, and noise: deep enough to reach
    the parsers' inner paths, arbitrary enough to break them."""
    lines = sample.read_bytes().splitlines(keepends=True)[:400]
    piece = st.one_of(
        st.sampled_from(lines),
        st.sampled_from(MARKUP),
        st.binary(max_size=16),
        st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
    return st.one_of(
        st.binary(max_size=512),
        st.lists(piece, max_size=40).map(b"".join),
    )


def expect_only_gmspolicy_errors(call: Any) -> None:
    message = "no error"
    try:
        call()
    except GmsPolicyError as exc:
        message = str(exc)
    assert message, "an error with no message"


def fuzz_file_case(name: str) -> Any:
    sample, options, _ = SAMPLES[name]
    loader = loaders().get(name)

    @settings(max_examples=FILE_EXAMPLES)
    @given(data=fragments(sample))
    def run(tmp_path: Path, data: bytes) -> None:
        count_example(f"loader {name}: arbitrary file bytes")
        path = tmp_path / sample.name
        path.write_bytes(data)
        context = LoadContext(reference=REFERENCE, today=TODAY)
        expect_only_gmspolicy_errors(lambda: loader.load(str(path), options, context))

    return run


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_loader_on_arbitrary_file_bytes(name: str, tmp_path: Path) -> None:
    fuzz_file_case(name)(tmp_path)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_loader_on_arbitrary_http_bodies(name: str, httpserver: HTTPServer) -> None:
    sample, options, types = SAMPLES[name]
    loader = loaders().get(name)
    fetcher = fast_fetcher(retries=0)

    @settings(max_examples=HTTP_EXAMPLES)
    @given(data=fragments(sample), ctype=st.sampled_from(types))
    def run(data: bytes, ctype: str) -> None:
        count_example(f"loader {name}: arbitrary HTTP bodies")
        httpserver.clear()
        httpserver.expect_request(f"/{sample.name}").respond_with_data(
            data, content_type=ctype or None
        )
        context = LoadContext(reference=REFERENCE, fetcher=fetcher, today=TODAY)
        url = httpserver.url_for(f"/{sample.name}")
        expect_only_gmspolicy_errors(lambda: loader.load(url, options, context))

    try:
        run()
    finally:
        fetcher.close()


DATASET_FILES = [
    "participations.csv",
    "countries.yaml",
    "instruments.yaml",
    "sources.yaml",
    "events.yaml",
    "mous.yaml",
    "observations.yaml",
]


def dataset_sample(name: str) -> Path:
    bundled = bundled_data_dir()
    single = bundled / name
    if single.is_file():
        return single
    stem, _, suffix = name.partition(".")
    return sorted((bundled / stem).glob(f"*.{suffix}"))[0]


@pytest.mark.parametrize("name", DATASET_FILES)
def test_dataset_reader_on_arbitrary_bytes(name: str, make_dataset: Any, tmp_path: Path) -> None:
    root: Path = make_dataset()
    sample = dataset_sample(name)

    @settings(max_examples=DATASET_EXAMPLES)
    @given(data=fragments(sample))
    def run(data: bytes) -> None:
        count_example(f"dataset reader: arbitrary {name}")
        (root / name).write_bytes(data)
        expect_only_gmspolicy_errors(lambda: load_dataset(root))

    run()
