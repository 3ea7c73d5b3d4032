"""What every page needs from a request: the system, the session, the language, today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from terugkeer.bootstrap import System
from terugkeer.services.users import Session, session_of
from terugkeer.web.i18n import Formats, negotiate, translations
from terugkeer.web.origin import origin_of as origin_of  # pages and API log one origin

SESSION_COOKIE = "terugkeer_session"
LANGUAGE_COOKIE = "lang"


def system_of(request: Request) -> System:
    system: System = request.app.state.system
    return system


def templates_of(request: Request, language: str) -> Jinja2Templates:
    """One template environment per language: the gettext functions are bound to it, and
    requests in different languages run side by side in threads."""
    templates: dict[str, Jinja2Templates] = request.app.state.templates
    return templates[language]


def current_session(request: Request) -> Session | None:
    if "session" in request.state._state:
        found: Session | None = request.state.session
        return found
    token = request.cookies.get(SESSION_COOKIE)
    system = system_of(request)
    idle = timedelta(minutes=system.settings.session_idle_minutes)
    absolute = timedelta(hours=system.settings.session_absolute_hours)
    session = session_of(system, token, idle, absolute) if token else None
    request.state.session = session
    return session


def language_of(request: Request) -> str:
    return negotiate(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))


def gettext_of(request: Request) -> Any:
    return translations(language_of(request)).gettext


def work_date(request: Request) -> date:
    system = system_of(request)
    return system.settings.work_date or system.today()


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    language = language_of(request)
    session = current_session(request)
    page = {
        "lang": language,
        "f": Formats(language),
        "session": session,
        "user": session.user if session else None,
        "csrf_token": session.csrf_token if session else "",
        "today": work_date(request),
        **context,
    }
    templates = templates_of(request, language)
    return templates.TemplateResponse(request, name, page, status_code=status_code)
