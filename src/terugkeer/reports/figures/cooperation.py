"""The country-cooperation monitor: per country, how its authorities answer the requests to
establish nationality or issue a travel document (`document_requested` / `document_answered`).

Definitions (shown on the dashboard beside the table):
- requests: `document_requested` events in the period, by the request's `country`;
- confirmed, not our national, refused, withdrawn: `document_answered` events in the period by
  `result`, counted for the country of the request they answer (the latest request of the
  person with that reference received before the answer);
- median days to an answer: over the period's answers other than `withdrawn` (a withdrawal
  is DTenV's, not the country's answer), calendar days from request to answer;
- unanswered after 12 months: of the requests made in the 12 months up to one year before
  the period's end (so that every one of them has had its full year by then), the share that
  had no answer other than a withdrawal within 12 months.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, select

from terugkeer.domain.calendar import add_months
from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

RESULTS = ("confirmed", "not_national", "refused", "withdrawn")
#: The monitor's window for "unanswered": the agency's own yardstick for a country's answer.
UNANSWERED_AFTER_MONTHS = 12
_CHUNK = 500  # V-numbers per query: well under every database's parameter limit


@dataclass(frozen=True, slots=True)
class CountryCooperation:
    country: str  # ISO 3166 alpha-3
    requests: int
    answers: dict[str, int]  # by RESULTS
    median_days_to_answer: float | None
    #: The requests of the 12-month cohort, and the share of them unanswered after 12 months.
    cohort: int
    unanswered_share: float | None


@dataclass(frozen=True, slots=True)
class _Request:
    seq: int
    on: date
    country: str


def unanswered_cohort(period: Period) -> tuple[date, date]:
    """The first and last day of the requests that "unanswered after 12 months" follows: the
    12 months up to one year before the period's end."""
    end = add_months(period.end, -UNANSWERED_AFTER_MONTHS)
    return add_months(period.end, -2 * UNANSWERED_AFTER_MONTHS) + timedelta(days=1), end


def country_cooperation(connection: Connection, period: Period) -> list[CountryCooperation]:
    """One row per country with a request or an answer in the period or a cohort request;
    most requests first, ties by code."""
    cohort_start, cohort_end = unanswered_cohort(period)
    since = min(period.start, cohort_start)
    answers = _answers(connection, since, period.end)
    requests = _requests(connection, since, period.end, {answer[1] for answer in answers})
    requested: dict[str, int] = defaultdict(int)
    answered: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RESULTS, 0))
    days: dict[str, list[int]] = defaultdict(list)
    first_answer: dict[int, date] = {}  # request seq: its first answer other than a withdrawal
    for made in requests.values():
        for request in made:
            if period.start <= request.on:
                requested[request.country] += 1
    for seq, v_number, reference, on, result in answers:
        asked = _answered(requests.get((v_number, reference), []), seq)
        if asked is None:
            continue
        if result != "withdrawn":
            first_answer.setdefault(asked.seq, on)
        if on < period.start:
            continue
        answered[asked.country][result] += 1
        if result != "withdrawn":
            days[asked.country].append(max((on - asked.on).days, 0))  # dated before: same day
    cohort: dict[str, list[bool]] = defaultdict(list)
    for made in requests.values():
        for request in made:
            if cohort_start <= request.on <= cohort_end:
                answer = first_answer.get(request.seq)
                limit = add_months(request.on, UNANSWERED_AFTER_MONTHS)
                cohort[request.country].append(answer is None or answer > limit)
    countries = requested.keys() | answered.keys() | cohort.keys()
    rows = [
        CountryCooperation(
            country=country,
            requests=requested.get(country, 0),
            answers=answered.get(country, dict.fromkeys(RESULTS, 0)),
            median_days_to_answer=statistics.median(days[country]) if days[country] else None,
            cohort=len(cohort[country]),
            unanswered_share=(
                sum(cohort[country]) / len(cohort[country]) if cohort[country] else None
            ),
        )
        for country in countries
    ]
    return sorted(rows, key=lambda row: (-row.requests, -sum(row.answers.values()), row.country))


def _requests(
    connection: Connection, since: date, until: date, answered_by: set[str]
) -> dict[tuple[str, str | None], list[_Request]]:
    """The requests made from `since` to `until`, and the earlier ones of the people in
    `answered_by` (who had an answer in that time), by (person, reference), receipt order."""
    columns = (events.c.seq, events.c.v_number, events.c.reference, events.c.local_date,
               events.c.body)  # fmt: skip
    made_then = select(*columns).where(
        events.c.type == EventType.DOCUMENT_REQUESTED,
        events.c.local_date.between(since, until),
        not_withdrawn(),
    )
    rows = list(connection.execute(made_then))
    # Earlier requests: looked up per person (their index), not by scanning every request.
    people = sorted(answered_by)
    for chunk in range(0, len(people), _CHUNK):
        earlier = select(*columns).where(
            events.c.v_number.in_(people[chunk : chunk + _CHUNK]),
            events.c.type == EventType.DOCUMENT_REQUESTED,
            events.c.local_date < since,
            not_withdrawn(),
        )
        rows += connection.execute(earlier)
    found: dict[tuple[str, str | None], list[_Request]] = defaultdict(list)
    for seq, v_number, reference, on, body in sorted(rows):
        country = json.loads(body)["data"]["country"]
        found[(v_number, reference)].append(_Request(seq, on, country))
    return found


def _answers(
    connection: Connection, since: date, until: date
) -> list[tuple[int, str, str | None, date, str]]:
    query = (
        select(events.c.seq, events.c.v_number, events.c.reference, events.c.local_date,
               events.c.category)
        .where(events.c.type == EventType.DOCUMENT_ANSWERED,
               events.c.local_date.between(since, until), not_withdrawn())
        .order_by(events.c.seq)
    )  # fmt: skip
    return [(row.seq, row.v_number, row.reference, row.local_date, row.category)
            for row in connection.execute(query)]  # fmt: skip


def _answered(requests: list[_Request], answer_seq: int) -> _Request | None:
    """The request an answer refers to: the latest received before it."""
    before = [request for request in requests if request.seq < answer_seq]
    return before[-1] if before else None
