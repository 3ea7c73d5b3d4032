"""The database briefly away (stopped, restarting, a dropped connection, SQLite locked past its
timeout): a clear answer to send the request again, never a traceback or a 500.

The API answers 503 problem+json with `Retry-After`; a page answers 503 in the user's language
saying that what they entered was not stored, with their entry kept in a form that sends it
again as it was (a recording form's submission key makes a second send store nothing twice,
services/recording.py). Password fields are never written back into a page.

Nothing is rolled back here: the store's transactions commit whole or not at all, and the event
store forgets its in-memory histories when one fails (store/event_store.py). The server needs
no restart afterwards: the engine tests each pooled connection before use (store/engine.py).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from terugkeer.services.errors import DATABASE_ERRORS, is_outage
from terugkeer.web.api.outage import RETRY_AFTER_SECONDS, quiet
from terugkeer.web.context import render


def install_pages(app: FastAPI) -> None:
    async def unavailable(request: Request, error: Exception) -> Response:
        if not is_outage(error):
            raise error  # a fault of ours: the crash page (crash.py)
        return await outage_page(request, error)

    for kind in DATABASE_ERRORS:
        app.add_exception_handler(kind, unavailable)


async def outage_page(request: Request, error: Exception) -> HTMLResponse:
    """The page in the user's language, drawn without the database (the session is the one
    already looked up, if that worked); after a form, its fields to send again."""
    quiet.note(request, error)
    if "session" not in request.state._state:
        request.state.session = None
    fields, dropped = await _entry(request) if request.method == "POST" else ([], False)
    query = f"?{request.url.query}" if request.url.query else ""
    context = {
        "posted": request.method == "POST",
        "fields": fields,
        "dropped": dropped,
        "again": request.url.path + query,
    }
    page = render(request, "unavailable.html", context, status_code=503)
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


async def _entry(request: Request) -> tuple[list[tuple[str, str]], bool]:
    """The posted fields (read again: Starlette keeps a parsed form on the request), and whether
    some were left out (a password: the user types it again)."""
    try:
        sent: FormData = await request.form()
    except Exception:  # the body cannot be read again: the page still says nothing was stored
        return [], False
    fields = [(k, v) for k, v in sent.multi_items() if isinstance(v, str)]
    kept = [(k, v) for k, v in fields if "password" not in k.lower()]
    return kept, len(kept) < len(fields)
