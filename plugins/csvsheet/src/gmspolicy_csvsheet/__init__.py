"""gmspolicy loader for advocates' own sheets (CSV), with a column mapping.

``gmspolicy load csv sheet.csv --opt country=Country --opt instrument=Treaty
--opt date=Date --opt action=Status --opt action.Ratified=ratification
--opt source_url=https://... --opt source_title=...``
"""

from __future__ import annotations

from gmspolicy_csvsheet.loader import CsvSheetLoader

__all__ = ["CsvSheetLoader"]
