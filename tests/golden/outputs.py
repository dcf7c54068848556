"""The commands whose outputs are pinned byte for byte (``tests/golden/outputs.json``).

Performance work must change no output (issue 16). These commands run on a frozen copy
of the bundled dataset (``tests/golden/data``, so later data work does not move them)
and the digest of each output is kept in ``outputs.json``. After an *intended* change
of an output, regenerate with ``python tests/golden/outputs.py --write`` (or
``nox -s golden``) and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
MANIFEST = HERE / "outputs.json"
WORLD_MANIFEST = HERE / "world.json"
#: The generated world the world-scale outputs are pinned on: 40 of the 197 countries.
WORLD_SCALE = (40, 197)

#: World-scale commands (after ``gmspolicy --data WORLD``).
WORLD_COMMANDS: dict[str, list[str]] = {
    **{
        f"table-all.{f}": ["table", "--all-countries", "--format", f]
        for f in ("html", "markdown", "csv", "json", "text")
    },
    "table-all-asof.html": [
        "table",
        "--all-countries",
        "--as-of",
        "1999-12-31",
        "--format",
        "html",
    ],
    "export.json": ["export", "--format", "json"],
}

_TABLE_FORMATS = ("text", "markdown", "html", "csv", "json")

#: Each pinned command: its name and its arguments after ``gmspolicy --data DATA``.
COMMANDS: dict[str, list[str]] = {
    **{f"table.{f}": ["table", "--format", f] for f in _TABLE_FORMATS},
    **{
        f"table-all.{f}": ["table", "--all-countries", "--format", f]
        for f in ("text", "markdown", "html", "csv")
    },
    "table-asof.html": ["table", "--as-of", "2010-06-30", "--format", "html"],
    "table-asof.markdown": ["table", "--as-of", "2010-06-30", "--format", "markdown"],
    "table-th.html": ["table", "--lang", "th", "--format", "html"],
    "table-zh.markdown": ["table", "--lang", "zh", "--format", "markdown"],
    "table-asean-fundamental.html": [
        "table",
        "--group",
        "asean",
        "--tag",
        "fundamental",
        "--format",
        "html",
    ],
    **{f"export.{f}": ["export", "--format", f] for f in ("json", "csv", "html", "markdown")},
    "export.sqlite": ["export", "--format", "sqlite"],
    **{f"show.{f}": ["show", "THA", "--format", f] for f in ("markdown", "html", "json")},
    **{
        f"reviews.{f}": ["reviews", "--as-of", "2026-12-01", "--format", f]
        for f in ("markdown", "html", "csv", "json", "ics")
    },
    "events.ics": ["events", "--format", "ics"],
    "events.html": ["events", "--format", "html"],
    "mous.markdown": ["mous", "--format", "markdown"],
    "observations.html": ["observations", "--format", "html"],
}


def run(
    name: str, gmspolicy: list[str], out_dir: Path, cache: bool, world: Path | None = None
) -> bytes:
    """Run one pinned command (through the snapshot cache or not); its output bytes."""
    out = out_dir / name
    cmd = [*gmspolicy, *([] if cache else ["--no-cache"]), "--data", str(world or DATA)]
    cmd += [*(WORLD_COMMANDS if world else COMMANDS)[name], "-o", str(out)]
    env = {**os.environ, "COLUMNS": "100", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"{name}: exit {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return out.read_bytes()


def digest(data: bytes) -> str:
    """What the manifest keeps of an output: its length and SHA-256."""
    return f"{len(data)}:{hashlib.sha256(data).hexdigest()}"


def generate_world(out: Path) -> Path:
    """Generate the pinned world (``benchmarks/generate.py``) into ``out``."""
    from fractions import Fraction

    sys.path.insert(0, str(HERE.parent.parent / "benchmarks"))
    from generate import generate

    generate(out, Fraction(*WORLD_SCALE))
    return out


def pycountry_version() -> str:
    """The generator names countries with pycountry: world digests hold for its version."""
    from importlib.metadata import version

    return version("pycountry")


def main() -> int:
    """``--write``: regenerate the manifests; otherwise compare and list what differs."""
    gms = [sys.executable, "-m", "gmspolicy"]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GMSPOLICY_CACHE_DIR"] = str(Path(tmp) / "cache")
        got = {n: digest(run(n, gms, Path(tmp), cache=False)) for n in COMMANDS}
        world = generate_world(Path(tmp) / "world")
        got_world = {
            n: digest(run(n, gms, Path(tmp), cache=False, world=world)) for n in WORLD_COMMANDS
        }
    if "--write" in sys.argv[1:]:
        MANIFEST.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pinned = {"pycountry": pycountry_version(), "outputs": got_world}
        WORLD_MANIFEST.write_text(
            json.dumps(pinned, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"wrote {MANIFEST} ({len(got)} outputs) and {WORLD_MANIFEST}")
        return 0
    want = json.loads(MANIFEST.read_text(encoding="utf-8"))
    want_world = json.loads(WORLD_MANIFEST.read_text(encoding="utf-8"))["outputs"]
    bad = sorted(n for n in got if want.get(n) != got[n])
    bad += sorted("world " + n for n in got_world if want_world.get(n) != got_world[n])
    print("\n".join(bad) or "all outputs as pinned")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
