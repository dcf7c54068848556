"""The rows the list views and profiles give (an MOU, an event, an observation, a
participation, an instrument in a profile, with the names a reader sees). See
:mod:`gmspolicy.query.views`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gmspolicy.models import (
    Action,
    Country,
    Event,
    Instrument,
    Mou,
    Observation,
    Participation,
    Reservation,
    Status,
)
from gmspolicy.query.policyset import LatestFacts

if TYPE_CHECKING:
    from gmspolicy.query.views.cells import StatusCell


@attrs.frozen
class HistoryEntry:
    """One action in a profile's history, with its text (``1999-02-08 ratification``)."""

    action: Action
    text: str


@attrs.frozen
class ProfileRow:
    """One instrument in a country profile: the cell, its history and reservations (up to
    the profile's date)."""

    instrument: Instrument
    cell: StatusCell
    actions: tuple[Action, ...]
    history: tuple[HistoryEntry, ...]
    reservations: tuple[Reservation, ...]


@attrs.frozen
class MouRow:
    """An MOU with its parties' names and its signing date as text (or the word for
    unknown)."""

    mou: Mou
    parties: tuple[str, ...]
    signed: str
    #: The titles of the MOUs this one supersedes (with the year signed where known).
    supersedes: tuple[str, ...] = ()


@attrs.frozen
class EventRow:
    """A forum event with its host country's name and its place (``city, country``)."""

    event: Event
    country_name: str
    place: str


@attrs.frozen
class ObservationRow:
    """A supervisory observation with the names a reader sees: its country, instrument,
    kind and year, and its heading parts in order."""

    observation: Observation
    country_name: str
    instrument_name: str
    kind_word: str
    year: int | None
    heading: tuple[str, ...]


@attrs.frozen
class ParticipationRow:
    """A participation of the dataset with its current status (as of the latest facts);
    ``facts`` are the same as plain values (:class:`~gmspolicy.query.policyset.LatestFacts`)
    when the set derived them, which lets a row skip building the status."""

    participation: Participation
    country: Country
    instrument: Instrument
    _current: Status | LatestFacts = attrs.field(alias="current")

    @property
    def current(self) -> Status:
        """The current status."""
        found = self._current
        return found.status if isinstance(found, LatestFacts) else found

    @property
    def facts(self) -> LatestFacts | None:
        """The current status as plain values, when the set derived them."""
        found = self._current
        return found if isinstance(found, LatestFacts) else None
