#!/usr/bin/env bash
# Times each delivery case (tests/delivery.rs): from the app container's
# start to its first span reaching the intake, one case at a time so the
# cases do not share the CPU, RUNS times; prints the median and the range
# per case as a Markdown table for the README.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for _ in $(seq "$runs"); do
  cargo test --quiet --test delivery -- --test-threads=1 --nocapture 2>&1 |
    grep -o 'figure: .*' >>"$log" || true
done
python3 - "$log" "$runs" <<'PY'
import re, statistics, sys
cases = {}
for line in open(sys.argv[1]):
    m = re.match(r"figure: (.+?) -> span after ([0-9.]+) s .*?, (\S+) (v0\.\d) traces", line)
    if m:
        name, seconds, lang, api = m.groups()
        cases.setdefault(name, ([], api))[0].append(float(seconds))
print(f"| case | first span after (median of {sys.argv[2]}) | range | trace API |")
print("|---|---|---|---|")
for name, (times, api) in cases.items():
    print(f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f}-{max(times):.2f} s | {api} |")
PY
