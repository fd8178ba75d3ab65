#!/bin/sh
# Issue 17, vector surveys: `redline tabulate` and the two-year `redline change` of two builds on
# one synthetic survey, interleaved in one sitting, REPEAT rounds; one TSV line per run (case,
# build, wall s, user s, sys s, peak KiB, 1-min load before). Checks that both builds write the
# same tables (the change's patches as CSV: a GeoPackage's time stamps differ between runs).
# Never run by ctest.
#
#   benchmarks/run_survey_bench.sh OLD_BIN NEW_BIN DIR
#
# DIR holds survey_t0.gpkg, survey_t1.gpkg and survey_zones.gpkg, e.g. from
#   redline synth DIR --survey-only --survey-parcels 1000000 --zones 300
# (benchmarks/tabulate_bench.py --workdir writes the same files and times the analysts' recipe).
# SURVEY_FORMAT=gdb reads DIR/survey_t0.gdb instead (redline synth ... --survey-format gdb).
set -eu
old=$1 new=$2 dir=$3
REPEAT=${REPEAT:-3}
OUT=${OUT:-/tmp/redline-survey-bench}
mkdir -p "$OUT"
ext=gpkg
[ "${SURVEY_FORMAT:-gpkg}" = gdb ] && ext=gdb
# shellcheck source=benchmarks/timed_run.sh
. "$(dirname "$0")/timed_run.sh"
for _ in $(seq "$REPEAT"); do
    for b in old new; do
        bin=$old
        [ "$b" = new ] && bin=$new
        timed tabulate "$b" "$bin" tabulate --landuse "$dir/survey_t0.$ext:DLTB" --class-field DLBM \
            --deduct-field KCXS --zones "$dir/survey_zones.gpkg:redline" --id code --threads 2 \
            --output "$OUT/tab_$b.csv" --quiet
        [ "$ext" = gpkg ] || continue
        timed change "$b" "$bin" change --t0-layer "$dir/survey_t0.gpkg:DLTB" \
            --t1-layer "$dir/survey_t1.gpkg:DLTB" --class-field DLBM \
            --zones "$dir/survey_zones.gpkg:redline" --id code --threads 2 \
            --matrix "$OUT/matrix_$b.csv" --patches "$OUT/patches_$b.csv" --quiet
    done
done
for f in tab matrix patches; do
    [ -f "$OUT/${f}_old.csv" ] || continue
    if cmp -s "$OUT/${f}_old.csv" "$OUT/${f}_new.csv"; then
        echo "# $f: old and new byte-identical" >&2
    else
        echo "# $f: old and new DIFFER" >&2
        exit 1
    fi
done
