#!/usr/bin/env bash
# Times `generate` as a whole process (start-up, every artifact, exit) with
# the release build: the figure users feel in a CI pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/ddecs-wizard
runs=${RUNS:-300}
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 20 --runs "$runs" \
    "$bin generate --language php --agent-version 7.17" \
    "$bin generate --language python --output app-container"
else
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do
    "$bin" generate --language php --agent-version 7.17 >/dev/null
  done
  end=$(date +%s%N)
  echo "generate (all PHP artifacts): $(( (end - start) / runs / 1000 )) µs per run over $runs runs"
fi
