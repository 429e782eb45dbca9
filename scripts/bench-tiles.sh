#!/usr/bin/env bash
# Benchmarks vector tile generation at province scale (../shared/bench data,
# the rights layer: 50 000 polygons), z6–z14, with mineplan on SQLite and on
# PostGIS and with PostGIS's ST_AsMVT on the same rows, in one run, and
# prints per-tile median, p95 and largest tile with the ratios to ST_AsMVT.
#
#   scripts/bench-tiles.sh [BENCH_DATA_DIR]
#
# Needs python3 (for ../shared/bench/gen.py) and MINEPLAN_TEST_POSTGRES.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${MINEPLAN_BENCH_DATA:-/tmp/mineplan-bench}}
if [ ! -f "$data/province/MANIFEST.json" ]; then
  echo "generating province layers into $data/province"
  python3 ../shared/bench/gen.py province "$data/province" >/dev/null
fi
: "${MINEPLAN_TEST_POSTGRES:?set MINEPLAN_TEST_POSTGRES: the ST_AsMVT reference needs PostGIS}"
out=$(MINEPLAN_BENCH_DATA="$data" go test -run '^$' -bench '^BenchmarkTiles$' -benchtime "${BENCHTIME:-2x}" -v ./internal/store/benchmarks/)
echo "$out"
echo
echo "$out" | awk '
  /^BenchmarkTiles\// {
    name=$1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkTiles\//, "", name)
    for (i = 2; i < NF; i++) {
      if ($(i+1) == "median-ms") med[name]=$i
      if ($(i+1) == "p95-ms") p95[name]=$i
      if ($(i+1) == "max-bytes") mx[name]=$i
    }
  }
  END {
    ref="st_asmvt"
    printf "%-18s %10s %10s %10s %14s %14s\n", "per tile", "median ms", "p95 ms", "max bytes", "median/ST_AsMVT", "p95/ST_AsMVT"
    n=split("sqlite postgis st_asmvt", order, " ")
    for (k = 1; k <= n; k++) { b=order[k]; if (!(b in med)) continue
      printf "%-18s %10.3f %10.3f %10d %14.2f %14.2f\n", b, med[b], p95[b], mx[b], med[b]/med[ref], p95[b]/p95[ref] }
  }'
