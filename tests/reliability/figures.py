"""Generate the figures in docs/reliability.md from a real run of the reliability suite.

    python tests/reliability/figures.py            # print the figures (Markdown)
    python tests/reliability/figures.py --update   # also rewrite them in docs/reliability.md

It runs ``python -m pytest tests/reliability`` once (with every hypothesis property
noting each example it tries, and every hostile-input measurement noting its ratios),
then counts: the bad inputs in the catalogue (collected test cases), the examples tried
per property, the faults each loader survives, and the worst work measured per class of
hostile input (``hostile_kit.measure``).
"""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def _pytest(*args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode not in (0, 5):
        sys.exit(f"the suite failed:\n{proc.stdout[-3000:]}")
    return proc.stdout


def figures() -> str:
    """Run the suite and return the figures as Markdown."""
    with tempfile.TemporaryDirectory() as tmp:
        counts_file = Path(tmp) / "examples.txt"
        measure_file = Path(tmp) / "measured.jsonl"
        env = {
            **os.environ,
            "GMSPOLICY_RELIABILITY_EXAMPLES": str(counts_file),
            "GMSPOLICY_RELIABILITY_MEASURE": str(measure_file),
        }
        summary = _pytest("tests/reliability", "-q", env=env).strip().splitlines()[-1]
        examples = collections.Counter(
            counts_file.read_text(encoding="utf-8").splitlines() if counts_file.exists() else []
        )
        measured = [
            json.loads(line)
            for line in (
                measure_file.read_text(encoding="utf-8").splitlines()
                if measure_file.exists()
                else []
            )
        ]
    collected = _pytest("--collect-only", "-q", "tests/reliability/test_rel_bad_inputs.py")
    ids = [line for line in collected.splitlines() if "::" in line]
    accepted = [i for i in ids if "test_spreadsheet_quirks_are_accepted" in i]
    refused = [i for i in ids if i not in accepted]

    sys.path.insert(0, str(HERE))
    import test_rel_faults

    from gmspolicy.testing import FAULTS as SHARED_FAULTS

    faults = sorted(set(test_rel_faults.FAULTS) | set(SHARED_FAULTS))
    lines = [
        f"Last run: `{re.sub(r' in [0-9.]+s.*', '', summary).strip('= ')}`.",
        "",
        f"- Bad inputs in the catalogue: **{len(refused)}** refused (one line per problem, "
        f"exit 1 or 2, output untouched) and **{len(accepted)}** spreadsheet quirks "
        "accepted (BOM, blank lines, CRLF, padded cells).",
        "",
        "| Property (hypothesis) | Examples tried |",
        "| --- | --- |",
        *(f"| {prop} | {n} |" for prop, n in sorted(examples.items())),
        "",
        f"- Faults survived per loader (untc, ohchr, normlex, csv): **{len(faults)}** each "
        f"({', '.join(faults)}); `gmspolicy fetch` leaves the dataset byte-identical after "
        f"each of the {len(test_rel_faults.FAULTS)} in `test_rel_faults.FAULTS`.",
        "",
        *_work_table(measured),
    ]
    return "\n".join(lines) + "\n"


def _work_table(measured: list[dict[str, object]]) -> list[str]:
    """Per class of hostile input: the worst CPU time and peak allocation measured, as
    ratios to a harmless input of the same size (``hostile_kit.measure``)."""
    by_class: dict[str, list[dict[str, object]]] = collections.defaultdict(list)
    for m in measured:
        by_class[str(m["class"])].append(m)
    lines = [
        "Work on hostile input, worst case per class (CPU time and peak allocation of the "
        "hostile input divided by those of a harmless input of the same size; one run):",
        "",
        "| Class | Cases | Input | Worst time ratio | Worst memory ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, cases in sorted(by_class.items()):
        t = max(cases, key=lambda m: float(m["time_ratio"]))
        mem = max(cases, key=lambda m: float(m["memory_ratio"]))
        sizes = sorted({int(m["size"]) for m in cases})
        size = " / ".join(f"{s // 1000:,} K chars" for s in sizes)
        lines.append(
            f"| {kind} | {len(cases)} | {size} | {float(t['time_ratio']):.1f} "
            f"({t['case']}) | {float(mem['memory_ratio']):.1f} ({mem['case']}) |"
        )
    lines += [
        "",
        "14.6 (links out of the dataset) is refused before anything is read from the target, "
        "and 14.8 (concurrent writers) is a question of correctness, not work: no ratios.",
    ]
    return lines


def main() -> None:
    """Print the figures; with ``--update``, write them into docs/reliability.md."""
    text = figures()
    print(text, end="")
    if "--update" in sys.argv[1:]:
        page = DOC.read_text(encoding="utf-8")
        head, _, rest = page.partition(START)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
