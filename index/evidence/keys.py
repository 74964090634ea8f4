"""The installation's signing key: one Ed25519 key per data directory, made on first use.

Why per installation: a checkpoint says "this installation saw these captures by this time"; the
key is what makes that statement checkable by anyone who knows the installation's public key (its
*key id*, the SHA-256 of the raw 32-byte public key, is short enough to print in a notice or read
over the phone). The private key stays in ``DATA_DIR/evidence/signing-key.pem`` (mode 0600); the
public key is recorded next to it in ``installation.json`` the moment the key is made, and every
checkpoint names its key id and carries the public key, so ``verify`` notices when a different
key file was copied in or a checkpoint was signed by someone else.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from index.evidence.errors import EvidenceKeyError

KEY_FILE = "signing-key.pem"
INSTALLATION_FILE = "installation.json"
ALGORITHM = "Ed25519"


def key_id(public_raw: bytes) -> str:
    """The key id: hex SHA-256 of the raw 32-byte Ed25519 public key."""
    return hashlib.sha256(public_raw).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def verify_signature(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message`` by ``public_raw``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    @property
    def b64(self) -> str:
        return b64(self.raw)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return verify_signature(self.raw, message, signature)

    def to_json(self) -> dict[str, str]:
        return {"algorithm": ALGORITHM, "public_key": self.b64, "key_id": self.key_id}

    @classmethod
    def from_json(cls, data: dict) -> "PublicKey":
        if data.get("algorithm", ALGORITHM) != ALGORITHM:
            raise ValueError(f"key algorithm {data.get('algorithm')!r} is not {ALGORITHM}")
        raw = unb64(str(data["public_key"]))
        if len(raw) != 32:
            raise ValueError(f"an Ed25519 public key has 32 bytes, this one {len(raw)}")
        return cls(raw)


class SigningKey:
    """The private key and its public half."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = PublicKey(private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(Ed25519PrivateKey.generate())

    def to_pem(self) -> bytes:
        return self._private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())

    @classmethod
    def from_pem(cls, pem: bytes, source: str = "key") -> "SigningKey":
        try:
            private = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise EvidenceKeyError(f"{source}: not a readable unencrypted PEM private key ({exc})") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise EvidenceKeyError(f"{source}: not an Ed25519 key")
        return cls(private)


def read_installation_key(evidence_dir: Path) -> PublicKey | None:
    """The public key recorded when the installation's key was made (``None`` before that)."""
    path = evidence_dir / INSTALLATION_FILE
    if not path.exists():
        return None
    return PublicKey.from_json(orjson.loads(path.read_bytes()))


def load_signing_key(evidence_dir: Path) -> SigningKey | None:
    path = evidence_dir / KEY_FILE
    if not path.exists():
        return None
    return SigningKey.from_pem(path.read_bytes(), str(path))


def load_or_create_key(evidence_dir: Path, created_at: str) -> SigningKey:
    """This installation's key, made on first use; refuses a key file that is not the one
    ``installation.json`` recorded (another installation's key copied in)."""
    evidence_dir.mkdir(parents=True, exist_ok=True)
    key_path = evidence_dir / KEY_FILE
    recorded = read_installation_key(evidence_dir)
    key = load_signing_key(evidence_dir)
    if key is None:
        if recorded is not None:
            raise EvidenceKeyError(f"{key_path} is missing but {evidence_dir / INSTALLATION_FILE} records key "
                            f"{recorded.key_id}: restore the key file from a backup (a new key cannot "
                            "continue this log)")
        key = SigningKey.generate()
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.to_pem())
            fh.flush()
            os.fsync(fh.fileno())
        info = {**key.public.to_json(), "created_at": created_at}
        tmp = evidence_dir / (INSTALLATION_FILE + ".tmp")
        tmp.write_bytes(orjson.dumps(info, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
        os.replace(tmp, evidence_dir / INSTALLATION_FILE)
        return key
    if recorded is None:
        info = {**key.public.to_json(), "created_at": created_at}
        (evidence_dir / INSTALLATION_FILE).write_bytes(
            orjson.dumps(info, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    elif recorded.raw != key.public.raw:
        raise EvidenceKeyError(f"{key_path} holds key {key.key_id}, but this installation's key is "
                        f"{recorded.key_id} ({evidence_dir / INSTALLATION_FILE}): another installation's "
                        "key was copied in; put the original key file back")
    return key
