"""Reading a dataset directory (the bundled ``datasets/`` or a contributor's copy).

Layout (see ``docs/data.md``): for each kind of record, ``KIND.yaml`` and/or every
``KIND/*.yaml`` (``participations.csv`` and ``participations/*.csv`` for participations).
Every problem in every file is collected and raised together as one
:class:`~gmspolicy.errors.DataError`, each as ``FILE:LINE: message``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
from pathlib import Path
from typing import Any, TypeVar

from gmspolicy.convert import converter, error_messages, without_gc
from gmspolicy.dataset._files import MAX_FILE_BYTES as MAX_FILE_BYTES
from gmspolicy.dataset._files import OUTSIDE_LINK, escaping_link, kind_files
from gmspolicy.dataset._files import bundled_data_dir as bundled_data_dir
from gmspolicy.dataset._files import display_path as display_path
from gmspolicy.dataset._files import read_file_bounded as read_file_bounded
from gmspolicy.dataset._yaml import Located, load_yaml, plain
from gmspolicy.dataset.validate import problem_sort_key
from gmspolicy.dates import PartialDate, parse_date
from gmspolicy.errors import DataError, Problem, UsageError
from gmspolicy.errors import ProblemCode as C
from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    Country,
    DatedFact,
    Event,
    Instrument,
    Mou,
    Observation,
    Participation,
    Recommendation,
    ReportingStatus,
    Reservation,
    ReservationKind,
    Review,
    Source,
)
from gmspolicy.query.places import PlaceRows
from gmspolicy.query.policyset import PlaceKey, PolicySet

T = TypeVar("T")


PARTICIPATION_COLUMNS = ("country", "instrument", "action", "date", "source", "note")

#: The optional last column of a participations file: the team's research note on the
#: fact (never shown to readers). Files without it still load.
RESEARCH_NOTE_COLUMN = "research_note"

#: The words ``authority:`` accepts on a source, strongest first.
AUTHORITY_WORDS = tuple(a.value for a in Authority)

_NON_ACTIONS = {"no_action", "entry_into_force", "reservation", "declaration"}
_ACTION_WORDS = {k.value for k in ActionKind} | _NON_ACTIONS
_ACTION_KINDS = {k.value: k for k in ActionKind}
_DATED_FACTS = frozenset({"no_action", "entry_into_force"})
_TEXT_FACTS = frozenset({"reservation", "declaration"})

#: kind -> (file stem, record class, id field)
YAML_KINDS: dict[str, tuple[type[Any], str]] = {
    "sources": (Source, "id"),
    "countries": (Country, "code"),
    "instruments": (Instrument, "id"),
    "mous": (Mou, "id"),
    "events": (Event, "id"),
    "observations": (Observation, "id"),
    "reviews": (Review, "id"),
    "recommendations": (Recommendation, "id"),
    "reporting": (ReportingStatus, "id"),
}
#: The problem a record of each kind that failed to read causes wherever it is used.
_UNKNOWN = {
    "source": C.UNKNOWN_SOURCE,
    "country": C.UNKNOWN_COUNTRY,
    "instrument": C.UNKNOWN_INSTRUMENT,
}
_PLACE_NAME = {
    "sources": "source",
    "countries": "country",
    "instruments": "instrument",
    "mous": "mou",
    "events": "event",
    "observations": "observation",
    "reviews": "review",
    "recommendations": "recommendation",
    "reporting": "reporting",
}


class _Reader:
    """Collects records, places and problems from one dataset directory."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.problems: list[Problem] = []
        self.places: dict[PlaceKey, str] = {}  # of the YAML records
        #: the places of participations and actions (most of them: kept compact)
        self.rows = PlaceRows()
        self._file = -1  # the number of the participations file being read
        self._alone: dict[str, tuple[str]] = {}
        self.records: dict[str, list[Any]] = {k: [] for k in YAML_KINDS}
        self.participations: list[Participation] = []
        self.failed_kinds: set[str] = set()
        self._dates: dict[str, PartialDate] = {}
        self._texts: dict[str, str] = {}  # each date's text, once
        self._links: set[Path] = set()

    def files(self, stem: str, suffix: str) -> list[Path]:
        folder = self.root / stem
        if folder.is_symlink() and escaping_link(folder, self.root) is not None:
            self._links.add(folder)
            self.problems.append(Problem(display_path(folder), OUTSIDE_LINK, C.LINK_OUTSIDE))
            single = self.root / f"{stem}{suffix}"
            return [single] if single.exists() or single.is_symlink() else []
        found, misplaced = kind_files(self.root, stem, suffix)
        if misplaced is not None:
            self.problems.append(
                Problem(
                    display_path(misplaced), "expected a directory, found a file", C.NOT_A_DIRECTORY
                )
            )
        return found

    def read_text(self, path: Path) -> str | None:
        name = display_path(path)
        link = escaping_link(path, self.root)
        if link is not None:
            if link not in self._links:
                self._links.add(link)
                self.problems.append(Problem(display_path(link), OUTSIDE_LINK, C.LINK_OUTSIDE))
            return None
        if path.is_dir():
            self.problems.append(Problem(name, "expected a file, found a directory", C.NOT_A_FILE))
            return None
        result = read_file_bounded(path, self.max_bytes)
        if isinstance(result, str):
            self.problems.append(Problem(name, result, C.UNREADABLE_FILE))
            return None
        data = result
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problems.append(
                Problem(
                    f"{name}:{line}",
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                    C.NOT_UTF8,
                )
            )
            return None
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            self.problems.append(Problem(f"{name}:{line}", "file contains a NUL byte", C.NUL_BYTE))
            return None
        if not text.strip():
            self.problems.append(Problem(name, "file is empty", C.EMPTY_FILE))
            return None
        return text

    # -- YAML --------------------------------------------------------------------------

    def read_yaml_kind(self, kind: str) -> None:
        before = len(self.problems)
        self._read_yaml_kind(kind)
        if len(self.problems) > before:
            self.failed_kinds.add(_PLACE_NAME[kind])

    def _read_yaml_kind(self, kind: str) -> None:
        cls, id_field = YAML_KINDS[kind]
        for path in self.files(kind, ".yaml"):
            text = self.read_text(path)
            if text is None:
                continue
            name = display_path(path)
            try:
                doc = load_yaml(text, name)
            except DataError as exc:
                self.problems.extend(exc.problems)
                continue
            if not isinstance(doc, list):
                self.problems.append(
                    Problem(
                        f"{name}:1",
                        f"expected a list of {kind} (lines starting with '- ')",
                        C.NOT_A_LIST,
                    )
                )
                continue
            for item in doc:
                self.read_yaml_record(item, cls, id_field, kind, name)

    def read_yaml_record(
        self, item: Any, cls: type[Any], id_field: str, kind: str, name: str
    ) -> None:
        if not isinstance(item, Located):
            self.problems.append(
                Problem(name, f"expected a mapping, got {item!r}", C.NOT_A_MAPPING)
            )
            return
        where = f"{name}:{item.line}"
        value = plain(item.value)
        authority_ok = True
        if kind == "sources":
            authority_ok = self.check_authority(item, name)
            if not authority_ok:  # structure with a stand-in to report every other problem
                value["authority"] = Authority.COPY.value
        try:
            record = converter.structure(value, cls)
        except Exception as exc:  # cattrs raises grouped errors of many types
            for path, message in error_messages(exc):
                field = path[2:].split(".")[0].split("[")[0] if path.startswith("$.") else ""
                line = item.key_lines.get(field, item.line)
                label = f"{field}: " if field else ""
                self.problems.append(
                    Problem(f"{name}:{line}", f"{label}{message}", C.INVALID_FIELD)
                )
            return
        if not authority_ok:
            return
        ident = getattr(record, id_field)
        place_kind = _PLACE_NAME[kind]
        key: PlaceKey = (place_kind, ident)
        if key in self.places:
            self.places[(f"{place_kind}#2", ident)] = where
        else:
            self.places[key] = where
        self.records[kind].append(record)

    def check_authority(self, item: Located, name: str) -> bool:
        """Whether a source record gives a known ``authority``; reports it if not."""
        ident = item.value.get("id")
        label = f"source {ident!r}" if isinstance(ident, str) else "source"
        allowed = ", ".join(AUTHORITY_WORDS)
        if "authority" not in item.value:
            self.problems.append(
                Problem(
                    f"{name}:{item.line}",
                    f"{label}: authority is missing (one of: {allowed})",
                    C.NO_AUTHORITY,
                )
            )
            return False
        value = item.value["authority"]
        if not isinstance(value, str) or value not in AUTHORITY_WORDS:
            line = item.key_lines.get("authority", item.line)
            self.problems.append(
                Problem(
                    f"{name}:{line}",
                    f"{label}: unknown authority {plain(value)!r} (one of: {allowed})",
                    C.NO_AUTHORITY,
                )
            )
            return False
        return True

    # -- CSV ---------------------------------------------------------------------------

    def read_participations(self) -> None:
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for path in self.files("participations", ".csv"):
            text = self.read_text(path)
            if text is None:
                continue
            self.read_csv(text, display_path(path), rows)
        for (country, instrument), parts in rows.items():
            self.participations.append(
                Participation(
                    country=country,
                    instrument=instrument,
                    actions=parts["actions"],
                    reservations=tuple(parts["reservations"]),
                    entry_into_force=parts["entry_into_force"],
                    no_action=parts["no_action"],
                )
            )

    def _header_ok(self, header: list[str], name: str) -> bool:
        """Whether a participations CSV header (cells stripped) is right; if not, say why."""
        known = (*PARTICIPATION_COLUMNS, RESEARCH_NOTE_COLUMN)
        missing = [c for c in PARTICIPATION_COLUMNS if c not in header]
        extra = [c for c in header if c not in known]
        if missing or extra or len(set(header)) != len(header):
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if extra:
                parts.append("unknown " + ", ".join(repr(e) for e in extra))
            if len(set(header)) != len(header):
                parts.append("repeated column names")
            self.problems.append(
                Problem(
                    f"{name}:1",
                    f"header must be {','.join(PARTICIPATION_COLUMNS)} ({'; '.join(parts)})",
                    C.BAD_HEADER,
                )
            )
            return False
        return True

    def read_csv(self, text: str, name: str, rows: dict[tuple[str, str], dict[str, Any]]) -> None:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            self.problems.append(Problem(f"{name}:1", f"invalid CSV: {exc}", C.INVALID_CSV))
            return
        header = [h.strip() for h in header]
        if not self._header_ok(header, name):
            return
        ci, ii, ai, di, si, ni = (header.index(c) for c in PARTICIPATION_COLUMNS)
        ri = header.index(RESEARCH_NOTE_COLUMN) if RESEARCH_NOTE_COLUMN in header else None
        self._file = self.rows.file(name)
        width = len(header)
        read_row = self.read_row
        intern = sys.intern
        same_text = self._texts.setdefault
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    # a quote opened on line `start` swallowed every line to the end
                    self.problems.append(
                        Problem(
                            f"{name}:{start}",
                            "invalid CSV: a quoted cell is never closed (missing '\"')",
                            C.INVALID_CSV,
                        )
                    )
                    break
                self.problems.append(
                    Problem(f"{name}:{reader.line_num}", f"invalid CSV: {exc}", C.INVALID_CSV)
                )
                break
            if len(row) != width:
                if not row or all(not cell.strip() for cell in row):
                    continue
                self.problems.append(
                    Problem(
                        f"{name}:{start}",
                        f"expected {width} columns, found {len(row)}",
                        C.WRONG_COLUMN_COUNT,
                    )
                )
                continue
            # codes, ids and words repeat from row to row: one string each (at
            # world scale, tens of megabytes of copies otherwise)
            country = intern(row[ci].strip())
            instrument = intern(row[ii].strip())
            word = intern(row[ai].strip())
            date_text = row[di].strip()
            date_text = same_text(date_text, date_text)  # one string each (in places)
            source = intern(row[si].strip())
            note = row[ni].strip()
            research = row[ri].strip() if ri is not None else ""
            if not (country or instrument or word or date_text or source or note or research):
                continue
            read_row(
                country,
                instrument,
                word,
                date_text,
                source,
                note,
                name,
                start,  # the line the row starts on (a quoted note may span lines)
                rows,
                research or None,
            )

    def read_row(
        self,
        country: str,
        instrument: str,
        word: str,
        date_text: str,
        source: str,
        note_text: str,
        name: str,
        line: int,
        rows: dict[tuple[str, str], dict[str, Any]],
        research_note: str | None = None,
    ) -> None:
        """Record one CSV row (its cells already stripped), or the problems it has."""
        parsed = self._dates.get(date_text) if date_text else None
        if parsed is not None and not parsed.is_full and word not in _ACTION_KINDS:
            parsed = None  # only actions may be known to the month or year
        if ";" in source:
            sources = tuple(sys.intern(s.strip()) for s in source.split(";") if s.strip())
        else:  # one tuple for each source cited alone (most rows)
            sources = self._alone.get(source) or self._alone.setdefault(source, (source,))
            if not source:
                sources = ()
        if (
            parsed is None
            or not country
            or not instrument
            or not sources
            or word not in _ACTION_WORDS
            or (not note_text and word in _TEXT_FACTS)
        ):
            parsed, problems = self.row_problems(
                country, instrument, word, date_text, sources, note_text
            )
            if problems:
                where = f"{name}:{line}"
                self.problems.extend(Problem(where, p, code) for p, code in problems)
                return
        date = parsed
        note = note_text or None
        pair = (country, instrument)
        entry = rows.get(pair)
        placed, file = self.rows, self._file
        if entry is None:  # the participation's first row: its place
            entry = rows[pair] = {
                "actions": [],
                "reservations": [],
                "entry_into_force": None,
                "no_action": None,
            }
            placed.add(("participation", country, instrument), file, line)
        # a valid date's ISO form (``1999``, ``1999-08``, ``1999-08-23``) is the text it was
        # parsed from
        key: PlaceKey = ("action", country, instrument, word, date_text if date else "")
        kind = _ACTION_KINDS.get(word)
        if kind is not None:
            assert date is not None
            first = placed.add(key, file, line)
            if first >= 0:
                self._duplicate_action(
                    f"{name}:{line}", placed.place(first), country, instrument, word, date_text
                )
                return
            entry["actions"].append(Action(kind, date, sources, note, research_note))
            return
        if word in _DATED_FACTS and key in placed:
            self.problems.append(
                Problem(
                    f"{name}:{line}",
                    f"duplicate {word} for {country} x {instrument}",
                    C.DUPLICATE_FACT,
                )
            )
            return
        placed.add(key, file, line)
        day = date.to_date() if date is not None else None
        if word in _DATED_FACTS:
            assert day is not None
            if entry[word] is not None:
                self._second_fact(f"{name}:{line}", country, instrument, word)
                return
            entry[word] = DatedFact(day, sources, note, research_note)
        else:
            assert note is not None
            entry["reservations"].append(
                Reservation(ReservationKind(word), note, day, sources, research_note)
            )

    def _duplicate_action(
        self, where: str, first: str, country: str, instrument: str, word: str, date_text: str
    ) -> None:
        """Report an action already recorded (at ``first``) for the same day."""
        self.problems.append(
            Problem(
                where,
                f"duplicate {word} of {instrument} by {country} on {date_text} (first at {first})",
                C.DUPLICATE_ACTION,
            )
        )

    def _second_fact(self, where: str, country: str, instrument: str, word: str) -> None:
        """Report a second dated fact of one kind for a country and an instrument."""
        self.problems.append(
            Problem(
                where,
                f"second {word} for {country} x {instrument} "
                f"(first at {self.rows.get(('participation', country, instrument))})",
                C.DUPLICATE_FACT,
            )
        )

    def row_problems(
        self,
        country: str,
        instrument: str,
        word: str,
        date_text: str,
        sources: tuple[str, ...],
        note_text: str,
    ) -> tuple[PartialDate | None, list[tuple[str, C]]]:
        """The date of a row that failed the quick checks, and its problems (messages and
        codes); the date is remembered for the next rows."""
        parsed: PartialDate | None = None
        problems: list[tuple[str, C]] = []
        if not country:
            problems.append(("country is empty", C.MISSING_VALUE))
        if not instrument:
            problems.append(("instrument is empty", C.MISSING_VALUE))
        if word not in _ACTION_WORDS:
            problems.append(
                (
                    f"unknown action {word!r} (one of: {', '.join(sorted(_ACTION_WORDS))})",
                    C.UNKNOWN_ACTION,
                )
            )
        if date_text:
            try:
                parsed = parse_fact_date(date_text, word in _ACTION_KINDS)
            except ValueError as exc:
                problems.append((str(exc), C.INVALID_DATE))
            else:
                self._dates[date_text] = parsed
        elif word not in _TEXT_FACTS:
            problems.append(("date is empty", C.MISSING_VALUE))
        if not sources:
            problems.append(("source is empty: every fact needs a source", C.NO_SOURCE))
        if word in _TEXT_FACTS and not note_text:
            problems.append(
                (
                    f"a {word} needs its text (or a summary) in the note column",
                    C.MISSING_TEXT,
                )
            )
        return parsed, problems


def parse_fact_date(text: str, partial_ok: bool) -> PartialDate:
    """Parse a CSV date: a full ``YYYY-MM-DD``, or for actions also ``YYYY-MM`` or ``YYYY``
    (kept at that precision, never padded). Raises ``ValueError`` with a readable message."""
    if len(text) == 10 or not partial_ok:
        if not partial_ok and len(text) in (4, 7) and text[:4].isdigit():
            raise ValueError(f"invalid date {text!r}: this fact needs a full date YYYY-MM-DD")
        return PartialDate.from_date(parse_date(text))
    return PartialDate.parse(text)


def read_dataset(
    path: str | os.PathLike[str] | None = None,
    *,
    today: dt.date | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> PolicySet:
    """Read and validate a dataset directory (default: the bundled one), without the
    snapshot cache: what :func:`gmspolicy.dataset.load_dataset` does on a cache miss."""
    root = Path(path) if path is not None else bundled_data_dir()
    if not root.exists():
        raise UsageError(f"{display_path(root)}: no such directory")
    if not root.is_dir():
        raise UsageError(f"{display_path(root)}: not a directory")
    # Reading makes hundreds of thousands of small objects and no reference cycles: the
    # cyclic garbage collector would rescan them all again and again (half the time).
    with without_gc():
        return _load(root, today, max_file_bytes)


def _load(root: Path, today: dt.date | None, max_file_bytes: int) -> PolicySet:
    reader = _Reader(root, max_file_bytes)
    for kind in YAML_KINDS:
        reader.read_yaml_kind(kind)
    reader.read_participations()
    found_any = any(reader.records.values()) or reader.participations
    if not found_any and not reader.problems:
        raise UsageError(
            f"{display_path(root)}: no dataset files found (expected countries.yaml, "
            "instruments.yaml, participations.csv...)"
        )
    # the places, compact (the index of the rows' keys is dropped now: at world scale it
    # is a quarter of the set's memory)
    places = reader.rows.places(reader.places)
    reader.rows = PlaceRows()
    try:
        pset = PolicySet.build(
            countries=reader.records["countries"],
            instruments=reader.records["instruments"],
            participations=reader.participations,
            mous=reader.records["mous"],
            events=reader.records["events"],
            sources=reader.records["sources"],
            observations=reader.records["observations"],
            reviews=reader.records["reviews"],
            recommendations=reader.records["recommendations"],
            reporting=reader.records["reporting"],
            places=places,
            today=today,
        )
    except DataError as exc:
        # Records that failed to read would show up again as "unknown country 'X'" and
        # the like wherever they are used: leave those out until the first are fixed.
        cascades = {_UNKNOWN[kind] for kind in reader.failed_kinds if kind in _UNKNOWN}
        later = [p for p in exc.problems if p.code not in cascades]
        raise DataError(sorted([*reader.problems, *later], key=problem_sort_key)) from None
    if reader.problems:
        raise DataError(sorted(reader.problems, key=problem_sort_key))
    return pset
