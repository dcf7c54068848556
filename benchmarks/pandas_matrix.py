"""The baseline a user might write instead of gmspolicy: a pandas ratification matrix.

    python benchmarks/pandas_matrix.py DATADIR --format html|markdown -o OUT

Reads every participations CSV with ``pandas.read_csv``, keeps each country x instrument
pair's latest action, pivots to instruments x countries (country names as columns,
instrument short names as rows, ``unknown`` where nothing is recorded) and writes it with
``DataFrame.to_html`` or ``DataFrame.to_markdown`` (tabulate). No validation, no sources,
no as-of dates: only the table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WORDS = {
    "signature": "signed",
    "ratification": "ratified",
    "accession": "acceded",
    "succession": "succession",
    "acceptance": "accepted",
    "approval": "approved",
    "formal_confirmation": "confirmed",
    "denunciation": "denounced",
    "withdrawal": "withdrawn",
    "no_action": "no action",
}


def _yaml_records(root: Path, kind: str) -> list[dict[str, object]]:
    paths = [root / f"{kind}.yaml", *sorted((root / kind).glob("*.yaml"))]
    out: list[dict[str, object]] = []
    for path in paths:
        if path.is_file():
            out.extend(yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or [])
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the matrix and write it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--format", choices=("html", "markdown"), default="html")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    root: Path = args.data

    csvs = [root / "participations.csv", *sorted((root / "participations").glob("*.csv"))]
    frames = [
        pd.read_csv(
            p, dtype=str, keep_default_na=False, usecols=["country", "instrument", "action", "date"]
        )
        for p in csvs
        if p.is_file()
    ]
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["action"].isin(list(WORDS))]
    latest = rows.sort_values("date", kind="stable").groupby(["country", "instrument"]).tail(1)
    latest = latest.assign(cell=latest["action"].map(WORDS) + " " + latest["date"])
    table = latest.pivot(index="instrument", columns="country", values="cell")

    countries = _yaml_records(root, "countries")
    instruments = _yaml_records(root, "instruments")
    table = table.reindex(
        index=[str(i["id"]) for i in instruments],
        columns=sorted(str(c["code"]) for c in countries),
    ).fillna("unknown")
    table.index = pd.Index([str(i["short_name"]) for i in instruments], name="Instrument")
    names = {str(c["code"]): str(c["name"]) for c in countries}
    table.columns = pd.Index([names[c] for c in table.columns])

    text = table.to_html() if args.format == "html" else table.to_markdown()
    args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
