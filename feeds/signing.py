"""Signing and verifying webhooks the Standard Webhooks way (CONTRACTS §7).

Why this scheme: a platform engineer can verify our pushes with any Standard Webhooks library (the
``standardwebhooks`` package on PyPI, its JavaScript, Go, Java… twins) instead of reading our code.
What is signed, byte for byte::

    webhook-id:        msg_…                      (the same on every retry and on a replay)
    webhook-timestamp: 1764640000                 (Unix seconds of this attempt)
    webhook-signature: v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>

The secret is ``whsec_`` + base64 of at least 24 random bytes; the HMAC key is the decoded bytes,
not the text. While a secret is being rotated the header carries one signature per valid secret,
space-separated (current first), so a receiver holding either the old or the new secret accepts
the message and can switch over at its own pace.

Why a pure module (no store, no config): the delivery worker signs with it, the tests and the demo
marketplace's receiver verify with it, and a platform could copy it. Verification checks the
timestamp against a tolerance (replayed old messages are refused) and compares signatures in
constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _random
import time
from typing import Mapping, Sequence

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
"""Standard Webhooks asks for secrets of 24 to 64 random bytes."""
MAX_SECRET_BYTES = 64
DEFAULT_SECRET_BYTES = 32
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = 300.0
"""Seconds a message's timestamp may lie before or after the receiver's clock (the spec's 5 min)."""

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"


class SigningError(ValueError):
    """A secret is unusable (not ``whsec_`` + base64, or too short); the message says which."""


class VerificationError(Exception):
    """A message is not authentic: a header is missing or malformed, its timestamp is outside the
    tolerance, or no signature matches any of the secrets."""


def new_secret(nbytes: int = DEFAULT_SECRET_BYTES) -> str:
    """A fresh ``whsec_`` secret of ``nbytes`` random bytes (24 to 64)."""
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise SigningError(f"a webhook secret has {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, not {nbytes}")
    return SECRET_PREFIX + base64.b64encode(_random.token_bytes(nbytes)).decode("ascii")


def new_message_id() -> str:
    """A webhook-id: ``msg_`` + 22 URL-safe random characters (unique; receivers de-duplicate by it)."""
    return "msg_" + _random.token_urlsafe(16)


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret (its decoded bytes); :class:`SigningError` if unusable."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise SigningError(f"a webhook secret starts with {SECRET_PREFIX!r} (got {_shown(secret)}); "
                           "make one with feeds.signing.new_secret() or 'markwatch platform rotate-secret'")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SigningError(f"webhook secret {_shown(secret)}: the part after {SECRET_PREFIX!r} is not "
                           f"base64 ({exc})") from exc
    if len(key) < MIN_SECRET_BYTES:
        raise SigningError(f"webhook secret {_shown(secret)} has {len(key)} bytes; at least "
                           f"{MIN_SECRET_BYTES} are needed")
    return key


def _shown(secret: object) -> str:
    text = str(secret)
    return repr(text[:10] + "…") if len(text) > 10 else repr(text)


def signed_content(msg_id: str, timestamp: int, body: bytes) -> bytes:
    """What the HMAC covers: ``{id}.{timestamp}.{body}``."""
    return f"{msg_id}.{int(timestamp)}.".encode() + body


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of ``body`` under ``secret``."""
    digest = hmac.new(secret_key(secret), signed_content(msg_id, timestamp, body), hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def sign(secrets: str | Sequence[str], msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body``: one signature per secret (all the valid
    secrets during a rotation, current first), space-separated. ``timestamp`` = now when None."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    if not keys:
        raise SigningError("no webhook secret to sign with; the endpoint needs one (rotate-secret makes one)")
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_SIGNATURE: " ".join(signature(s, msg_id, ts, body) for s in keys),
    }


def verify(secrets: str | Sequence[str], headers: Mapping[str, str], body: bytes, *,
           tolerance: float = DEFAULT_TOLERANCE, now: float | None = None) -> str:
    """Check a received message; returns its webhook-id, or raises :class:`VerificationError`.

    ``secrets``: the receiver's secret, or several while it rotates (any one matching is enough).
    ``headers``: any mapping; names are compared case-insensitively. Signatures of versions other
    than ``v1`` are ignored (forward compatibility)."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    msg_id = lowered.get(HEADER_ID, "")
    raw_ts = lowered.get(HEADER_TIMESTAMP, "")
    raw_sigs = lowered.get(HEADER_SIGNATURE, "")
    if not (msg_id and raw_ts and raw_sigs):
        missing = [h for h, v in ((HEADER_ID, msg_id), (HEADER_TIMESTAMP, raw_ts), (HEADER_SIGNATURE, raw_sigs)) if not v]
        raise VerificationError(f"missing header(s): {', '.join(missing)}")
    if not raw_ts.isdigit():
        raise VerificationError(f"{HEADER_TIMESTAMP} is not Unix seconds: {raw_ts[:20]!r}")
    ts = int(raw_ts)
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        raise VerificationError(f"{HEADER_TIMESTAMP} {ts} is {current - ts:+.0f} s from now, outside the "
                                f"tolerance of {tolerance:g} s (replayed, or a clock is wrong)")
    offered: list[bytes] = []
    for item in raw_sigs.split(" "):
        version, _, encoded = item.partition(",")
        if version != SIGNATURE_VERSION or not encoded:
            continue
        try:
            offered.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    content = signed_content(msg_id, ts, body)
    matched = False
    for secret in keys:
        expected = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
        for candidate in offered:  # no early exit: the time taken does not tell which one matched
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise VerificationError("no signature matches (wrong secret, or the body was changed on the way)")
    return msg_id
