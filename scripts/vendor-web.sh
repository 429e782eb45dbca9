#!/usr/bin/env bash
# Reproduces the vendored front-end files under internal/web/static/vendor/
# from the npm versions pinned in package.json and package-lock.json.
#
#   scripts/vendor-web.sh          install the pinned packages into a
#                                  temporary folder (npm ci, so the
#                                  lockfile's integrity hashes are checked),
#                                  copy the files the pages need with their
#                                  licences, and write vendor/SHA256SUMS
#   scripts/vendor-web.sh --check  the same install, but only compare: the
#                                  packages' files, the committed files and
#                                  the committed SHA256SUMS must all agree,
#                                  or it exits 1 (CI runs this)
#
# No package's install scripts run (--ignore-scripts), and nothing is
# fetched but the pinned packages themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

vendor=internal/web/static/vendor
sums="$vendor/SHA256SUMS"

# package-relative source path -> vendored path under $vendor. The pages
# load maplibre-gl.mjs (an ES module; MapLibre 6 ships no UMD build) and
# point it at its worker module; echarts.min.js is the classic build.
files=(
  "maplibre-gl/dist/maplibre-gl.mjs          maplibre-gl/maplibre-gl.mjs"
  "maplibre-gl/dist/maplibre-gl-worker.mjs   maplibre-gl/maplibre-gl-worker.mjs"
  "maplibre-gl/dist/maplibre-gl.css          maplibre-gl/maplibre-gl.css"
  "maplibre-gl/LICENSE.txt                   maplibre-gl/LICENSE.txt"
  "echarts/dist/echarts.min.js               echarts/echarts.min.js"
  "echarts/LICENSE                           echarts/LICENSE"
  "echarts/NOTICE                            echarts/NOTICE"
  "echarts/licenses/LICENSE-d3               echarts/LICENSE-d3"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp package.json package-lock.json "$tmp/"
(cd "$tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

# The pinned versions, as installed.
for p in maplibre-gl echarts; do
  want=$(node -p "require('./package.json').dependencies['$p']")
  got=$(node -p "require('$tmp/node_modules/$p/package.json').version")
  if [ "$want" != "$got" ]; then
    echo "vendor-web: $p is $got in the install, package.json pins $want" >&2; exit 1
  fi
done

stage="$tmp/stage"
mkdir -p "$stage"
for f in "${files[@]}"; do
  read -r src dst <<<"$f"
  mkdir -p "$stage/$(dirname "$dst")"
  cp "$tmp/node_modules/$src" "$stage/$dst"
done
(cd "$stage" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum) >"$tmp/SHA256SUMS"

if [ "$mode" = write ]; then
  rm -rf "$vendor"
  mkdir -p "$vendor"
  cp -R "$stage/." "$vendor/"
  cp "$tmp/SHA256SUMS" "$sums"
  echo "vendor-web: wrote $(wc -l <"$sums") files and $sums"
  exit 0
fi

fail=0
if ! diff -u "$sums" "$tmp/SHA256SUMS"; then
  echo "vendor-web: $sums does not match the pinned packages' files" >&2; fail=1
fi
if ! (cd "$vendor" && sha256sum --quiet -c SHA256SUMS); then
  echo "vendor-web: the committed files under $vendor do not match $sums" >&2; fail=1
fi
# Nothing vendored that the sums do not cover.
extra=$(cd "$vendor" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | comm -23 - <(awk '{print $2}' SHA256SUMS | LC_ALL=C sort))
if [ -n "$extra" ]; then
  echo "vendor-web: files under $vendor not in $sums:" >&2; echo "$extra" >&2; fail=1
fi
[ "$fail" = 0 ] && echo "vendor-web: $(wc -l <"$sums") vendored files equal the pinned packages' files"
exit "$fail"
