#!/usr/bin/env bash
# Runs BenchmarkRegister (internal/store/benchmarks/register_test.go): the
# register of rights at national scale, built from the shared national
# rights layer, on both backends. The benchmark copies the embedded
# Kashgar bundle to a temporary folder with the national extent as its
# territory (the plan refuses geometry outside its territory); the copy is
# deleted with the run and never shipped.
#
#   scripts/bench-register.sh [BENCH_DATA_DIR]
#
#   MINEPLAN_BENCH_SIZES=20000,200000   register sizes (default both)
#   BENCHTIME=200x                      runs per operation (median, p95)
#   MINEPLAN_BENCH_BURSTS=20            bursts of 200 HTTP requests
#   MINEPLAN_TEST_POSTGRES=URL          include PostGIS
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${MINEPLAN_BENCH_DATA:-/tmp/mineplan-bench}}
if [ ! -f "$data/national/MANIFEST.json" ]; then
  echo "generating national layers into $data/national (a few minutes)"
  python3 ../shared/bench/gen.py national "$data/national" >/dev/null
fi
MINEPLAN_BENCH_BURSTS=${MINEPLAN_BENCH_BURSTS:-20} MINEPLAN_BENCH_DATA="$data" go test -run '^$' -bench '^BenchmarkRegister$' -benchtime "${BENCHTIME:-200x}" -timeout 2h \
  ./internal/store/benchmarks/ | grep -E '^(Benchmark|ok|FAIL|---)|loaded'
