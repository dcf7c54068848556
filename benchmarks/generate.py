"""Generate a deterministic world-scale dataset in the bundled format (for benchmarks).

    python benchmarks/generate.py OUTDIR [--scale 4|2|1|1/2|1/4|0.01] [--seed 2026]

At scale 1: 197 countries (real ISO codes from pycountry, the GMS and ASEAN states
first), 400 instruments (UN, ILO, ASEAN; protocols with their parent), about 60,000
participations with 1-3 actions each, 500 MOUs and 2,000 events, with the sources they
cite. ``--scale`` changes the countries and every per-country record (participations,
MOUs, events) in proportion and keeps the 400 instruments, so the data (and a full
countries x instruments table) grows linearly with the scale.

Above scale 1 (up to :data:`MAX_SCALE`) the 197 countries of scale 1 are joined by
synthetic ones, so that the world can grow: their codes come from the ranges ISO 3166
leaves to its users (alpha-3 ``QMA``-``QZZ`` then ``XAA``-``XZZ``, alpha-2 ``QM``-``QZ``
and ``XA``-``XZ``, numeric 900-999), so no real country's code is reused, and their names
("Synthetic country QMA") are unique. Scales up to 1 never make one: their output is
byte for byte what it was before synthetic countries existed.

Everything is valid: signature before consent, every date after the instrument's
adoption and on or before the day its source was seen, every cited source exists. The
same seed and scale give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import shutil
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

WORLD_COUNTRIES = 197
WORLD_INSTRUMENTS = 400
WORLD_PARTICIPATIONS = 60_000
WORLD_MOUS = 500
WORLD_EVENTS = 2_000
DEFAULT_SEED = 2026
#: The largest scale: 197 real countries and at most 1,040 synthetic ones.
MAX_SCALE = 6

#: Every source was "seen" on this day; every fact is dated on or before it.
SEEN = dt.date(2025, 6, 30)
LATEST = dt.date(2025, 5, 31)

GMS = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM")
ASEAN = ("BRN", "IDN", "KHM", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM")

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def parse_scale(text: str) -> Fraction:
    """``4``, ``1``, ``1/2``, ``0.25``... as a fraction in (0, MAX_SCALE]."""
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a number or fraction: {text!r}") from None
    if not 0 < value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"scale must be in (0, {MAX_SCALE}], got {text}")
    return value


def synthetic_codes() -> list[str]:
    """Alpha-3 codes ISO 3166 leaves to its users, in the order synthetic countries take
    them: ``QMA``-``QZZ``, then ``XAA``-``XZZ`` (1,040 codes)."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return [f"Q{b}{c}" for b in letters[letters.index("M") :] for c in letters] + [
        f"X{b}{c}" for b in letters for c in letters
    ]


def synthetic_country(code: str, index: int, sources: list[str]) -> dict[str, Any]:
    """The record of synthetic country ``code``, the ``index``-th (from 0)."""
    return {
        "code": code,
        "alpha2": code[:2],  # QM-QZ and XA-XZ: user-assigned alpha-2 codes too
        "m49": f"{900 + index % 100:03d}",  # 900-999: user-assigned numeric codes
        "name": f"Synthetic country {code}",
        "names": [],
        "groups": [],
        "subdivisions": [],
        "sources": list(sources),  # a list of its own: a shared one would dump as an alias
    }


def _dump_yaml(path: Path, records: list[dict[str, Any]], header: str) -> None:
    text = yaml.dump(records, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(f"# {header}\n{text}", encoding="utf-8")


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A random date in [start, end]."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class World:
    """The generated records, as plain data in the dataset format."""

    def __init__(self, seed: int, scale: Fraction, base: int = WORLD_COUNTRIES) -> None:
        if not 1 <= base <= WORLD_COUNTRIES:
            raise ValueError(f"base must be in [1, {WORLD_COUNTRIES}], got {base}")
        self.rng = random.Random(seed)
        self.scale = scale
        self.base = base
        #: What every world figure is multiplied by (``scale`` itself for the full base).
        self.factor = scale * Fraction(base, WORLD_COUNTRIES)
        self.sources: dict[str, list[dict[str, Any]]] = {}
        self.countries: list[dict[str, Any]] = []
        self.instruments: list[dict[str, Any]] = []
        self.rows: dict[str, list[list[str]]] = {"UN": [], "ILO": [], "ASEAN": []}
        self.mous: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def count(self, world: int, minimum: int = 1) -> int:
        """``world`` scaled, rounded, at least ``minimum``."""
        return max(minimum, round(world * self.factor))

    def source(self, group: str, ident: str, url: str, title: str, publisher: str) -> str:
        """Add a source to ``sources/GROUP.yaml`` and return its id."""
        self.sources.setdefault(group, []).append(
            {
                "id": ident,
                "url": url,
                "title": title,
                "publisher": publisher,
                "authority": "depositary",  # synthetic: every page stands for the depositary
                "seen": SEEN.isoformat(),
                "as_of": LATEST.isoformat(),
            }
        )
        return ident

    # -- countries -------------------------------------------------------------------

    def make_countries(self) -> None:
        import pycountry

        iso = self.source(
            "reference",
            "iso-3166",
            "https://www.iso.org/iso-3166-country-codes.html",
            "ISO 3166 country codes",
            "International Organization for Standardization",
        )
        m49 = self.source(
            "reference",
            "un-m49",
            "https://unstats.un.org/unsd/methodology/m49/",
            "Standard country or area codes for statistical use (M49)",
            "UN Statistics Division",
        )
        every = sorted(pycountry.countries, key=lambda c: c.alpha_3)
        by_code = {c.alpha_3: c for c in every}
        first = list(dict.fromkeys([*GMS, *ASEAN]))
        rest = [c.alpha_3 for c in every if c.alpha_3 not in first]
        self.rng.shuffle(rest)
        n = self.count(WORLD_COUNTRIES)
        extra = max(0, n - self.base)  # synthetic countries, above scale 1 only
        chosen = sorted((first + rest)[: n - extra])
        used: set[str] = set()
        for code in chosen:
            c = by_code[code]
            name = str(getattr(c, "common_name", None) or c.name)
            variants = [
                str(v) for v in (c.name, getattr(c, "official_name", None)) if v and str(v) != name
            ]
            names = []
            for v in [name, *variants]:
                key = v.casefold()
                if key in used:
                    continue
                used.add(key)
                names.append(v)
            groups = [g for g, members in (("GMS", GMS), ("ASEAN", ASEAN)) if code in members]
            self.countries.append(
                {
                    "code": code,
                    "alpha2": c.alpha_2,
                    "m49": c.numeric,
                    "name": names[0],
                    "names": names[1:],
                    "groups": groups,
                    "subdivisions": ["Yunnan", "Guangxi"] if code == "CHN" else [],
                    "sources": [iso, m49],
                }
            )
        if extra:
            self.add_synthetic(extra, set(by_code), [iso, m49])

    def add_synthetic(self, extra: int, iso_codes: set[str], sources: list[str]) -> None:
        """Add ``extra`` synthetic countries, keeping the list sorted by code."""
        codes = [c for c in synthetic_codes() if c not in iso_codes]
        if extra > len(codes):
            raise ValueError(f"at most {len(codes)} synthetic countries, {extra} asked for")
        self.countries += [synthetic_country(c, k, sources) for k, c in enumerate(codes[:extra])]
        self.countries.sort(key=lambda c: c["code"])

    # -- instruments -----------------------------------------------------------------

    def make_instruments(self) -> None:
        rng = self.rng
        # (body, count, protocol share): 190 ILO conventions and protocols, 170 UN, 40 ASEAN.
        plan = (("ILO", 190, 0.1), ("UN", 170, 0.3), ("ASEAN", 40, 0.0))
        assert sum(n for _, n, _ in plan) == WORLD_INSTRUMENTS
        for body, total, protocol_share in plan:
            conventions: list[dict[str, Any]] = []
            for k in range(1, total + 1):
                is_protocol = bool(conventions) and rng.random() < protocol_share
                parent = rng.choice(conventions) if is_protocol else None
                if body == "ILO":
                    ident = f"ILO-P{k:03d}" if is_protocol else f"ILO-C{k:03d}"
                    ref = ident[4:]
                    url = f"https://normlex.ilo.org/dyn/nrmlx_en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:{ref}"
                    publisher = "International Labour Organization (NORMLEX)"
                elif body == "UN":
                    ident = f"UN-{k:03d}-OP" if is_protocol else f"UN-{k:03d}"
                    ref = f"IV-{k}"
                    url = f"https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-{k}&chapter=4"
                    publisher = "United Nations Treaty Collection"
                else:
                    ident = f"ASEAN-{k:03d}"
                    ref = None
                    url = f"https://asean.org/instrument/{k}"
                    publisher = "ASEAN Secretariat"
                start = dt.date(1948, 1, 1)
                if parent is not None:
                    start = dt.date.fromisoformat(parent["adopted"]) + dt.timedelta(days=365)
                adopted = _date(rng, start, max(start, dt.date(2019, 12, 31)))
                eif = adopted + dt.timedelta(days=rng.randint(200, 2000))
                sid = self.source(
                    body.lower(),
                    f"{ident.lower()}-status",
                    url,
                    f"Status of {ident}",
                    publisher,
                )
                kind = (
                    "protocol"
                    if is_protocol
                    else ("declaration" if body == "ASEAN" and k % 4 == 0 else "convention")
                )
                title = (
                    f"Protocol No. {k} to {parent['id']} (benchmark)"
                    if parent
                    else f"{body} Convention No. {k} (benchmark)"
                )
                record = {
                    "id": ident,
                    "body": body,
                    "kind": kind,
                    "title": title,
                    "short_name": f"{body} {'protocol' if is_protocol else 'instrument'} {k}",
                    "adopted": adopted.isoformat(),
                    "entry_into_force": eif.isoformat() if eif <= LATEST else None,
                    "parent": parent["id"] if parent else None,
                    "requires_parent": bool(parent) and rng.random() < 0.5,
                    "binding": kind != "declaration",
                    "tags": sorted(rng.sample(_TAGS, rng.randint(1, 3))),
                    "url": url,
                    "reference": ref,
                    "sources": [sid],
                }
                self.instruments.append(record)
                if not is_protocol:
                    conventions.append(record)

    # -- participations --------------------------------------------------------------

    def make_participations(self) -> None:
        rng = self.rng
        n_countries = len(self.countries)
        target = self.count(WORLD_PARTICIPATIONS)
        cells = n_countries * len(self.instruments)
        fill = min(1.0, target / cells) if cells else 0.0
        # Per-country NORMLEX pages for ILO facts; per-instrument status pages otherwise.
        normlex = {
            c["code"]: self.source(
                "normlex",
                f"normlex-{c['code'].lower()}",
                f"https://normlex.ilo.org/dyn/nrmlx_en/f?p=NORMLEXPUB:11200:0::NO::P11200_COUNTRY_ID:{c['m49']}",
                f"Ratifications for {c['name']}",
                "International Labour Organization (NORMLEX)",
            )
            for c in self.countries
        }
        consent_of: dict[tuple[str, str], dt.date] = {}  # (country, instrument) -> bound since
        chosen = 0
        for inst in self.instruments:  # parents come before their protocols
            adopted = dt.date.fromisoformat(inst["adopted"])
            for c in self.countries:
                if rng.random() >= fill or chosen >= target:
                    continue
                chosen += 1
                code = c["code"]
                sources = [inst["sources"][0]]
                if inst["body"] == "ILO":
                    sources = [normlex[code]] + (sources if rng.random() < 0.3 else [])
                floor = adopted
                if inst["requires_parent"]:
                    bound = consent_of.get((code, inst["parent"]))
                    if bound is None:
                        # not party to the parent: at most a signature (ILO: nothing)
                        if inst["body"] != "ILO":
                            self.add_actions(inst, code, ["signature"], floor, sources)
                        continue
                    floor = max(floor, bound)
                shape = rng.choices(_SHAPES, weights=_SHAPE_WEIGHTS)[0]
                if (LATEST - floor).days <= len(shape):  # no room after the parent
                    shape = ["signature"]
                if inst["body"] == "ILO":  # ILO conventions are ratified, never signed
                    shape = [
                        k if k in ("denunciation",) else "ratification"
                        for k in shape
                        if k != "signature"
                    ]
                    if not shape:
                        continue
                dates = self.add_actions(inst, code, shape, floor, sources)
                consent = [d for kind, d in zip(shape, dates, strict=True) if kind in _CONSENT]
                if consent and shape[-1] not in ("denunciation", "withdrawal"):
                    consent_of[(code, inst["id"])] = consent[-1]
                    if rng.random() < 0.3:
                        eif = consent[-1] + dt.timedelta(days=rng.randint(30, 365))
                        if inst.get("entry_into_force"):  # not before the treaty's own
                            eif = max(eif, dt.date.fromisoformat(inst["entry_into_force"]))
                        eif = min(eif, LATEST)
                        self.rows[inst["body"]].append(
                            [
                                code,
                                inst["id"],
                                "entry_into_force",
                                eif.isoformat(),
                                ";".join(sources),
                                "",
                            ]
                        )
                    if rng.random() < 0.02:
                        self.rows[inst["body"]].append(
                            [
                                code,
                                inst["id"],
                                "reservation",
                                consent[-1].isoformat(),
                                sources[0],
                                f"Reservation to article {rng.randint(1, 40)} (benchmark)",
                            ]
                        )

    def add_actions(
        self, inst: dict[str, Any], code: str, shape: list[str], floor: dt.date, sources: list[str]
    ) -> list[dt.date]:
        """Rows for ``shape`` (action kinds in order), dated strictly increasing after
        ``floor``; returns the dates."""
        rng = self.rng
        span = (LATEST - floor).days
        if span < len(shape) + 1:
            floor = LATEST - dt.timedelta(days=len(shape) + 1)
            span = len(shape) + 1
        days = sorted(rng.sample(range(1, span + 1), len(shape)))
        dates = [floor + dt.timedelta(days=d) for d in days]
        for kind, date in zip(shape, dates, strict=True):
            note = 'Benchmark note with a comma, and "quotes"' if rng.random() < 0.05 else ""
            self.rows[inst["body"]].append(
                [code, inst["id"], kind, date.isoformat(), ";".join(sources), note]
            )
        return dates

    # -- MOUs and events ---------------------------------------------------------------

    def make_mous(self) -> None:
        rng = self.rng
        codes = [c["code"] for c in self.countries]
        pool = [
            self.source(
                "mous",
                f"mou-src-{k:04d}",
                f"https://example.org/mou/{k}",
                f"MOU record {k}",
                "Benchmark ministry of labour",
            )
            for k in range(1, self.count(WORLD_MOUS // 2) + 1)
        ]
        kinds = ("employment", "labour-cooperation", "trafficking", "other")
        for k in range(1, self.count(WORLD_MOUS) + 1):
            parties = rng.sample(codes, 2) if len(codes) >= 2 else codes * 2
            signed = _date(rng, dt.date(1990, 1, 1), LATEST)
            precision = rng.choice((10, 7, 4))
            earlier = [m["id"] for m in self.mous[-20:]]
            self.mous.append(
                {
                    "id": f"MOU-{k:04d}-{parties[0]}-{parties[1]}",
                    "parties": parties,
                    "kind": rng.choice(kinds),
                    "title": f"Memorandum of Understanding no. {k} on labour cooperation",
                    "signed": signed.isoformat()[:precision],
                    "place": rng.choice((None, "Bangkok", "Vientiane", "Phnom Penh", "Ha Noi")),
                    "entry_into_force": None,
                    "expiry": None,
                    "supersedes": rng.sample(earlier, 1) if earlier and rng.random() < 0.2 else [],
                    "amends": [],
                    "documents": [
                        {"title": f"MOU {k} text", "url": f"https://example.org/mou/{k}.pdf"}
                    ],
                    "tags": ["migration"],
                    "sources": sorted(rng.sample(pool, min(2, len(pool)))),
                    "note": None,
                }
            )

    def make_events(self) -> None:
        rng = self.rng
        codes = [c["code"] for c in self.countries]
        pool = [
            self.source(
                "events",
                f"event-src-{k:04d}",
                f"https://example.org/events/{k}",
                f"Forum report {k}",
                "Benchmark network",
            )
            for k in range(1, self.count(WORLD_EVENTS // 4) + 1)
        ]
        series = ("AFML", "GFMD", "ACSC-APF", "WSFM", "APFF", "other")
        editions: dict[str, int] = {}
        for k in range(1, self.count(WORLD_EVENTS) + 1):
            s = rng.choice(series)
            editions[s] = editions.get(s, 0) + 1
            start = _date(rng, dt.date(1995, 1, 1), LATEST - dt.timedelta(days=10))
            end = start + dt.timedelta(days=rng.randint(0, 4))
            self.events.append(
                {
                    "id": f"{s}-{k:05d}",
                    "series": s,
                    "edition": editions[s],
                    "title": f"{s} forum, edition {editions[s]}",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "city": rng.choice(("Bangkok", "Geneva", "Manila", "Jakarta", None)),
                    "country": rng.choice(codes),
                    "theme": rng.choice(
                        (None, "Decent work for migrant workers", 'Recruitment <fees> & "costs"')
                    ),
                    "outcome_documents": [],
                    "notes": None,
                    "tags": [],
                    "sources": [rng.choice(pool)],
                }
            )

    # -- writing -----------------------------------------------------------------------

    def write(self, out: Path) -> None:
        """Write the dataset directory ``out`` (replacing what is there)."""
        if out.exists():
            shutil.rmtree(out)
        for sub in ("sources", "instruments", "participations"):
            (out / sub).mkdir(parents=True)
        for group, records in sorted(self.sources.items()):
            _dump_yaml(out / "sources" / f"{group}.yaml", records, f"Benchmark sources ({group})")
        _dump_yaml(out / "countries.yaml", self.countries, "Benchmark countries (ISO codes)")
        for body in ("UN", "ILO", "ASEAN"):
            records = [i for i in self.instruments if i["body"] == body]
            _dump_yaml(out / "instruments" / f"{body.lower()}.yaml", records, f"{body} instruments")
            buf = io.StringIO(newline="")
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(["country", "instrument", "action", "date", "source", "note"])
            writer.writerows(self.rows[body])
            (out / "participations" / f"{body.lower()}.csv").write_text(
                buf.getvalue(), encoding="utf-8", newline=""
            )
        _dump_yaml(out / "mous.yaml", self.mous, "Benchmark MOUs")
        _dump_yaml(out / "events.yaml", self.events, "Benchmark events")

    def participation_count(self) -> int:
        """How many country x instrument pairs have rows."""
        return len({(r[0], r[1]) for rows in self.rows.values() for r in rows})


_TAGS = [
    "fundamental",
    "core-human-rights",
    "migration",
    "trafficking",
    "forced-labour",
    "child-labour",
    "discrimination",
    "social-security",
    "domestic-work",
    "recruitment",
]
_CONSENT = {"ratification", "accession", "succession", "acceptance", "approval"}
_SHAPES = [
    ["signature"],
    ["ratification"],
    ["accession"],
    ["succession"],
    ["signature", "ratification"],
    ["signature", "acceptance"],
    ["signature", "withdrawal"],
    ["ratification", "denunciation"],
    ["signature", "ratification", "denunciation"],
    ["ratification", "denunciation", "accession"],
]
_SHAPE_WEIGHTS = [12, 25, 15, 2, 30, 3, 1, 4, 4, 4]


def generate(
    out: Path, scale: Fraction = Fraction(1), seed: int = DEFAULT_SEED, base: int = WORLD_COUNTRIES
) -> World:
    """Generate the world at ``scale`` with ``seed`` into the directory ``out``.

    ``base`` is how many real countries make scale 1 (default: the whole world); every
    per-country figure shrinks with it. A small base gives a small world that grows past
    scale 1 as the world does (with synthetic countries), for tests.
    """
    world = World(seed, scale, base)
    world.make_countries()
    world.make_instruments()
    world.make_participations()
    world.make_mous()
    world.make_events()
    world.write(out)
    return world


def main(argv: list[str] | None = None) -> int:
    """Command line: ``generate.py OUTDIR [--scale S] [--seed N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="dataset directory to write (replaced)")
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default=Fraction(1),
        help=f"4, 2, 1, 1/2, 1/4 (or any fraction in (0, {MAX_SCALE}]); default 1",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    world = generate(args.out, args.scale, args.seed)
    actions = sum(len(rows) for rows in world.rows.values())
    print(
        f"{args.out}: {len(world.countries)} countries, {len(world.instruments)} instruments, "
        f"{world.participation_count()} participations ({actions} rows), {len(world.mous)} MOUs, "
        f"{len(world.events)} events, {sum(len(s) for s in world.sources.values())} sources"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
