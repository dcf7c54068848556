"""Dates: strict ISO parsing and :class:`PartialDate` for facts known only to the year or month."""

from __future__ import annotations

import datetime as dt
import re

import attrs

_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shown(text: str) -> str:
    """``text`` quoted for a message, cut to 40 characters (a cell may hold thousands)."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_date(text: str) -> dt.date:
    """Parse a full ISO date ``YYYY-MM-DD``; raise ``ValueError`` with a readable message.

    >>> parse_date("2014-12-31")
    datetime.date(2014, 12, 31)
    """
    if not _FULL_RE.match(text):
        raise ValueError(f"invalid date {_shown(text)}: expected YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"impossible date {_shown(text)}") from None


@attrs.frozen(order=False)
class PartialDate:
    """A date known to the year, the month or the day: ``2002``, ``2002-10``, ``2002-10-18``.

    Used where sources often give less than a full date (MOU signings, forum editions).
    Never padded: an unknown month or day stays unknown.

    >>> PartialDate.parse("2003-06")
    PartialDate(year=2003, month=6, day=None)
    >>> str(PartialDate(2003, 6, 21))
    '2003-06-21'
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"impossible year {self.year}")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"impossible month {self.month}")
        if self.day is not None:
            assert self.month is not None
            dt.date(self.year, self.month, self.day)  # raises ValueError when impossible

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        m = _PARTIAL_RE.match(text)
        if not m:
            raise ValueError(f"invalid date {_shown(text)}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = m.groups()
        try:
            return cls(int(year), int(month) if month else None, int(day) if day else None)
        except ValueError:
            raise ValueError(f"impossible date {_shown(text)}") from None

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        """A full PartialDate from a :class:`datetime.date`."""
        return cls(value.year, value.month, value.day)

    @property
    def is_full(self) -> bool:
        """True when year, month and day are all known."""
        return self.day is not None

    def to_date(self) -> dt.date | None:
        """The :class:`datetime.date` when the date is full, else ``None``."""
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def earliest(self) -> dt.date:
        """The first day this partial date can mean (for ordering and filters)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day this partial date can mean."""
        if self.month is None:
            return dt.date(self.year, 12, 31)
        if self.day is None:
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.year, self.month, self.day)

    def sort_key(self) -> tuple[int, int, int]:
        """A key that orders by year, then month, then day (unknown parts first)."""
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out
