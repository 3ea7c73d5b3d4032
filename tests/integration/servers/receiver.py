"""A partner's webhook endpoint for several senders at once: it verifies each delivery with
the Standard Webhooks library, takes a while to answer (so deliveries are in flight when a
sender dies), and notes when each arrived and from which port."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook


@dataclass(frozen=True)
class Arrival:
    delivery_id: str
    at: float  # time.monotonic()
    port: int  # the sender's local port


@dataclass
class Receiver:
    url: str
    secret: str = ""
    answer_after: float = 0.0
    arrivals: list[Arrival] = field(default_factory=list)
    forged: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_for_ids(self, wanted: set[str], timeout: float) -> None:
        with self.changed:
            done = self.changed.wait_for(lambda: wanted <= self.ids(), timeout)
        assert done, f"{len(wanted - self.ids())} of {len(wanted)} never arrived"

    def wait_for_count(self, count: int, timeout: float) -> None:
        with self.changed:
            done = self.changed.wait_for(lambda: len(self.arrivals) >= count, timeout)
        assert done, f"{len(self.arrivals)} of {count} arrived"

    def ids(self) -> set[str]:
        return {arrival.delivery_id for arrival in self.arrivals}


@contextmanager
def receiving(answer_after: float) -> Iterator[Receiver]:
    receiver = Receiver("", answer_after=answer_after)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: a sender's connection keeps its port

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            Webhook(receiver.secret).verify(body, headers)  # raises on a forged delivery
            with receiver.changed:
                arrival = Arrival(headers["webhook-id"], time.monotonic(), self.client_address[1])
                receiver.arrivals.append(arrival)
                receiver.changed.notify_all()
            time.sleep(receiver.answer_after)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def handle(self) -> None:
            with suppress(BrokenPipeError, ConnectionResetError):  # a sender that was killed
                super().handle()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def local_ports(pid: int) -> set[int]:
    """The local ports of the IPv4 TCP sockets process `pid` holds open (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for row in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        parts = row.split()
        if parts[9] in inodes:
            ports.add(int(parts[1].split(":")[1], 16))
    return ports
