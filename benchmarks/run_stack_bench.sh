#!/bin/bash
# Several dates on one grid (issue 20 §3): `redline zonal --raster d0.tif ... --raster d3.tif`
# (one pass: zones read, prepared and rasterized once) against N separate runs, and against one
# date. Figures go to benchmarks/RESULTS.md ("Several rasters on one grid"). Never run by ctest;
# data and outputs stay in $DATA.
#
#   benchmarks/run_stack_bench.sh [BUILD_DIR]       (default BUILD_DIR: ./build)
#   env: DATA=/tmp/redline-stack-bench  SIZE=8192  ZONES=4000  REPEAT=3  THREADS=2
#
# Data: `redline synth --size SIZE --zones ZONES --seed 1`; the dates are lc_t0 and lc_t1 and
# byte copies of them (d0..d3: distinct files, so nothing is shared through GDAL's block cache).
# Each configuration runs under /usr/bin/time (wall, user, sys, max RSS) REPEAT times, the
# configurations interleaved (the machine is shared: its load changes); the 1-minute load average
# is recorded before each run. The summary keeps each configuration's fastest run. It also checks
# that the stacked output is the separate outputs with the raster column (the bytes).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-$HERE/../build}" && pwd)
DATA=${DATA:-/tmp/redline-stack-bench}
SIZE=${SIZE:-8192}
ZONES=${ZONES:-4000}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
REDLINE=$BUILD/cli/redline
[ -x /usr/bin/time ] || { echo "run_stack_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -x "$REDLINE" ] || { echo "run_stack_bench: $REDLINE not built" >&2; exit 1; }
mkdir -p "$DATA"
SET=$DATA/s${SIZE}_z${ZONES}
if [ ! -f "$SET/plan.gpkg" ]; then
  echo "making $SET (redline synth --size $SIZE --zones $ZONES --seed 1)"
  "$REDLINE" synth "$SET" --size "$SIZE" --zones "$ZONES" --seed 1 --quiet
fi
for k in 0 1 2 3; do
  src=$SET/lc_t$((k % 2)).tif
  [ -f "$SET/d$k.tif" ] || cp "$src" "$SET/d$k.tif"
done
TSV=$DATA/results.tsv
printf "label\twall_s\tuser_s\tsys_s\tmax_rss_kb\tload1\n" > "$TSV"
COMMON=(--zones "$SET/plan.gpkg:redline" --id code --threads "$THREADS" --quiet)

measure() {  # measure LABEL COMMAND...
  local label=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$DATA/time.txt" "$@" > "$DATA/last.out" 2> "$DATA/last.err"; then
    echo "run_stack_bench: failed: $*" >&2; cat "$DATA/last.err" >&2; exit 1
  fi
  local wall user sys rss; read -r wall user sys rss < "$DATA/time.txt"
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$label" "$wall" "$user" "$sys" "$rss" "$load" | tee -a "$TSV"
}

separate() {  # the four dates as four runs, timed as one command
  for k in 0 1 2 3; do "$REDLINE" zonal --raster "$SET/d$k.tif" "${COMMON[@]}" --output "$DATA/sep_d$k.csv"; done
}
export -f separate
export REDLINE SET DATA THREADS

for _ in $(seq "$REPEAT"); do
  measure "1 date" "$REDLINE" zonal --raster "$SET/d0.tif" "${COMMON[@]}" --output "$DATA/one.csv"
  measure "4 dates, 4 runs" bash -c "$(declare -p COMMON); $(declare -f separate); separate"
  measure "4 dates, one run (4 --raster)" "$REDLINE" zonal --raster "$SET/d0.tif" --raster "$SET/d1.tif" \
    --raster "$SET/d2.tif" --raster "$SET/d3.tif" "${COMMON[@]}" --output "$DATA/stack.csv"
done

# The stacked table is the four tables with the raster column, in order.
{
  head -1 "$DATA/sep_d0.csv" | sed 's/^/raster,/'
  for k in 0 1 2 3; do tail -n +2 "$DATA/sep_d$k.csv" | sed "s/^/d$k,/"; done
} > "$DATA/expected.csv"
cmp "$DATA/expected.csv" "$DATA/stack.csv" && echo "stack output == the separate outputs with the raster column"

echo
echo "| run | wall s | CPU s (user+sys) | peak RSS MB | load (1 min) |"
echo "|---|---|---|---|---|"
/usr/bin/python3 - "$TSV" <<'PY'
import csv, sys
best = {}
for row in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    if row["label"] not in best or float(row["wall_s"]) < float(best[row["label"]]["wall_s"]):
        best[row["label"]] = row
for r in best.values():
    print(f"| {r['label']} | {float(r['wall_s']):.2f} | {float(r['user_s']) + float(r['sys_s']):.2f} | "
          f"{int(r['max_rss_kb']) / 1024:.0f} | {r['load1']} |")
PY
