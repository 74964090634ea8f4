"""Screenshots of the response already fetched (pipelines/archived_page.py, pipelines/screenshots.py).

What must hold: a static page's screenshot, taken by writing the archived HTML into a tab, is the
picture a fresh load of its URL gives (pixel for pixel), its images (relative URLs included) are
loaded, the page itself is not fetched a second time; anything that runs or navigates, is not
HTML, or must wait for a rendered platform's element is loaded at its URL instead.
"""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path
from typing import Iterator

import pytest

from pipelines.archived_page import archived_html, is_static, with_base

from loopback_site import QuietHandler, serving

PAGE = ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>耐克 Air Force 1 高仿</title>"
        "<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"耐克\"}</script></head>"
        "<body style='margin:0;background:#fff'><h1>耐克 Air Force 1 空军一号</h1>"
        "<img src='img/red.png' width='100' height='100' style='display:block'><p>￥89 包邮</p></body></html>")


SCRIPTED = ("<!doctype html><html><head><meta charset='utf-8'><title>渲染</title></head><body style='margin:0'>"
            "<div id='product'></div><script>setTimeout(function () { var img = new Image(100, 100);"
            " img.style.display = 'block'; img.src = '/img/slow.png'; var box = document.getElementById('product');"
            " box.appendChild(img); box.setAttribute('data-ready', 'true'); }, 50);</script></body></html>")
"""A rendered platform's page: its script adds the image and says ready before the image has loaded."""


def facts(body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200,
          url: str = "http://shop.test/item/1") -> dict:
    return {"status": status, "response_headers": [["Content-Type", content_type]], "body": body, "final_url": url}


# -- which responses are shown as archived ----------------------------------------------------------

@pytest.mark.parametrize("markup", [
    "<script>document.body.textContent = 'other'</script>",
    "<SCRIPT type='text/javascript' src='/app.js'></SCRIPT>",
    "<script type=module>import './x.js'</script>",
    "<svg><script>alert(1)</script></svg>",
    "<img src=x onerror=alert(1)>",
    "<body onload=\"go()\">",
    "<meta http-equiv='refresh' content='0; url=/elsewhere'>",
    "<iframe src='/frame'></iframe>",
    "<object data='/x.swf'></object>",
    "<base href='/other/'>",
])
def test_a_page_that_runs_navigates_or_has_its_own_base_is_loaded_at_its_url(markup: str) -> None:
    body = PAGE.replace("</body>", markup + "</body>").encode("utf-8")
    assert not is_static(body)
    assert archived_html(facts(body), None) is None


def test_json_data_islands_and_escaped_hostile_text_keep_a_page_static() -> None:
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; onload=x"
    body = PAGE.replace("<p>￥89", f"<p>{hostile} ￥89").encode("utf-8")
    assert is_static(body)
    assert archived_html(facts(body), None) is not None


@pytest.mark.parametrize("case", ["json", "status", "ready", "no facts", "empty"])
def test_what_is_not_a_fetched_html_page_is_loaded_at_its_url(case: str) -> None:
    body = PAGE.encode("utf-8")
    given = {"json": (facts(b'{"title": "x"}', "application/json"), None),
             "status": (facts(body, status=404), None),
             "ready": (facts(body), "#product[data-ready=true]"),  # a rendered platform's page
             "no facts": (None, None),
             "empty": (facts(b""), None)}[case]
    assert archived_html(*given) is None


def test_the_base_comes_first_after_the_doctype_and_the_body_is_read_in_its_charset() -> None:
    gbk = PAGE.replace("charset='utf-8'", "charset='gbk'").encode("gbk")
    shown = archived_html(facts(gbk, "text/html; charset=gbk", url="http://shop.test/item/1?a=1&b=\"2\""), None)
    assert shown is not None and "耐克 Air Force 1 空军一号" in shown
    assert shown.startswith("<!doctype html><base href=\"http://shop.test/item/1?a=1&amp;b=&quot;2&quot;\"><html")
    assert with_base("<p>no doctype</p>", "http://x/").startswith('<base href="http://x/"><p>')
    assert with_base("\ufeff <!-- c --> <!DOCTYPE html><p>", "http://x/") == \
        '\ufeff <!-- c --> <!DOCTYPE html><base href="http://x/"><p>'


# -- the same picture in a real Chromium ------------------------------------------------------------

def red_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (100, 100), (255, 0, 0)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture()
def shop() -> Iterator[tuple[str, dict[str, int]]]:
    hits: dict[str, int] = {}
    image = red_png()

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            hits[self.path] = hits.get(self.path, 0) + 1
            if self.path.endswith("slow.png"):  # a rendered page's image, still on its way when the page says ready
                time.sleep(1.0)
            page = SCRIPTED if self.path.startswith("/app/") else PAGE
            body, kind = (image, "image/png") if self.path.endswith(".png") else (page.encode(), "text/html; charset=utf-8")
            self.answer(200, kind, body)

    with serving(Handler) as base:
        yield base, hits


@pytest.mark.browser
def test_the_archived_page_is_shot_as_a_load_shows_it_images_included_without_a_second_fetch(
        shop: tuple[str, dict[str, int]], tmp_path: Path) -> None:
    pytest.importorskip("playwright.async_api")
    from PIL import Image, ImageChops

    from pipelines.screenshots import ScreenshotPool

    base, hits = shop
    url = f"{base}/shop/item/1"  # the image is relative: /shop/item/img/red.png

    async def shots() -> tuple:
        pool = ScreenshotPool(tabs=2, timeout=30)
        await pool.start()
        try:
            shown = archived_html(facts(PAGE.encode(), url=url), None)
            assert shown is not None
            written = await pool.shoot(url, html=shown)
            after_written = dict(hits)
            loaded = await pool.shoot(url)
            again = await pool.shoot(url, html=shown)  # the slot's written tab, after its loaded one was used
            rendered = await pool.shoot(f"{base}/app/p/1", ready_selector="#product[data-ready=true]")
            return written, after_written, loaded, again, rendered
        finally:
            await pool.close()

    written, after_written, loaded, again, rendered = asyncio.run(shots())
    assert after_written == {"/shop/item/img/red.png": 1}  # the image was fetched, the page was not
    assert hits["/shop/item/1"] == 1  # only the load fetched it
    assert (written.source, loaded.source) == ("response", "load")
    assert written.final_url == url and written.title == "耐克 Air Force 1 高仿"
    pictures = [Image.open(io.BytesIO(s.png)).convert("RGB") for s in (written, loaded, again)]
    assert pictures[0].size == pictures[1].size == (1280, 720)  # the page fits the viewport
    assert ImageChops.difference(pictures[0], pictures[1]).getbbox() is None  # pixel for pixel
    assert ImageChops.difference(pictures[0], pictures[2]).getbbox() is None
    # the image is in the picture: a red square under the heading
    reds = [pictures[0].getpixel((x, y)) for x in range(0, 100, 10) for y in range(0, 720, 10)]
    assert reds.count((255, 0, 0)) >= 80
    # a rendered page is shot once its "ready" element is there and its images are loaded
    assert rendered.source == "load" and hits["/img/slow.png"] == 1
    assert Image.open(io.BytesIO(rendered.png)).convert("RGB").getpixel((50, 50)) == (255, 0, 0)
