"""Product photos of the demo marketplace: real, varied images drawn with Pillow, one per image URL.

Why: seller networks are found partly by the same product photo on several shops (markwatch keeps a
perceptual hash of each lead's first image), so the demo must serve images that differ the way
photos do, and plant copies the way real sellers reuse them: the same shoot, resized and
re-encoded as JPEG by another shop. Each image is drawn from its own key (gradient background,
a few shapes, a caption) with a random stream seeded by the key's SHA-256, so the same URL is the
same picture on every run and machine. 3,000 such images are at least 10 bits apart in pHash; a
resized JPEG copy is within 2 bits of its source.

URLs: ``/static/img/{listing_id}-{k}.png`` is the k-th photo of a listing (k from 1); a planted copy
is ``/static/img/{listing_id}-{k}.jpg``, registered in :attr:`ImageBook.copies` with the photo it
copies. Images are drawn on request (a few ms) and the last few hundred kept.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

BASE_SIZE = 256
_NAME = re.compile(r"(?P<lid>[A-Za-z0-9]+)-(?P<k>[1-9]\d{0,2})\.(?P<ext>png|jpg)")


@dataclass(frozen=True)
class ImageCopy:
    """A planted copy: the photo ``source`` (a key "lid-k"), resized to ``size`` and saved as JPEG."""

    source: str
    size: int = 200
    quality: int = 72


@dataclass
class ImageBook:
    """Which image names exist: every listing's own photos, and the planted copies."""

    photos: dict[str, int] = field(default_factory=dict)
    """listing id → how many photos it has (``-1`` … ``-n``)."""
    copies: dict[str, ImageCopy] = field(default_factory=dict)
    """file name ("sf000012-1.jpg") → the photo it copies."""

    def exists(self, name: str) -> bool:
        if name in self.copies:
            return True
        m = _NAME.fullmatch(name)
        return bool(m and m["ext"] == "png" and int(m["k"]) <= self.photos.get(m["lid"], 0))


def draw(key: str, size: int = BASE_SIZE) -> Image.Image:
    """The photo with this key: deterministic, different keys give clearly different pictures."""
    rng = random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))
    c1 = tuple(rng.randrange(256) for _ in range(3))
    c2 = tuple(rng.randrange(256) for _ in range(3))
    img = Image.new("RGB", (BASE_SIZE, BASE_SIZE), c1)
    pen = ImageDraw.Draw(img)
    horizontal = rng.random() < 0.5
    for i in range(0, BASE_SIZE, 8):
        t = i / BASE_SIZE
        colour = tuple(int(a * (1 - t) + b * t) for a, b in zip(c1, c2))
        pen.rectangle([0, i, BASE_SIZE, i + 8] if horizontal else [i, 0, i + 8, BASE_SIZE], fill=colour)
    for _ in range(rng.randint(3, 7)):
        x0, y0 = rng.randrange(-40, BASE_SIZE), rng.randrange(-40, BASE_SIZE)
        w, h = rng.randrange(30, 160), rng.randrange(30, 160)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice(["ellipse", "rect", "poly", "line"])
        if shape == "ellipse":
            pen.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        elif shape == "rect":
            pen.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
        elif shape == "poly":
            pen.polygon([(rng.randrange(BASE_SIZE), rng.randrange(BASE_SIZE)) for _ in range(rng.randint(3, 6))],
                        fill=colour)
        else:
            pen.line([(rng.randrange(BASE_SIZE), rng.randrange(BASE_SIZE)) for _ in range(3)], fill=colour,
                     width=rng.randint(6, 20))
    pen.text((10, BASE_SIZE - 24), key[:16], fill=(255, 255, 255))
    return img if size == BASE_SIZE else img.resize((size, size), Image.LANCZOS)


def encode(img: Image.Image, fmt: str, quality: int = 85) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=quality)
    else:
        img.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


@lru_cache(maxsize=512)
def image_bytes(name: str, copy: ImageCopy | None) -> tuple[bytes, str]:
    """The bytes and media type served for ``name`` (a photo, or the copy ``copy`` describes)."""
    if copy is not None:
        return encode(draw(copy.source, copy.size), "JPEG", copy.quality), "image/jpeg"
    return encode(draw(name.rsplit(".", 1)[0]), "PNG"), "image/png"


def image_handler(book: ImageBook):
    """The ``/static/img/{name}`` endpoint of a platform over ``book``."""

    async def image(request: Request) -> Response:
        name = request.path_params["name"]
        if not book.exists(name):
            return PlainTextResponse(f"no image {name!r}", status_code=404)
        body, media_type = image_bytes(name, book.copies.get(name))
        return Response(body, media_type=media_type, headers={"Cache-Control": "max-age=3600"})

    return image
