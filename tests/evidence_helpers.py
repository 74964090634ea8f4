"""Shared helpers of the evidence tests: captures, tampering with gzip members, running appenders
in real processes."""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from pathlib import Path

from index.evidence.capture import Capture, utc_iso
from index.store import lead_id, listing_hash

REPO = Path(__file__).resolve().parent.parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def listing(i: int) -> dict:
    return {"url": f"http://shop.test/item/{i}", "title": f"耐克 Air {i}", "price": 89.0 + i,
            "seller_name": f"seller {i % 3}", "platform": "shop"}


def capture(i: int, right_id: str = "tm-nike", screenshot: bool = True) -> Capture:
    item = listing(i)
    body = f"<html><head><title>耐克 Air {i}</title></head><body>item {i}</body></html>".encode("utf-8")
    return Capture(url=item["url"], final_url=item["url"] + "?from=redirect" if i % 4 == 3 else item["url"],
                   captured_at=utc_iso(),
                   request_headers=[("User-Agent", "markwatch-test"), ("Accept", "text/html")],
                   status=200, response_headers=[("Content-Type", "text/html; charset=utf-8"),
                                                 ("Content-Length", str(len(body)))],
                   body=body, screenshot_png=(PNG_MAGIC + hashlib.sha256(b"%d" % i).digest() * 20) if screenshot else None,
                   lead_ids=(lead_id(item["url"], right_id),), listing_hash=listing_hash(item),
                   redirects=(item["url"],) if i % 4 == 3 else (), title=item["title"])


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed members of a multi-member gzip file (one per WARC record)."""
    members = []
    while data:
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        members.append(d.decompress(data))
        data = d.unused_data
    return members


def regzip(members: list[bytes]) -> bytes:
    return b"".join(gzip.compress(m) for m in members)


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def run_appender_code(data_dir: Path, n: int, start: int, checkpoint_every: int, forever: bool = False) -> str:
    loop = "itertools.count(start)" if forever else "range(start, start + n)"
    return f"""
import itertools, sys
sys.path.insert(0, {str(REPO)!r}); sys.path.insert(0, {str(REPO / 'tests')!r})
from evidence_helpers import capture
from index.evidence.log import EvidenceLog
start, n = {start}, {n}
log = EvidenceLog({str(data_dir)!r}, checkpoint_every={checkpoint_every})
for i in {loop}:
    log.append(capture(i))
    print(i, flush=True)
log.close()
"""


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env
