"""The SQLite export served by Datasette on 127.0.0.1, with the metadata gmspolicy writes
next to it, queried through Datasette's JSON API: the ``cells`` view holds what a table
shows for every cell, references show short names, tables and columns are described."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import gmspolicy
from gmspolicy.cli import main
from gmspolicy.exporters.sqlite import TABLES, datasette_metadata
from gmspolicy.i18n import Labels
from gmspolicy.models import Group
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import status_text

pytest.importorskip("datasette", reason="datasette is not installed (pip install -e '.[test]')")
DATASETTE = shutil.which("datasette", path=str(Path(sys.executable).parent))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return gmspolicy.load_dataset()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``gmspolicy export --format sqlite -o gms.db`` (writes gms.db and gms.metadata.json)."""
    folder = tmp_path_factory.mktemp("datasette")
    assert main(["export", "--format", "sqlite", "-o", str(folder / "gms.db")]) == 0
    return folder / "gms.db"


@pytest.fixture(scope="module")
def server(exported: Path) -> Iterator[str]:
    if DATASETTE is None:
        pytest.skip("the datasette command is not installed next to this Python")
    port = _free_port()
    proc = subprocess.Popen(
        [
            DATASETTE,
            "serve",
            str(exported),
            "-m",
            str(exported.with_name("gms.metadata.json")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # wait for it to listen (not a timing assertion)
            if proc.poll() is not None:
                assert proc.stderr is not None
                pytest.fail(f"datasette exited: {proc.stderr.read().decode()}")
            try:
                requests.get(f"{base}/-/versions.json", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def get(base: str, path: str, **params: str) -> Any:
    response = requests.get(base + path, params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_metadata_file_written_next_to_the_database(exported: Path, bundled: PolicySet) -> None:
    meta = json.loads(exported.with_name("gms.metadata.json").read_text(encoding="utf-8"))
    assert meta == datasette_metadata(bundled, "gms")
    tables = meta["databases"]["gms"]["tables"]
    # every table and the view are described
    assert set(TABLES) | {"cells"} <= set(tables)
    assert all(t["description"] for t in tables.values())


def test_metadata_is_not_written_for_other_formats(tmp_path: Path) -> None:
    assert main(["export", "--format", "json", "-o", str(tmp_path / "gms.json")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gms.json"]


def test_cells_view_matches_the_table(server: str, bundled: PolicySet) -> None:
    count = get(server, "/gms.json", sql="select count(*) as n from cells", _shape="array")
    assert count == [{"n": len(bundled.countries) * len(bundled.instruments)}]
    m = bundled.matrix(group=Group.GMS)
    codes = ",".join(f"'{c.code}'" for c in m.countries)
    rows = get(
        server,
        "/gms.json",
        sql=f"select * from cells where country_code in ({codes})",
        _shape="array",
        _size="max",
    )
    assert len(rows) == len(m.countries) * len(m.instruments) > 0
    labels = Labels("en")
    for row in rows:
        cell = m.cell(row["country_code"], row["instrument_id"])
        inst = bundled.instrument(row["instrument_id"])
        # as the table names them (display names: "Lao PDR")
        assert row["country"] == labels.country_name(bundled.country(row["country_code"]))
        assert row["instrument"] == inst.short_name
        confirmed = bundled.cell_confirmed_as_of(cell, None)
        assert row["status_text"] == status_text(cell.status, confirmed, labels).text
        assert row["status"] == cell.status.kind.value
        assert row["date"] == (str(cell.status.date) if cell.status.date is not None else None)
        ids = cell.source_ids(m.as_of)
        urls = [bundled.source(s).url for s in dict.fromkeys(ids)]
        assert row["source_urls"] == (" ".join(urls) if urls else None)
        titles = [bundled.source(s).title for s in dict.fromkeys(ids)]
        assert row["sources"] == ("; ".join(titles) if titles else None)
        assert "confirmed_as_of" in row  # filled once cells carry it (NULL until then)
    unknown = [r for r in rows if r["status"] == "unknown"]
    assert all(r["status_text"] == "unknown" and r["sources"] is None for r in unknown)


def test_references_show_short_names(server: str, bundled: PolicySet) -> None:
    data = get(
        server,
        "/gms/participations.json",
        _labels="on",
        _shape="array",
        country="THA",
        instrument="ILO-C029",
    )
    assert len(data) == 1
    assert data[0]["instrument"] == {
        "value": "ILO-C029",
        "label": bundled.instrument("ILO-C029").short_name,
    }
    assert data[0]["country"] == {"value": "THA", "label": "Thailand"}
    cited = get(server, "/gms/action_sources.json", _labels="on", _shape="array", _size="1")
    source = bundled.source(cited[0]["source_id"]["value"])
    assert cited[0]["source_id"]["label"] == source.title


def test_metadata_is_served(server: str) -> None:
    meta = get(server, "/-/metadata.json")
    cells = meta["databases"]["gms"]["tables"]["cells"]
    assert cells["title"] == "Ratification table"
    assert 'never "not party"' in cells["description"]
    page = requests.get(f"{server}/gms/cells", timeout=60)
    assert page.status_code == 200
    assert "Ratification table" in page.text
    assert "<dt>instrument</dt><dd>The instrument&#39;s short name (in the language" in page.text
    # the sources table links every source to the page read
    sources = requests.get(f"{server}/gms/sources", params={"_size": "5"}, timeout=60).text
    assert '<a href="https://' in sources or '<a href="http://' in sources


def test_cells_in_another_language(tmp_path: Path, bundled: PolicySet) -> None:
    import sqlite3

    path = tmp_path / "th.db"
    assert main(["export", "--format", "sqlite", "--lang", "th", "-o", str(path)]) == 0
    db = sqlite3.connect(path)
    text, country, instrument = db.execute(
        "select status_text, country, instrument from cells "
        "where country_code = 'THA' and instrument_id = 'ILO-C029'"
    ).fetchone()
    cell = bundled.matrix(["THA"], ["ILO-C029"]).cell("THA", "ILO-C029")
    th = Labels("th")
    confirmed = bundled.cell_confirmed_as_of(cell, None)
    assert text == status_text(cell.status, confirmed, th).text
    assert text != status_text(cell.status, confirmed, Labels("en")).text
    inst = bundled.instrument("ILO-C029")
    assert instrument == th.instrument_name(inst) != inst.short_name
    assert country == th.country_name(bundled.country("THA")) == "ไทย"
