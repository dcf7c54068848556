""":class:`ReviewsView`: reviews and where states stand in reporting. See
:mod:`gmspolicy.query.views`."""

from __future__ import annotations

import datetime as dt

import attrs

from gmspolicy.models import (
    Review,
)
from gmspolicy.query.reviews import ReportingSummary
from gmspolicy.query.views.cells import _Base


@attrs.frozen
class ReviewsView(_Base):
    """Reviews (UPR cycles, treaty-body reviews) and where states stand in reporting.

    ``reviews`` are the reviews selected; ``reporting`` the reporting status of each
    state x treaty shown (for ``--overdue``, only the overdue ones); ``as_of`` the date
    asked about (``None``: the latest recorded facts); ``overdue`` is True when the
    reporting table is the point (``gmspolicy reviews --overdue``).
    """

    reviews: tuple[Review, ...]
    reporting: tuple[ReportingSummary, ...] = ()
    as_of: dt.date | None = None
    overdue: bool = False
    lang: str = "en"
    kind: str = attrs.field(default="reviews", init=False)
