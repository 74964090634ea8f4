"""A webhook receiver for the feeds tests: a real HTTP server on 127.0.0.1 in a thread, verifying
every push with ``standardwebhooks`` (the reference implementation, not our own code) and
answering from a script (status, headers, delay per request) the test sets.

Why a script rather than a fixed answer: the tests need "fail twice then succeed", "410", "429
with Retry-After" and "slow" receivers; each is a list or a function of the request number.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


@dataclass
class Received:
    """One request as the receiver saw it."""

    at: float
    webhook_id: str
    timestamp: str
    signatures: list[str]
    body: bytes
    verified_by: list[int]
    """Indexes of the receiver's secrets under which ``standardwebhooks`` accepted the message."""
    answered: int = 0
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    """``with Receiver(secrets) as r:`` — ``r.url``; ``r.script`` decides the answers (a list of
    :class:`Answer` consumed in order, then ``r.default``; or a callable of the request number)."""

    def __init__(self, secrets: list[str] | None = None, script: list[Answer] | Callable[[int], Answer] | None = None,
                 require_signature: bool = True):
        self.secrets = list(secrets or [])
        self.script = script if script is not None else []
        self.default = Answer(200)
        self.require_signature = require_signature
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver._handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, n: int) -> Answer:
        if callable(self.script):
            return self.script(n)
        return self.script[n] if n < len(self.script) else self.default

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        verified = []
        for i, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified.append(i)
            except WebhookVerificationError:
                pass
        with self.lock:
            n = len(self.received)
            answer = self._answer(n)
            status = answer.status
            if self.require_signature and not verified:
                status = 401
            item = Received(time.time(), headers.get("webhook-id", ""), headers.get("webhook-timestamp", ""),
                            headers.get("webhook-signature", "").split(" "), body, verified, status, headers)
            self.received.append(item)
        if answer.delay:
            time.sleep(answer.delay)
        payload = b"ok" if status < 300 else b"no"
        handler.send_response(status)
        for name, value in answer.headers:
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
        with self.arrived:
            self.arrived.notify_all()

    def wait_for(self, predicate: Callable[[list[Received]], bool], timeout: float = 30.0) -> list[Received]:
        """Wait until ``predicate(received)`` holds (generous timeout; no fixed sleeps)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not predicate(self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver: condition not met in {timeout} s; got {len(self.received)} "
                                         f"request(s): {[(r.webhook_id, r.answered) for r in self.received]}")
                self.arrived.wait(min(left, 0.2))
            return list(self.received)
