"""A partner's webhook endpoint, for real, on loopback: it verifies each delivery's signature
with the Standard Webhooks library (an implementation that is not ours), deduplicates by
`webhook-id` as the docs tell partners to, and answers as its test scripts it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Receiver:
    url: str
    secret: str = ""
    #: What to answer, request by request: "fail" (500, nothing processed), "lost" (processed,
    #: but 503 as if the answer never reached the sender), "ok" (200); then "ok" for ever.
    script: list[str] = field(default_factory=list)
    #: Every request as it came: (webhook-id, whether its signature verified).
    requests: list[tuple[str, bool]] = field(default_factory=list)
    #: Events processed, once per id.
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 30) -> None:
        with self.arrived:
            done = self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
        assert done, f"{len(self.requests)} of {count} deliveries arrived: {self.requests}"


@contextmanager
def receiving(path: str = "/hooks/terugkeer") -> Iterator[Receiver]:
    receiver = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                Webhook(receiver.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
            message_id = headers.get("webhook-id", "")
            answer = receiver.script.pop(0) if receiver.script else "ok"
            if verified and self.path == path and answer != "fail":
                receiver.processed.setdefault(message_id, json.loads(body))
            status = {"fail": 500, "lost": 503, "ok": 200}[answer] if verified else 401
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with receiver.arrived:
                receiver.requests.append((message_id, verified))
                receiver.arrived.notify_all()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def black_hole() -> Iterator[tuple[str, threading.Event]]:
    """An endpoint that takes the connection and never answers; the event is set once a
    delivery is hanging on it."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    hanging = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            hanging.set()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook", hanging
    finally:
        listener.close()
        for connection in held:
            connection.close()
