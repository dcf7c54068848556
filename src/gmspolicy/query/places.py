"""Where each record of a set was read (``FILE:LINE``), held compactly.

A world dataset has about 150,000 participation and action rows, each with a place kept
for the messages of a later check or fetch; as a dict of tuples and strings they were a
quarter of a loaded set's memory. :class:`Places` is the same mapping without a tuple
or a string per row: the words of the keys, row after row, in one list (the words are
shared strings: codes, ids and dates repeat), the places' files numbered once, and two
numbers per row for its file and line. A key or a ``FILE:LINE`` string is made again
only when it is asked for.
"""

from __future__ import annotations

from array import array
from collections.abc import ItemsView, Iterator, Mapping
from itertools import chain

__all__ = ["PlaceRows", "Places"]

#: A key of :class:`Places` (the same as :data:`gmspolicy.query.policyset.PlaceKey`).
_Key = tuple[str, ...]

#: Unsigned numbers of at least 32 bits.
_CODE = "I" if array("I").itemsize >= 4 else "L"
#: The line of a place that is not ``FILE:LINE`` (kept whole, as its "file").
_NONE = 0xFFFFFFFF


def _row_key(key: _Key) -> bool:
    """Whether ``key`` is a participation's or an action's (kept as a row)."""
    n = len(key)
    if n == 5:
        return (
            key[0] == "action"
            and type(key[1]) is str
            and type(key[2]) is str
            and type(key[3]) is str
            and type(key[4]) is str
        )
    return n == 3 and key[0] == "participation" and type(key[1]) is str and type(key[2]) is str


class Places(Mapping[_Key, str]):
    """An immutable mapping of record keys (``("participation", country, instrument)``,
    ``("action", country, instrument, kind, iso_date)``, ``("source", id)``...) to where
    each record was read (``"FILE:LINE"``), equal to the mapping it was made from.

    Participation and action places (the bulk) are rows of numbers; every other key is
    kept as given. Looking a row's key up indexes the rows the first time (only messages
    and fetches look places up)."""

    __slots__ = ("_at", "_files", "_index", "_other", "_words")

    def __init__(
        self,
        other: dict[_Key, str],
        words: list[str],
        files: list[str],
        at: array[int],
    ) -> None:
        self._other = other
        self._words = words  # each row's key's words, row after row
        self._files = files
        self._at = at  # per row: file (its number), line
        self._index: dict[_Key, int] | None = None

    @classmethod
    def of(cls, places: Mapping[_Key, str]) -> Places:
        """``places`` held compactly (``places`` itself if it already is)."""
        if isinstance(places, Places):
            return places
        other: dict[_Key, str] = {}
        rows = PlaceRows()
        for key, place in places.items():
            if not (_row_key(key) and type(place) is str):
                other[key] = place
                continue
            file, line = _split(place)
            rows.add(key, rows.file(file), line)
        return rows.places(other)

    def updated(self, changes: Mapping[_Key, str]) -> Places:
        """A new mapping: this one with ``changes`` (keys added, or their places
        replaced), made without turning every row back into a key and a string."""
        if any(_row_key(k) and type(v) is not str for k, v in changes.items()):
            return Places.of({**dict(self.items()), **changes})  # not worth a quick path
        other, words, files = dict(self._other), list(self._words), list(self._files)
        at = array(_CODE, self._at)
        file_number = {name: n for n, name in enumerate(files)}
        for key, place in changes.items():
            if not _row_key(key):
                other[key] = place
                continue
            file, line = _split(place)
            number = file_number.setdefault(file, len(files))
            if number == len(files):
                files.append(file)
            row = self._row(key)
            if row is None:
                words.extend(key)
                at.extend((number, line))
            else:
                at[2 * row], at[2 * row + 1] = number, line
        return Places(other, words, files, at)

    def items(self) -> ItemsView[_Key, str]:
        """The keys and places, made row by row (without looking each key up)."""
        return _Items(self)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its arrays (a snapshot stores them so)."""
        return (_restore, (self._other, self._words, self._files, self._at.tobytes()))

    # -- rows ------------------------------------------------------------------------

    def _rows(self) -> Iterator[_Key]:
        """The rows' keys, in order."""
        words = self._words
        pos, end = 0, len(words)
        while pos < end:
            width = 3 if words[pos] == "participation" else 5
            yield tuple(words[pos : pos + width])
            pos += width

    def _place(self, row: int) -> str:
        file, line = self._files[self._at[2 * row]], self._at[2 * row + 1]
        return file if line == _NONE else f"{file}:{line}"

    def _row(self, key: _Key) -> int | None:
        index = self._index
        if index is None:
            index = self._index = {key: row for row, key in enumerate(self._rows())}
        return index.get(key)

    # -- the mapping -----------------------------------------------------------------

    def __getitem__(self, key: _Key) -> str:
        row = self._row(key) if isinstance(key, tuple) and _row_key(key) else None
        return self._other[key] if row is None else self._place(row)

    def get(self, key: _Key, default: str | None = None) -> str | None:  # type: ignore[override]
        """The place of ``key``, or ``default``."""
        row = self._row(key) if isinstance(key, tuple) and _row_key(key) else None
        return self._other.get(key, default) if row is None else self._place(row)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, tuple) and _row_key(key) and self._row(key) is not None:
            return True
        return key in self._other

    def __iter__(self) -> Iterator[_Key]:
        yield from self._other
        yield from self._rows()

    def __len__(self) -> int:
        return len(self._other) + len(self._at) // 2

    def __repr__(self) -> str:
        return f"<Places: {len(self)}>"


class _Items(ItemsView[_Key, str]):
    """:meth:`Places.items`."""

    _mapping: Places

    def __iter__(self) -> Iterator[tuple[_Key, str]]:
        places = self._mapping
        yield from places._other.items()
        for row, key in enumerate(places._rows()):
            yield key, places._place(row)


def _split(place: str) -> tuple[str, int]:
    """``"FILE:LINE"`` as its file and line; another place as itself, at :data:`_NONE`."""
    file, colon, line = place.rpartition(":")
    if colon and line.isascii() and line.isdigit() and str(int(line)) == line:
        number = int(line)
        if number < _NONE:
            return file, number
    return place, _NONE


class PlaceRows:
    """The participation and action rows of a :class:`Places`, added as a dataset
    reader finds them (:meth:`add`); :meth:`places` gives the mapping. While rows are
    added their keys are indexed, to tell a repeated one; the mapping keeps only their
    words."""

    __slots__ = ("_at", "_files", "_index")

    def __init__(self) -> None:
        self._index: dict[_Key, int] = {}
        self._files: dict[str, int] = {}
        self._at = array(_CODE)  # per row: file, line

    def file(self, name: str) -> int:
        """The number of the file ``name`` (a place that is not ``FILE:LINE`` is a file
        of its own, at line :data:`_NONE`)."""
        return self._files.setdefault(name, len(self._files))

    def add(self, key: _Key, file: int, line: int) -> int:
        """Add the place of ``key`` (a participation's or an action's, as :class:`Places`
        keys them) unless it has one: -1 if it is new, else the row that has it (name it
        with :meth:`place`)."""
        index = self._index
        row = len(index)
        found = index.setdefault(key, row)
        if found != row:
            return found
        self._at.extend((file, line))
        return -1

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def get(self, key: _Key) -> str | None:
        """The place of ``key``, if it has one."""
        row = self._index.get(key)
        return None if row is None else self.place(row)

    def place(self, row: int) -> str:
        """The place (``FILE:LINE``) of ``row``."""
        file, line = list(self._files)[self._at[2 * row]], self._at[2 * row + 1]
        return file if line == _NONE else f"{file}:{line}"

    def places(self, other: Mapping[_Key, str]) -> Places:
        """The mapping: these rows, and ``other`` (every other key, as given)."""
        words = list(chain.from_iterable(self._index))
        return Places(dict(other), words, list(self._files), self._at)


def _restore(other: dict[_Key, str], words: list[str], files: list[str], at: bytes) -> Places:
    """:meth:`Places.__reduce__` undone."""
    numbers = array(_CODE)
    numbers.frombytes(at)
    return Places(other, words, files, numbers)
