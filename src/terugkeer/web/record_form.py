"""The recording form shared by a person's, a family's and a correction's pages: what it
shows (values as typed, each field's error next to it, unlikely entries to confirm, references
to pick) and how a submission is read back."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from terugkeer.services.recording import (
    Form,
    Recorded,
    RecordRejectedError,
    UnconfirmedError,
    form_fields,
    new_key,
    submission_key,
)
from terugkeer.services.references import Reference
from terugkeer.services.typed import shown_day
from terugkeer.web.context import language_of, render


def shown_key(request: Request) -> str | None:
    """The submission key of a form page, from its URL: the key is part of the page's address,
    so that going back to the form (which the browser fetches again: pages are never cached)
    brings the same key, and submitting it again is known as a repeat."""
    sent = request.query_params.get("submission")
    return sent if sent is not None and submission_key(sent) == sent else None


def with_new_key(request: Request) -> RedirectResponse:
    """The form page again, at an address with a new submission key."""
    return RedirectResponse(f"{request.url.path}?submission={new_key()}", status_code=303)


def fresh_values(today: date) -> dict[str, str]:
    return {"day": shown_day(today), "at": "12:00"}


async def posted(request: Request) -> Form:
    """The submitted form: values as typed (to show again), its key, the page's language."""
    sent = await request.form()
    values = {k: v for k, v in sent.items() if isinstance(v, str) and k != "csrf_token"}
    return Form(values, submission_key(values.pop("submission", None)), language_of(request))


def form_page(
    request: Request,
    event_type: str,
    form: Form | None,
    *,
    values: dict[str, str] | None = None,
    problem: RecordRejectedError | UnconfirmedError | None = None,
    references: tuple[Reference, ...] = (),
    key: str | None = None,
    **more: Any,
) -> HTMLResponse:
    """The form of `event_type`: new (values given) or again after `problem` (status 422)."""
    rejected = problem if isinstance(problem, RecordRejectedError) else None
    unconfirmed = problem if isinstance(problem, UnconfirmedError) else None
    context = {
        "event_type": event_type,
        "fields": form_fields(event_type),
        "values": dict(form.values) if form else (values or {}),
        "submission": form.key if form else (key or new_key()),
        "errors": rejected.errors if rejected else {},
        "error": rejected if rejected and not rejected.errors else None,
        "unconfirmed": unconfirmed,
        "references": references,
        **more,
    }
    return render(request, "record.html", context, status_code=422 if problem else 200)


def shown_at(recorded: Recorded, path: str) -> str:
    """Where the first result of a submission is shown, marked."""
    note = f"&again={recorded.again}" if recorded.again else ""
    return f"{path}?recorded={recorded.seq}{note}"
