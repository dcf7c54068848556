"""Views: what an exporter is asked to render, with everything it shows made ready.

A view is an immutable selection from a :class:`~gmspolicy.query.policyset.PolicySet`, made by
the CLI or by library code, plus the language to render it in. A view does the work:
it derives each status, words it in the view's language (:class:`StatusText`), finds the
sources a cell cites with their authority (:class:`CitedSource`), when the cell was last
confirmed, the observations on it, the names of countries and instruments. An exporter
(built-in or a plugin) only lays out the typed rows a view gives:

- :class:`TableView`: :meth:`TableView.rows` (one :class:`MatrixRow` per instrument) or
  :meth:`TableView.cells` (country by country), each a :class:`StatusCell`;
- :class:`ProfileView`: :meth:`ProfileView.rows` (:class:`ProfileRow`), its MOUs and
  observations;
- :class:`EventsView`, :class:`MousView`, :class:`ObservationsView`: :class:`EventRow`,
  :class:`MouRow`, :class:`ObservationRow`;
- :class:`DatasetView`: every record, :meth:`DatasetView.participation_rows` with each
  participation's current status, and :meth:`DatasetView.table`.

Every view answers :meth:`cite` (source ids to :class:`CitedSource`), so no exporter
looks a source up itself. Dispatch on the kind of view with ``match`` and
:func:`typing.assert_never`::

    match view:
        case TableView(): ...
        case DatasetView(): ...
        case EventsView() | MousView() | ObservationsView() | ProfileView(): ...
        case _:
            assert_never(view)

Exporters are pure functions of a view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gmspolicy._lazy import attach
from gmspolicy.query.policyset import confirmed_as_of
from gmspolicy.query.views.cells import (
    SECONDARY_MARK,
    CellFace,
    CitedSource,
    MatrixRow,
    StatusCell,
    StatusText,
    status_text,
)
from gmspolicy.query.views.table import TableView

if TYPE_CHECKING:
    from gmspolicy.query.views.dataset import DatasetView
    from gmspolicy.query.views.lists import EventsView, MousView, ObservationsView
    from gmspolicy.query.views.profile import ProfileView
    from gmspolicy.query.views.reviews import ReviewsView
    from gmspolicy.query.views.rows import (
        EventRow,
        HistoryEntry,
        MouRow,
        ObservationRow,
        ParticipationRow,
        ProfileRow,
    )

    View = (
        TableView
        | DatasetView
        | EventsView
        | MousView
        | ObservationsView
        | ProfileView
        | ReviewsView
    )
    """Any view an exporter may be given."""

VIEW_KINDS: tuple[str, ...] = (
    "table",
    "dataset",
    "events",
    "mous",
    "observations",
    "profile",
    "reviews",
)
"""The ``kind`` of each view, in the order of :data:`View`."""

#: The module each view and row not imported above lives in: imported when the name is
#: first asked for (a command that prints a table never builds the other views' classes).
_LATER = {
    "DatasetView": ".dataset",
    "EventsView": ".lists",
    "MousView": ".lists",
    "ObservationsView": ".lists",
    "ProfileView": ".profile",
    "ReviewsView": ".reviews",
    "EventRow": ".rows",
    "HistoryEntry": ".rows",
    "MouRow": ".rows",
    "ObservationRow": ".rows",
    "ParticipationRow": ".rows",
    "ProfileRow": ".rows",
}


#: The views :data:`View` names after :class:`TableView`, in its order.
_VIEWS = ("DatasetView", "EventsView", "MousView", "ObservationsView", "ProfileView", "ReviewsView")


__all__ = [
    "SECONDARY_MARK",
    "VIEW_KINDS",
    "CellFace",
    "CitedSource",
    "DatasetView",
    "EventRow",
    "EventsView",
    "HistoryEntry",
    "MatrixRow",
    "MouRow",
    "MousView",
    "ObservationRow",
    "ObservationsView",
    "ParticipationRow",
    "ProfileRow",
    "ProfileView",
    "ReviewsView",
    "StatusCell",
    "StatusText",
    "TableView",
    "View",
    "confirmed_as_of",
    "status_text",
]

_later, __dir__ = attach(__name__, _LATER, __all__)


def __getattr__(name: str) -> Any:
    if name != "View":
        return _later(name)
    found: Any = TableView  # the union :data:`View` names, made when first asked for
    for other in _VIEWS:
        found = found | _later(other)
    globals()["View"] = found
    return found
