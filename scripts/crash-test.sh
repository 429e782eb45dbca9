#!/usr/bin/env bash
# Crash safety: kills `rights import` (3 000 rights), `layers import`
# (20 000 features) and a grant (`rights import` of one right; no command
# records a single event) with SIGKILL at random moments until N of them
# were really killed (default 30; a run that finished before its kill
# moment is checked too but not counted, and at most 4N runs are made),
# and checks after each run that
#   - SQLite's integrity check passes,
#   - the data is entirely before or entirely after the operation: the
#     counts of every table (revisions, layers, features, rights, events,
#     reviews, settings, audit entries) equal one of the two known states
#     (an import stamps its rows with the time, so the content hash after
#     it differs from run to run; before it, the hash must be unchanged),
#   - the audit chain verifies.
# The checks are scripts/crashcheck's (integrity, counts, content hash and
# store.VerifyAudit), then `mineplan audit verify` itself. Every import
# appends its audit entries in its own transaction, so "after" includes
# them. It ends with one summary line and fails when any database is
# corrupt or any import partial.
#
#   scripts/crash-test.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/mineplan" ./cmd/mineplan
go build -o "$work/crashcheck" ./scripts/crashcheck
mp="$work/mineplan"
cc="$work/crashcheck"

# The state before: the plan and one audit entry (the backup's).
"$mp" plan load --db "$work/base.db" >/dev/null
"$mp" backup --db "$work/base.db" --out "$work/base.zip" >/dev/null
# The files: rights copied from the illustrative register's attributes.
"$mp" demo load --db "$work/demo.db" >/dev/null
"$mp" rights export --db "$work/demo.db" --format geojson -o "$work/demo.geojson" >/dev/null
"$cc" rights "$work/demo.geojson" 3000 "$work/rights.geojson"
"$cc" rights "$work/demo.geojson" 1 "$work/grant.geojson" 9000
"$cc" layer 20000 "$work/layer.geojson"

ops=(rights layers grant)
op_args() {
  case $1 in
    rights) echo "rights import --db $2 $work/rights.geojson" ;;
    layers) echo "layers import --db $2 --name crash $work/layer.geojson" ;;
    grant) echo "rights import --db $2 $work/grant.geojson" ;;
  esac
}
now_ms() { date +%s%3N; }
hash_of() { "$cc" check "$1" | awk '$1 == "ok" {print $2}'; }
counts_of() { "$cc" check "$1" | awk '$1 == "ok" {print $3}'; }

before=$(hash_of "$work/base.db")
before_counts=$(counts_of "$work/base.db")
[ -n "$before" ] || { echo "the base database does not check"; exit 1; }
[ ! -e "$work/base.db-wal" ] || { echo "the base database has a log beside it"; exit 1; }
declare -A after duration
for op in "${ops[@]}"; do
  cp "$work/base.db" "$work/full.db"
  t0=$(now_ms)
  # shellcheck disable=SC2046
  "$mp" $(op_args "$op" "$work/full.db") >/dev/null 2>&1
  duration[$op]=$(( $(now_ms) - t0 ))
  after[$op]=$(counts_of "$work/full.db")
  [ -n "${after[$op]}" ] && [ "${after[$op]}" != "$before_counts" ] || { echo "$op: no after state"; exit 1; }
  rm -f "$work"/full.db*
  echo "$op: runs ${duration[$op]} ms to completion; $before_counts before, ${after[$op]} after"
done

kills=0 finished=0 corrupt=0 partial=0 at_before=0 at_after=0
i=0
while [ "$kills" -lt "$n" ] && [ "$i" -lt $((4 * n)) ]; do
  i=$((i + 1))
  op=${ops[$(( (i - 1) % 3 ))]}
  db="$work/run.db"
  rm -f "$db" "$db-wal" "$db-shm"
  cp "$work/base.db" "$db"
  # A moment anywhere in the run and a little past its measured end, so
  # some kills land in the commit and some after it.
  delay=$(( RANDOM * duration[$op] * 13 / 10 / 32768 ))
  # shellcheck disable=SC2046
  "$mp" $(op_args "$op" "$db") >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  rc=0
  wait "$pid" 2>/dev/null || rc=$?
  # 137: killed by SIGKILL; anything else: it had finished (a zombie
  # accepts the signal too, so kill's own status does not tell).
  if [ "$rc" -eq 137 ]; then
    kills=$((kills + 1))
  else
    finished=$((finished + 1))
  fi
  if ! line=$("$cc" check "$db"); then
    corrupt=$((corrupt + 1))
    echo "run $i ($op, killed after ${delay} ms): $line"
    cp "$db" "$work/corrupt-$i.db" 2>/dev/null || true
    continue
  fi
  if ! "$mp" audit verify --db "$db" >/dev/null 2>&1; then
    corrupt=$((corrupt + 1))
    echo "run $i ($op, killed after ${delay} ms): mineplan audit verify failed"
    continue
  fi
  h=$(echo "$line" | awk '{print $2}')
  c=$(echo "$line" | awk '{print $3}')
  if [ "$h" = "$before" ]; then
    at_before=$((at_before + 1))
  elif [ "$c" = "${after[$op]}" ]; then
    at_after=$((at_after + 1))
  else
    partial=$((partial + 1))
    echo "run $i ($op, killed after ${delay} ms): neither before nor after: $line"
  fi
done
echo "crash test: $i runs, $kills kills ($finished finished before the kill); $at_before before, $at_after after; $corrupt corrupt databases, $partial partial imports"
[ "$corrupt" -eq 0 ] && [ "$partial" -eq 0 ] && [ "$kills" -ge "$n" ]
