"""One capture as one WARC file, and the reading back of such files with every digest checked.

Why WARC: it is the web archivists' standard (ISO 28500), read by every replay tool (pywb,
ReplayWeb.page, the Wayback Machine), so what we kept as evidence can be looked at by anyone with
their own tools. We write it with warcio (the archivists' library), one gzip member per record,
and put a SHA-256 ``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (``sha256:<hex>``, the same
hex ``sha256sum`` prints) on every record.

Records of one capture, in this order:

1. ``warcinfo``  — the software and the format of this file;
2. ``response``  — status line, headers and body as received, ``WARC-Target-URI`` = final URL;
3. ``request``   — the request that got it (``WARC-Concurrent-To`` the response);
4. ``resource``  — the full-page screenshot, ``urn:screenshot:<final URL>``, ``image/png``
   (webrecorder's convention), when there is one;
5. ``metadata``  — the capture facts as JSON (listing URL, redirects, lead ids, listing hash,
   artefact hashes, and ``screenshot_of``: whether the screenshot renders the response's own body
   or a fresh load of the URL), ``WARC-Refers-To`` the response.

Reading checks each record's block and payload digest against a SHA-256 computed here from the
bytes (not warcio's checker, so every failure can be named with its record number).
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

import orjson
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from index.evidence.capture import Capture, parse_utc

SCREENSHOT_PREFIX = "urn:screenshot:"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WARC_VERSION = "1.1"
# Hop-by-hop framing the body no longer has (it was de-chunked on receipt): kept under the prefix
# pywb uses for original headers, so replay tools do not try to de-chunk the stored body again.
_FRAMING_HEADERS = {"transfer-encoding"}
_ORIG_PREFIX = "X-Archive-Orig-"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Sha256Hex(Digester):
    """warcio's digester, written as ``sha256:<hex>`` (warcio reads hex digests back fine)."""

    def __init__(self) -> None:
        super().__init__("sha256")

    def __str__(self) -> str:
        return "sha256:" + self.digester.hexdigest()


class _EvidenceWARCWriter(WARCWriter):
    @staticmethod
    def _create_digester() -> Digester:  # type: ignore[override]
        return _Sha256Hex()


def warc_date(iso: str) -> str:
    """WARC/1.1 date (UTC, microseconds, ``Z``) of an ISO 8601 time."""
    return parse_utc(iso).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class BuiltWarc:
    data: bytes
    sha256: str
    body_sha256: str
    screenshot_sha256: str | None
    record_ids: dict[str, str]


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class _MemberWriter:
    """Writes each record as its own gzip member (the WARC convention, so replay tools can seek to
    a record), compressed at a level chosen per record: an already-compressed PNG is stored with
    level 0 (deflating random-looking bytes cost ~50 ms per screenshot and saved nothing)."""

    def __init__(self) -> None:
        self.writer = _EvidenceWARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)
        self.members: list[bytes] = []

    def create(self, *args, **kwargs):  # the warcio record builder
        return self.writer.create_warc_record(*args, **kwargs)

    def write(self, record, level: int = 6) -> None:
        self.writer.out = io.BytesIO()
        self.writer.write_record(record)
        compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        self.members.append(compressor.compress(self.writer.out.getvalue()) + compressor.flush())


def build_warc(capture: Capture, software: str) -> BuiltWarc:
    """The gzipped WARC file of one capture (bytes), with the hashes the log entry records."""
    writer = _MemberWriter()
    date = warc_date(capture.captured_at)
    body_sha = sha256_hex(bytes(capture.body))
    shot = bytes(capture.screenshot_png) if capture.screenshot_png is not None else None
    shot_sha = sha256_hex(shot) if shot is not None else None
    ids: dict[str, str] = {}

    info = (f"software: {software}\r\nformat: WARC File Format 1.1\r\n"
            f"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
            f"description: markwatch evidence capture of {capture.url}\r\n").encode("utf-8")
    record = writer.create("", "warcinfo", payload=io.BytesIO(info), length=len(info),
                                       warc_headers_dict={"WARC-Date": date,
                                                          "WARC-Payload-Digest": "sha256:" + sha256_hex(info)})
    writer.write(record)

    headers = []
    for name, value in capture.response_headers:
        if name.lower() in _FRAMING_HEADERS:
            name = _ORIG_PREFIX + name
        headers.append((str(name), str(value)))
    try:
        reason = HTTPStatus(int(capture.status)).phrase
    except ValueError:
        reason = "Unknown"
    http_response = StatusAndHeaders(f"{int(capture.status)} {reason}", headers, protocol=capture.http_version)
    response = writer.create(capture.final_url, "response", payload=io.BytesIO(bytes(capture.body)),
                                         length=len(capture.body), http_headers=http_response,
                                         warc_headers_dict={"WARC-Date": date})
    ids["response"] = response.rec_headers.get_header("WARC-Record-ID")

    req_headers = [(str(n), str(v)) for n, v in capture.request_headers]
    if not any(n.lower() == "host" for n, _ in req_headers):
        req_headers.insert(0, ("Host", urlsplit(capture.final_url).netloc))
    http_request = StatusAndHeaders(f"{capture.request_method} {_request_target(capture.final_url)} HTTP/1.1",
                                    req_headers, is_http_request=True)
    request = writer.create(capture.final_url, "request", http_headers=http_request,
                            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": ids["response"]})
    writer.write(response)
    writer.write(request)
    ids["request"] = request.rec_headers.get_header("WARC-Record-ID")

    if shot is not None:
        shot_date = warc_date(capture.screenshot_at) if capture.screenshot_at else date
        resource = writer.create(SCREENSHOT_PREFIX + capture.final_url, "resource",
                                             payload=io.BytesIO(shot), length=len(shot),
                                             warc_content_type="image/png",
                                             warc_headers_dict={"WARC-Date": shot_date,
                                                                "WARC-Concurrent-To": ids["response"]})
        writer.write(resource, level=0 if shot.startswith(PNG_MAGIC) else 6)
        ids["screenshot"] = resource.rec_headers.get_header("WARC-Record-ID")

    facts = {"url": capture.url, "final_url": capture.final_url, "redirects": list(capture.redirects),
             "captured_at": capture.captured_at, "screenshot_at": capture.screenshot_at or None,
             "status": int(capture.status), "lead_ids": list(capture.lead_ids),
             "listing_hash": capture.listing_hash, "title": capture.title,
             "sha256": {"html": body_sha, "screenshot": shot_sha}, "software": software}
    if capture.screenshot_of and shot is not None:
        facts["screenshot_of"] = capture.screenshot_of  # "response": the body above, rendered; "load": a fresh load
    meta = orjson.dumps(facts, option=orjson.OPT_SORT_KEYS)
    metadata = writer.create(capture.final_url, "metadata", payload=io.BytesIO(meta),
                                         length=len(meta), warc_content_type="application/json",
                                         warc_headers_dict={"WARC-Date": date,
                                                            "WARC-Refers-To": ids["response"]})
    writer.write(metadata)
    ids["metadata"] = metadata.rec_headers.get_header("WARC-Record-ID")

    data = b"".join(writer.members)
    return BuiltWarc(data, sha256_hex(data), body_sha, shot_sha, ids)


@dataclass
class WarcRecord:
    """One record as read back, with the digests computed from its bytes."""

    number: int
    """1-based position in the file (how problems name it)."""
    type: str
    target_uri: str
    record_id: str
    date: str
    content_type: str
    block_sha256: str
    payload_sha256: str
    declared_block: str
    declared_payload: str
    offset: int
    length: int
    http_status: int | None = None
    http_mime: str = ""
    payload: bytes = b""

    def is_screenshot(self) -> bool:
        return self.type == "resource" and self.target_uri.startswith(SCREENSHOT_PREFIX)


@dataclass
class WarcReading:
    records: list[WarcRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Each names the record: ``record 3 (resource urn:screenshot:…): payload digest …``."""

    def first(self, record_type: str) -> WarcRecord | None:
        return next((r for r in self.records if r.type == record_type), None)

    def screenshot(self) -> WarcRecord | None:
        return next((r for r in self.records if r.is_screenshot()), None)


def _parse_http_head(head: bytes) -> tuple[int | None, str]:
    lines = head.split(b"\r\n")
    status: int | None = None
    parts = lines[0].split(b" ", 2) if lines else []
    if len(parts) >= 2 and parts[1].isdigit():
        status = int(parts[1])
    mime = ""
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-type":
            mime = value.strip().decode("latin-1").split(";")[0].strip()
    return status, mime


def _digest_matches(declared: str, computed_hex: str) -> bool:
    algo, _, value = declared.partition(":")
    if algo.lower() != "sha256":
        return False
    return value.lower() == computed_hex


def read_warc(data: bytes, keep_payloads: bool = False) -> WarcReading:
    """Every record of a (gzipped) WARC file, each digest checked; unreadable bytes are reported,
    never raised."""
    reading = WarcReading()
    try:
        iterator = ArchiveIterator(io.BytesIO(data), no_record_parse=True)
        for number, record in enumerate(iterator, start=1):
            headers = record.rec_headers
            block = record.raw_stream.read()
            content_type = headers.get_header("Content-Type") or ""
            if content_type.startswith("application/http"):
                head, sep, payload = block.partition(b"\r\n\r\n")
                if not sep:
                    head, payload = block, b""
            else:
                head, payload = b"", block
            block_sha = sha256_hex(block)
            info = WarcRecord(
                number=number, type=headers.get_header("WARC-Type") or "",
                target_uri=headers.get_header("WARC-Target-URI") or "",
                record_id=headers.get_header("WARC-Record-ID") or "",
                date=headers.get_header("WARC-Date") or "", content_type=content_type,
                block_sha256=block_sha, payload_sha256=block_sha if payload is block else sha256_hex(payload),
                declared_block=headers.get_header("WARC-Block-Digest") or "",
                declared_payload=headers.get_header("WARC-Payload-Digest") or "",
                offset=iterator.get_record_offset(), length=iterator.get_record_length())
            if info.type == "response" and head:
                info.http_status, info.http_mime = _parse_http_head(head)
            if keep_payloads:
                info.payload = payload
            declared_length = headers.get_header("Content-Length")
            where = f"record {number} ({info.type} {info.target_uri})".replace(" )", ")")
            if declared_length is not None and declared_length.isdigit() and int(declared_length) != len(block):
                reading.problems.append(f"{where}: Content-Length {declared_length} but {len(block)} bytes")
            if not info.declared_block:
                reading.problems.append(f"{where}: no WARC-Block-Digest")
            elif not _digest_matches(info.declared_block, info.block_sha256):
                reading.problems.append(f"{where}: block digest mismatch (record says "
                                        f"{info.declared_block}, bytes hash to sha256:{info.block_sha256})")
            if not info.declared_payload:
                reading.problems.append(f"{where}: no WARC-Payload-Digest")
            elif not _digest_matches(info.declared_payload, info.payload_sha256):
                reading.problems.append(f"{where}: payload digest mismatch (record says "
                                        f"{info.declared_payload}, payload hashes to sha256:{info.payload_sha256})")
            reading.records.append(info)
    except Exception as exc:  # zlib, warcio and header errors: all mean "not a readable WARC"
        reading.problems.append(f"cannot be read as WARC after {len(reading.records)} records "
                                f"({type(exc).__name__}: {exc})")
    if not reading.records and not reading.problems:
        reading.problems.append("holds no WARC record")
    return reading
