"""Views: what an exporter is asked to render.

A view is an immutable selection from a :class:`~gmspolicy.query.policyset.PolicySet`, made by
the CLI or by library code, plus the language to render it in. Exporters are pure
functions of a view.
"""

from __future__ import annotations

import datetime as dt

import attrs

from gmspolicy.models import Country, Event, Mou, Observation, Review
from gmspolicy.query.policyset import Matrix, PolicySet
from gmspolicy.query.reviews import ReportingSummary


@attrs.frozen
class TableView:
    """A ratification matrix: countries x instruments as of a date."""

    pset: PolicySet
    matrix: Matrix
    lang: str = "en"
    kind: str = attrs.field(default="table", init=False)


@attrs.frozen
class DatasetView:
    """The whole dataset (or a loaded subset): every record and its sources."""

    pset: PolicySet
    lang: str = "en"
    kind: str = attrs.field(default="dataset", init=False)


@attrs.frozen
class EventsView:
    """A list of forum events."""

    pset: PolicySet
    events: tuple[Event, ...]
    lang: str = "en"
    kind: str = attrs.field(default="events", init=False)


@attrs.frozen
class MousView:
    """A list of MOUs."""

    pset: PolicySet
    mous: tuple[Mou, ...]
    lang: str = "en"
    kind: str = attrs.field(default="mous", init=False)


@attrs.frozen
class ObservationsView:
    """A list of supervisory observations."""

    pset: PolicySet
    observations: tuple[Observation, ...]
    lang: str = "en"
    kind: str = attrs.field(default="observations", init=False)


@attrs.frozen
class ProfileView:
    """One country's profile: every instrument's status and history, MOUs, observations."""

    pset: PolicySet
    country: Country
    as_of: dt.date | None = None
    lang: str = "en"
    kind: str = attrs.field(default="profile", init=False)


@attrs.frozen
class ReviewsView:
    """Reviews (UPR cycles, treaty-body reviews) and where states stand in reporting.

    ``reviews`` are the reviews selected; ``reporting`` the reporting status of each
    state x treaty shown (for ``--overdue``, only the overdue ones); ``as_of`` the date
    asked about (``None``: the latest recorded facts); ``overdue`` is True when the
    reporting table is the point (``gmspolicy reviews --overdue``).
    """

    pset: PolicySet
    reviews: tuple[Review, ...]
    reporting: tuple[ReportingSummary, ...] = ()
    as_of: dt.date | None = None
    overdue: bool = False
    lang: str = "en"
    kind: str = attrs.field(default="reviews", init=False)


View = (
    TableView | DatasetView | EventsView | MousView | ObservationsView | ProfileView | ReviewsView
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
