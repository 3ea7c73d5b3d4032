"""The worklist's address (`/?kind=…&group=…&sort=…&page=…&director=…`), read and checked.

Read by hand rather than by FastAPI's typed parameters: a bad value is said on the page, next
to the field it belongs to, instead of a JSON 422."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from terugkeer.domain.messages import Message, say
from terugkeer.domain.worklist import ItemKind, Urgency
from terugkeer.services.worklist import LEGAL, PRACTICE, WorklistQuery

SOONEST, LATEST = "due", "due_desc"
KIND_FILTERS = (LEGAL, PRACTICE, *(kind.value for kind in ItemKind))
#: Ten thousand pages of 25 is four times the largest list a team has; more is no page.
MAX_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class Parsed:
    query: WorklistQuery
    errors: dict[str, Message]  # form field -> what is wrong with it
    #: The values as given, to put back in the form.
    given: dict[str, str]


def parse(params: Mapping[str, str], directors: list[str] | None) -> Parsed:
    """`directors`: the team's, for a team lead; None for a case director, whose list is
    their own whatever the address says."""
    given = {name: params.get(name, "").strip() for name in ("kind", "group", "sort", "page")}
    given["director"] = params.get("director", "").strip() if directors is not None else ""
    errors: dict[str, Message] = {}
    kind = given["kind"] or None
    if kind is not None and kind not in KIND_FILTERS:
        errors["kind"] = say("Choose a kind of item from the list.")
    group: Urgency | None = None
    if given["group"]:
        try:
            group = Urgency(given["group"])
        except ValueError:
            errors["group"] = say("Choose overdue, today, this week or later.")
    if given["sort"] not in ("", SOONEST, LATEST):
        errors["sort"] = say("Choose soonest or latest due first.")
    page = 1
    if given["page"]:
        text = given["page"]
        if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_PAGE:
            page = int(given["page"])
        else:
            errors["page"] = say("A page is a whole number from 1.")
    director = given["director"] or None
    if director is not None and directors is not None and director not in directors:
        errors["director"] = say("Choose a case director of your team.")
    if errors:
        return Parsed(WorklistQuery(), errors, given)
    query = WorklistQuery(director=director, kind=kind, group=group,
                          latest_first=given["sort"] == LATEST, page=page)  # fmt: skip
    return Parsed(query, errors, given)
