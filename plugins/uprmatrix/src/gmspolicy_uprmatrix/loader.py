"""The UPR matrix loader: OHCHR's thematic list of a state's UPR recommendations (.docx)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import attrs

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.kit import (
    check_options,
    choice_option,
    clean,
    fetched_source,
    fold,
    read_location,
    resolve_country,
    shorten,
)
from gmspolicy.models import Authority, Mechanism, Recommendation, Response, Review
from gmspolicy_uprmatrix.docx import DocxTable, WordDoc, read_docx

PUBLISHER = "Office of the United Nations High Commissioner for Human Rights (OHCHR)"

#: Positions the matrix prints -> the response recorded.
POSITIONS: Mapping[str, Response] = {"supported": Response.SUPPORTED, "noted": Response.NOTED}

#: OHCHR's theme codes (the matrix's "Full list of themes") -> the dataset's tags; the
#: matrix's own classification, read as printed, never guessed from the text.
THEME_TAGS: Mapping[str, str] = {
    "G4": "migrant-workers",  # G4 Migrants
    "D27": "trafficking",  # D27 Prohibition of slavery, trafficking
    "G5": "refugees",  # G5 Refugees & asylum seekers
    "E31": "labour-rights",  # E31 Right to work
    "E32": "labour-rights",  # E32 Right to just and favourable conditions of work
}
#: "Affected persons" entries -> tags.
AFFECTED_TAGS: Mapping[str, str] = {
    "migrants": "migrant-workers",
    "refugees & asylum seekers": "refugees",
    "stateless persons": "statelessness",
}
_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
    "application/zip",
    "application/x-zip-compressed",
    "binary/octet-stream",
)
_SOURCE_PREFIX = "source of position:"
#: Most problems listed in one error (the rest are counted).
MAX_PROBLEMS = 10
#: Longest paragraph number read (``186.146``).
MAX_PARAGRAPH_CHARS = 16


@attrs.frozen
class _Columns:
    recommendation: int
    position: int
    themes: int | None


class UprMatrixLoader:
    """Loads UPR recommendations and the state's positions from OHCHR's matrix (.docx)."""

    name: ClassVar[str] = "uprmatrix"
    description: ClassVar[str] = (
        "OHCHR UPR matrix of recommendations: each recommendation, its recommending states "
        "and the state's position (Word .docx)"
    )
    options: ClassVar[Mapping[str, str]] = {
        "review": "required: the id of the UPR review the matrix is for (e.g. upr-chn-3), "
        "as the reference dataset records it",
        "section": "the Working Group report's paragraph every recommendation is numbered "
        "under (e.g. 28): a row numbered otherwise is an error",
        "select": "all (default) or tagged: only recommendations the matrix's themes tag "
        "(migrants, trafficking, refugees, statelessness, labour rights) or that ask to "
        "ratify a tracked instrument",
        "authority": "official (default) or copy: what the file read is (a copy of OHCHR's "
        "matrix on another site is a copy)",
        "source_url": "the URL to cite when loading a saved file",
        "source_title": "the title to cite instead of the matrix's own",
    }

    def load(self, location: str, options: Mapping[str, str], context: LoadContext) -> LoadResult:
        """Read the matrix at ``location``: one recommendation per row, as printed."""
        check_options(self.name, self.options, options)
        review = _review_option(options, context)
        section = options.get("section")
        if section is not None and not (section.isascii() and section.isdigit()):
            raise UsageError(f"loader 'uprmatrix': --opt section={section!r} must be a number")
        select = choice_option(self.name, options, "select", ("all", "tagged"), "all")
        authority = Authority(
            choice_option(self.name, options, "authority", ("official", "copy"), "official")
        )
        fetched = read_location(location, context)
        media = fetched.media_type
        if fetched.is_url and media and media not in _TYPES:
            raise LoaderError(
                f"{location}: unexpected content type {media!r} (expected the UPR matrix of "
                "recommendations, a Word .docx file)"
            )
        doc = read_docx(fetched.body, location)
        title = _check_title(doc, review, location, context)
        table, cols, start = _matrix_table(doc, location)
        source = fetched_source(
            options,
            fetched,
            ident=f"uprmatrix-{review.id}",
            title=title or f"UPR matrix of recommendations ({review.id})",
            publisher=PUBLISHER,
            context=context,
            authority=authority,
        )
        recs: list[Recommendation] = []
        problems: list[str] = []
        seen: dict[str, int] = {}
        for n in range(start, len(table.rows)):
            row = table.rows[n]
            where = f"{location}: row {n + 1}"
            try:
                rec = _recommendation(row, cols, review, source.id, where, context)
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if rec is None:
                continue
            if section is not None and rec.paragraph.split(".", 1)[0] != section:
                problems.append(
                    f"{where}: paragraph {rec.paragraph} is not under paragraph {section} "
                    "(--opt section)"
                )
                continue
            if rec.paragraph in seen:
                problems.append(
                    f"{where}: paragraph {rec.paragraph} listed twice "
                    f"(also row {seen[rec.paragraph]})"
                )
                continue
            seen[rec.paragraph] = n + 1
            recs.append(rec)
        if problems:
            more = len(problems) - MAX_PROBLEMS
            shown = problems[:MAX_PROBLEMS] + ([f"and {more} more"] if more > 0 else [])
            raise LoaderError("; ".join(shown))
        if not recs:
            raise LoaderError(f"{location}: the matrix table lists no recommendations")
        warnings: list[str] = []
        if select == "tagged":
            kept = [r for r in recs if r.tags]
            warnings.append(
                f"{location}: {len(recs) - len(kept)} of {len(recs)} recommendations left out "
                "(no migrant, trafficking, refugee, statelessness or labour-rights theme, "
                "no tracked instrument to ratify; --opt select=tagged)"
            )
            recs = kept
        return LoadResult(sources=(source,), recommendations=tuple(recs), warnings=tuple(warnings))


def _review_option(options: Mapping[str, str], context: LoadContext) -> Review:
    ident = options.get("review")
    if not ident:
        raise UsageError(
            "loader 'uprmatrix': give --opt review=ID, the UPR review the matrix is for "
            "(e.g. upr-chn-3)"
        )
    for review in context.reference.review_records:
        if review.id == ident:
            if review.mechanism is not Mechanism.UPR:
                raise UsageError(
                    f"loader 'uprmatrix': review {ident!r} is a {review.mechanism.value} "
                    "review, not a UPR review"
                )
            return review
    raise UsageError(
        f"loader 'uprmatrix': the reference dataset has no review {shorten(ident)!r} "
        "(record the review in reviews.yaml first)"
    )


def _ordinal(text: str) -> int | None:
    """``3rd`` -> 3 (the digits before an English ordinal suffix)."""
    digits = text[:-2]
    if text[-2:].lower() in ("st", "nd", "rd", "th") and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


def _check_title(doc: WordDoc, review: Review, location: str, context: LoadContext) -> str | None:
    """The matrix's running title (``UPR of China (3rd Cycle, 31st session)`` with a dash
    for the comma), checked
    against the review: another state or cycle is an error. ``None`` without one."""
    for header in doc.headers:
        text = clean(header)[:500]
        at = text.find("UPR of ")
        if at < 0:
            continue
        rest = text[at + len("UPR of ") :]
        cut = rest.find(" (")
        close = rest.find(")", cut)
        if cut < 0 or close < 0:
            continue
        country_name, inside = rest[:cut], rest[cut + 2 : close]
        title = f"UPR of {country_name} ({inside}): Thematic list of recommendations"
        code = resolve_country(context, country_name)
        if code is not None and code != review.country:
            raise LoaderError(
                f"{location}: the matrix is for {country_name} ({code}), but review "
                f"{review.id} is of {review.country}"
            )
        words = inside.split()
        if len(words) >= 2 and words[1].lower() == "cycle" and review.cycle is not None:
            cycle = _ordinal(words[0])
            if cycle is not None and cycle != review.cycle:
                raise LoaderError(
                    f"{location}: the matrix is for the UPR's cycle {cycle}, but review "
                    f"{review.id} is cycle {review.cycle}"
                )
        return title
    return None


def _matrix_table(doc: WordDoc, location: str) -> tuple[DocxTable, _Columns, int]:
    """The table with ``Recommendation`` and ``Position`` columns, and its first body row."""
    for table in doc.tables:
        for i, row in enumerate(table.rows[:5]):
            heads = [fold(" ".join(cell)) for cell in row]
            if "recommendation" in heads and "position" in heads:
                themes = next((j for j, h in enumerate(heads) if h.endswith("themes")), None)
                cols = _Columns(heads.index("recommendation"), heads.index("position"), themes)
                return table, cols, i + 1
    found = f"{len(doc.tables)} table{'s' if len(doc.tables) != 1 else ''}"
    raise LoaderError(
        f"{location}: no matrix of recommendations (expected a table with the columns "
        f"Recommendation and Position; the document has {found})"
    )


def _recommendation(
    row: Sequence[Sequence[str]],
    cols: _Columns,
    review: Review,
    source_id: str,
    where: str,
    context: LoadContext,
) -> Recommendation | None:
    """The row's recommendation; ``None`` for a theme heading or an empty row."""
    cells = [[clean(p) for p in cell] for cell in row]
    if not any(p for cell in cells for p in cell):
        return None
    if len(cells) == 1 and fold(cells[0][0] if cells[0] else "").startswith("theme"):
        return None  # "Theme: A12 Acceptance of international norms"
    if max(cols.recommendation, cols.position) >= len(cells):
        raise ValueError(
            f"{len(cells)} cell{'s' if len(cells) != 1 else ''}, expected a Recommendation "
            "and a Position cell"
        )
    text_parts: list[str] = []
    note: str | None = None
    for para in cells[cols.recommendation]:
        if para.lower().startswith(_SOURCE_PREFIX):
            note = para
        elif para:
            text_parts.append(para)
    printed = " ".join(text_parts)
    paragraph, text = _split_paragraph(printed)
    text = text.rstrip(";. ").rstrip()
    if not text:
        raise ValueError(f"paragraph {paragraph} has no recommendation text")
    position = " ".join(p for p in cells[cols.position] if p)
    response = POSITIONS.get(position.casefold())
    if response is None:
        raise ValueError(
            f"paragraph {paragraph}: position {shorten(position)!r} is not Supported or Noted"
            if position
            else f"paragraph {paragraph}: no position (expected Supported or Noted)"
        )
    codes, unknown = _recommending(text, context)
    if unknown:
        listed = ", ".join(repr(shorten(n)) for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise ValueError(
            f"paragraph {paragraph}: cannot map recommending state{plural} {listed} to a "
            "country of the reference dataset (add the name to the country's names)"
        )
    if not codes:
        raise ValueError(
            f"paragraph {paragraph}: no recommending state in brackets at the end of "
            f"{shorten(text)!r}"
        )
    themes = cells[cols.themes] if cols.themes is not None and cols.themes < len(cells) else []
    instruments = ratified_instruments(text, context)
    tags = _tags(themes) + (("ratification",) if instruments else ())
    return Recommendation(
        id=f"{review.id}-{paragraph}",
        review=review.id,
        paragraph=paragraph,
        text=text,
        response=response,
        recommending=tuple(codes),
        tags=tags,
        instruments=instruments,
        sources=(source_id,),
        note=note,
    )


def _split_paragraph(printed: str) -> tuple[str, str]:
    """``"28.4 Continue ..."`` or ``"186.28. Continue ..."`` -> (``"28.4"``, the text)."""
    end = 0
    limit = min(len(printed), MAX_PARAGRAPH_CHARS)
    while end < limit and (
        printed[end].isascii() and (printed[end].isdigit() or printed[end] == ".")
    ):
        end += 1
    number = printed[:end].rstrip(".")
    pieces = number.split(".")
    if len(pieces) < 2 or not all(pieces) or (end < len(printed) and not printed[end].isspace()):
        raise ValueError(
            f"no paragraph number (such as 28.4) at the start of {shorten(printed)!r}"
            if printed
            else "no recommendation text"
        )
    return number, printed[end:].strip()


def _looks_like_text(group: str) -> bool:
    """A bracketed group that is part of the sentence, not a state's name: it holds a
    digit (years such as ``2016-2020``, ``No. 189``), starts in lower case (``the Paris
    Principles``) or is as short as a code (``ILO``, ``No``: the matrix prints states'
    names, never codes, and a code would match a state's ISO code)."""
    return len(group) <= 3 or any(ch.isdigit() for ch in group) or not group[:1].isupper()


def _recommending(text: str, context: LoadContext) -> tuple[list[str], list[str]]:
    """The codes of the recommending states (in printed order, once each) and the names
    that look like states but are not known to the reference dataset.

    In each run of brackets that ends a recommendation, the names are read from the last
    one back; a group that is not a known state ends the run if it reads as text (see
    :func:`_looks_like_text`), and is an unknown state otherwise.
    """
    codes: dict[str, None] = {}
    unknown: list[str] = []
    for run in recommending_names(text):
        found: list[str] = []
        for name in reversed(run):
            if _looks_like_text(name):
                break
            code = resolve_country(context, name)
            if code is None:
                unknown.append(name)
            else:
                found.append(code)
        codes.update(dict.fromkeys(reversed(found)))
    return list(codes), unknown


def recommending_names(text: str) -> list[list[str]]:
    """The runs of bracketed names where each recommendation of ``text`` ends:
    ``"Ratify X (Uruguay) (Mali); Accelerate Y (Japan)"`` -> [Uruguay, Mali], [Japan].

    A recommendation ends at a ``;`` outside brackets, or at the end of the text; the run
    of bracketed groups just before it (a name may hold brackets of its own: ``Iran
    (Islamic Republic of)``) holds its states (and may start with brackets that belong to
    the sentence: ``(the Paris Principles) (Niger)``). Two passes over the text, each
    character visited a bounded number of times.
    """
    ends = _clause_ends(text)
    runs: list[list[str]] = []
    start = 0
    for end in ends:
        found: list[str] = []
        j = end - 1
        while True:
            while j >= start and text[j].isspace():
                j -= 1
            if j < start or text[j] != ")":
                break
            level = 0
            k = j
            while k >= start:
                if text[k] == ")":
                    level += 1
                elif text[k] == "(":
                    level -= 1
                    if level == 0:
                        break
                k -= 1
            if k < start:
                break  # an unbalanced bracket: not a name
            found.append(clean(text[k + 1 : j]))
            j = k - 1
        run = [n for n in reversed(found) if n]
        if run:
            runs.append(run)
        start = end + 1
    return runs


def _tags(themes: Sequence[str]) -> tuple[str, ...]:
    tags: dict[str, None] = {}
    for line in themes:
        code = line.split(" ", 1)[0]
        if code in THEME_TAGS:
            tags.setdefault(THEME_TAGS[code], None)
        if line.startswith("-"):
            tag = AFFECTED_TAGS.get(line[1:].strip().casefold())
            if tag is not None:
                tags.setdefault(tag, None)
        if "stateless" in line.casefold():
            tags.setdefault("statelessness", None)
    return tuple(tags)


#: Words that make a recommendation one to ratify (or accede to, become party to) what it
#: names, in the same recommendation (up to its ``;``).
RATIFY_WORDS = (
    "ratif",
    "accede",
    "accession",
    "become a party",
    "becoming a party",
    "adhere",
    "sign the",
    "signing",
    "signature",
)
#: Other names the matrices print for instruments (ASCII case ignored), besides their
#: full titles and the ILO conventions' short titles (``Forced Labour Convention, 1930
#: (No. 29)``).
ALIASES: Mapping[str, str] = {
    "second optional protocol to the international covenant on civil and political rights": (
        "ICCPR-OP2"
    ),
    "international convention on the rights of all migrant workers and members of their "
    "families": "ICRMW",
}
#: Acronyms the matrices print for instruments, matched as whole words, case as printed.
ACRONYMS: Mapping[str, str] = {
    "ICRMW": "ICRMW",
    "ICCPR": "ICCPR",
    "ICESCR": "ICESCR",
    "CEDAW": "CEDAW",
    "ICERD": "ICERD",
    "CPED": "CPED",
    "CRPD": "CRPD",
    "OPCAT": "OPCAT",
    "OP-CAT": "OPCAT",
}


def _clause_ends(text: str) -> list[int]:
    """Where each ``;`` outside brackets is in ``text``, then where the text ends."""
    ends: list[int] = []
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0:
            ends.append(i)
    ends.append(len(text))
    return ends


def _clauses(text: str) -> list[str]:
    """``text`` cut at each ``;`` outside brackets (one recommendation each)."""
    out: list[str] = []
    start = 0
    for end in _clause_ends(text):
        out.append(text[start:end])
        start = end + 1
    return out


def _is_word_at(text: str, at: int, length: int) -> bool:
    """Whether ``text[at:at + length]`` stands as words of its own: not part of a longer
    word, and not a possessive (``ICCPR's two optional protocols`` names the protocols)."""
    before = text[at - 1] if at > 0 else " "
    end = at + length
    after = text[end] if end < len(text) else " "
    if text[end : end + 2] in ("'s", "\u2019s"):
        return False
    return not (before.isalnum() or before == "-") and not (after.isalnum() or after == "-")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ratified_instruments(text: str, context: LoadContext) -> tuple[str, ...]:
    """The reference instruments a recommendation asks the state to ratify, in the order
    first named: named by their full title (ASCII case ignored) or a common acronym
    (``ICRMW``, ``OP-CAT``, as printed) in a recommendation (up to its ``;``) that speaks
    of ratifying, acceding or becoming a party. A title inside a longer title (the
    ICCPR's inside its Second Optional Protocol's) is not counted again. Only exact names
    are matched: an instrument named otherwise is not linked (never guessed).

    Each name is searched once per recommendation and each match marks its characters
    once: linear in the text for a fixed list of names.
    """
    ref = context.reference
    titles = [(inst.title, inst.id) for inst in ref.instruments if len(inst.title) >= 20]
    titles += [(i.short_name, i.id) for i in ref.instruments if "(No. " in i.short_name]
    names = [(" ".join(t.split()).translate(_ASCII_LOWER), ident, False) for t, ident in titles]
    names += [(n, i, False) for n, i in ALIASES.items() if ref.has_instrument(i)]
    names += [(n, i, True) for n, i in ACRONYMS.items() if ref.has_instrument(i)]
    names.sort(key=lambda n: len(n[0]), reverse=True)
    found: dict[int, str] = {}
    offset = 0
    for clause in _clauses(" ".join(text.split())):
        lowered = clause.translate(_ASCII_LOWER)
        if any(word in lowered for word in RATIFY_WORDS):
            taken = bytearray(len(clause))
            for name, ident, exact_case in names:
                hay = clause if exact_case else lowered
                at = hay.find(name)
                while at >= 0:
                    end = at + len(name)
                    if _is_word_at(hay, at, len(name)) and not any(taken[at:end]):
                        taken[at:end] = b"\x01" * len(name)
                        found.setdefault(offset + at, ident)
                    at = hay.find(name, end)
        offset += len(clause) + 1
    return tuple(dict.fromkeys(found[k] for k in sorted(found)))
