"""The bundled dataset: valid, every record sourced, codes agree with ISO 3166."""

from __future__ import annotations

import pycountry
import pytest

from gmspolicy.dataset import load_dataset
from gmspolicy.models import Group
from gmspolicy.query.policyset import PolicySet

GMS = {"KHM", "CHN", "LAO", "MMR", "THA", "VNM"}
ASEAN_OTHERS = {"BRN", "IDN", "MYS", "PHL", "SGP", "TLS"}


@pytest.fixture(scope="module")
def pset() -> PolicySet:
    return load_dataset()


def test_region_is_complete(pset: PolicySet) -> None:
    assert {c.code for c in pset.countries if c.in_group(Group.GMS)} == GMS
    assert {c.code for c in pset.countries if c.in_group(Group.ASEAN)} == (
        GMS - {"CHN"} | ASEAN_OTHERS
    )
    assert pset.country("CHN").subdivisions == ("Yunnan", "Guangxi")


def test_codes_agree_with_iso_3166(pset: PolicySet) -> None:
    for c in pset.countries:
        iso = pycountry.countries.get(alpha_3=c.code)
        assert iso is not None, c.code
        assert iso.alpha_2 == c.alpha2, c.code
        assert iso.numeric == c.m49, c.code


def test_name_variants_resolve(pset: PolicySet) -> None:
    for name, code in [
        ("Lao People's Democratic Republic", "LAO"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Burma", "MMR"),
        ("Lao PDR", "LAO"),
        ("Brunei", "BRN"),
        ("East Timor", "TLS"),
    ]:
        assert pset.resolve_country(name) == code


def test_every_record_cites_a_known_source(pset: PolicySet) -> None:
    records = [*pset.countries, *pset.instruments, *pset.mous, *pset.events, *pset.observations]
    for rec in records:
        assert rec.sources, rec
        assert all(pset.has_source(s) for s in rec.sources), rec
    for part in pset.participations:
        for action in part.actions:
            assert action.sources, part.key
        assert part.sources, part.key


def test_every_bundled_source_is_cited(pset: PolicySet) -> None:
    """A source no record cites is dead weight in every footnote list and in the feed."""
    records = [*pset.countries, *pset.instruments, *pset.mous, *pset.events, *pset.observations]
    cited = {s for rec in records for s in rec.sources}
    cited |= {s for part in pset.participations for s in part.sources}
    cited |= {s for r in pset.review_records for s in r.all_sources}
    cited |= {s for r in [*pset.recommendations, *pset.reporting] for s in r.sources}
    assert [s.id for s in pset.sources if s.id not in cited] == []


def test_no_action_is_dated_after_its_source_was_seen(pset: PolicySet) -> None:
    for part in pset.participations:
        facts = [(a.date.earliest(), a.sources) for a in part.actions]
        if part.no_action:
            facts.append((part.no_action.date, part.no_action.sources))
        for date, sources in facts:
            for sid in sources:
                assert date <= pset.source(sid).seen, (part.key, sid)


def test_every_no_action_carries_its_as_of_date(pset: PolicySet) -> None:
    for part in pset.participations:
        if part.no_action is not None:
            assert part.no_action.date is not None
            status = part.status()
            if not part.actions:
                assert status.date is not None
                assert status.date.to_date() == part.no_action.date


def test_required_instruments_are_present(pset: PolicySet) -> None:
    required = (
        "ICERD ICCPR ICCPR-OP1 ICCPR-OP2 ICESCR ICESCR-OP CEDAW CEDAW-OP CAT OPCAT CRC "
        "CRC-OPAC CRC-OPSC CRC-OPIC ICRMW CRPD CRPD-OP CPED REFUGEE-1951 REFUGEE-1967 "
        "STATELESS-1954 STATELESS-1961 UNTOC UNTOC-TIP UNTOC-SOM ILO-C029 ILO-P029 ILO-C087 "
        "ILO-C098 ILO-C100 ILO-C105 ILO-C111 ILO-C138 ILO-C182 ILO-C155 ILO-C187 ILO-C097 "
        "ILO-C143 ILO-C181 ILO-C188 ILO-C189 ILO-C190 ILO-C019 ILO-C102 ILO-C118 "
        "ASEAN-DMW-2007 ACTIP ASEAN-CMW-2017"
    ).split()
    for ident in required:
        inst = pset.instrument(ident)
        assert inst.title and inst.short_name and inst.sources, ident
    fundamental = {i.id for i in pset.instruments if "fundamental" in i.tags}
    assert fundamental == {
        "ILO-C029",
        "ILO-P029",
        "ILO-C087",
        "ILO-C098",
        "ILO-C100",
        "ILO-C105",
        "ILO-C111",
        "ILO-C138",
        "ILO-C182",
        "ILO-C155",
        "ILO-C187",
    }


def test_protocols_know_their_parent(pset: PolicySet) -> None:
    for inst in pset.instruments:
        if inst.kind.value == "protocol":
            assert inst.parent is not None and pset.has_instrument(inst.parent), inst.id


def test_seed_moment_table_builds(pset: PolicySet) -> None:
    import datetime as dt

    m = pset.matrix(as_of=dt.date(2014, 12, 31))
    # Thailand ratified C155 in 2025: as of the seed report's moment it had not.
    assert m.cell("THA", "ILO-C155").status.kind.value in ("no_action", "unknown")
    assert pset.status("THA", "ILO-C029").kind.value == "party"


def test_docs_data_coverage_is_current(pset: PolicySet) -> None:
    from pathlib import Path

    from gmspolicy.query.coverage import report, update_page

    page = Path(__file__).resolve().parents[1] / "docs" / "data.md"
    if not page.exists():
        pytest.skip("docs/data.md is not in this checkout (installed-package run)")
    text = page.read_text(encoding="utf-8")
    assert update_page(text, report(pset)) == text, (
        "docs/data.md is out of date: run `gmspolicy coverage --update docs/data.md`"
    )
