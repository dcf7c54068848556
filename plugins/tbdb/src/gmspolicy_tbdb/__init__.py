"""gmspolicy loader for the UN Treaty Body Database's country reporting-status page.

The database's country page (``tbinternet.ohchr.org/_layouts/15/TreatyBodyExternal/
Countries.aspx?CountryCode=THA&Lang=EN``) lists, per treaty, the reports a State owes or
has sent: ``Treaty | Report | Due date | Submitted`` (also ``Date of receipt``,
``Status``...). Each row becomes a reporting-status record (a report due and whether it
was submitted), as of the date the page was read (a live page) or the date a saved copy
states (``Status as at``) or is given (``--opt as_of=YYYY-MM-DD``).
"""

from __future__ import annotations

from gmspolicy_tbdb.loader import TREATY_MECHANISMS, TbdbLoader

__all__ = ["TREATY_MECHANISMS", "TbdbLoader"]
