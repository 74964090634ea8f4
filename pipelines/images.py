"""Image-hash pipeline: the perceptual hash of the first photo of every listing that got leads.

Why: sellers of one network reuse the same product photos (one shoot, many shops), and a photo is
the hardest thing for them to change; the store keeps a pHash with the listing (extra §2 field
``image_phash``, 16 hex digits, set on the item before the store pipeline sees it) so seller
networks can link shops showing the same picture, even resized or re-encoded (index/networks.py).
It is derived, not read from the page, so it is left out of the listing's content hash
(:func:`index.store.listing_hash`): a re-crawl of the same page stays "unchanged". Only listings with new or changed leads are fetched:
ordinary listings are most of a crawl and nobody needs their photos.

How: Scrapy's media machinery. :class:`scrapy.pipelines.images.ImagesPipeline` is made for fetching
a listing's images, but it exists to *save* files (it needs ``IMAGES_STORE`` and writes thumbnails);
we need 64 bits per photo and no file. So this subclasses its base, :class:`MediaPipeline`, which
gives the same download path: requests go through the engine (``engine.download_async``) and so
through the downloader middlewares (robots.txt, retries, throttling, User-Agent), one download per
URL per crawl however many items name it, and the item waits until its photo is done. A photo that
fails (an HTTP error, not an image, too big) is counted and the leads go on without a hash.

Order: after match (which finds the leads) and before store (which writes ``image_phash`` with
the listing), ITEM_PIPELINES 450. On when the store is (``STORE_ENABLED``) and ``IMAGE_HASH_ENABLED``
(config ``image_hash_enabled``, default on). Stats: ``markwatch/image_hash/hashed``,
``markwatch/image_hash/failed``.

Note that photo downloads are responses like pages: Scrapy's ``response_received_count`` (and a
``--max-pages`` budget) counts them too.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.pipelines.media import MediaPipeline

from pipelines.notes import ListingNotes, notes_for

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
"""A product photo bigger than this is not read (hostile input; real ones are far smaller)."""
MAX_IMAGE_PIXELS = 40_000_000
"""Pillow refuses images with more pixels (decompression bombs)."""


class ImageHashError(ValueError):
    """A photo could not be hashed; the message says why."""


def phash_of(body: bytes) -> str:
    """The 64-bit perceptual hash (imagehash.phash) of an encoded image, as 16 hex digits."""
    import imagehash
    from PIL import Image, UnidentifiedImageError

    if len(body) > MAX_IMAGE_BYTES:
        raise ImageHashError(f"image of {len(body)} bytes is over {MAX_IMAGE_BYTES}")
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(body)) as img:
            img.draft("L", (256, 256))  # JPEG: decode at a fraction of the size, enough for a 32x32 DCT
            return str(imagehash.phash(img.convert("L")))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ImageHashError(f"not a readable image: {exc}") from exc


class ImageHashPipeline(MediaPipeline):
    """Fetches the first photo of each listing with leads and puts its pHash on the listing."""

    LOG_FAILED_RESULTS = False  # failures are counted and logged once, below

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self.notes: ListingNotes = notes_for(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ImageHashPipeline":
        settings = crawler.settings
        if not settings.getbool("STORE_ENABLED", False):
            raise NotConfigured("image hashes are kept in the store, which is off (STORE_ENABLED)")
        if not settings.getbool("IMAGE_HASH_ENABLED", True):
            raise NotConfigured("image hashing is off (IMAGE_HASH_ENABLED; config image_hash_enabled)")
        return cls(crawler)

    # -- MediaPipeline's interface ----------------------------------------------------------------
    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        note = self.notes.peek(item)
        if note is None or note.unchanged or not note.leads:
            return []
        urls = ItemAdapter(item).get("image_urls") or []
        first = next((u for u in urls if isinstance(u, str) and u.startswith(("http://", "https://"))), None)
        return [Request(first, meta={"markwatch_image": True})] if first else []

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> None:
        return None  # nothing is kept between crawls: always download

    def media_downloaded(self, response: Response, request: Request, info: Any, *, item: Any = None) -> dict:
        if response.status != 200:
            raise ImageHashError(f"HTTP {response.status}")
        return {"url": request.url, "phash": phash_of(response.body)}

    def media_failed(self, failure: Any, request: Request, info: Any) -> Any:
        failure.raiseException()

    def item_completed(self, results: list[tuple[bool, Any]], item: Any, info: Any) -> Any:
        stats = self.crawler.stats
        for ok, value in results:
            if ok:
                ItemAdapter(item)["image_phash"] = value["phash"]
                stats.inc_value("markwatch/image_hash/hashed")
            elif not ok:
                stats.inc_value("markwatch/image_hash/failed")
                logger.warning("image hash: the photo of %s could not be hashed (%s); the listing is stored "
                               "without one", ItemAdapter(item).get("url"), getattr(value, "value", value))
        return item

    def file_path(self, request: Request, response: Response | None = None, info: Any = None, *,
                  item: Any = None) -> str:
        return ""  # nothing is written
