"""Requests as bytes for the queue: scrapy-redis's encoding (pickled ``Request.to_dict``).

Why its encoding: an entry in Redis is then what scrapy-redis's own tools expect. Callbacks are
stored by name (``Request.to_dict(spider=…)``), so any worker running the same spider can decode an
entry another one pushed. Meta values that cannot be pickled (a browser page a retried rendered
request still carries) are left out: they belong to the process that made them.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat

logger = logging.getLogger(__name__)


def encode_request(request: Request, spider: Spider) -> bytes:
    data = request.to_dict(spider=spider)
    try:
        return picklecompat.dumps(data)
    except Exception:  # noqa: BLE001 - whatever pickle raises for an object it cannot take
        meta = dict(data.get("meta") or {})
        kept: dict[str, Any] = {}
        for key, value in meta.items():
            try:
                picklecompat.dumps(value)
            except Exception:  # noqa: BLE001 - whatever pickle raises for an object it cannot take
                logger.debug("queue: meta %r of %s is not kept in the queue (cannot be pickled)", key, request)
                continue
            kept[key] = value
        data["meta"] = kept
        return picklecompat.dumps(data)


def decode_request(payload: bytes, spider: Spider) -> Request:
    return request_from_dict(picklecompat.loads(payload), spider=spider)
