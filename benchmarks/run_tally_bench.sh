#!/bin/sh
# Issue 19, per-cell work: `redline zonal` (exact) and `redline change` of two builds against the
# bare decode of the same raster(s) (bm_decode, 2 threads), interleaved in one sitting, REPEAT
# rounds; one TSV line per run (case, build, wall s, user s, sys s, peak KB, 1-min load before).
# Checks that both builds write byte-identical outputs. Never run by ctest.
#
#   benchmarks/run_tally_bench.sh OLD_BIN NEW_BIN BM_DECODE DIR [ZONE_LAYER...]
#
# DIR holds lc_t0.tif, lc_t1.tif and plan.gpkg (`redline synth`); ZONE_LAYER names layers of
# plan.gpkg (DEFAULT: redline cropland regions land). zonal runs every layer; change runs the
# first and the last (small zones, one huge zone).
set -eu
old=$1 new=$2 decode=$3 dir=$4
shift 4
layers=${*:-redline cropland regions land}
REPEAT=${REPEAT:-3}
OUT=${OUT:-/tmp/redline-tally-bench}
mkdir -p "$OUT"
first=${layers%% *}
last=${layers##* }
# shellcheck source=benchmarks/timed_run.sh
. "$(dirname "$0")/timed_run.sh"
for i in $(seq "$REPEAT"); do
    timed "decode t0" bm_decode "$decode" "$dir/lc_t0.tif" --threads 2
    timed "decode t1" bm_decode "$decode" "$dir/lc_t1.tif" --threads 2
    for b in old new; do
        eval bin=\$$b
        for l in $layers; do
            id=""
            [ "$l" = redline ] && id="--id code"
            # shellcheck disable=SC2086
            timed "zonal $l" "$b" "$bin" zonal --raster "$dir/lc_t0.tif" --zones "$dir/plan.gpkg:$l" \
                $id --threads 2 --output "$OUT/z_${b}_$l.csv" --quiet
        done
        for l in $first $last; do
            timed "change $l" "$b" "$bin" change --t0 "$dir/lc_t0.tif" --t1 "$dir/lc_t1.tif" \
                --zones "$dir/plan.gpkg:$l" --threads 2 --matrix "$OUT/m_${b}_$l.csv" \
                --patches "$OUT/p_${b}_$l.csv" --quiet
        done
    done
done
for f in "$OUT"/z_old_*.csv "$OUT"/m_old_*.csv "$OUT"/p_old_*.csv; do
    cmp "$f" "$(echo "$f" | sed 's/_old_/_new_/')" || { echo "DIFFERENT: $f" >&2; exit 1; }
done
echo "outputs of both builds byte-identical" >&2
