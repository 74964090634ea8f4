"""Errors of the evidence log: each message says what is wrong and what to do about it."""


class EvidenceError(RuntimeError):
    """The evidence log cannot do what was asked (locked, damaged, wrong key, no such entry)."""


class EvidenceKeyError(EvidenceError):
    """The signing key cannot be used: unreadable, not Ed25519, or not this installation's."""


class NoEvidence(EvidenceError):
    """A lead has no capture in the evidence log."""
