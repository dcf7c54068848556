""":class:`DatasetView`: the whole dataset, every record. See :mod:`gmspolicy.query.views`."""

from __future__ import annotations

import attrs

from gmspolicy.models import (
    Participation,
)
from gmspolicy.query.policyset import (
    PlainFacts,
)
from gmspolicy.query.views.cells import _Base
from gmspolicy.query.views.rows import EventRow, MouRow, ObservationRow, ParticipationRow
from gmspolicy.query.views.table import TableView


@attrs.frozen
class DatasetView(_Base):
    """The whole dataset (or a loaded subset): every record and its sources."""

    lang: str = "en"
    kind: str = attrs.field(default="dataset", init=False)

    def table(self) -> TableView:
        """The table of every country and every instrument, as of the latest facts."""
        pset = self.pset
        m = pset.matrix([c.code for c in pset.countries], [i.id for i in pset.instruments])
        return TableView(pset, m, self.lang)

    def mous(self) -> tuple[MouRow, ...]:
        """Every MOU, ready to lay out."""
        return self.mou_rows(self.pset.mous)

    def events(self) -> tuple[EventRow, ...]:
        """Every event, ready to lay out."""
        return self.event_rows(self.pset.events)

    def observations(self) -> tuple[ObservationRow, ...]:
        """Every observation, ready to lay out."""
        return self.observation_rows(self.pset.observations)

    def participation_facts(self) -> tuple[tuple[Participation, PlainFacts], ...]:
        """Every participation with its current status as plain values (as of the latest
        facts, :meth:`~gmspolicy.query.policyset.PolicySet.latest_plain`): what
        :meth:`participation_rows` says, without a row object per participation (a
        world feed has 56,000)."""
        latest = self.pset.latest_plain()
        return tuple((p, latest[p.key]) for p in self.pset.participations)

    def participation_rows(self) -> tuple[ParticipationRow, ...]:
        """Every participation with its country, instrument and current status."""
        pset = self.pset
        latest = pset.latest()  # each participation's status as of its latest facts
        countries = {c.code: c for c in pset.countries}
        instruments = {i.id: i for i in pset.instruments}
        return tuple(
            ParticipationRow(
                p,
                countries[p.country],
                instruments[p.instrument],
                latest[(p.country, p.instrument)],
            )
            for p in pset.participations
        )
