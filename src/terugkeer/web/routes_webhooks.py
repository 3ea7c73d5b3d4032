"""The webhook delivery log, for the admin: what went to which partner, and how it went."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.webhooks import STATES, delivery_log, subscriptions
from terugkeer.services.workplace import log_view
from terugkeer.web.context import origin_of, render, system_of
from terugkeer.web.permissions import Granted, permit

router = APIRouter()


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.WEBHOOKS, Action.READ))],
    state: str = "",
) -> HTMLResponse:
    system = system_of(request)
    log_view(system, granted.session.user, "webhooks.read", origin_of(request))
    wanted = state if state in STATES else None
    deliveries = [
        (d, datetime.fromtimestamp(d.next_attempt_us / 1e6, UTC).strftime("%Y-%m-%d %H:%M:%S"))
        for d in delivery_log(system, 200, wanted)
    ]
    context = {"deliveries": deliveries, "subscriptions": subscriptions(system),
               "state": wanted or "", "states": STATES}  # fmt: skip
    return render(request, "webhooks.html", context)
