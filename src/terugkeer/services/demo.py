"""The demo store: one simulated year (no real person) in an embedded SQLite store, built once
and reused while its inputs are unchanged.

Only the people who can count in the year are imported (`persons_of_the_year`): their whole
history is kept, while people whose cases all closed during the warm-up are left out — they
cannot appear in any figure, case list or forecast of the year, and were three quarters of the
lines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from terugkeer import __version__
from terugkeer.bootstrap import System, bootstrap, rules_of
from terugkeer.services.ingest import ingest_lines
from terugkeer.settings import Settings
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.replications import persons_of_the_year
from terugkeer.simulation.runner import simulate
from terugkeer.store.schema import head_revision

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoStore:
    system: System
    store_file: Path
    sample: Path
    lines: int
    reused: bool


def demo_store(folder: Path, *, year: int, seed: int, progress: Progress) -> DemoStore:
    """The demo store for `year` and `seed` in `folder`: reused when it was built from the
    same inputs (simulator code and parameters, rules, schema), else built anew."""
    folder.mkdir(parents=True, exist_ok=True)
    sample, store_file, stamp = (
        folder / f"simulated-{year}.jsonl", folder / "demo.db", folder / "demo.json",
    )  # fmt: skip
    wanted = {"year": year, "seed": seed, "inputs": inputs_digest()}
    url = f"sqlite:///{store_file}"
    found = _read(stamp)
    lines = found.get("lines")
    if store_file.exists() and found.get("built") == wanted and isinstance(lines, int):
        system = bootstrap(Settings(database_url=url), migrate=False)
        return DemoStore(system, store_file, sample, lines, reused=True)
    for stale in [stamp, *folder.glob("demo.db*")]:
        stale.unlink(missing_ok=True)
    first = date(year, 1, 1)
    progress(f"simulating {year} with its warm-up (seed {seed}) ...")
    whole = folder / f"simulated-{year}-with-warm-up.jsonl"
    settings = Settings(database_url=url)
    simulate(load_parameters(), first, date(year, 12, 31), seed, whole, rules=rules_of(settings))
    persons_of_the_year(whole, sample, first)
    whole.unlink()
    system = bootstrap(settings)
    progress("importing the people of the year with their whole history ...")
    with sample.open("rb") as stream:
        summary = ingest_lines(system, stream)
    stamp.write_text(json.dumps({"built": wanted, "lines": summary.lines}), encoding="utf-8")
    return DemoStore(system, store_file, sample, summary.lines, reused=False)


def _read(stamp: Path) -> dict[str, object]:
    try:
        found = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def inputs_digest() -> str:
    """What the demo store is made of: the simulator's code and parameters, the rules table,
    the schema revision and the version. Any change builds the store anew."""
    digest = hashlib.sha256(f"{__version__} {head_revision()}".encode())
    for package in (
        "terugkeer.simulation",
        "terugkeer.rules",
        "terugkeer.store.migrations.versions",
    ):
        for item in sorted(resources.files(package).iterdir(), key=lambda i: i.name):
            if item.is_file() and item.name.endswith((".py", ".toml")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()
