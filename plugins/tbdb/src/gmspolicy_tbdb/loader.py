"""The Treaty Body Database loader: a country's reporting status, saved as HTML or read live."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from gmspolicy.dates import PartialDate, parse_date
from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.kit import (
    HtmlDoc,
    check_options,
    clean,
    decode,
    describe_html,
    fetched_source,
    fold,
    looks_like_html,
    parse_html,
    parse_numeric_date,
    parse_un_date,
    read_location,
    resolve_country,
    strip_footnotes,
)
from gmspolicy.models import Authority, Mechanism, ReportingStatus

PUBLISHER = "Office of the United Nations High Commissioner for Human Rights (OHCHR)"

#: Treaty names on the page -> the committee that reviews the reports (the CRC's optional
#: protocols are reported on to the CRC).
TREATY_MECHANISMS: Mapping[str, Mechanism] = {
    "CERD": Mechanism.CERD,
    "CCPR": Mechanism.CCPR,
    "CESCR": Mechanism.CESCR,
    "CEDAW": Mechanism.CEDAW,
    "CAT": Mechanism.CAT,
    "CRC": Mechanism.CRC,
    "CRC-OP-AC": Mechanism.CRC,
    "CRC-OP-SC": Mechanism.CRC,
    "CMW": Mechanism.CMW,
    "CRPD": Mechanism.CRPD,
    "CED": Mechanism.CED,
}
_TYPES = ("text/html", "application/xhtml+xml", "application/octet-stream", "text/plain")
_COLUMNS = {
    "treaty": ("treaty", "treatybody", "committee"),
    "report": ("report", "reporttype", "description", "document"),
    "due": ("duedate", "datedue", "due"),
    "submitted": (
        "submitted",
        "dateofreceipt",
        "received",
        "submissiondate",
        "datesubmitted",
        "dateofsubmission",
        "receiptdate",
    ),
    "status": ("status",),
}
#: Status words that say a report has come in (so a missing date is unknown, not "not
#: submitted"), and words that say it has not.
_RECEIVED = ("received", "pending", "consider", "concluding", "review", "submitted", "scheduled")
_NOT_RECEIVED = ("overdue", "notyetdue", "notsubmitted", "due")
_EMPTY = {"", "-", "--", "—", "n/a", "na", "not available"}
# Possessive repeats (``++``, ``*+``) never give back what they matched: no backtracking
# on long runs of spaces or letters in a hostile page.
_HEADING = re.compile(r"reporting status (?:for|of)\s++(.+)", re.IGNORECASE)
_AS_AT = re.compile(
    r"(?:status as (?:at|of)|as at|last updated(?: on)?)\s*+(?::\s*+)?"
    r"(\d{1,2}\s++\w++\.?\s++\d{4}|[A-Za-z]++\s++\d{1,2},\s*+\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
#: Longest heading searched for the country's name.
MAX_HEADING = 500
_CODE_IN_URL = re.compile(r"[?&]CountryCode=([A-Za-z]{3})\b")


class TbdbLoader:
    """Loads reporting-status rows from the UN Treaty Body Database's country page."""

    name: ClassVar[str] = "tbdb"
    description: ClassVar[str] = (
        "UN Treaty Body Database country reporting status (reports due and submitted; HTML)"
    )
    options: ClassVar[Mapping[str, str]] = {
        "country": "the country (code or name) when the page does not name it",
        "as_of": "YYYY-MM-DD: the date a saved page is current to (a live page: the day read)",
        "source_url": "the URL to cite when loading a saved file",
        "source_title": "the title to cite instead of the generated one",
    }

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Read ``location`` and return the reports it lists, as of the page's date."""
        check_options(self.name, self.options, options)
        given_as_of = _as_of_option(options)
        fetched = read_location(location, context)
        media = fetched.media_type
        if fetched.is_url and media and media not in _TYPES:
            raise LoaderError(
                f"{location}: unexpected content type {media!r} (expected the Treaty Body "
                "Database's country page, HTML)"
            )
        text = decode(fetched.body, location)
        if not looks_like_html(text) and "<table" not in text.lower():
            raise LoaderError(f"{location}: not an HTML page (save the country page as HTML)")
        doc = parse_html(text)
        body, cols = _table(doc, text, location)
        code, name = _country(doc, options, location, fetched.url, context)
        as_of = given_as_of or _stated_as_of(doc)
        if as_of is None:
            if not fetched.is_url:
                raise LoaderError(
                    f"{location}: cannot tell what date this saved page is current to "
                    "(no 'Status as at' line): give --opt as_of=YYYY-MM-DD"
                )
            as_of = context.today
        if as_of > context.today:
            raise LoaderError(
                f"{location}: the page is dated {as_of.isoformat()}, after today "
                f"({context.today.isoformat()})"
            )
        source = fetched_source(
            options,
            fetched,
            ident=f"tbdb-{code.lower()}-{context.today.isoformat()}",
            title=f"Reporting status for {name} (UN Treaty Body Database)",
            publisher=PUBLISHER,
            context=context,
            as_of=as_of,
            authority=Authority.OFFICIAL,
        )
        rows: list[ReportingStatus] = []
        problems: list[str] = []
        skipped: dict[str, None] = {}
        undated: list[str] = []
        treaty = ""
        for n, cells in body:

            def get(role: str, cells: Sequence[str] = cells) -> str:
                j = cols.get(role)
                return cells[j] if j is not None and j < len(cells) else ""

            if not any(cells):
                continue
            # a treaty named once for several rows (a merged cell) holds for the rows after
            treaty = strip_footnotes(get("treaty")).upper().replace(" ", "") or treaty
            report = clean(get("report"))
            if not treaty or not report:
                continue
            mechanism = TREATY_MECHANISMS.get(treaty)
            if mechanism is None:
                skipped.setdefault(treaty, None)
                continue
            where = f"{location}: row {n} ({treaty}, {report})"
            try:
                due = _date(get("due"))
                submitted = _date(get("submitted"))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            status = fold(get("status"))
            if (
                submitted is None
                and status
                and any(w in status for w in _RECEIVED)
                and not any(status.startswith(w) for w in _NOT_RECEIVED)
            ):
                undated.append(f"{where}: status {get('status')!r} but no date of receipt")
                continue
            if submitted is not None and submitted.earliest() > as_of:
                problems.append(
                    f"{where}: submitted {submitted} is after the page's date {as_of.isoformat()}"
                )
                continue
            if due is None and submitted is None:
                continue
            if treaty.startswith("CRC-OP"):
                report = f"{report} ({treaty})"
            rows.append(
                ReportingStatus(
                    country=code,
                    mechanism=mechanism,
                    report=report,
                    due=due,
                    as_of=as_of,
                    submitted=submitted,
                    sources=(source.id,),
                )
            )
        if problems:
            raise LoaderError("; ".join(problems))
        warnings = [
            f"{location}: skipped treaty {t!r} (no reporting to a tracked committee)"
            for t in skipped
        ] + [f"{u} (left out: a submission without its date is not recorded)" for u in undated]
        return LoadResult(sources=(source,), warnings=tuple(warnings), reporting=tuple(rows))


def _as_of_option(options: Mapping[str, str]) -> dt.date | None:
    value = options.get("as_of")
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise UsageError(f"loader 'tbdb': --opt as_of: {exc}") from None


def _role(header: str) -> str | None:
    h = fold(header)
    for role, names in _COLUMNS.items():
        if h in names:
            return role
    return None


def _table(
    doc: HtmlDoc, text: str, location: str
) -> tuple[list[tuple[int, list[str]]], dict[str, int]]:
    for table in doc.tables:
        for i, row in enumerate(table.rows[:5]):
            roles: dict[str, int] = {}
            for j, cell in enumerate(row):
                role = _role(cell.text)
                if role is not None:
                    roles.setdefault(role, j)
            if {"treaty", "report"} <= roles.keys() and ("due" in roles or "submitted" in roles):
                body = [
                    (n, [c.text for c in r]) for n, r in enumerate(table.rows[i + 1 :], start=i + 2)
                ]
                return body, roles
    raise LoaderError(
        f"{location}: no reporting-status table (expected columns Treaty, Report, Due date, "
        f"Submitted) in {describe_html(text)}"
    )


def _country(
    doc: HtmlDoc, options: Mapping[str, str], location: str, url: str, context: LoadContext
) -> tuple[str, str]:
    named = options.get("country")
    if named is None:
        for heading in (*doc.headings, doc.title):
            m = _HEADING.search(heading[:MAX_HEADING])
            if m:
                named = clean(m.group(1))
                break
    if named is None:
        m = _CODE_IN_URL.search(url)
        if m:
            named = m.group(1).upper()
    if named is None:
        raise LoaderError(
            f"{location}: cannot tell which country this page is about: give --opt country=CODE"
        )
    code = resolve_country(context, named)
    if code is None:
        raise LoaderError(
            f"{location}: cannot map country {named!r} to a country of the reference dataset "
            "(add the name to the country's names, or give --opt country=CODE)"
        )
    return code, context.reference.country(code).name


def _stated_as_of(doc: HtmlDoc) -> dt.date | None:
    m = _AS_AT.search(doc.text)
    if not m:
        return None
    try:
        return parse_un_date(m.group(1))
    except ValueError:
        return None


def _date(text: str) -> PartialDate | None:
    value = clean(text)
    if value.lower() in _EMPTY:
        return None
    if len(value) == 4 and value.isascii() and value.isdigit():
        return PartialDate(int(value))
    try:
        return PartialDate.from_date(parse_un_date(value))
    except ValueError:
        pass
    try:
        return PartialDate.from_date(parse_numeric_date(value, dayfirst=True))
    except ValueError:
        raise ValueError(f"unreadable date {text.strip()!r}") from None
