"""The leased queue on a Redis server, shared by every worker of a distributed crawl (``--redis``).

Built on scrapy-redis: its connection helper (``get_redis``: URL and the same client defaults), its
request encoding (``crawler.queue.codec``: pickled ``Request.to_dict``, as its queues store them) and
its dupefilter (:class:`SharedSeenSet` is its ``RFPDupeFilter``: one Redis set of fingerprints per
job). Not its scheduler or queues: they *pop* a request before downloading it (``ZPOPMIN``/``RPOP``),
so a killed worker loses what it had in flight. Here each step is one Lua script (atomic on the
server): a push adds the fingerprint to the seen-set and the entry to the queue together, a take moves
the entry into the *processing* sorted set scored by its lease deadline, and any worker's take first
puts back the leases whose deadline has passed. Deadlines use the Redis server's clock (each worker
measures its offset at start), so workers on several machines agree on them.

Keys (``PREFIX`` = ``markwatch:crawl:JOB``): ``ready`` / ``delayed`` / ``processing`` (sorted sets of
entry ids: by priority, due time, lease deadline), ``request`` / ``priority`` / ``owner`` (hashes by
entry id), ``seen`` (set), ``listings`` (hash: listing URL → entry), ``budget`` / ``sequence``
(counters), ``counts`` (hash of counters), ``finished``. When a crawl finishes every key is given
``finished_ttl`` seconds to live: a worker started in that time ends at once (it came late), and
after it the same command starts the next crawl.

A Redis that goes away (stopped, restarting, the network down) makes every call raise
:class:`~crawler.queue.backend.QueueUnavailable` after one quick retry, never a client back-off that
would block the crawl's event loop for seconds: the scheduler waits it out with its own back-off.
"""

from __future__ import annotations

import functools
import os
import socket
import time
import uuid
from typing import Any, Callable, Iterable, TypeVar

from redis.backoff import ConstantBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from scrapy_redis.connection import get_redis
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.queue.backend import Counts, Pushed, QueueBackend, QueueUnavailable, Taken, counters

T = TypeVar("T")


def _reachable(method: Callable[..., T]) -> Callable[..., T]:
    """A lost connection to Redis, raised as :class:`QueueUnavailable` (the scheduler waits it out)."""

    @functools.wraps(method)
    def call(self: "RedisBackend", *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            raise QueueUnavailable(f"Redis at {self.url} cannot be reached ({exc})") from exc

    return call

KEY_PREFIX = "markwatch:crawl:"
PARTS = ("ready", "delayed", "processing", "request", "priority", "owner", "seen", "listings", "budget",
         "sequence", "counts", "finished")

_REQUEUE = """
local function requeue(ready, prio, id)
  redis.call('ZADD', ready, -tonumber(redis.call('HGET', prio, id)) * 1e9 - tonumber(id), id)
end
"""

PUSH = """
-- KEYS: seen budget sequence request priority ready delayed counts
-- ARGV: fingerprint ('' = not filtered), payload, priority, now, delay, budgeted (1/0), budget (-1 = none)
if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[8], 'seen', 1)
  return 'seen'
end
if ARGV[6] == '1' and tonumber(ARGV[7]) >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[7]) then
  redis.call('HINCRBY', KEYS[8], 'over_budget', 1)
  return 'over_budget'
end
if ARGV[1] ~= '' then redis.call('SADD', KEYS[1], ARGV[1]) end
if ARGV[6] == '1' then redis.call('INCR', KEYS[2]) end
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[4], id, ARGV[2])
redis.call('HSET', KEYS[5], id, ARGV[3])
if tonumber(ARGV[5]) > 0 then
  redis.call('ZADD', KEYS[7], tonumber(ARGV[4]) + tonumber(ARGV[5]), id)
  redis.call('HINCRBY', KEYS[8], 'delayed', 1)
else
  redis.call('ZADD', KEYS[6], -tonumber(ARGV[3]) * 1e9 - id, id)
end
redis.call('HINCRBY', KEYS[8], 'pushed', 1)
return 'queued'
"""

TAKE = _REQUEUE + """
-- KEYS: ready delayed processing request priority owner counts;  ARGV: now lease_seconds worker
local now = tonumber(ARGV[1])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', KEYS[2], id)
  requeue(KEYS[1], KEYS[5], id)
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[6], id)
  requeue(KEYS[1], KEYS[5], id)
end
if #expired > 0 then redis.call('HINCRBY', KEYS[7], 'requeued', #expired) end
local top = redis.call('ZPOPMIN', KEYS[1])
if #top == 0 then return false end
local id = top[1]
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[6], id, ARGV[3])
redis.call('HINCRBY', KEYS[7], 'taken', 1)
return {id, redis.call('HGET', KEYS[4], id)}
"""

ACK = """
-- KEYS: ready delayed processing request priority owner counts;  ARGV: worker, entry ids…
local others, acked = 0, 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local owner = redis.call('HGET', KEYS[6], id)
  if owner and owner ~= ARGV[1] then
    others = others + 1
  else
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('HDEL', KEYS[5], id)
    redis.call('HDEL', KEYS[6], id)
    acked = acked + redis.call('HDEL', KEYS[4], id)
  end
end
if acked > 0 then redis.call('HINCRBY', KEYS[7], 'acked', acked) end
if others > 0 then redis.call('HINCRBY', KEYS[7], 'late_acks', others) end
return others
"""

EXTEND = """
-- KEYS: processing owner;  ARGV: worker deadline entry ids…
local lost = {}
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[2]), ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""

RELEASE = _REQUEUE + """
-- KEYS: ready processing priority owner counts;  ARGV: worker, entry ids…
local released = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[4], id) == ARGV[1] then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[4], id)
    requeue(KEYS[1], KEYS[3], id)
    released = released + 1
  end
end
if released > 0 then redis.call('HINCRBY', KEYS[5], 'released', released) end
return released
"""

CLAIM = """
-- KEYS: listings;  ARGV: url entry
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if not holder then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
if ARGV[2] ~= '' and holder == ARGV[2] then return 1 end
return 0
"""

FINISH = """
-- KEYS: ready delayed processing finished, then every key of the job;  ARGV: now ttl
if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3]) > 0 then
  return 0
end
redis.call('SET', KEYS[4], ARGV[1])
for i = 5, #KEYS do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[2])) end
return 1
"""


class SharedSeenSet(RFPDupeFilter):
    """scrapy-redis's dupefilter on the job's ``seen`` key, with Scrapy's request fingerprints (the
    local queue uses the same ones). The queue's push script writes the set itself, atomically with
    the push; ``request_seen`` here only reads it."""

    def request_seen(self, request: Any) -> bool:  # noqa: D102 - read-only here, see the class docstring
        return bool(self.server.sismember(self.key, self.request_fingerprint(request)))

    def request_fingerprint(self, request: Any) -> str:  # noqa: D102
        from scrapy.utils.request import fingerprint

        return fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Keep the set: it is the job's, not this worker's (scrapy-redis would delete it)."""


class RedisBackend(QueueBackend):
    def __init__(self, url: str, job: str, finished_ttl: float = 600.0, worker: str | None = None):
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.url = url
        self.prefix = KEY_PREFIX + job
        self.keys = {part: f"{self.prefix}:{part}" for part in PARTS}
        self.finished_ttl = max(1, int(finished_ttl))
        self.server = get_redis(url=url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True,
                                retry=Retry(ConstantBackoff(0.05), 1))
        try:
            seconds, micros = self.server.time()
        except Exception as exc:  # noqa: BLE001 - say what to do, whatever the client raised
            raise ConnectionError(
                f"cannot reach Redis at {url} ({exc}); start redis-server there (scripts/setup.sh installs it) "
                "or give the right --redis redis://HOST:PORT/DB") from exc
        self.offset = seconds + micros / 1e6 - time.time()
        self.seen_set = SharedSeenSet(self.server, key=self.keys["seen"])
        self._push = self.server.register_script(PUSH)
        self._take = self.server.register_script(TAKE)
        self._ack = self.server.register_script(ACK)
        self._extend = self.server.register_script(EXTEND)
        self._release = self.server.register_script(RELEASE)
        self._claim = self.server.register_script(CLAIM)
        self._finish = self.server.register_script(FINISH)

    def describe(self) -> str:
        return f"Redis queue {self.prefix} on {self.url}"

    def clock(self) -> float:
        return time.time() + self.offset

    @_reachable
    def ping(self) -> None:
        self.server.ping()

    def _k(self, *parts: str) -> list[str]:
        return [self.keys[p] for p in parts]

    @_reachable
    def begin(self, now: float) -> bool:
        return not self.server.exists(self.keys["finished"])

    @_reachable
    def push(self, fingerprint: str | None, payload: bytes, priority: int, now: float, delay: float = 0.0,
             budgeted: bool = False, budget: int | None = None) -> Pushed:
        answer = self._push(
            keys=self._k("seen", "budget", "sequence", "request", "priority", "ready", "delayed", "counts"),
            args=[fingerprint or "", payload, int(priority), repr(now), repr(max(0.0, delay)),
                  "1" if budgeted else "0", -1 if budget is None else int(budget)])
        return Pushed(answer.decode() if isinstance(answer, bytes) else answer)

    @_reachable
    def take(self, now: float, lease_seconds: float) -> Taken | None:
        answer = self._take(keys=self._k("ready", "delayed", "processing", "request", "priority", "owner", "counts"),
                            args=[repr(now), repr(lease_seconds), self.worker])
        if not answer:
            return None
        entry, payload = answer
        return Taken(entry.decode() if isinstance(entry, bytes) else str(entry), bytes(payload))

    @_reachable
    def ack(self, entries: Iterable[str]) -> int:
        ids = list(entries)
        if not ids:
            return 0
        return int(self._ack(keys=self._k("ready", "delayed", "processing", "request", "priority", "owner", "counts"),
                             args=[self.worker, *ids]))

    @_reachable
    def extend(self, entries: Iterable[str], now: float, lease_seconds: float) -> list[str]:
        ids = list(entries)
        if not ids:
            return []
        lost = self._extend(keys=self._k("processing", "owner"), args=[self.worker, repr(now + lease_seconds), *ids])
        return [x.decode() if isinstance(x, bytes) else str(x) for x in lost]

    @_reachable
    def release(self, entries: Iterable[str]) -> None:
        ids = list(entries)
        if ids:
            self._release(keys=self._k("ready", "processing", "priority", "owner", "counts"), args=[self.worker, *ids])

    @_reachable
    def claim_listing(self, url: str, entry: str) -> bool:
        return bool(self._claim(keys=[self.keys["listings"]], args=[url, entry]))

    @_reachable
    def budget_used(self) -> int:
        return int(self.server.get(self.keys["budget"]) or 0)

    @_reachable
    def counts(self) -> Counts:
        pipe = self.server.pipeline(transaction=True)
        for part in ("ready", "delayed", "processing"):
            pipe.zcard(self.keys[part])
        ready, delayed, leased = pipe.execute()
        return Counts(ready=int(ready), delayed=int(delayed), leased=int(leased))

    @_reachable
    def next_due(self) -> float | None:
        first = self.server.zrange(self.keys["delayed"], 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    @_reachable
    def stats(self) -> dict[str, int]:
        return counters(self.server.hgetall(self.keys["counts"]))

    @_reachable
    def finish(self, now: float) -> bool:
        others = [self.keys[p] for p in PARTS if p != "finished"]
        return bool(self._finish(keys=[*self._k("ready", "delayed", "processing", "finished"), *others,
                                       self.keys["finished"]],
                                 args=[repr(now), self.finished_ttl]))

    @_reachable
    def leases_of(self, worker: str) -> list[str]:
        """Entries leased to ``worker`` now (what a killed worker held; after an outage, what a take whose
        answer was lost leased to this one)."""
        owners = self.server.hgetall(self.keys["owner"])
        return sorted(k.decode() for k, v in owners.items() if v.decode() == worker)

    def close(self) -> None:
        self.server.close()
