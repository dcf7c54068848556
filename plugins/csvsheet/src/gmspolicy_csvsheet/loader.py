"""The generic CSV loader: an advocate's sheet, its columns named by options."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.kit import (
    choice_option,
    clean,
    decode,
    describe_html,
    find_instrument,
    fold,
    group_participations,
    is_url,
    looks_like_html,
    make_source,
    parse_numeric_date,
    parse_un_date,
    read_location,
    resolve_country,
    shorten,
    slug,
    unknown_names_error,
)
from gmspolicy.models import Action, ActionKind, Authority

#: Words that mean an action without a value map (folded: case and punctuation ignored).
DEFAULT_ACTIONS: Mapping[str, ActionKind] = {
    **{fold(k.value): k for k in ActionKind},
    "signed": ActionKind.SIGNATURE,
    "ratified": ActionKind.RATIFICATION,
    "acceded": ActionKind.ACCESSION,
    "accessiona": ActionKind.ACCESSION,
    "succeeded": ActionKind.SUCCESSION,
    "successiond": ActionKind.SUCCESSION,
    "accepted": ActionKind.ACCEPTANCE,
    "approved": ActionKind.APPROVAL,
    "denounced": ActionKind.DENUNCIATION,
    "withdrawn": ActionKind.WITHDRAWAL,
    "withdrew": ActionKind.WITHDRAWAL,
}
#: Content types a CSV sheet is served with (spreadsheet exports are often mislabelled).
_TYPES = frozenset(
    {
        "text/csv",
        "application/csv",
        "text/comma-separated-values",
        "text/plain",
        "text/tab-separated-values",
        "application/vnd.ms-excel",
        "application/octet-stream",
    }
)
_COLUMN_OPTIONS = {
    "country": "Country",
    "instrument": "Instrument",
    "date": "Date",
    "action": "Action",
}


class CsvSheetLoader:
    """Loads signatures, ratifications... from a CSV sheet whose columns are named by options."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "an advocate's own CSV sheet, columns mapped by --opt"
    options: ClassVar[Mapping[str, str]] = {
        "country": "column with the country name or code (default: Country)",
        "instrument": "column with the instrument id, reference or title (default: Instrument)",
        "date": "column with the date (default: Date)",
        "action": "column with the action (default: Action)",
        "action.VALUE": "what a value of the action column means "
        "(e.g. action.Ratified=ratification)",
        "dayfirst": "yes or no: how to read numeric dates like 05/06/2007 (required for them)",
        "unknown": "error (default) or skip: rows whose country is not in the reference",
        "source_url": "required: the published page the sheet's facts come from",
        "source_title": "the title of that page (default: the URL)",
        "source_publisher": "who published it (default: the URL's host)",
        "source_authority": "what that page is: depositary, official, secondary (default) or copy",
    }

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Read the sheet at ``location`` and return its facts, citing ``source_url``."""
        for opt in options:
            if opt not in self.options and not opt.startswith("action."):
                known = ", ".join(sorted(self.options))
                raise UsageError(f"loader 'csv' has no option {opt!r} (options: {known})")
        url = options.get("source_url", "")
        if not is_url(url):
            raise UsageError(
                "loader 'csv' needs --opt source_url=URL (the published page the sheet's "
                "facts come from): a sheet is not itself a source"
            )
        unknown = choice_option(self.name, options, "unknown", ("error", "skip"), "error")
        authority = Authority(
            choice_option(
                self.name,
                options,
                "source_authority",
                [a.value for a in Authority],
                Authority.SECONDARY.value,
            )
        )
        dayfirst_opt = options.get("dayfirst")
        if dayfirst_opt is not None:
            choice_option(self.name, options, "dayfirst", ("yes", "no"), "no")
        dayfirst = None if dayfirst_opt is None else dayfirst_opt == "yes"
        mapping = _action_mapping(options)
        reader, header = _open_sheet(location, context)
        cols = _columns(location, header, options)
        sheet = _Sheet(location, context, cols, mapping, dayfirst, skip_unknown=unknown == "skip")
        try:
            for row in reader:
                sheet.read_row(f"{location}:{reader.line_num}", row)
        except csv.Error as exc:
            raise LoaderError(f"{location}:{reader.line_num}: invalid CSV: {exc}") from None
        if sheet.problems:
            raise LoaderError("; ".join(sheet.problems))
        facts, unmapped = sheet.facts, sheet.unmapped
        source = make_source(
            ident=f"csv-{slug(urlsplit(url).netloc + urlsplit(url).path)[:60]}-"
            f"{context.today.isoformat()}",
            url=url,
            title=options.get("source_title") or url,
            publisher=options.get("source_publisher") or urlsplit(url).netloc,
            context=context,
            authority=authority,
        )
        return LoadResult(
            participations=group_participations(
                (c, i, Action(a.kind, a.date, (source.id,))) for c, i, a in facts
            ),
            sources=(source,),
            warnings=tuple(
                unknown_names_error(location, [n], "country").split(" (add")[0] + " (skipped)"
                for n in unmapped
            ),
        )


def _action_mapping(options: Mapping[str, str]) -> dict[str, ActionKind]:
    """What each (folded) value of the action column means: the defaults, and every
    ``--opt action.VALUE=KIND``."""
    mapping = dict(DEFAULT_ACTIONS)
    for opt, value in options.items():
        if opt.startswith("action."):
            try:
                mapping[fold(opt[len("action.") :])] = ActionKind(value)
            except ValueError:
                kinds = ", ".join(k.value for k in ActionKind)
                raise UsageError(
                    f"loader 'csv': option {opt}={value!r} must be one of: {kinds}"
                ) from None
    return mapping


def _open_sheet(location: str, context: LoadContext) -> tuple[Any, list[str]]:
    """A CSV reader over the sheet at ``location`` (delimiter guessed), and its header."""
    fetched = read_location(location, context)
    media = fetched.media_type
    if fetched.is_url and media and media not in _TYPES and "html" not in media:
        raise LoaderError(f"{location}: unexpected content type {media!r} (expected a CSV sheet)")
    text = decode(fetched.body, location)
    if looks_like_html(text):
        raise LoaderError(f"{location}: expected a CSV sheet, got {describe_html(text)}")
    sample = text[:4096]
    delimiter = max((",", ";", "\t"), key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [clean(h) for h in next(reader)]
    except StopIteration:
        raise LoaderError(f"{location}: the sheet is empty") from None
    except csv.Error as exc:
        raise LoaderError(f"{location}:1: invalid CSV: {exc}") from None
    return reader, header


def _columns(location: str, header: list[str], options: Mapping[str, str]) -> dict[str, int]:
    """The column of each role (country, instrument, date, action), named by options."""
    cols: dict[str, int] = {}
    for role, default in _COLUMN_OPTIONS.items():
        wanted = options.get(role, default)
        matches = [i for i, h in enumerate(header) if fold(h) == fold(wanted)]
        if not matches:
            raise LoaderError(
                f"{location}:1: no column {wanted!r} (columns: "
                f"{', '.join(header)}); name it with --opt {role}=COLUMN"
            )
        cols[role] = matches[0]
    return cols


@dataclasses.dataclass
class _Sheet:
    """The rows read so far: facts, problems (each ``FILE:LINE: ...``), skipped names."""

    location: str
    context: LoadContext
    cols: dict[str, int]
    mapping: dict[str, ActionKind]
    dayfirst: bool | None
    skip_unknown: bool
    facts: list[tuple[str, str, Action]] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    unmapped: dict[str, None] = dataclasses.field(default_factory=dict)

    def read_row(self, where: str, row: list[str]) -> None:
        """Read one row: a fact, a problem, a skipped country, or nothing (a blank row)."""
        if not any(c.strip() for c in row):
            return
        cells = {r: clean(row[i]) if i < len(row) else "" for r, i in self.cols.items()}
        code = resolve_country(self.context, cells["country"])
        if code is None:
            if self.skip_unknown:
                self.unmapped.setdefault(cells["country"], None)
            else:
                self.problems.append(f"{where}: unknown country {shorten(cells['country'])!r}")
            return
        inst = find_instrument(self.context, cells["instrument"])
        if inst is None:
            self.problems.append(f"{where}: unknown instrument {shorten(cells['instrument'])!r}")
            return
        kind = self.mapping.get(fold(cells["action"]))
        if kind is None:
            self.problems.append(
                f"{where}: unknown action {shorten(cells['action'])!r} (map it with "
                f"--opt action.{shorten(cells['action']) or 'VALUE'}=ratification)"
            )
            return
        try:
            date = _date(cells["date"], self.dayfirst)
        except ValueError as exc:
            self.problems.append(f"{where}: {exc}")
            return
        if date > self.context.today:
            self.problems.append(f"{where}: date {date.isoformat()} is in the future")
            return
        self.facts.append((code, inst, Action(kind, date)))


def _date(text: str, dayfirst: bool | None) -> dt.date:
    if not text:
        raise ValueError("date is empty")
    try:
        return parse_un_date(text)
    except ValueError:
        pass
    if any(ch in text for ch in "/.-") and text[:1].isdigit():
        if dayfirst is None:
            raise ValueError(
                f"ambiguous date {shorten(text)!r}: give --opt dayfirst=yes (day/month/year) "
                "or --opt dayfirst=no (month/day/year)"
            ) from None
        return parse_numeric_date(text, dayfirst)
    raise ValueError(f"unreadable date {shorten(text)!r} (use 2007-06-05 or 5 Jun 2007)")
