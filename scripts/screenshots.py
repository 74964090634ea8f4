#!/usr/bin/env python3
"""Take the README's screenshots of the workbench, so that they can be redone after a UI change.

Why a script: a screenshot pasted by hand goes stale silently; this one builds the same demo store
(``markwatch demo --no-serve`` crawls the demo marketplace, matches, stores leads with evidence, or
reuses ``--data-dir`` if it already holds a store), serves the workbench on a free loopback port,
logs in as the demo analyst and photographs, in real headless Chromium at 1280×800:

- ``docs/img/search.png``    — ``/leads`` with a Chinese query (``--query``) and the status facet applied
- ``docs/img/dashboard.png`` — ``/dashboard``
- ``docs/img/lead.png``      — one lead with its reasons and evidence

PNGs are palette-quantised and optimised (each well under 300 KB).

Usage: ``.venv/bin/python scripts/screenshots.py [--data-dir DIR] [--listings N] [--out docs/img] [--lang zh|en]``
"""

from __future__ import annotations

import argparse
import dataclasses
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VIEWPORT = {"width": 1280, "height": 800}


def build_store(data_dir: Path, listings: int, seed: int) -> None:
    if (data_dir / "store.sqlite").exists():
        print(f"reusing the store in {data_dir}", file=sys.stderr)
        return
    print(f"markwatch demo --no-serve --listings {listings} → {data_dir} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "markwatch.cli", "demo", "--no-serve", "--listings", str(listings),
                    "--seed", str(seed), "--data-dir", str(data_dir)], check=True, cwd=ROOT)


def save_small_png(raw: bytes, path: Path) -> int:
    """Palette-quantise (256 colours) and optimise; returns the file size."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(raw)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    return path.stat().st_size


def take(data_dir: Path, out: Path, lang: str, query: str) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from markwatch.commands.demo import demo_login
    from markwatch.config import chromium_args, find_browser, load_config
    from web.app import create_app

    config = load_config(data_dir=str(data_dir))
    app = create_app(dataclasses.replace(config, data_dir=data_dir))
    username, password = demo_login(app.state.accounts, data_dir)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        while not server.started:
            if not thread.is_alive():
                raise SystemExit("the workbench did not start")
            time.sleep(0.05)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_browser(), headless=True, args=chromium_args())
            try:
                page = browser.new_page(viewport=VIEWPORT, locale="zh-CN" if lang == "zh" else "en-US",
                                        device_scale_factor=1)
                page.goto(f"{base}/login?lang={lang}")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", password)
                with page.expect_navigation():
                    page.click("button[type=submit]")
                page.goto(f"{base}/leads?q={query}&lang={lang}")
                facet = page.locator("section.facet[data-facet=status] a[data-facet-value]").first
                if facet.count():
                    with page.expect_navigation():
                        facet.click()
                shots = {"search": page.screenshot()}
                lead = page.locator("tr.lead-row td.title a").first
                with page.expect_navigation():
                    lead.click()
                page.wait_for_load_state("networkidle")
                shots["lead"] = page.screenshot()
                page.goto(f"{base}/dashboard?lang={lang}")
                shots["dashboard"] = page.screenshot()
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    out.mkdir(parents=True, exist_ok=True)
    for name, raw in shots.items():
        size = save_small_png(raw, out / f"{name}.png")
        print(f"{out / f'{name}.png'}: {size / 1024:.0f} KB", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None, help="demo data dir to reuse or fill (default: a temporary one)")
    parser.add_argument("--listings", type=int, default=600, help="demo catalogue size when building (default 600)")
    parser.add_argument("--seed", type=int, default=7, help="demo catalogue seed (default 7)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"), help="where the PNGs go (default docs/img)")
    parser.add_argument("--query", default="包邮", help="the search photographed (default 包邮, 'free shipping')")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="interface language (default zh)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="markwatch-shots-") as tmp:
        data_dir = Path(args.data_dir).resolve() if args.data_dir else Path(tmp) / "data"
        build_store(data_dir, args.listings, args.seed)
        take(data_dir, Path(args.out), args.lang, args.query)
    return 0


if __name__ == "__main__":
    sys.exit(main())
