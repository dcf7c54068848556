"""Status is derived from actions: the cases advocates rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    DatedFact,
    Participation,
    Status,
    StatusKind,
)

D = dt.date


def part(*actions: tuple[ActionKind, dt.date], no_action: dt.date | None = None) -> Participation:
    return Participation(
        "THA",
        "CONV",
        actions=[Action(k, d, ("s",)) for k, d in actions],
        no_action=DatedFact(no_action, ("s",)) if no_action else None,
    )


def test_signature_then_ratification() -> None:
    p = part((ActionKind.SIGNATURE, D(2001, 1, 1)), (ActionKind.RATIFICATION, D(2005, 5, 5)))
    assert p.status() == Status(
        StatusKind.PARTY, via=ActionKind.RATIFICATION, date=D(2005, 5, 5), signed=D(2001, 1, 1)
    )
    assert p.status(D(2003, 1, 1)) == Status(
        StatusKind.SIGNATORY, date=D(2001, 1, 1), signed=D(2001, 1, 1)
    )


def test_accession_without_signature() -> None:
    p = part((ActionKind.ACCESSION, D(1999, 9, 5)))
    status = p.status()
    assert status.kind is StatusKind.PARTY
    assert status.via is ActionKind.ACCESSION
    assert status.signed is None


def test_succession_is_told_from_ratification() -> None:
    assert part((ActionKind.SUCCESSION, D(1993, 1, 1))).status().via is ActionKind.SUCCESSION


def test_ratification_then_denunciation() -> None:
    p = part((ActionKind.RATIFICATION, D(1960, 1, 1)), (ActionKind.DENUNCIATION, D(1990, 1, 1)))
    assert p.status() == Status(StatusKind.DENOUNCED, date=D(1990, 1, 1))
    assert p.status(D(1989, 12, 31)).kind is StatusKind.PARTY


def test_withdrawn_ratification_keeps_its_signature() -> None:
    p = part(
        (ActionKind.SIGNATURE, D(1998, 7, 17)),
        (ActionKind.RATIFICATION, D(2002, 1, 1)),
        (ActionKind.WITHDRAWAL, D(2019, 3, 17)),
    )
    assert p.status() == Status(StatusKind.WITHDRAWN, date=D(2019, 3, 17), signed=D(1998, 7, 17))


def test_as_of_before_any_action_is_no_action_as_of_that_date() -> None:
    p = part((ActionKind.SIGNATURE, D(2001, 1, 1)), (ActionKind.RATIFICATION, D(2005, 5, 5)))
    assert p.status(D(2000, 1, 1)) == Status(StatusKind.NO_ACTION, date=D(2000, 1, 1))


def test_nothing_recorded_is_unknown_not_no_action() -> None:
    assert Participation("THA", "CONV").status() == Status(StatusKind.UNKNOWN)
    assert Participation("THA", "CONV").status(D(2000, 1, 1)).kind is StatusKind.UNKNOWN


def test_confirmed_no_action_carries_its_date() -> None:
    p = part(no_action=D(2020, 1, 1))
    assert p.status() == Status(StatusKind.NO_ACTION, date=D(2020, 1, 1))
    # Before the confirmation date, no action is implied as of the date asked.
    assert p.status(D(2010, 1, 1)) == Status(StatusKind.NO_ACTION, date=D(2010, 1, 1))


def test_no_action_then_later_ratification() -> None:
    p = part((ActionKind.RATIFICATION, D(2025, 6, 10)), no_action=D(2018, 6, 4))
    assert p.status(D(2020, 1, 1)) == Status(StatusKind.NO_ACTION, date=D(2018, 6, 4))
    assert p.status().kind is StatusKind.PARTY


def test_reratification_after_denunciation() -> None:
    p = part(
        (ActionKind.RATIFICATION, D(1960, 1, 1)),
        (ActionKind.DENUNCIATION, D(1970, 1, 1)),
        (ActionKind.ACCESSION, D(1980, 1, 1)),
    )
    assert p.status().via is ActionKind.ACCESSION


def test_entry_into_force_only_once_reached() -> None:
    p = Participation(
        "THA",
        "CONV",
        actions=[Action(ActionKind.RATIFICATION, D(2019, 1, 30), ("s",))],
        entry_into_force=DatedFact(D(2020, 1, 30), ("s",)),
    )
    assert p.status().in_force == D(2020, 1, 30)
    assert p.status(D(2019, 6, 1)).in_force is None


def test_ratification_without_recorded_signature_leaves_earlier_time_unknown() -> None:
    # A UN treaty: the signature that must precede a ratification may be missing.
    p = part((ActionKind.RATIFICATION, D(2005, 5, 5)))
    assert p.status(D(2000, 1, 1)).kind is StatusKind.UNKNOWN
    # Where states do not sign (ILO conventions), nothing can precede the ratification.
    assert p.status(D(2000, 1, 1), signature_step=False) == Status(
        StatusKind.NO_ACTION, date=D(2000, 1, 1)
    )


def test_signature_or_accession_first_means_no_action_before() -> None:
    assert part((ActionKind.ACCESSION, D(1999, 9, 5))).status(D(1990, 1, 1)) == Status(
        StatusKind.NO_ACTION, date=D(1990, 1, 1)
    )


def test_year_precision_is_kept_and_uncertain_inside_the_year() -> None:
    from gmspolicy.dates import DatePrecision, PartialDate

    p = Participation(
        "KHM",
        "ILO-C029",
        actions=[Action(ActionKind.RATIFICATION, PartialDate(1969), ("s",))],
    )
    status = p.status()
    assert status.date is not None
    assert (status.kind, str(status.date), status.date.precision) == (
        StatusKind.PARTY,
        "1969",
        DatePrecision.YEAR,
    )
    assert p.status(D(1970, 1, 1)).kind is StatusKind.PARTY
    # Inside 1969 the ratification may or may not have happened yet.
    assert p.status(D(1969, 6, 30)).kind is StatusKind.UNKNOWN
    assert p.status(D(1968, 6, 30), signature_step=False).kind is StatusKind.NO_ACTION


def test_entry_into_force_alone_means_party() -> None:
    p = Participation(
        "VNM",
        "CAT",
        actions=[Action(ActionKind.SIGNATURE, D(2013, 11, 7), ("s",))],
        entry_into_force=DatedFact(D(2015, 3, 7), ("s",)),
    )
    assert p.status() == Status(StatusKind.PARTY, signed=D(2013, 11, 7), in_force=D(2015, 3, 7))
    assert p.status(D(2014, 1, 1)).kind is StatusKind.SIGNATORY
    alone = Participation("TLS", "CRPD", entry_into_force=DatedFact(D(2023, 1, 17), ("s",)))
    assert alone.status() == Status(StatusKind.PARTY, in_force=D(2023, 1, 17))
    assert alone.status(D(2020, 1, 1)).kind is StatusKind.UNKNOWN


def test_a_year_only_exit_in_the_year_of_a_dated_consent_comes_after_it() -> None:
    import datetime as dt

    from gmspolicy.dates import PartialDate
    from gmspolicy.models import Action, ActionKind, Participation, StatusKind

    ratified = Action(ActionKind.RATIFICATION, dt.date(1999, 3, 1), ("s",))
    denounced = Action(ActionKind.DENUNCIATION, PartialDate(1999), ("s",))
    part = Participation("THA", "ILO-C105", [denounced, ratified])
    assert part.actions == (ratified, denounced)
    assert part.status().kind is StatusKind.DENOUNCED
    assert part.status(dt.date(2000, 1, 1)).kind is StatusKind.DENOUNCED
    assert part.status(dt.date(1999, 6, 1), signature_step=False).kind is StatusKind.UNKNOWN
    # and a signature known only to the year stays before a consent dated in that year
    signed = Action(ActionKind.SIGNATURE, PartialDate(1999), ("s",))
    later = Action(ActionKind.SIGNATURE, PartialDate(2001), ("s",))
    assert Participation("THA", "X", [ratified, signed]).actions == (signed, ratified)
    assert Participation("THA", "X", [later, ratified]).actions == (ratified, later)


def test_partial_dates_follow_the_standing_whatever_the_input_order() -> None:
    import datetime as dt
    import itertools

    from gmspolicy.dates import PartialDate
    from gmspolicy.models import Action, ActionKind, Participation, StatusKind

    def act(kind: ActionKind, date: dt.date | PartialDate) -> Action:
        return Action(kind, date, ("s",))

    # ratified 1998, denounced in 1999 (year only), acceded again on 1999-03-01: party
    history = [
        act(ActionKind.RATIFICATION, dt.date(1998, 5, 1)),
        act(ActionKind.DENUNCIATION, PartialDate(1999)),
        act(ActionKind.ACCESSION, dt.date(1999, 3, 1)),
    ]
    for order in itertools.permutations(history):
        part = Participation("THA", "X", list(order))
        assert part.actions == tuple(history)
        assert part.status().kind is StatusKind.PARTY


def test_one_event_recorded_twice_at_two_precisions_is_a_duplicate() -> None:
    import datetime as dt

    from gmspolicy.dates import PartialDate
    from gmspolicy.errors import DataError
    from gmspolicy.models import (
        Action,
        ActionKind,
        Body,
        Country,
        Instrument,
        InstrumentKind,
        Participation,
        Source,
    )
    from gmspolicy.query.policyset import PolicySet

    def act(kind: ActionKind, date: dt.date | PartialDate) -> Action:
        return Action(kind, date, ("s",))

    part = Participation(
        "THA",
        "X",
        [
            act(ActionKind.RATIFICATION, dt.date(1990, 1, 1)),
            act(ActionKind.DENUNCIATION, PartialDate(1999, 1)),
            act(ActionKind.RATIFICATION, dt.date(1999, 6, 1)),
            act(ActionKind.DENUNCIATION, PartialDate(1999)),
        ],
    )
    with pytest.raises(DataError) as info:
        PolicySet.build(
            countries=[Country("THA", "TH", "764", "Thailand", sources=("s",))],
            instruments=[
                Instrument("X", Body.ILO, InstrumentKind.CONVENTION, "X", "X", sources=("s",))
            ],
            participations=[part],
            sources=[
                Source(
                    "s",
                    "https://example.org",
                    "T",
                    "P",
                    dt.date(2024, 1, 1),
                    authority=Authority.OFFICIAL,
                )
            ],
        )
    assert "duplicate denunciation of X by THA on 1999" in [p.message for p in info.value.problems]
