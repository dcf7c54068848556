"""Records as plain data, fast: what :data:`gmspolicy.convert.converter` unstructures them
to, without its per-value hook dispatch.

The JSON feed of a world-sized dataset holds about 60,000 participations and 80,000
actions; through cattrs' generic hooks (an enum's value, an optional date, a tuple of
strings each go through a dispatch and a closure) building that document took several
times as long as encoding it. Participations, their actions and dated facts (the bulk)
are written out by hand below; every other model class gets, once, a function built from
its field types with the converter's hooks spelled out:

- ``str``, ``int``, ``bool``: the value; an :class:`enum.Enum`: its value;
- :class:`~gmspolicy.dates.PartialDate`: ``str(value)``; :class:`datetime.date`: ISO;
- ``X | None``: ``None`` or X's form; ``tuple[X, ...]``: a list of X's forms;
- :class:`~gmspolicy.models.Action`: its :class:`~gmspolicy.convert.FeedAction` form;
- :data:`~gmspolicy.models.FieldSources`: a mapping of field to a list of ids;
- another attrs class: its own function; any other type: the converter's hook for it.

``plain(x) == converter.unstructure(x)``, with the same types (lists, dicts, strings),
for every model (a test checks it on generated records of every class, so a field added
to a model and not here fails it; the golden tests pin the feed's bytes).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs

from gmspolicy.convert import converter
from gmspolicy.dates import PRECISION_OF_ISO, PartialDate
from gmspolicy.models import Action, DatedFact, FieldSources, Participation, Reservation

_Fn = Callable[[Any], Any]

#: The generated function of each class.
_made: dict[type, _Fn] = {}


def plain(value: Any) -> Any:
    """``value`` (a model record) as plain data: ``converter.unstructure(value)``."""
    fn = _made.get(type(value))
    if fn is None:
        fn = plain_fn(type(value))
    return fn(value)


def plain_fn(cls: type) -> _Fn:
    """The function that turns an instance of ``cls`` into plain data."""
    fn = _made.get(cls)
    if fn is not None:
        return fn
    if cls in _BY_HAND:
        fn = _BY_HAND[cls]
    elif attrs.has(cls) and not issubclass(cls, PartialDate):
        fn = _generate(cls)
    else:
        fn = converter.get_unstructure_hook(cls)
    _made[cls] = fn
    return fn


#: A partial date's precision as the feed writes it, by the length of its ISO text.
_PRECISION_WORD = {n: p._value_ for n, p in PRECISION_OF_ISO.items()}


def _action(a: Action) -> dict[str, Any]:
    """An action as the feed writes it (``FeedAction.of(a)``, unstructured)."""
    iso = a.date.isoformat()
    return {
        "kind": a.kind._value_,
        "date": iso,
        "sources": list(a.sources),
        "note": a.note,
        "precision": _PRECISION_WORD[len(iso)],
        "research_note": a.research_note,
    }


def _dated_fact(f: DatedFact) -> dict[str, Any]:
    return {
        "date": f.date.isoformat(),
        "sources": list(f.sources),
        "note": f.note,
        "research_note": f.research_note,
    }


def _participation(p: Participation) -> dict[str, Any]:
    eif, none = p.entry_into_force, p.no_action
    return {
        "country": p.country,
        "instrument": p.instrument,
        "actions": list(map(_action, p.actions)),
        "reservations": [_reservation(r) for r in p.reservations],
        "entry_into_force": None if eif is None else _dated_fact(eif),
        "no_action": None if none is None else _dated_fact(none),
    }


def _reservation(r: Reservation) -> Any:
    return plain_fn(Reservation)(r)


#: Written by hand (the bulk of a feed).
_BY_HAND: dict[type, _Fn] = {
    Action: _action,
    DatedFact: _dated_fact,
    Participation: _participation,
}


def _identity(value: Any) -> Any:
    return value


def _value(member: enum.Enum) -> Any:
    return member._value_


def _fields_sources(pairs: Any) -> dict[str, list[str]]:
    return {k: list(w) for k, w in pairs}


def _optional(inner: _Fn) -> _Fn:
    def convert(value: Any) -> Any:
        return None if value is None else inner(value)

    return convert


def _sequence(inner: _Fn) -> _Fn:
    if inner is _identity:
        return list

    def convert(value: Any) -> list[Any]:
        return [inner(x) for x in value]

    return convert


def _field_fn(t: Any) -> _Fn:
    """The function giving the plain form of a value of type ``t``."""
    if t in (str, int, bool):
        return _identity
    if t is PartialDate:
        return PartialDate.isoformat  # what str() returns
    if t is dt.date:
        return dt.date.isoformat
    if t == FieldSources:
        return _fields_sources
    if isinstance(t, type) and issubclass(t, enum.Enum):
        if "_value_" in getattr(t, "__annotations__", {}):  # as cattrs decides
            return converter.get_unstructure_hook(t)
        return _value
    origin = typing.get_origin(t)
    args = typing.get_args(t)
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        return _optional(_field_fn(inner))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _sequence(_field_fn(args[0]))
    if isinstance(t, type) and (attrs.has(t) or t in _BY_HAND):
        return _Lazy(t)
    hook: _Fn = converter.get_unstructure_hook(t)
    return hook


class _Lazy:
    """Another class's function, found when first called (classes may refer to each
    other)."""

    __slots__ = ("cls", "fn")

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.fn: _Fn | None = None

    def __call__(self, value: Any) -> Any:
        fn = self.fn
        if fn is None:
            fn = self.fn = plain_fn(self.cls)
        return fn(value)


def _generate(cls: type) -> _Fn:
    """The function for an attrs class, from its fields' types."""
    hints = typing.get_type_hints(cls)
    fields = tuple((f.name, _field_fn(hints.get(f.name, f.type))) for f in attrs.fields(cls))

    def record(o: Any) -> dict[str, Any]:
        return {name: fn(getattr(o, name)) for name, fn in fields}

    return record
