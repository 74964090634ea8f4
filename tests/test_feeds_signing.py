"""feeds/signing.py against the Standard Webhooks reference implementation (``standardwebhooks``)."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from feeds.signing import (SigningError, VerificationError, new_message_id, new_secret, secret_key, sign, signature,
                           verify)

BODY = '{"id":"ntc-1","platform":"bazaar","right":{"name":"耐克"}}'.encode()


def test_the_specs_example_vector():
    # the example of the Standard Webhooks reference libraries' tests
    assert signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                     b'{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_our_signature_is_the_reference_implementations():
    secret, msg_id = new_secret(), new_message_id()
    headers = sign(secret, msg_id, BODY)
    assert Webhook(secret).verify(BODY, headers) == {"id": "ntc-1", "platform": "bazaar", "right": {"name": "耐克"}}
    ts = datetime.fromtimestamp(int(headers["webhook-timestamp"]), timezone.utc)
    assert headers["webhook-signature"] == Webhook(secret).sign(msg_id, ts, BODY.decode())
    assert verify(secret, headers, BODY) == msg_id


def test_secrets_are_whsec_base64_of_at_least_24_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert new_secret() != secret
    assert len(secret_key(new_secret(24))) == 24
    with pytest.raises(SigningError, match="at least 24"):
        secret_key("whsec_" + base64.b64encode(b"x" * 23).decode())
    with pytest.raises(SigningError, match="whsec_"):
        sign("not-a-secret", "msg_1", BODY)
    with pytest.raises(SigningError, match="base64"):
        secret_key("whsec_***not base64***")
    with pytest.raises(SigningError):
        new_secret(16)


def test_a_wrong_secret_a_changed_body_or_an_old_timestamp_fail_both_verifiers():
    secret, other = new_secret(), new_secret()
    headers = sign(secret, "msg_abc", BODY)
    for secrets, body, hdrs in ((other, BODY, headers), (secret, BODY + b" ", headers),
                                (secret, BODY, {**headers, "webhook-id": "msg_other"})):
        with pytest.raises(VerificationError):
            verify(secrets, hdrs, body)
        with pytest.raises(WebhookVerificationError):
            Webhook(secrets).verify(body, hdrs)
    stale = sign(secret, "msg_abc", BODY, timestamp=int(time.time()) - 301)
    with pytest.raises(VerificationError, match="tolerance"):
        verify(secret, stale, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, stale)
    assert verify(secret, stale, BODY, tolerance=600) == "msg_abc"
    with pytest.raises(VerificationError, match="missing header"):
        verify(secret, {"webhook-id": "msg_abc"}, BODY)


def test_rotation_signs_with_each_secret_and_either_verifies():
    old, new = new_secret(), new_secret()
    headers = sign([new, old], "msg_rot", BODY)
    sigs = headers["webhook-signature"].split(" ")
    assert len(sigs) == 2 and all(s.startswith("v1,") for s in sigs)
    for secret in (old, new):
        Webhook(secret).verify(BODY, headers)  # the reference implementation, each secret alone
        assert verify(secret, headers, BODY) == "msg_rot"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_header_names_are_case_insensitive_and_unknown_versions_ignored():
    secret = new_secret()
    headers = sign(secret, "msg_case", BODY)
    shouting = {k.upper(): v for k, v in headers.items()}
    shouting["WEBHOOK-SIGNATURE"] = "v2,AAAA " + shouting["WEBHOOK-SIGNATURE"]
    assert verify(secret, shouting, BODY) == "msg_case"
    Webhook(secret).verify(BODY, shouting)
