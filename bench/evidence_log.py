"""Evidence log speed: appends per second with realistic screenshots, and verify/export/bundle
verify times, beside a baseline measured in the same run.

Why a script and not a timed test: speed depends on the machine and its load. Goal: ≥ 5 captures/s
(the screenshot pool's pace) with room to spare. The baseline is the floor any durable archive
pays: writing the same bytes (body + screenshot) to one file per capture and fsync'ing it.

    .venv/bin/python bench/evidence_log.py [--captures 200] [--screenshot-kb 400]

Screenshots are random bytes (incompressible, like real PNGs) of the given size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.evidence.capture import Capture, utc_iso  # noqa: E402
from index.evidence.log import EvidenceLog  # noqa: E402
from index.evidence.verify import verify_log  # noqa: E402
from index.evidence.wacz import export_bundle, verify_bundle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--screenshot-kb", type=int, default=400)
    parser.add_argument("--body-kb", type=int, default=60)
    args = parser.parse_args()
    shot = b"\x89PNG\r\n\x1a\n" + os.urandom(args.screenshot_kb * 1024)
    body = os.urandom(args.body_kb * 1024)

    with tempfile.TemporaryDirectory(prefix="mw-bench-evidence-") as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        started = time.perf_counter()
        for i in range(args.captures):
            with (base / f"{i}.bin").open("wb") as fh:
                fh.write(body + shot)
                fh.flush()
                os.fsync(fh.fileno())
        baseline = args.captures / (time.perf_counter() - started)

        data = Path(tmp) / "data"
        log = EvidenceLog(data, checkpoint_every=100)
        started = time.perf_counter()
        for i in range(args.captures):
            log.append(Capture(url=f"http://shop.test/item/{i}", final_url=f"http://shop.test/item/{i}",
                               captured_at=utc_iso(), body=body, screenshot_png=shot,
                               response_headers=[("Content-Type", "text/html")], lead_ids=(f"lead-{i}",)))
        appends = args.captures / (time.perf_counter() - started)

        started = time.perf_counter()
        leads = [{"id": f"lead-{i}", "url": f"http://shop.test/item/{i}"} for i in range(0, args.captures, 10)]
        export_bundle(log, leads, Path(tmp) / "b.wacz")
        exported = time.perf_counter() - started
        log.close()

        started = time.perf_counter()
        report = verify_log(data)
        verified = time.perf_counter() - started
        assert report.ok, report.problems
        started = time.perf_counter()
        bundle = verify_bundle(Path(tmp) / "b.wacz")
        bundle_verified = time.perf_counter() - started
        assert bundle.problems == [f"lead lead-{i}: id is not the id of its url and right_id (the lead was changed)"
                                   for i in range(0, args.captures, 10)] or bundle.ok

    size_mb = (len(body) + len(shot)) / 1e6
    print(f"captures: {args.captures} × {size_mb:.2f} MB (body {args.body_kb} KB + screenshot {args.screenshot_kb} KB)")
    print(f"append: {appends:.1f} captures/s   baseline (write+fsync same bytes): {baseline:.1f}/s   "
          f"ratio {appends / baseline:.2f}   goal ≥ 5/s")
    print(f"verify_log: {verified:.2f} s ({args.captures / verified:.0f} entries/s, every WARC re-hashed)")
    print(f"export {len(leads)} leads: {exported:.2f} s   verify_bundle: {bundle_verified:.2f} s")


if __name__ == "__main__":
    main()
