"""The privacy officer's use cases on one person: look at the overview (`subject.read`) and
export it as JSON or PDF (`subject.export`), each admitted by the role's grant (a refusal is
logged as `….refused`) and logged with the request's reference."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from terugkeer.bootstrap import System
from terugkeer.domain.identifiers import is_v_number
from terugkeer.domain.permissions import Resource
from terugkeer.reports.subject_pdf import subject_pdf
from terugkeer.services.errors import ServiceError
from terugkeer.services.subject_access import SubjectRecord, subject_record
from terugkeer.services.subject_json import subject_json
from terugkeer.services.users import User
from terugkeer.services.workplace import admit
from terugkeer.store.access_log import Access

READ, EXPORT = "subject.read", "subject.export"


class ExportFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class Export:
    body: bytes
    media_type: str
    filename: str  # no V-number: a download's name ends up in browser histories and folders


def _well_formed(v_number: str) -> None:
    """A malformed V-number is refused before anything is logged, a refusal too: the log
    holds a V-number only in its form (docs/access-log.md)."""
    if not is_v_number(v_number):
        raise ServiceError("a V-number is 10 digits")


def subject_overview(
    system: System, user: User, v_number: str, reason: str, *, channel: str, origin: str
) -> SubjectRecord:
    """What the privacy page shows; raises NotYoursError (refused), ReasonError or
    UnknownPersonError."""
    _well_formed(v_number)
    reader = Access(user.name, channel, READ, origin, v_number)
    admit(system, user, Resource.SUBJECT_ACCESS, reader)
    return subject_record(system, v_number=v_number, by=user.name, reason=reason, reader=reader)


def export_subject(
    system: System, user: User, v_number: str, reason: str, output: ExportFormat,
    *, channel: str, origin: str, lang: str = "nl", detail: str | None = None,
) -> Export:  # fmt: skip
    """The export in `output`, logged with its format (and `detail`, e.g. the CLI's OS user)."""
    _well_formed(v_number)
    logged = f"format={output.value}" + (f"; {detail}" if detail else "")
    reader = Access(user.name, channel, EXPORT, origin, v_number, logged)
    admit(system, user, Resource.SUBJECT_ACCESS, reader)
    found = subject_record(system, v_number=v_number, by=user.name, reason=reason, reader=reader)
    data = subject_json(found, system.settings.controller_name)
    stamp = found.made_at.strftime("%Y%m%dT%H%M%SZ")
    if output is ExportFormat.PDF:
        return Export(subject_pdf(data, lang), "application/pdf", f"inzage-{stamp}.pdf")
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return Export(body, "application/json", f"inzage-{stamp}.json")
