""":class:`ProfileView`: one country's profile. See :mod:`gmspolicy.query.views`."""

from __future__ import annotations

import datetime as dt

import attrs

from gmspolicy.models import (
    Country,
)
from gmspolicy.query.views.cells import _Base, _observation_index
from gmspolicy.query.views.rows import HistoryEntry, MouRow, ObservationRow, ProfileRow


@attrs.frozen
class ProfileView(_Base):
    """One country's profile: every instrument's status and history, MOUs, observations."""

    country: Country
    as_of: dt.date | None = None
    lang: str = "en"
    kind: str = attrs.field(default="profile", init=False)

    def rows(self) -> tuple[ProfileRow, ...]:
        """One row per instrument of the set: status cell, history, reservations."""
        pset, c, as_of = self.pset, self.country, self.as_of
        labels = self.labels
        m = pset.matrix([c.code], [i.id for i in pset.instruments], as_of)
        obs = _observation_index(pset, as_of)
        out = []
        for inst in pset.instruments:
            cell = m.cell(c.code, inst.id)
            part = pset.participation(c.code, inst.id)
            actions = part.actions_until(as_of) if part is not None else ()
            history = tuple(
                HistoryEntry(
                    a,
                    f"{a.date} {labels.action_word(a.kind)}"
                    + (labels.paren(a.note) if a.note else ""),
                )
                for a in actions
            )
            reservations = tuple(
                r
                for r in (part.reservations if part is not None else ())
                if as_of is None or r.date is None or r.date <= as_of
            )
            out.append(
                ProfileRow(
                    inst,
                    self.status_cell(c, inst, cell, as_of, obs.get((c.code, inst.id), ())),
                    actions,
                    history,
                    reservations,
                )
            )
        return tuple(out)

    def mous(self) -> tuple[MouRow, ...]:
        """The country's MOUs certainly signed by the profile's date."""
        return self.mou_rows(self.pset.mous_for(self.country.code, until=self.as_of))

    def observations(self) -> tuple[ObservationRow, ...]:
        """Every observation on the country up to the profile's date."""
        return self.observation_rows(
            self.pset.observations_for(self.country.code, until=self.as_of)
        )
