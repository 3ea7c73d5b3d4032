"""The dashboard (/dashboard) of analysts and team leads: aggregates only, for a chosen period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from terugkeer.domain.calendar import add_months
from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.dashboard import Period, dashboard, default_period
from terugkeer.services.known import known_by_end_of
from terugkeer.web.context import gettext_of, language_of, render, system_of, work_date
from terugkeer.web.dashboard_view import compared_figures, dublin_chart, trend_charts
from terugkeer.web.i18n import Formats
from terugkeer.web.permissions import Granted, permit
from terugkeer.web.roundabout_view import roundabout_view

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.FIGURES, Action.READ))],
    start: Annotated[str, Query(alias="from", max_length=40)] = "",
    end: Annotated[str, Query(alias="to", max_length=40)] = "",
    known: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    _ = gettext_of(request)
    today = work_date(request)
    chosen = default_period(today)
    errors: dict[str, str] = {}
    first = _day(start, chosen.start, "from", errors, _("Give the first day as a date."))
    last = _day(end, chosen.end, "to", errors, _("Give the last day as a date."))
    if not errors and last < first:
        errors["to"] = _("The last day is before the first day.")
    if not errors:
        try:
            chosen = Period(first, last)
        except ValueError:
            errors["from"] = _("Choose a period from 1990 to 2199.")
    known_on = _known_on(known, today, errors, _)
    context: dict[str, Any] = {"start": start or chosen.start.isoformat(),
                               "end": end or chosen.end.isoformat(), "known": known,
                               "errors": errors, "presets": _presets(today, _),
                               "dash": None}  # fmt: skip
    if errors:
        return render(request, "dashboard.html", context, status_code=400)
    known_by = None if known_on is None else known_by_end_of(known_on)
    found = dashboard(system_of(request), chosen, known_by=known_by)
    f = Formats(language_of(request))
    context |= {
        "dash": found,
        "known_on": known_on,
        "compared": compared_figures(found, f, _),
        "not_comparable": found.completeness.note(f.language),
        "charts": trend_charts(found, f, _),
        "dublin_chart": dublin_chart(found, f, _),
        "roundabout": roundabout_view(found.roundabout, f),
    }
    return render(request, "dashboard.html", context)


def _day(text: str, default: date, name: str, errors: dict[str, str], message: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = message
        return default


def _known_on(text: str, today: date, errors: dict[str, str], _: Any) -> date | None:
    """The day whose end the figures are "as known on" (None: now). A day after today would
    read as a promise about events not yet recorded, so it is refused, as is one before the
    store's first possible day."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["known"] = _("Give the day the figures were known on as a date.")
        return None
    if day > today:
        errors["known"] = _("Choose a day up to today: what is known later is not known yet.")
    elif day.year < 1990:
        errors["known"] = _("Choose a day from 1990 on.")
    return day


def _presets(today: date, _: Any) -> list[tuple[str, str, str]]:
    """Common periods as links: (label, from, to)."""
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    quarter = this_month.replace(month=(this_month.month - 1) // 3 * 3 + 1)
    last_quarter = add_months(quarter, -3)
    year = today.year - 1
    periods = [
        (_("This year so far"), default_period(today).start, today),
        (_("Last month"), last_month, this_month - timedelta(days=1)),
        (_("Last quarter"), last_quarter, quarter - timedelta(days=1)),
        (_("Last year"), date(year, 1, 1), date(year, 12, 31)),
    ]
    return [(label, a.isoformat(), b.isoformat()) for label, a, b in periods]
