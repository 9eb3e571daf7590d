#!/usr/bin/env bash
# Times `check` over about 10,000 task definitions (the corpus copied 250
# times) against `jq empty` over the same files in the same run: check
# parses and lints, jq only parses. Also the peak RSS of check for about
# 1,000 and 10,000 files, which must be the same (findings stream out).
# Needs jq and GNU time (apt-get install -y jq time); uses hyperfine if
# present.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/ddecs-wizard
corpus=${DDECS_CORPUS:-../shared/corpus}
if [ -d "$corpus/valid" ]; then
  sources=("$corpus/valid" "$corpus/invalid")
else
  echo "note: $corpus is absent, using tests/fixtures/check instead" >&2
  sources=(tests/fixtures/check)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# jq reads many files as one stream and stops at the first it cannot
# parse, so only files it reads as part of a stream (twice in a row) are
# used: that drops invalid JSON and a file that starts with a byte order
# mark. Both tools then read exactly the same files.
mkdir "$work/src"
find "${sources[@]}" -name '*.json' -type f -print0 |
  while IFS= read -r -d '' f; do
    if cat "$f" "$f" | jq empty >/dev/null 2>&1; then
      cp "$f" "$work/src/$(echo "${f#*/}" | tr / _)"
    fi
  done
per_copy=$(find "$work/src" -name '*.json' | wc -l)

# copies DIR N: N numbered copies of the source files under DIR.
copies() {
  local i
  for i in $(seq "$2"); do
    mkdir -p "$1/$i"
    cp "$work"/src/*.json "$1/$i/"
  done
}
copies "$work/big" 250
copies "$work/small" $(( (1000 + per_copy - 1) / per_copy ))
big=$(find "$work/big" -name '*.json' | wc -l)
small=$(find "$work/small" -name '*.json' | wc -l)
echo "files: $big ($per_copy per copy), and $small for the memory comparison"

# One jq process reads every file (xargs passes them all at once, or in a
# few batches): the fastest fair form, as check is one process too.
find "$work/big" -name '*.json' -print0 | xargs -0 jq empty >/dev/null ||
  { echo "jq could not read every file: the comparison would be unfair" >&2; exit 1; }
jq_cmd="find $work/big -name '*.json' -print0 | xargs -0 jq empty"
check_cmd="$bin check $work/big >/dev/null 2>&1 || true"
hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json "$work/times.json" \
  -n check "$check_cmd" -n "jq empty" "$jq_cmd" >&2
python3 - "$work/times.json" <<'PY'
import json, sys
check, jq = json.load(open(sys.argv[1]))["results"]
cpu = lambda r: r["user"] + r["system"]
print(f"check: {check['mean']:.3f} s wall, {cpu(check):.3f} s CPU")
print(f"jq empty: {jq['mean']:.3f} s wall, {cpu(jq):.3f} s CPU")
print(f"check/jq: {check['mean'] / jq['mean']:.2f} wall, {cpu(check) / cpu(jq):.2f} CPU")
PY

rss() { /usr/bin/time -v "$bin" check "$1" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
echo "peak RSS of check: $(rss "$work/small") KB for $small files, $(rss "$work/big") KB for $big files"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# Instructions executed do not depend on the load of the machine: counted
# by valgrind (apt-get install -y valgrind) over the smaller set.
if command -v valgrind >/dev/null 2>&1; then
  instructions() {
    # check exits 1 on the errors the corpus holds: that is no failure here.
    { valgrind --tool=cachegrind --cache-sim=no --trace-children=yes --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } |
      sed -n 's/.*I *refs: *//p' | tr -d , | awk '{ sum += $1 } END { print sum }'
  }
  find "$work/small" -name '*.json' -print0 > "$work/small.list"
  check_i=$(instructions "$bin" check "$work/small")
  jq_i=$(instructions xargs -0 -a "$work/small.list" jq empty)
  awk -v n="$small" -v c="$check_i" -v j="$jq_i" 'BEGIN {
    printf "instructions for %d files: check %.0f M, jq empty %.0f M, check/jq %.2f\n", n, c / 1e6, j / 1e6, c / j }' 
fi
