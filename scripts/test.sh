#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite. Extra arguments go to pytest.
# pytest exits 5 when it collected no test: that is a failure here, never a pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v redis-server >/dev/null; then  # the distributed-crawl tests start their own (tests/redis_fixture.py)
  echo "[test] redis-server is missing: run scripts/setup.sh as root (it installs Debian's redis-server), or apt-get install redis-server" >&2
  exit 1
fi
set +e
# Serial: two workers (pytest-xdist) cut the wall time by ≈40 % but lost two timing-sensitive tests on a
# loaded host (the Redis-outage worker, the SIGKILLed schedule pass); opt in with
# `bash scripts/test.sh -n 2 --dist loadfile --no-loadscope-reorder` (tests/conftest.py keeps the files
# that share a costly session fixture on one worker).
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" = "5" ]; then
  echo "[test] pytest collected no test: failing on purpose (a run that tests nothing must not pass)" >&2
fi
exit "$rc"
