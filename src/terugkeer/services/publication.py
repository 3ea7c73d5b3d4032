"""`terugkeer publish`: the monthly open data as files (issue 11), and their verification.

A publication is a folder: per table a CSV ("brontabel": `;`-separated, UTF-8, as Dutch
spreadsheets read it) and a JSON file, the month's key figures (JSON), an HTML page, a README
of the definitions, and `manifest.json` with the month, what the figures reflect (the newest
event's `recorded_at` and the chain head hash) and the SHA-256 of every other file. Every file
is a function of the store's events: the same store gives the same bytes.

The years before the store's complete-from day are left out of the series (issue 28); the
README, the page and the manifest say so in one line. The manifest names the setting it was
made with (its `set_at`), so that a later setting does not keep an earlier publication from
being reproduced: the demo, for one, sets the day after its last event was recorded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import func, select

from terugkeer.bootstrap import System
from terugkeer.domain.completeness import first_whole_year
from terugkeer.reports.numbers import format_number
from terugkeer.reports.publication import MonthlyFigures, Table, month_end, monthly_figures
from terugkeer.services.completeness import Completeness, completeness
from terugkeer.services.errors import ServiceError
from terugkeer.store.as_of import cut_seq, known_at
from terugkeer.store.projector import head_seq, projected_seq
from terugkeer.store.tables import events, withdrawals
from terugkeer.store.users import utc_text

MANIFEST = "manifest.json"


class PublicationError(ServiceError):
    """A publication that cannot be made or read as asked (the message says why)."""


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return out.getvalue()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _table_json(table: Table) -> str:
    return _json({"title": table.title, "columns": list(table.columns),
                  "rows": [list(row) for row in table.rows]})  # fmt: skip


def _files(figures: MonthlyFigures) -> dict[str, str]:
    files: dict[str, str] = {}
    for table in figures.tables:
        files[f"{table.name}.csv"] = _csv(table)
        files[f"{table.name}.json"] = _table_json(table)
    files["kerncijfers-maand.json"] = _json(figures.month_figures.model_dump(mode="json"))
    folder = resources.files("terugkeer.reports") / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                             keep_trailing_newline=True)  # fmt: skip
    env.filters["dutch"] = _dutch
    context = {"f": figures, "month": f"{figures.month:%Y-%m}", "end": month_end(figures.month),
               "left_out": left_out(figures)}  # fmt: skip
    files["index.html"] = env.get_template("publication.html").render(context)
    # A style sheet of its own: the site's CSP allows no inline style where /cijfers serves it.
    files["publication.css"] = (folder / "publication.css").read_text(encoding="utf-8")
    files["README.md"] = env.get_template("publication-readme.md").render(context)
    return files


def _dutch(value: object, column: str) -> str:
    """A cell as a Dutch reader expects it on the page (12.270; 50,3); years and ranks as
    they are."""
    if column in ("jaar", "rang") or isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        return format_decimal(value, "#,##0.0", locale="nl_NL")
    return format_number(value if isinstance(value, int) else 0, "nl")


def left_out(figures: MonthlyFigures) -> str:
    """The one line on the years left out ("" when none is): which, and why. A fixed sentence,
    not the operator's reason: a public file holds no free text that nobody reviewed."""
    if figures.complete_from is None:
        return ""
    day = format_date(figures.complete_from, "d MMMM y", locale="nl")
    if figures.first_year is not None and figures.first_year > figures.month.year:
        return (f"De jaarreeksen zijn nog leeg: de gegevens zijn pas vanaf {day} volledig en "
                "sindsdien is er nog geen heel kalenderjaar.")  # fmt: skip
    return (f"Jaren vóór {figures.first_year} zijn weggelaten: de gegevens zijn pas vanaf {day} "
            "volledig; eerdere jaren bevatten maar een deel van de zaken.")  # fmt: skip


def _manifest(figures: MonthlyFigures, whole: Completeness, files: dict[str, str]) -> str:
    manifest: dict[str, Any] = {
        "month": f"{figures.month:%Y-%m}",
        "as_of": figures.as_of,
        "chain_head_hash": figures.head_hash,
    }
    if figures.complete_from is not None:  # absent when nothing is left out (as before)
        manifest["complete_from"] = {
            "day": figures.complete_from.isoformat(),
            "set_at": whole.set_at,
            "note": left_out(figures),
        }
    manifest["files"] = {name: hashlib.sha256(text.encode()).hexdigest()
                         for name, text in sorted(files.items())}  # fmt: skip
    return _json(manifest)


def recorded_by(moment: datetime) -> str:
    """The `recorded_at` bound of "as known at `moment`" (an aware datetime): inclusive; the
    store's own form of a UTC moment."""
    return utc_text(moment)


def compute(
    system: System, month: date, *, known_by: str | None = None, whole: Completeness | None = None
) -> dict[str, str]:
    """Every file of the month's publication, the manifest included, by name; from the events
    recorded at or before `known_by` (a `recorded_at` value) when given, else from all. The
    years before the complete-from day of `whole` are left out; by default, of the setting
    known by `known_by` (the latest when None)."""
    if known_by is None:
        # The manifest names the chain's head: while a bulk import's projector is behind it
        # (store/projector.py), the figures are those of the head as known now, derived
        # through the versions as "as known on" is, not the projections' older state.
        with system.engine.connect() as connection:
            head = head_seq(connection)
            if projected_seq(connection) < head:
                latest = select(events.c.recorded_at).where(events.c.seq == head)
                known_by = connection.execute(latest).scalar_one()
    if whole is None:
        whole = completeness(system, known_by=known_by)
    with system.engine.connect() as connection:
        if known_by is None:
            held = connection.execute(select(func.count()).select_from(events)).scalar_one()
        else:
            held = cut_seq(connection, known_by)
        if held == 0:
            raise PublicationError("no event was recorded by then: there is nothing to publish")
    if known_by is None:
        with system.engine.connect() as connection:
            figures = monthly_figures(connection, month, whole.complete_from)
    else:
        with known_at(system.engine, known_by, system.rules) as scratch, scratch.connect() as c:
            figures = monthly_figures(c, month, whole.complete_from)
    files = _files(figures)
    files[MANIFEST] = _manifest(figures, whole, files)
    return files


@dataclass(frozen=True, slots=True)
class Published:
    folder: Path
    files: list[str]
    as_of: str


def publish(system: System, month: date, out: Path, *, known_by: str | None = None) -> Published:
    """Write the month's publication into `out` (created; an existing publication there is
    replaced only if it is of the same month); as known by `known_by` when given."""
    whole = completeness(system, known_by=known_by)
    if not whole.covers(month):
        # The month's own figures would hold only part of the caseload; published, a reader
        # could not tell. (`publish verify` still reproduces one made before the setting.)
        raise PublicationError(f"the data are complete only from {whole.complete_from}: "
                               f"{month:%Y-%m} is not published")  # fmt: skip
    files = compute(system, month, known_by=known_by, whole=whole)
    if out.exists() and not out.is_dir():
        raise PublicationError(f"{out} is a file, not a folder")
    previous = out / MANIFEST
    if previous.exists() and json.loads(previous.read_text())["month"] != f"{month:%Y-%m}":
        raise PublicationError(f"{out} holds the publication of another month")
    if out.exists() and any(out.iterdir()) and not previous.exists():
        raise PublicationError(f"{out} is not empty and holds no publication")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="")
    return Published(out, sorted(files), json.loads(files[MANIFEST])["as_of"])


@dataclass(frozen=True, slots=True)
class Verified:
    month: str
    as_of: str
    #: Files that the events recorded by the publication's as-of moment no longer give: the
    #: history or the files were changed (empty: reproduced byte for byte).
    not_reproduced: list[str]
    #: Files the store gives differently now, and per table the cells that moved
    #: (file, row, column, then, now).
    changed_files: list[str]
    moved: list[tuple[str, str, str, Any, Any]]
    #: Events recorded after the as-of moment (late partner messages among them).
    late_events: int
    #: Of those, retractions that withdrew an event (EVENTS.md v1.1): the figures now count
    #: as if the withdrawn events had never been received.
    withdrawals_since: int = 0
    #: The complete-from day the store has now, when it differs from the publication's (the
    #: series now leave out other years): (then, now), None for "not set".
    complete_from_moved: tuple[date | None, date | None] | None = None

    @property
    def matches(self) -> bool:
        return not self.not_reproduced and not self.changed_files


def verify(system: System, folder: Path) -> Verified:
    """Recompute the publication in `folder`: as known at its as-of moment (it must come out
    byte for byte the same) and from the whole store now (what late events moved)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        month = date.fromisoformat(manifest["month"] + "-01")
        as_of, listed = str(manifest["as_of"]), dict(manifest["files"])
        made_with = _made_with(system, manifest.get("complete_from"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        name = type(error).__name__
        raise PublicationError(f"{folder} holds no readable {MANIFEST} ({name})") from None
    published = {name: _read(folder / name) for name in [*listed, MANIFEST]}
    then = compute(system, month, known_by=as_of, whole=made_with)
    not_reproduced = [name for name, text in published.items() if then.get(name) != text]
    not_reproduced += [name for name, digest in listed.items()
                       if hashlib.sha256(published[name].encode()).hexdigest() != digest
                       and name not in not_reproduced]  # fmt: skip
    latest = completeness(system)
    now = compute(system, month, whole=latest)
    changed = [name for name in listed if now.get(name) != then.get(name)]
    moved = []
    for name in changed:
        if name.endswith(".json") and name != "kerncijfers-maand.json":
            moved += _moved(name, json.loads(then[name]), json.loads(now[name]))
    with system.engine.connect() as connection:
        # What was recorded after the moment is what follows its cut (seq and recorded_at
        # run together): counted by seq, not by a scan of every event's recorded_at.
        cut = cut_seq(connection, as_of)
        late = connection.execute(select(func.count()).where(events.c.seq > cut)).scalar_one()
        withdrawn = connection.execute(
            select(func.count()).where(withdrawals.c.retraction_seq > cut)
        ).scalar_one()
    moved_day = None
    if latest.complete_from != made_with.complete_from:
        moved_day = (made_with.complete_from, latest.complete_from)
    return Verified(
        manifest["month"], as_of, sorted(not_reproduced), changed, moved, int(late),
        int(withdrawn), moved_day,
    )  # fmt: skip


def _made_with(system: System, named: Any) -> Completeness:
    """The complete-from setting a publication was made with: the one its manifest names (by
    when it was set), or none when it names none (nothing was left out, or it predates the
    day). A later setting is the store's now, not the publication's."""
    if named is None:
        return Completeness(None)
    return completeness(system, known_by=str(named["set_at"]))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""  # a missing file: not reproduced


def _moved(
    name: str, then: dict[str, Any], now: dict[str, Any]
) -> list[tuple[str, str, str, Any, Any]]:
    """The cells of a table that differ, keyed by the row's first cell (the year) and for the
    nationalities its rank."""
    columns = now["columns"]
    keys = 2 if columns[:2] == ["jaar", "rang"] else 1
    old = {tuple(r[:keys]): r for r in then["rows"]}
    found = []
    for row in now["rows"]:
        before = old.get(tuple(row[:keys]), [None] * len(row))
        for column, was, is_ in zip(columns[keys:], before[keys:], row[keys:], strict=True):
            if was != is_:
                where = " ".join(str(k) for k in row[:keys])
                found.append((name, where, column, was, is_))
    return found


@dataclass(frozen=True, slots=True)
class Listed:
    month: str
    as_of: str
    files: list[str]
    #: The complete-from day it was made with, when it left years out (their series start
    #: with the first whole year after it).
    complete_from: date | None = None

    @property
    def first_year(self) -> int | None:
        return None if self.complete_from is None else first_whole_year(self.complete_from)


def _month_folders(system: System) -> list[tuple[str, Path]]:
    root = system.settings.publications_dir
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        try:
            date.fromisoformat(folder.name + "-01")
        except ValueError:
            continue
        if (folder / MANIFEST).is_file():
            found.append((folder.name, folder))
    return sorted(found, reverse=True)


def publications(system: System) -> list[Listed]:
    """The publications in the configured folder, newest month first."""
    listed = []
    for month, folder in _month_folders(system):
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            day = (manifest.get("complete_from") or {}).get("day")
            complete_from = None if day is None else date.fromisoformat(day)
        except (OSError, ValueError, AttributeError):
            continue  # a half-written or damaged folder is not offered
        listed.append(Listed(month, manifest["as_of"], [*sorted(manifest["files"]), MANIFEST],
                             complete_from))  # fmt: skip
    return listed


#: A publication's month, as its folder, `/cijfers` and the API name it.
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

#: The names of a publication's files (no path: nothing outside a publication can be asked).
FILE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

#: The media type of each kind of file a publication holds.
MEDIA_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json",
               ".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
               ".css": "text/css; charset=utf-8"}  # fmt: skip


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(name[name.rfind(".") :], "application/octet-stream")


def publication_file(system: System, month: str, name: str) -> bytes | None:
    """A file of a publication, only if its manifest lists it (no other path is ever read)."""
    for listed in publications(system):
        if listed.month == month and name in listed.files:
            return (system.settings.publications_dir / month / name).read_bytes()
    return None
