"""gmspolicy loader for OHCHR's UPR matrix of recommendations.

For each state and UPR cycle OHCHR publishes a "Matrix of recommendations" as a Word file
(the thematic list of recommendations): one table, rows grouped under ``Theme:`` headings,
each row a recommendation as printed in the Working Group report (``28.4 Continue ...
(New Zealand); Accelerate ... (Uruguay) (Mali);``) with the line ``Source of position:
A/HRC/40/6/Add.1 - Para. 2``, the state's position (``Supported`` or ``Noted``) and the
matrix's themes. Each row becomes a :class:`~gmspolicy.models.Recommendation` of the
review given with ``--opt review=ID`` (one the reference dataset records).
"""

from __future__ import annotations

from gmspolicy_uprmatrix.loader import (
    AFFECTED_TAGS,
    POSITIONS,
    THEME_TAGS,
    UprMatrixLoader,
    ratified_instruments,
    recommending_names,
)

__all__ = [
    "AFFECTED_TAGS",
    "POSITIONS",
    "THEME_TAGS",
    "UprMatrixLoader",
    "ratified_instruments",
    "recommending_names",
]
