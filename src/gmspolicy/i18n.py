"""Labels and country names in the languages of the region.

Labels (status words, legend, headings, footnote text) come from the message catalogs in
``gmspolicy/locales/LANG.json``: one flat JSON object per language, which contributors can
correct without touching code. Country names come from CLDR (through babel), with the
overrides in ``locales/overrides.json`` (for example the display name for Myanmar).
A label missing from a catalog falls back to English.

Instrument names come from ``locales/instruments.json`` (a short name and a title per
instrument and language, sourced or marked as a draft; drafts are shown as they are and
listed in ``locales/README.md`` for review); an instrument it does not know keeps the
dataset's English names. Date ranges and lists are formatted with CLDR through babel
(``format_interval``, ``format_list``), and Chinese text gets full-width punctuation
(comma, colon, parentheses) where the code joins pieces. English keeps the dataset's names,
ISO dates and comma-joined lists, so English output is unchanged.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Literal

from gmspolicy.dates import PartialDate
from gmspolicy.errors import UsageError
from gmspolicy.models import ActionKind, Country, Instrument, Status, StatusKind

#: Languages with a catalog: English, Burmese, Khmer, Lao, Thai, Vietnamese, Chinese.
LANGUAGES: tuple[str, ...] = ("en", "my", "km", "lo", "th", "vi", "zh")

#: CSS font stack that covers the scripts of every supported language.
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Myanmar", '
    '"Myanmar Text", "Padauk", "Noto Sans Khmer", "Khmer OS", "Leelawadee UI", '
    '"Noto Sans Lao", "Phetsarath OT", "Noto Sans Thai", "Tahoma", '
    '"Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
)


def _locale_text(name: str) -> str:
    """The text of ``locales/NAME``: read from the package's folder (importing
    :mod:`importlib.resources` costs more than a small command's work), or through
    importlib.resources when the package is not a folder of files (a zip archive)."""
    try:
        with open(os.path.join(os.path.dirname(__file__), "locales", name), encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        from importlib import resources

        return resources.files("gmspolicy").joinpath("locales").joinpath(name).read_text("utf-8")


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    text = _locale_text(f"{lang}.json")
    data: Any = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"locales/{lang}.json must hold a JSON object")
    return {str(k): str(v) for k, v in data.items()}


@functools.cache
def _overrides() -> dict[str, dict[str, str]]:
    text = _locale_text("overrides.json")
    data: Any = json.loads(text)
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.items()}


#: Punctuation where the code joins pieces of text (the catalogs hold their own): Chinese
#: uses full-width forms (GB/T 15834); every other language the ASCII ones.
_PUNCTUATION: dict[str, dict[str, str]] = {
    "zh": {"comma": "\uff0c", "colon": "\uff1a", "open": "\uff08", "close": "\uff09"},
}
_ASCII_PUNCTUATION = {"comma": ", ", "colon": ": ", "open": " (", "close": ")"}

#: The list styles used (CLDR has ``standard`` and ``or`` for every supported language;
#: others raise KeyError for km, lo, th and vi).
LIST_STYLES: tuple[str, ...] = ("standard", "or")


@functools.cache
def _instrument_names() -> dict[str, dict[str, dict[str, Any]]]:
    text = _locale_text("instruments.json")
    data: Any = json.loads(text)
    return {str(k): v for k, v in data.items() if not str(k).startswith("_")}


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
        return self.cell_word_of(status.kind, status.via)

    def cell_word_of(self, kind: StatusKind, via: ActionKind | None) -> str:
        """:meth:`cell_word` of a status given by its kind and (for a party) action."""
        if kind is StatusKind.PARTY and via is not None:
            return self(f"cell.{via.value}")
        return self(f"cell.{kind.value}")

    def instrument_name(self, instrument: Instrument) -> str:
        """The instrument's short name in this language (``locales/instruments.json``; the
        dataset's own in English or when the file does not know the instrument)."""
        return self._instrument_field(instrument, "short_name") or instrument.short_name

    def instrument_title(self, instrument: Instrument) -> str:
        """The instrument's full title in this language (as :meth:`instrument_name`)."""
        return self._instrument_field(instrument, "title") or instrument.title

    def _instrument_field(self, instrument: Instrument, field: str) -> str | None:
        if self.lang == "en":
            return None
        entry = _instrument_names().get(instrument.id, {}).get(self.lang)
        value = entry.get(field) if isinstance(entry, dict) else None
        return str(value) if value else None

    def punct(self, name: str) -> str:
        """Joining punctuation: ``comma``, ``colon``, ``open`` or ``close`` (parenthesis),
        full-width in Chinese. ``open`` includes the space before it where there is one."""
        return _PUNCTUATION.get(self.lang, _ASCII_PUNCTUATION)[name]

    def paren(self, text: str) -> str:
        """``text`` in parentheses after a space; full-width parentheses in Chinese."""
        return self.punct("open") + text + self.punct("close")

    def join(
        self, items: list[str] | tuple[str, ...], style: Literal["standard", "or"] = "standard"
    ) -> str:
        """A list in this language (CLDR ``standard`` or ``or`` style); in English the
        items joined by a comma and a space, as gmspolicy always has."""
        if style not in LIST_STYLES:
            raise ValueError(f"list style {style!r} is not one of {LIST_STYLES}")
        if self.lang == "en" and style == "standard":
            return ", ".join(items)
        if not items:
            return ""
        from babel.lists import format_list

        return str(format_list(list(items), style=style, locale=self.lang))

    def date(self, value: PartialDate) -> str:
        """A date known to the day, month or year, in this language (CLDR ``yMMMd``,
        ``yMMM`` or the year); ISO (``2009-07-30``, ``2016-11``) in English."""
        if self.lang == "en":
            return str(value)
        from babel.dates import format_skeleton

        full = value.to_date()
        if full is not None:
            return str(format_skeleton("yMMMd", full, locale=self.lang))
        if value.month is not None:
            first = value.earliest()
            return str(format_skeleton("yMMM", first, locale=self.lang))
        return str(value.year)

    def date_range(self, start: PartialDate, end: PartialDate | None, english: str = " to ") -> str:
        """A date or date range in this language (CLDR interval formats, as in
        ``2009年7月30日 - 31日``); in English ISO dates joined by ``english``. A range whose
        ends are not both known to the day (or both to the month) joins the two dates with
        the language's interval pattern."""
        if end is None or end == start:
            return self.date(start)
        if self.lang == "en":
            return f"{start}{english}{end}"
        from babel import Locale
        from babel.dates import format_interval

        a, b = start.to_date(), end.to_date()
        if a is not None and b is not None:
            return str(format_interval(a, b, "yMMMd", locale=self.lang))
        if start.day is None and end.day is None and start.month and end.month:
            return str(format_interval(start.earliest(), end.earliest(), "yMMM", locale=self.lang))
        pattern = Locale.parse(self.lang).interval_formats.get(None) or "{0} \u2013 {1}"
        return str(pattern).replace("{0}", self.date(start)).replace("{1}", self.date(end))

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
