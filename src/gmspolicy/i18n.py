"""Labels and country names in the languages of the region.

Labels (status words, legend, headings, footnote text) come from the message catalogs in
``gmspolicy/locales/LANG.json``: one flat JSON object per language, which contributors can
correct without touching code. Country names come from CLDR (through babel), with the
overrides in ``locales/overrides.json`` (for example the display name for Myanmar).
A label missing from a catalog falls back to English.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from gmspolicy.errors import UsageError
from gmspolicy.models import ActionKind, Country, Status, StatusKind

#: Languages with a catalog: English, Burmese, Khmer, Lao, Thai, Vietnamese, Chinese.
LANGUAGES: tuple[str, ...] = ("en", "my", "km", "lo", "th", "vi", "zh")

#: CSS font stack that covers the scripts of every supported language.
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Myanmar", '
    '"Myanmar Text", "Padauk", "Noto Sans Khmer", "Khmer OS", "Leelawadee UI", '
    '"Noto Sans Lao", "Phetsarath OT", "Noto Sans Thai", "Tahoma", '
    '"Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
)


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    text = (
        resources.files("gmspolicy").joinpath("locales").joinpath(f"{lang}.json").read_text("utf-8")
    )
    data: Any = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"locales/{lang}.json must hold a JSON object")
    return {str(k): str(v) for k, v in data.items()}


@functools.cache
def _overrides() -> dict[str, dict[str, str]]:
    text = (
        resources.files("gmspolicy")
        .joinpath("locales")
        .joinpath("overrides.json")
        .read_text("utf-8")
    )
    data: Any = json.loads(text)
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.items()}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`UsageError`."""
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r} (one of: {', '.join(LANGUAGES)})")
    return lang


class Labels:
    """Every piece of text an exporter shows, in one language.

    >>> Labels("en").status_word(StatusKind.PARTY)
    'party'
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = check_lang(lang)

    def __call__(self, key: str, **kwargs: object) -> str:
        """The label ``key``, formatted with ``kwargs``; English if this catalog lacks it."""
        text = _catalog(self.lang).get(key)
        if text is None:
            text = _catalog("en").get(key, key)
        try:
            return text.format(**kwargs) if kwargs else text
        except (KeyError, IndexError, ValueError):
            return _catalog("en").get(key, key).format(**kwargs)

    def status_word(self, kind: StatusKind) -> str:
        """The word for a status kind (party, signatory...)."""
        return self(f"status.{kind.value}")

    def action_word(self, kind: ActionKind) -> str:
        """The word for an action kind (ratification, accession...)."""
        return self(f"action.{kind.value}")

    def cell_word(self, status: Status) -> str:
        """What a table cell says: how a party became bound (ratified, acceded, succession),
        or the status word."""
        if status.kind is StatusKind.PARTY and status.via is not None:
            return self(f"cell.{status.via.value}")
        return self(f"cell.{status.kind.value}")

    def country_name(self, country: Country) -> str:
        """The country's name in this language (override table, then CLDR, then the dataset)."""
        over = _overrides().get(self.lang, {}).get(country.code)
        if over:
            return over
        if self.lang == "en":
            return country.name
        return _cldr_name(self.lang, country.alpha2) or country.name


@functools.cache
def _cldr_name(lang: str, alpha2: str) -> str | None:
    try:
        from babel import Locale

        name = Locale.parse(lang).territories.get(alpha2)
    except Exception:  # babel data missing for a locale: fall back to the dataset name
        return None
    return str(name) if name else None
