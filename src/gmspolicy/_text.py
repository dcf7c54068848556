"""Text helpers shared by the dataset side and the loader side."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Text folded for matching names: case, accents and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())
