"""The exporter contract: what an exporter plugin provides."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from gmspolicy.query.views import View

__all__ = ["Exporter"]


@runtime_checkable
class Exporter(Protocol):
    """What an exporter plugin provides.

    ``render`` must be pure: it returns text (``binary`` False) or bytes (``binary``
    True) and writes nothing. It raises :class:`~gmspolicy.errors.UsageError` for a view
    kind not in ``views``.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    binary: ClassVar[bool]
    views: ClassVar[frozenset[str]]

    def render(self, view: View) -> str | bytes:
        """Render ``view``."""
        ...
