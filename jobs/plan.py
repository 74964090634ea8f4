"""One run's crawl plan per platform: which ``markwatch crawl`` processes to start, with what.

Why separate from running it: the plan is where the schedule, the re-check selection and the
campaigns meet, and it can be shown (``markwatch schedule --once --dry-run``) and tested without
crawling. Per platform a run has up to two crawls:

- the *browse* crawl: the platform's own pages (new listings, found first) plus the due re-checks
  (``--recheck FILE``, most urgent first, after the new listings);
- the *search* crawl when campaigns are running (their keywords, ``--keyword``) or the platform asks
  for keyword discovery every run (``discover = true``: every right of the register, ``--discover``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from index.campaigns import Campaign
from jobs.platforms import Target
from jobs.selection import Recheck


@dataclass
class CrawlPlan:
    platform: str
    kind: str
    """``browse`` | ``search``."""
    spider: str
    base_url: str
    max_pages: int | None = None
    rechecks: list[Recheck] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    discover: bool = False
    settings: dict[str, str] = field(default_factory=dict)
    campaigns: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.platform}-{self.kind}"

    def command(self, work_dir: Path) -> list[str]:
        """The ``markwatch crawl`` command line (files under ``work_dir``)."""
        cmd = [sys.executable, "-m", "markwatch.cli", "crawl", self.spider, "--platform", self.platform,
               "--base-url", self.base_url, "--output", str(work_dir / f"{self.label}.jsonl"),
               "--stats-json", str(work_dir / f"{self.label}.stats.json")]
        if self.max_pages:
            cmd += ["--max-pages", str(self.max_pages)]
        if self.rechecks:
            cmd += ["--recheck", str(self.recheck_file(work_dir))]
        if self.discover:
            cmd.append("--discover")
        for word in self.keywords:
            cmd += ["--keyword", word]
        for name, value in self.settings.items():
            cmd += ["-s", f"{name}={value}"]
        return cmd

    def recheck_file(self, work_dir: Path) -> Path:
        return work_dir / f"{self.label}.recheck.jsonl"

    def write_files(self, work_dir: Path) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        if self.rechecks:
            with self.recheck_file(work_dir).open("w", encoding="utf-8") as out:
                for row in self.rechecks:
                    out.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")

    def describe(self) -> str:
        parts = [f"{self.label}: {self.spider} {self.base_url}"]
        if self.rechecks:
            tiers: dict[str, int] = {}
            for row in self.rechecks:
                tiers[row.status] = tiers.get(row.status, 0) + 1
            parts.append(f"re-check {len(self.rechecks)} ({', '.join(f'{k} {v}' for k, v in tiers.items())})")
        if self.keywords:
            parts.append(f"keywords {', '.join(self.keywords[:6])}" + (" …" if len(self.keywords) > 6 else ""))
        if self.discover:
            parts.append("the register's words")
        if self.max_pages:
            parts.append(f"≤ {self.max_pages} pages")
        return "; ".join(parts)


def build_plans(targets: list[Target], rechecks: dict[str, list[Recheck]], campaigns: list[Campaign],
                search_keywords: bool = True) -> list[CrawlPlan]:
    """The crawls of one run (targets outside their window are the caller's to leave out)."""
    keywords: list[str] = []
    for campaign in campaigns:
        for word in campaign.keywords:
            if word not in keywords:
                keywords.append(word)
    names = [c.name for c in campaigns]
    plans = []
    for target in targets:
        settings = target.scrapy_settings()
        plans.append(CrawlPlan(target.name, "browse", target.spider, target.base_url, target.max_pages,
                               list(rechecks.get(target.name, [])), settings=dict(settings), campaigns=names))
        if search_keywords and (keywords or target.discover):
            plans.append(CrawlPlan(target.name, "search", target.spider, target.base_url, target.max_pages,
                                   keywords=list(keywords), discover=target.discover, settings=dict(settings),
                                   campaigns=names))
    return plans
