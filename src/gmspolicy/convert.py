"""The one cattrs converter used by every JSON and dataset path.

Dates are ISO strings, partial dates ``YYYY[-MM[-DD]]`` strings, enums their values;
strings must be strings (``NO`` read by YAML as ``False`` is an error, not ``"False"``);
unknown keys are errors. An :class:`~gmspolicy.models.Action` is written as the JSON feed
2.x has it (:class:`FeedAction`): its date as precisely as it is known (``1999``,
``1999-08``, ``1999-08-23``, never padded to a day) and its ``precision``; a 1.x feed's
first day plus ``precision`` is still read.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.gen import make_dict_structure_fn

from gmspolicy._gc import without_gc
from gmspolicy.dates import DatePrecision, PartialDate, parse_date
from gmspolicy.models import Action, ActionKind


@attrs.frozen
class FeedAction:
    """An action as the JSON feed writes it: ``date`` as precisely as the source gives it
    (ISO 8601 reduced precision: ``1999``, ``1999-08``, ``1999-08-23``) and ``precision``
    saying which. A 1.x feed wrote the first day of the month or year with
    ``precision`` ``month`` or ``year``; that is read too."""

    kind: ActionKind
    date: PartialDate
    sources: tuple[str, ...] = ()
    note: str | None = None
    precision: DatePrecision | None = None
    research_note: str | None = None

    @classmethod
    def of(cls, action: Action) -> FeedAction:
        """The feed form of ``action``."""
        return cls(
            action.kind,
            action.date,
            action.sources,
            action.note,
            action.date.precision,
            action.research_note,
        )

    def action(self) -> Action:
        """The :class:`Action` this record describes; ``ValueError`` when ``precision``
        does not fit ``date`` (a 1.x first day that is not the first of its month or
        year included)."""
        d, precision = self.date, self.precision
        if precision is None or precision is d.precision:
            date = d
        elif d.precision is DatePrecision.DAY:  # a 1.x feed: the first day + precision
            date = (
                PartialDate(d.year, d.month)
                if precision is DatePrecision.MONTH
                else PartialDate(d.year)
            )
            if date.earliest() != d.earliest():
                raise ValueError(
                    f"date {d} with precision {precision.value} must be the first "
                    f"day of its {precision.value} ({date.earliest().isoformat()})"
                )
        else:
            raise ValueError(
                f"date {d} is known to the {d.precision.value}, not the {precision.value}"
            )
        return Action(self.kind, date, self.sources, self.note, self.research_note)


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_describe(value)}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_describe(value)}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_describe(value)}")
    return value


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date YYYY-MM-DD, got {_describe(value)}")
    return parse_date(value)


def _structure_partial(value: Any, _: type) -> PartialDate:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {_describe(value)}")
    return PartialDate.parse(value)


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise ValueError(f"{value!r} is not one of: {allowed}") from None


def _is_list_type(t: Any) -> bool:
    args: tuple[Any, ...] = tuple(getattr(t, "__args__", ()))
    return getattr(t, "__origin__", None) is tuple and args[1:] == (Ellipsis,)


def _list_structure_factory(t: Any, conv: cattrs.Converter) -> Any:
    """``tuple[X, ...]`` from a list only: text or a mapping is an error, not a list of
    its characters or keys (``groups: GMS`` is not ``[G, M, S]``)."""
    inner = homogenous_tuple_structure_factory(t, conv)

    def structure(value: Any, _: type) -> Any:
        if isinstance(value, str | bytes | dict):
            raise ValueError(f"expected a list, got {_describe(value)}")
        return inner(value, t)

    return structure


def _structure_field_sources(value: Any, _: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A review's ``field_sources``: a mapping of field name to a list of source ids."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping of field name to source ids, got {_describe(value)}")
    out = []
    for key, ids in value.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"{key}: expected a list of source ids, got {_describe(ids)}")
        out.append((_structure_str(key, str), tuple(ids)))
    return tuple(sorted(out))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (quote it if it is text)"
    return f"{type(value).__name__} {value!r}"


def make_converter() -> cattrs.Converter:
    """Build the gmspolicy converter (exposed for plugins that need their own instance)."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(PartialDate, _structure_partial)
    conv.register_unstructure_hook(PartialDate, str)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )
    conv.register_structure_hook_factory(_is_list_type, _list_structure_factory)
    # after the list factory: the later registration wins
    from gmspolicy.models import FieldSources

    conv.register_structure_hook_func(lambda t: t == FieldSources, _structure_field_sources)
    conv.register_unstructure_hook_func(
        lambda t: t == FieldSources, lambda pairs: {k: list(v) for k, v in pairs}
    )
    conv.register_structure_hook_factory(
        lambda t: hasattr(t, "__attrs_attrs__") and t not in (PartialDate, Action),
        lambda t: make_dict_structure_fn(t, conv, _cattrs_forbid_extra_keys=True),
    )
    structure_feed = make_dict_structure_fn(FeedAction, conv, _cattrs_forbid_extra_keys=True)
    unstructure_feed = conv.get_unstructure_hook(FeedAction)

    def structure_action(value: Any, _: type) -> Action:
        return structure_feed(value, FeedAction).action()

    conv.register_structure_hook(Action, structure_action)
    conv.register_unstructure_hook(Action, lambda a: unstructure_feed(FeedAction.of(a)))
    return conv


converter: cattrs.Converter = make_converter()
"""The shared converter. ``converter.structure(converter.unstructure(x), type(x)) == x``."""


def error_messages(exc: BaseException) -> list[tuple[str, str]]:
    """Turn a cattrs structuring error into ``(path, message)`` pairs.

    Paths look like ``$.actions[2].date``; messages are short and readable.
    """
    out: list[tuple[str, str]] = []
    if isinstance(exc, (cattrs.ClassValidationError, cattrs.IterableValidationError)):
        for raw in cattrs.transform_error(exc, path="$", format_exception=_format_exception):
            msg, _, path = raw.rpartition(" @ ")
            out.append((path or "$", msg or raw))
    else:
        out.append(("$", _format_exception(exc, None)))
    return out


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return "unknown field(s): " + ", ".join(sorted(exc.extra_fields))
    if isinstance(exc, ValueError | TypeError) and str(exc):
        text = str(exc)
        if isinstance(exc, TypeError) and "not iterable" in text:
            return "expected a list"
        return text
    return f"invalid value ({type(exc).__name__})"


__all__ = ["FeedAction", "converter", "error_messages", "without_gc"]
