"""gmspolicy loader for UN Treaty Collection (UNTC) status tables.

Reads the per-treaty MTDSG XML
(``https://treaties.un.org/doc/Publication/MTDSG/Volume%20I/Chapter%20IV/iv-13.en.xml``)
or a status table saved as CSV or HTML, with the columns
``Participant | Signature, Succession to signature(d) | Ratification, Accession(a),
Succession(d)`` (and their variants). Cells read ``5 Jun 2007 a``: the letter after the
date is the action (``a`` accession, ``d`` succession, ``A`` acceptance, ``AA`` approval,
``c`` formal confirmation; none: ratification). Participant names lose their footnote
marks and are mapped to ISO codes through the reference dataset.
"""

from __future__ import annotations

from gmspolicy_untc.loader import UntcLoader

__all__ = ["UntcLoader"]
