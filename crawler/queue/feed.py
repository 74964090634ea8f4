"""Feed files written through to the kernel item by item (``FEED_STORAGES`` for local paths).

Why: the queue acknowledges a request once its listings have passed the pipelines and been handed to
the feed, and a killed process must not take them with it. Scrapy's file storage is buffered (8 KiB
of listings lived only in the process), so a SIGKILL lost the last listings of acknowledged
requests. Unbuffered, each exporter write (one JSON line) is one ``write(2)``: once it returns, the
line is the kernel's, whatever happens to the process.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage


class UnbufferedFileFeedStorage(FileFeedStorage):
    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)
