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


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a sender killed mid-request leaves a broken pipe: expected in the crash test


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    hold: threading.Event | None = None
    """Answer only once this is set (at most 30 s): a request kept in flight for a crash test."""


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
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request (the crash test): not a push
                    self.close_connection = True
                    return
                receiver._handle(self, body)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
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
            self.arrived.notify_all()
        if answer.delay:
            time.sleep(answer.delay)
        if answer.hold is not None:
            answer.hold.wait(30)
        payload = b"ok" if status < 300 else b"no"
        handler.send_response(status)
        for name, value in answer.headers:
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

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


# -- an outbox to deliver ------------------------------------------------------------------------

RIGHTS = [{"id": f"tm-mark{i}", "kind": "trademark", "name": f"MARK{i}", "holder": "Mark Holder Co.",
           "registration_no": f"9{i:05d}", "nice_classes": [25]} for i in range(12)]


class FakeClock:
    """Unix seconds that move only when told (starts at the real time: receivers check timestamps)."""

    def __init__(self, start: float | None = None):
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def confirmed_leads(store, notices: int, platform: str = "bazaar", at: str | None = None) -> list[str]:
    """Two confirmed leads for each of ``notices`` rights on ``platform`` (one notice per right)."""
    from index.store import lead_id
    from web_helpers import make_lead

    store.put_rights(RIGHTS[:notices])
    leads = [make_lead(i, right_id=RIGHTS[i % notices]["id"], platform=platform) for i in range(2 * notices)]
    store.add_leads(leads)
    ids = [lead_id(lead["url"], lead["right_id"]) for lead in leads]
    store.transition(ids, "confirmed", "ana", at=at)
    return ids


def outbox(store, webhook_url: str, notices: int = 1, clock: Callable[[], float] = time.time,
           platform: str = "bazaar"):
    """A platform with a webhook and ``notices`` notices for it in the outbox: (credentials, notice ids)."""
    import feeds.notices  # noqa: F401  (the NOTICE composer)
    from feeds.delivery import iso

    creds = store.linkage.add_platform(platform, webhook_url=webhook_url)
    confirmed_leads(store, notices, platform, at=iso(clock() - 10))
    made = store.linkage.create_due_notices(iso(clock()), 0)
    assert len(made) == notices, made
    return creds, made
