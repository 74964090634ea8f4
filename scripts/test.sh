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
# Two workers (pytest-xdist), one a core: the suite waits much of its time (browsers, the JVM, crawls
# of loopback servers), so two at once cut its wall time by about a third (508 s against 768 s serial in
# one session). Files that share a costly session fixture run on one worker (tests/conftest.py:
# pytest_xdist_make_scheduler). `-n 0` (an extra argument) runs serially.
.venv/bin/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder "$@"
rc=$?
# The tests that patch a module function to watch its calls are skipped above while the matcher's
# modules are compiled (scripts/build_compiled.py: calls between them are bound in C); they run here
# on the .py files (≈10 s). Only for a whole-suite run: extra arguments may select other tests.
if [ "$#" = "0" ] && [ "$rc" = "0" ] && .venv/bin/python scripts/build_compiled.py --check 2>/dev/null; then
  MATCHERS_COMPILED=off .venv/bin/python -m pytest -q -m pure_python
  rc=$?
fi
set -e
if [ "$rc" = "5" ]; then
  echo "[test] pytest collected no test: failing on purpose (a run that tests nothing must not pass)" >&2
fi
exit "$rc"
