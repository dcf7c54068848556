"""How much of the dataset is confirmed: the coverage table and the open research list.

``gmspolicy coverage`` prints it; ``gmspolicy coverage --update docs/data.md`` rewrites the
part of that page between ``<!-- coverage:start -->`` and ``<!-- coverage:end -->``, and a
test checks the committed page is current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from gmspolicy.errors import UsageError
from gmspolicy.models import Authority, Country, Group, Instrument, StatusKind
from gmspolicy.query.policyset import DECIDED_KINDS, PolicySet

#: A signed or no-action cell last confirmed this many years before the newest source of
#: the dataset is listed as research to do.
STALE_YEARS = 5

START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"

#: Instruments required for the other ASEAN members: ILO fundamental and UN core treaties.
CORE_TAGS = ("fundamental", "core-human-rights")

#: The instruments whose supervisory comments the dataset tracks for the GMS states: the
#: ILO conventions whose CEACR comments matter most to migrants, and the UN treaties whose
#: committees' concluding observations do.
OBSERVED_INSTRUMENTS = (
    "ILO-C029",
    "ILO-C105",
    "ILO-C111",
    "ILO-C182",
    "ILO-C188",
    "ILO-C019",
    "CEDAW",
    "CRC",
    "ICESCR",
    "ICRMW",
)

_KIND_SHORT = {
    "observation": "obs.",
    "direct_request": "DR",
    "concluding_observations": "CO",
    "upr_recommendation": "UPR",
}


@attrs.frozen
class Coverage:
    """Confirmed cells of a countries x instruments grid."""

    countries: tuple[Country, ...]
    instruments: tuple[Instrument, ...]
    known: dict[tuple[str, str], bool]

    @property
    def confirmed(self) -> int:
        """Number of cells with a confirmed status."""
        return sum(self.known.values())

    @property
    def total(self) -> int:
        """Number of cells."""
        return len(self.known)

    def unknown_cells(self) -> list[tuple[str, str]]:
        """``(country, instrument)`` of every unknown cell, in table order."""
        return [
            (c.code, i.id)
            for c in self.countries
            for i in self.instruments
            if not self.known[(c.code, i.id)]
        ]


def coverage(
    pset: PolicySet, countries: Sequence[Country], instruments: Sequence[Instrument]
) -> Coverage:
    """The coverage of ``countries`` x ``instruments`` (status as of the latest facts)."""
    known = {
        (c.code, i.id): pset.status(c.code, i.id).kind is not StatusKind.UNKNOWN
        for c in countries
        for i in instruments
    }
    return Coverage(tuple(countries), tuple(instruments), known)


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "n/a"


def report(pset: PolicySet) -> str:
    """The coverage section of ``docs/data.md``, as Markdown."""
    gms = pset.select_countries(group=Group.GMS)
    others = tuple(c for c in pset.select_countries(group=Group.ASEAN) if not c.in_group(Group.GMS))
    bodies = ("UN", "ILO", "ASEAN")
    lines = [
        "### GMS states x every instrument",
        "",
        "| Country | " + " | ".join(bodies) + " | All |",
        "| --- | " + " | ".join("---:" for _ in bodies) + " | ---: |",
    ]
    cov_all = coverage(pset, gms, pset.instruments)
    for c in gms:
        cells = []
        for body in bodies:
            insts = [i for i in pset.instruments if i.body.value == body]
            cov = coverage(pset, [c], insts)
            cells.append(f"{cov.confirmed}/{cov.total}")
        one = coverage(pset, [c], pset.instruments)
        lines.append(
            f"| {c.name} | "
            + " | ".join(cells)
            + f" | {one.confirmed}/{one.total} ({_pct(one.confirmed, one.total)}) |"
        )
    lines += [
        "",
        f"All GMS cells: **{cov_all.confirmed} of {cov_all.total} confirmed "
        f"({_pct(cov_all.confirmed, cov_all.total)})**.",
        "",
        "### Other ASEAN members x ILO fundamental conventions and UN core treaties",
        "",
        "| Country | Confirmed |",
        "| --- | ---: |",
    ]
    core = [
        i
        for i in pset.instruments
        if any(t in i.tags for t in CORE_TAGS) and i.kind.value == "convention"
    ]
    cov_core = coverage(pset, others, core)
    for c in others:
        one = coverage(pset, [c], core)
        lines.append(f"| {c.name} | {one.confirmed}/{one.total} |")
    lines += [
        "",
        f"All: **{cov_core.confirmed} of {cov_core.total} confirmed "
        f"({_pct(cov_core.confirmed, cov_core.total)})**.",
        "",
        "### Open research: unknown GMS cells",
        "",
        "Each of these shows as *unknown* in every table until a source is found.",
        "",
    ]
    by_country: dict[str, list[str]] = {}
    for code, inst in cov_all.unknown_cells():
        by_country.setdefault(code, []).append(inst)
    for c in gms:
        missing = by_country.get(c.code, [])
        if missing:
            lines.append(f"- **{c.name}** ({len(missing)}): {', '.join(missing)}")
    return (
        "\n".join(
            [
                *lines,
                "",
                *authority_report(pset, gms),
                "",
                *stale_report(pset, gms),
                "",
                *observations_report(pset, gms),
                "",
                *reviews_report(pset, gms),
            ]
        )
        + "\n"
    )


@attrs.frozen
class CellTrust:
    """A decided cell's strongest source authority and when it was last confirmed."""

    country: str
    instrument: str
    kind: StatusKind
    authority: Authority | None
    confirmed_as_of: dt.date | None


def decided_cells(pset: PolicySet, countries: Sequence[Country]) -> list[CellTrust]:
    """Every decided cell of ``countries`` x every instrument, as of the latest facts, in
    table order (instrument by instrument)."""
    m = pset.matrix([c.code for c in countries], [i.id for i in pset.instruments])
    out = []
    for inst in m.instruments:
        for c in m.countries:
            cell = m.cell(c.code, inst.id)
            if cell.status.kind not in DECIDED_KINDS:
                continue
            out.append(
                CellTrust(
                    c.code,
                    inst.id,
                    cell.status.kind,
                    pset.authority_of(cell.source_ids(None)),
                    pset.cell_confirmed_as_of(cell, None),
                )
            )
    return out


def authority_report(pset: PolicySet, countries: Sequence[Country]) -> list[str]:
    """How many decided cells of ``countries`` cite the depositary or an official body,
    and how many rest on secondary works (or copies) alone."""
    cells = decided_cells(pset, countries)
    counts = dict.fromkeys(Authority, 0)
    for cell in cells:
        if cell.authority is not None:
            counts[cell.authority] += 1
    strong = counts[Authority.DEPOSITARY] + counts[Authority.OFFICIAL]
    lines = [
        "### Sources behind the decided GMS cells",
        "",
        "The strongest source each decided cell (party, signatory, denounced, withdrawn, "
        "no action) cites: the depositary's own record, another official body, a "
        "secondary work, or only a copy (which validation refuses).",
        "",
        "| Strongest source | Cells |",
        "| --- | ---: |",
    ]
    for a in Authority:
        lines.append(f"| {a.value} | {counts[a]} |")
    lines += [
        "",
        f"Decided GMS cells citing a depositary or official source: **{strong} of "
        f"{len(cells)} ({_pct(strong, len(cells))})**.",
    ]
    return lines


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def stale_cells(
    pset: PolicySet, countries: Sequence[Country], years: int = STALE_YEARS
) -> list[CellTrust]:
    """The signed and no-action cells of ``countries`` last confirmed more than ``years``
    years before the newest source of the dataset (its ``as_of``, else the day it was
    seen): a newer source may show a ratification, or an action since."""
    newest = pset.newest_source_date()
    if newest is None:
        return []
    limit = _years_before(newest, years)
    return [
        c
        for c in decided_cells(pset, countries)
        if c.kind in (StatusKind.SIGNATORY, StatusKind.NO_ACTION)
        and c.confirmed_as_of is not None
        and c.confirmed_as_of < limit
    ]


def stale_report(pset: PolicySet, countries: Sequence[Country]) -> list[str]:
    """The research list of :func:`stale_cells`, by country."""
    newest = pset.newest_source_date()
    stale = stale_cells(pset, countries)
    lines = [
        f"### Open research: signed and no-action GMS cells confirmed over {STALE_YEARS} years ago",
        "",
        "A signature or a confirmed absence of action can be overtaken by a ratification or "
        f"an accession. These cells were last confirmed more than {STALE_YEARS} years "
        f"before the newest source in the dataset ({newest.isoformat() if newest else 'none'})"
        ": look for a newer source.",
        "",
    ]
    if not stale:
        lines.append("None.")
        return lines
    names = {c.code: c.name for c in countries}
    by_country: dict[str, list[CellTrust]] = {}
    for cell in stale:
        by_country.setdefault(cell.country, []).append(cell)
    for c in countries:
        items = by_country.get(c.code, [])
        if items:
            listed = ", ".join(
                f"{x.instrument} ({'signed' if x.kind is StatusKind.SIGNATORY else 'no action'}"
                f", {x.confirmed_as_of.isoformat() if x.confirmed_as_of else '?'})"
                for x in items
            )
            lines.append(f"- **{names[c.code]}** ({len(items)}): {listed}")
    return lines


def observations_report(pset: PolicySet, countries: Sequence[Country]) -> list[str]:
    """The supervisory observations held for ``countries`` on
    :data:`OBSERVED_INSTRUMENTS`: the latest record's year and kind, and how many quoted
    excerpts it has."""
    insts = [pset.instrument(i) for i in OBSERVED_INSTRUMENTS if pset.has_instrument(i)]
    lines = [
        "### Supervisory observations held for the GMS states",
        "",
        "The latest records held for each state and instrument: the year adopted, the kind "
        "(obs. = CEACR observation, DR = direct request, CO = concluding observations; "
        "two kinds when both came that year) and how many migrant-relevant passages are "
        "quoted (*none quoted yet* means the document has not been read for them, not "
        "that the body said nothing about migrants). *none held* means no record yet; "
        "*not party* means the state is not party on the latest facts, so there is "
        "nothing to supervise.",
        "",
        "| Instrument | " + " | ".join(c.code for c in countries) + " |",
        "| --- | " + " | ".join("---" for _ in countries) + " |",
    ]
    held = with_excerpts = 0
    for inst in insts:
        cells = []
        for c in countries:
            obs = pset.observations_for(c.code, inst.id)
            held += len(obs)
            with_excerpts += sum(1 for o in obs if o.excerpts)
            if obs:
                years = [o.adopted_year or o.published_year for o in obs]
                latest = max((y for y in years if y is not None), default=None)
                newest = [o for o, y in zip(obs, years, strict=True) if y == latest]
                kinds = "+".join(
                    dict.fromkeys(_KIND_SHORT.get(o.kind.value, o.kind.value) for o in newest)
                )
                quoted = sum(len(o.excerpts) for o in newest)
                count = f"{quoted} quoted" if quoted else "none quoted yet"
                cells.append(f"{latest or 'year?'} {kinds} ({count})")
                continue
            kind = pset.status(c.code, inst.id).kind
            if kind is StatusKind.PARTY:
                cells.append("*none held*")
            elif kind is StatusKind.UNKNOWN:
                cells.append("*none held* (status unknown)")
            else:
                cells.append("not party")
        lines.append(f"| {inst.id} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Records held on these instruments: **{held}**, of which **{with_excerpts}** quote "
        "migrant-relevant excerpts.",
    ]
    return lines


def reviews_report(pset: PolicySet, countries: Sequence[Country]) -> list[str]:
    """The reviews held for ``countries``: for each mechanism (the UPR and the treaty
    bodies), the latest review held and the next one recorded (scheduled or postponed)."""
    from gmspolicy.models import MECHANISM_INSTRUMENTS, Mechanism, ReviewStatus

    mechanisms: list[Mechanism] = [m for m in Mechanism if m is not Mechanism.CEACR]
    if any(r.mechanism is Mechanism.CEACR for r in pset.review_records):
        mechanisms.append(Mechanism.CEACR)
    lines = [
        "### Reviews held for the GMS states",
        "",
        "The latest review held by each mechanism (its date as precisely as a source gives "
        "it; for the UPR, the cycle), and the next one recorded (scheduled or postponed). "
        "*none held* means no review is recorded yet; *not party* means the state is not "
        "party to the treaty on the latest facts.",
        "",
        "| Mechanism | " + " | ".join(c.code for c in countries) + " |",
        "| --- | " + " | ".join("---" for _ in countries) + " |",
    ]
    held_total = 0
    for mech in mechanisms:
        cells = []
        for c in countries:
            reviews = pset.reviews(c.code, mech)
            held = [r for r in reviews if r.status is ReviewStatus.HELD and r.start is not None]
            held_total += len(held)
            text = ""
            if held:
                last = max(held, key=lambda r: r.start.sort_key() if r.start else (0, 0, 0))
                text = str(last.start) + (f" (cycle {last.cycle})" if last.cycle else "")
            else:
                ident = MECHANISM_INSTRUMENTS.get(mech)
                kind = (
                    pset.status(c.code, ident).kind
                    if ident is not None and pset.has_instrument(ident)
                    else StatusKind.PARTY
                )
                if kind is StatusKind.PARTY:
                    text = "*none held*"
                elif kind is StatusKind.UNKNOWN:
                    text = "*none held* (status unknown)"
                else:
                    text = "not party"
            ahead = [r for r in reviews if r.status is not ReviewStatus.HELD]
            if ahead:
                nxt = ahead[0]
                text += f"; next {nxt.start or 'date unknown'} ({nxt.status.value})"
            cells.append(text)
        lines.append(f"| {mech.value} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Reviews held: **{held_total}**; UPR recommendations on migrants, trafficking, "
        f"refugees, statelessness, labour rights and ratification: "
        f"**{len(pset.recommendations)}**.",
    ]
    return lines


def update_page(text: str, section: str) -> str:
    """Replace the generated section of a page (between the coverage markers)."""
    if START not in text or END not in text:
        raise UsageError(f"the page has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n\n{section}\n{END}{tail}"
