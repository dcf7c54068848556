"""Names a module exports but imports only when one is first asked for (PEP 562): how
``gmspolicy``, :mod:`gmspolicy.models`, :mod:`gmspolicy.query.views`,
:mod:`gmspolicy.errors` and :mod:`gmspolicy.plugins` keep a command from building the
classes it does not use."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def attach(
    module: str, homes: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A ``__getattr__`` and a ``__dir__`` for the module named ``module``: each name of
    ``homes`` is imported from the module ``homes[name]`` (relative to ``module`` when it
    starts with a dot) when first asked for, then kept in ``module`` (looked up once);
    :func:`dir` lists the ``public`` names with the module's own."""
    namespace = vars(sys.modules[module])
    listed = frozenset(public)

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(import_module(home, module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *listed})

    return __getattr__, __dir__
