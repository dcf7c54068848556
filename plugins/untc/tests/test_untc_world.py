"""A full depositary table loads against the bundled reference without ``unknown=skip``:
every UN member and observer state and the other states the UN Treaty Collection lists are
reference countries, under the names (and footnote marks) the depositary uses."""

from __future__ import annotations

import datetime as dt

from gmspolicy_untc import UntcLoader
from pytest_httpserver import HTTPServer

from gmspolicy import load_dataset
from gmspolicy.loaders import LoadContext
from gmspolicy.testing import fast_fetcher

#: Participant names as the UN Treaty Collection writes them, footnote marks included.
DEPOSITARY_NAMES = [
    "Bolivia (Plurinational State of)",
    "Türkiye",
    "Montenegro<sup>5</sup>",
    "Holy See",
    "State of Palestine",
    "Cook Islands",
    "Niue",
    "Netherlands (Kingdom of the)<sup>3</sup>",
    "United Kingdom of Great Britain and Northern Ireland<sup>7, 8</sup>",
    "Czechia",
    "Serbia<sup>4</sup>",
    "Côte d'Ivoire",
    "Eswatini",
    "North Macedonia<sup>2</sup>",
    "Micronesia (Federated States of)",
    "Democratic People's Republic of Korea",
    "Republic of Korea",
    "Iran (Islamic Republic of)",
    "Venezuela (Bolivarian Republic of)",
    "China<sup>9,10</sup>",
    "Sao Tome and Principe",
    "Saint Vincent and the Grenadines",
    "United States of America",
    "Russian Federation",
    "Syrian Arab Republic",
    "Lao People's Democratic Republic",
    "Viet Nam",
    "Democratic Republic of the Congo",
    "Congo",
    "United Republic of Tanzania",
    "Republic of Moldova",
    "Gambia",
    "Bahamas",
    "Cabo Verde",
    "Timor-Leste",
    "Brunei Darussalam",
    "Guinea-Bissau",
    "Kyrgyzstan",
    "Saint Kitts and Nevis",
    "Germany<sup>2, 3</sup>",
    "Libya",
    "South Sudan",
    "Tuvalu",
]


def test_every_state_of_a_full_table_is_a_reference_country(httpserver: HTTPServer) -> None:
    rows = (
        "".join(
            f"<tr><td>{name}</td><td></td><td>{day} Jan 2010 a</td></tr>"
            for day, name in enumerate(DEPOSITARY_NAMES, start=1)
            if day <= 28
        )
        + "".join(
            f"<tr><td>{name}</td><td></td><td>1 Feb 2010 a</td></tr>"
            for name in DEPOSITARY_NAMES[28:]
        )
        + "<tr><td>European Union<sup>11</sup></td><td>12 Dec 2000</td><td>21 May 2004 AA</td></tr>"
    )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>UNTC</title></head><body>"
        "<h3>12. a Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially "
        "Women and Children</h3><p>Status as at : 10-01-2025 09:15:02 EDT</p>"
        "<table><tr><th>Participant</th><th>Signature</th>"
        "<th>Ratification, Acceptance(A), Approval(AA), Accession(a)</th></tr>"
        f"{rows}</table></body></html>"
    )
    httpserver.expect_request("/status").respond_with_data(page, content_type="text/html")
    context = LoadContext(
        reference=load_dataset(), fetcher=fast_fetcher(), today=dt.date(2025, 1, 15)
    )
    result = UntcLoader().load(httpserver.url_for("/status"), {"instrument": "UNTOC-TIP"}, context)
    countries = {p.country for p in result.participations}
    assert len(countries) == len(DEPOSITARY_NAMES)
    assert {"BOL", "TUR", "MNE", "VAT", "PSE", "COK", "NIU", "NLD", "GBR"} <= countries
    assert result.warnings == (
        f"{httpserver.url_for('/status')}: left out participant 'European Union' "
        "(an organisation, not a state)",
    )


def test_reference_counts() -> None:
    pset = load_dataset()
    assert len(pset.countries) >= 197  # 193 UN members, 2 observers, Cook Islands, Niue
    # Tables still default to the region.
    assert [c.code for c in pset.select_countries(())] == ["CHN", "KHM", "LAO", "MMR", "THA", "VNM"]
