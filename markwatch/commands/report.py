"""``markwatch report --from D --to D --output F.pdf|F.xlsx``: the office's period report
(half-year, annual or any period) from the lead store, as PDF or XLSX.

The same report as the workbench's ``/reports``: the numbers from ``web.report_data``, the pages
from the workbench's templates, the PDF printed by headless Chromium, the XLSX by openpyxl
(``web.report_files``). Dates are inclusive UTC days: ``--from 2026-01-01 --to 2026-06-30`` is the
first half of 2026 ("2026年上半年知识产权行政保护工作情况统计").
"""

from __future__ import annotations

import argparse
import sys

from markwatch.commands._store import opened_store


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write the period report (PDF or XLSX)",
        description="Write the office's period report over the lead store: leads found by right kind, key "
                    "goods and platform, by campaign and peak season; outcomes (confirmed, dismissed, notified, "
                    "removed, rejected, counter-notice, still online); median time from notice to removal; "
                    "typical cases with their evidence hashes. The output's suffix chooses the format: .pdf "
                    "(printed by headless Chromium, Chinese fonts needed: fonts-noto-cjk) or .xlsx.",
        epilog="例: markwatch report --from 2026-01-01 --to 2026-06-30 --output 2026上半年.pdf  (上半年工作情况统计)")
    parser.add_argument("--from", dest="since", required=True, metavar="YYYY-MM-DD", help="first day (inclusive, UTC)")
    parser.add_argument("--to", dest="until", required=True, metavar="YYYY-MM-DD", help="last day (inclusive, UTC)")
    parser.add_argument("--output", required=True, metavar="FILE", help="FILE.pdf or FILE.xlsx")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the PDF (default zh)")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="where the embedded store lives (default: config data_dir, ./markwatch-data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from markwatch.cli import UsageError
    from web.report_data import build_report, parse_period
    from web.report_files import report_html, report_pdf, report_xlsx

    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UsageError(f"--output {args.output}: name a .pdf or .xlsx file")
    try:
        period = parse_period(args.since, args.until)
    except ValueError as exc:
        raise UsageError(f"--from/--to: {exc}") from exc
    with opened_store(args.data_dir) as (store, config):
        report = build_report(store, period, config)
    if suffix == ".pdf":
        body = report_pdf(report_html(report, args.lang), config.browser)
    else:
        body = report_xlsx(report)
    if output.parent and not output.parent.exists():
        output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(body)
    print(f"{output}: {report['title_zh']} — {report['leads']} leads, "
          f"{report['outcomes']['confirmed']} confirmed, {report['outcomes']['removed']} removed "
          f"({len(body)} bytes)")
    print(f"markwatch report: wrote {suffix[1:].upper()} for {report['since']} to {report['until']}", file=sys.stderr)
    return 0
