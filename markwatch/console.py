"""What a markwatch command prints while it runs, and the log file that keeps the rest.

Why: a demo or crawl over a marketplace that breaks pages on purpose logs one WARNING per broken
page (a 500, a truncated document, a render error, a retry given up). On screen those lines bury
the progress and the summary a person is waiting for, yet an operator needs every one of them to
look at the pages afterwards. So the long-running commands (``markwatch demo``, ``markwatch crawl``)
send *everything* to a log file and keep the screen to:

* INFO and above from markwatch's own loggers (progress lines, one-off notes, the steps), except
  the per-page details (:data:`PAGE_DETAIL_LOGGERS`, or a record logged with
  ``extra={PAGE_DETAIL: True}``);
* ERROR and above from anyone (a crawl that cannot run, a spider that crashes);
* the command's own summary (printed, not logged), which counts the bad pages by reason and names
  the log file.

Every record on the screen is **one line** (:class:`OneLineFormatter`): a library's error that
carries a traceback, or a message with the traceback pasted in (Scrapy's "Error while reading start
items and requests"), shows its first line and points to the log file, which keeps the whole of it.

With ``--verbose`` the screen shows everything as well (and DEBUG), tracebacks included. The
filtering is done by handlers, never by removing or demoting log calls, so library users keep every
record.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CONSOLE_HANDLER = "markwatch-console"
FILE_HANDLER = "markwatch-logfile"

OWN_LOGGERS = ("markwatch", "crawler", "matchers", "pipelines", "index")
"""Top-level logger names of markwatch's own code."""
PAGE_DETAIL_LOGGERS = frozenset({"markwatch.badpages", "pipelines.validate"})
"""Own loggers whose every record is about one page or one listing: log file only."""
PAGE_DETAIL = "markwatch_page_detail"
"""``extra={PAGE_DETAIL: True}`` marks any other record as a per-page detail (log file only)."""


def configure(verbose: bool = False) -> logging.Handler:
    """The console handler on stderr (replaces an earlier one): INFO, or DEBUG with ``verbose``."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == CONSOLE_HANDLER:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(CONSOLE_HANDLER)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%H:%M:%S"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return handler


class ScreenFilter(logging.Filter):
    """What the console shows of a run whose full log goes to a file (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        if record.name.split(".", 1)[0] not in OWN_LOGGERS:
            return False  # third-party INFO/WARNING: Scrapy's banners, retries given up, …
        return record.name not in PAGE_DETAIL_LOGGERS and not getattr(record, PAGE_DETAIL, False)


class OneLineFormatter(logging.Formatter):
    """A record as one line: the message's first line, no traceback (the log file has it all)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        first = next((line.strip() for line in message.splitlines() if line.strip()), "")
        more = first != message.strip() or record.exc_info or record.stack_info
        flat = logging.makeLogRecord({**record.__dict__, "msg": first + (" (details in the log file)" if more else ""),
                                      "args": None, "exc_info": None, "exc_text": None, "stack_info": None})
        return super().format(flat)


def default_log_file(directory: Path | str, command: str) -> Path:
    """``DIRECTORY/COMMAND-YYYYmmdd-HHMMSS.log`` (local time, as a person reads it)."""
    return Path(directory) / f"{command}-{time.strftime('%Y%m%d-%H%M%S')}.log"


def log_to_file(path: Path | str, verbose: bool = False) -> Path:
    """Send every record to ``path`` and, unless ``verbose``, keep the console to :class:`ScreenFilter`.

    Also routes Python warnings (deprecations from libraries) into the log. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    consoles = [h for h in root.handlers if h.get_name() == CONSOLE_HANDLER] or [configure(verbose)]
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.set_name(FILE_HANDLER)
    file_handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(file_handler)
    logging.captureWarnings(True)
    if not verbose:
        for handler in consoles:
            if not any(isinstance(f, ScreenFilter) for f in handler.filters):
                handler.addFilter(ScreenFilter())
            handler.setFormatter(OneLineFormatter(FORMAT, datefmt="%H:%M:%S"))
    return path
