"""A lead's evidence as the lead page shows it: the screenshot and the page as captured, read out of
the capture's WARC file, and whether the capture still verifies.

Why read WARC files directly and not open the evidence log: the log is the crawl's (opening it takes
its lock and may sign a checkpoint); the web service only reads. A lead's evidence reference names
its WARC file (``<sha256>.warc.gz``, content-addressed under ``data_dir/evidence/warc/``) and the
sha256 of each artefact, so checking on view is cheap: the file hashes to its name, every record's
digests hold (``index.evidence.warc.read_warc``), and the screenshot and HTML hash to what the
lead's reference says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from index.evidence.warc import read_warc, sha256_hex

WARC_NAME_RE = re.compile(r"^[0-9a-f]{64}\.warc\.gz$")


@dataclass
class EvidenceView:
    """One capture of a lead, opened and checked."""

    entry: int
    captured_at: str
    warc: str
    sha256: dict[str, Any]
    found: bool = False
    verified: bool = False
    problems: list[str] = field(default_factory=list)
    screenshot: bytes | None = None
    html: bytes | None = None
    html_mime: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry, "captured_at": self.captured_at, "warc": self.warc, "sha256": self.sha256,
                "found": self.found, "verified": self.verified, "problems": self.problems,
                "has_screenshot": self.screenshot is not None, "has_page": self.html is not None}


def warc_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "evidence" / "warc"


def open_evidence(data_dir: Path, ref: Mapping[str, Any]) -> EvidenceView:
    """Read and check the capture ``ref`` names (problems are listed, never raised)."""
    view = EvidenceView(entry=int(ref.get("entry", -1)), captured_at=str(ref.get("captured_at", "")),
                        warc=str(ref.get("warc", "")), sha256=dict(ref.get("sha256") or {}))
    if not WARC_NAME_RE.match(view.warc):
        view.problems.append(f"the reference names no WARC file of the evidence store ({view.warc!r})")
        return view
    path = warc_dir(data_dir) / view.warc
    try:
        data = path.read_bytes()
    except OSError as exc:
        view.problems.append(f"{view.warc}: cannot be read ({exc.strerror or exc})")
        return view
    view.found = True
    if sha256_hex(data) != view.warc.split(".", 1)[0]:
        view.problems.append(f"{view.warc}: the file's bytes do not hash to its name (changed after capture)")
    reading = read_warc(data, keep_payloads=True)
    view.problems.extend(reading.problems)
    shot = reading.screenshot()
    response = reading.first("response")
    if shot is not None:
        view.screenshot = shot.payload
        if view.sha256.get("screenshot") and shot.payload_sha256 != view.sha256["screenshot"]:
            view.problems.append("the screenshot does not hash to the lead's reference")
    elif view.sha256.get("screenshot"):
        view.problems.append("the WARC file holds no screenshot, though the reference names one")
    if response is not None:
        view.html = response.payload
        view.html_mime = response.http_mime
        if view.sha256.get("html") and response.payload_sha256 != view.sha256["html"]:
            view.problems.append("the captured page does not hash to the lead's reference")
    else:
        view.problems.append("the WARC file holds no response record")
    view.verified = not view.problems
    return view


def find_ref(evidence: list[Mapping[str, Any]], entry: int) -> Mapping[str, Any] | None:
    return next((ref for ref in evidence if int(ref.get("entry", -1)) == entry), None)
