"""Participations: what a country did about an instrument (:class:`Participation`), its
actions (:class:`Action`), reservations and dated facts. Re-exported by
:mod:`gmspolicy.models`, where they are documented."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from gmspolicy.dates import DatePrecision as DatePrecision
from gmspolicy.dates import PartialDate
from gmspolicy.models import (
    UNKNOWN,
    ActionKind,
    Status,
    StatusKind,
    _partial,
    _tuple,
)


class ReservationKind(enum.Enum):
    """A reservation or an interpretative declaration made on an instrument."""

    RESERVATION = "reservation"
    DECLARATION = "declaration"


@attrs.frozen
class Action:
    """One action of a state on an instrument: a signature, ratification, denunciation...

    ``date`` is as precise as the source gives it: the day, or only the month or year
    (``PartialDate(1999)`` for "Ratification: 1999"); a :class:`datetime.date` given
    here is taken as a full date. ``str(action.date)`` shows it (``1999-08-23``,
    ``1999-08``, ``1999``).
    """

    kind: ActionKind
    date: PartialDate = attrs.field(converter=_partial)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    research_note: str | None = None

    def same_event(self, other: Action) -> bool:
        """True when ``other`` records the same event: the same kind, on dates that can
        mean the same day (``1992`` and ``1992-03-02``: one recorded at two precisions)."""
        return self.kind is other.kind and self.date.overlaps(other.date)


@attrs.frozen
class Reservation:
    """A reservation or declaration a state made, with its text (or a summary)."""

    kind: ReservationKind
    text: str
    date: dt.date | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    research_note: str | None = None


@attrs.frozen
class DatedFact:
    """A dated fact with its sources: an entry into force, a confirmed absence of action."""

    date: dt.date
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    research_note: str | None = None


_ACTION_ORDER = {kind: i for i, kind in enumerate(ActionKind)}


#: Actions that no other action can precede.
_FIRST_POSSIBLE = frozenset({ActionKind.SIGNATURE, ActionKind.ACCESSION, ActionKind.SUCCESSION})


def _fits(kind: ActionKind, bound: bool, signed: bool) -> bool:
    """Whether an action of ``kind`` can be taken by a country bound (or not, or signed)."""
    if kind is ActionKind.WITHDRAWAL:
        return bound or signed
    if kind is ActionKind.DENUNCIATION:
        return bound
    return not bound


def _sorted_actions(actions: Iterable[Action]) -> tuple[Action, ...]:
    """Actions in the order they were taken.

    By date; but an action known only to the month or year may have been taken on any
    day of it, so among the actions that could come next (those starting on or before the
    earliest end of the rest) the one that fits the country's standing at that point is
    taken first: a signature or consent while not bound, a denunciation or withdrawal
    while bound. (A denunciation known as ``1999`` comes after a ratification on
    1999-03-01, and before a re-accession on 1999-03-01 if the country was bound before
    1999.) Ties go by date, end and kind, so the order never depends on the input order.
    """
    remaining = sorted(
        actions, key=lambda a: (a.date.earliest(), a.date.latest(), _ACTION_ORDER[a.kind])
    )
    if len(remaining) < 2 or all(a.date.is_full for a in remaining):
        return tuple(remaining)
    out: list[Action] = []
    bound = signed = False
    while remaining:
        horizon = min(a.date.latest() for a in remaining)
        candidates = [a for a in remaining if a.date.earliest() <= horizon]

        pick = next((a for a in candidates if _fits(a.kind, bound, signed)), candidates[0])
        remaining.remove(pick)
        out.append(pick)
        if pick.kind is ActionKind.SIGNATURE:
            signed = True
        elif pick.kind.is_consent:
            bound = True
        elif pick.kind.is_exit:
            bound = signed = False
    return tuple(out)


@attrs.frozen
class Participation:
    """What one country has done about one instrument, with sources for every fact.

    ``no_action`` records a source confirming that the country had taken no action as of
    its date. ``actions`` are kept in date order.
    """

    country: str
    instrument: str
    actions: tuple[Action, ...] = attrs.field(default=(), converter=_sorted_actions)
    reservations: tuple[Reservation, ...] = ()
    entry_into_force: DatedFact | None = None
    no_action: DatedFact | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(country, instrument)``."""
        return (self.country, self.instrument)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id cited by any fact of this participation, sorted."""
        ids: set[str] = set()
        for action in self.actions:
            ids.update(action.sources)
        for res in self.reservations:
            ids.update(res.sources)
        for fact in (self.entry_into_force, self.no_action):
            if fact is not None:
                ids.update(fact.sources)
        return tuple(sorted(ids))

    def actions_until(self, as_of: dt.date | None) -> tuple[Action, ...]:
        """The actions certainly taken on or before ``as_of`` (all of them when ``None``);
        an action known only to the month or year counts once that period has ended."""
        if as_of is None:
            return self.actions
        return tuple(a for a in self.actions if a.date.latest() <= as_of)

    def uncertain_at(self, as_of: dt.date | None) -> bool:
        """True when an action known only to the month or year may or may not have been
        taken by ``as_of`` (``as_of`` falls inside its period)."""
        if as_of is None:
            return False
        return any(a.date.earliest() <= as_of < a.date.latest() for a in self.actions)

    def status(self, as_of: dt.date | None = None, *, signature_step: bool = True) -> Status:
        """The status as of a date (``None``: as of the latest recorded fact).

        Before the first recorded action, the status is ``no_action`` (as of the date
        asked) only where that is certain: a source confirmed no action as of a later
        date, or the first recorded action is one no other can precede (a signature, an
        accession, a succession; or any first action where states do not sign, as for ILO
        conventions: pass ``signature_step=False``). A ratification recorded without its
        signature leaves the time before it ``unknown``: the signature may be missing.
        With nothing recorded, the status is ``unknown``, never ``no_action``.
        """
        if self.uncertain_at(as_of):
            return UNKNOWN
        actions = self.actions_until(as_of)
        eif = self.entry_into_force.date if self.entry_into_force is not None else None
        if eif is not None and (as_of is not None and eif > as_of):
            eif = None
        if not actions:
            if eif is not None:
                # In force for the country: it is party, though how it consented (and
                # when) is not recorded.
                return Status(StatusKind.PARTY, in_force=eif)
            if self.no_action is not None:
                confirmed = self.no_action.date
                if as_of is not None and as_of < confirmed:
                    confirmed = as_of
                return Status(StatusKind.NO_ACTION, date=PartialDate.from_date(confirmed))
            if self.actions and as_of is not None:
                first = self.actions[0].kind
                if not signature_step or first in _FIRST_POSSIBLE:
                    return Status(StatusKind.NO_ACTION, date=PartialDate.from_date(as_of))
            return UNKNOWN
        kind = StatusKind.UNKNOWN
        via: ActionKind | None = None
        date: PartialDate | None = None
        signed: PartialDate | None = None
        for action in actions:
            if action.kind is ActionKind.SIGNATURE:
                signed = action.date
                if kind is not StatusKind.PARTY:
                    kind, date = StatusKind.SIGNATORY, action.date
            elif action.kind.is_consent:
                kind, via, date = StatusKind.PARTY, action.kind, action.date
            elif action.kind is ActionKind.DENUNCIATION:
                kind, via, date = StatusKind.DENOUNCED, None, action.date
            elif action.kind is ActionKind.WITHDRAWAL:
                kind, via, date = StatusKind.WITHDRAWN, None, action.date
        in_force: dt.date | None = None
        if eif is not None:
            if kind is StatusKind.PARTY:
                in_force = eif
            elif kind is StatusKind.SIGNATORY:
                # Signed, and in force for it since: party, consent not recorded.
                kind, via, date = StatusKind.PARTY, None, None
                in_force = eif
        return Status(kind, via=via, date=date, signed=signed, in_force=in_force)
