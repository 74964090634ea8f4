"""Evidence that makes a lead actionable: WARC captures in a tamper-evident, signed Merkle log.

- :mod:`.capture`  — :class:`Capture`, what the crawl hands over (response + screenshot);
- :mod:`.warc`     — one capture as one WARC file (warcio, SHA-256 digests on every record);
- :mod:`.log`      — :class:`EvidenceLog`: content-addressed WARC files, the log, checkpoints;
- :mod:`.merkle`   — RFC 9162 tree hash, inclusion and consistency proofs;
- :mod:`.keys`     — the installation's Ed25519 key;
- :mod:`.verify`   — :func:`verify_log`, which names every problem it finds;
- :mod:`.wacz`     — :func:`export_bundle` / :func:`verify_bundle`: WACZ 1.2 bundles that verify
  offline. See ``docs/evidence.md`` for the formats and how a recipient checks a bundle.
"""

from index.evidence.capture import Capture
from index.evidence.errors import EvidenceError, EvidenceKeyError, NoEvidence
from index.evidence.log import EvidenceLog, EvidenceRef

__all__ = ["Capture", "EvidenceError", "EvidenceKeyError", "EvidenceLog", "EvidenceRef", "NoEvidence"]
