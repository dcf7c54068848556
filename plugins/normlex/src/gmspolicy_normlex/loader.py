"""The NORMLEX loader: one country's ILO ratifications."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.kit import (
    HtmlDoc,
    check_options,
    cited_participations,
    clean,
    decode,
    describe_html,
    fetched_source,
    fold,
    looks_like_html,
    parse_html,
    parse_un_date,
    read_location,
    resolve_country,
)
from gmspolicy.models import Action, ActionKind, Authority

PUBLISHER = "International Labour Organization (NORMLEX)"
# Linear work on any text: runs are possessive where what follows could also match, and
# the gap between a protocol's code and "ratified on" is bounded (MAX_PROTOCOL_GAP), so
# no candidate is scanned to the end of the row (tests/reliability/test_rel_hostile_regex.py).
MAX_PROTOCOL_GAP = 300
#: Longest cell or title read (a convention code, a status note, a page title).
MAX_CELL_CHARS = 2000
_CODE = re.compile(r"^\s*+([CP])\s*+0*+(\d{1,3})\b")
_PROTOCOL = re.compile(
    rf"\b(P)\s*+0*+(\d{{1,3}})\b[^()]{{0,{MAX_PROTOCOL_GAP}}}?ratified on"
    r"\s++(\d{1,2}\s++[A-Za-z]{3,9}\s++\d{4})(?:\s*+\((In Force|Not in force)\))?",
    re.IGNORECASE,
)
_DENOUNCED = re.compile(
    r"(automatic\s++)?denunciation on\s++(\d{1,2}\s++[A-Za-z]{3,9}\s++\d{4})"
    r"(?:\s++by convention\s++(C\s*+\d{1,3}))?"
    r"|denounced on\s++(\d{1,2}\s++[A-Za-z]{3,9}\s++\d{4})",
    re.IGNORECASE,
)
_TITLE = re.compile(r"ratifications for\s++(.+)$", re.IGNORECASE)
_STATUSES = ("in force", "not in force", "denounced", "abrogated")


def ilo_id(letter: str, number: str) -> str:
    """``("C", "29")`` -> ``"ILO-C029"``."""
    return f"ILO-{letter.upper()}{int(number):03d}"


class NormlexLoader:
    """Loads one country's ratifications of ILO conventions and protocols."""

    name: ClassVar[str] = "normlex"
    description: ClassVar[str] = "ILO NORMLEX 'Ratifications for <country>' page"
    options: ClassVar[Mapping[str, str]] = {
        "country": "the country (code or name) when the page title does not say",
        "source_url": "the URL to cite when loading a saved file",
        "source_title": "the title to cite instead of the page title",
    }

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Read ``location`` and return the country's ratifications and denunciations."""
        check_options(self.name, self.options, options)
        given = options.get("country")
        country = None
        if given:
            country = context.reference.resolve_country(given)
            if country is None:
                raise UsageError(f"loader 'normlex': unknown country {given!r}")
        fetched = read_location(location, context)
        if fetched.is_url and fetched.media_type not in ("text/html", "application/xhtml+xml"):
            raise LoaderError(
                f"{location}: unexpected content type {fetched.media_type!r} "
                "(expected the NORMLEX HTML page)"
            )
        text = decode(fetched.body, location)
        if not looks_like_html(text):
            raise LoaderError(f"{location}: not an HTML page")
        doc = parse_html(text, location)
        page_country, page_name = _country_from(doc, context)
        if country is None:
            if page_name is None:
                raise LoaderError(
                    f"{location}: no 'Ratifications for <country>' title in "
                    f"{describe_html(text)}: give --opt country=CODE"
                )
            if page_country is None:
                raise LoaderError(
                    f"{location}: cannot map country {page_name!r} to a country of the "
                    "reference dataset (add the name to the country's names, or give "
                    "--opt country=CODE)"
                )
            country = page_country
        facts, skipped = _facts(doc, location, context)
        if not facts and not skipped:
            raise LoaderError(
                f"{location}: no ratifications table (expected columns Convention, Date, "
                f"Status) in {describe_html(text)}"
            )
        source = fetched_source(
            options,
            fetched,
            ident=f"normlex-{country.lower()}-{context.today.isoformat()}",
            title=f"Ratifications for {context.reference.country(country).name}",
            publisher=PUBLISHER,
            context=context,
            authority=Authority.DEPOSITARY,
        )
        return LoadResult(
            participations=cited_participations(
                location, ((country, inst, a) for inst, a in facts), source.id, context.today
            ),
            sources=(source,),
            warnings=tuple(
                f"{location}: skipped {code} (not in the reference)" for code in skipped
            ),
        )


def _country_from(doc: HtmlDoc, context: LoadContext) -> tuple[str | None, str | None]:
    for text in (doc.title, *doc.headings):
        m = _TITLE.search(clean(text)[:MAX_CELL_CHARS])
        if m:
            name = m.group(1).strip(" .")
            return resolve_country(context, name), name
    return None, None


def _facts(
    doc: HtmlDoc, location: str, context: LoadContext
) -> tuple[list[tuple[str, Action]], list[str]]:
    facts: list[tuple[str, Action]] = []
    skipped: dict[str, None] = {}
    problems: list[str] = []

    def add(inst: str, code: str, action: Action) -> None:
        if context.reference.has_instrument(inst):
            facts.append((inst, action))
        else:
            skipped.setdefault(code, None)

    for table in doc.tables:
        header = None
        for i, row in enumerate(table.rows[:3]):
            names = [fold(c.text) for c in row]
            if "convention" in names and "date" in names:
                header = i, names
                break
        if header is None:
            continue
        start, names = header
        col: dict[str, int] = {
            n: names.index(n) for n in ("convention", "date", "status", "note") if n in names
        }
        for n, row in enumerate(table.rows[start + 1 :], start=start + 2):
            cells = [c.text[:MAX_CELL_CHARS] for c in row]

            def cell(name: str, cells: list[str] = cells, col: dict[str, int] = col) -> str:
                j = col.get(name)
                return cells[j] if j is not None and j < len(cells) else ""

            joined = " ".join(cells)
            for m in _PROTOCOL.finditer(joined):
                code = f"P{int(m.group(2)):03d}"
                try:
                    date = parse_un_date(m.group(3))
                except ValueError as exc:
                    problems.append(f"{location}: row {n} ({code}): {exc}")
                    continue
                add(ilo_id("P", m.group(2)), code, Action(ActionKind.RATIFICATION, date))
            conv = _CODE.match(cell("convention"))
            if not conv or not cell("date"):
                continue
            code = f"{conv.group(1).upper()}{int(conv.group(2)):03d}"
            try:
                for action in _row_actions(code, cell("date"), cell("status"), cell("note")):
                    add(ilo_id(conv.group(1), conv.group(2)), code, action)
            except ValueError as exc:
                problems.append(f"{location}: row {n} ({code}): {exc}")
    if problems:
        raise LoaderError("; ".join(problems))
    return facts, list(skipped)


def _row_actions(code: str, date_text: str, status_text: str, note: str) -> list[Action]:
    status = clean(status_text)
    kind = next((s for s in _STATUSES if status.lower().startswith(s)), None)
    if kind is None:
        raise ValueError(
            f"unknown status {status!r} (expected In Force, Not in force, Denounced or Abrogated)"
        )
    actions = [Action(ActionKind.RATIFICATION, parse_un_date(date_text))]
    m = _DENOUNCED.search(f"{status} {note}")
    if kind == "denounced" and m is None:
        raise ValueError("status Denounced but no 'Denounced on <date>' in the status or note")
    if kind == "abrogated":
        actions[0] = Action(ActionKind.RATIFICATION, actions[0].date, note="convention abrogated")
    if m is not None and kind in ("denounced", "not in force"):
        when = parse_un_date(m.group(2) or m.group(4))
        note_text = None
        if m.group(1):
            by = f" (by ratifying {m.group(3).replace(' ', '')})" if m.group(3) else ""
            note_text = f"automatic denunciation{by}"
        actions.append(Action(ActionKind.DENUNCIATION, when, note=note_text))
    return actions
