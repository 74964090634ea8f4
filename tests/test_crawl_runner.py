"""crawler.runner.crawl_all: several spiders in ONE CrawlerProcess (what ``markwatch demo`` uses),
each with its own feed and figures. Run in a subprocess: a Twisted reactor starts once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import json, sys
from crawler.runner import CrawlJob, crawl_all
from markwatch.config import load_config
urls = json.loads(sys.argv[1])
jobs = [CrawlJob(spider="html", platform="bazaar", base_url=urls["bazaar"], max_pages=40),
        CrawlJob(spider="api", platform="openmall", base_url=urls["openmall"], max_pages=30,
                 output="nested/openmall.jsonl")]
results = crawl_all(jobs, load_config(), output_dir=sys.argv[2], settings={"PROGRESS_INTERVAL": 0.5})
print(json.dumps([{"label": r.job.label, "output": str(r.output), "pages": r.pages, "listings": r.listings,
                   "ok": r.ok, "bad": r.bad_pages, "elapsed": r.elapsed} for r in results]))
"""


def test_crawl_all_runs_spiders_side_by_side(marketplace, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(marketplace.urls), str(tmp_path)],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    html, api = json.loads(proc.stdout.strip().splitlines()[-1])
    assert html["label"] == "html-bazaar" and api["label"] == "api-openmall"
    assert Path(html["output"]) == tmp_path / "html-bazaar.jsonl"
    assert Path(api["output"]) == tmp_path / "nested" / "openmall.jsonl"
    for result, platform in ((html, "bazaar"), (api, "openmall")):
        assert result["ok"] and result["elapsed"] > 0
        lines = Path(result["output"]).read_text(encoding="utf-8").splitlines()
        assert len(lines) == result["listings"] > 0
        assert {json.loads(line)["platform"] for line in lines} == {platform}
    assert html["pages"] <= 40 + 1 and api["pages"] <= 30 + 1  # each job's own page budget (+ robots.txt)
    # Progress lines name each spider.
    assert "[html/bazaar]" in proc.stderr and "[api/openmall]" in proc.stderr


MARKWATCH = [sys.executable, "-m", "markwatch.cli"]
BROKEN_BROWSER = {"MARKWATCH_BROWSER": "/nonexistent/chromium"}


def test_a_crawl_without_a_browser_ignores_a_broken_browser_setting(marketplace, tmp_path: Path) -> None:
    """The browser is checked only by the spider that starts one: ``crawl html`` runs as usual."""
    out = tmp_path / "bazaar.jsonl"
    proc = subprocess.run(MARKWATCH + ["crawl", "html", "--platform", "bazaar", "--base-url", marketplace.urls["bazaar"],
                                       "-s", "CLOSESPIDER_ITEMCOUNT=3", "--output", str(out)],
                          env={**os.environ, **BROKEN_BROWSER}, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 3


def test_the_rendered_spider_names_a_broken_browser_setting(marketplace, tmp_path: Path) -> None:
    out = tmp_path / "storefront.jsonl"
    proc = subprocess.run(MARKWATCH + ["crawl", "rendered", "--platform", "storefront",
                                       "--base-url", marketplace.urls["storefront"], "--output", str(out)],
                          env={**os.environ, **BROKEN_BROWSER}, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "markwatch crawl: error:" in proc.stderr and "MARKWATCH_BROWSER" in proc.stderr
    assert "/nonexistent/chromium" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or not out.read_text(encoding="utf-8")


# ---------------------------------------------------------------- finish reasons
def _scrapy_finish_reasons() -> set[str]:
    """Every reason Scrapy closes a spider with, read from Scrapy's own source: the CloseSpider
    extension's ``closespider_*`` reasons, and the engine's, scraper's, CloseSpider exception's and
    memory-usage extension's ``reason`` values (keyword arguments, parameter defaults, fallbacks)."""
    import ast
    import importlib.util

    def source(module: str) -> ast.Module:
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, module
        return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))

    def text(node: ast.AST | None) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return text(node.body) + text(node.orelse)
        if isinstance(node, ast.BoolOp):  # exc.reason or "cancelled"
            return [v for value in node.values for v in text(value)]
        return []

    reasons = {node.value for node in ast.walk(source("scrapy.extensions.closespider"))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and node.value.startswith("closespider_")}
    for module in ("scrapy.core.engine", "scrapy.core.scraper", "scrapy.exceptions", "scrapy.extensions.memusage"):
        for node in ast.walk(source(module)):
            if isinstance(node, ast.keyword) and node.arg == "reason":
                reasons.update(text(node.value))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults + node.args.kw_defaults
                reasons.update(v for arg, default in zip(args, defaults) if arg.arg == "reason" for v in text(default))
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "default_reason"
                                                      for t in node.targets):
                reasons.update(text(node.value))
    return reasons


def test_every_scrapy_finish_reason_has_a_meaning() -> None:
    """Each reason Scrapy can finish with is known as done, failed or interrupted, and every reason we
    name is one Scrapy really uses (a renamed reason fails here, not in production)."""
    from crawler.runner import DONE_REASONS, FAILED_REASONS, INTERRUPTED_REASON

    ours = {*DONE_REASONS, *FAILED_REASONS, INTERRUPTED_REASON}
    assert len(ours) == len(DONE_REASONS) + len(FAILED_REASONS) + 1  # no reason in two classes
    scrapy = _scrapy_finish_reasons()
    assert {"finished", "shutdown", "closespider_timeout", "closespider_timeout_no_item"} <= scrapy  # the scan works
    assert scrapy - ours == set(), "Scrapy finishes with reasons crawler/runner.py does not classify"
    assert ours - scrapy == set(), "crawler/runner.py names reasons Scrapy does not use"


FAILING_MIDDLEWARE = '''
class FailEveryResponse:
    """Stands in for a bug in a spider callback: every response raises (a spider error)."""

    def process_spider_output(self, response, result):
        raise ValueError("a bug in the spider, on purpose")

    async def process_spider_output_async(self, response, result):
        raise ValueError("a bug in the spider, on purpose")
        yield
'''

REASONS_SCRIPT = """
import json, sys
from crawler.runner import CrawlJob, crawl_all
from markwatch.config import load_config
url = sys.argv[1]
slow = {"DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": False}
cases = {
    "finished": ({"max_pages": 3}, {}),
    "closespider_pagecount": ({}, {"CLOSESPIDER_PAGECOUNT": 3}),
    "closespider_itemcount": ({}, {"CLOSESPIDER_ITEMCOUNT": 2}),
    "closespider_timeout": ({}, {"CLOSESPIDER_TIMEOUT": 2, **slow}),
    "closespider_errorcount": ({}, {"CLOSESPIDER_ERRORCOUNT": 1,
                                    "SPIDER_MIDDLEWARES": {"failing_middleware.FailEveryResponse": 10}}),
    "closespider_pagecount_no_item": ({}, {"CLOSESPIDER_PAGECOUNT_NO_ITEM": 2}),
    "closespider_timeout_no_item": ({}, {"CLOSESPIDER_TIMEOUT_NO_ITEM": 1, **slow, "DOWNLOAD_DELAY": 3.0}),
}
jobs = [CrawlJob(spider="html", platform="bazaar", base_url=url, output=f"{name}.jsonl", settings=settings, **job)
        for name, (job, settings) in cases.items()]
results = crawl_all(jobs, load_config(), output_dir=sys.argv[2], settings={"PROGRESS_INTERVAL": 0})
print(json.dumps({name: {"reason": r.finish_reason, "ok": r.ok, "problem": r.problem}
                  for name, r in zip(cases, results)}))
"""


def test_each_finish_reason_of_a_real_crawl(marketplace, tmp_path: Path) -> None:
    """Real crawls of the demo bazaar, each stopped a different way: a limit we set reached is
    success; too many errors and a stalled crawl are failures (the routine alerts on them)."""
    (tmp_path / "failing_middleware.py").write_text(FAILING_MIDDLEWARE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", REASONS_SCRIPT, marketplace.urls["bazaar"], str(tmp_path)],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, result in results.items():
        assert result["reason"] == name, (name, result)
    succeeded = {name for name, result in results.items() if result["ok"]}
    assert succeeded == {"finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout"}
    assert "too many errors" in results["closespider_errorcount"]["problem"]
    assert "stalled" in results["closespider_pagecount_no_item"]["problem"]
    assert "stalled" in results["closespider_timeout_no_item"]["problem"]


def _queue_has_requests(jobdir: Path) -> bool:
    """The crawl's request queue (crawler/queue/, an SQLite file in --resume DIR) has requests on record."""
    import sqlite3

    from crawler.queue.sqlite_backend import DB_FILE

    if not (jobdir / DB_FILE).is_file():
        return False
    try:
        with sqlite3.connect(f"file:{jobdir / DB_FILE}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM seen").fetchone()[0] > 0
    except sqlite3.Error:  # being created
        return False


def test_an_interrupted_crawl_says_how_to_resume(marketplace, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) stops the crawl gracefully: finish reason ``shutdown``, exit 1, and the way on."""
    import signal

    jobdir = tmp_path / "state"
    proc = subprocess.Popen(MARKWATCH + ["crawl", "html", "--platform", "bazaar", "--base-url", marketplace.urls["bazaar"],
                                         "--resume", str(jobdir), "-s", "DOWNLOAD_DELAY=1", "-s", "AUTOTHROTTLE_ENABLED=False",
                                         "--output", str(tmp_path / "out.jsonl")],
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "[html/bazaar] started" in line:  # the progress log's first line (Scrapy's own go to the log file)
                break
        # "started" is logged when the spider opens, a moment before the engine crawls; a SIGINT in
        # between ends the run before any request (finish reason none). Wait until requests are on record.
        deadline = time.monotonic() + 120
        while not _queue_has_requests(jobdir) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 1, rest[-3000:]
    assert "finish reason: shutdown" in rest
    assert f"interrupted before the end; run again with the same --resume {jobdir} to continue" in rest
