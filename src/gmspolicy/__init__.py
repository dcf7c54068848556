"""gmspolicy: a typed, sourced tracker of UN, ILO and ASEAN instruments, labour MOUs and
forums for migrant-rights work in the Greater Mekong Subregion.

>>> import gmspolicy
>>> pset = gmspolicy.load_dataset()          # the bundled dataset
>>> pset.status("THA", "ILO-C029").kind.value
'party'

The public API is re-exported here and imported lazily (so the CLI starts fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gmspolicy._lazy import attach
from gmspolicy._version import __version__

if TYPE_CHECKING:
    from gmspolicy.dataset import load_dataset
    from gmspolicy.dates import PartialDate
    from gmspolicy.errors import DataError, GmsPolicyError, LoaderError, ProblemCode, UsageError
    from gmspolicy.models import (
        Action,
        ActionKind,
        Authority,
        Country,
        Event,
        Instrument,
        Mou,
        Observation,
        Participation,
        Source,
        Status,
        StatusKind,
    )
    from gmspolicy.query.policyset import Matrix, PolicySet

__all__ = [
    "Action",
    "ActionKind",
    "Authority",
    "Country",
    "DataError",
    "Event",
    "GmsPolicyError",
    "Instrument",
    "LoaderError",
    "Matrix",
    "Mou",
    "Observation",
    "PartialDate",
    "Participation",
    "PolicySet",
    "ProblemCode",
    "Source",
    "Status",
    "StatusKind",
    "UsageError",
    "__version__",
    "load_dataset",
]

_EXPORTS = {
    "load_dataset": "gmspolicy.dataset",
    "PolicySet": "gmspolicy.query.policyset",
    "Matrix": "gmspolicy.query.policyset",
    "GmsPolicyError": "gmspolicy.errors",
    "DataError": "gmspolicy.errors",
    "UsageError": "gmspolicy.errors",
    "LoaderError": "gmspolicy.errors",
    "ProblemCode": "gmspolicy.errors",
    "PartialDate": "gmspolicy.dates",
}
_EXPORTS.update(
    dict.fromkeys(
        (
            "Action",
            "ActionKind",
            "Authority",
            "Country",
            "Event",
            "Instrument",
            "Mou",
            "Observation",
            "Participation",
            "Source",
            "Status",
            "StatusKind",
        ),
        "gmspolicy.models",
    )
)

__getattr__, __dir__ = attach(__name__, _EXPORTS, __all__)
