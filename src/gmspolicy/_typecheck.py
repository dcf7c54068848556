"""Run-time type checks of values a plugin hands back, against their declared types.

A loader is third-party code: what it returns is checked field by field against the
annotations of the ``attrs`` models (``str``, ``int``, dates, enums, ``X | None``,
``tuple[X, ...]``, nested models) before anything else reads it, so a wrong type is a
clear error naming the plugin and the field, not a crash deep inside an exporter.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from functools import cache

import attrs

__all__ = ["type_error"]


@cache
def _hints(cls: type) -> Mapping[str, object]:
    # the models' names resolve even where a module imports them for type checking only
    from gmspolicy import dates, models

    return typing.get_type_hints(cls, localns={**vars(dates), **vars(models)})


def _name(hint: object) -> str:
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("datetime.", "")


def type_error(value: object, hint: object, where: str) -> str | None:
    """A message saying where ``value`` does not match ``hint`` (``None`` if it does).

    ``where`` names the value (``participations[3]``); nested places are appended
    (``participations[3].actions[0].date``).
    """
    origin = typing.get_origin(hint)
    if hint is typing.Any or hint is object:
        return None
    if origin is typing.Union or origin is types.UnionType:
        options = typing.get_args(hint)
        if any(type_error(value, option, where) is None for option in options):
            return None
        if value is not None:  # name the one non-None choice that was meant
            real = [o for o in options if o is not type(None)]
            if len(real) == 1:
                return type_error(value, real[0], where)
        return f"{where}: expected {_name(hint)}, got {type(value).__name__}"
    if origin is not None:
        return _generic_error(value, hint, origin, where)
    if hint is type(None):
        return None if value is None else f"{where}: expected None, got {type(value).__name__}"
    if not isinstance(hint, type):
        return None  # a form not used by the models (TypeVar...): not checked
    return _class_error(value, hint, where)


def _class_error(value: object, hint: type, where: str) -> str | None:
    wrong = not isinstance(value, hint)
    if hint is int and isinstance(value, bool):
        wrong = True
    if hint is dt.date and isinstance(value, dt.datetime):
        wrong = True  # a datetime does not compare with dates
    if hint in (str, int, float, bool, bytes) and type(value) is not hint and not wrong:
        wrong = type(value).__eq__ is not hint.__eq__  # a subclass that redefines equality
    if wrong:
        return f"{where}: expected {_name(hint)}, got {type(value).__name__}"
    if attrs.has(hint) and not issubclass(hint, enum.Enum):
        hints = _hints(hint)
        for field in attrs.fields(hint):
            place = f"{where}.{field.name}"
            found = type_error(getattr(value, field.name), hints[field.name], place)
            if found is not None:
                return found
    return None


def _generic_error(value: object, hint: object, origin: object, where: str) -> str | None:
    args = typing.get_args(hint)
    if origin is tuple:
        if not isinstance(value, tuple):
            return f"{where}: expected a tuple, got {type(value).__name__}"
        if len(args) == 2 and args[1] is Ellipsis:
            items = [(i, args[0]) for i in range(len(value))]
        elif len(args) != len(value):
            return f"{where}: expected {len(args)} items, got {len(value)}"
        else:
            items = list(enumerate(args))
        for i, item_hint in items:
            found = type_error(value[i], item_hint, f"{where}[{i}]")
            if found is not None:
                return found
        return None
    if origin in (frozenset, set, list):
        assert isinstance(origin, type)
        if not isinstance(value, origin):
            return f"{where}: expected a {origin.__name__}, got {type(value).__name__}"
        for n, item in enumerate(value):
            found = type_error(item, args[0], f"{where}[{n}]")
            if found is not None:
                return found
        return None
    if origin in (dict, Mapping, typing.Mapping):
        if not isinstance(value, Mapping):
            return f"{where}: expected a mapping, got {type(value).__name__}"
        for key, item in value.items():
            found = type_error(key, args[0], f"{where} key") or type_error(
                item, args[1], f"{where}[{key!r}]"
            )
            if found is not None:
                return found
        return None
    if origin is typing.Literal:
        return None if value in args else f"{where}: expected one of {args!r}, got {value!r}"
    return None
