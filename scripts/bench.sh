#!/usr/bin/env bash
# Runs the store benchmarks on both backends with the shared synthetic
# layers and prints PostGIS/SQLite ratios measured in the same run.
#
#   scripts/bench.sh [BENCH_DATA_DIR]
#
# Needs python3 (for ../shared/bench/gen.py) and MINEPLAN_TEST_POSTGRES for
# the PostGIS half; without it only SQLite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${MINEPLAN_BENCH_DATA:-/tmp/mineplan-bench}}
gen=../shared/bench/gen.py
for scale in kashgar province; do
  if [ ! -f "$data/$scale/MANIFEST.json" ]; then
    echo "generating $scale layers into $data/$scale"
    python3 "$gen" "$scale" "$data/$scale" >/dev/null
  fi
done
out=$(MINEPLAN_BENCH_DATA="$data" go test -run '^$' -bench . -benchtime "${BENCHTIME:-2s}" ./internal/store/benchmarks/)
echo "$out"
echo
echo "ratio PostGIS / SQLite (time per op; above 1 means PostGIS is slower):"
echo "$out" | awk '
  /^Benchmark/ {
    name=$1; sub(/-[0-9]+$/, "", name)
    n=split(name, parts, "/"); be=parts[n]
    key=name; sub("/" be "$", "", key)
    t[key "|" be]=$3; keys[key]=1
  }
  END { for (k in keys) if ((k "|sqlite") in t && (k "|postgis") in t)
          printf "  %-32s %6.2f\n", k, t[k "|postgis"] / t[k "|sqlite"] }'
