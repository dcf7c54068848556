"""One partial-date type: actions, statuses, MOUs and events all carry a PartialDate, and a
date that contains another is recognised as the same event."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmspolicy.convert import converter, error_messages
from gmspolicy.dataset import load_dataset, load_json_export
from gmspolicy.dates import DatePrecision, PartialDate
from gmspolicy.errors import DataError
from gmspolicy.models import Action, ActionKind, Participation, Status, StatusKind
from gmspolicy.testing import partial_dates

Run = Callable[..., tuple[int, str, str]]


def test_containment_and_overlap() -> None:
    year, month, day = PartialDate(1992), PartialDate(1992, 3), PartialDate(1992, 3, 2)
    assert year.contains(month) and year.contains(day) and month.contains(day)
    assert not day.contains(month) and not month.contains(year)
    assert day.overlaps(year) and year.overlaps(day) and month.overlaps(day)
    assert not PartialDate(1992, 3).overlaps(PartialDate(1992, 4))
    assert not PartialDate(1992).overlaps(PartialDate(1993, 1, 1))
    assert [d.precision for d in (year, month, day)] == [
        DatePrecision.YEAR,
        DatePrecision.MONTH,
        DatePrecision.DAY,
    ]
    assert (str(year), month.isoformat(), str(day)) == ("1992", "1992-03", "1992-03-02")
    assert (PartialDate(2000, 2).earliest(), PartialDate(2000, 2).latest()) == (
        dt.date(2000, 2, 1),
        dt.date(2000, 2, 29),
    )


@given(partial_dates, partial_dates)
def test_overlap_is_containment_either_way(a: PartialDate, b: PartialDate) -> None:
    assert a.overlaps(b) == (a.contains(b) or b.contains(a))
    assert a.contains(a)


def test_actions_and_statuses_carry_partial_dates() -> None:
    action = Action(ActionKind.RATIFICATION, dt.date(1999, 8, 23), ("s",))
    assert action.date == PartialDate(1999, 8, 23)
    year = Action(ActionKind.RATIFICATION, PartialDate(1999), ("s",))
    assert year.same_event(action) and action.same_event(year)
    assert not year.same_event(Action(ActionKind.ACCESSION, PartialDate(1999), ("s",)))
    status = Participation("THA", "X", [year]).status()
    assert status == Status(StatusKind.PARTY, ActionKind.RATIFICATION, PartialDate(1999))
    assert Status(StatusKind.NO_ACTION, date=dt.date(2020, 1, 1)).date == PartialDate(2020, 1, 1)
    with pytest.raises(TypeError):
        PartialDate.of("1999")  # type: ignore[arg-type]


def test_the_feed_writes_an_action_as_first_day_and_precision() -> None:
    action = Action(ActionKind.DENUNCIATION, PartialDate(1999, 8), ("s",), "noted")
    data = converter.unstructure(action)
    assert data == {
        "kind": "denunciation",
        "date": "1999-08",
        "precision": "month",
        "sources": ["s"],
        "note": "noted",
        "research_note": None,
    }
    assert converter.structure(data, Action) == action
    # an older feed without precision: a full date
    full = converter.structure({"kind": "signature", "date": "2001-02-03"}, Action)
    assert full.date == PartialDate(2001, 2, 3)
    with pytest.raises(ValueError, match="first day") as info:
        converter.structure(
            {"kind": "signature", "date": "2001-02-03", "precision": "year"}, Action
        )
    assert error_messages(info.value) == [
        ("$", "date 2001-02-03 with precision year must be the first day of its year (2001-01-01)")
    ]


def test_one_action_at_two_precisions_in_a_dataset_is_a_duplicate(
    make_dataset: Callable[..., Path],
) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,2001-01-01,s1,
        THA,CONV,ratification,2005,s1,Ratification: 2005 (ILO comment page)
        THA,CONV,ratification,2005-05-05,s2,
        LAO,CONV,signature,2003-02,s1,
        LAO,CONV,signature,2003-03-01,s1,
        """
    )
    with pytest.raises(DataError) as info:
        load_dataset(root)
    assert [str(p) for p in info.value.problems] == [
        "data/participations.csv:4: duplicate ratification of CONV by THA on 2005-05-05",
        "data/participations.csv:6: second signature of CONV by LAO on 2003-03-01",
    ]


def test_json_export_round_trips_partial_dates(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_dataset(
        participations_csv="""\
        country,instrument,action,date,source,note
        THA,CONV,signature,2001-03,s1,
        THA,CONV,ratification,2005,s1,
        """
    )
    out = tmp_path / "all.json"
    assert cli("--data", str(root), "export", "--format", "json", "-o", str(out))[0] == 0
    doc = json.loads(out.read_text())
    (part,) = doc["participations"]
    assert [(a["date"], a["precision"]) for a in part["actions"]] == [
        ("2001-03", "month"),
        ("2005", "year"),
    ]
    assert (part["current"]["date"], part["current"]["precision"]) == ("2005", "year")
    assert (part["current"]["signed"], part["current"]["signed_precision"]) == (
        "2001-03",
        "month",
    )
    # never padded to a day anywhere in the feed (issue 17.5)
    assert "2001-03-01" not in out.read_text() and "2005-01-01" not in out.read_text()
    back = load_json_export(out)
    assert back.participations == load_dataset(root).participations


@given(st.lists(partial_dates, min_size=1, max_size=4))
def test_actions_are_ordered_by_period_whatever_the_input_order(
    days: list[PartialDate],
) -> None:
    acts = [Action(ActionKind.SIGNATURE, d, ("s",)) for d in days]
    ordered = Participation("THA", "X", acts).actions
    assert Participation("THA", "X", list(reversed(acts))).actions == ordered
    firsts = [a.date.earliest() for a in ordered]
    assert firsts == sorted(firsts)
