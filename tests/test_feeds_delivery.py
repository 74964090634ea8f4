"""The outbox worker (feeds/delivery.py) over the real SQLite store, pushing to real HTTP receivers on
loopback that verify every push with ``standardwebhooks``. Time is a fake clock, so retries fall due
when the test says, never by waiting."""

from __future__ import annotations

import json
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest

from feeds.delivery import DeliveryWorker, RetryPolicy, iso, retry_after_seconds
from feeds_helpers import Answer, FakeClock, Receiver, outbox
from index.sqlite_store import SQLiteStore
from markwatch.cli import UsageError, build_parser


def markwatch(argv: list[str]) -> int:
    """A command as the CLI parses and runs it (in process; leaves logging alone)."""
    args = build_parser().parse_args(argv)
    return args.func(args)


@pytest.fixture()
def lead_store(tmp_path):
    with SQLiteStore(tmp_path / "store.sqlite") as s:
        yield s


def worker(store, clock, schedule=(0, 1, 1), **kw) -> DeliveryWorker:
    return DeliveryWorker(store.linkage, schedule=schedule, timeout=5, lease_seconds=10, clock=clock, **kw)


def test_fails_twice_then_delivered_once_under_one_webhook_id(lead_store):
    clock = FakeClock()
    with Receiver(script=[Answer(500), Answer(502)]) as rx:
        creds, (notice_id,) = outbox(lead_store, rx.url, clock=clock)
        rx.secrets = [creds.webhook_secret]
        w = worker(lead_store, clock, schedule=(0, 5, 60, 1800))  # the receiver checks timestamps: < 5 min
        assert w.deliver_due().retry == 1
        assert w.deliver_due().attempts == 0  # the 5 s retry is not due yet
        clock.advance(5.3)  # 5 s + at most 5% jitter
        assert w.deliver_due().retry == 1
        clock.advance(59)
        assert w.deliver_due().attempts == 0
        clock.advance(4)
        assert w.deliver_due().delivered == 1
        got = rx.received
    assert [r.answered for r in got] == [500, 502, 200]
    assert len({r.webhook_id for r in got}) == 1 and got[0].webhook_id.startswith("msg_")
    assert all(r.verified_by == [0] for r in got)  # standardwebhooks accepted every attempt
    assert json.loads(got[0].body)["id"] == notice_id
    (delivery,) = lead_store.linkage.deliveries_of(notice_id)
    assert delivery.id == got[0].webhook_id and delivery.status == "delivered"
    assert [a["status"] for a in lead_store.linkage.attempts(delivery.id)] == [500, 502, 200]
    assert lead_store.linkage.notice(notice_id)["status"] == "acknowledged"


def test_a_receiver_with_another_secret_rejects_then_dead_letter_and_replay_same_id(lead_store, tmp_path, capsys):
    from feeds.signing import new_secret

    clock = FakeClock()
    with Receiver(secrets=[new_secret()]) as rx:  # not the platform's secret: 401 every time
        creds, (notice_id,) = outbox(lead_store, rx.url, clock=clock)
        w = worker(lead_store, clock, schedule=(0, 1))
        w.deliver_due()
        clock.advance(1.1)
        assert w.deliver_due().dead == 1
        assert [(r.answered, r.verified_by) for r in rx.received] == [(401, []), (401, [])]
        (dead,) = lead_store.linkage.dead_letters()
        assert dead.id == rx.received[0].webhook_id and dead.last_status == 401
        clock.advance(120)
        assert w.deliver_due().attempts == 0  # a dead letter is not retried by itself

        assert markwatch(["feed", "dead", "--data-dir", str(tmp_path)]) == 0
        assert dead.id in capsys.readouterr().out
        rx.secrets = [creds.webhook_secret]  # the platform fixes its receiver
        assert markwatch(["feed", "replay", "--all", "--data-dir", str(tmp_path)]) == 0
        with pytest.raises(UsageError, match="msg_nope"):
            markwatch(["feed", "replay", "msg_nope", "--data-dir", str(tmp_path)])
        assert w.deliver_due().delivered == 1
        third = rx.received[2]
    assert third.webhook_id == dead.id and third.verified_by == [0] and third.answered == 200
    assert lead_store.linkage.dead_letters() == []
    assert lead_store.linkage.delivery(dead.id).status == "delivered"


def test_410_disables_the_endpoint_and_stops_its_pushes(lead_store):
    clock = FakeClock()
    with Receiver(script=[Answer(410)]) as rx:
        creds, notices = outbox(lead_store, rx.url, notices=3, clock=clock)
        rx.secrets = [creds.webhook_secret]
        tally = worker(lead_store, clock, concurrency=1).deliver_due()
        assert (tally.disabled, tally.attempts) == (1, 1)
        assert len(rx.received) == 1
        endpoint = lead_store.linkage.endpoint("platform", "bazaar")
        assert not endpoint.enabled and "410" in endpoint.disabled_reason
        clock.advance(120)
        assert worker(lead_store, clock).deliver_due().attempts == 0
        assert lead_store.linkage.due_deliveries(iso(clock())) == []
        ids = {d.id for n in notices for d in lead_store.linkage.deliveries_of(n)}

        lead_store.linkage.set_webhook("platform", "bazaar", rx.url)  # re-enabled: its pushes resume
        assert worker(lead_store, clock).deliver_due().delivered == 3
        assert {r.webhook_id for r in rx.received[1:]} == ids


def test_429_retry_after_is_honoured(lead_store):
    clock = FakeClock()
    with Receiver(script=[Answer(429, (("Retry-After", "120"),)), Answer(503, (("Retry-After", "bogus"),))]) as rx:
        creds, (notice_id,) = outbox(lead_store, rx.url, clock=clock)
        rx.secrets = [creds.webhook_secret]
        w = worker(lead_store, clock, schedule=(0, 1, 1, 1))
        first = clock()
        assert w.deliver_due().retry == 1
        (delivery,) = lead_store.linkage.deliveries_of(notice_id)
        waited = datetime.strptime(delivery.next_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
        assert 119.999 <= waited - first <= 121
        clock.advance(60)
        assert w.deliver_due().attempts == 0  # the schedule says 1 s; the receiver asked for 120
        clock.advance(60.5)
        assert w.deliver_due().retry == 1  # the 503's unreadable Retry-After: back to the schedule
        clock.advance(1.1)
        assert w.deliver_due().delivered == 1
    assert [r.answered for r in rx.received] == [429, 503, 200]
    assert len({r.webhook_id for r in rx.received}) == 1


def test_rotation_sends_two_signatures_each_verified_by_its_secret(lead_store):
    clock = FakeClock()
    with Receiver() as rx:
        creds, (notice_id,) = outbox(lead_store, rx.url, clock=clock)
        new = lead_store.linkage.rotate_secret("platform", "bazaar", now=iso(clock()), overlap_seconds=600)
        rx.secrets = [creds.webhook_secret, new]
        assert worker(lead_store, clock).deliver_due().delivered == 1
        (got,) = rx.received
    assert len(got.signatures) == 2 and got.verified_by == [0, 1]
    from standardwebhooks import Webhook

    for secret in (creds.webhook_secret, new):  # each signature alone verifies under its own secret
        matching = [s for s in got.signatures
                    if _verifies(Webhook(secret), got, s)]
        assert len(matching) == 1
    assert _verifies(Webhook(new), got, got.signatures[0])  # the current secret signs first


def _verifies(webhook, got, one_signature: str) -> bool:
    from standardwebhooks.webhooks import WebhookVerificationError

    try:
        webhook.verify(got.body, {**got.headers, "webhook-signature": one_signature})
        return True
    except WebhookVerificationError:
        return False


def test_unreachable_receiver_is_retried_and_concurrency_delivers_all(lead_store):
    clock = FakeClock()
    with Receiver() as rx:
        url = rx.url
    # the receiver is gone: connection refused
    creds, notices = outbox(lead_store, url, notices=6, clock=clock)
    w = worker(lead_store, clock, schedule=(0, 1), concurrency=3)
    tally = w.deliver_due()
    assert tally.retry == 6
    assert "Connect" in lead_store.linkage.deliveries_of(notices[0])[0].last_error
    with Receiver(secrets=[creds.webhook_secret]) as rx2:
        lead_store.linkage.set_webhook("platform", "bazaar", rx2.url)
        clock.advance(1.1)
        assert w.deliver_due().delivered == 6
        assert sorted(json.loads(r.body)["id"] for r in rx2.received) == sorted(notices)
        assert all(r.verified_by == [0] for r in rx2.received)


def test_retry_after_forms_and_the_policy():
    now = 1_800_000_000.0
    assert retry_after_seconds("30", now) == 30
    assert retry_after_seconds(format_datetime(datetime.fromtimestamp(now + 90, timezone.utc), usegmt=True), now) == 90
    assert retry_after_seconds(format_datetime(datetime.fromtimestamp(now - 90, timezone.utc), usegmt=True), now) == 0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None
    assert retry_after_seconds("99999999", now) == 86400
    policy = RetryPolicy((0, 5, 300))
    assert policy.delay_after(1, rng=lambda: 1.0) == pytest.approx(5.25)
    assert policy.delay_after(2, rng=lambda: 0.0) == 300
    assert policy.delay_after(1, retry_after=60, rng=lambda: 0.0) == 60
    assert policy.delay_after(3) is None


def test_a_receiver_slower_than_the_timeout_is_retried_with_the_same_id(lead_store):
    clock = FakeClock()
    with Receiver(script=[Answer(200, delay=2.0)]) as rx:
        creds, (notice_id,) = outbox(lead_store, rx.url, clock=clock)
        rx.secrets = [creds.webhook_secret]
        w = DeliveryWorker(lead_store.linkage, schedule=(0, 1), timeout=0.3, lease_seconds=5, clock=clock)
        assert w.deliver_due().retry == 1
        (delivery,) = lead_store.linkage.deliveries_of(notice_id)
        assert "no answer within 0.3 s" in delivery.last_error
        clock.advance(1.1)
        assert w.deliver_due().delivered == 1
        assert [r.webhook_id for r in rx.received] == [delivery.id, delivery.id]
