"""PolicySet validation reports every problem at once, with exact messages."""

from __future__ import annotations

import datetime as dt

import pytest

from gmspolicy.dates import PartialDate
from gmspolicy.errors import DataError, UsageError
from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    Body,
    Country,
    DatedFact,
    Event,
    EventSeries,
    Group,
    Instrument,
    InstrumentKind,
    Mou,
    MouKind,
    Participation,
    Source,
    StatusKind,
)
from gmspolicy.query.policyset import PolicySet

D = dt.date
SRC = Source("s", "https://example.org", "T", "P", D(2024, 1, 1), authority=Authority.OFFICIAL)
THA = Country("THA", "TH", "764", "Thailand", groups=(Group.GMS,), sources=("s",))
LAO = Country(
    "LAO",
    "LA",
    "418",
    "Lao People's Democratic Republic",
    names=("Laos",),
    groups=(Group.GMS,),
    sources=("s",),
)
CONV = Instrument(
    "CONV",
    Body.UN,
    InstrumentKind.CONVENTION,
    "Conv",
    "Conv",
    adopted=D(1990, 1, 1),
    sources=("s",),
    tags=("migration",),
)
PROT = Instrument(
    "PROT",
    Body.UN,
    InstrumentKind.PROTOCOL,
    "Prot",
    "Prot",
    adopted=D(2000, 1, 1),
    parent="CONV",
    requires_parent=True,
    sources=("s",),
)


def act(kind: ActionKind, date: dt.date) -> Action:
    return Action(kind, date, ("s",))


def build(**kw: object) -> PolicySet:
    args: dict[str, object] = {
        "countries": [THA, LAO],
        "instruments": [CONV, PROT],
        "sources": [SRC],
        "today": D(2024, 6, 1),
    }
    args.update(kw)
    return PolicySet.build(**args)  # type: ignore[arg-type]


def messages(**kw: object) -> list[str]:
    with pytest.raises(DataError) as info:
        build(**kw)
    return [p.message for p in info.value.problems]


def test_valid_set_and_queries() -> None:
    p = Participation("THA", "CONV", [act(ActionKind.RATIFICATION, D(2005, 1, 1))])
    pset = build(participations=[p])
    assert pset.status("THA", "CONV").kind is StatusKind.PARTY
    assert pset.status("LAO", "CONV").kind is StatusKind.UNKNOWN
    m = pset.matrix(as_of=D(2000, 1, 1))
    # A UN ratification recorded without its signature: before it, unknown (the
    # signature may be missing from the record).
    assert m.cell("THA", "CONV").status.kind is StatusKind.UNKNOWN
    assert m.coverage() == (0, 4)
    assert pset.matrix(as_of=D(2006, 1, 1)).coverage() == (1, 4)
    assert pset.resolve_country("laos") == "LAO"
    assert pset.resolve_country("Lao People's Democratic Republic") == "LAO"
    assert [c.code for c in pset.select_countries(group=Group.GMS)] == ["LAO", "THA"]
    assert pset.select_instruments(tag="migration") == (CONV,)
    assert pset.participations_for(tag="migration") == (p,)


def test_unknown_codes_in_queries_are_usage_errors() -> None:
    pset = build()
    with pytest.raises(UsageError, match="unknown country 'XXX'"):
        pset.status("XXX", "CONV")
    with pytest.raises(UsageError, match="unknown instrument 'ILO-C999'"):
        pset.status("THA", "ILO-C999")


def test_every_problem_is_reported_at_once() -> None:
    parts = [
        Participation("XXX", "CONV", [act(ActionKind.RATIFICATION, D(2005, 1, 1))]),
        Participation("THA", "ILO-C999", [act(ActionKind.RATIFICATION, D(2005, 1, 1))]),
        Participation(
            "LAO",
            "CONV",
            [
                act(ActionKind.RATIFICATION, D(2005, 1, 1)),
                act(ActionKind.SIGNATURE, D(2006, 1, 1)),
            ],
        ),
        Participation("THA", "CONV", [act(ActionKind.RATIFICATION, D(1980, 1, 1))]),
    ]
    mous = [
        Mou("M1", ("THA", "LAO"), MouKind.EMPLOYMENT, "MOU", supersedes=("M0",), sources=("s",))
    ]
    events = [
        Event(
            "E1",
            EventSeries.AFML,
            "Forum",
            PartialDate(2010, 5, 2),
            end=PartialDate(2010, 5, 1),
            sources=("s",),
        )
    ]
    got = messages(participations=parts, mous=mous, events=events)
    assert set(got) == {
        "unknown country 'XXX'",
        "unknown instrument 'ILO-C999'",
        "signature of CONV by LAO on 2006-01-01 comes after its consent to be bound",
        "ratification on 1980-01-01 is before CONV was adopted (1990-01-01)",
        "MOU M1 supersedes unknown MOU 'M0'",
        "event E1 ends (2010-05-01) before it starts (2010-05-02)",
    }


def test_duplicates() -> None:
    got = messages(countries=[THA, THA, LAO])
    assert got == ["duplicate country 'THA'"]


def test_protocol_needs_parent_where_required() -> None:
    parts = [
        Participation("THA", "CONV", [act(ActionKind.SIGNATURE, D(2001, 1, 1))]),
        Participation("THA", "PROT", [act(ActionKind.RATIFICATION, D(2002, 1, 1))]),
    ]
    assert messages(participations=parts) == [
        "THA became party to PROT on 2002-01-01 without being party to CONV"
    ]


def test_protocol_same_day_as_parent_is_fine() -> None:
    parts = [
        Participation("THA", "CONV", [act(ActionKind.RATIFICATION, D(2002, 1, 1))]),
        Participation("THA", "PROT", [act(ActionKind.RATIFICATION, D(2002, 1, 1))]),
    ]
    assert build(participations=parts).status("THA", "PROT").kind is StatusKind.PARTY


def test_dates_after_source_seen_and_in_future() -> None:
    parts = [Participation("THA", "CONV", [act(ActionKind.RATIFICATION, D(2024, 3, 1))])]
    assert messages(participations=parts) == [
        "ratification date 2024-03-01 is after source 's' was seen (2024-01-01)"
    ]
    future = [Participation("THA", "CONV", [act(ActionKind.RATIFICATION, D(2030, 3, 1))])]
    assert "ratification date 2030-03-01 is in the future" in messages(participations=future)


def test_no_action_contradicted_by_earlier_action() -> None:
    parts = [
        Participation(
            "THA",
            "CONV",
            [act(ActionKind.RATIFICATION, D(2005, 1, 1))],
            no_action=DatedFact(D(2010, 1, 1), ("s",)),
        )
    ]
    assert messages(participations=parts) == [
        "no_action as of 2010-01-01 contradicts the ratification on 2005-01-01"
    ]


def test_facts_need_known_sources() -> None:
    parts = [
        Participation("THA", "CONV", [Action(ActionKind.RATIFICATION, D(2005, 1, 1), ())]),
        Participation("LAO", "CONV", [Action(ActionKind.RATIFICATION, D(2005, 1, 1), ("nope",))]),
    ]
    assert set(messages(participations=parts)) == {
        "ratification of CONV by THA cites no source",
        "unknown source 'nope'",
    }


def test_diff_lists_new_actions_and_corrections() -> None:
    old = build(
        participations=[
            Participation("THA", "CONV", [act(ActionKind.SIGNATURE, D(2001, 1, 1))]),
            Participation("LAO", "CONV", [act(ActionKind.ACCESSION, D(2003, 1, 1))]),
        ]
    )
    new = build(
        participations=[
            Participation(
                "THA",
                "CONV",
                [
                    act(ActionKind.SIGNATURE, D(2001, 1, 1)),
                    act(ActionKind.RATIFICATION, D(2005, 1, 1)),
                ],
            ),
            Participation("LAO", "CONV", [act(ActionKind.ACCESSION, D(2003, 1, 2))]),
        ]
    )
    assert [c.description for c in old.diff(new)] == [
        "LAO x CONV: accession corrected from 2003-01-01 to 2003-01-02",
        "THA x CONV: ratified on 2005-01-01",
    ]
    assert old.diff(old) == ()


def test_signature_within_the_year_of_a_year_only_ratification_is_in_order() -> None:
    from gmspolicy.dates import PartialDate

    parts = [
        Participation(
            "THA",
            "CONV",
            [
                act(ActionKind.SIGNATURE, D(1990, 1, 26)),
                Action(ActionKind.RATIFICATION, PartialDate(1990), ("s",)),
            ],
        )
    ]
    pset = build(participations=parts)
    status = pset.status("THA", "CONV")
    assert (status.kind, str(status.date), str(status.signed)) == (
        StatusKind.PARTY,
        "1990",
        "1990-01-26",
    )
    late = [
        Participation(
            "THA",
            "CONV",
            [
                act(ActionKind.SIGNATURE, D(1991, 1, 26)),
                Action(ActionKind.RATIFICATION, PartialDate(1990), ("s",)),
            ],
        )
    ]
    assert messages(participations=late) == [
        "signature of CONV by THA on 1991-01-26 comes after its consent to be bound"
    ]


def test_review_checks_on_facts() -> None:
    ilo = Instrument(
        "ILO-C029",
        Body.ILO,
        InstrumentKind.CONVENTION,
        "C29",
        "C29",
        adopted=D(1930, 6, 28),
        entry_into_force=D(1932, 5, 1),
        sources=("s",),
    )
    old = Source(
        "old",
        "https://example.org/old",
        "T",
        "P",
        D(2024, 1, 1),
        as_of=D(2013, 1, 1),
        authority=Authority.OFFICIAL,
    )
    parts = [
        Participation(
            "THA",
            "ILO-C029",
            [
                act(ActionKind.SIGNATURE, D(1960, 1, 1)),
                act(ActionKind.RATIFICATION, D(1969, 2, 26)),
            ],
        ),
        Participation(
            "LAO",
            "ILO-C029",
            [act(ActionKind.RATIFICATION, D(1964, 1, 23))],
            entry_into_force=DatedFact(D(1931, 1, 1), ("s",)),
        ),
        Participation(
            "LAO",
            "CONV",
            no_action=DatedFact(D(2020, 1, 1), ("old",)),
            entry_into_force=DatedFact(D(2019, 1, 1), ("s",)),
        ),
    ]
    assert set(
        messages(participations=parts, instruments=[CONV, PROT, ilo], sources=[SRC, old])
    ) == {
        "signature of ILO-C029 by THA: ILO conventions are not signed, they are ratified",
        "entry_into_force for LAO on 1931-01-01 is before ILO-C029 itself entered into force "
        "(1932-05-01)",
        "entry_into_force on 1931-01-01 is before the ratification on 1964-01-23",
        "entry_into_force on 2019-01-01 contradicts no_action as of 2020-01-01",
        "no_action as of 2020-01-01 is later than its sources are current to (2013-01-01)",
    }


def test_as_of_profiles_leave_out_later_documents() -> None:
    mou = Mou(
        "M1",
        ("THA", "LAO"),
        MouKind.EMPLOYMENT,
        "MOU",
        signed=PartialDate(2002, 10),
        sources=("s",),
    )
    pset = build(mous=[mou])
    assert pset.mous_for("THA") == (mou,)
    assert pset.mous_for("THA", until=D(2002, 10, 15)) == ()
    assert pset.mous_for("THA", until=D(2002, 10, 31)) == (mou,)


def test_diff_reports_fact_changes_alongside_action_changes() -> None:
    s2 = Source(
        "s2", "https://example.org/2", "T2", "P", D(2024, 1, 1), authority=Authority.OFFICIAL
    )
    old = build(
        sources=[SRC, s2],
        participations=[
            Participation(
                "THA",
                "CONV",
                [
                    act(ActionKind.SIGNATURE, D(2001, 1, 1)),
                    act(ActionKind.RATIFICATION, D(2005, 1, 1)),
                ],
                entry_into_force=DatedFact(D(2005, 2, 1), ("s",)),
            ),
        ],
    )
    new = build(
        sources=[SRC, s2],
        participations=[
            Participation(
                "THA",
                "CONV",
                [
                    act(ActionKind.SIGNATURE, D(2001, 1, 2)),
                    Action(ActionKind.RATIFICATION, D(2005, 1, 1), ("s2",)),
                ],
                entry_into_force=DatedFact(D(2005, 2, 2), ("s",)),
            ),
        ],
    )
    assert [c.description for c in old.diff(new)] == [
        "THA x CONV: signature corrected from 2001-01-01 to 2001-01-02",
        "THA x CONV: sources or note of the ratification on 2005-01-01 updated",
        "THA x CONV: entry into force changed from 2005-02-01 to 2005-02-02",
    ]


def test_observations_coverage_names_the_latest_record_and_its_excerpts() -> None:
    from gmspolicy.models import Excerpt, Observation, ObservationBody, ObservationKind
    from gmspolicy.query.coverage import observations_report

    cedaw = Instrument("CEDAW", Body.UN, InstrumentKind.CONVENTION, "C", "C", sources=("s",))
    crc = Instrument("CRC", Body.UN, InstrumentKind.CONVENTION, "R", "R", sources=("s",))
    icrmw = Instrument("ICRMW", Body.UN, InstrumentKind.CONVENTION, "M", "M", sources=("s",))

    def co(ident: str, year: int, excerpts: int) -> Observation:
        return Observation(
            ident,
            ObservationBody.CEDAW,
            ObservationKind.CONCLUDING_OBSERVATIONS,
            "THA",
            "https://example.org/" + ident,
            instrument="CEDAW",
            adopted_year=year,
            excerpts=tuple(Excerpt(str(n), "text") for n in range(excerpts)),
            sources=("s",),
        )

    pset = build(
        instruments=[cedaw, crc, icrmw],
        participations=[
            Participation("THA", "CEDAW", [act(ActionKind.ACCESSION, D(1985, 8, 9))]),
            Participation("LAO", "CEDAW", [act(ActionKind.RATIFICATION, D(1981, 8, 14))]),
            Participation("THA", "ICRMW", no_action=DatedFact(D(2020, 1, 1), ("s",))),
        ],
        observations=[co("old", 2017, 0), co("new", 2023, 3)],
    )
    lines = observations_report(pset, [pset.country("THA"), pset.country("LAO")])
    table = lines[lines.index("| Instrument | THA | LAO |") :]
    assert table[2:5] == [
        "| CEDAW | 2023 CO (3 quoted) | *none held* |",
        "| CRC | *none held* (status unknown) | *none held* (status unknown) |",
        "| ICRMW | not party | *none held* (status unknown) |",
    ]
    assert lines[-1] == (
        "Records held on these instruments: **2**, of which **1** quote migrant-relevant excerpts."
    )
