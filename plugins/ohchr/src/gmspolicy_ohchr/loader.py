"""The OHCHR loader: ratification status exported as an HTML table (``.xls``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from gmspolicy.errors import LoaderError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.kit import (
    MAX_DATE_CHARS,
    check_options,
    choice_option,
    cited_participations,
    decode,
    describe_html,
    fetched_source,
    fold,
    looks_like_html,
    parse_html,
    parse_un_date,
    read_location,
    resolve_country,
    shorten,
    slug,
    unknown_names_error,
)
from gmspolicy.models import Action, ActionKind, Authority

PUBLISHER = "Office of the United Nations High Commissioner for Human Rights (OHCHR)"

#: OHCHR treaty names -> gmspolicy instrument ids.
TREATY_NAMES: Mapping[str, str] = {
    "CAT": "CAT",
    "OP-CAT": "OPCAT",
    "CCPR": "ICCPR",
    "CCPR-OP1": "ICCPR-OP1",
    "CCPR-OP2-DP": "ICCPR-OP2",
    "CED": "CPED",
    "CEDAW": "CEDAW",
    "CEDAW-OP": "CEDAW-OP",
    "CERD": "ICERD",
    "CESCR": "ICESCR",
    "CESCR-OP": "ICESCR-OP",
    "CMW": "ICRMW",
    "CRC": "CRC",
    "CRC-OP-AC": "CRC-OPAC",
    "CRC-OP-SC": "CRC-OPSC",
    "CRC-OP-IC": "CRC-OPIC",
    "CRPD": "CRPD",
    "CRPD-OP": "CRPD-OP",
}
_CONSENT = {"": ActionKind.RATIFICATION, "a": ActionKind.ACCESSION, "d": ActionKind.SUCCESSION}
# Applied only to cells of at most MAX_DATE_CHARS characters (longer ones are refused
# unread): the lazy date and the optional code cannot take more than a bounded effort.
_CELL = re.compile(r"^(?P<date>.+?)\s*(?:\(\s*(?P<p>[ad])\s*\)|\s(?P<bare>[ad]))?$")
_TYPES = ("text/html", "application/vnd.ms-excel", "application/octet-stream", "text/plain")
_COLUMNS = {
    "country": ("country", "state", "stateparty"),
    "treaty": ("treatyname",),
    "signature": ("signaturedate", "signature"),
    "consent": ("ratificationdate", "ratificationdateaccessionasuccessionddate"),
}


class OhchrLoader:
    """Loads signatures and ratifications from an OHCHR treaty-body export."""

    name: ClassVar[str] = "ohchr"
    description: ClassVar[str] = "OHCHR treaty-body ratification status (HTML table saved as .xls)"
    options: ClassVar[Mapping[str, str]] = {
        "unknown": "error (default) or skip: what to do with countries not in the reference",
        "source_url": "the URL to cite when loading a saved file",
        "source_title": "the title to cite instead of the generated one",
    }

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Read ``location`` and return the signatures and consents it lists."""
        check_options(self.name, self.options, options)
        unknown = choice_option(self.name, options, "unknown", ("error", "skip"), "error")
        fetched = read_location(location, context)
        if fetched.is_url and fetched.media_type and fetched.media_type not in _TYPES:
            raise LoaderError(
                f"{location}: unexpected content type {fetched.media_type!r} "
                "(expected an HTML table saved as .xls)"
            )
        if fetched.body.startswith(b"\xd0\xcf\x11\xe0") or fetched.body.startswith(b"PK\x03\x04"):
            raise LoaderError(
                f"{location}: a binary Excel workbook, not the OHCHR export "
                "(an HTML table): download the export again, or save the sheet as CSV and "
                "use the csv loader"
            )
        text = decode(fetched.body, location)
        rows, cols = _table(text, location)
        facts: list[tuple[str, str, Action]] = []
        unmapped: dict[str, None] = {}
        skipped: dict[str, None] = {}
        problems: list[str] = []
        for n, cells in rows:

            def get(role: str, cells: Sequence[str] = cells) -> str:
                return cells[cols[role]] if cols[role] < len(cells) else ""

            country_name, treaty = get("country"), get("treaty").upper().replace(" ", "")
            if not country_name or not treaty:
                continue
            instrument = TREATY_NAMES.get(treaty)
            if instrument is None or not context.reference.has_instrument(instrument):
                skipped.setdefault(get("treaty"), None)
                continue
            code = resolve_country(context, country_name)
            if code is None:
                unmapped.setdefault(country_name, None)
                continue
            for role in ("signature", "consent"):
                cell = get(role)
                if not cell:
                    continue
                try:
                    facts.append((code, instrument, _action(cell, role)))
                except ValueError as exc:
                    problems.append(f"{location}: row {n} ({country_name}, {treaty}): {exc}")
        if problems:
            raise LoaderError("; ".join(problems))
        if unmapped and unknown == "error":
            raise LoaderError(unknown_names_error(location, unmapped, "country"))
        countries = sorted({c for c, _, _ in facts})
        tail = countries[0].lower() if len(countries) == 1 else slug(location.rsplit("/", 1)[-1])
        source = fetched_source(
            options,
            fetched,
            ident=f"ohchr-{tail}-{context.today.isoformat()}",
            title="Ratification status (UN Treaty Body Database)",
            publisher=PUBLISHER,
            context=context,
            authority=Authority.OFFICIAL,
        )
        warnings = [
            f"{location}: skipped treaty {t!r} (not tracked by the reference)" for t in skipped
        ] + [f"{location}: skipped country {c!r} (not in the reference)" for c in unmapped]
        return LoadResult(
            participations=cited_participations(location, facts, source.id, context.today),
            sources=(source,),
            warnings=tuple(warnings),
        )


def _role(header: str) -> str | None:
    h = fold(header)
    for role, names in _COLUMNS.items():
        if h in names or (role == "consent" and h.startswith("ratification")):
            return role
    return None


def _table(text: str, location: str) -> tuple[list[tuple[int, Sequence[str]]], dict[str, int]]:
    if not looks_like_html(text) and "<table" not in text.lower():
        raise LoaderError(f"{location}: not an HTML table (the OHCHR export is HTML saved as .xls)")
    doc = parse_html(text, location)
    for table in doc.tables:
        for i, row in enumerate(table.rows[:5]):
            roles = {r: j for j, c in enumerate(row) if (r := _role(c.text)) is not None}
            if {"country", "treaty"} <= roles.keys() and (
                "signature" in roles or "consent" in roles
            ):
                roles.setdefault("signature", 10**6)
                roles.setdefault("consent", 10**6)
                body: list[tuple[int, Sequence[str]]] = [
                    (n, [c.text for c in r]) for n, r in enumerate(table.rows[i + 1 :], start=i + 2)
                ]
                return body, roles
    raise LoaderError(
        f"{location}: no ratification table (expected columns COUNTRY, Treaty Name, "
        f"Signature Date, Ratification Date) in {describe_html(text)}"
    )


def _action(cell: str, role: str) -> Action:
    if len(cell) > MAX_DATE_CHARS:
        raise ValueError(f"unreadable date {shorten(cell)!r} (too long for a date)")
    m = _CELL.match(cell)
    assert m is not None
    code = m.group("p") or m.group("bare") or ""
    date = parse_un_date(m.group("date") if code else cell)
    if role == "signature":
        if code:
            raise ValueError(f"unexpected code {code!r} in signature date {cell!r}")
        return Action(ActionKind.SIGNATURE, date)
    return Action(_CONSENT[code], date)
