"""The list views: :class:`EventsView`, :class:`MousView`, :class:`ObservationsView`. See
:mod:`gmspolicy.query.views`."""

from __future__ import annotations

import attrs

from gmspolicy.models import (
    Event,
    Mou,
    Observation,
)
from gmspolicy.query.views.cells import _Base
from gmspolicy.query.views.rows import EventRow, MouRow, ObservationRow


@attrs.frozen
class EventsView(_Base):
    """A list of forum events."""

    events: tuple[Event, ...]
    lang: str = "en"
    kind: str = attrs.field(default="events", init=False)

    def rows(self) -> tuple[EventRow, ...]:
        """The events, ready to lay out."""
        return self.event_rows(self.events)


@attrs.frozen
class MousView(_Base):
    """A list of MOUs."""

    mous: tuple[Mou, ...]
    lang: str = "en"
    kind: str = attrs.field(default="mous", init=False)

    def rows(self) -> tuple[MouRow, ...]:
        """The MOUs, ready to lay out."""
        return self.mou_rows(self.mous)


@attrs.frozen
class ObservationsView(_Base):
    """A list of supervisory observations."""

    observations: tuple[Observation, ...]
    lang: str = "en"
    kind: str = attrs.field(default="observations", init=False)

    def rows(self) -> tuple[ObservationRow, ...]:
        """The observations, ready to lay out."""
        return self.observation_rows(self.observations)
