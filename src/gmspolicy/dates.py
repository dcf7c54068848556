"""Dates: strict ISO parsing and :class:`PartialDate`, the one date type of facts that
sources may give only to the year or month (actions, statuses, MOUs, events)."""

from __future__ import annotations

import datetime as dt
import enum
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


#: One day, to step back from a month's successor to its last day.
_ONE_DAY = dt.timedelta(days=1)


class DatePrecision(enum.Enum):
    """How much of an action's date a source gives: the day, only the month, only the year.

    A fact known only to the year ("Ratification: 1999" on an ILO comment page) is kept at
    that precision, never padded to a day. It is :attr:`PartialDate.precision`.
    """

    __hash__ = object.__hash__  # members are singletons: hashed by identity, in C

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


#: A partial date's precision by the length of its ISO text (``1999``, ``1999-08``,
#: ``1999-08-23``): what :attr:`PartialDate.precision` gives, read off the text.
PRECISION_OF_ISO = {4: DatePrecision.YEAR, 7: DatePrecision.MONTH, 10: DatePrecision.DAY}

_FIRST_DAY_PAD = {4: "-01-01", 7: "-01", 10: ""}


def first_day_iso(text: str) -> str:
    """The first day a partial date's ISO text can mean (``2003`` -> ``2003-01-01``): what
    ``PartialDate.parse(text).earliest().isoformat()`` gives, without building it."""
    return text + _FIRST_DAY_PAD[len(text)]


@attrs.frozen(order=False)
class PartialDate:
    """A date known to the year, the month or the day: ``2002``, ``2002-10``, ``2002-10-18``.

    The date of every fact a source may give less than fully: actions (a ratification
    known only as "1999"), the statuses derived from them, MOU signings, forum editions.
    Never padded: an unknown month or day stays unknown. A date names a period (a day, a
    month, a year); a less precise one can contain a more precise one, and then both may
    name the same day (:meth:`overlaps`).

    >>> PartialDate.parse("2003-06")
    PartialDate(year=2003, month=6, day=None)
    >>> str(PartialDate(2003, 6, 21))
    '2003-06-21'
    >>> PartialDate(1992).contains(PartialDate(1992, 3, 2))
    True
    """

    year: int
    month: int | None = None
    day: int | None = None
    # the first and last day of the period, computed once (statuses ask for them often)
    _first: dt.date = attrs.field(init=False, eq=False, repr=False)
    _last: dt.date = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"impossible year {self.year}")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"impossible month {self.month}")
        if self.month is None:
            first, last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        elif self.day is None:
            first = dt.date(self.year, self.month, 1)
            if self.month == 12:
                last = dt.date(self.year, 12, 31)
            else:  # the day before the next month's first
                last = dt.date(self.year, self.month + 1, 1) - _ONE_DAY
        else:
            first = last = dt.date(self.year, self.month, self.day)  # ValueError if impossible
        object.__setattr__(self, "_first", first)
        object.__setattr__(self, "_last", last)

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

    @classmethod
    def of(cls, value: PartialDate | dt.date) -> PartialDate:
        """``value`` itself, or a full PartialDate for a :class:`datetime.date`."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return cls(value.year, value.month, value.day)
        raise TypeError(f"expected a PartialDate or a datetime.date, got {value!r}")

    @property
    def is_full(self) -> bool:
        """True when year, month and day are all known."""
        return self.day is not None

    @property
    def precision(self) -> DatePrecision:
        """How much of the date is known: the day, the month or only the year."""
        if self.day is not None:
            return DatePrecision.DAY
        return DatePrecision.YEAR if self.month is None else DatePrecision.MONTH

    def to_date(self) -> dt.date | None:
        """The :class:`datetime.date` when the date is full, else ``None``."""
        return self._first if self.day is not None else None

    def earliest(self) -> dt.date:
        """The first day this partial date can mean (for ordering and filters)."""
        return self._first

    def latest(self) -> dt.date:
        """The last day this partial date can mean."""
        return self._last

    def contains(self, other: PartialDate) -> bool:
        """True when every day ``other`` can mean is in this date's period (a date
        contains itself): ``1992`` contains ``1992-03`` and ``1992-03-02``.

        >>> PartialDate(1992, 3).contains(PartialDate(1992))
        False
        """
        return self._first <= other._first and other._last <= self._last

    def overlaps(self, other: PartialDate) -> bool:
        """True when both can mean the same day, i.e. one contains the other (calendar
        periods never overlap otherwise). Two records of one event at two precisions,
        ``1992`` and ``1992-03-02``, overlap; ``1992-03`` and ``1992-04`` do not.

        >>> PartialDate(1992).overlaps(PartialDate(1992, 3, 2))
        True
        """
        return self._first <= other._last and other._first <= self._last

    def sort_key(self) -> tuple[int, int, int]:
        """A key that orders by year, then month, then day (unknown parts first)."""
        return (self.year, self.month or 0, self.day or 0)

    def isoformat(self) -> str:
        """The ISO 8601 form, as precise as the date is known: ``1999``, ``1999-08`` or
        ``1999-08-23`` (also ``str(date)``)."""
        # the first day of the period, cut to the precision known (one C call: exports
        # write hundreds of thousands of dates)
        text = self._first.isoformat()
        if self.day is not None:
            return text
        return text[:7] if self.month is not None else text[:4]

    def __str__(self) -> str:
        return self.isoformat()
