"""The clients of a load run: partners posting batches of events, and case directors using the
pages (sign-in, worklist, case pages, recording an interview through the real form with its
CSRF token). Every answer is noted with its route, status and time; every event a partner was
told is stored (accepted or known, in a 2xx answer) and every form a page confirmed (303) is
noted by id, so that what the store holds afterwards can be held against them.

A client told 503 waits `Retry-After` and sends the same thing again: a partner the same batch
(ids per sender, EVENTS.md v1.1: what was stored answers known), a director the same form with
the same submission key (stored at most once). A connection that fails is retried the same way.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

#: How long a client goes on retrying what it sent after the run's end, before giving it up.
FINISH_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Answer:
    route: str
    status: int  # 0: no answer (the connection failed)
    began: float  # time.monotonic() when the request was sent
    ms: float
    #: For a 503: it carried Retry-After and the expected body (problem+json, the outage page).
    retryable: bool = False
    #: The body looked like a traceback or a bare crash page.
    traceback: bool = False


@dataclass
class Ledger:
    """What the clients saw, gathered from their threads."""

    answers: list[Answer] = field(default_factory=list)
    #: (source, event id) of every event acknowledged (accepted or known in a 2xx answer).
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    #: Events rejected in a 2xx answer (none expected), and batches given up.
    rejected: int = 0
    given_up: int = 0
    #: Submission keys of recordings a page confirmed (303), and of forms given up.
    recorded: list[str] = field(default_factory=list)
    forms_given_up: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)


def _traceback(text: str) -> bool:
    return "Traceback (most recent call last)" in text or "Internal Server Error" in text


def _timed(ledger: Ledger, route: str, send: Callable[..., httpx.Response], path: str,
           **options: Any) -> httpx.Response | None:  # fmt: skip
    began = time.monotonic()
    try:
        answer = send(path, **options)
    except httpx.TransportError:
        ledger.note(Answer(route, 0, began, (time.monotonic() - began) * 1000))
        return None
    ms = (time.monotonic() - began) * 1000
    retryable = answer.status_code == 503 and "retry-after" in answer.headers and (
        answer.headers.get("content-type", "").startswith("application/problem+json")
        or 'id="not-stored"' in answer.text or 'id="try-again"' in answer.text
    )  # fmt: skip
    ledger.note(Answer(route, answer.status_code, began, ms, retryable, _traceback(answer.text)))
    return answer


def _wait(answer: httpx.Response | None) -> float:
    if answer is None:
        return 0.5
    try:
        return min(float(answer.headers.get("retry-after", "1")), 10.0)
    except ValueError:
        return 1.0


@dataclass
class EventMaker:
    """A partner's batches: new people (an intake, then a move), ids its own (EVENTS.md: a
    partner prefixes its ids), in the store's kind (synthetic ids and V-numbers in a synthetic
    store). `taken`: V-numbers the store holds already, skipped."""

    source: str
    number: int  # which partner (0-9): its V-numbers are its own
    synthetic: bool
    taken: frozenset[str] = frozenset()
    people: int = 0

    def batch(self, people: int) -> list[dict[str, object]]:
        lines: list[dict[str, object]] = []
        at = datetime.now(UTC) - timedelta(hours=1)
        for _ in range(people):
            v_number = self._v_number()
            own = f"{self.source.lower()}-{self.number}"
            prefix = f"syn-load-{own}" if self.synthetic else own
            stamp = at.isoformat(timespec="seconds")
            lines.append({"id": f"{prefix}-{self.people}-in", "type": "intake",
                          "v_number": v_number, "occurred_at": stamp, "source": self.source,
                          "data": {"nationality": "MAR", "track": "asylum"}})  # fmt: skip
            later = (at + timedelta(minutes=5)).isoformat(timespec="seconds")
            lines.append({"id": f"{prefix}-{self.people}-loc", "type": "location_changed",
                          "v_number": v_number, "occurred_at": later, "source": self.source,
                          "data": {"kind": "azc"}})  # fmt: skip
        return lines

    def _v_number(self) -> str:
        while True:
            self.people += 1
            head = "0009" if self.synthetic else "2009"
            v_number = f"{head}{self.number}{self.people:05d}"
            if v_number not in self.taken:
                return v_number


def partner(url: str, token: str, maker: EventMaker, ledger: Ledger, stop: threading.Event,
            *, people: int = 10, pause: float = 1.0) -> None:  # fmt: skip
    """Post a batch, wait `pause`, again until `stop`; a batch not acknowledged is sent again
    (after the end too, for FINISH_SECONDS) until it is."""
    route = "POST /api/v1/events"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=30) as http:
        while not stop.is_set():
            body = json.dumps(maker.batch(people))
            give_up = float("inf")
            while True:
                answer = _timed(ledger, route, http.post, "/api/v1/events", content=body,
                                headers=headers)  # fmt: skip
                if answer is not None and answer.status_code == 200:
                    _acknowledge(ledger, maker.source, answer.json())
                    break
                if answer is not None and answer.status_code != 503:
                    with ledger.lock:
                        ledger.given_up += 1
                    break
                if stop.is_set():
                    give_up = min(give_up, time.monotonic() + FINISH_SECONDS)
                if time.monotonic() > give_up:
                    with ledger.lock:
                        ledger.given_up += 1
                    break
                time.sleep(_wait(answer))
            stop.wait(pause)


def _acknowledge(ledger: Ledger, source: str, answer: dict[str, object]) -> None:
    results = answer["results"]
    assert isinstance(results, list)
    with ledger.lock:
        for result in results:
            if result["outcome"] in ("accepted", "known"):
                ledger.acknowledged.append((source, result["id"]))
            else:
                ledger.rejected += 1


@dataclass(frozen=True, slots=True)
class Director:
    name: str
    password: str
    cases: tuple[str, ...]  # V-numbers of the director's own cases


def page_user(url: str, director: Director, ledger: Ledger, stop: threading.Event, *,
              seed: int, think: tuple[float, float] = (1.0, 4.0), record_share: float = 0.15,
              start_after: float = 0.0) -> None:  # fmt: skip
    """After `start_after` seconds, sign in, then until `stop`: the worklist, a case page or
    (`record_share` of the time) an interview recorded on one of the director's cases, with a
    pause between. (A sign-in hashes the password with argon2, a third of a second of a core
    by design: fifty users signing in in the same second queue for many seconds, which no
    office does at once.)"""
    rng = random.Random(seed)
    if stop.wait(start_after):
        return
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as http:
        if not _sign_in(http, director, ledger, stop):
            return
        while not stop.is_set():
            pick = rng.random()
            if pick < record_share and director.cases:
                _record(http, rng.choice(director.cases), ledger, stop)
            elif pick < 0.55 or not director.cases:
                _timed(ledger, "GET /", http.get, "/")
            else:
                v_number = rng.choice(director.cases)
                _timed(ledger, "GET /cases/{v}", http.get, f"/cases/{v_number}")
            stop.wait(rng.uniform(*think))


def _sign_in(http: httpx.Client, director: Director, ledger: Ledger,
             stop: threading.Event) -> bool:  # fmt: skip
    while not stop.is_set():
        page = _timed(ledger, "GET /login", http.get, "/login")
        if page is None or page.status_code != 200:
            time.sleep(_wait(page))
            continue
        token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
        form = {"username": director.name, "password": director.password, "login_csrf": token}
        answer = _timed(ledger, "POST /login", http.post, "/login", data=form)
        if answer is not None and answer.status_code == 303:
            return True
        time.sleep(_wait(answer))
    return False


def _record(http: httpx.Client, v_number: str, ledger: Ledger, stop: threading.Event) -> None:
    """The interview form as a browser fills it: its address with a submission key, the page
    with its CSRF token, the post; after a 503, the same form again (the outage page keeps it)."""
    path = f"/cases/{v_number}/record/interview"
    new = _timed(ledger, "GET /cases/{v}/record/interview", http.get, path)
    if new is None or new.status_code != 303:
        return
    address = new.headers["location"]
    page = _timed(ledger, "GET /cases/{v}/record/interview", http.get, address)
    if page is None or page.status_code != 200:
        return
    key = address.split("submission=")[1]
    form = {"csrf_token": page.text.split('name="csrf_token" value="')[1].split('"')[0],
            "submission": key, "day": datetime.now(UTC).strftime("%d-%m-%Y"), "at": "09:30",
            "kind": "follow_up", "stance": "cooperating"}  # fmt: skip
    give_up = float("inf")
    while True:
        answer = _timed(ledger, "POST /cases/{v}/record/interview", http.post, path, data=form)
        if answer is not None and answer.status_code == 303:
            with ledger.lock:
                ledger.recorded.append(key)
            return
        if answer is not None and answer.status_code != 503:
            with ledger.lock:
                ledger.forms_given_up += 1
            return
        if stop.is_set():
            give_up = min(give_up, time.monotonic() + FINISH_SECONDS)
        if time.monotonic() > give_up:
            with ledger.lock:
                ledger.forms_given_up += 1
            return
        time.sleep(_wait(answer))
