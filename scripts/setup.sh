#!/usr/bin/env bash
# Idempotent setup for markwatch on a fresh Debian machine:
#   1. a Chromium for the rendered spider and evidence capture,
#   2. .venv with the project and its dev extra installed (editable).
# Re-running it is cheap: every step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
say() { printf '[setup] %s\n' "$*" >&2; }

# --- 1. a browser -------------------------------------------------------------
find_browser() {
  if [ -n "${MARKWATCH_BROWSER:-}" ] && [ -x "${MARKWATCH_BROWSER}" ]; then echo "$MARKWATCH_BROWSER"; return 0; fi
  for b in /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -x "$b" ] && { echo "$b"; return 0; }
  done
  ls -d "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux*/chrome 2>/dev/null | head -n1
}
if [ -z "$(find_browser)" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium (apt-get)…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  else
    say "no Chromium found. Install one of: 'sudo apt-get install chromium' (Debian/Ubuntu),"
    say "  or '.venv/bin/playwright install chromium' (needs internet), or set MARKWATCH_BROWSER=/path/to/chrome."
    say "  Everything but the rendered spider and the browser tests works without it."
  fi
fi
[ -n "$(find_browser)" ] && say "browser: $(find_browser)"
# Chinese fonts: the period reports are printed to PDF by Chromium with the system's fonts.
# pdftotext (poppler-utils) lets the report tests read the Chinese text back out of the PDF.
if { ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v pdftotext >/dev/null; } \
   && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  say "installing Chinese fonts (fonts-noto-cjk) and poppler-utils for the PDF reports…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq fonts-noto-cjk poppler-utils >/dev/null || true
fi

# Redis: the distributed crawl's shared request queue (markwatch crawl --redis, crawler/queue/) and
# the tests that run workers on it (tests/redis_fixture.py starts its own redis-server on a loopback
# port; nothing here starts one). Debian's redis-server 7.
if ! command -v redis-server >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  say "installing Debian's redis-server (apt-get) for the crawl on Redis…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq redis-server >/dev/null || true
fi
command -v redis-server >/dev/null \
  || say "WARNING: no redis-server ('apt-get install redis-server'): 'markwatch crawl --redis' needs one somewhere, and the distributed-crawl tests fail"

# --- 2. the virtualenv --------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating .venv…"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.markwatch-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing markwatch and its dev extra into .venv…"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi

# --- 3. bytecode, then the matcher's tables (markwatch/cache.py) -------------------------------
# The project's own modules byte-compiled now: where PYTHONDONTWRITEBYTECODE is set (containers, CI)
# Python never writes them, and every run compiled ~10k lines of source again (≈60 ms of the serial
# start of 'markwatch match', a warm one-listing run 0.94 → 0.87 s on a loaded 2-core machine). A
# source edited later is seen by its newer mtime and compiled in memory, never run stale.
.venv/bin/python -m compileall -q markwatch matchers crawler pipelines index jobs feeds web >/dev/null \
  || say "could not byte-compile the project; runs compile it as they import it"

# The matcher's hot modules compiled to C with mypyc (scripts/build_compiled.py, ≈70 s on two cores the
# first time; skipped while the build matches the sources). Optional: without mypy or a C compiler, or
# after a source is edited and not rebuilt, the same modules run as plain Python (matchers/native.py),
# ≈25 % more CPU a listing. Before the tables below: the compiled modules build the same ones.
.venv/bin/python scripts/build_compiled.py \
  || say "could not compile the matcher's hot modules; it runs as pure Python (same leads, slower)"

# Character tables, place names and the bundled register are built once into the cache directory
# (~/.cache/markwatch, or MARKWATCH_CACHE_DIR): later runs load them in milliseconds. Already built
# ones are only loaded, so this costs well under a second on every setup after the first.
.venv/bin/python -c "from matchers.batch import warm; from matchers.matcher import Matcher; warm(Matcher.from_paths())" \
  || say "could not build the matcher's tables now; the first 'markwatch match' will build them"
# --- 4. the search node (index/node/pom.xml, `markwatch search-node`, the store tests) ----------
# Maven copies the OpenSearch runner's jars into index/node/target/lib once (≈30 s, 53 MB from Maven
# Central, then ~/.m2); skipped while the jars are there and pom.xml is not newer than them. The
# test suite needs the node: a missing Java or Maven is a warning here and a failing test there.
if ! .venv/bin/python -c "import sys; from index.node_runner import is_built; sys.exit(0 if is_built() else 1)"; then
  if ! { command -v mvn && command -v java; } >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    say "installing Java 17 and Maven (apt-get) for the search node…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null || true
  fi
  if command -v mvn >/dev/null && command -v java >/dev/null; then
    say "building the search node with Maven (first time ≈30 s)…"
    .venv/bin/python -c "from index.node_runner import ensure_built; print(ensure_built())" >&2 \
      || say "WARNING: the search node did not build: 'markwatch search-node' and the search-node tests will fail"
  else
    say "WARNING: no Java and/or Maven ('apt-get install openjdk-17-jre-headless maven'): 'markwatch search-node'"
    say "  and the search-node store tests will not work; the embedded SQLite store needs neither"
  fi
fi
say "ready: .venv/bin/markwatch --help"
