#!/bin/bash
# National-scale benchmark of issue #8: >= 1e10 cells, >= 100,000 redline and >= 300,000
# cropland polygons, on one machine. Figures go to benchmarks/RESULTS.md ("National scale").
# Never run by ctest. Data and outputs stay in $DATA (outside the repo).
#
#   benchmarks/national/run_national.sh [STEP...]
#   steps (default: all, in this order):
#     data      redline synth (one 32768^2 tile, 10,000 zones) + build_national.py (4x3 VRT mosaic
#               = 1.29e10 cells, 120,000 redline / 360,000 cropland polygons; 1/4 mosaic = 3 tiles)
#     decode    bm_decode of the tile (x12 = the mosaic's blocks) and of mosaic_t0.vrt, 2 threads
#     tile      zonal exact on the single tile (1/12 of the mosaic; per-tile correctness check)
#     zonal     zonal exact on the mosaic, --progress captured by stamp.py (ETA honesty)
#     quarter   zonal exact on the 1/4 mosaic (same polygon density) and on the 1/4 mosaic with
#               all 120,000 zones (same zones, 4x fewer cells): peak RSS scaling
#     centroid  zonal --mode centroid on the mosaic
#     prep      zonal of all 120,000 (and the quarter's 30,000) zones on corner_t0.vrt (512^2 cells no
#               zone touches): the per-job cost of reading and preparing the zones, no raster pass
#     cache64   zonal exact on the mosaic with GDAL_CACHEMAX=64 (MB): how much of the peak RSS is
#               GDAL's block cache (the VRT reads its sources through it; the engine's default 256 MB)
#     ckpt      zonal with --checkpoint (wall vs plain), then SIGKILL at ~50 % + --resume, cmp
#     change    change on the t0/t1 mosaics, redline layer, matrix + patches
#     report    report on report/indicators.yaml (VRT copies + hard link of plan.gpkg beside it)
#     report_tile  report on one tile (1/12: 1.07e9 cells, 10,000 redline polygons), same config
#     report_small report on `redline synth --size 16000 --zones 4000 --seed 1` (the data of issue
#               #2's benchmark; $SMALL, made when missing), same config
#     repeat    a second sample of decode (tile, VRT) and the exact zonal of the mosaic
#     summary   results.md from results.tsv, and the progress-honesty table of every zonal/change log
#   Reports run under `timeout -s KILL $REPORT_TIMEOUT` (default 1800 s): the national one did
#   not finish in hours with commit bac113c, and takes about 7 minutes since the overlap areas
#   are sums over polygon pairs (see RESULTS.md).
#   env: DATA=/tmp/redline-bench/national  REDLINE=/tmp/redline-bench/bin/redline
#        BM_DECODE=/tmp/redline-bench/bin/bm_decode  THREADS=2  SIZE=32768  ZONES=10000  NX=4  NY=3
# Every command runs under /usr/bin/time -v; results.tsv gets wall, user, sys, peak RSS, exit
# status and the load averages (1/5/15 min) before and after, because the machine is shared.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-/tmp/redline-bench/national}
REDLINE=${REDLINE:-/tmp/redline-bench/bin/redline}
BM_DECODE=${BM_DECODE:-/tmp/redline-bench/bin/bm_decode}
THREADS=${THREADS:-2}
SIZE=${SIZE:-32768}
ZONES=${ZONES:-10000}
NX=${NX:-4}
NY=${NY:-3}
SMALL=${SMALL:-/tmp/redline-bench/s16k_z4000}
REPORT_TIMEOUT=${REPORT_TIMEOUT:-1800}
PY=/usr/bin/python3
[ -x /usr/bin/time ] || { echo "run_national: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
for exe in "$REDLINE" "$BM_DECODE"; do
  [ -x "$exe" ] || { echo "run_national: $exe missing" >&2; exit 1; }
done
mkdir -p "$DATA/out" "$DATA/logs"
TSV=$DATA/results.tsv
[ -f "$TSV" ] || printf "label\twall_s\tuser_s\tsys_s\tcpu_s\tmax_rss_mb\texit\tload_before\tload_after\tstart_utc\n" > "$TSV"
cd "$DATA" || exit 1

loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }

# record LABEL TIMEFILE LOADBEFORE STARTUTC: append a row parsed from /usr/bin/time -v output
record() {
  local label=$1 tf=$2 lb=$3 st=$4
  "$PY" - "$label" "$tf" "$lb" "$(loadavg)" "$st" >> "$TSV" <<'PY'
import sys
label, tf, lb, la, st = sys.argv[1:]
v = {}
for line in open(tf):
    k, _, val = line.strip().rpartition(": ")
    v[k] = val
w = v.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
wall = 0.0
for p in w.split(":"):
    wall = wall * 60 + float(p)
user, sys_ = float(v.get("User time (seconds)", 0)), float(v.get("System time (seconds)", 0))
rss = int(v.get("Maximum resident set size (kbytes)", 0)) / 1024
code = v.get("Exit status", "?")
if "Command terminated by signal" in open(tf).read().splitlines()[0]:
    code = open(tf).read().splitlines()[0].split()[-1].join(["signal ", ""])
print(f"{label}\t{wall:.2f}\t{user:.2f}\t{sys_:.2f}\t{user + sys_:.2f}\t{rss:.0f}\t{code}\t{lb}\t{la}\t{st}")
PY
  tail -n 1 "$TSV"
}

# measure LABEL COMMAND...: run under time -v; stderr timestamped into logs/LABEL.err
measure() {
  local label=$1; shift
  local slug=${label// /_}
  local lb st; lb=$(loadavg); st=$(date -u +%H:%M:%S)
  STAMP_T0=$(date +%s.%N) /usr/bin/time -v -o "logs/$slug.time" "$@" > "logs/$slug.out" \
    2> >(STAMP_T0=$(date +%s.%N) "$PY" "$HERE/stamp.py" > "logs/$slug.err")
  local rc=$?
  wait  # for stamp.py
  record "$label" "logs/$slug.time" "$lb" "$st"
  [ $rc = 0 ] || { echo "run_national: '$label' failed (exit $rc): $*" >&2; tail -5 "logs/$slug.err" >&2; }
  return $rc
}

step_data() {
  if [ ! -f tile/planted_cells.csv ]; then
    measure "synth ${SIZE} z${ZONES}" "$REDLINE" synth tile --size "$SIZE" --zones "$ZONES" --seed 1 \
      --threads "$THREADS" --progress || exit 1
  fi
  if [ ! -f plan.gpkg ] || [ ! -f plan_quarter.gpkg ] || [ ! -f corner_t0.vrt ] || [ ! -f report/indicators.yaml ]; then
    measure "build mosaic ${NX}x${NY}" "$PY" "$HERE/build_national.py" tile . --nx "$NX" --ny "$NY" || exit 1
  fi
}

step_decode() {
  measure "decode tile 2t" "$BM_DECODE" tile/lc_t0.tif --threads "$THREADS"
  measure "decode tile 1t" "$BM_DECODE" tile/lc_t0.tif --threads 1
  measure "decode mosaic vrt 2t" "$BM_DECODE" mosaic_t0.vrt --threads "$THREADS"
}

zonal() {  # zonal LABEL RASTER ZONES OUT [extra options]
  local label=$1 raster=$2 zones=$3 out=$4; shift 4
  measure "$label" "$REDLINE" zonal --raster "$raster" --zones "$zones" --id code --threads "$THREADS" \
    --output "$out" --progress --verbose "$@"
}

step_tile() {
  zonal "zonal exact tile" tile/lc_t0.tif tile/plan.gpkg:redline out/tile_exact.csv
}

step_zonal() {
  zonal "zonal exact mosaic" mosaic_t0.vrt plan.gpkg:redline out/mosaic_exact.csv
  "$PY" "$HERE/parse_progress.py" "logs/zonal_exact_mosaic.err" | tee out/progress_zonal.txt
  # correctness: tile t00 of the mosaic must give the single tile's numbers
  [ -f out/tile_exact.csv ] && "$PY" "$HERE/check_tiles.py" out/tile_exact.csv out/mosaic_exact.csv \
    | tee out/check_tiles.txt
}

step_quarter() {
  zonal "zonal exact quarter" quarter_t0.vrt plan_quarter.gpkg:redline out/quarter_exact.csv
  zonal "zonal exact quarter allzones" quarter_t0.vrt plan.gpkg:redline out/quarter_allzones.csv
}

step_centroid() {
  zonal "zonal centroid mosaic" mosaic_t0.vrt plan.gpkg:redline out/mosaic_centroid.csv --mode centroid
}

step_prep() {
  zonal "zonal prep only all zones" corner_t0.vrt plan.gpkg:redline out/corner_all.csv
  zonal "zonal prep only quarter zones" corner_t0.vrt plan_quarter.gpkg:redline out/corner_quarter.csv
}

step_cache64() {
  GDAL_CACHEMAX=64 zonal "zonal exact mosaic GDAL_CACHEMAX=64" mosaic_t0.vrt plan.gpkg:redline out/mosaic_cache64.csv
  cmp out/mosaic_exact.csv out/mosaic_cache64.csv && echo "GDAL_CACHEMAX=64: identical bytes"
}

step_ckpt() {
  rm -rf ckpt_a ckpt_b
  zonal "zonal exact mosaic checkpoint" mosaic_t0.vrt plan.gpkg:redline out/mosaic_ckpt.csv --checkpoint ckpt_a
  cmp out/mosaic_exact.csv out/mosaic_ckpt.csv && echo "checkpointed run: identical bytes"
  # kill at ~50 %: run in the background, watch the stamped progress log, SIGKILL redline itself
  local lb st; lb=$(loadavg); st=$(date -u +%H:%M:%S)
  STAMP_T0=$(date +%s.%N) /usr/bin/time -v -o logs/zonal_killed.time "$REDLINE" zonal --raster mosaic_t0.vrt \
    --zones plan.gpkg:redline --id code --threads "$THREADS" --output out/mosaic_resumed.csv --progress \
    --verbose --checkpoint ckpt_b > logs/zonal_killed.out \
    2> >(STAMP_T0=$(date +%s.%N) "$PY" "$HERE/stamp.py" > logs/zonal_killed.err) &
  local tpid=$! rpid=""
  while kill -0 "$tpid" 2>/dev/null; do
    sleep 1
    [ -n "$rpid" ] || rpid=$(pgrep -P "$tpid" -x redline || true)
    local pct; pct=$(grep -oE '[0-9.]+%' logs/zonal_killed.err 2>/dev/null | tail -1 | tr -d %)
    if [ -n "$pct" ] && [ -n "$rpid" ] && awk -v p="$pct" 'BEGIN{exit !(p >= 50)}'; then
      echo "SIGKILL redline pid $rpid at $pct %"; kill -KILL "$rpid"; break
    fi
  done
  wait "$tpid"; wait
  record "zonal exact mosaic killed at 50%" logs/zonal_killed.time "$lb" "$st"
  ls -la ckpt_b | head; du -sh ckpt_b
  ls -la out | grep -i tmp || true
  zonal "zonal exact mosaic resume" mosaic_t0.vrt plan.gpkg:redline out/mosaic_resumed.csv \
    --checkpoint ckpt_b --resume
  if cmp out/mosaic_exact.csv out/mosaic_resumed.csv; then
    echo "resumed after SIGKILL: identical bytes" | tee out/resume_cmp.txt
  else
    echo "resumed after SIGKILL: DIFFERENT" | tee out/resume_cmp.txt
  fi
}

step_change() {
  measure "change mosaic" "$REDLINE" change --t0 mosaic_t0.vrt --t1 mosaic_t1.vrt --zones plan.gpkg:redline \
    --id code --permitted plan.gpkg:permitted --matrix out/change_matrix.csv --patches out/change_patches.csv \
    --threads "$THREADS" --progress --verbose
}

step_report() {
  rm -rf out/report
  measure "report mosaic" timeout -s KILL "$REPORT_TIMEOUT" "$REDLINE" report --config report/indicators.yaml --output-dir out/report \
    --threads "$THREADS" --progress --verbose
}

step_report_tile() {
  mkdir -p report_tile
  for f in lc_t0.tif lc_t1.tif plan.gpkg; do [ -e "report_tile/$f" ] || ln "tile/$f" "report_tile/$f"; done
  sed -e 's/mosaic_t0.vrt/lc_t0.tif/; s/mosaic_t1.vrt/lc_t1.tif/; s/4x3 synthetic provinces/one tile/' \
    report/indicators.yaml > report_tile/indicators.yaml
  rm -rf out/report_tile
  measure "report tile" timeout -s KILL "$REPORT_TIMEOUT" "$REDLINE" report --config report_tile/indicators.yaml \
    --output-dir out/report_tile --threads "$THREADS" --progress --verbose
}

step_report_small() {
  [ -f "$SMALL/planted_cells.csv" ] || "$REDLINE" synth "$SMALL" --size 16000 --zones 4000 --seed 1 --quiet || exit 1
  mkdir -p report_small
  for f in lc_t0.tif lc_t1.tif plan.gpkg; do [ -e "report_small/$f" ] || ln "$SMALL/$f" "report_small/$f"; done
  sed -e 's/mosaic_t0.vrt/lc_t0.tif/; s/mosaic_t1.vrt/lc_t1.tif/; s/4x3 synthetic provinces/16000^2, 4,000 zones/' \
    report/indicators.yaml > report_small/indicators.yaml
  rm -rf out/report_small
  measure "report small" timeout -s KILL "$REPORT_TIMEOUT" "$REDLINE" report --config report_small/indicators.yaml \
    --output-dir out/report_small --threads "$THREADS" --progress --verbose
}

step_repeat() {  # a second sample of the headline numbers (label suffix " #2")
  measure "decode tile 2t #2" "$BM_DECODE" tile/lc_t0.tif --threads "$THREADS"
  measure "decode mosaic vrt 2t #2" "$BM_DECODE" mosaic_t0.vrt --threads "$THREADS"
  zonal "zonal exact mosaic #2" mosaic_t0.vrt plan.gpkg:redline out/mosaic_exact2.csv
  cmp out/mosaic_exact.csv out/mosaic_exact2.csv && echo "repeat: identical bytes"
}

step_summary() {
  "$PY" - "$TSV" > results.md <<'PY'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()[1:]]
print("| run | wall s | CPU s | peak RSS MB | exit | load 1/5/15 before | after |")
print("|---|---:|---:|---:|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[4]} | {r[5]} | {r[6]} | {r[7]} | {r[8]} |")
PY
  cat results.md
  for f in logs/zonal_*.err logs/change_*.err; do
    [ -f "$f" ] && "$PY" "$HERE/parse_progress.py" "$f" --at 10,50,90
  done | tee progress.md
}

STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=(data decode tile zonal quarter prep cache64 centroid ckpt change report_small report_tile report summary)
for s in "${STEPS[@]}"; do
  echo "== $s ($(date -u +%H:%M:%S), load $(loadavg))"
  "step_$s"
done
