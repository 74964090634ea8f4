"""The request queue of every crawl: leased (at least once), local or shared in Redis (CONTRACTS §12).

- ``backend.py``: what the queue stores and the operations both backends provide (why leases);
- ``sqlite_backend.py``: one local SQLite file (``--resume DIR``), or in memory;
- ``redis_backend.py``: one Redis server shared by every worker (``--redis URL``), on scrapy-redis;
- ``scheduler.py``: the Scrapy scheduler on top (leases, acknowledgements, heartbeat, delayed requests);
- ``origins.py``: the spider middleware telling the listing claims which request a listing came from;
- ``codec.py``: requests as bytes; ``feed.py``: feed files written through item by item.
"""
