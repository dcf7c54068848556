"""gmspolicy loader for ILO NORMLEX "Ratifications for <country>" pages.

Tables ``Convention | Date | Status | Note``; statuses ``In Force``, ``Not in force``,
``Denounced`` and ``Abrogated``; protocols listed under their convention
(``P029 - Protocol of 2014 ... ratified on 04 Jun 2018 (In Force)``); denunciations
(``Denounced on 01 Jan 1990``, ``Automatic Denunciation on ...``). Convention codes map to
gmspolicy ids ``ILO-C029``, ``ILO-P029``...
"""

from __future__ import annotations

from gmspolicy_normlex.loader import NormlexLoader

__all__ = ["NormlexLoader"]
