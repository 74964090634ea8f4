"""Run one ``schemaorg`` crawl with match, evidence and store on, in this process, and print its
stats as JSON on the last line of stdout (tests run it as a subprocess: a Twisted reactor cannot
be restarted, and a test may SIGKILL the crawl's browser).

    python tests/crawl_with_pipelines.py DATA_DIR START_URL OUTPUT [NAME=VALUE ...]

``NAME=VALUE`` are Configuration fields (``store_url=…``, ``evidence_enabled=false``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from crawler.runner import CrawlJob, crawl_all
from markwatch.config import load_config


def main(argv: list[str]) -> int:
    data_dir, start_url, output, *pairs = argv
    overrides = dict(pair.split("=", 1) for pair in pairs)
    config = load_config(data_dir=data_dir, match_enabled=True, evidence_enabled=True, store_enabled=True,
                         **overrides)
    config = dataclasses.replace(config, data_dir=Path(data_dir))
    [result] = crawl_all([CrawlJob(spider="schemaorg", start_urls=[start_url], output=Path(output))], config,
                         output_dir=data_dir, settings={"STATS_DUMP": False, "LOG_LEVEL": "INFO"})
    stats = {k: v for k, v in result.stats.items() if isinstance(v, (int, float, str))}
    print(json.dumps({"ok": result.ok, "problem": result.problem, "stats": stats}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
