"""gmspolicy loader for OHCHR treaty-body ratification exports.

The OHCHR treaty body database exports ratification status as an HTML table saved with
an ``.xls`` name, with the columns ``COUNTRY | Treaty Description | Treaty Name |
Signature Date | Ratification Date, Accession(a), Succession(d) Date``. Treaty names
(``CCPR``, ``CMW``, ``OP-CAT``...) are mapped to gmspolicy instrument ids.
"""

from __future__ import annotations

from gmspolicy_ohchr.loader import TREATY_NAMES, OhchrLoader

__all__ = ["TREATY_NAMES", "OhchrLoader"]
