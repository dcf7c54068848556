"""Errors raised by gmspolicy.

Every error a user can cause derives from :class:`GmsPolicyError`. The CLI prints each
one as one line per problem (``place: message``) and exits with :attr:`exit_code`
(1 for data problems, 2 for usage errors); a user never sees a traceback for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gmspolicy._lazy import attach

if TYPE_CHECKING:
    from gmspolicy._problems import Problem, ProblemCode


class GmsPolicyError(Exception):
    """Base class of every error gmspolicy raises on bad input or a failed operation."""

    exit_code: int = 1

    def lines(self) -> list[str]:
        """The lines the CLI prints for this error, one per problem."""
        return [str(self)]


class DataError(GmsPolicyError):
    """Input data is invalid. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """One line per problem: ``FILE:LINE: message``."""
        return [str(p) for p in self.problems]


class UsageError(GmsPolicyError):
    """The command or call was used wrongly (bad option value, unknown name...)."""

    exit_code = 2


class LoaderError(GmsPolicyError):
    """A loader could not fetch or parse its source. No partial data is returned."""


class PluginError(GmsPolicyError):
    """A plugin failed to load, or misbehaved; the message names the plugin."""


class ExportError(GmsPolicyError):
    """An exporter failed to render or write its output."""


__all__ = [
    "DataError",
    "ExportError",
    "GmsPolicyError",
    "LoaderError",
    "PluginError",
    "Problem",
    "ProblemCode",
    "UsageError",
]

# the problems are built when first named
__getattr__, __dir__ = attach(
    __name__, dict.fromkeys(("Problem", "ProblemCode"), "gmspolicy._problems"), __all__
)
