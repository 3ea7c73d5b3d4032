"""What the API answers, as pydantic models: they make the OpenAPI document complete."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "1.0.0"


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
