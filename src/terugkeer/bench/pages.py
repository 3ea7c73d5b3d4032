"""`terugkeer bench web`: time the workplace's pages over real HTTP on loopback.

The app runs in uvicorn in a thread of this process, on the bench store; a client signed in
as a case director (and as the team lead of the director's team) asks each page many times.
The baseline, measured in the same run against the same server, is the login page: HTTP,
the security middleware and one template, with no read of a case. Figures are whole
request-response times as a browser on the same machine would see them (no network).
"""

from __future__ import annotations

import random
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import uvicorn

from terugkeer.bench.web_store import WebBenchStore
from terugkeer.web.serve import server_config


@dataclass(frozen=True, slots=True)
class PageTimes:
    page: str
    ms: list[float] = field(repr=False)

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.ms, n=20, method="inclusive")[-1]

    def as_json(self) -> dict[str, object]:
        return {"page": self.page, "requests": len(self.ms), "p50_ms": round(self.p50, 1),
                "p95_ms": round(self.p95, 1), "max_ms": round(max(self.ms), 1)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class WebBench:
    store: WebBenchStore
    baseline: PageTimes
    pages: list[PageTimes]
    #: Items on the director's and the team lead's worklist (what those pages render).
    worklist_items: dict[str, int]

    def as_json(self) -> dict[str, object]:
        s = self.store
        return {
            "backend": s.backend, "cases": s.cases, "open_cases": s.open_cases,
            "directors": s.directors, "worklist_items": self.worklist_items,
            "baseline": self.baseline.as_json(), "pages": [p.as_json() for p in self.pages],
        }  # fmt: skip


def bench_pages(
    store: WebBenchStore, *, requests: int, seed: int, progress: Callable[[str], None]
) -> WebBench:
    """Each page `requests` times (after a few unmeasured warm-up requests)."""
    rng = random.Random(seed)
    with _serving(store) as url:
        director = _signed_in(url, store.director, store.password)
        lead = _signed_in(url, store.team_lead, store.password)
        try:
            progress(f"{store.backend}: measuring {requests} requests per page")
            baseline = _time("baseline: login page", httpx.Client(base_url=url), requests,
                             lambda: "/login")  # fmt: skip
            cases, families = store.sample_cases, store.sample_families
            pages = [
                _time("worklist, case director", director, requests, lambda: "/"),
                _time("worklist, team lead (whole team)", lead, requests, lambda: "/"),
                _time("case page", director, requests, lambda: f"/cases/{rng.choice(cases)}"),
                _time("team lead's workload (/team)", lead, requests, lambda: "/team"),
            ]
            if families:
                pages.append(_time("family page", director, requests,
                                   lambda: f"/families/{rng.choice(families)}"))  # fmt: skip
            counts = {"case_director": _items(director), "team_lead": _items(lead)}
        finally:
            director.close()
            lead.close()
    return WebBench(store, baseline, pages, counts)


def _time(page: str, client: httpx.Client, requests: int, path: Callable[[], str]) -> PageTimes:
    for _ in range(5):
        client.get(path()).raise_for_status()
    ms = []
    for _ in range(requests):
        target = path()
        began = time.perf_counter()
        answer = client.get(target)
        ms.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{page}: {target} answered {answer.status_code}")
    return PageTimes(page, ms)


def _items(client: httpx.Client) -> int:
    return client.get("/").text.count('href="/cases/')


def _signed_in(url: str, name: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": name, "password": password,
                                         "login_csrf": token})  # fmt: skip
    if answer.status_code != 303:
        raise RuntimeError(f"signing in as {name} answered {answer.status_code}")
    return client


@contextmanager
def _serving(store: WebBenchStore) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(server_config(store.system, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
