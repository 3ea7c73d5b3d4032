"""What the API answers, as pydantic models: they make the OpenAPI document complete."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from terugkeer.domain.case_facts import CaseState
from terugkeer.domain.dublin import DublinDeadline
from terugkeer.domain.transfer import Claim
from terugkeer.reports import model as figures
from terugkeer.services.publication import MONTH_PATTERN

API_VERSION = "1.1.0"


class InvalidParam(BaseModel):
    name: str = Field(description="where: e.g. `events[3].data.destination` or `body`")
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details, served as application/problem+json."""

    model_config = ConfigDict(populate_by_name=True)

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    invalid_params: list[InvalidParam] = Field(default_factory=list, alias="invalid-params")


class EventResult(BaseModel):
    index: int = Field(description="the event's position in the request, from 1")
    id: str | None = Field(description="the event's id, when it could be read")
    outcome: Literal["accepted", "known", "rejected"]
    reason: str | None = Field(None, description="why it was rejected: one sentence")


class IntakeResult(BaseModel):
    accepted: int
    known: int
    rejected: int
    results: list[EventResult] = Field(description="one per event, in request order")


def _flat(name: str, dataclass: type, **more: Any) -> type[BaseModel]:
    """A model of a domain dataclass's fields (so the schema follows the domain), plus more."""
    hints = get_type_hints(dataclass)
    fields: dict[str, Any] = {f.name: (hints[f.name], ...) for f in dataclasses.fields(dataclass)}
    return create_model(name, **more, **fields)


#: One case: its key (the receipt position of its intake) and its state on the asked day.
CaseOut = _flat("Case", CaseState, case=(int, Field(description="the case's key")))
DublinOut = _flat("DublinDeadline", DublinDeadline,
                  days_left=(int | None, Field(description="None while suspended")),
                  source=(str, Field(description="the regime's legal source")))  # fmt: skip


#: One Dublin claim of the judged case as known at the end of the asked day.
ClaimOut = _flat("DublinClaim", Claim)


class GroundOut(BaseModel):
    """What "legally removable" is judged by. A Dublin transfer is not a return (Dublin III
    art. 26, 29; Vw art. 59a): while a claim runs, no return decision is needed."""

    kind: Literal["dublin_transfer", "return_decision"]
    member_state: str | None = Field(
        description="the member state of the running claim; None for a return decision, and "
        "on the dublin track while no claim is accepted"
    )
    claims: list[ClaimOut]  # type: ignore[valid-type]


class ConditionOut(BaseModel):
    holds: bool
    reason: str | None = Field(description="why it does not hold (English); None when it holds")
    source: str = Field(description="the legal source")
    label_nl: str
    label_en: str


class Conditions(BaseModel):
    legally_removable: ConditionOut
    available: ConditionOut
    in_detention: ConditionOut
    travel_document: ConditionOut


class CaseFileOut(BaseModel):
    """A person's case file on a day: the shape of `terugkeer case show --format json`.
    Readiness is information for a person's decision, never a decision."""

    v_number: str
    on: date
    ready: bool
    reason: str | None = Field(description="why not ready although no condition says so")
    case: int | None = Field(description="the key of the case readiness was judged on")
    ground: GroundOut
    conditions: Conditions
    safeguards: list[str]
    cases: list[CaseOut]  # type: ignore[valid-type]
    dublin: list[DublinOut]  # type: ignore[valid-type]


class EventsPage(BaseModel):
    items: list[dict[str, Any]] = Field(
        description="v1 events (the Event schema) in receipt order",
        json_schema_extra={"items": {"$ref": "#/components/schemas/Event"}},
    )
    next: str | None = Field(description="the cursor of the next page; None on the last")


class WorkItemOut(BaseModel):
    kind: str = Field(description="what is due, e.g. dublin_transfer_deadline, flight_soon")
    due: date
    source: str = Field(description="the rule that puts it there and its legal source")
    details: dict[str, str]


class WorkItems(BaseModel):
    on: date
    items: list[WorkItemOut]


class PublicationListed(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN, description="the month published, YYYY-MM")
    as_of: str = Field(description="the moment the figures were known by (recorded_at bound)")
    href: str = Field(description="its manifest, under this API")


class Publications(BaseModel):
    items: list[PublicationListed] = Field(description="newest month first")
    next: str | None = Field(description="the cursor of the next page; None on the last")


class PublicationFileOut(BaseModel):
    name: str
    sha256: str = Field(description="of the file's bytes, as the manifest records it")
    href: str


class PublicationOut(BaseModel):
    """A publication's manifest: what `terugkeer publish verify` recomputes."""

    month: str = Field(pattern=MONTH_PATTERN)
    as_of: str
    chain_head_hash: str = Field(description="the event store's chain head it was made from")
    complete_from: date | None = Field(
        description="the store held the caseload whole from this day when it was made: the "
        "years before it are left out of its series; null when none was left out"
    )
    files: list[PublicationFileOut]


_COMPLETE_FROM = ("the first day the store holds the caseload whole (a migration, a simulator's "
                  "warm-up); null when never set: every period is taken as whole")  # fmt: skip
_COMPARABLE = ("whether the period starts on or after complete_from; when false its figures hold "
               "only part of the caseload and are not comparable with later periods")  # fmt: skip


# Named as the models they extend, so that the document's schemas keep their names (and
# generated clients their classes): the figures' keys come first and unchanged, these after.
class KeyFigures(figures.KeyFigures):
    """The key figures of a period as exact counts, and whether the store holds it whole."""

    complete_from: date | None = Field(description=_COMPLETE_FROM)
    comparable: bool = Field(description=_COMPARABLE)


class PublishedKeyFigures(figures.PublishedKeyFigures):
    """The key figures of a period in the published form, and whether the store holds it whole."""

    complete_from: date | None = Field(description=_COMPLETE_FROM)
    comparable: bool = Field(description=_COMPARABLE)
